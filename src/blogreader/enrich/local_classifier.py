"""The default offline classifier: TF-IDF nearest centroid over the taxonomy and the user's own labels.

Each category's centroid blends its description and keywords with the entries the user filed
under it (by `edit --category` or an imported curated list), the labels counting for more as
they accumulate. Categories the user invented have only their labels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from blogreader.enrich.base import Categorization, Document
from blogreader.enrich.taxonomy import KEYWORDS, Category

TEXT_WORDS = 400
FALLBACK = "News"


@dataclass(frozen=True)
class Example:
    """A labelled entry the classifier learns from."""

    doc: Document
    category: str


def document_text(doc: Document) -> str:
    """Title and summary weigh most; the opening of the text adds context."""
    opening = " ".join(doc.text.split()[:TEXT_WORDS])
    return " ".join([doc.title] * 3 + [doc.feed_summary or ""] * 2 + [opening])


class LocalClassifier:
    """Nearest centroid in TF-IDF space; fit once, then classify many."""

    name = "local"

    def __init__(self, categories: tuple[Category, ...], examples: list[Example] = ()) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.categories = categories
        labels = Counter(example.category for example in examples)
        self.names = list(dict.fromkeys([c.name for c in categories] + sorted(labels)))
        self.fallback = labels.most_common(1)[0][0] if labels else FALLBACK if FALLBACK in self.names else self.names[0]
        seeds = {c.name: f"{c.name} {c.description} {KEYWORDS.get(c.name, '')}" for c in categories}
        training = list(seeds.values()) + [document_text(example.doc) for example in examples]
        self.vectorizer = TfidfVectorizer(
            sublinear_tf=True, ngram_range=(1, 2), stop_words="english", min_df=1, token_pattern=r"(?u)\b[\w@.-]*\w\b"
        )
        self.vectorizer.fit(training)
        self.centroids = self._centroids(seeds, examples)

    def _centroids(self, seeds: dict[str, str], examples: list[Example]):
        import numpy as np
        from sklearn.preprocessing import normalize

        seed_vectors = normalize(self.vectorizer.transform([seeds.get(name, "") for name in self.names])).toarray()
        rows = []
        for index, name in enumerate(self.names):
            own = [document_text(example.doc) for example in examples if example.category == name]
            vector = seed_vectors[index]
            if own:
                labelled = normalize(np.asarray(self.vectorizer.transform(own).mean(axis=0)))[0]
                weight = len(own) / (len(own) + 2)
                vector = (1 - weight) * vector + weight * labelled
            rows.append(vector)
        return normalize(np.vstack(rows))

    def classify(self, doc: Document) -> Categorization | None:
        return self.classify_many([doc])[0]

    def classify_many(self, docs: list[Document]) -> list[Categorization]:
        from sklearn.preprocessing import normalize

        vectors = normalize(self.vectorizer.transform([document_text(doc) for doc in docs]))
        scores = vectors @ self.centroids.T
        results = []
        for row in scores:
            best = int(row.argmax())
            if row[best] <= 0:
                results.append(Categorization(self.fallback, self.name, 0.0))
            else:
                results.append(Categorization(self.names[best], self.name, float(row[best])))
        return results
