"""What the user's labels say about their own source: how often it writes about each category.

A blog writes about a few topics. The global model cannot know which: it is fitted with balanced class
weights, so its probabilities assume every category equally likely. The share of each category among
a source's labels, Laplace-smoothed (one pseudo-count per category, so none is ruled out), replaces that
uniform prior for the source's other entries (Bayes' rule: posterior times new prior over old prior),
raised to a power between 0 (not heard) and 1 (Bayes' rule in full).

The power is chosen per source from its labels alone: each label is left out in turn and predicted by
the fit without labels times the prior of the others; the smallest power that files more of them
right than the fit alone does is kept, and 0 when none does. So labels move their own source only as
far as they predict it, and never move an entry of another source.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

PSEUDO_COUNT = 1.0  # Laplace smoothing of a source's label shares, per category
PRIOR_WEIGHTS = (0.0, 0.25, 0.5, 1.0)  # powers of the source's label shares tried, from not heard to Bayes' rule


class SourceLabels:
    """The user's labels grouped by source, and how far each source's label shares are heard."""

    def __init__(self, names: list[str], labelled: Iterable[tuple[str | None, str, object]]) -> None:
        """`labelled`: (source, category, the labelled entry) for each label; labels with no source are skipped."""
        self.names = list(names)
        self.column = {name: number for number, name in enumerate(self.names)}
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.labels: dict[str, list[int]] = defaultdict(list)
        self.entries: dict[str, list[object]] = defaultdict(list)
        self.weights: dict[str, float] = {}
        for source, category, entry in labelled:
            if source is None or category not in self.column:
                continue
            self.counts[source][category] += 1
            self.labels[source].append(self.column[category])
            self.entries[source].append(entry)

    def prior(self, source: str, leave_out: int | None = None):
        """The source's label shares over the categories (without one label, if asked), none of them zero."""
        import numpy as np

        shares = np.full(len(self.names), PSEUDO_COUNT)
        for category, n in self.counts[source].items():
            shares[self.column[category]] += n
        if leave_out is not None:
            shares[self.labels[source][leave_out]] -= 1
        return shares / shares.sum()

    def choose_weights(self, held_out_probabilities: Callable[[list[object]], object]) -> None:
        """Each source's power, by leave-one-out over its labels.

        `held_out_probabilities(entries)`: probabilities over `names` from a fit that did not see them.
        """
        import numpy as np

        for source, entries in self.entries.items():
            fit_alone = held_out_probabilities(entries)
            truth = np.array(self.labels[source])
            priors = np.array([self.prior(source, n) for n in range(len(entries))])
            best, chosen = -1, 0.0
            for weight in PRIOR_WEIGHTS:
                right = int((adjusted(fit_alone, priors, weight).argmax(axis=1) == truth).sum())
                if right > best:  # strictly more: the first (smallest) power of equal merit stays
                    best, chosen = right, weight
            self.weights[source] = chosen

    def adjust(self, source: str, probabilities):
        """Rows of one source's entries with its label shares heard as far as they proved to predict."""
        weight = self.weights.get(source, 0.0)
        if not weight:
            return probabilities
        return adjusted(probabilities, self.prior(source)[None, :], weight)


def adjusted(probabilities, priors, weight: float):
    """Each row times its prior to the power `weight`, renormalized."""
    rows = probabilities * priors ** weight
    return rows / rows.sum(axis=1, keepdims=True)
