"""Summaries of posts written in Chinese or Japanese, which put no spaces between words.

The extractive summarizer's method with the unit of meaning changed: a word there is a pair of neighbouring
characters here (character bigrams, the usual index terms for these languages), so a sentence is scored by the
pairs it shares with the title and with the post's most frequent pairs, and by its position. Pairs that hold a
function character (的, 是, a hiragana particle or ending) carry no topic and are left out, as stop words are.
Candidates are whole sentences, ended by a full stop, that stand alone (enrich/standalone.py).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice

from blogreader.enrich.base import MAX_SUMMARY_CHARS
from blogreader.enrich.sentences import iter_sentences
from blogreader.enrich.standalone import standalone_problem
from blogreader.normalize.text import SPACELESS

CANDIDATES = 40
OPENING_CHARS = 3000  # the post's key pairs are counted in its opening
TOP_PAIRS = 25
MIN_CHARS, MAX_CHARS = 12, 150  # a candidate's length in characters: a heading is shorter, a paragraph longer
PAIR_BELOW = 40  # a summary shorter than this takes the next sentence too, when both fit
POSITION_WEIGHT = 1.5
SELF_BONUS = 0.6  # a sentence that names the post ("本文介绍", "この記事では") says what it is about
_RUN = re.compile(SPACELESS.pattern + "+")
_LATIN_WORD_RUN = re.compile(r"[A-Za-z]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9+.-]*[a-z0-9+]|[a-z]")
# Characters that carry grammar, not topic: Chinese particles, pronouns and the commonest verbs, and every
# hiragana (Japanese writes particles and endings in it, its content words in kanji and katakana).
_FUNCTION = frozenset("的了是在和与也就都而及或等我们你他她它这那个一不为以之其有对从把被让将会能可所上下中") | \
    frozenset(chr(point) for point in range(0x3040, 0x30A0))
_SELF = re.compile(r"本文|本篇|这篇|本稿|この記事|本記事|このブログ|この投稿")
_UNSUITABLE = ("http://", "https://", "www.", "{", "}", "<", ">", "=")
_SENTENCE_END = ("。", "！", ".", "!")


def is_spaceless(text: str) -> bool:
    """Is `text` written mostly in Chinese or Japanese: as many such characters in its opening as Latin words? Each
    character is about a word, so a Chinese post that names models, quotes a prompt or shows code is still one."""
    opening = text[:OPENING_CHARS]
    if opening.isascii() or not SPACELESS.search(opening):  # most posts: answered without counting
        return False
    return len(SPACELESS.findall(opening)) >= len(_LATIN_WORD_RUN.findall(opening))


def terms(text: str) -> list[str]:
    """The character pairs of each run of Chinese or Japanese characters that hold no function character, and the
    Latin words (model names, "Transformer"), lower-cased."""
    found = []
    for run in _RUN.findall(text):
        found += [run[i:i + 2] for i in range(len(run) - 1)
                  if run[i] not in _FUNCTION and run[i + 1] not in _FUNCTION]
    found += _LATIN_WORD.findall(text.lower())
    return found


def spaceless_summary(title: str, text: str) -> str | None:
    """The opening sentence that best says what the post is about and stands alone, with the next when short."""
    sentences = [" ".join(sentence.split()) for sentence in islice(iter_sentences(text), 5 * CANDIDATES)]
    top = {term for term, _ in Counter(terms(text[:OPENING_CHARS])).most_common(TOP_PAIRS)}
    title_terms = set(terms(title))
    scored = []
    for position, sentence in enumerate(sentences[:CANDIDATES]):
        score = score_sentence(sentence, position, title_terms, top)
        if score is not None:
            scored.append((-score, position))
    for _, position in sorted(scored):
        summary = sentences[position]
        if standalone_problem(summary):
            continue
        following = sentences[position + 1] if position + 1 < len(sentences) else None
        if len(summary) < PAIR_BELOW and following and score_sentence(following, 0, set(), set()) is not None:
            pair = summary + following
            if not standalone_problem(pair):
                return pair
        return summary
    return None


def score_sentence(sentence: str, position: int, title_terms: set[str], top: set[str]) -> float | None:
    """How well `sentence` sums up its post, or None when it cannot: too short or long, not prose in these
    languages, a question, or holding an address or code."""
    if not MIN_CHARS <= len(sentence) <= min(MAX_CHARS, MAX_SUMMARY_CHARS) or not sentence.endswith(_SENTENCE_END):
        return None
    if len(SPACELESS.findall(sentence)) < 0.5 * len(sentence.replace(" ", "")):
        return None
    if any(part in sentence for part in _UNSUITABLE):
        return None
    found = set(terms(sentence))
    if not found:
        return None
    score = 1.5 * len(found & title_terms) / max(1, len(title_terms))
    score += 1.0 * len(found & top) / max(4, len(found))
    score += SELF_BONUS if _SELF.search(sentence) else 0.0
    return score + POSITION_WEIGHT * (1 - position / CANDIDATES)
