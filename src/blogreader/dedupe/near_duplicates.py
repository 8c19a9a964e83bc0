"""Near-duplicates by content: word 5-gram shingles, MinHash band keys (datasketch's scheme) for candidates, Jaccard to decide."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

SHINGLE_WORDS = 5  # long enough that posts on one topic share few, short enough that an edit costs few
MAX_WORDS = 400  # the opening words shingled: bounds the cost per entry whatever the post's length
MIN_WORDS = 50  # below this too few shingles tell a copy from a post on the same topic
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # named, so stored band keys stay comparable whatever a later datasketch defaults to
# The shingles' hash the permutations read is `shingle_code`: a polynomial over the code points, which numpy finds
# for all of a text's shingles at once (21 µs a post against 82 for the CRC-32 of each shingle made as bytes,
# the hash before). Keys stored with the CRC-32 were made again by migration 0022 (store/migration_steps.py).
# Measured on tests/fixtures/near_duplicates (bench/quality.py prints the curve): copies of one story
# with a new opening, a footer and reworded sentences stay above it; other posts on the same topic,
# even from one blog sharing its boilerplate, stay below.
THRESHOLD = 0.3
# Two entries of one feed are held to more: a blog's own template (intro, footer) around two short posts
# makes them alike (up to 0.73 measured), while a blog re-posting at a new address repeats nearly every
# word (0.9 and more, even in other HTML).
SAME_SOURCE_THRESHOLD = 0.85
# LSH bands of 2 rows over the first 64 of the 128 permutations (datasketch's MinHashLSH layout for 32 bands
# of 2): a pair at THRESHOLD shares a band with probability 1 - (1 - 0.3^2)^32 = 0.951, at 0.35 with 0.985,
# at 0.4 with 0.996, while posts sharing 2 % of shingles (different posts on one topic) do so 1.3 % of the
# time, and the full comparison turns those down. 64 bands (0.998 at THRESHOLD) cost the single writer
# 450 µs a stored entry in band rows against 170, and 2.5 KB of library an entry against 1.3; on our pairs
# (bench/quality.py) recall moved from 0.992 to 0.988 (one pair of 240 more missed: at similarity 0.41 it
# shared no band, which 32 bands leave to chance 0.3 % of the time) and precision stayed 1.0. The 32 are the
# first 32 of the 64 stored before, so an entry stored then is still found by them; its other 32 rows were
# never read, and migration 0019, which copies the band rows anyway, leaves them behind.
BANDS, ROWS = 32, 2
SIGNATURE_ROWS = BANDS * ROWS  # the permutations the bands read; only these are computed
MAX_CANDIDATES = 20  # compared in full at most; the ones sharing most bands come first

_WORD = re.compile(r"\w+")
_CHARS_PER_WORD = 24  # the opening words are looked for in this many characters a word, at most


def words(text: str, limit: int = MAX_WORDS) -> list[str]:
    """The first `limit` words of `text`, lower-cased, punctuation and markup spacing aside (looked for in a
    bounded opening, so a huge text costs no more than a post)."""
    return _opening(text, limit).split()


def shingles(text: str) -> frozenset[bytes] | None:
    """The word 5-grams of the opening words of `text`; None when it is too short (or too repetitive) to tell."""
    return shingles_of(_opening(text, MAX_WORDS))


def shingles_of(opening: str) -> frozenset[bytes] | None:
    """`shingles` of a text whose opening (its first MAX_WORDS words, lower-cased, joined by spaces) is given."""
    words = opening.encode().split()
    marks = frozenset(map(b" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)))))
    # One sentence said twenty times is as little to go on as a short text.
    return marks if len(marks) > MIN_WORDS - SHINGLE_WORDS else None


def _opening(text: str, limit: int) -> str:
    return " ".join(_WORD.findall(text, 0, limit * _CHARS_PER_WORD)[:limit]).lower()


def openings(text: str, short: int) -> tuple[str, str]:
    """`_opening(text, short)` and `_opening(text, MAX_WORDS)` (the fingerprint's words and the shingled ones,
    `short` at most MAX_WORDS) from one pass over the opening's characters with numpy, a third quicker than the
    regex's: the short one's words are the long one's that start in a prefix of its span, the last cut there."""
    import numpy as np

    from blogreader.normalize.text import code_points, word_characters

    points = code_points(text[: MAX_WORDS * _CHARS_PER_WORD])
    word = word_characters(points)
    bounded = np.zeros(len(word) + 2, dtype=np.bool_)  # no word before the span nor after it
    bounded[1:-1] = word
    edges = (bounded[1:] != bounded[:-1]).nonzero()[0]  # where a word starts, then where it ends, and so on
    if not len(edges):
        return "", ""
    starts, ends = edges[0::2], edges[1::2]
    cut = short * _CHARS_PER_WORD
    head = min(short, int(np.searchsorted(starts, cut)))  # the words starting before the cut, up to `short`
    first = int(starts[0])
    return (_joined(points, word, first, min(int(ends[head - 1]), cut)) if head else "",
            _joined(points, word, first, int(ends[min(MAX_WORDS, len(ends)) - 1])))


def _joined(points, word, start: int, end: int) -> str:
    """The words of the code points `points[start:end]` (a word's first to a word's last), lower-cased and
    joined by single spaces: as " ".join(words).lower() gives them."""
    import numpy as np

    inside = word[start:end]
    kept = inside.copy()
    kept[1:] |= inside[:-1]  # every word character, and the first character after a word, as a space
    kept_points = np.where(inside, points[start:end], 32)[kept]
    return kept_points.tobytes().decode("utf-16-le" if points.dtype == np.uint16 else "utf-32-le").lower()


def similarity(first: frozenset[bytes], second: frozenset[bytes]) -> float:
    """Jaccard similarity of two shingle sets: shared over all."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


def shingle_hashes(marks: frozenset[bytes]):
    """The CRC-32 of every shingle, sorted and unique: a post's shingles in 4 bytes each (a set of them takes
    about 60 KB), for `hashed_similarity`."""
    import numpy as np

    return np.unique(np.fromiter(map(zlib.crc32, marks), dtype=np.uint32, count=len(marks)))


def hashed_similarity(first, second) -> float:
    """`similarity` counted over the shingles' CRC-32s (`shingle_hashes`): the same figure, unless two distinct
    shingles of the two posts share a CRC (for posts of 400 shingles, about one pair of posts in 27,000), which
    moves it by about 1/800."""
    import numpy as np

    shared = len(np.intersect1d(first, second, assume_unique=True))
    union = len(first) + len(second) - shared
    return shared / union if union else 0.0


def shingle_codes(opening: str):
    """The hash (`shingle_code`) of every shingle `shingles_of(opening)` holds, as a numpy uint32 array in the
    text's order, repeats kept (a minimum over them is the same): what the band keys need, found for all of them
    at once from the opening's prefix sums; None where `shingles_of` gives None."""
    import numpy as np

    from blogreader.normalize.text import code_points

    points = code_points(opening).astype(np.uint64)
    spaces = np.flatnonzero(points == 32)  # the opening's words are joined by single spaces
    count = len(spaces) + 2 - SHINGLE_WORDS
    if count <= MIN_WORDS - SHINGLE_WORDS:  # too few shingles, whether distinct or not
        return None
    powers, inverses = _powers(len(points))
    prefix = np.zeros(len(points) + 1, dtype=np.uint64)
    np.cumsum(points * powers, out=prefix[1:])  # wrapping: modulo 2^64
    starts = np.concatenate(([0], spaces[:count - 1] + 1))  # shingle k: the words k to k + 4
    ends = np.append(spaces[SHINGLE_WORDS - 1:], len(points))
    hashes = ((prefix[ends] - prefix[starts]) * inverses[starts] >> np.uint64(32)).astype(np.uint32)
    ordered = np.sort(hashes)
    # Shingles with distinct hashes are distinct: enough of those settle it. Fewer (one sentence said twenty
    # times, or two shingles sharing a hash) are counted again as strings.
    if np.count_nonzero(ordered[1:] != ordered[:-1]) + 1 <= MIN_WORDS - SHINGLE_WORDS and \
            shingles_of(opening) is None:
        return None
    return hashes


def shingle_code(shingle: bytes) -> int:
    """A shingle's hash, one at a time (what `shingle_codes` finds for all of a text's at once): its code points
    c0, c1, ... as the polynomial c0 + c1 P + c2 P^2 ... modulo 2^64, its upper 32 bits."""
    value = 0
    for power, point in enumerate(shingle.decode()):
        value = (value + ord(point) * pow(_POLY, power, 1 << 64)) % (1 << 64)
    return value >> 32


_POLY = 0x100000001B3  # odd, so it has an inverse modulo 2^64 (FNV's 64-bit prime)
_MAX_OPENING = MAX_WORDS * _CHARS_PER_WORD + MAX_WORDS  # an opening's characters, at most


@lru_cache(maxsize=1)
def _all_powers():
    """P^i and P^-i modulo 2^64 for every place of an opening."""
    import numpy as np

    inverse = pow(_POLY, -1, 1 << 64)
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(_MAX_OPENING, _POLY, dtype=np.uint64))
        inverses = np.cumprod(np.full(_MAX_OPENING, inverse, dtype=np.uint64))
    one = np.ones(1, dtype=np.uint64)
    return np.concatenate((one, powers[:-1])), np.concatenate((one, inverses[:-1]))


def _powers(length: int):
    powers, inverses = _all_powers()
    if length > len(powers):  # a longer opening than MAX_WORDS words of _CHARS_PER_WORD: never made by _opening
        raise ValueError(f"an opening of {length} characters is longer than {len(powers)}")
    return powers[:length], inverses[:length]


# MurmurHash3's 32-bit finalizer, which the affine32 scheme applies to every shingle's hash first.
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@lru_cache(maxsize=1)
def _permutations():
    """The MinHash permutations (a, b) for SEED, exactly as datasketch's MinHash draws them for the affine32
    scheme (odd a, any b, from numpy's RandomState(SEED)); drawn once per process."""
    import numpy as np

    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


@lru_cache(maxsize=1)
def _signature_rows():
    """The permutations the bands read: a as a row, b as a column, for a permutations x shingles product."""
    a, b = _permutations()
    return a[:SIGNATURE_ROWS].copy(), b[:SIGNATURE_ROWS].reshape(-1, 1).copy()


def band_keys(marks: frozenset[bytes]) -> list[int]:
    """The key of every LSH band of the MinHash of `marks`, in band order: two entries with the same key in
    one band are candidates. A band is two 32-bit rows, so its 8 bytes are its key, exactly.

    The signature is datasketch's MinHash (scheme affine32, `shingle_code` as the hash), computed here with
    numpy alone: importing datasketch imports SciPy, 0.8 s in every process that fetches. tests/dedupe checks
    the keys are datasketch's, bit for bit. Hashing one shingle at a time, this is the reference for what
    `text_band_keys` and `store.duplicates.near_duplicate_marks` find for all of a text's shingles at once.
    """
    import numpy as np

    return band_keys_of(np.fromiter(map(shingle_code, marks), dtype=np.uint32, count=len(marks)))


def text_band_keys(text: str) -> list[int] | None:
    """`band_keys(shingles(text))`, found from the opening at once; None when the text is too short to tell."""
    hashes = shingle_codes(_opening(text, MAX_WORDS))
    return None if hashes is None else band_keys_of(hashes)


def band_keys_of(hashes) -> list[int]:
    """`band_keys` of the shingles whose `shingle_code`s are `hashes` (a numpy uint32 array; repeats change
    nothing)."""
    import numpy as np

    a, b = _signature_rows()
    shift1, multiply1, shift2, multiply2, shift3 = _FMIX32
    hashes = hashes ^ (hashes >> np.uint32(shift1))  # a copy: the caller's array is left as it was
    hashes *= np.uint32(multiply1)
    hashes ^= hashes >> np.uint32(shift2)
    hashes *= np.uint32(multiply2)
    hashes ^= hashes >> np.uint32(shift3)
    # Permutations x shingles, uint32 arithmetic wrapping (the modulo 2^32), b added in place; the minimum of
    # each row runs along memory, a third quicker than down the columns of shingles x permutations.
    products = np.multiply.outer(a, hashes)
    products += b
    signature = products.min(axis=1)
    # Rows 2k and 2k+1 (datasketch's MinHashLSH layout for bands of 2) as one little-endian signed int64.
    return signature.astype("<u4").view("<i8").tolist()


def share_a_band(first: list[int], second: list[int]) -> bool:
    """Do two entries' band keys make them candidates: the same key in the same band?"""
    return any(a == b for a, b in zip(first, second))


def is_near_duplicate(first: str, second: str, *, same_source: bool = False) -> bool:
    """Are two texts copies of one story, as the store decides: candidates by a shared band or the same
    opening words, then the similarity of their shingles at or above the threshold."""
    from blogreader.dedupe.fingerprint import text_fingerprint

    a, b = shingles(first), shingles(second)
    if a is None or b is None:
        return False
    mark = text_fingerprint(first)
    candidate = (mark is not None and mark == text_fingerprint(second)) or \
        share_a_band(text_band_keys(first) or [], text_band_keys(second) or [])
    return candidate and hashed_similarity(shingle_hashes(a), shingle_hashes(b)) >= threshold(same_source)


def threshold(same_source: bool) -> float:
    """The similarity two copies of one story reach: higher within one feed."""
    return SAME_SOURCE_THRESHOLD if same_source else THRESHOLD
