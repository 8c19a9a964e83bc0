"""Blog index ("listing") pages with no feed: the repeated post blocks, from bytes.

Structural, not per theme: links to same-site, post-like URLs are climbed to the nearest ancestor
that is one of at least three similar siblings; those siblings are post blocks, and the largest
family of blocks that looks like posts (a title of its own, an excerpt, date or reading time) wins.
What each block's lines say is read in `listing_posts`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from blogreader.parse.listing_posts import (
    MARK, READ_MORE, Post, has_date, is_meta, looks_like_posts, parse_date, read_lines,
)

log = logging.getLogger(__name__)

MIN_BLOCKS = 3
MAX_FEATURED = 2  # posts set apart above the list ("hero" posts)
LOOSE_WORDS = 250  # an article's own text outweighs a few related-post cards; a listing's intro does not

_HEADINGS = ("h1", "h2", "h3", "h4")
_SKIPPED = {"script", "style", "noscript", "template", "svg", "button", "select", "textarea", "form", "iframe"}
_BREAKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main",
    "section", "article", "aside", "blockquote", "figure", "figcaption", "table", "tr", "td", "br", "time",
}
_CHROME_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
# Class or id names of sidebars, widgets and pagination, wherever they are.
_CHROME_ANYWHERE = re.compile(
    r"^(?:sidebar|widgets?|breadcrumbs?|pagination|pager|masthead|related|share|social)(?:$|[-_])")
# Page headers, footers and menus; inside an article, section or main, a header belongs to the content (HTML-AAM).
_CHROME_SCOPED = re.compile(
    r"^(?:(?:site|page|global|main|top|primary)[-_]?)?(?:header|footer|nav|navbar|navigation|menu)$")
_SECTIONING = {"article", "section", "main"}
# Path segments of pages about posts rather than posts.
_NOT_POST_SEGMENTS = {
    "tag", "tags", "category", "categories", "topic", "topics", "label", "labels", "author", "authors", "people",
    "user", "users", "profile", "about", "about-me", "about-us", "archive", "archives", "search", "feed", "feeds",
    "rss", "atom", "login", "log-in", "signin", "sign-in", "signup", "sign-up", "register", "subscribe", "newsletter",
    "contact", "privacy", "privacy-policy", "terms", "series", "wp-admin", "wp-login.php", "cdn-cgi", "share",
    "comments",
}
_NOT_POST_QUERY = {"page", "paged", "s", "q", "query", "tag", "cat", "category", "author", "replytocom", "share"}
_NOT_POST_FILE = re.compile(r"\.(?:xml|rss|atom|json|png|jpe?g|gif|svg|webp|ico|css|js|pdf|zip)$", re.I)
_NAV_TEXT = re.compile(
    r"^(?:next|prev(?:ious)?|older|newer|(?:older|newer|next|previous|more) (?:posts|entries|articles|page)|"
    r"load more|view all|see all|all posts|home|page \d+|\d+)$", re.I)
_INVISIBLE = re.compile(r"^(?:sr-only|screen-reader-text|visually-hidden|hidden)$")
_META_CLASS = re.compile(r"date|time|meta|reading|published|posted|byline")


@dataclass(frozen=True)
class ListingItem:
    """One post as a listing page shows it; `published` is in UTC."""

    title: str
    url: str
    excerpt: str | None
    published: datetime | None
    reading_minutes: int | None
    word_count: int | None


def parse_listing(body: bytes, url: str) -> list[ListingItem]:
    """The posts a blog index page lists, in page order and one per URL; [] when it is not a listing."""
    root = _document(body)
    if root is None:
        return []
    base = next((_resolve(url, tag.get("href") or "") for tag in root.iter("base")), None) or url
    anchors, other_links = {}, set()
    for a in root.iter("a"):
        link = _resolve(base, a.get("href") or "")
        if link and _site(link) == _site(url):
            if _is_post_link(a, link, url) and not _in_chrome(a):
                anchors[a] = link
            else:
                other_links.add(a)  # tag, author and date-archive links inside a block are not excerpt text
    families = _families(anchors)
    best: list[Post] = []
    best_blocks: list[list] = []
    for blocks in families:
        posts = _read_family(blocks, anchors, other_links)
        if len(posts) > len(best) and looks_like_posts(posts):
            best, best_blocks = posts, blocks
    if len(best) < MIN_BLOCKS:
        return []
    # Elements themselves, not id(): lxml frees unreferenced proxies and their ids get reused.
    listed = {el for blocks in families for block in blocks for top in block for el in top.iter()}
    featured = _featured(best_blocks[0][0], anchors, other_links, listed, {post.url for post in best})
    best = [post for post, _ in featured] + best
    if _outweighed(root, best, best_blocks + [block for _, block in featured]):
        return []
    return [ListingItem(post.title, post.url, post.excerpt, post.published, post.minutes, post.words) for post in best]


def _document(body: bytes):
    """The parsed page, honouring a declared charset; undeclared bytes are read as UTF-8 when they are valid."""
    from lxml import etree, html

    head = body[:4096].lower()
    encoding = None
    if not (body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"charset" in head or b"encoding=" in head):
        try:
            body.decode("utf-8")
            encoding = "utf-8"  # libxml2 reads undeclared bytes as Latin-1, which garbles UTF-8 pages
        except UnicodeDecodeError:
            encoding = "windows-1252"
    parser = html.HTMLParser(encoding=encoding, remove_comments=True, remove_pis=True)
    try:
        return html.document_fromstring(body, parser=parser)
    except (etree.LxmlError, ValueError) as exc:  # empty or unreadable bytes are simply not a listing
        log.debug("not an HTML page: %s", exc)
        return None


def _resolve(base: str, href: str) -> str | None:
    """An absolute http(s) URL without fragment, or None for mailto:, javascript: and malformed links."""
    try:
        parts = urlsplit(urljoin(base, href.strip()))
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host.removeprefix("www.")


def _is_post_link(a, link: str, page_url: str) -> bool:
    """May this same-site link lead to a post, rather than to navigation, a tag, an author or a feed?"""
    if {"tag", "author", "category", "next", "prev"} & set((a.get("rel") or "").lower().split()):
        return False
    parts = urlsplit(link)
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    segments = [segment for segment in parts.path.lower().split("/") if segment]
    if keys & _NOT_POST_QUERY or _NOT_POST_FILE.search(parts.path):
        return False
    if _NAV_TEXT.match(_text(a).strip(" «»←→‹›<>")):
        return False
    if not segments:
        return "p" in keys  # WordPress's plain permalinks: /?p=123
    if all(s.isdigit() for s in segments) or _NOT_POST_SEGMENTS & set(segments):
        return False
    if any(s == "page" and after.isdigit() for s, after in zip(segments, segments[1:])):
        return False
    # This very page, or a section above it ("Blog" from /blog/page/2/), is not a post.
    return not (urlsplit(page_url).path.rstrip("/") + "/").startswith(parts.path.rstrip("/") + "/")


def _names(el) -> list[str]:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def _is_chrome(node, sectioned: bool) -> bool:
    """Is this node site navigation, a sidebar, pagination, or (outside any article) the page header/footer?"""
    names = _names(node)
    if node.tag in ("nav", "aside") or (node.get("role") or "").lower() in _CHROME_ROLES:
        return True
    if any(_CHROME_ANYWHERE.match(name) for name in names):
        return True
    scoped = node.tag in ("header", "footer") or any(_CHROME_SCOPED.match(name) for name in names)
    return scoped and not sectioned


def _in_chrome(el) -> bool:
    sectioned = False
    for node in reversed([el, *el.iterancestors()]):
        if _is_chrome(node, sectioned):
            return True
        sectioned = sectioned or node.tag in _SECTIONING
    return False


def _classes(el) -> set[str]:
    """Class names that do not vary per post (post-123 does)."""
    return {name for name in (el.get("class") or "").lower().split() if not any(c.isdigit() for c in name)}


def _families(anchors: dict) -> list[list[list]]:
    """Families of post blocks, each block a list of elements, in page order."""
    holders = {node for a in anchors for node in (a, *a.iterancestors())}
    kinds: dict = {}  # per parent: how many children holding a post link share each (tag, class name)
    families: dict[tuple, dict] = defaultdict(dict)  # a dict keeps page order: anchors come in page order
    for a in anchors:
        for node in (a, *a.iterancestors()):
            parent = node.getparent()
            if parent is None or node.tag in ("body", "html"):
                break
            if parent not in kinds:
                kinds[parent] = Counter(kind for child in parent if child in holders for kind in _kinds(child))
            if max(kinds[parent][kind] for kind in _kinds(node)) >= MIN_BLOCKS:
                # Lists split by year or by grid row are one family: key on the path, not the parent.
                path = tuple((n.tag, *sorted(_classes(n))) for n in (parent, *parent.iterancestors()))
                families[path, node.tag][node] = None
                break
    return [[block for node in members for block in _split(_segment(node), anchors)] for members in families.values()]


def _split(block: list, anchors: dict) -> list[list]:
    """A block holding several titled posts (a day with two posts, a grid row of cards) becomes one block per post."""
    if len(block) > 1 or _linked_headings(block[0], anchors) < 2:
        return [block]
    parts: list = []
    for heading in block[0].iter(*_HEADINGS):
        if not any(a in anchors for a in heading.iter("a")):
            continue
        node = heading  # the largest part of the block that holds this title and no other
        while (parent := node.getparent()) is not block[0] and _linked_headings(parent, anchors) == 1:
            node = parent
        if node not in parts:
            parts.append(node)
    return [_segment(node) for node in parts]


def _kinds(el) -> list[tuple]:
    """Siblings are alike when they share the tag and a class name (or both have none)."""
    return [(el.tag, name) for name in _classes(el)] or [(el.tag, None)]


def _segment(node) -> list:
    """A heading (or <dt>) standing for a post takes the siblings after it, up to the next one."""
    if node.tag not in (*_HEADINGS, "h5", "h6", "dt"):
        return [node]
    elements = [node]
    for sibling in node.itersiblings():
        if sibling.tag == node.tag:
            break
        elements.append(sibling)
    return elements


def _text(el) -> str:
    """The element's text on one line: <br> and block elements count as spaces, scripts as nothing."""

    def walk(node):
        if node.tag in _SKIPPED:
            return
        gap = " " if node.tag in _BREAKS else ""
        yield gap + (node.text or "")
        for child in node:
            yield from walk(child)
            yield child.tail or ""
        yield gap

    return " ".join("".join(walk(el)).split())


def _within(block: list, *tags: str):
    return [el for top in block for el in top.iter(*tags)]


def _read_family(blocks: list[list], anchors: dict, other_links: set) -> list[Post]:
    """The posts of a family of blocks, the first block of each URL kept."""
    # A link in several blocks (an author page, a section) is not what any one block is about.
    counts = Counter(link for block in blocks for link in {anchors[a] for a in _within(block, "a") if a in anchors})
    shared = {link for link, count in counts.items() if count > 1}
    posts: dict[str, Post] = {}
    for block in blocks:
        post = _read_block(block, anchors, other_links, shared)
        if post is not None and post.url not in posts:
            posts[post.url] = post
    return list(posts.values())


def _read_block(block: list, anchors: dict, other_links: set, shared: set) -> Post | None:
    """The block's post: URL, title, excerpt, date and reading time; None without a link or a title."""
    links = [(a, anchors[a]) for a in _within(block, "a") if a in anchors]
    if not links:
        return None
    headings = [h for h in _within(block, *_HEADINGS) if _text(h)]
    linked = next((h for h in headings if any(a in anchors for a in h.iter("a"))), None)
    if linked is not None:
        url = next(anchors[a] for a in linked.iter("a") if a in anchors)
    else:
        own = [pair for pair in links if pair[1] not in shared] or links
        url = max(own, key=lambda pair: len(_text(pair[0])))[1]
    title_el = linked if linked is not None else min(headings, key=lambda h: h.tag, default=None)
    if title_el is None:
        # The first link to the post that is not "Read more" or a date; a description may link there too.
        title_el = next((a for a, link in links if link == url and not READ_MORE.match(_text(a)) and not is_meta(_text(a))), None)
        if title_el is not None and any(node.tag in _BREAKS for node in title_el.iterdescendants()):
            title_el = None  # an anchor around the whole card: its first line is the title
    post = Post(url, _text(title_el) if title_el is not None else "")
    for time in _within(block, "time"):
        post.published = post.published or parse_date(time.get("datetime") or "")
    read_lines(post, _lines(block, title_el, other_links))
    return post if post.title else None


def _featured(first, anchors: dict, other_links: set, listed: set, seen: set) -> list[tuple[Post, list]]:
    """Posts set apart above the list (a featured "hero" post), each read as a block of its own."""
    around_first = set(first.iterancestors())
    found: list[tuple[Post, list]] = []
    for heading in first.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4]"):
        if heading in listed or not any(a in anchors for a in heading.iter("a")):
            continue
        top = heading  # grow the block up to, not into, the container it shares with the list
        while (parent := top.getparent()) is not None and parent not in around_first:
            if _linked_headings(parent, anchors) > 1:
                break
            top = parent
        post = _read_block([top], anchors, other_links, set())
        if post and post.url not in seen and post.standalone and (post.excerpt or post.published):
            seen.add(post.url)
            found.append((post, [top]))
    return found[:MAX_FEATURED]


def _linked_headings(el, anchors: dict) -> int:
    return len({anchors[a] for h in el.iter(*_HEADINGS) for a in h.iter("a") if a in anchors})


def _lines(block: list, title_el, other_links: set) -> list[str]:
    """The block's text as lines, the title replaced by a marker, read-more and tag links left out."""
    out: list[str] = []

    def walk(el, tail: bool = True) -> None:
        names = _names(el)
        breaks = el.tag in _BREAKS or (el.tag == "span" and any(_META_CLASS.search(name) for name in names))
        if el is title_el:
            out.append(f"\n{MARK}\n" if el.tag in _HEADINGS else MARK)
        elif el.tag in _SKIPPED or el.get("hidden") is not None or any(_INVISIBLE.match(name) for name in names):
            pass
        elif el.tag == "a" and (READ_MORE.match(_text(el)) or (el in other_links and not has_date(_text(el)))):
            pass
        else:
            out.append("\n" if breaks else "")
            out.append(el.text or "")
            for child in el:
                walk(child)
            out.append("\n" if breaks else "")
        if tail:
            out.append(el.tail or "")

    for index, element in enumerate(block):
        walk(element, tail=index < len(block) - 1)  # a lone block's tail is the text between blocks
    return [" ".join(line.split()) for line in "".join(out).split("\n") if line.strip()]




def _outweighed(root, posts: list[Post], blocks: list[list]) -> bool:
    """Is this an article with a few related-post cards: its own text outweighs the cards?"""
    inside = {el for block in blocks for el in block}

    def loose(el, sectioned: bool) -> int:
        if el in inside or el.tag in _SKIPPED or _is_chrome(el, sectioned):
            return 0
        sectioned = sectioned or el.tag in _SECTIONING
        children = sum(loose(child, sectioned) + len((child.tail or "").split()) for child in el)
        return len((el.text or "").split()) + children

    listed = sum(len(f"{post.title} {post.excerpt or ''}".split()) for post in posts)
    return loose(next(root.iter("body"), root), False) > max(LOOSE_WORDS, listed)
