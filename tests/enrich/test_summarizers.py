from hypothesis import given, strategies as st

from blogreader.enrich.base import Document
from blogreader.enrich.extractive import ExtractiveSummarizer, fit, house_style, roundup_summary
from blogreader.enrich.feed_summary import FeedSummarizer, starts_with
from blogreader.enrich.sentences import TERM, iter_sentences

ARTICLE = """Why does warmup help Adam?
Learning-rate warmup is folklore, but few people know why it works.
In this post, we will learn about the second-moment estimate of Adam and why it explodes in the first steps of training.
We measured warmup on a 350M model and found the effect grows with width.
Read more about our setup using this link.
Let's begin!"""


def test_extractive_picks_the_sentence_that_says_what_the_post_is_about():
    summary = ExtractiveSummarizer().summarize(Document("Why warmup helps Adam: the second moment", ARTICLE))
    assert summary.origin == "extractive"
    assert summary.text == (  # a short pick takes the sentence after it, when both fit
        "Explains the second-moment estimate of Adam and why it explodes in the first steps of training. "
        "We measured warmup on a 350M model and found the effect grows with width."
    )


def test_house_style_rewrites_openers():
    assert house_style("In this lesson, we will explore linear attention.") == "Explores linear attention."
    assert house_style("This research paper introduces Fugu, an orchestrator.") == "Introduces Fugu, an orchestrator."
    assert house_style("Sparse features are cheap.") == "Sparse features are cheap."
    assert house_style("This post explains how KV caches work.") == "Explains how KV caches work."
    assert house_style("This post we explore routing.") == "Explores routing."
    assert house_style("This newsletter: the best papers of the week.") == "The best papers of the week."
    assert house_style("In this hands-on tutorial, I'll demonstrate batching.") == "Demonstrates batching."
    assert house_style("In this series, we explore agents.") == "Explores agents."


def test_house_style_never_leaves_a_fragment_where_it_cut_an_opener():
    # Only "In this post," and "This post <says what it does>" are cut; cut anywhere else, the rest is a fragment.
    for sentence in ("This blog post from Recursive introduces an automated research system.",
                     "This post is about scaling laws.", "This post by the team covers the results.",
                     "This article, written with Ana, covers sparse attention."):
        assert house_style(sentence) == sentence


def test_fit_cuts_only_where_a_sentence_ends_and_drops_urls():
    long = "word " * 100 + "see https://example.org/x"
    assert fit(long) == ""  # no sentence end within 300 characters: nothing rather than a cut-off run
    two = "Sparse features are cheap to store and fast to search. " + "More words follow here " * 20 + "."
    assert fit(two) == "Sparse features are cheap to store and fast to search."
    assert fit("A short claim") == "A short claim."


def test_an_address_goes_with_its_brackets_and_a_link_keeps_its_text():
    assert fit("Read the paper (https://arxiv.org/abs/2401.01234) for the proofs") == "Read the paper for the proofs."
    assert fit("We release [the code](https://github.com/lab/repo) today") == "We release the code today."
    assert fit("Title [x](https://evil.example/a) go to https://evil.example/b now") == "Title x go to now."


def test_numbered_roundups_are_summarized_as_picks_in_either_order():
    lines = []
    for number in range(10, 0, -1):
        lines += [f"{number}. Paper number {number}", "This paper introduces something useful for everyone."]
    summary = roundup_summary("\n".join(lines))
    assert summary == "The top 10 picks: Paper number 1; Paper number 2; Paper number 3; and 7 more."
    assert roundup_summary("1. Install it\n2. Run it\n3. Done") is None


def test_steps_of_a_tutorial_are_not_a_roundup():
    steps = "\n".join(f"{n}. Step {n}: run the command." for n in range(1, 8))
    assert roundup_summary(steps) is None


def test_feed_summary_is_used_when_it_is_a_real_summary_not_a_teaser():
    feed = FeedSummarizer()
    real = Document("T", "Body text that goes on and on.", feed_summary="A guide to GPU interconnects in plain English.")
    assert feed.summarize(real).text == "A guide to GPU interconnects in plain English."
    teaser = Document("T", "Learning-rate warmup is folklore in large models and more text.",
                      feed_summary="Learning-rate warmup is folklore in large models and…")
    assert feed.summarize(teaser) is None
    cut_from_body = Document("T", "Learning-rate warmup is folklore in large-model training and we measured it.",
                             feed_summary="Learning-rate warmup is folklore in large-model training and we measured it")
    assert feed.summarize(cut_from_body) is None
    assert feed.summarize(Document("T", "x", feed_summary="Subscribe to read more")) is None


_SPACED = st.lists(st.sampled_from(["a", "b", "ab", "é", "word", " ", "\n", "\t" * 30, " " * 80]), max_size=200)


@given(_SPACED.map("".join), st.integers(1, 8), st.booleans())
def test_a_teaser_is_told_from_the_start_of_the_body_alone(text, words, own):
    # Only the body's start is collapsed and compared: the answer is the whole body's, whatever its spaces.
    collapsed = " ".join(text.split())
    opening = " ".join(collapsed.split()[:words]) if own else " ".join(["ab", "word"] * words)[: 3 * words]
    if opening:
        assert starts_with(text, opening) == (bool(collapsed) and collapsed.startswith(opening))


@given(st.text(max_size=2000), st.text(max_size=100))
def test_extractive_summaries_respect_the_house_rules(text, title):
    summary = ExtractiveSummarizer().summarize(Document(title, text))
    if summary:
        assert len(summary.text) <= 300
        lowered = summary.text.lower()
        assert "http" not in lowered and "read more" not in lowered and "subscribe" not in lowered


_TEXT_PIECES = st.sampled_from(["The", "model", "e.g.", "U.S.", "we’re", "don't", "-x", "’s", "10.", "harder.Tyler", "İSTANBUL",
                                "ΣΊΣΥΦΟΣ", "K", " ", "\n", ". ", "! ", "… ", ".” ", "\u2028", "\x1c", "a-", "0"])


@given(st.lists(st.one_of(_TEXT_PIECES, st.text(max_size=4)), max_size=60).map("".join))
def test_a_texts_terms_are_its_sentences_terms_in_order(text):
    # best_summary counts a short text's key words from its sentences' terms, found once for their scores too.
    assert [term for sentence in iter_sentences(text) for term in TERM.findall(sentence.lower())] \
        == TERM.findall(text.lower())
