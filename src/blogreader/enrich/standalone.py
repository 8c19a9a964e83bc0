"""Does a summary stand alone? One or two whole sentences a reader understands without the post.

The rules of the product, checked the same way wherever a summary comes from: the extractive pick,
a feed's description, a listing page's excerpt or a roundup's own line. The summarizers use it to
refuse a candidate; bench/quality_real_text.py counts what still breaks it.
"""

from __future__ import annotations

import re

from blogreader.enrich.base import MAX_SUMMARY_CHARS
from blogreader.normalize.text import word_count

MAX_SENTENCES = 2
MIN_WORDS = 5
# Words that point back at something the reader has not seen: a pronoun, a determiner without its noun,
# a connective that continues an argument. Read only as the first word (or words) of a summary.
_POINTS_BACK = re.compile(
    r"(?:it|its|it[’']s|they|them|their|theirs|these|those|that|such|he|she|his|her|hers|"
    r"among|amongst|however|therefore|thus|hence|moreover|furthermore|additionally|also|instead|similarly|"
    r"likewise|meanwhile|then|so|but|and|or|nor|yet|finally|next|besides|consequently|otherwise|nevertheless|"
    r"nonetheless|still|conversely|accordingly|both|either|neither|another|though|"
    r"again|afterwards|later|now|here[’']s|there[’']s|the former|the latter|"
    r"in (?:addition|contrast|particular|turn|short|summary|other words|this case|that case|practice|fact)|"
    r"as (?:a result|such|before|above|mentioned|shown|discussed|noted)|on the other hand|for (?:example|instance)|"
    r"to (?:address|solve|tackle|fix|overcome|mitigate|this|that|do so|that end|this end)|"
    r"first(?:ly)?|second(?:ly)?|third(?:ly)?|lastly|last but not least|specifically|notably|importantly|"
    r"interestingly|surprisingly|unfortunately|fortunately|of course|indeed|in the (?:same|next|previous)|"
    r"(?:the|this|that) same|each of (?:them|these|those))\b",
    re.IGNORECASE,
)
# The same in Chinese and Japanese, which need no space after them: pronouns and demonstratives (这, それ, この),
# connectives (但是, 因此, しかし, また) and words that place a sentence in a sequence (首先, 最後に). A closed
# class, like the English list: what it matches cannot name a subject of its own.
_POINTS_BACK_SPACELESS = re.compile(
    r"(?:但是?|可是|然而|不过|所以|因此|因而|于是|而且|并且|而|此外|另外|另一方面|同时|然后|接着|最后|首先|其次|"
    r"总之|总的来说|综上|这|那|此|它|他|她|其|该|上述|以上|以下|下面|接下来|前者|后者|也|还|例如|比如|"
    r"しかし|だが|でも|ところが|そして|それで|そのため|したがって|また|さらに|なお|ただし|つまり|まず|次に|"
    r"最後に|これ|それ|あれ|この|その|あの|こう|そう|彼|上記|以上|同じ|例えば)")
# ... except a demonstrative that names the post itself: "这篇文章介绍 ...", "この記事では ...".
_NAMES_ITSELF = re.compile(r"(?:这|この)(?:是一?篇|篇|个系列|系列|記事|投稿|ブログ|エントリ|シリーズ)")
# A subject followed by a connective continues an argument as surely as the connective alone: "We then ...".
_SUBJECT_GOES_ON = re.compile(
    r"(?:we|i|you)\s+(?:then|also|next|now|again|finally|further|still|instead|therefore|thus)\b", re.IGNORECASE)
# "This" and "these" stand alone when they name the post itself: "This post explains ...", "This is a tutorial".
_THIS = re.compile(r"(?:this|these)\b((?:\W+[\w'’-]+){1,4})", re.IGNORECASE)
_SELF = frozenset(
    "post posts paper papers article articles work blog essay tutorial guide piece study thesis talk survey review "
    "lesson lessons week week's newsletter issue edition book chapter report series note notes roundup digest "
    "project course write-up writeup explainer primer overview tutorial".split()
)
_CAPTION = re.compile(r"(?:fig(?:ure)?\.?|table|image|img|photo|source|credit|caption|algorithm|listing|eq(?:uation)?\.?)"
                      r"\s*\(?\d*[a-z]?\)?\s*[.:|\-–—]", re.IGNORECASE)
_LIST_MARK = re.compile(r"[•●○◦▪▫■□\-–—*+>·]|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s|\[\d+\]")
_SENTENCE_END = re.compile(r"[.!?。！？][\"”’')\]」』）]*$")
# A lower-case first word that names something rather than continuing a sentence: a handle ("@mizlan made ..."),
# a project or model name with a dot, an underscore, a slash or a digit in it ("iswap.nvim ...", "gpt-4o ..."),
# or a title before its colon ("debuglog: a plugin that ..."). A figure ("2.15x faster ...") is no name.
_NAME = re.compile(r"@\w|[a-z][\w-]*[._/\d]\w|[a-z][\w.-]*:$")
_RUN_ON = re.compile(r"[a-z]{2}[.!?][A-Z][a-z]")


def standalone_problem(summary: str | None) -> str | None:
    """Why `summary` cannot stand alone, or None when it can."""
    text = " ".join((summary or "").split())
    if not text:
        return "no summary"
    if len(text) > MAX_SUMMARY_CHARS:
        return "longer than 300 characters"
    if text.endswith(("…", "...")) or not _SENTENCE_END.search(text):
        return "not cut at a sentence end"
    if _RUN_ON.search(text):
        return "sentences run together"
    if (len(text.split()) if text.isascii() else word_count(text)) < MIN_WORDS:  # each CJK character a word
        return "a heading, not a sentence"
    if _CAPTION.match(text):
        return "a caption"
    if text[0] in "[(":
        return "an editorial note, not the post's point"
    first_word = text.split()[0]
    if _LIST_MARK.match(text) or (first_word.islower() and not _NAME.match(first_word)) \
            or text.rstrip(".").endswith(":"):
        return "a list fragment"
    if points_back(text):
        return "opens on a word that points back"
    if is_title_case(text):
        return "a heading, not a sentence"
    from blogreader.enrich.sentences import split_sentences

    if len(split_sentences(text)) > MAX_SENTENCES:
        return "more than two sentences"
    return None


def points_back(text: str) -> bool:
    """Does `text` open on a pronoun or connective that needs what came before it?"""
    opening = text.lstrip(" \"“‘'(")
    this = _THIS.match(opening)
    if this:
        words = re.findall(r"[\w'’-]+", this.group(1).lower())
        if words and words[0] in {"is", "was"}:
            words = words[1:] if len(words) > 1 and words[1] in {"a", "an", "the", "my", "our", "part"} else []
        return not set(words[:3]) & (_SELF | {"part"})
    if not opening.isascii() and _POINTS_BACK_SPACELESS.match(opening):
        return not _NAMES_ITSELF.match(opening)
    return bool(_POINTS_BACK.match(opening) or _SUBJECT_GOES_ON.match(opening))


def is_title_case(text: str) -> bool:
    """A heading written as a line: short, and no lower-case word but the small ones titles keep lower-case."""
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    if len(words) > 14 or len(words) < 2:
        return False
    lower = [word for word in words if word[0].islower()]
    return all(len(word) <= 3 or word in _TITLE_SMALL_WORDS for word in lower)


_TITLE_SMALL_WORDS = frozenset("with from into over about between through under without versus towards toward "
                               "onto upon among across beyond".split())
