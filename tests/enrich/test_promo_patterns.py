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


# The headline's pitch as it read before: IGNORECASE, without the lookahead.
PITCH_REFERENCE = re.compile(promo._PITCH_LOWER.removeprefix(r"\b(?=[abcdefghijlmopswy\d])(?:")[:-1], re.IGNORECASE)
PITCH_PIECES = ["Sale", "SALE", "discount", "50% off", "5% OFF", "Expense your subscription", "company can pay for",
                "Announcing", " my new book", "our Course", "Enrollment is open", "Premium", "paid tier", "Subscribe",
                "I’m not going to writing", "We are", "taking a break", "we're hiring", "Pre-order", "black friday",
                "Job openings", "Housekeeping", "giveaway", "Founding members", "gift subscriptions", "site update",
                "Programming Note", "Launching our course", "your boss will pay for", "Sponsorship", "Introducing",
                "ſale", "\u0130 am writing", "\u0131", "\u212a", "Σ", "é", " ", "-", "’", "'", "\n", ".", "12", "%"]


def test_the_pitch_is_written_in_lower_case_and_every_branch_starts_in_the_lookahead():
    assert promo._PITCH_LOWER == promo._PITCH_LOWER.lower()
    assert "(?=" not in PITCH_REFERENCE.pattern


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PITCH_PIECES), max_size=10).map("".join))
def test_the_pitch_matched_in_lower_case_is_ignorecase_match_as_written(text):
    match = PITCH_REFERENCE.search(text)
    assert promo._pitch(text) == (match.group(0) if match else None)
