"""The promo judge's words about the publication, matched in lower case, give IGNORECASE's verdict on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from blogreader.enrich import promo

# The pattern as it read before the lookahead and the lower-casing: every branch tried at every word boundary.
REFERENCE = re.compile(re.sub(r"\(\?=\[[a-z]+\]\)", "", promo._ABOUT_THE_PUBLICATION_LOWER), re.IGNORECASE)
PIECES = ["subscribe", "Subscribers", "SUBSCRIPTION", "paid tier", "Paid Members", "this newsletter", "Our Blog",
          "reader", "READERS", "reimbursed", "Upgrade", "premium", "viral", "I'm writing about", "We Won’t post on",
          "we are going to cover this", "I decided to publish another", "Thank you for reading", "THANKS FOR READING",
          "appreciate you", "value your time", "unsubscribe", "subscribed", "readership", "ſubscribe",
          "\u0130 am writing about",
          "\u0131 am posting on", "Thank\u212a you", "\u212aeep", "site", "my site", "post about", "the", "model", "-",
          "’", "'", " ", "\n", ".", "é", "Σ"]


def test_the_pattern_is_written_in_lower_case():
    assert promo._ABOUT_THE_PUBLICATION_LOWER == promo._ABOUT_THE_PUBLICATION_LOWER.lower()
    assert "(?=" not in REFERENCE.pattern


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_lower_case_matching_gives_the_ignorecase_verdict(text):
    assert promo._about_us(text) == (REFERENCE.search(text) is not None)


def test_letters_that_fold_onto_ascii_are_matched_as_ignorecase_matches_them():
    # The long s folds onto "s" and the dotted capital I onto "i" under IGNORECASE; lower() keeps the first and
    # makes the second two characters, so these texts go through the IGNORECASE pattern.
    for text in ("Please ſubscribe today", "\u0130 am writing about our plans", "\u0130 AM WRITING ABOUT IT"):
        assert REFERENCE.search(text) is not None
        assert promo._about_us(text)
    assert not promo._about_us("A model of the \u0130stanbul traffic, with no word about us")
