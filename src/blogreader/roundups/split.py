"""Detect a roundup post and split it into its recommended items.

Shapes, tried in turn, each defined by structure rather than by one newsletter's template: a table
with one recommended link a row, numbered headings ("10. Title" down to "1. Title", or up), titled
paragraphs that each end in a "Source" link, a list of bullets that each recommend a link with
commentary, and titled sections (headings, bold or linked title lines, paragraphs opening on a bold
title) that each lead to a link of their own. A shape counts only when most of its items point
somewhere outside the publication, so a tutorial's numbered sections or an article's few links do
not split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from blogreader.normalize.boilerplate import strip_promo_blocks
from blogreader.roundups.blocks import HEADINGS, Block, read_blocks
from blogreader.roundups.calendars import calendar_links
from blogreader.roundups.numbering import longest_run
from blogreader.roundups.link_lists import SERIES_SHARE, link_lists, list_items
from blogreader.roundups.links import candidate_links, looks_like_url, main_link, recommends
from blogreader.roundups.shapes import SECTION_SHARE, table_rows, titled_runs, titled_sections

MIN_ITEMS = 3
LINKED_SHARE = 0.6  # of items that must have a confident main link
# "10. Title", "3.Title", "1) Title"; not a decimal such as "1.5 Flash".
_NUMBERED = re.compile(r"^\s*(?:#\s*)?(\d{1,2})\s*[.):、](?:\s+|(?!\d))(\S.{1,200})$")
_RANK_TAG = re.compile(r"\s*\[\d{1,3}\]$")  # "Title [2]": the item's number, printed after its title
# Tried only where a run of spaces starts (from inside one, `\s*` would rescan the rest of it), and no
# two `\s*` side by side, which would try every split of a long run of spaces.
_SOURCE = re.compile(r"(?<!\s)\s*(?:source|sources|link)\s*(?:[.:]\s*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class RoundupItem:
    rank: int
    title: str
    url: str | None
    blurb: str


def split_roundup(html: str, page_url: str | None, publication_url: str | None = None,
                  series: bool = False, published: datetime | None = None) -> list[RoundupItem]:
    """The items of a roundup post, in the order printed; [] when the post is not a roundup. `series`: the post is
    an issue of a series (roundups.series), which a list-of-links roundup may be with less of its text in lists.
    `published`: the post's date, which tells a calendar of what is to come inside it (roundups.calendars)."""
    blocks = read_blocks(html, page_url)
    if len(blocks) < MIN_ITEMS:
        return []
    hosts = {_host(url) for url in (page_url, publication_url) if url and _host(url)}
    return _without(calendar_links(blocks, published), _shaped(blocks, hosts, series))


def _shaped(blocks: list[Block], hosts: set[str], series: bool) -> list[RoundupItem]:
    for shape in (_table_rows, _numbered_headings, _source_paragraphs, _bullets, _titled_sections, _link_lists):
        items = shape(blocks, hosts)
        if items:
            return items
    if not series:
        return []
    # An issue of a series: its items may be a fair part of it rather than most (roundups.series).
    return link_lists(blocks, hosts, _item, series=True) or _titled_sections(blocks, hosts, SERIES_SHARE)


def _without(calendar: set[str], items: list[RoundupItem]) -> list[RoundupItem]:
    """`items` less the events of a calendar inside the post, numbered again where their ranks were positions."""
    kept = [item for item in items if item.url not in calendar]
    if len(kept) == len(items):
        return items
    if len(kept) < MIN_ITEMS:
        return []
    positional = [item.rank for item in items] == list(range(1, len(items) + 1))
    return [replace(item, rank=rank) for rank, item in enumerate(kept, start=1)] if positional else kept


def _item(rank: int, title: str, url: str | None, blurb: str) -> RoundupItem:
    return RoundupItem(rank, _clean_title(title), url, strip_promo_blocks(blurb).strip())


def _table_rows(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    return table_rows(blocks, hosts, _item)


def _titled_sections(blocks: list[Block], hosts: set[str], share: float = SECTION_SHARE) -> list[RoundupItem]:
    """Titled sections, or titled sections and lists of links together where an issue has both (its top stories
    under linked titles, the rest in lists: "Featured" over "Other merges") and they make more items, or are most of
    the post only together. Lists that hold the share alone are the roundup by themselves (`_link_lists`)."""
    alone = titled_sections(blocks, hosts, _item, share)
    titled, titled_words, taken = titled_runs(blocks, hosts, _item, share=0.0)
    listed, list_words = list_items(blocks, hosts, _item)
    if not titled or not listed:
        return alone
    first_seen: dict[str, int] = {}
    for index, block in enumerate(blocks):
        for link in block.links:
            first_seen.setdefault(link.href, index)
    # A list inside a titled item (its notes' links, its "see also") is that item's, not items of its own.
    listed = [item for item in listed if id(blocks[first_seen[item.url]]) not in taken]
    total = sum(block.words for block in blocks)
    if list_words >= share * total:
        # Lists that are the roundup alone (`_link_lists`, tried next) win over fewer titled sections: the
        # headings over a newsletter's lists ("Official", "Call for Testing") are no items.
        return alone if len(alone) >= len(listed) else []
    if len(titled) + len(listed) <= len(alone) or len(listed) < MIN_ITEMS \
            or titled_words + list_words < share * total:
        return alone
    together = sorted(titled + listed, key=lambda item: first_seen.get(item.url or "", len(blocks)))
    return [replace(item, rank=rank) for rank, item in enumerate(together, start=1)]


def _link_lists(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    return link_lists(blocks, hosts, _item)


def _bullets(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """The one list that is most of the post, unless its sibling lists of links ("## Featured", "## Articles",
    "## Outages") make a longer roundup together."""
    one = _bulleted_links(blocks, hosts)
    if not one:
        return []
    together = _link_lists(blocks, hosts)
    return together if len(together) > len(one) else one


def _numbered_headings(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """Numbered headings, or paragraphs whose first line is a numbered title ("3) Title.", then its link and
    commentary on lines of their own), each an item down to the next."""
    numbered = []
    for index, block in enumerate(blocks):
        match = _NUMBERED.match(_numbered_title(block))
        if match:
            numbered.append((index, int(match.group(1)), match.group(2).strip()))
    run = longest_run(numbered, number=lambda heading: heading[1])
    if len(run) < MIN_ITEMS:
        return []
    separated_by_rules = sum(blocks[index].hr_before for index, _, _ in run[1:]) >= (len(run) - 1) / 2
    items, confident, words = [], 0, 0
    for position, (index, rank, title) in enumerate(run):
        end = run[position + 1][0] if position + 1 < len(run) else _end_of_last(blocks, index, separated_by_rules)
        head, body = blocks[index], blocks[index + 1:end]
        if not head.is_heading():  # a titled paragraph: its title line heads it, its other lines are its body
            head, *own = _line_blocks(head)
            body = own + body
        link, certainty = main_link(head, body, hosts)
        confident += certainty <= 3
        words += sum(block.words for block in blocks[index:end])
        items.append(RoundupItem(rank, _clean_title(title), link.href if link else None, _blurb(body)))
    # Most of a roundup is its items, as in every other shape; an article's numbered subsections ("1. Faster
    # prefill", "2. State transfer", each citing its pull request) are one part of it among others.
    if words < SECTION_SHARE * sum(block.words for block in blocks):
        return []
    return items if confident >= LINKED_SHARE * len(items) else []


def _numbered_title(block: Block) -> str:
    """The text a numbered title is looked for in: a heading's, or a paragraph's first line over lines of its own."""
    if block.is_heading():
        return block.text
    return block.lines[0] if len(block.lines) > 1 and block.tag in {"p", "div", "td"} else ""


def _line_blocks(block: Block) -> list[Block]:
    """A paragraph's lines as blocks of their own, each with the links whose text it holds."""
    return [Block(block.tag, line, [link for link in block.links if link.text and link.text in line], path=block.path)
            for line in block.lines]


def _source_paragraphs(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """Titled paragraphs each ending in a "Source" link, with an optional take after some."""
    anchors = [index for index, block in enumerate(blocks)
               if block.links and _SOURCE.search(block.text) and _SOURCE.match(block.links[-1].text or "")]
    if len(anchors) < MIN_ITEMS:
        return []
    items, words = [], 0
    previous_end = 0
    for position, index in enumerate(anchors):
        title_at = _title_before(blocks, previous_end, index)
        if title_at is None:
            return []  # a Source link with no title line above it: some other shape
        following = anchors[position + 1] if position + 1 < len(anchors) else len(blocks)
        next_title = _title_before(blocks, index + 1, following) if position + 1 < len(anchors) else None
        takes_end = next_title if next_title is not None else following
        takes = []
        for block in blocks[index + 1:takes_end]:
            if block.hr_before or block.is_heading() or block.words > 60:
                break  # a take is a line or two; a rule or a heading ends the item
            takes.append(block)
        previous_end = index + 1 + len(takes)
        words += sum(block.words for block in blocks[title_at:previous_end])
        source = blocks[index].links[-1]
        link = source if source in candidate_links([blocks[index]], hosts) else None
        summary = [block.text for block in blocks[title_at + 1:index]] + [_SOURCE.sub("", blocks[index].text).strip()]
        text = strip_promo_blocks("\n".join(summary + [take.text for take in takes])).strip()
        items.append(RoundupItem(position + 1, _clean_title(blocks[title_at].text), link.href if link else None, text))
    linked = sum(item.url is not None for item in items)
    # A tutorial's steps that each end "... or use this link" are a few lines of a long post.
    if words < SECTION_SHARE * sum(block.words for block in blocks):
        return []
    return items if linked >= LINKED_SHARE * len(items) else []


def _title_before(blocks: list[Block], start: int, end: int) -> int | None:
    """The last title-like block (a heading, or a short line with no link) between start and end."""
    for index in range(end - 1, start - 1, -1):
        block = blocks[index]
        if block.is_heading() or (block.words <= 25 and not block.links and not block.text.endswith(".")):
            return index
    return None


def _bulleted_links(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """Bullets that each recommend a link, with a heading and commentary: most of the post's text."""
    total_words = sum(block.words for block in blocks)
    best: list[RoundupItem] = []
    first_of_list: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.list_parent:
            first_of_list.setdefault(block.list_parent, index)
    for list_path, index in first_of_list.items():
        bodies: dict[str, list[Block]] = {}
        for block in _inside(blocks, index, list_path):
            item_path = _direct_item(block.path, list_path)
            if item_path:
                bodies.setdefault(item_path, []).append(block)
        items, confident, thin, words = [], 0, 0, 0
        for rank, body in enumerate(bodies.values(), start=1):
            words += sum(block.words for block in body)
            heading = body[0] if body[0].is_heading() and not body[0].links else None
            link, certainty = main_link(None, body, hosts)
            lead = body[0].lead_link
            if certainty > 1 and lead is not None and lead.text and recommends(lead, hosts):
                link, certainty = lead, 1  # a bullet that opens on its linked title
            if link is None:
                items = []
                break  # a bullet that recommends nothing: not a list of recommendations
            link_words = sum(len(l.text.split()) for block in body for l in block.links)
            thin += sum(block.words for block in body) - link_words < 12
            confident += certainty <= 3
            title = heading.text if heading and (looks_like_url(link.text) or certainty > 3) else link.text
            title_block = next((b for b in body if b.text == link.text), None) if title == link.text else heading
            if title_block is None and title and title == body[0].lead:
                body = [replace(body[0], text=body[0].text[len(title):].lstrip(" :-–—.|"))] + body[1:]
            items.append(RoundupItem(rank, _clean_title(title or (heading.text if heading else "")), link.href,
                                     _blurb(body, skip=title_block)))
        if (len(items) >= MIN_ITEMS and words >= SECTION_SHARE * total_words and thin <= 0.2 * len(items)
                and confident >= LINKED_SHARE * len(items) and len(items) > len(best)):
            best = items
    return best


def _inside(blocks: list[Block], index: int, path: str) -> list[Block]:
    """The blocks inside the element at `path`, given one of them: in document order they are all adjacent.

    Reading every block for every list took time growing with the square of a post made of lists.
    """
    start, end = index, index
    while start > 0 and blocks[start - 1].inside(path):
        start -= 1
    while end < len(blocks) and blocks[end].inside(path):
        end += 1
    return blocks[start:end]


def _direct_item(path: str, list_path: str) -> str | None:
    """The path of the list item directly under `list_path` that contains `path`."""
    rest = path[len(list_path) + 1:]
    head = rest.split("/", 1)[0]
    return f"{list_path}/{head}" if head.startswith("li") else None


def _end_of_last(blocks: list[Block], index: int, separated_by_rules: bool) -> int:
    """Where the last item stops: the next rule, if items were separated by rules, or a heading of its rank or
    above (a closing "## Wrap-up" after "### 3. ..." items is not the last item's)."""
    tag = blocks[index].tag
    for end in range(index + 1, len(blocks)):
        block = blocks[end]
        if (separated_by_rules and block.hr_before) or (block.tag == tag and block.is_heading()):
            return end
        if tag in HEADINGS and block.tag in HEADINGS and block.tag <= tag:
            return end
    return len(blocks)


def _blurb(body: list[Block], skip: Block | None = None) -> str:
    text = "\n".join(block.text for block in body if block is not skip and block.text)
    return strip_promo_blocks(text).strip()


def _clean_title(title: str) -> str:
    title = _RANK_TAG.sub("", " ".join(title.split())).strip(" :–—-|")
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:  # a malformed page or publication address
        return ""
