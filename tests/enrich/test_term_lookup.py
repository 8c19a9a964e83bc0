"""The classifier's words split in C and its terms found by ids give what the regex and a dict of terms give."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from blogreader.enrich import local_classifier as lc
from blogreader.enrich import term_lookup

PIECES = ["word", "Model", "state-of-the-art", "-", "--", "x-", "-y", "2024", "²", "_", "é", "naïve", "İ", "ı", "ſ",
          "Σ", "ς", "日本", "’", "“", "—", "–", "…", "\xa0", "\u2028", "\u200b", "\u0345", "·", ".", ",", "(", " ",
          "\n", "\t", "the", "of", "gpu", "kernels", "gpu kernels", "attention"]
texts = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_the_words_are_the_regex_words(text):
    lowered = text.lower()
    assert term_lookup.tokens(lowered) == term_lookup._TOKEN.findall(lowered)


def reference(model: lc.LinearModel, text: str):
    """The probabilities as a dict of terms gives them: `analyze`'s terms counted and looked up one by one."""
    index = {term: number for number, term in enumerate(model.terms)}
    found = [(index[term], n) for term, n in Counter(lc.analyze(text, model.stops)).items() if term in index]
    scores = model.intercept.copy()
    if found:
        columns = np.array([column for column, _ in found])
        weights = np.array([1 + math.log(n) for _, n in found]) * model.idf[columns]
        scores = scores + weights / np.linalg.norm(weights) @ model.coef[columns]
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


# Pairs whose words are no term alone, a word that is also a stop word, and a term of three words (matches nothing).
TERMS = ["gpu", "kernels", "gpu kernels", "attention", "naïve attention", "state-of-the-art model", "model", "the",
         "x y z", "2024", "日本", "σς"]
MODEL = lc.LinearModel(["a", "b", "c"], TERMS, np.linspace(1, 2, len(TERMS)),
                       np.random.default_rng(0).normal(size=(len(TERMS), 3)), np.array([0.1, -0.2, 0.3]),
                       frozenset({"the", "of"}))


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
@example(["attention gpu", "kernels", "gpu", "kernels model"])  # no pair across two texts of a batch
def test_terms_found_by_ids_give_the_probabilities_of_the_terms_themselves(batch):
    expected = np.array([reference(MODEL, text) for text in batch])
    assert np.allclose(MODEL.probabilities(batch), expected, rtol=0, atol=1e-12)
