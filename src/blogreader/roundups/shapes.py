"""Roundup shapes found by repetition: table rows, and titled sections that each send readers to one place.

Both read the flat blocks of blocks.py. A table row is an item when the table is a list of links (most rows
link somewhere outside the publication, each somewhere else) and holds most of the post. A titled section is
an item when a run of sibling titles of one kind (headings of one level, bold lines, plain title lines,
paragraphs that open on a bold or linked title) each lead to their own link, with few links apiece: an
article's sections cite many sources, or none, and so never split.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from statistics import median

from blogreader.roundups.blocks import HEADINGS, Block
from blogreader.roundups.front_matter import between_front_and_back_matter, named_by_their_links, own_links
from blogreader.roundups.links import (candidate_links, is_label, is_onward, looks_like_url, main_link, recommends,
                                      title_link)

MIN_ITEMS = 3
TABLE_SHARE = 0.4  # of the post's words a table of links must hold to be the roundup
SECTION_SHARE = 0.5  # of the post's words a roundup's items must hold, in every shape (roundups: 0.86-0.98)
CONFIDENT_SHARE = 0.8  # of items whose main link is sure
MAX_LINKS_PER_ITEM = 4  # median links of an item: more, and it is an article's section citing its sources
MAX_TITLE_WORDS = 20
MAX_LEAD_FOLLOWERS = 2  # blocks after a titled paragraph that still belong to its item
MAX_BLURB_WORDS = 80  # an item whose only link sits in its prose: longer, and it is an article's section
LINKED_SHARE = 0.9  # of items that link anywhere: an article has sections that link nowhere
LINKED = "linked"  # the run of every title that is a link, whatever its markup (titled_sections)
MIN_OUTLINED = 2  # titles with subsections of their own, not one template, that make the run an article's outline
RUN_IN_MIN_ITEMS = 5  # bold title lines that may lead to their link inside the commentary (_sections)
RUN_IN_MAX_LINKS = 2
_RANK = re.compile(r"^\s*(?:#\s*)?(\d{1,3})\s*[.):、]\s*")  # "10. ", "3) ", "1、" (the CJK enumeration comma)
_BARE_NUMBER = re.compile(r"^\s*#?(\d{1,3})\.?\s*$")
_ONWARD = re.compile(r"^(?:paper|pdf|arxiv|link|source|code|read more|here)$", re.I)
_TITLE_TAIL = re.compile(r"\s+[-–—:|]\s+.*$|\s*[-–—]\s*$")


def table_rows(blocks: list[Block], hosts: set[str], make) -> list:
    """One item per row of a table whose rows each recommend a link; or of every such table together, where a
    newsletter gives each section its table ("## Research", "## News", "## Resources") and none alone is most of it."""
    total = sum(block.words for block in blocks) or 1
    tables = [found for rows in _tables(blocks).values() if (found := _table_items(rows, hosts, make))]
    best = max((items for items, words in tables if words >= TABLE_SHARE * total), key=len, default=[])
    if best or len(tables) < 2 or sum(words for _, words in tables) < TABLE_SHARE * total:
        return best
    together = [item for items, _ in tables for item in items]
    return together if _distinct(together) else []


def _table_items(rows: dict[str, list[Block]], hosts: set[str], make) -> tuple[list, int] | None:
    """The items of one table of links and the words it holds; None for a layout table or one that is no list of
    links (most rows must recommend one, each another)."""
    body = [cells for cells in rows.values() if not all(cell.tag == "th" for cell in cells)]
    if len(body) < MIN_ITEMS or sum(_cells(cells) >= 2 for cells in body) < 0.8 * len(body):
        return None  # a layout table (one cell a row) is read as the blocks it holds
    items = []
    for position, cells in enumerate(body, start=1):
        link, _ = main_link(None, cells, hosts)
        if link is None:
            continue
        title, title_cell = _row_title(cells, link)
        blurb = []
        for cell in cells:
            if cell is title_cell:
                blurb.append(_after_title(cell, title))
            elif cell.text and not _only_links(cell) and not _BARE_NUMBER.match(cell.text):
                blurb.append(cell.text)
        items.append(make(_row_rank(cells, position), title, link.href, "\n".join(part for part in blurb if part)))
    if len(items) < MIN_ITEMS or len(items) < 0.8 * len(body) or not _distinct(items):
        return None
    return items, sum(cell.words for cells in body for cell in cells)


def _cells(blocks: list[Block]) -> int:
    return len({block.cell for block in blocks})


def _tables(blocks: list[Block]) -> dict[str, dict[str, list[Block]]]:
    """Blocks by table (the path of their innermost row's parent), then by row, in document order."""
    tables: dict[str, dict[str, list[Block]]] = defaultdict(dict)
    for block in blocks:
        row = block.row
        if row is not None:
            tables[row.rsplit("/", 1)[0]].setdefault(row, []).append(block)
    return tables


def titled_sections(blocks: list[Block], hosts: set[str], make, share: float = SECTION_SHARE) -> list:
    """Items that each start at a title of one kind and run to the next; the kind that fits best wins."""
    return titled_runs(blocks, hosts, make, share)[0]


def titled_runs(blocks: list[Block], hosts: set[str], make, share: float = SECTION_SHARE) -> tuple[list, int, set]:
    """`titled_sections`, the words its items hold, and the blocks they take (their ids)."""
    data_rows = {row for rows in _tables(blocks).values() for row, cells in rows.items() if _cells(cells) >= 2}
    kinds: dict[str, list[int]] = defaultdict(list)
    for index, block in enumerate(blocks):
        if block.row is not None and block.row in data_rows:
            continue
        kind = _title_kind(block)
        if kind:
            kinds[kind].append(index)
        if (kind in HEADINGS and _is_linked_line(block)) or kind == "linked-line" \
                or (kind == "lead" and block.lead_link is not None):
            # Every title that is a link (a linked line, a linked heading, a paragraph opening on its link) is also
            # one run: a newsletter may head its top stories with linked lines and list the rest as paragraphs
            # that open on their link, one run of items in several markups.
            kinds[LINKED].append(index)
    total = sum(block.words for block in blocks) or 1
    best: tuple[list, int, set] = ([], 0, set())
    for kind, starts in kinds.items():
        if len(starts) < MIN_ITEMS:
            continue
        found = _sections(blocks, starts, kind, hosts, total, make, share)
        if len(found[0]) > len(best[0]):
            best = found
    return best


def _title_kind(block: Block) -> str | None:
    if block.tag in HEADINGS:
        return block.tag if block.words <= MAX_TITLE_WORDS else None
    if block.tag not in {"p", "td", "div", "dt"}:
        return None
    if block.is_heading():
        return "bold-line"
    if block.lead and len(block.lead.split()) <= MAX_TITLE_WORDS and block.words > len(block.lead.split()) + 3 \
            and _set_apart(block):
        return "lead"
    if _is_linked_line(block):
        return "linked-line"
    return None


def _is_linked_line(block: Block) -> bool:
    """A line that is one link and nothing else, shaped like a title (no closing stop, not "Read more", not the
    address itself: a bare URL under a heading is that item's link, not a title of its own)."""
    return (0 < block.words <= MAX_TITLE_WORDS and not block.text.rstrip().endswith((".", ",", ";", ":"))
            and len(block.links) == 1 and block.links[0].text == _RANK.sub("", block.text) and not is_label(block.text)
            and not looks_like_url(block.text))


def _sections(blocks: list[Block], starts: list[int], run: str, hosts: set[str], total: int, make,
              share: float = SECTION_SHARE) -> tuple[list, int, set]:
    items, confident, linked, link_counts, held, groups, notes = [], 0, 0, [], [], 0, []
    navigation: set[int] = set()  # the positions of sections that only link within the publication
    titled: list[bool] = []
    main_links = []
    taken = set()
    for position, start in enumerate(starts):
        head = blocks[start]
        kind = _own_kind(head, run)
        if position + 1 < len(starts):
            end = starts[position + 1]
        else:  # the last item is no longer than the longest before it: a footer follows it
            longest = max(_kept(blocks[earlier + 1:later], _own_kind(blocks[earlier], run))
                          for earlier, later in zip(starts, starts[1:])) + 1
            end = min(_end_of_last(blocks, start, kind), start + longest)
        body = blocks[start + 1:end]
        notes.append(_notes(body, kind))  # an item's own sections under deeper headings: words, not links
        body = body[:_kept(body, kind)]
        if position + 1 < len(starts):
            body = _before_next_card(head, blocks[starts[position + 1]], body)
        taken.update(map(id, [head, *body]))
        # A heading or rule inside an item starts something else (a sponsor, a section); a titled paragraph's
        # item is that paragraph and a line or two after it.
        section = ([head] if kind == "lead" else []) + body
        if kind == "lead":
            link = head.lead_link if recommends(head.lead_link, hosts) else None
            certainty = 1 if link else 5
            if link is None:
                link, certainty = main_link(None, section, hosts)
        else:
            link, certainty = main_link(head, body, hosts)
        found_links = candidate_links([head] + body, hosts)
        links = {found.href for found in found_links}
        # The link as the item names it: where "Project page" and a title line lead to one place, the title line.
        main_links.append(next((found for found in found_links if link is not None and found.href == link.href
                                and found.text and not is_label(found.text)), link))
        if not links and own_links([head] + body, hosts) >= MIN_ITEMS:
            navigation.add(position)
        # The link whose text is its title, read once: it names the work, and its list of links is the item's own.
        own_title = title_link(head.text, body, hosts) if kind != "lead" else None
        titled.append(link is not None and kind != "lead" and (bool(candidate_links([head], hosts))
                                                               or own_title is not None))
        size = sum(block.words for block in [head] + body)
        # Sure: a linked title or an onward link; or the one link of a short blurb, which can only be its subject.
        if link is not None and (certainty <= 3 or (len(links) == 1 and size <= MAX_BLURB_WORDS)):
            confident += 1
        linked += link is not None
        link_counts.append(len(links))
        # A list of items, not the item's own "GitHub", "Reddit", nor its "Video", "Paper", "Code" list, which links
        # the work by its title.
        groups += _linking_bullets(body, hosts) >= MIN_ITEMS and (kind == "lead" or own_title is None)
        held.append(size)
        title = head.lead if kind == "lead" else _RANK.sub("", head.text)
        blurb_blocks = [_after_lead(head)] if kind == "lead" else []
        # Lines of links alone that say nothing ("Paper", "Code", a bare address) are no commentary.
        said = [block.text for block in body
                if not (_only_links(block) and all(is_onward(l.text) or looks_like_url(l.text) for l in block.links))]
        blurb = "\n".join(part for part in blurb_blocks + said if part)
        items.append(make(position + 1, title, link.href if link else None, blurb))
    notes = _outline(blocks, starts, run, notes)
    if notes is None:
        return [], 0, set()  # sections with subsections each of their own ("Step 1", "Dashboards"): an article's outline
    if any(notes):  # every pick fills in the same sections: they are its words and commentary
        held = [size + sum(block.words for block in found) for size, found in zip(held, notes)]
        items = [replace(item, blurb="\n".join(filter(None, [item.blurb, *(block.text for block in found)])))
                 for item, found in zip(items, notes)]
    kept = between_front_and_back_matter(items, held, titled, navigation, MIN_ITEMS)
    items = named_by_their_links([replace(items[index], rank=rank) for rank, index in enumerate(kept, start=1)],
                                 [main_links[index] for index in kept])
    link_counts, held = [link_counts[index] for index in kept], [held[index] for index in kept]
    if len(items) < MIN_ITEMS:
        return [], 0, set()
    # Bold title lines, each over a paragraph or two with a link or two of its own, many of them: a newsletter's
    # items, whose subject is linked inside the commentary ("Recent work by ... shows"), its first link. Over about
    # 450 real posts of six blogs no article has this shape; their bold lines head steps or terms, linking none or many.
    run_in = run == "bold-line" and len(items) >= RUN_IN_MIN_ITEMS and median(link_counts) <= RUN_IN_MAX_LINKS
    # Titles most of which head a list of links ("### Interesting discussions" over ten threads) name sections of
    # items, not items: the lists are the roundup (link_lists.py).
    if groups > len(items) / 2:
        return [], 0, set()
    if ((confident < CONFIDENT_SHARE * len(items) and not run_in) or linked < LINKED_SHARE * len(items)
            or median(link_counts) > MAX_LINKS_PER_ITEM or sum(held) < share * total
            or not _distinct([item for item in items if item.url])):
        return [], 0, set()
    return items, sum(held), taken | {id(block) for found in notes for block in found}


def _before_next_card(head: Block, next_head: Block, body: list[Block]) -> list[Block]:
    """The body without what opens the next item's own container: where each item is a card (a byline, then
    its title link), the next card's byline is part of that card, not commentary on this one."""
    container = next_head.path.rsplit("/", 1)[0]
    if container == head.path.rsplit("/", 1)[0]:
        return body  # titles side by side in one container: what lies between them is this item's
    return [block for block in body if not block.inside(container)]


def _linking_bullets(body: list[Block], hosts: set[str]) -> int:
    """How many bullets of the lists in `body` link somewhere outside the publication."""
    bullets = set()
    for block in body:
        if block.list_parent and candidate_links([block], hosts):
            rest = block.path[len(block.list_parent) + 1:]
            bullets.add(f"{block.list_parent}/{rest.split('/', 1)[0]}")
    return len(bullets)


def _own_kind(head: Block, run: str) -> str:
    """How one title of a run reads: in the run of linked titles, a paragraph opening on its link is a "lead"."""
    if run != LINKED:
        return run
    return "lead" if _title_kind(head) == "lead" else "linked-line"


def _kept(body: list[Block], kind: str) -> int:
    """How many blocks after a title belong to its item: up to a heading or a rule, a line or two for a paragraph.
    A heading title's subtitle (a deeper heading right under it: "##### Title" over "###### Authors") is its own."""
    subtitle = kind in HEADINGS and body and body[0].tag in HEADINGS and body[0].tag > kind and not body[0].hr_before
    stop = next((at for at, block in enumerate(body)
                 if (block.tag in HEADINGS or block.hr_before) and not (at == 0 and subtitle)), len(body))
    return stop if kind != "lead" else min(stop, MAX_LEAD_FOLLOWERS)


def _notes(body: list[Block], kind: str) -> list[Block]:
    """After a heading item's own blocks (`_kept`), the sections it holds under deeper headings, as an outline runs
    to the next heading of its level or above. Its links are read in its own blocks alone."""
    if kind not in HEADINGS:
        return []
    own = _kept(body, kind)
    end = next((at for at in range(own, len(body)) if body[at].tag in HEADINGS and body[at].tag <= kind), len(body))
    notes = body[own:end]
    return notes if any(block.tag in HEADINGS for block in notes) else []


def _outline(blocks: list[Block], starts: list[int], run: str, notes: list[list[Block]]) -> list[list[Block]] | None:
    """Each item's notes where the items share one outline: all hold sections under one same heading ("Short
    Summary", "Main Ideas"), a template each pick fills in. The last item's notes, which no next title bounds, run as
    far as that outline does. No notes at all where no item has subsections; None where several have subsections
    that are no shared outline, as an article's sections have subsections of their own."""
    earlier = notes[:-1]
    headings = Counter(heading for found in earlier for heading in {_heading_key(block) for block in found
                                                                    if block.tag in HEADINGS})
    # Under every item but one at most: the issue's own title over its contents heads the run too.
    template = {heading for heading, count in headings.items() if count >= max(2, len(earlier) - 1)}
    if not template or len(earlier) < MIN_ITEMS - 1:
        return None if sum(map(bool, notes)) >= MIN_OUTLINED else [[] for _ in notes]
    start = starts[-1]
    kind = _own_kind(blocks[start], run)
    after = start + 1 + _kept(blocks[start + 1:], kind)
    last: list[Block] = []
    for block in blocks[after:after + max(map(len, earlier))]:
        if block.tag in HEADINGS and (block.tag <= kind or _heading_key(block) not in template):
            break
        if not last and block.tag not in HEADINGS:
            break  # what follows the last item's own blocks is no section of its outline: a footer
        last.append(block)
    return earlier + [last]


def _heading_key(block: Block) -> str:
    return _squash(block.text).lower()


def _end_of_last(blocks: list[Block], start: int, kind: str) -> int:
    """The last item stops at a rule or at the next heading of its level or above (a closing section)."""
    level = int(kind[1]) if kind in HEADINGS else 7
    for end in range(start + 1, len(blocks)):
        block = blocks[end]
        if block.hr_before or (block.tag in HEADINGS and int(block.tag[1]) <= level):
            return end
        if kind == "lead" and (block.is_heading() or end > start + 3):
            return end
    return len(blocks)


def _set_apart(block: Block) -> bool:
    """Is the block's bold or linked opening a title (followed by a stop, a dash or a new sentence), not the
    subject of its first sentence ("Goodhart's law states that ...")?"""
    rest = _after_lead_raw(block)
    if not rest:
        return False
    return block.lead.rstrip()[-1:] in ".:!?" or rest[0] in ":.-–—|" or rest[0].isupper()


def _after_lead_raw(block: Block) -> str:
    return block.text[len(block.lead):].lstrip(" ") if block.text.startswith(block.lead) else ""


def _after_lead(block: Block) -> str:
    return block.text[len(block.lead):].lstrip(" :-–—.|") if block.text.startswith(block.lead) else block.text


def _row_rank(cells: list[Block], position: int) -> int:
    match = _RANK.match(cells[0].text) or _BARE_NUMBER.match(cells[0].text)
    return int(match.group(1)) if match else position


def _row_title(cells: list[Block], link) -> tuple[str, Block | None]:
    """The row's title and the cell it is in: a linked title cell, else the first text cell's bold or first line."""
    for cell in cells:
        if link.text and _squash(_RANK.sub("", cell.text)) == _squash(link.text) and not _ONWARD.match(link.text):
            return link.text, cell
    first = next((cell for cell in cells if cell.text and not _BARE_NUMBER.match(cell.text) and not _only_links(cell)),
                 None)
    if first is None:
        return link.text, None
    if first.lead:
        return first.lead, first
    line = _RANK.sub("", first.first_line or first.text)
    words = line.split()
    if len(words) > MAX_TITLE_WORDS:
        line = _TITLE_TAIL.sub("", line)
        words = line.split()[:MAX_TITLE_WORDS]
    return " ".join(words), first


def _after_title(cell: Block, title: str) -> str:
    text = _RANK.sub("", cell.text)
    return text[len(title):].lstrip(" :-–—.|") if text.startswith(title) else text


def _squash(text: str) -> str:
    return " ".join(text.split())


def _only_links(block: Block) -> bool:
    """A cell of links alone ("Paper, Code, Tweet")."""
    rest = block.text
    for link in block.links:
        rest = rest.replace(link.text, "", 1)
    return bool(block.links) and not re.sub(r"[\W_]+", "", rest)


def _distinct(items: list) -> bool:
    urls = [item.url for item in items]
    return len(set(urls)) >= 0.9 * len(urls)
