"""What a post is for: a linear model that tells posts about the publisher itself from posts about a subject.

It reads the title and the opening of the text, never the source's name. It is trained on examples
we wrote (`promo_examples.tsv`: blog launches, hiring, graduate directories, courses, meetups, pricing,
partnership programmes, housekeeping, launches of the publisher's product; and content posts that
announce research or open-source releases) plus every content example of the category classifier.
The fitted model ships as `promo_model.npz`, so judging never fits or imports scikit-learn; rebuild it
after editing the examples with `python -m blogreader.enrich.promo_model` (a test checks it is current).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from blogreader.enrich.base import Document
from blogreader.enrich.local_classifier import LinearModel, analyze, seed_examples, stop_words

OPENING_WORDS = 80
# The windows after the opening read when the opening looks like a notice (`later_probability`): enough to see
# whether the post stays about its publisher, read only for the few posts whose opening crosses the threshold.
LATER_WINDOWS = 8
LATER_MIN_WORDS = 30  # a window shorter than this says little (promo.MODEL_MIN_WORDS)
LATER_MAX_WORDS = 20_000  # the windows are spread over this many words at most: a huge post costs no more
C = 3.0
KEPT_TERMS = 4000
MODEL_FILE = "promo_model.npz"
EXAMPLES_FILE = "promo_examples.tsv"


def promo_text(doc: Document) -> str:
    """The title (twice) and the opening: what a reader sees to tell what the post is for."""
    opening = doc.opening(OPENING_WORDS) if doc.text else ""
    return " ".join(filter(None, [doc.title, doc.title, opening]))


def training_set() -> tuple[list[str], list[str]]:
    text = resources.files("blogreader.enrich").joinpath(EXAMPLES_FILE).read_text(encoding="utf-8")
    texts, labels = [], []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            label, title, opening = line.split("\t")
            texts.append(promo_text(Document(title, opening)))
            labels.append(label)
    for example in seed_examples():
        texts.append(promo_text(Document(example.doc.title, example.doc.feed_summary or "")))
        labels.append("content")
    return texts, labels


def training_key() -> str:
    texts, labels = training_set()
    digest = hashlib.sha256(repr((C, OPENING_WORDS, texts, labels)).encode("utf-8"))
    return digest.hexdigest()[:24]


def fit() -> LinearModel:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    stops = stop_words()
    texts, labels = training_set()
    vectorizer = TfidfVectorizer(analyzer=lambda text: analyze(text, stops), sublinear_tf=True)
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(vectorizer.fit_transform(texts), labels)
    weights = model.coef_[0]  # towards "promo" (the second class)
    kept = np.sort(np.argsort(-np.abs(weights))[:KEPT_TERMS])  # the rest barely move a verdict; the file stays small
    coef = np.stack([-weights[kept] / 2, weights[kept] / 2], axis=1)
    intercept = np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
    terms = vectorizer.get_feature_names_out()[kept].tolist()
    return LinearModel(list(model.classes_), terms, vectorizer.idf_[kept], np.ascontiguousarray(coef), intercept, stops)


@lru_cache(maxsize=1)
def shipped_model() -> LinearModel:
    """The model shipped with the package; fitted here (slower) only when the file is missing."""
    from blogreader.enrich.model_cache import load_model

    path = Path(str(resources.files("blogreader.enrich").joinpath(MODEL_FILE)))
    return load_model(path) or fit()


def promo_probability(docs: list[Document]) -> list[float]:
    model = shipped_model()
    column = model.names.index("promo")
    return [float(row[column]) for row in model.probabilities([promo_text(doc) for doc in docs])]


def later_probability(doc: Document) -> float | None:
    """The model's mean probability over windows of the text after its opening (at most LATER_WINDOWS, spread
    evenly through the post's first LATER_MAX_WORDS words, each OPENING_WORDS long, under the title), or None when
    no window of the text after the opening is long enough to read. A notice is about its publisher all through; a
    post that opens on a personal update, a year's greetings or a release date and then explains its subject is
    not."""
    words = doc.text.split(None, LATER_MAX_WORDS)[:LATER_MAX_WORDS]
    starts = range(OPENING_WORDS, len(words) - LATER_MIN_WORDS + 1, OPENING_WORDS)
    if not starts:
        return None
    if len(starts) > LATER_WINDOWS:
        last = len(starts) - 1
        starts = [starts[round(n * last / (LATER_WINDOWS - 1))] for n in range(LATER_WINDOWS)]
    windows = [Document(doc.title, " ".join(words[start:start + OPENING_WORDS])) for start in starts]
    return sum(promo_probability(windows)) / len(windows)


def build(path: Path | None = None) -> Path:
    """Fit on the shipped examples and write the model file (next to this module unless told)."""
    from blogreader.enrich.model_cache import save_model

    target = path or Path(__file__).with_name(MODEL_FILE)
    save_model(fit(), target, keep=0)
    target.with_suffix(".key").write_text(training_key() + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(build())
