"""Sentence splitting and content words, offline and without downloaded models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

# Common abbreviations that end in a period but do not end a sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "cf", "al", "fig", "eq", "dr", "mr", "mrs", "ms", "prof", "no", "vol", "approx",
    "inc", "ltd", "jr", "sr", "st", "sec", "ch", "pp", "u.s", "u.k",
}
# After a stop: space and a capital; or two sentences run together ("much harder.Tyler Treat", text whose line
# break was lost), which no summary may contain (standalone.py), read as the boundary it is. Both branches sit
# behind the one stop: as two alternatives, the second was tried at every character, three times slower. The
# match takes the stop itself (the sentence ends one past its start), so that the search skips straight to the next
# stop: behind a lookbehind, as before, it tried the whole pattern at every character, four times the time.
# Chinese and Japanese end a sentence with a full-width stop and start the next with no space: the last alternative.
_BOUNDARY = re.compile(r"[.!?…](?:[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]))"
                       r"|[。！？](?:[」』”’）)\]]*\s*)")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
_LONGEST_WORD = 40  # longer than any abbreviation, so a longer word cut to this length is still no abbreviation
_NOT_AN_END = re.compile(r"[a-z]|\d{1,3}")  # "e. g", "No. 3", "10." before a heading's title
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just let's me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself yourselves one two
    new also using use used uses can't don't it's we're they're i'm you're how's what's there's here's get gets
    like make makes made many much even well way ways really still yet however thus may might must shall""".split()
)


def split_sentences(text: str, limit: int | None = None) -> list[str]:
    """Sentences of `text`, one line being at least one sentence; the first `limit` of them when given."""
    return list(islice(iter_sentences(text), limit))


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of `text` one at a time, so a caller that needs the first few splits no further."""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            # The last word is all that is read; slicing from the sentence's start rescanned it at every
            # rejected boundary ("e.g. A" repeated).
            stop = match.start() + 1
            candidate = line[max(start, stop - _LONGEST_WORD):stop].rstrip()
            last_word = candidate.rsplit(None, 1)[-1].rstrip(".").lower() if candidate else ""
            if last_word in _ABBREVIATIONS or _NOT_AN_END.fullmatch(last_word):
                continue
            sentence = line[start:match.end()].strip()
            if sentence:
                yield sentence
            start = match.end()
        sentence = line[start:].strip()
        if sentence:
            yield sentence


TERM = re.compile(r"[a-z0-9][a-z0-9'’-]+")


def content_word_set(text: str, lowered: bool = False) -> set[str]:
    """The distinct content words of `text` (the fast path for scoring sentences); `lowered`: it already is."""
    return set(TERM.findall(text if lowered else text.lower())) - STOPWORDS


def top_words(text: str, count: int) -> set[str]:
    """The `count` most frequent content words of `text` (ties: the word seen first)."""
    return top_terms(TERM.findall(text.lower()), count)


def top_terms(terms: list[str], count: int) -> set[str]:
    """The `count` most frequent of `terms` (the words `TERM` finds) that are no stopwords (ties: the first seen)."""
    from collections import Counter
    from operator import itemgetter

    frequency = Counter(terms)
    for word in STOPWORDS & frequency.keys():
        frequency.pop(word)  # dict's own pop in C: Counter's __delitem__ is written in Python
    # Counter.most_common's heap as the stable sort it stands for: the same words, ties to the first seen, in
    # less than half the time.
    return {word for word, _ in sorted(frequency.items(), key=itemgetter(1), reverse=True)[:count]}


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning: no stopwords, no one-letter tokens."""
    words = (word.rstrip("'’-") for word in _WORD.findall(text.lower()))
    return [word for word in words if len(word) > 1 and word not in STOPWORDS]
