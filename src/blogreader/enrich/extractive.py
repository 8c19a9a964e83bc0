"""The default offline summarizer: pick the sentence that says what the post is about, then tidy it.

Scores the opening sentences by overlap with the title and with the post's own frequent words,
by cue phrases ("this paper introduces", "we will learn"), and by position; then rewrites
"In this lesson, we will learn about X" into the house style ("Explains X"). Only sentences that
stand alone (enrich/standalone.py) are candidates, and a short one takes the sentence after it
when both fit. A split roundup is summed up from its own picks.
"""

from __future__ import annotations

import re
from itertools import islice

from blogreader.enrich.base import MAX_SUMMARY_CHARS, Document, Summary
from blogreader.roundups.numbering import longest_run
from blogreader.enrich.sentences import (STOPWORDS, TERM, content_word_set, iter_sentences, split_sentences, top_terms,
                                         top_words)
from blogreader.enrich.spaceless import is_spaceless, spaceless_summary
from blogreader.enrich.standalone import points_back, standalone_problem
from blogreader.normalize.text import SPACELESS

CANDIDATES = 40
_PARENTHETICAL = re.compile(r"\s*[(\[][^()\[\]]{0,160}[)\]]")
_CLAUSE_END = re.compile(r":\s|;\s|\s[—–]\s|,\s(?:which|where|while|whereas)\b|\s\(1\)|,\s(?:e\.g\.|i\.e\.)")
_DANGLING = frozenset("by with via through to and or as including such of for in on from into using".split())
_SENTENCE_START = re.compile(r"[A-Z0-9\"“]")
POSITION_WEIGHT = 1.5
FIRST_BONUS = 0.0
PAIR_BELOW = 100  # a summary shorter than this takes the next sentence too, when both fit
NAMED_PICKS = 3  # a roundup's summary names its first few picks
TITLE_ONLY_WORDS = 5  # an item with fewer words of text than this is a bare link, summed up by its title or not at all
_CLAUSES = re.compile(r";\s+")
_TAG = re.compile(r"^(?:[(\[][^()\[\]]{1,20}[)\]]\s*)+")
_WORDY = r"[\"“(]?[A-Za-z][A-Za-z'’-]*[,.;:!?)\"”]*"
_WORDY_WORD = re.compile(_WORDY)  # a word of prose: a whole run of non-space characters matches it end to end
# ASCII letters and the ASCII characters str.split splits on, as bytes: what a sentence's wordy test deletes.
_LETTERS_AND_SPACES = bytes(byte for byte in range(128) if chr(byte).isalpha() or chr(byte).isspace())
FREQUENCY_WORDS = 1500  # the post's key words, from its opening
_CUE = re.compile(
    r"\b(?:in this (?:lesson|post|article|tutorial|guide|piece|essay|issue|edition|paper|work)|"
    r"we (?:show|find|found|propose|introduce|present|argue|explain|discuss|learn|study|demonstrate|will)|"
    r"this (?:paper|research|post|work|article|lesson|study|essay|guide) (?:shows|introduces|presents|proposes|"
    r"argues|explains|finds|describes|covers|is about)|i (?:argue|show|explain|think)|our (?:results|findings))\b",
)  # searched in the lowered sentence, as are the two below
# Every cue holds one of these, and every look back one of the second ones: a sentence without them (most) is
# answered by substring tests, in a fifth of the time the patterns' search at every word boundary takes.
_CUE_PARTS = ("this ", "we ", "our ", "i ")
_LOOKING_BACK_PARTS = ("previous", "last ", "earlier ")
_UNSUITABLE_START = re.compile(r"(?:but|so|and|or|also|then|let[’']s|here is|here are|to summari[sz]e|tl;dr)\b|#|[^\w@]",
                               re.I)  # "@someone made ..." names its subject
_UNSUITABLE_PARTS = ("http://", "https://", "www.", "read more", "subscribe", "sponsor", "discount", "click",
                     "this link", "=", ";", "{", "}", "<", ">")
_LOOKING_BACK = re.compile(r"\b(?:previous|last|earlier) (?:lessons?|posts?|articles?|issues?|editions?)\b|\bpreviously\b")
# A post's first sentence that names the post ("This was an ablation of ...", "This is the first part of ..."): its
# "This" is the post itself, not something before it, so the sentence stands alone without it ("An ablation of ...").
_THE_POST_ITSELF = re.compile(r"^this (?:is|was) (an?|the) (?=\w)", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2})\s*[.)](?!\d)\s*(\S.{2,160})$")
_VERBS = {
    "learn": "Explains", "learn about": "Explains", "explain": "Explains", "explore": "Explores",
    "discuss": "Discusses", "look at": "Looks at", "cover": "Covers", "dive into": "Dives into",
    "build": "Builds", "implement": "Implements", "go through": "Walks through", "walk through": "Walks through",
    "study": "Studies", "show": "Shows", "introduce": "Introduces", "present": "Presents", "propose": "Proposes",
    "argue": "Argues", "find": "Finds", "understand": "Explains", "examine": "Examines", "compare": "Compares",
    "review": "Reviews", "look into": "Looks into", "delve into": "Delves into", "describe": "Describes",
    "investigate": "Investigates", "survey": "Surveys", "focus on": "Focuses on", "talk about": "Talks about",
    "demonstrate": "Demonstrates",
}
_PIECES = r"(?:lesson|post|article|tutorial|guide|piece|essay|issue|edition|blog post|newsletter|series)"
# What a post says it does, as house_style writes it ("Explains", "Looks at"): "This post explains X" -> "Explains X".
_SAYS = "|".join(sorted({verb.split()[0].lower() for verb in _VERBS.values()}, key=len, reverse=True))
_OPENERS = [
    # "In this post, ..." and "This post: ...": what follows stands alone ("This post, written with X, ..." does not).
    (re.compile(rf"^(?:in this (?:[\w-]+ ){{0,2}}?{_PIECES}[,:]?|this {_PIECES}:)\s+", re.I), ""),
    # "This post explains X", "This post we explore X" (then _WE_WILL). Any other continuation keeps the sentence
    # whole: "This post from Recursive introduces X" or "This post is about X", cut, would open on a fragment.
    (re.compile(rf"^this {_PIECES}\s+(?=(?:we|i|{_SAYS})\b)", re.I), ""),
    (re.compile(r"^(?:this|the) (?:research )?(?:paper|research|work|study|post|article|lesson|essay)\s+(introduces|presents|proposes|shows|argues|explains|finds|describes|covers|studies|examines)\s+", re.I), r"\1 "),
]
_WE_WILL = re.compile(
    r"^(?:we|i)(?:[’']ll| will| are going to| want to)?\s+(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")\s+(?:about\s+)?",
    re.IGNORECASE,
)


class ExtractiveSummarizer:
    """Offline, no model: the most representative opening sentence, in the house style."""

    name = "extractive"

    def summarize(self, doc: Document) -> Summary | None:
        if doc.picks:
            picked = picks_summary(doc.picks)
            if picked:
                return Summary(picked, self.name)
        # The fragment rule reads English clauses: in a Chinese or Japanese post those are quotes, not its point.
        text = (best_summary(doc.title, doc.text)
                or (None if is_spaceless(doc.text) else titled_fragment(doc.title, doc.text)) or title_sentence(doc))
        return Summary(text, self.name) if text else None


def best_summary(title: str, text: str) -> str | None:
    """The best-scoring sentence that stands alone in the house style, with the next one when it is short."""
    if is_spaceless(text):  # Chinese or Japanese: scored by character pairs, not words (spaceless.py)
        return spaceless_summary(title, text)
    # Prose only: a post can open on dozens of lines of math macros or code. The words the test splits are the ones
    # the score counts.
    sentences: list[str] = []
    words: list[list[str]] = []
    # A text shorter than the opening its key words are counted in is counted whole; when all its sentences are read
    # here, its terms are theirs in order (no term crosses a sentence's end, and the letters of a term lower one by
    # one), so each sentence is lowered and searched once, for its score and for the key words, not the whole text
    # once more.
    whole = len(text) < 2 * FREQUENCY_WORDS  # n words take 2n - 1 characters: a shorter text has no more to cut
    terms: list[str] = []
    lowered: list[str] = []
    found: list[list[str]] = []  # each candidate's terms, when the text is read whole
    remaining = iter_sentences(text)
    for sentence in islice(remaining, 5 * CANDIDATES):
        prose = _prose_words(sentence)
        if whole:
            lowered_sentence = sentence.lower()
            sentence_terms = TERM.findall(lowered_sentence)
            terms += sentence_terms
        if prose:
            sentences.append(sentence)
            words.append(prose)
            if whole:
                lowered.append(lowered_sentence)
                found.append(sentence_terms)
            if len(sentences) == CANDIDATES:
                break
    if not sentences:
        return None
    if whole and next(remaining, None) is None:
        top = top_terms(terms, 25)
    else:
        opening = text if whole else " ".join(text.split(maxsplit=FREQUENCY_WORDS)[:FREQUENCY_WORDS])
        top = top_words(opening, 25)
    title_words = content_word_set(title)
    # Best first, ties to the earlier sentence: (-score, position) pairs in their own order, with no key to call.
    if found:
        ranked = sorted((-score_sentence(sentence, position, title_words, top, words[position], lowered[position],
                                         found[position]), position) for position, sentence in enumerate(sentences))
    else:
        ranked = sorted((-score_sentence(sentence, position, title_words, top, words[position]), position)
                        for position, sentence in enumerate(sentences))
    for negated, position in ranked:
        if negated == float("inf"):
            break
        styled = house_style(sentences[position])
        summary = fit(_THE_POST_ITSELF.sub(_article, styled, count=1) if position == 0 else styled)
        if not summary or standalone_problem(summary):
            continue
        return _with_next(summary, sentences, position)
    return None


def _with_next(summary: str, sentences: list[str], position: int) -> str:
    """A short summary takes the sentence that follows it, when both fit and the pair still stands alone."""
    if len(summary) >= PAIR_BELOW or position + 1 >= len(sentences):
        return summary
    following = sentences[position + 1].strip()
    if not 6 <= len(following.split()) <= 60 or _UNSUITABLE_START.match(following) and not points_back(following):
        return summary
    if _unsuitable_part(following.lower()) or not following.rstrip("\"”’)").endswith((".", "!")):
        return summary
    pair = f"{summary} {following}"
    return pair if len(pair) <= MAX_SUMMARY_CHARS and not standalone_problem(pair) else summary


def titled_fragment(title: str, text: str) -> str | None:
    """For a blurb written as a fragment ("a new decoder that ..."), its first clause after the item's title."""
    title = _TAG.sub("", " ".join(title.split())).rstrip(".:")  # "(blog) From A to B": the tag is no part of it
    if not title:
        return None
    for sentence in split_sentences(text, limit=5):
        if sentence.rstrip("\"”’)").endswith("?"):
            continue  # "Have you ever ...?" asks the reader; it says nothing of the item
        for clause in _CLAUSES.split(sentence):
            clause = clause.strip(" -–—:;,")
            if len(clause.split()) < 6 or not _is_prose(clause) or clause.lower().startswith(title.lower()):
                continue  # too short, no prose, or the title itself again ("X: x."), as an item of one line has it
            summary = fit(f"{title}: {clause[0].lower() if clause[1:2].islower() else clause[0]}{clause[1:]}")
            if summary and not standalone_problem(summary):
                return summary
    return None


def title_sentence(doc: Document) -> str | None:
    """A bare link ("Server Actions are available in React Canary", no blurb), or an item that is one line, its title
    and its whole text ("Create placeholders only once the service is ready", a changelog's bullet): its title, when
    the title is itself a sentence that stands alone. A post with text of its own is never summed up by its title."""
    words = doc.text.split()
    if len(words) >= TITLE_ONLY_WORDS and " ".join(words) != " ".join(doc.title.split()):
        return None
    title = " ".join(doc.title.split())
    stop = "。" if title and SPACELESS.match(title[-1]) else "."
    sentence = title if title.endswith((".", "!", "。", "！")) else f"{title}{stop}"
    return sentence if not standalone_problem(sentence) else None


def _is_prose(sentence: str) -> bool:
    """Does `sentence` read as prose (see _prose_words)?"""
    return _prose_words(sentence) is not None


def _prose_words(sentence: str) -> list[str] | None:
    """The words of `sentence` when it reads as prose (three words or more, three in five of them wordy), else None."""
    words = sentence.split()
    if len(words) < 3 or "\\" in sentence:
        return None
    # A word of letters alone is wordy, so no more words fail than the sentence has characters other than letters
    # and spaces (each beyond ASCII counted as one). When those are too few to matter, as in most sentences, the
    # answer costs a fifth of matching each word.
    others = len(sentence.encode("ascii", "replace").translate(None, _LETTERS_AND_SPACES))
    if len(words) - others >= 0.6 * len(words):
        return words
    # Each run of non-space characters matched whole: a third faster than one findall looking behind at every
    # character for the start of a run.
    return words if sum(map(bool, map(_WORDY_WORD.fullmatch, words))) >= 0.6 * len(words) else None


def best_sentence(title: str, text: str) -> str | None:
    """The summary's text before any pairing (kept for callers that want one sentence)."""
    summary = best_summary(title, text)
    return split_sentences(summary)[0] if summary else None


def score_sentence(sentence: str, position: int, title_words: set[str], top: set[str], words: list[str] | None = None,
                   lowered: str | None = None, terms: list[str] | None = None) -> float:
    """How well `sentence` sums up its post; `words`, `lowered`, `terms` (TERM's finds in it): when already found."""
    words = sentence.split() if words is None else words
    if not 6 <= len(words) <= 60 or not sentence.rstrip("\"”’)").endswith((".", "!", "…")):
        return float("-inf")  # headings and questions are not summaries
    lowered = sentence.lower() if lowered is None else lowered
    if _UNSUITABLE_START.match(sentence) or _unsuitable_part(lowered):
        return float("-inf")
    content = content_word_set(lowered, lowered=True) if terms is None else set(terms) - STOPWORDS
    if not content:
        return float("-inf")
    score = 1.5 * len(content & title_words) / max(1, len(title_words))
    score += 1.0 * len(content & top) / max(4, len(content))
    score += 0.6 if _holds(lowered, _CUE_PARTS, _CUE) else 0.0
    score += POSITION_WEIGHT * (1 - position / CANDIDATES) + (FIRST_BONUS if position == 0 else 0.0)
    score -= 0.3 if sentence.endswith("!") else 0.0
    score -= 0.5 if _holds(lowered, _LOOKING_BACK_PARTS, _LOOKING_BACK) else 0.0
    score -= 0.2 if len(words) > 40 else 0.0
    return score


def _holds(lowered: str, parts: tuple[str, ...], pattern: re.Pattern) -> bool:
    """Does `pattern` match in `lowered`? Searched only when one of the `parts` every match holds is there."""
    for part in parts:  # a loop, not any() over a generator: half the cost on a sentence without them
        if part in lowered:
            return pattern.search(lowered) is not None
    return False


def _unsuitable_part(lowered: str) -> bool:
    """Does `lowered` hold an address, a call to action or code?"""
    for part in _UNSUITABLE_PARTS:  # each a substring test: half the time of one pattern of them all on ASCII
        if part in lowered:
            return True
    return False


def _article(match: re.Match) -> str:
    return match.group(1).capitalize() + " "


def house_style(sentence: str) -> str:
    """Drop "In this post," and turn "we will learn about X" into "Explains X"."""
    text = sentence.strip()
    for pattern, replacement in _OPENERS:
        text = pattern.sub(replacement, text, count=1)
    match = _WE_WILL.match(text)
    if match:
        text = _VERBS[match.group(1).lower()] + " " + text[match.end():]
    return text[:1].upper() + text[1:]


# Addresses have no place in a summary: a Markdown link keeps its text, an address in brackets goes with its
# brackets (left behind they read "see the paper ("), a bare one goes. Each branch is bounded or anchored on a
# character it needs, so the scan stays linear in the text.
_URL = re.compile(r"\[([^\[\]\n]{0,200})\]\(\s*https?://[^\s)]*\)|\(\s*https?://[^\s)]*\s*\)|https?://\S+")


def _link_text(match: re.Match) -> str:
    return match.group(1) or ""


def fit(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    """At most `limit` characters, cut only where a sentence ends ("" when the first sentence is longer)."""
    text = " ".join(_URL.sub(_link_text, text).split())
    original = text
    if len(text) > limit:
        text = _PARENTHETICAL.sub("", text)  # asides in brackets go first: the sentence stays whole
    if len(text) > limit:
        kept = ""
        for sentence in split_sentences(text):
            if len(kept) + len(sentence) + 1 > limit:
                break
            kept = f"{kept} {sentence}".strip()
        text = kept if kept.endswith((".", "!", "?", "。", "！", "？")) else _main_clause(original, limit)
    elif text and text[-1] not in ".!?…\"”’)。！？」』）":
        text += "。" if SPACELESS.match(text[-1]) else "."  # a Chinese or Japanese sentence ends in its own stop
    return text


def _main_clause(sentence: str, limit: int) -> str:
    """A sentence too long to show, ended where its main clause does: before a colon, a semicolon, a dash, a
    trailing which/where clause or an enumeration "(1) ... (2) ..."; "" when no such point fits."""
    best = 0
    for match in _CLAUSE_END.finditer(sentence, 0, 2 * limit):
        if len(_PARENTHETICAL.sub("", sentence[:match.start()])) < limit:
            best = match.start()
    head = _PARENTHETICAL.sub("", sentence[:best]).rstrip(" ,")
    words = head.split()
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    head = " ".join(words).rstrip(" ,")
    return head + "." if len(words) >= 8 and _SENTENCE_START.match(head) else ""


def picks_summary(picks: tuple[str, ...] | list[str]) -> str | None:
    """What a split roundup recommends: how many picks, and as many of their titles as fit."""
    titles = [" ".join(title.split()).rstrip(".") for title in picks if title and title.strip()]
    if not titles:
        return None
    noun = "pick" if len(titles) == 1 else "picks"
    named: list[str] = []
    for title in titles:
        if len(named) == NAMED_PICKS:
            break
        candidate = _picks_sentence(len(titles), noun, named + [title], len(titles) - len(named) - 1)
        if len(candidate) > MAX_SUMMARY_CHARS:
            break
        if standalone_problem(candidate):
            continue  # a title that reads as two sentences ("Sentry - Stop flying blind. This workshop ..."): the next
        named.append(title)
    if not named:
        return f"{_picks_head(len(titles), noun)}."
    return _picks_sentence(len(titles), noun, named, len(titles) - len(named))


def _picks_sentence(count: int, noun: str, named: list[str], rest: int) -> str:
    listed = "; ".join(named)
    return f"{_picks_head(count, noun)}: {listed}{f'; and {rest} more' if rest else ''}."


def _picks_head(count: int, noun: str) -> str:
    return f"The top {count} {noun}" if count > 1 else "The one pick"


def roundup_summary(text: str) -> str | None:
    """For a numbered list of picks found in plain text (either order): how many, and the first few titles.

    Only for callers that have nothing but text; the summarizer sums up a roundup from the picks it was
    split into, so a post whose own sections are numbered never reads as a list of picks."""
    picks = numbered_run(text)
    if not picks:
        return None
    return picks_summary([title for _, title in sorted(picks)])


def numbered_run(text: str, minimum: int = 5) -> list[tuple[int, str]]:
    """The longest run of headings numbered 1..N in steps of one, up or down, in document order."""
    headings = []
    for line in text.split("\n"):
        match = _NUMBERED_HEADING.match(line)
        if match and len(match.group(2).split()) <= 20 and not match.group(2).rstrip().endswith((".", ":", ",")):
            headings.append((int(match.group(1)), match.group(2).strip()))
    best = longest_run(headings, number=lambda heading: heading[0])
    return best if len(best) >= minimum else []
