"""Which link of a roundup item is the one it sends readers to."""

from __future__ import annotations

import re

from blogreader.roundups.blocks import Block, Link

# Anchor text that points readers onward: "using this link", "Source", "Paper", "Read more"; code links rank lower.
_ONWARD_TEXT = re.compile(
    r"^(?:(?:using|via|at|with) )?(?:this|the following|the) link$|^link$|^here$|^source$|^sources$|^paper$|"
    r"^(?:the )?(?:paper|article|post|blog post|release|announcement|report|repo|repository|code|github|project page)$|"
    r"^read (?:it|more|the paper|the post|the full (?:post|paper|article))(?: here)?$|^(?:arxiv|pdf)$",
    re.IGNORECASE,
)
MIN_TITLE_LINK_WORDS = 3  # a title as short as "Code" or "The paper" names no one work
_WORDS = re.compile(r"\w+")
_END_TAG = re.compile(r"[\[(][^\[\]()]{1,20}[\])]$")
_RESOURCE_LABEL = re.compile(
    r"^(?:(?:live |online |interactive )?demo|weights|model(?: card| weights)?|dataset|colab|notebook|slides|video|"
    r"website|project(?: page| website)?|homepage|tweet|thread)$", re.IGNORECASE)
MAX_LABEL_WORDS = 3  # "Podcast:", "Watch on YouTube:": a field's name, not a sentence that ends in a colon
_CODE_TEXT = re.compile(r"\b(?:code|github|repo|repository|project page|demo|weights|model card|dataset)\b", re.I)
# A block whose whole point is to send readers on: "Read more about this research using this link.", "📄 Paper: …"
_ONWARD_BLOCK = re.compile(
    r"^\W*(?:(?:read|learn|find out) more\b|(?:source|link|paper|code|read it|pdf|arxiv|github|project page)\s*[:\-–])"
    r"|^\W*source\W*$",
    re.I,
)
# A post's comments are its address ending in /comments ("/p/post/comments", "/comments/feed"), not any address
# with the word in its path: a Reddit thread (/r/x/comments/1fw8kpk/title) is a discussion readers are sent to.
_NOT_A_RECOMMENDATION = re.compile(
    r"/subscribe|[?&]action=share|/share\b|/comments?(?:/(?:feed|new))?/?(?=$|[?#])|#comments|"
    r"/(?:account|login|signup|sign-up)\b|"
    r"^https?://(?:www\.)?(?:twitter\.com|x\.com)/intent|^https?://(?:www\.)?facebook\.com/sharer|^mailto:",
    re.I,
)


def candidate_links(blocks: list[Block], publication_hosts: set[str]) -> list[Link]:
    """Links an item could recommend: no images, no buttons, no other posts of the same publication."""
    found = []
    for block in blocks:
        for link in block.links:
            if link.image or _NOT_A_RECOMMENDATION.search(link.href) or _same_publication(link, publication_hosts):
                continue
            found.append(link)
    return found


def recommends(link: Link | None, publication_hosts: set[str]) -> bool:
    """Could this one link (a bullet's or paragraph's leading link, say) be what an item recommends?"""
    return link is not None and bool(candidate_links([Block("p", "", [link])], publication_hosts))


def main_link(heading: Block | None, body: list[Block], publication_hosts: set[str]) -> tuple[Link | None, int]:
    """The item's main link and how sure we are (1 linked title, the title's link or an onward link, 3 link on its
    own line, 4 first link)."""
    if heading is not None:
        titled = candidate_links([heading], publication_hosts)
        if titled:
            return titled[0], 1
        own = title_link(heading.text, body, publication_hosts)
        if own is not None:
            return own, 1
    onward = []
    for block in body:
        onward_block = bool(_ONWARD_BLOCK.match(block.text))
        for link in candidate_links([block], publication_hosts):
            if is_onward(link.text) or (onward_block and link.text):
                code = bool(_CODE_TEXT.search(link.text)) or (onward_block and bool(_CODE_TEXT.match(block.text.lstrip("📄💻🔗 "))))
                onward.append((code, link))
    papers = [link for code, link in onward if not code]
    if papers:
        return papers[-1], 1
    alone = next((link for block in body if (link := _alone_on_its_line(block, publication_hosts))), None)
    if onward:  # only code, a demo, a project page: a title on a line of its own, linked, is the work itself
        return alone or onward[-1][1], 1
    labelled = next((link for block in body if (link := _labelled_link(block, publication_hosts))), None)
    if labelled is not None:
        return labelled, 2
    if alone is not None:
        return alone, 3
    rest = candidate_links(body, publication_hosts)
    return (rest[0], 4) if rest else (None, 5)


def title_link(title: str, body: list[Block], publication_hosts: set[str]) -> Link | None:
    """The link in `body` whose text is the item's title (the paper's own link under "## <paper> [2]", among its
    video, write-up and code links), or None."""
    key = _title_key(title)
    if len(key.split()) < MIN_TITLE_LINK_WORDS:
        return None
    return next((link for link in candidate_links(body, publication_hosts) if _title_key(link.text) == key), None)


def _title_key(text: str) -> str:
    """A title as compared with a link's text: its words lower-cased, without a rank or a bracketed tag at its end
    ("[2]", "[bonus]")."""
    return " ".join(_WORDS.findall(_END_TAG.sub("", text.rstrip()).lower()))


def _alone_on_its_line(block: Block, publication_hosts: set[str]) -> Link | None:
    """The link of a line that is that link and nothing else (a title line, a bare address), or None."""
    links = candidate_links([block], publication_hosts)
    if len(links) == 1 and block.text and _squash(links[0].text) == block.text.rstrip(" .:"):
        return links[0]
    return None


def _labelled_link(block: Block, publication_hosts: set[str]) -> Link | None:
    """The link of a line that is a short label and one link ("Podcast: Latent Space", "**Video:** [Talk title]"),
    as an item's fields list where to find it; None for any other line."""
    label, colon, rest = block.text.partition(":")
    if not colon or not 1 <= len(label.split()) <= MAX_LABEL_WORDS or not block.links:
        return None
    links = candidate_links([block], publication_hosts)
    if len(links) != 1 or len(block.links) != 1 or not links[0].text:
        return None
    return links[0] if _squash(rest).strip(" .") == _squash(links[0].text) else None


def is_onward(text: str) -> bool:
    """Anchor text that only sends readers on ("Paper", "Read more →")."""
    return bool(_ONWARD_TEXT.match(text.strip(" →»›>↗:.!")))


def is_label(text: str) -> bool:
    """Anchor text that names a kind of link, not a work: an onward link's, or a resource's ("Demo", "Weights")."""
    return is_onward(text) or bool(_RESOURCE_LABEL.match(text.strip(" →»›>↗:.!")))


def looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://", "www.")) or ("/" in text and " " not in text)


def _same_publication(link: Link, hosts: set[str]) -> bool:
    return same_host(link.host, hosts)


def same_host(host: str, hosts: set[str]) -> bool:
    """Is `host` (lower case) one of `hosts` (without "www.") or under one of them?"""
    host = host.removeprefix("www.")
    return any(host == known or host.endswith("." + known) for known in hosts)


def _squash(text: str) -> str:
    return " ".join(text.split())
