"""Detect a roundup post and split it into its recommended items.

Three shapes, tried in turn, each defined by structure rather than by one newsletter's template:
numbered headings ("10. Title" down to "1. Title", or up), titled paragraphs that each end in a
"Source" link, and a list of bullets that each recommend a link with commentary. A shape counts
only when most of its items point somewhere outside the publication, so a tutorial's numbered
sections or an article's few links do not split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from blogreader.normalize.boilerplate import strip_promo_blocks
from blogreader.roundups.blocks import Block, read_blocks
from blogreader.roundups.links import candidate_links, main_link

MIN_ITEMS = 3
LINKED_SHARE = 0.6  # of items that must have a confident main link
_NUMBERED = re.compile(r"^\s*(?:#\s*)?(\d{1,2})\s*[.):]\s*(?!\d)(\S.{1,200})$")
_SOURCE = re.compile(r"\s*(?:source|sources|link)\s*[.:]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RoundupItem:
    rank: int
    title: str
    url: str | None
    blurb: str


def split_roundup(html: str, page_url: str | None, publication_url: str | None = None) -> list[RoundupItem]:
    """The items of a roundup post, in the order printed; [] when the post is not a roundup."""
    blocks = read_blocks(html, page_url)
    if len(blocks) < MIN_ITEMS:
        return []
    hosts = {_host(url) for url in (page_url, publication_url) if url and _host(url)}
    for shape in (_numbered_headings, _source_paragraphs, _bulleted_links):
        items = shape(blocks, hosts)
        if items:
            return items
    return []


def _numbered_headings(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    numbered = []
    for index, block in enumerate(blocks):
        match = _NUMBERED.match(block.text) if block.is_heading() else None
        if match:
            numbered.append((index, int(match.group(1)), match.group(2).strip()))
    run = _longest_run(numbered)
    if len(run) < MIN_ITEMS:
        return []
    separated_by_rules = sum(blocks[index].hr_before for index, _, _ in run[1:]) >= (len(run) - 1) / 2
    items, confident = [], 0
    for position, (index, rank, title) in enumerate(run):
        end = run[position + 1][0] if position + 1 < len(run) else _end_of_last(blocks, index, separated_by_rules)
        body = blocks[index + 1:end]
        link, certainty = main_link(blocks[index], body, hosts)
        confident += certainty <= 3
        items.append(RoundupItem(rank, _clean_title(title), link.href if link else None, _blurb(body)))
    return items if confident >= LINKED_SHARE * len(items) else []


def _source_paragraphs(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """Titled paragraphs each ending in a "Source" link, with an optional take after some."""
    anchors = [index for index, block in enumerate(blocks)
               if block.links and _SOURCE.search(block.text) and _SOURCE.match(block.links[-1].text or "")
               and index > 0 and not blocks[index - 1].links]
    if len(anchors) < MIN_ITEMS:
        return []
    items = []
    for position, index in enumerate(anchors):
        title_block = blocks[index - 1]
        if title_block.words > 25:
            return []  # not a title line: some other shape
        following = anchors[position + 1] - 1 if position + 1 < len(anchors) else len(blocks)
        takes = [block for block in blocks[index + 1:following] if block.words <= 60]
        source = blocks[index].links[-1]
        link = source if source in candidate_links([blocks[index]], hosts) else None
        blurb = _SOURCE.sub("", blocks[index].text).strip()
        text = "\n".join([blurb] + [take.text for take in takes])
        items.append(RoundupItem(position + 1, _clean_title(title_block.text), link.href if link else None, text))
    linked = sum(item.url is not None for item in items)
    return items if linked >= LINKED_SHARE * len(items) else []


def _bulleted_links(blocks: list[Block], hosts: set[str]) -> list[RoundupItem]:
    """Bullets that each recommend a link, with a heading and commentary: most of the post's text."""
    groups: dict[int, list[Block]] = {}
    order: list[object] = []
    for block in blocks:
        item = block.list_item
        if item is None:
            continue
        if id(item) not in groups:
            groups[id(item)] = []
            order.append(item)
        groups[id(item)].append(block)
    siblings: dict[int, list[object]] = {}
    for item in order:
        siblings.setdefault(id(item.getparent()), []).append(item)
    best: list[RoundupItem] = []
    total_words = sum(block.words for block in blocks)
    for members in siblings.values():
        items, words = [], 0
        for rank, item in enumerate(members, start=1):
            body = [block for block in groups[id(item)] if block.list_item is item]
            words += sum(block.words for block in body)
            heading = body[0] if body and body[0].is_heading() and not body[0].links else None
            link, certainty = main_link(None, body, hosts)
            commentary = sum(block.words for block in body) - sum(len(l.text.split()) for b in body for l in b.links)
            if link is None or commentary < 12:
                break
            title = link.text if certainty == 3 or not heading else heading.text
            items.append(RoundupItem(rank, _clean_title(title or heading.text), link.href, _blurb(body, skip=heading)))
        else:
            if len(items) >= MIN_ITEMS and words >= 0.5 * total_words and len(items) > len(best):
                best = items
    return best


def _longest_run(numbered: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The longest sequence numbered 1..N in steps of one, counting up or down, in document order."""
    best: list[tuple[int, int, str]] = []
    for start in range(len(numbered)):
        for step in (1, -1):
            run = [numbered[start]]
            for entry in numbered[start + 1:]:
                if entry[1] == run[-1][1] + step:
                    run.append(entry)
            if len(run) > len(best) and min(rank for _, rank, _ in run) == 1:
                best = run
    return best


def _end_of_last(blocks: list[Block], index: int, separated_by_rules: bool) -> int:
    """Where the last item stops: the next rule, if items were separated by rules, or a heading of its rank."""
    for end in range(index + 1, len(blocks)):
        block = blocks[end]
        if (separated_by_rules and block.hr_before) or (block.tag == blocks[index].tag and block.is_heading()):
            return end
    return len(blocks)


def _blurb(body: list[Block], skip: Block | None = None) -> str:
    text = "\n".join(block.text for block in body if block is not skip and block.text)
    return strip_promo_blocks(text).strip()


def _clean_title(title: str) -> str:
    return " ".join(title.split()).strip(" :–—-")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")
