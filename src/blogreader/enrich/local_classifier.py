"""The default offline classifier: a regularized linear model over TF-IDF words and word pairs.

Two learners read the same TF-IDF features: a logistic regression and a complement naive Bayes, whose
log-probabilities are averaged (their geometric mean). Naive Bayes weighs every word by how much more
often it occurs in one category's examples than in the others', which keeps words that all categories
share (network, layer, image, text) from deciding alone. Both are linear in the features, so their mean
is one weight row per category again: classifying costs the same as one model.

It learns from the taxonomy's descriptions and keywords, the examples shipped with the package
(`seed_examples.tsv`, `examples.tsv`, `short_examples.tsv`, `opening_examples.tsv`: written by us, in the
voice of papers, of long blog posts and their openings, of practitioner notes and of one-line blurbs),
and the entries the user filed under a category (`edit --category`, an imported curated list).
Fitting needs scikit-learn; classifying needs only numpy: the fitted model is a vocabulary, IDF
weights and one weight row per category, saved in the library (`model_cache.py`; the default taxonomy's fit ships in `fitted/`) and fitted again only
when the taxonomy, the shipped examples or the user's labels change.

A prediction whose probability is low is marked uncertain: it keeps its best guess as the category,
with `category_origin = "uncertain"`, so lists can show it as a guess rather than as a verdict.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from blogreader.enrich.base import Categorization, Document
from blogreader.enrich.spaceless import is_spaceless
from blogreader.enrich.taxonomy import KEYWORDS, Category
from blogreader.enrich.term_lookup import TermLookup, tokens

TEXT_WORDS = 400  # the opening of the text read beside the title
FALLBACK = "News"
C = 10.0  # inverse regularization of the logistic regression: results hold from 3 to 30 (bench/quality_real_labels.py)
USER_WEIGHT = 2  # one of the user's labels counts as much as a shipped example: more let 20 labels cost other blogs points
# A best category whose probability is under this many times the uniform share (1 / number of categories) is
# shown as uncertain: 2.5 is 0.156 for the 16 default categories, where about 3 in 10 dev posts (real/) fall.
# A small taxonomy is capped: more than half the probability is never uncertain.
UNCERTAIN_TIMES_UNIFORM = 2.5
UNCERTAIN_AT_MOST = 0.5
OWN_LABEL_MIN_PROBABILITY = 0.5  # a label the user invented is given only to entries that clearly fit it
HEADLINE_WEIGHT = 0.3  # the title (and subtitle) read on its own, beside the whole text: a long body does not drown it
# How far labels of one source move entries of a source with no labels (1 = as far as their own). 0: over ten
# draws of 20 labels of one real blog, any reach above 0 cost the other blog 1.5-2.3 points on average.
# A label of the user's own category still reaches every source (through its column of the taught fit).
LABEL_REACH = 0.0
NB_ALPHA = 0.3  # smoothing of the naive Bayes counts; 5-fold CV on the shipped examples is flat from 0.03 to 1
NB_WEIGHT = 0.5  # share of naive Bayes in the averaged log-probabilities (the same CV: 86.1% alone, 87.2% mixed)
EXAMPLE_FILES = ("seed_examples.tsv", "examples.tsv", "short_examples.tsv", "opening_examples.tsv")
BATCH_TEXTS = 4  # from this many texts on, one numpy pass over all of them beats one per text


@dataclass(frozen=True)
class Example:
    """A labelled entry the classifier learns from."""

    doc: Document
    category: str


@lru_cache(maxsize=1)
def shipped_text() -> str:
    """The example files shipped with the package, as one text (also what the model's cache key reads)."""
    parts = []
    for name in EXAMPLE_FILES:
        try:
            parts.append(resources.files("blogreader.enrich").joinpath(name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
    return "\n".join(parts)


@lru_cache(maxsize=1)
def seed_examples() -> tuple[Example, ...]:
    """The labelled examples shipped with the package: prior knowledge of each default category."""
    examples = []
    for line in shipped_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, title, summary = line.split("\t")
        examples.append(Example(Document(title, "", feed_summary=summary), category))
    return tuple(examples)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def analyze(text: str, stops: frozenset[str]) -> list[str]:
    """Lower-cased words without stop words or bare numbers, and each pair of neighbouring words."""
    words = [word for word in tokens(text.lower()) if word not in stops and not word.isdigit()]
    return words + [f"{first} {second}" for first, second in zip(words, words[1:])]


def headline_text(doc: Document) -> str:
    return f"{doc.title} {doc.feed_summary or ''}"


def document_text(doc: Document) -> str:
    """What the model reads of an entry: the title twice, the summary, and the opening of the text."""
    opening = doc.opening(TEXT_WORDS) if doc.text else ""
    return " ".join(filter(None, [doc.title, doc.title, doc.feed_summary or "", opening]))


class LinearModel:
    """Vocabulary, IDF and one weight row per category: classifies with numpy alone."""

    def __init__(self, names: list[str], terms: list[str], idf, coef, intercept, stops: frozenset[str]) -> None:
        self.names = list(names)
        self.terms, self.idf, self.coef, self.intercept, self.stops = list(terms), idf, coef, intercept, stops
        self._lookup: TermLookup | None = None

    def probabilities(self, texts: list[str]):
        """One row of category probabilities per text: the terms of `analyze`, weighed as TfidfVectorizer does
        (1 + log count, times IDF, the row scaled to unit length), through the linear model and a softmax."""
        import numpy as np

        scores = np.tile(self.intercept, (len(texts), 1))
        if texts and self.terms and self._lookup is None:
            self._lookup = TermLookup(self.terms, self.stops)  # kept with the model, as model_cache keeps a loaded fit
        lookup = self._lookup if texts and self.terms else None
        if lookup and len(texts) < BATCH_TEXTS:
            for row, text in enumerate(texts):
                found = lookup.counted(text)
                if not found:
                    continue
                columns = np.fromiter(found, dtype=np.int64, count=len(found))
                weights = np.fromiter((1 + math.log(n) for n in found.values()), dtype=float, count=len(found))
                weights *= self.idf[columns]
                weights /= np.linalg.norm(weights)
                scores[row] += weights @ self.coef[columns]
        elif lookup:
            rows, columns, weights = lookup.batch(texts, self.idf)
            if len(rows):
                # The rows come sorted: each text's terms are one run, summed at once.
                starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
                scores[rows[starts]] += np.add.reduceat(weights[:, None] * self.coef[columns], starts, axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


def fit(categories: tuple[Category, ...], examples: list[Example]) -> LinearModel:
    """Logistic regression and naive Bayes over the descriptions, the shipped examples and the user's labels."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    stops = stop_words()
    described = {c.name for c in categories}
    shipped = [e for e in seed_examples() if e.category in described]
    texts = [f"{c.name} {c.description} {KEYWORDS.get(c.name, '')}" for c in categories]
    labels = [c.name for c in categories]
    texts += [document_text(e.doc) for e in [*shipped, *examples]]
    labels += [e.category for e in [*shipped, *examples]]
    weights = [1.0] * (len(categories) + len(shipped)) + [USER_WEIGHT] * len(examples)
    vectorizer = TfidfVectorizer(analyzer=lambda text: analyze(text, stops), sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    names = sorted(set(labels))
    if len(names) == 1:  # a taxonomy of one category: nothing to decide
        return LinearModel(names, [], np.zeros(0), np.zeros((0, 1)), np.zeros(1), stops)
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", solver="saga", random_state=0)
    model.fit(matrix, labels, sample_weight=np.array(weights))
    coef, intercept = model.coef_.T, model.intercept_
    if len(names) == 2:  # scikit-learn keeps one row for two classes
        coef, intercept = np.hstack([-coef / 2, coef / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    bayes = ComplementNB(alpha=NB_ALPHA).fit(matrix, labels, sample_weight=np.array(weights))
    coef = (1 - NB_WEIGHT) * coef + NB_WEIGHT * bayes.feature_log_prob_.T
    intercept = (1 - NB_WEIGHT) * intercept
    terms = vectorizer.get_feature_names_out().tolist()
    return LinearModel(list(model.classes_), terms, vectorizer.idf_, np.ascontiguousarray(coef), intercept, stops)


class LocalClassifier:
    """Fit once (or load the saved fit), then classify many."""

    name = "local"

    def __init__(self, categories: tuple[Category, ...], examples: list[Example] = (),
                 model: LinearModel | None = None, base: LinearModel | None = None) -> None:
        self.categories = categories
        self.taxonomy = {c.name for c in categories}
        examples = list(examples)
        self.model = model or fit(categories, examples)
        # Labels teach the source they came from: entries of other sources hear the model fitted without them,
        # blended with the taught one only as far as LABEL_REACH says (labels with no source, as in tests and
        # imports, count everywhere).
        sources = {example.doc.source for example in examples}
        self.base = None if not examples or None in sources else base or fit(categories, [])
        self.taught_sources = sources
        # ... and entries of a labelled source hear the fit without labels times the source's label shares,
        # as far as those shares predict the source's own labels (source_labels.py).
        from blogreader.enrich.source_labels import SourceLabels

        self.local = SourceLabels(self.model.names, ((e.doc.source, e.category, e.doc) for e in examples)
                                  if self.base is not None else ())
        self.local.choose_weights(lambda docs: self._aligned(self.blended(self.base, docs), None))
        labels = Counter(example.category for example in examples)
        names = self.model.names
        self.fallback = FALLBACK if FALLBACK in names else labels.most_common(1)[0][0] if labels else names[0]

    @property
    def names(self) -> list[str]:
        return self.model.names

    def classify(self, doc: Document) -> Categorization | None:
        return self.classify_many([doc])[0]

    def classify_many(self, docs: list[Document]) -> list[Categorization]:
        if not docs:
            return []
        probabilities = self.blended(self.model, docs)
        if self.base is not None:
            import numpy as np

            others = np.array([doc.source not in self.taught_sources for doc in docs])
            if others.any():
                aligned = self._aligned(self.blended(self.base, docs), probabilities)
                mixed = _geometric(aligned, probabilities, LABEL_REACH)
                probabilities = np.where(others[:, None], mixed, probabilities)
        probabilities = self.source_local(docs, probabilities)
        # A post in Chinese or Japanese is read by its few English words alone (names of models and tools): its
        # category is a guess however sure the model is of those.
        unread = [is_spaceless(doc.text or doc.title) for doc in docs]
        results = []
        for row in probabilities:
            order = row.argsort()[::-1]
            best = int(order[0])
            name = self.model.names[best]
            if name not in self.taxonomy and row[best] < OWN_LABEL_MIN_PROBABILITY:
                # A label of the user's own takes an entry only when it clearly fits; else the next default one.
                best = next((int(i) for i in order if self.model.names[i] in self.taxonomy), best)
                name = self.model.names[best]
            confidence = float(row[best])
            origin = self.name if confidence >= min(UNCERTAIN_TIMES_UNIFORM / len(row), UNCERTAIN_AT_MOST) \
                and not unread[len(results)] else "uncertain"
            results.append(Categorization(str(name), origin, confidence))  # a plain str, not numpy's
        return results

    def source_local(self, docs: list[Document], probabilities):
        """Entries of a source the user labelled: the fit without labels times that source's label shares.

        A label of the user's own (not in the fit without labels) keeps the taught fit's probability.
        """
        rows = [row for row, doc in enumerate(docs) if doc.source in self.local.weights]
        if not rows:
            return probabilities
        probabilities = probabilities.copy()
        base = self._aligned(self.blended(self.base, [docs[row] for row in rows]), probabilities[rows])
        for row, values in zip(rows, base):
            probabilities[row] = self.local.adjust(docs[row].source, values[None, :])[0]
        return probabilities

    def _aligned(self, base, taught):
        """The fit without labels' rows over the taught fit's categories (the taught values where it has none)."""
        import numpy as np

        columns = np.array([self.base.names.index(n) if n in self.base.names else -1 for n in self.model.names])
        fill = taught if taught is not None else np.full((len(base), len(columns)), 1e-6)
        aligned = np.where(columns >= 0, base[:, np.maximum(columns, 0)], fill)
        return aligned / aligned.sum(axis=1, keepdims=True)

    @staticmethod
    def blended(model: LinearModel, docs: list[Document]):
        """The model's probabilities for the whole text and for the headline alone, blended."""
        # One batch for both readings: the numpy calls are paid once.
        both = model.probabilities([document_text(doc) for doc in docs] + [headline_text(doc) for doc in docs])
        return _geometric(both[:len(docs)], both[len(docs):], HEADLINE_WEIGHT)


def _geometric(first, second, weight: float):
    """Weighted geometric mean of two probability rows, renormalized."""
    import numpy as np

    logs = (1 - weight) * np.log(np.maximum(first, 1e-12)) + weight * np.log(np.maximum(second, 1e-12))
    logs -= logs.max(axis=1, keepdims=True)
    exp = np.exp(logs)
    return exp / exp.sum(axis=1, keepdims=True)
