"""A roundup made of several lists of links: "## News", "## Articles", "## Tools", each a list whose bullets
each open on (or lead to) the page they recommend, with or without a line of commentary.

Each list alone is a part of the post, so the single-list shape (split.py) turns it down; together they are most
of it. A list counts when nearly every bullet sends readers to a link of its own surely (its linked title, an
onward link, the one link on a line); a list of names, of steps or of an item's own "Reddit / GitHub" links does
not. Lists inside another list's bullet belong to that bullet.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

from blogreader.roundups.blocks import Block
from blogreader.roundups.links import candidate_links, is_onward, looks_like_url, main_link, recommends
from blogreader.roundups.shapes import MAX_BLURB_WORDS, MIN_ITEMS, SECTION_SHARE

_NAME = re.compile(r"[^\W\d_]{3,}")  # three letters in a row: a word of a name, not "PR" or "#"
_DANGLING = frozenset({"", "and", "or", "at", "is", "are"})

SURE_SHARE = 0.8  # of a list's bullets that must lead to a link of their own surely
# Of an issue of a series (series.py), the share of its words its lists of links must hold: a newsletter's
# editor's notes, events and announcements may outweigh them (This Week in Dart: 23-30 % of the words, in four to
# eight lists of 30-35 links), where a post that is no issue needs SECTION_SHARE (a call for interns of 17
# linked positions in three lists holds 43 %).
SERIES_SHARE = 0.2
CITATION_TAIL_WORDS = 2  # words after a cited link that still end its line ("…, @author)")
DISTINCT_SHARE = 0.9  # of the items' links that are distinct
MAX_LABEL_DEPTH = 3  # levels of labelled lists read: an outline is a level or two deep, a hostile page thousands
MAX_LABEL_WORDS = 8  # a bullet's line that labels the lists under it ("Emacs Lisp:", "Papers and posts")


def link_lists(blocks: list[Block], hosts: set[str], make, series: bool = False) -> list:
    """One item per bullet of every list of links in the post, in document order; [] unless they are most of it
    (or, in an issue of a series, a fair part of it)."""
    items, words = list_items(blocks, hosts, make)
    total = sum(block.words for block in blocks)
    return items if words >= (SERIES_SHARE if series else SECTION_SHARE) * total else []


def list_items(blocks: list[Block], hosts: set[str], make) -> tuple[list, int]:
    """The items of every list of links in the post, whatever share of it they are, and the words they hold."""
    items, words = [], 0
    for bullets in top_level_lists(blocks).values():
        collection = _collection(bullets, hosts)
        found = [_bullet(body, hosts, collection) for body in bullets]
        if sum(link is not None for link, _ in found) < SURE_SHARE * len(found) or _names_alone(found):
            continue
        for (link, body), bullet in zip(found, bullets):
            words += sum(block.words for block in bullet)
            if link is not None:
                items.append((link, body, collection))
    if len(items) < MIN_ITEMS or len({link.href for link, _, _ in items}) < DISTINCT_SHARE * len(items):
        return [], 0
    made = []
    for rank, (link, body, collection) in enumerate(items, start=1):
        said = _uncited(link, body, hosts) or _named_inside(link, body, hosts, collection)
        if said:  # a line of commentary citing its link ("#192555"): the line is the title, and says it all
            made.append(make(rank, said, link.href, said))
            continue
        commentary = _commentary(link, body)
        title = _pointed_at(body) if is_onward(link.text) else link.text
        made.append(make(rank, title, link.href, "\n".join(block.text for block in commentary if block.text)))
    return made, words


def _uncited(link, body: list[Block], hosts: set[str]) -> str | None:
    """The commentary of a bullet that ends by citing its one link, without the citation; else None."""
    if body[0].lead_link is link or not _cited_at_the_end(link, body, hosts):
        return None
    text = " ".join(block.text for block in body if block.text)
    if not _reference(link.text):
        return text  # "Added [support for tracing list subclasses]": the link's words are part of the line
    said = text[:text.rfind(link.text)].rstrip(" ([{—–-:,;")
    return said or None


def _named_inside(link, body: list[Block], hosts: set[str], collection: str | None) -> str | None:
    """The line of a bullet that names its change with a link in mid-sentence ("Node metrics [work on hosts] with
    init containers"), a page of the list's collection: the link's words alone are no title."""
    first = body[0].text
    if not link.text or first.startswith(link.text) or first.endswith(link.text) \
            or not _of_collection(body, hosts, collection):
        return None
    return " ".join(block.text for block in body if block.text)


def _pointed_at(body: list[Block]) -> str:
    """A bullet's words without the links that only point ("gensim's tutorial [here] and [here]"): what they point at."""
    words = " ".join(block.text for block in body if block.text)
    for block in body:
        for link in block.links:
            if is_onward(link.text):  # the link's words, not the same letters inside a word ("here" in "where")
                words = re.sub(rf"(?<!\w){re.escape(link.text)}(?!\w)", " ", words, count=1)
    kept = words.split()
    while kept and kept[-1].strip(",;:(").lower() in _DANGLING:  # what a removed "here" leaves behind: "and", ","
        kept.pop()
    return " ".join(kept).rstrip(",;:( ")


def _reference(text: str) -> bool:
    """Link text that only points at something (a pull request "#5103", "PR 212", an address, "here"), no words of a
    title; a name with a digit in it ("deeplearning4j", "GPT-4o") names something."""
    return looks_like_url(text) or is_onward(text) or (len(text.split()) <= 2 and any(map(str.isdigit, text))
                                                        and not _NAME.search(text))


def top_level_lists(blocks: list[Block]) -> dict[str, list[list[Block]]]:
    """The blocks of each list that no other list's bullet holds, grouped by bullet, in document order; a bullet
    that only labels the lists inside it ("Beginner:" over its links) gives way to them, as a heading would."""
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
    found: dict[str, list[list[Block]]] = {}
    for path, bullets in lists.items():
        _unlabelled(path, bullets, found, MAX_LABEL_DEPTH)
    return found


def _unlabelled(path: str, bullets: dict[str, list[Block]], found: dict[str, list[list[Block]]], depth: int) -> None:
    """Add the bullets of the list at `path` to `found`, each labelling bullet replaced by its lists, and theirs in
    turn down to `depth` levels ("Community:" over "Elevator pitches:" over the essays)."""
    for bullet, body in bullets.items():
        inner = _labelled_lists(bullet, body) if depth > 0 else None
        if inner is None:
            found.setdefault(path, []).append(body)
            continue
        for inner_path, inner_bullets in inner.items():
            _unlabelled(inner_path, inner_bullets, found, depth - 1)


def _labelled_lists(bullet: str, body: list[Block]) -> dict[str, dict[str, list[Block]]] | None:
    """The lists inside a bullet that is only their label (a short line with no link, then nothing but those
    lists), grouped by their own bullets; None for any other bullet."""
    label, rest = body[0], body[1:]
    if not rest or label.links or label.words > MAX_LABEL_WORDS or label.path.startswith(bullet + "/ul") \
            or label.path.startswith(bullet + "/ol"):
        return None
    inner: dict[str, dict[str, list[Block]]] = {}
    for block in rest:
        tail = block.path[len(bullet) + 1:].split("/")
        if len(tail) < 2 or tail[0].split("[", 1)[0] not in {"ul", "ol"} or not tail[1].startswith("li"):
            return None  # a paragraph of the bullet's own after its label: a bullet with notes, not a label
        path = f"{bullet}/{tail[0]}"
        inner.setdefault(path, {}).setdefault(f"{path}/{tail[1]}", []).append(block)
    return inner


def _outermost_list(path: str) -> str | None:
    """The path of the outermost list (ul or ol) on `path`, when its next step is a bullet."""
    steps = path.split("/")
    for at, step in enumerate(steps[:-1]):
        if step.split("[", 1)[0] in {"ul", "ol"} and steps[at + 1].startswith("li"):
            return "/".join(steps[:at + 1])
    return None


def _bullet(body: list[Block], hosts: set[str], collection: str | None = None):
    """The link a bullet surely recommends (its linked title, an onward link, the link on a line of its own, or the
    one link of a short line where the list's links are all pages of one collection)."""
    lead = body[0].lead_link
    if lead is not None and lead.text and recommends(lead, hosts):
        return lead, body
    link, certainty = main_link(None, body, hosts)
    if link is not None and certainty > 3 and (_cited_at_the_end(link, body, hosts)
                                                or _of_collection(body, hosts, collection)):
        certainty = 3
    return (link, body) if link is not None and certainty <= 3 else (None, body)


def _names_alone(found: list) -> bool:
    """A list of people, not of reads: each bullet a bare link to a handle ("@someone", or "someone" linking to
    github.com/someone), as a newsletter thanks its contributors or names its editors."""
    linked = [(link, body) for link, body in found if link is not None]
    return bool(linked) and all(
        _handle(link) and " ".join(block.text for block in body).strip(" .,;:-–—") == link.text
        for link, body in linked)


def _handle(link) -> bool:
    """A link naming someone: "@name", or a name that is its address's whole path (a profile: site.com/name)."""
    if link.text.startswith("@"):
        return True
    try:
        steps = [step for step in urlsplit(link.href).path.split("/") if step]
    except ValueError:
        return False
    return len(steps) == 1 and steps[0].lstrip("@~").lower() == link.text.lower() and " " not in link.text


def _collection(bullets: list[list[Block]], hosts: set[str]) -> str | None:
    """The collection nearly every bullet's one link belongs to, where one does: pages that differ only in their
    last step ("github.com/org/project/pull/126441", ".../pull/126429"; "arxiv.org/abs/2608.11001"). A changelog's
    bullets each name their change with a link somewhere in the line; a tutorial's steps link to pages of all kinds."""
    keys = [_collection_of_all(body, hosts) for body in bullets]
    linking = [key for key in keys if key != ""]  # bullets with no link of their own ("kubeadm checks ...") aside
    if len(linking) < MIN_ITEMS:
        return None
    key, count = Counter(linking).most_common(1)[0]
    return key if key is not None and count >= SURE_SHARE * len(linking) else None


def _collection_of_all(body: list[Block], hosts: set[str]) -> str | None:
    """The one collection every link of a bullet belongs to ("" for a bullet with no link, None for links of
    several or of none): a change may cite two pull requests ("... and move [X] to the queue")."""
    found = {_collection_of(link.href) for link in candidate_links(body, hosts)}
    return "" if not found else found.pop() if len(found) == 1 else None


def _collection_of(href: str) -> str | None:
    """A numbered page's collection: its host and path without the last step, where that step holds a number (a pull
    request, an issue, a paper's id); None for any other page. A tutorial's steps link pages named by words, all in one
    section of the documentation as they may be ("/guide/install", "/guide/configure")."""
    parts = urlsplit(href)
    steps = [step for step in parts.path.split("/") if step]
    if len(steps) < 2 or not any(character.isdigit() for character in steps[-1]):
        return None
    return f"{(parts.hostname or '').removeprefix('www.')}/{'/'.join(steps[:-1])}"


def _of_collection(body: list[Block], hosts: set[str], collection: str | None) -> bool:
    """Is this a short bullet whose links are all pages of the list's `collection` (None: the list has none)?"""
    return (collection is not None and _collection_of_all(body, hosts) == collection
            and sum(block.words for block in body) <= MAX_BLURB_WORDS)


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
