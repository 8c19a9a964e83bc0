"""A roundup made of several lists of links: "## News", "## Articles", "## Tools", each a list whose bullets
each open on (or lead to) the page they recommend, with or without a line of commentary.

Each list alone is a part of the post, so the single-list shape (split.py) turns it down; together they are most
of it. A list counts when nearly every bullet sends readers to a link of its own surely (its linked title, an
onward link, the one link on a line); a list of names, of steps or of an item's own "Reddit / GitHub" links does
not. Lists inside another list's bullet belong to that bullet.
"""

from __future__ import annotations

from dataclasses import replace

from blogreader.roundups.blocks import Block
from blogreader.roundups.links import candidate_links, looks_like_url, main_link, recommends
from blogreader.roundups.shapes import MAX_BLURB_WORDS, MIN_ITEMS, SECTION_SHARE

SURE_SHARE = 0.8  # of a list's bullets that must lead to a link of their own surely
# Of an issue of a series (series.py), the share of its words its lists of links must hold: a newsletter's
# editor's notes, events and announcements may outweigh them (This Week in Dart: 23-30 % of the words, in four to
# eight lists of 30-35 links), where a post that is no issue needs SECTION_SHARE (a call for interns of 17
# linked positions in three lists holds 43 %).
SERIES_SHARE = 0.2
CITATION_TAIL_WORDS = 2  # words after a cited link that still end its line ("…, @author)")
DISTINCT_SHARE = 0.9  # of the items' links that are distinct


def link_lists(blocks: list[Block], hosts: set[str], make, series: bool = False) -> list:
    """One item per bullet of every list of links in the post, in document order; [] unless they are most of it
    (or, in an issue of a series, a fair part of it)."""
    items, words = [], 0
    for bullets in _top_level_lists(blocks).values():
        found = [_bullet(body, hosts) for body in bullets]
        if sum(link is not None for link, _ in found) < SURE_SHARE * len(found):
            continue
        for (link, body), bullet in zip(found, bullets):
            words += sum(block.words for block in bullet)
            if link is not None:
                items.append((link, body))
    total = sum(block.words for block in blocks)
    if len(items) < MIN_ITEMS or words < (SERIES_SHARE if series else SECTION_SHARE) * total:
        return []
    if len({link.href for link, _ in items}) < DISTINCT_SHARE * len(items):
        return []
    made = []
    for rank, (link, body) in enumerate(items, start=1):
        said = _uncited(link, body, hosts)
        if said:  # a line of commentary citing its link ("#192555"): the line is the title, and says it all
            made.append(make(rank, said, link.href, said))
            continue
        commentary = _commentary(link, body)
        made.append(make(rank, link.text, link.href, "\n".join(block.text for block in commentary if block.text)))
    return made


def _uncited(link, body: list[Block], hosts: set[str]) -> str | None:
    """The commentary of a bullet that ends by citing its one link, without the citation; else None."""
    if body[0].lead_link is link or not _cited_at_the_end(link, body, hosts):
        return None
    text = " ".join(block.text for block in body if block.text)
    if not _reference(link.text):
        return text  # "Added [support for tracing list subclasses]": the link's words are part of the line
    said = text[:text.rfind(link.text)].rstrip(" ([{—–-:,;")
    return said or None


def _reference(text: str) -> bool:
    """Link text that only points at something (a pull request "#5103", "PR 212", an address), no words of a title."""
    return looks_like_url(text) or (len(text.split()) <= 2 and any(character.isdigit() for character in text))


def _top_level_lists(blocks: list[Block]) -> dict[str, list[list[Block]]]:
    """The blocks of each list that no other list's bullet holds, grouped by bullet, in document order."""
    lists: dict[str, dict[str, list[Block]]] = {}
    for block in blocks:
        if block.list_parent is None:
            continue
        outer = _outermost_list(block.path)
        if outer is None:
            continue
        rest = block.path[len(outer) + 1:]
        bullet = f"{outer}/{rest.split('/', 1)[0]}"
        lists.setdefault(outer, {}).setdefault(bullet, []).append(block)
    return {path: list(bullets.values()) for path, bullets in lists.items()}


def _outermost_list(path: str) -> str | None:
    """The path of the outermost list (ul or ol) on `path`, when its next step is a bullet."""
    steps = path.split("/")
    for at, step in enumerate(steps[:-1]):
        if step.split("[", 1)[0] in {"ul", "ol"} and steps[at + 1].startswith("li"):
            return "/".join(steps[:at + 1])
    return None


def _bullet(body: list[Block], hosts: set[str]):
    """The link a bullet surely recommends (its linked title, an onward link, the link on a line of its own)."""
    lead = body[0].lead_link
    if lead is not None and lead.text and recommends(lead, hosts):
        return lead, body
    link, certainty = main_link(None, body, hosts)
    if link is not None and certainty > 3 and _cited_at_the_end(link, body, hosts):
        certainty = 3
    return (link, body) if link is not None and certainty <= 3 else (None, body)


def _cited_at_the_end(link, body: list[Block], hosts: set[str]) -> bool:
    """A line or two of commentary that ends by citing its one link ("... inside forward. (#192555, @author)"):
    what it describes is that link. A link inside the prose ("install the NVIDIA driver, then ...") is one
    word of a sentence about something else, as a tutorial's steps have them."""
    if len({found.href for found in candidate_links(body, hosts)}) != 1 or sum(b.words for b in body) > MAX_BLURB_WORDS:
        return False
    last = body[-1].text
    at = last.rfind(link.text) if link.text else -1
    return at >= 0 and len(last[at + len(link.text):].split()) <= CITATION_TAIL_WORDS


def _commentary(link, body: list[Block]) -> list[Block]:
    """The bullet without its title (the link's text, which is the item's title): the item's blurb."""
    first = body[0]
    at = first.text.find(link.text) if link.text else -1
    if at < 0 or any(character.isalnum() for character in first.text[:at]):
        return body  # the link sits inside the commentary: the whole bullet is the blurb
    rest = first.text[at + len(link.text):].lstrip(" :-–—.|")
    return [*([replace(first, text=rest)] if rest else []), *body[1:]]
