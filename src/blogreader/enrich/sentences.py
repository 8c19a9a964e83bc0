"""Sentence splitting and content words, offline and without downloaded models."""

from __future__ import annotations

import re

# Common abbreviations that end in a period but do not end a sentence.
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "cf", "al", "fig", "eq", "dr", "mr", "mrs", "ms", "prof", "no", "vol", "approx",
    "inc", "ltd", "jr", "sr", "st", "sec", "ch", "pp", "u.s", "u.k",
}
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*", re.IGNORECASE)
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


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, one line being at least one sentence."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY.finditer(line):
            candidate = line[start:match.start()].rstrip()
            last_word = candidate.rsplit(None, 1)[-1].rstrip(".").lower() if candidate else ""
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]|\d{1,3}", last_word):
                continue
            sentences.append(line[start:match.end()].strip())
            start = match.end()
        sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning: no stopwords, no one-letter tokens."""
    return [word for word in (w.lower().strip("'’-") for w in _WORD.findall(text)) if len(word) > 1 and word not in STOPWORDS]
