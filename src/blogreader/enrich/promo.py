"""Flag posts whose purpose is the publisher itself: launches, hiring, courses, meetups, pricing, housekeeping.

Judged by what the post is for, never by whether the source's name appears in it. Three kinds of
evidence: the title or the feed's subtitle pitching something ("expense your subscription", "50% off"),
which flags a post short enough to be a notice; a learned model of what the post is for, reading its
title and opening (`promo_model.py`), held to more on a long post (a company's event recap or programme
launch runs long; most long posts are content), and where the opening reads as a notice, reading the rest
of the post too (an author's new-year greetings or a release date atop an explainer are not its purpose);
and a short post's body in which a large share of the sentences talk about the publication (subscribing,
paying, its readers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blogreader.enrich.base import Document
from blogreader.enrich.sentences import split_sentences

_FLAGS = re.IGNORECASE
# Written in lower case and matched in the lower-cased headline (`_pitch`), behind a lookahead on the letters the
# branches begin with, as `_ABOUT_THE_PUBLICATION_LOWER` is: about 3.5x faster than IGNORECASE, the same match.
_PITCH_LOWER = (
    r"\b(?=[abcdefghijlmopswy\d])(?:"
    r"\bexpense (?:your|the|a) subscription|\b(?:your )?(?:company|employer|manager|boss) (?:can |will )?pay for\b|"
    r"\b\d{1,2}% off\b|\bdiscount\b|\bsale\b|\bgiveaway\b|\bsponsored\b|\bsponsor(?:s|ship)?\b|\bpre-?order\b|"
    r"\b(?:my|our) (?:new )?(?:book|course|cohort|workshop|bootcamp|product|app|startup|community)\b|"
    r"\b(?:announcing|introducing|launching|launch of|enroll(?:ment)? (?:is )?open)\b.{0,40}\b(?:book|course|cohort|"
    r"workshop|membership|subscription|premium|paid tier)\b|\b(?:paid|premium) (?:tier|plan|subscription|members?)\b|"
    r"\bsubscribe\b|\bgroup subscriptions?\b|\bgift subscriptions?\b|\bfounding members?\b|\bblack friday\b|"
    r"\b(?:i[’']m|i am|we[’']re|we are) (?:not )?(?:going to )?(?:writing|publishing|covering|taking a break)\b|"
    r"\bwe(?:'re| are) hiring\b|\bjob openings?\b|\bhousekeeping\b|\bprogramming note\b|\bsite update\b)"
)
_PITCH = re.compile(_PITCH_LOWER)
_PITCH_ANY_CASE = re.compile(_PITCH_LOWER, _FLAGS)
# Words about the publication itself. Every branch begins at a word boundary, on one of the letters in the lookahead:
# the engine tries the branches only there. Written in lower case and matched in lower-cased text (`_about_us`).
_ABOUT_THE_PUBLICATION_LOWER = (
    r"\b(?=[sptmorudvfiwa])(?:"
    r"subscri(?:be|bers?|ption|ptions|bing)\b|paid (?:plan|tier|member|members|subscriber|subscribers)\b|"
    r"(?:this|my|our) (?:newsletter|blog|substack|publication|site|podcast)\b|readers?\b|reimburse\w*\b|"
    r"(?:upgrade|premium|membership|discount|viral|followers|salesmanship)\b|"
    r"(?:i|we)(?:[’']m| am| are| will| won[’']t| have| had)? (?:(?:not|never|also) )?(?:going to |deciding to |"
    r"decided to |planning to )?(?:write|writing|publish|publishing|post|posting|cover|covering) (?:about|on|this|another)\b|"
    r"appreciate you\b|value your time\b|thank(?:s| you) for (?:reading|your support|being here)\b)"
)
_ABOUT_THE_PUBLICATION = re.compile(_ABOUT_THE_PUBLICATION_LOWER)
_ABOUT_THE_PUBLICATION_ANY_CASE = re.compile(_ABOUT_THE_PUBLICATION_LOWER, _FLAGS)
# The four non-ASCII letters IGNORECASE folds onto ASCII ones (İ, ı, ſ and the Kelvin sign; lower() keeps the
# middle two and makes İ two characters): a text holding one is matched with IGNORECASE, so the verdict is the same.
_UNLOWERABLE = ("\u0130", "\u0131", "\u017f", "\u212a")
# Every match of `_ABOUT_THE_PUBLICATION` holds one of these words as a whole run of ASCII word characters, with,
# where a word is common, the words its branch puts beside it ("reimburse" only begins one): a text holding none is
# not about the publication, told without trying the pattern at each of its positions (`_may_be_about_us`).
_NEEDS_BESIDE = {
    **{word: tuple(f"{word} {after}" for after in ("about", "on", "this", "another"))
       for word in ("write", "writing", "publish", "publishing", "post", "posting", "cover", "covering")},
    **{word: tuple(f"{before} {word}" for before in ("this", "my", "our"))
       for word in ("newsletter", "blog", "substack", "publication", "site", "podcast")},
    "paid": ("paid plan", "paid tier", "paid member", "paid subscriber"), "appreciate": ("appreciate you",),
    "value": ("value your time",), "thank": ("thank you for",), "thanks": ("thanks for",),
    **dict.fromkeys("subscribe subscriber subscribers subscription subscriptions subscribing reader readers upgrade "
                    "premium membership discount viral followers salesmanship".split(), ()),
}
_ABOUT_WORDS = {word.encode(): tuple(map(str.encode, beside)) for word, beside in _NEEDS_BESIDE.items()}
# The runs are read in the UTF-8 bytes, ASCII capitals lowered and every other byte a space: lower() makes ASCII
# of no other character than İ and the Kelvin sign (`_UNLOWERABLE`), whose texts never come here.
_RUNS = bytes(b + 32 if 65 <= b <= 90 else b if 48 <= b <= 57 or 97 <= b <= 122 or b == 95 else 32 for b in range(256))
SHORT_POST_WORDS = 900
PURPOSE_THRESHOLD = 0.5  # the model's probability that the post is about the publisher itself
# A long post is more often content than a notice, which the model, reading the title and the opening alone, cannot
# see: it is held to more. A company blog's event recaps, programme launches and client betas run long (on a
# labelled company blog, half of its promotions are over SHORT_POST_WORDS), and its long technical posts reach 0.57.
LONG_POST_THRESHOLD = 0.65
# Below this many words of text the model hears little but the title, and generic words ("post", "short")
# lean it either way: a title-only item or a one-line blurb is judged by its headline alone.
MODEL_MIN_WORDS = 30


@dataclass(frozen=True)
class PromoVerdict:
    promo: bool
    reason: str


def judge_promo(doc: Document) -> PromoVerdict:
    """Is this post self-promotion or housekeeping rather than content?"""
    return judge_promos([doc])[0]


def judge_promos(docs: list[Document]) -> list[PromoVerdict]:
    """`judge_promo` of each post, the learned model reading every post that needs it in one batch (a feed's posts
    at a time: one numpy pass over all of them costs a fraction of one pass for each)."""
    facts = [_headline_facts(doc) for doc in docs]
    asking = [index for index, (pitch, words) in enumerate(facts)
              if pitch is None and MODEL_MIN_WORDS <= words]
    probabilities: dict[int, float] = {}
    if asking:
        from blogreader.enrich.promo_model import promo_probability

        probabilities = dict(zip(asking, promo_probability([docs[index] for index in asking])))
        for index, probability in probabilities.items():
            if probability >= _threshold(facts[index][1]):  # the opening reads as a notice: does the rest?
                probabilities[index] = _whole_post(docs[index], probability)
    return [_verdict(doc, pitch, words, probabilities.get(index))
            for index, (doc, (pitch, words)) in enumerate(zip(docs, facts))]


def _threshold(words: int) -> float:
    return PURPOSE_THRESHOLD if words < SHORT_POST_WORDS else LONG_POST_THRESHOLD


def _whole_post(doc: Document, opening: float) -> float:
    """The opening's probability averaged with the rest of the post's (`promo_model.later_probability`): a post
    is for its publisher when it is about the publisher through and through, not only in its first lines."""
    from blogreader.enrich.promo_model import later_probability

    later = later_probability(doc)
    return opening if later is None else (opening + later) / 2


def _headline_facts(doc: Document) -> tuple[str | None, int]:
    """The headline's pitch (or None) and the post's words, counted up to one past SHORT_POST_WORDS."""
    headline = " ".join(filter(None, [doc.title, doc.feed_summary]))
    return _pitch(headline), min(len(doc.opening_words), SHORT_POST_WORDS + 1)  # as text.split(None, SHORT_POST_WORDS)


def _verdict(doc: Document, pitch: str | None, words: int, probability: float | None) -> PromoVerdict:
    """The verdict from the headline's pitch, the post's length, the model's probability (None: not asked, as a
    long post, a pitching one or one too short for the model is not) and the sentences about the publication."""
    short = words < SHORT_POST_WORDS
    if probability is not None and probability >= _threshold(words):
        return PromoVerdict(True, f"the post is about the publisher itself (p={probability:.2f})")
    if not short and pitch is None:
        return PromoVerdict(False, "content")  # a long post the model does not read as a notice, with no pitch
    if pitch is not None and short:
        return PromoVerdict(True, f"the headline pitches ({pitch!r}) and the post is short")
    if not _about_us(doc.text):
        return PromoVerdict(False, "content")  # cheap: not a word about the publication anywhere
    sentences = split_sentences(doc.text)
    about_us = sum(1 for sentence in sentences if _about_us(sentence))
    share = about_us / max(1, len(sentences))
    if pitch is not None and share >= 0.08:
        return PromoVerdict(True, f"the headline pitches ({pitch!r}) and the post is about the publication")
    if short and about_us >= 3 and share >= 0.12:
        return PromoVerdict(True, f"{about_us} of {len(sentences)} sentences are about the publication itself")
    return PromoVerdict(False, "content")


def _pitch(headline: str) -> str | None:
    """The words of `headline` that pitch something, as written there (IGNORECASE's match), or None."""
    if any(letter in headline for letter in _UNLOWERABLE):
        match = _PITCH_ANY_CASE.search(headline)
        return match.group(0) if match else None
    match = _PITCH.search(headline.lower())  # lower() keeps every position here: the match is cut from the headline
    return headline[match.start():match.end()] if match else None


def _about_us(text: str) -> bool:
    """Does `text` speak of the publication itself? Screened by its words, then matched in lower case: 5x faster
    than IGNORECASE over posts (bench/promo_patterns.py), the same verdict."""
    if any(letter in text for letter in _UNLOWERABLE):
        return _ABOUT_THE_PUBLICATION_ANY_CASE.search(text) is not None
    if not _may_be_about_us(text.encode("utf-8", "surrogatepass").translate(_RUNS)):
        return False
    return _ABOUT_THE_PUBLICATION.search(text.lower()) is not None


def _may_be_about_us(runs: bytes) -> bool:
    """Does `runs` (a text as `_RUNS` reads it) hold words a match of `_ABOUT_THE_PUBLICATION` needs?"""
    if b"reimburse" in runs:
        return True
    for word in _ABOUT_WORDS.keys() & runs.split():
        beside = _ABOUT_WORDS[word]
        if not beside or any(map(runs.__contains__, beside)):
            return True
    return False
