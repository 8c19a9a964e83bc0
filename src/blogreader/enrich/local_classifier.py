"""The default offline classifier: TF-IDF nearest centroid over the taxonomy and the user's own labels.

Each category's centroid blends three things: its description and keywords, the short examples
shipped with the package (`seed_examples.tsv`), and the entries the user filed under it (by
`edit --category` or an imported curated list), the user's labels counting for more as they
accumulate. Categories the user invented have only their labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from blogreader.enrich.base import Categorization, Document
from blogreader.enrich.taxonomy import KEYWORDS, Category

TEXT_WORDS = 150
FALLBACK = "News"
DESCRIPTION_WEIGHT = 1.0
SEED_WEIGHT = 1.0
HEADLINE_WEIGHT = 0.5  # the title and subtitle vote as much as the opening of the text


@dataclass(frozen=True)
class Example:
    """A labelled entry the classifier learns from."""

    doc: Document
    category: str


@lru_cache(maxsize=1)
def seed_examples() -> tuple[Example, ...]:
    """The labelled examples shipped with the package: prior knowledge of each default category."""
    try:
        data = resources.files("blogreader.enrich").joinpath("seed_examples.tsv").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    examples = []
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, title, summary = line.split("\t")
        examples.append(Example(Document(title, "", feed_summary=summary), category))
    return tuple(examples)


def document_text(doc: Document) -> str:
    """An example as one text: title and summary weigh most; the opening of the text adds context."""
    return " ".join([doc.title] * 3 + [doc.feed_summary or ""] * 2 + [opening(doc)])


def headline(doc: Document) -> str:
    return f"{doc.title} {doc.feed_summary or ''}"


def opening(doc: Document) -> str:
    return " ".join(doc.text.split()[:TEXT_WORDS])


class LocalClassifier:
    """Nearest centroid in TF-IDF space; fit once, then classify many."""

    name = "local"

    def __init__(self, categories: tuple[Category, ...], examples: list[Example] = ()) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.categories = categories
        labels = Counter(example.category for example in examples)
        self.names = list(dict.fromkeys([c.name for c in categories] + sorted(labels)))
        self.fallback = labels.most_common(1)[0][0] if labels else FALLBACK if FALLBACK in self.names else self.names[0]
        descriptions = {c.name: f"{c.name} {c.description} {KEYWORDS.get(c.name, '')}" for c in categories}
        shipped = [example for example in seed_examples() if example.category in descriptions]
        training = list(descriptions.values()) + [document_text(e.doc) for e in [*shipped, *examples]]
        self.vectorizer = TfidfVectorizer(
            sublinear_tf=True, ngram_range=(1, 2), stop_words="english", min_df=1, token_pattern=r"(?u)\b[\w@.-]*\w\b"
        )
        self.vectorizer.fit(training)
        self.centroids = self._centroids(descriptions, shipped, list(examples))

    def _centroids(self, descriptions: dict[str, str], shipped: list[Example], examples: list[Example]):
        import numpy as np
        from sklearn.preprocessing import normalize

        def mean_of(group: list[Example]):
            if not group:
                return 0.0
            return normalize(np.asarray(self.vectorizer.transform([document_text(e.doc) for e in group]).mean(axis=0)))[0]

        described = normalize(self.vectorizer.transform([descriptions.get(name, "") for name in self.names])).toarray()
        rows = []
        for index, name in enumerate(self.names):
            own = [example for example in examples if example.category == name]
            user_weight = 2 * len(own) / (len(own) + 2)
            rows.append(DESCRIPTION_WEIGHT * described[index]
                        + SEED_WEIGHT * mean_of([e for e in shipped if e.category == name])
                        + user_weight * mean_of(own))
        return normalize(np.vstack(rows))

    def classify(self, doc: Document) -> Categorization | None:
        return self.classify_many([doc])[0]

    def classify_many(self, docs: list[Document]) -> list[Categorization]:
        import numpy as np
        from sklearn.preprocessing import normalize

        heads = normalize(self.vectorizer.transform([headline(doc) for doc in docs])) @ self.centroids.T
        bodies = normalize(self.vectorizer.transform([opening(doc) for doc in docs])) @ self.centroids.T
        # A text-less entry (a bookmark, a curated row) is judged by its headline alone.
        has_body = np.array([[1.0 if doc.text.strip() else 0.0] for doc in docs])
        scores = np.where(has_body > 0, HEADLINE_WEIGHT * heads + (1 - HEADLINE_WEIGHT) * bodies, heads)
        results = []
        for row in scores:
            best = int(row.argmax())
            if row[best] <= 0:
                results.append(Categorization(self.fallback, self.name, 0.0))
            else:
                results.append(Categorization(self.names[best], self.name, float(row[best])))
        return results
