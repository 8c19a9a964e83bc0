"""The words of a text as the local classifier reads them, and its terms found by word ids.

`tokens` finds the words of `local_classifier.analyze` (the regex `_TOKEN`) in C where it can. `TermLookup` turns
a model's vocabulary into numbers, so the terms of a text are found without building a string for every word pair:
a few texts through dicts, a batch through sorted arrays in a few numpy calls.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain, compress, count, filterfalse, islice, repeat
from operator import add, contains, mul, neg, not_

# A word: word characters, joined by hyphens inside it ("state-of-the-art"). The same words as the older
# r"\b\w[\w-]*\w\b|\b\w\b" (checked on real posts and 200,000 random strings), found in two thirds the time.
_TOKEN = re.compile(r"\w+(?:-+\w+)*")
# The same words found faster (`tokens`): in text whose every character is a word character, a hyphen or an ASCII
# separator, the words are the runs between separators with their end hyphens stripped. Common non-ASCII
# separators (quotes, dashes) are replaced by spaces first; a text with any other is read with `_TOKEN`.
_COMMON_SEPARATORS = tuple(c for c in "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\xa0\u2022\u2192\u2248\xd7\xb7"
                           if not re.match(r"[\w-]", c))
_ODD_SEPARATOR = re.compile(r"[^\x00-\x7f\w]")  # a non-ASCII character that is no word character
_ASCII_SEPARATORS = bytes(b if re.match(rb"[\w-]", bytes([b])) or b > 127 else 32 for b in range(256))


def tokens(lowered: str) -> list[str]:
    """`_TOKEN.findall(lowered)`, in three quarters of the time on most posts (split in C, no match objects)."""
    if not lowered.isascii():
        for separator in _COMMON_SEPARATORS:
            if separator in lowered:
                lowered = lowered.replace(separator, " ")
        if not lowered.isascii() and _ODD_SEPARATOR.search(lowered):
            return _TOKEN.findall(lowered)
    # Only ASCII bytes are translated, so the UTF-8 stays whole; what is left between spaces is [\w-]+.
    spaced = lowered.encode().translate(_ASCII_SEPARATORS).decode()
    runs = spaced.split()
    # A run starts or ends with a hyphen only beside a space or an end: most texts have none, and skip the strip.
    if " -" in spaced or "- " in spaced or spaced.startswith("-") or spaced.endswith("-"):
        return list(filter(None, map(str.strip, runs, repeat("-"))))
    return runs


class TermLookup:
    """The vocabulary as numbers, to find the terms of `analyze` without building a string for every word pair.

    Each word of a term has an id; a term's key is minus its word's id, or for a pair the first id times
    `size` plus the second (a pair with an unknown word, id 0, can never equal a term's key). A few texts are
    looked up in dicts (`counted`); a batch in sorted arrays with a few numpy calls for all of it (`batch`).
    """

    UNKNOWN = 0  # a word in no term: it also ends a pair, as a text's end does

    def __init__(self, terms: list[str], stops: frozenset[str]) -> None:
        import numpy as np

        # In C-level calls, not a loop over the terms: a worker's first batch pays this (17,700 terms: 28 -> 6 ms).
        paired = list(map(contains, terms, repeat(" ")))
        unigrams, pairs = list(compress(terms, map(not_, paired))), list(compress(terms, paired))
        words = " ".join(pairs).split(" ")  # first, second, first, ...
        if len(words) != 2 * len(pairs):  # a term of three words (`fit` writes none) matches no text, as before
            words = [word for pair in pairs for word in pair.split(" ", 1)]
        firsts, seconds = words[0::2], words[1::2]
        ids = dict(zip(dict.fromkeys(chain(unigrams, firsts, seconds)), count(1)))
        self.size = size = len(ids) + 1
        self.ids, self.stops = ids, stops
        columns, in_pairs = np.arange(len(terms), dtype=np.int64), np.array(paired, dtype=bool)
        unigram_ids = np.fromiter(map(ids.__getitem__, unigrams), dtype=np.int64, count=len(unigrams))
        self.unigram_column = np.full(size, -1, dtype=np.int64)
        self.unigram_column[unigram_ids] = columns[~in_pairs]
        keys = np.fromiter(map(ids.__getitem__, firsts), dtype=np.int64, count=len(firsts)) * size \
            + np.fromiter(map(ids.__getitem__, seconds), dtype=np.int64, count=len(seconds))
        order = np.argsort(keys)
        self.pair_keys, self.pair_columns = keys[order], columns[in_pairs][order]
        self.terms = len(terms)
        self.keys: dict[int, int] | None = None  # made on the first `counted`: a batch never needs it

    def _keys(self) -> dict[int, int]:
        import numpy as np

        if self.keys is None:
            single = np.flatnonzero(self.unigram_column >= 0)
            self.keys = dict(zip((-single).tolist(), self.unigram_column[single].tolist()))
            self.keys.update(zip(self.pair_keys.tolist(), self.pair_columns.tolist()))
        return self.keys

    def words(self, text: str) -> list[int]:
        """Ids of the words of `text` that `analyze` keeps (bare numbers and stop words gone), 0 for unknown ones."""
        kept = filterfalse(self.stops.__contains__, filterfalse(str.isdigit, tokens(text.lower())))
        return list(map(self.ids.get, kept, repeat(self.UNKNOWN)))

    def counted(self, text: str) -> Counter:
        """Column: count of every term of `text`, words then pairs in order of first use (as `analyze` lists them)."""
        words, column = self.words(text), self._keys().get
        found = Counter(map(column, map(neg, words)))
        found.update(map(column, map(add, map(mul, words, repeat(self.size)), islice(words, 1, None))))
        found.pop(None, None)
        return found

    def batch(self, texts: list[str], idf):
        """(row, column, weight) of every term found, sorted by row then column; each row has unit length."""
        import numpy as np

        known, lengths = [], []
        for text in texts:
            found = self.words(text)
            found.append(self.UNKNOWN)  # keeps pairs from crossing texts
            known += found
            lengths.append(len(found))
        words = np.array(known, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        single = self.unigram_column[words]
        hit = single >= 0
        found_rows, found_columns = [rows[hit]], [single[hit]]
        if len(self.pair_keys):
            first, second = words[:-1], words[1:]
            paired = (first > 0) & (second > 0)
            keys = first[paired] * self.size + second[paired]
            at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
            hit = self.pair_keys[at] == keys
            found_rows.append(rows[:-1][paired][hit])
            found_columns.append(self.pair_columns[at[hit]])
        keys, counts = np.unique(np.concatenate(found_rows) * self.terms + np.concatenate(found_columns),
                                 return_counts=True)
        rows, columns = keys // self.terms, keys % self.terms
        weights = (1 + np.log(counts)) * idf[columns]
        weights /= np.sqrt(np.bincount(rows, weights * weights))[rows]
        return rows, columns, weights
