"""A roundup's own sections around its items, and titles that only count them.

Titled sections (shapes.py) find every title of one kind, and some of them are the post's own: its table of
contents, its introduction under a heading of the same level, its references or sign-off. And some runs of titles
name nothing: "Paper 1", "Paper 2", each over the paper's linked title, count the items without naming them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from blogreader.roundups.blocks import Block, Link
from blogreader.roundups.links import is_label, same_host

SIGN_OFF_WORDS = 40  # a closing section ("Before you go") no longer than this, which leads to no link, is no item
_DIGITS = re.compile(r"\d+")
_COUNTER = re.compile(r"\s*(?:[^\W\d_]{1,20}\s?)?#?\d{1,3}\s?[.:)]?\s*$")  # "Paper 1", "Story #2", "3."


def own_links(blocks: list[Block], hosts: set[str]) -> int:
    """How many links of `blocks` lead within the publication (its other posts, or places in this one)."""
    return sum(not link.image and same_host(link.host, hosts) for block in blocks for link in block.links)


def between_front_and_back_matter(items: list, held: list[int], titled: list[bool], navigation: set[int],
                                  min_items: int) -> list[int]:
    """The positions of the sections that may be items, without the post's own sections around them: its table of
    contents (or any section that only links within the publication, `navigation`); its heading over its
    introduction, where every title after it leads to a link of its own; its short sign-off, which leads to no link;
    and, around a run of sections that each link the work their title names (`titled`: a template no article's
    sections follow), every section before and after the run (an introduction with the author's links, references)."""
    kept = [index for index in range(len(items)) if index not in navigation]
    named = [index for index in kept if titled[index]]
    if len(named) >= min_items and all(titled[index] for index in kept if named[0] <= index <= named[-1]):
        return [index for index in kept if named[0] <= index <= named[-1]]
    if kept and items[kept[-1]].url is None and held[kept[-1]] <= SIGN_OFF_WORDS:
        kept.pop()
    if len(kept) > min_items and items[kept[0]].url is None and all(items[index].url for index in kept[1:]):
        kept = kept[1:]
    return kept


def named_by_their_links(items: list, links: list[Link | None]) -> list:
    """The items, or where their titles only count them ("Paper 1", "Paper 2": a word and a number, alike but for
    it), each named by its link's text where that names something (not "Code", not an address), that line no longer
    part of its commentary."""
    titles = [item.title for item in items]
    if not all(map(_COUNTER.match, titles)) or len({_DIGITS.sub("#", title) for title in titles}) != 1:
        return items
    named = []
    for item, link in zip(items, links):
        name = link.text.strip() if link is not None and link.text else ""
        if not name or is_label(name) or "/" in name:
            named.append(item)
            continue
        said = [line for line in item.blurb.split("\n") if line.strip() != name]
        named.append(replace(item, title=name, blurb="\n".join(said)))
    return named
