"""The default offline summarizer: pick the sentence that says what the post is about, then tidy it.

Scores the opening sentences by overlap with the title and with the post's own frequent words,
by cue phrases ("this paper introduces", "we will learn"), and by position; then rewrites
"In this lesson, we will learn about X" into the house style ("Explains X").
"""

from __future__ import annotations

import re

from blogreader.enrich.base import MAX_SUMMARY_CHARS, Document, Summary
from blogreader.roundups.numbering import longest_run
from blogreader.enrich.sentences import content_word_set, split_sentences, top_words

CANDIDATES = 40
FREQUENCY_WORDS = 1500  # the post's key words, from its opening
_CUE = re.compile(
    r"\b(?:in this (?:lesson|post|article|tutorial|guide|piece|essay|issue|edition|paper|work)|"
    r"we (?:show|find|found|propose|introduce|present|argue|explain|discuss|learn|study|demonstrate|will)|"
    r"this (?:paper|research|post|work|article|lesson|study|essay|guide) (?:shows|introduces|presents|proposes|"
    r"argues|explains|finds|describes|covers|is about)|i (?:argue|show|explain|think)|our (?:results|findings))\b",
    re.IGNORECASE,
)
_UNSUITABLE_START = re.compile(r"(?:but|so|and|or|also|then|let[’']s|here is|here are|to summari[sz]e|tl;dr)\b|#|\W", re.I)
_UNSUITABLE_PARTS = ("http://", "https://", "www.", "read more", "subscribe", "sponsor", "discount", "click",
                     "this link", "=", ";", "{", "}", "<", ">")
_LOOKING_BACK = re.compile(r"\b(?:previous|last|earlier) (?:lessons?|posts?|articles?|issues?|editions?)\b|\bpreviously\b", re.I)
_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2})\s*[.)](?!\d)\s*(\S.{2,160})$")
_VERBS = {
    "learn": "Explains", "learn about": "Explains", "explain": "Explains", "explore": "Explores",
    "discuss": "Discusses", "look at": "Looks at", "cover": "Covers", "dive into": "Dives into",
    "build": "Builds", "implement": "Implements", "go through": "Walks through", "walk through": "Walks through",
    "study": "Studies", "show": "Shows", "introduce": "Introduces", "present": "Presents", "propose": "Proposes",
    "argue": "Argues", "find": "Finds", "understand": "Explains", "examine": "Examines", "compare": "Compares",
}
_OPENERS = [
    (re.compile(r"^(?:in )?this (?:lesson|post|article|tutorial|guide|piece|essay|issue|edition|blog post|newsletter)[,:]?\s+", re.I), ""),
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
        roundup = roundup_summary(doc.text)
        if roundup:
            return Summary(roundup, self.name)
        sentence = best_sentence(doc.title, doc.text)
        if not sentence:
            return None
        return Summary(fit(house_style(sentence)), self.name)


def best_sentence(title: str, text: str) -> str | None:
    sentences = split_sentences(text, limit=CANDIDATES)
    if not sentences:
        return None
    top = top_words(" ".join(text.split(maxsplit=FREQUENCY_WORDS)[:FREQUENCY_WORDS]), 25)
    title_words = content_word_set(title)
    best, best_score = None, float("-inf")
    for position, sentence in enumerate(sentences):
        score = score_sentence(sentence, position, title_words, top)
        if score > best_score:
            best, best_score = sentence, score
    return best if best_score > float("-inf") else None


def score_sentence(sentence: str, position: int, title_words: set[str], top: set[str]) -> float:
    words = sentence.split()
    if not 6 <= len(words) <= 60 or not sentence.rstrip("\"”’)").endswith((".", "!", "…")):
        return float("-inf")  # headings and questions are not summaries
    if _UNSUITABLE_START.match(sentence) or _contains_any(sentence.lower(), _UNSUITABLE_PARTS):
        return float("-inf")
    content = content_word_set(sentence)
    if not content:
        return float("-inf")
    score = 1.5 * len(content & title_words) / max(1, len(title_words))
    score += 1.0 * len(content & top) / max(4, len(content))
    score += 0.6 if _CUE.search(sentence) else 0.0
    score += 0.6 * (1 - position / CANDIDATES)
    score -= 0.3 if sentence.endswith("!") else 0.0
    score -= 0.5 if _LOOKING_BACK.search(sentence) else 0.0
    score -= 0.2 if len(words) > 40 else 0.0
    return score


def _contains_any(text: str, needles: tuple[str, ...]) -> bool:
    return any(needle in text for needle in needles)


def house_style(sentence: str) -> str:
    """Drop "In this post," and turn "we will learn about X" into "Explains X"."""
    text = sentence.strip()
    for pattern, replacement in _OPENERS:
        text = pattern.sub(replacement, text, count=1)
    match = _WE_WILL.match(text)
    if match:
        text = _VERBS[match.group(1).lower()] + " " + text[match.end():]
    return text[:1].upper() + text[1:]


def fit(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary, ending like a sentence."""
    text = re.sub(r"https?://\S+", "", " ".join(text.split())).strip()
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
    elif text and text[-1] not in ".!?…":
        text += "."
    return text


def roundup_summary(text: str) -> str | None:
    """For a numbered list of picks (either order): how many, and the first few titles."""
    picks = numbered_run(text)
    if not picks:
        return None
    named = ", ".join(title for _, title in sorted(picks)[:3])
    return fit(f"The top {len(picks)} picks, including {named} and more.")


def numbered_run(text: str, minimum: int = 5) -> list[tuple[int, str]]:
    """The longest run of headings numbered 1..N in steps of one, up or down, in document order."""
    headings = []
    for line in text.split("\n"):
        match = _NUMBERED_HEADING.match(line)
        if match and len(match.group(2).split()) <= 20 and not match.group(2).rstrip().endswith((".", ":", ",")):
            headings.append((int(match.group(1)), match.group(2).strip()))
    best = longest_run(headings, number=lambda heading: heading[0])
    return best if len(best) >= minimum else []
