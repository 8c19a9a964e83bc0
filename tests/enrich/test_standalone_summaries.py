"""Summaries that stand alone: the rules, the extractive summarizer under them, roundups summed up from their
picks, and listing excerpts cut to whole sentences. Texts are written by us."""

from __future__ import annotations

import pytest

from blogreader.enrich.base import Document
from blogreader.enrich.extractive import ExtractiveSummarizer, fit, picks_summary
from blogreader.enrich.standalone import standalone_problem
from blogreader.normalize.listing_entry import listing_summary


@pytest.mark.parametrize("text, problem", [
    ("Among these, the sparse variant trains fastest on long inputs.", "opens on a word that points back"),
    ("To address this, the authors add a second reward model to training.", "opens on a word that points back"),
    ("It is the first model to solve the puzzle without search at all.", "opens on a word that points back"),
    ("We then switch gears to applying the method to image models.", "opens on a word that points back"),
    ("I also tried a larger batch, with the same result on every run.", "opens on a word that points back"),
    ("Figure 1. Double descent in an ordinary linear regression model.", "a caption"),
    ("Scaling Laws for Sparse Mixtures", "not cut at a sentence end"),
    ("Experimental Results on Long Benchmark Suites.", "a heading, not a sentence"),
    ("- a list item that trails off into detail here.", "a list fragment"),
    ("and then the model learns to plan in real time.", "a list fragment"),
    ("2.15x faster startup when the cache pool is already warm.", "a list fragment"),
    ("The model answers in real time.The model is small and cheap to run.", "sentences run together"),
    ("The model reads long inputs and answers questions about them in a way that…", "not cut at a sentence end"),
    ("A sentence that is long. " * 15, "longer than 300 characters"),
    ("One claim here now. Two claims here now. Three claims here now.", "more than two sentences"),
    ("", "no summary"),
])
def test_rules_name_what_is_wrong(text, problem):
    assert standalone_problem(text) == problem


@pytest.mark.parametrize("text", [
    "This post explains how warmup stabilizes Adam in the first steps.",
    "This is a tutorial on building a retrieval system from scratch.",
    "We review the main approaches to open-domain question answering.",
    "We thank the reviewers and explain what changed in the second version.",
    "While many methods exist, few of them scale to fleets of robots.",
    "xLSTM scales recurrent networks to billions of parameters with new gating.",
    "Explains the second-moment estimate of Adam and why it explodes early.",
    # A lower-case first word that is a name: a handle, a project with a dot or digit, a title before its colon.
    "@janedoe made a plugin that swaps function arguments with one key!",
    "swap.nvim: a plugin that swaps function arguments with one key.",
    "gpt-4o answers most of the questions in under a second.",
    "logkit: a plugin that keeps log statements in the code until you need them.",
])
def test_sentences_that_stand_alone_pass(text):
    assert standalone_problem(text) is None


def test_extractive_skips_sentences_that_point_back_captions_and_math():
    text = "\n".join([
        "\\newcommand{\\E}{\\mathbb{E}}",
        "Figure 1. The loss curve of the small model over training steps.",
        "However, the large model behaves differently from the small one.",
        "Gradient noise sets the largest useful batch size for a given model and dataset.",
        "It depends on the loss the model has reached.",
    ])
    summary = ExtractiveSummarizer().summarize(Document("The largest useful batch size", text))
    assert summary.text.startswith("Gradient noise sets the largest useful batch size")
    assert standalone_problem(summary.text) is None


def test_a_long_sentence_ends_where_its_main_clause_does():
    long = ("Our planner is a new gradient-based method for learned world models that makes long-horizon planning "
            "practical by (1) lifting the trajectory into virtual states so optimization runs in parallel across "
            "time, (2) adding noise to the state iterates for exploration, and (3) reshaping gradients so actions "
            "get clean signals through high-dimensional vision models.")
    assert fit(long) == ("Our planner is a new gradient-based method for learned world models that makes "
                         "long-horizon planning practical.")


def test_a_split_roundup_says_what_it_recommends_and_two_issues_differ():
    first = Document("Issue #1", "Some aside of the curator.", picks=("Muon at Scale", "Tokenizer Drift", "Quiet Tokens"))
    second = Document("Issue #2", "Some aside of the curator.", picks=("Sparse Routers", "Reward Models Disagree"))
    a, b = (ExtractiveSummarizer().summarize(doc).text for doc in (first, second))
    assert a == "The top 3 picks: Muon at Scale; Tokenizer Drift; Quiet Tokens."
    assert a != b and standalone_problem(a) is None and standalone_problem(b) is None


def test_many_picks_fit_in_300_characters_and_say_how_many_more():
    summary = picks_summary([f"A fairly long paper title about topic number {n} and more words" * 2 for n in range(1, 21)])
    assert len(summary) <= 300 and summary.startswith("The top 20 picks: ") and summary.endswith("more.")
    assert picks_summary(["x" * 400, "y"]) == "The top 2 picks."


def test_a_pick_whose_title_breaks_the_rules_is_left_unnamed():
    picks = ["A design system in a day, by Bit.Cloud", "Workshop - Stop flying blind. It covers logs. And traces.",
             "Speakers announced", "How imports work in server components", "Reactivity is easy"]
    summary = picks_summary(picks)
    assert summary == ("The top 5 picks: Speakers announced; How imports work in server components; "
                       "Reactivity is easy; and 2 more.")
    assert standalone_problem(summary) is None


def test_a_post_with_numbered_sections_that_was_not_split_is_no_roundup():
    text = "\n".join(f"{n}. Step {n} of the setup\nRun the command for step {n} and check its output carefully."
                     for n in range(1, 8))
    summary = ExtractiveSummarizer().summarize(Document("Setting up the cluster", text))
    assert summary is None or not summary.text.startswith("The top")


def test_a_fragment_blurb_is_summed_up_after_its_title():
    doc = Document("AlphaWidget", "a new decoder that finds errors in quantum circuits; it beats the baselines by 6%")
    summary = ExtractiveSummarizer().summarize(doc)
    assert summary.text == "AlphaWidget: a new decoder that finds errors in quantum circuits."


def test_a_short_item_blurb_is_summed_up_even_when_it_opens_on_a_handle_a_question_or_a_tag():
    summarize = ExtractiveSummarizer().summarize
    handle = summarize(Document("swap.nvim", "@janedoe made a plugin to swap function arguments with one key! "
                                             "Powered by a syntax tree.\nReddit"))
    assert handle.text.startswith("@janedoe made a plugin to swap function arguments")
    question = summarize(Document("logkit", "Have you ever left print() calls in your code? This plugin keeps log "
                                            "statements in the code and turns them on only when needed.\nGitHub"))
    assert question.text.startswith("logkit: this plugin keeps log statements")
    tagged = summarize(Document("(blog) Moving from one snippet engine to another", "Let's start with a long article "
                                "by @someone about moving every snippet from one engine to another.\nBlog article"))
    assert tagged.text.startswith("Moving from one snippet engine to another: let's start with a long article")
    for summary in (handle, question, tagged):
        assert standalone_problem(summary.text) is None, summary.text


def test_a_bare_link_is_summed_up_by_its_title_only_when_the_title_is_a_sentence():
    summarize = ExtractiveSummarizer().summarize
    assert summarize(Document("Server actions are now available in the stable release", "")).text == \
        "Server actions are now available in the stable release."
    assert summarize(Document("Why I Stopped Using Notebooks", "")) is None  # a heading, not a sentence
    assert summarize(Document("fastserve 2.0", "")) is None
    post = Document("Warmup is now the default in every optimizer we ship",
                    "We changed the defaults. See the changelog for the details of each optimizer.")
    assert summarize(post) is None or not summarize(post).text.startswith("Warmup is now the default")


def test_sentences_run_together_are_split_where_the_space_was_lost():
    from blogreader.enrich.sentences import split_sentences

    blurb = "Here is why running on two clouds may not give you what you want.Jane Roe — Example Corp"
    assert split_sentences(blurb) == ["Here is why running on two clouds may not give you what you want.",
                                      "Jane Roe — Example Corp"]
    assert split_sentences("Version 2.0 of e.g. Node.js ships today.") == ["Version 2.0 of e.g. Node.js ships today."]
    summary = ExtractiveSummarizer().summarize(Document("Two clouds are a trap", blurb))
    assert summary.text.endswith("what you want.") and standalone_problem(summary.text) is None


def test_listing_excerpt_becomes_one_or_two_whole_sentences_under_300_characters():
    excerpt = ("[Updated on 2024-01-02: added a section.] Diffusion models learn to reverse a noising process. "
               "They are slow to sample from. " + "Later sections cover many samplers in detail " * 20 + "and so…")
    summary = listing_summary(excerpt)
    assert summary == "Diffusion models learn to reverse a noising process. They are slow to sample from."
    assert listing_summary("x" * 2000 + "…") is None


def test_an_item_of_one_line_is_summed_up_by_that_line_not_by_its_title_twice():
    line = "Keep volume size requests from overflowing on very large claims"
    summary = ExtractiveSummarizer().summarize(Document(line, line))
    assert summary is not None and summary.text == line + "."


def test_a_first_sentence_that_names_the_post_is_its_summary_without_this():
    # "This was an ablation of ..." opens the post: its "This" is the post itself, so the sentence is the summary,
    # without the word that would point back out of context. A later "This is a ..." still points back.
    text = ("This was an ablation of activation functions in small language models, trained for ten thousand steps "
            "each. Each model used the same data and the same learning rate schedule. This is a limitation, since "
            "longer runs might order the functions differently. The gated variants came out ahead in every run.")
    summary = ExtractiveSummarizer().summarize(Document("Activation function ablation", text)).text
    assert summary.startswith("An ablation of activation functions in small language models"), summary
    assert standalone_problem(summary) is None
    later = ("Most small models use the same activation function. This is a limitation of how we compared them, "
             "since longer runs might order the functions differently.")
    assert not ExtractiveSummarizer().summarize(Document("Activation functions", later)).text.startswith("A limitation")
