"""The fitted local classifier, kept in the library so that a run only fits when what it learns from changed.

The file's name is a digest of everything the fit reads: the taxonomy, the shipped examples, the
user's labels and the model's settings. A new label changes the digest, so the next run fits once
and saves; every other run loads the arrays (numpy only, no scikit-learn import).
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from blogreader.enrich import local_classifier as lc
from blogreader.enrich.local_classifier import Example, LinearModel, LocalClassifier
from blogreader.enrich.taxonomy import Category

log = logging.getLogger(__name__)

FORMAT = 2
SHIPPED = Path(__file__).with_name("fitted")  # `python -m blogreader.enrich.model_cache` writes it anew
KEEP = 3  # saved fits kept per library: older ones are removed


def cache_key(categories: tuple[Category, ...], examples: list[Example]) -> str:
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(str(part).encode("utf-8", "surrogatepass"))
            digest.update(b"\x1f")

    add(FORMAT, lc.C, lc.USER_WEIGHT, lc.TEXT_WORDS, lc.HEADLINE_WEIGHT, lc.NB_ALPHA, lc.NB_WEIGHT, lc.shipped_text())
    for category in categories:
        add(category.name, category.description)
    for example in examples:
        add(example.category, lc.document_text(example.doc))
    return digest.hexdigest()[:24]


def load_or_fit(categories: tuple[Category, ...], examples: list[Example], folder: Path | None) -> LocalClassifier:
    """The classifier for these labels: loaded from `folder` when saved there, else fitted (and saved)."""
    if folder is None:
        return LocalClassifier(categories, examples)
    # Entries of sources the user labelled nothing in also hear the fit without labels: it is saved too.
    base = _load_or_fit_model(categories, [], folder) if examples else None
    model = _load_or_fit_model(categories, examples, folder) if examples else None
    return LocalClassifier(categories, examples, model=model or _load_or_fit_model(categories, [], folder), base=base)


def is_saved(categories: tuple[Category, ...], examples: list[Example], folder: Path) -> bool:
    """Would `load_or_fit` load every fit it needs (shipped or saved in `folder`), fitting none?"""
    fits = [[], examples] if examples else [[]]
    names = (f"classifier-{cache_key(categories, learnt)}.npz" for learnt in fits)
    return all((SHIPPED / name).exists() or (folder / name).exists() for name in names)


def _load_or_fit_model(categories: tuple[Category, ...], examples: list[Example], folder: Path) -> LinearModel:
    name = f"classifier-{cache_key(categories, examples)}.npz"
    path = folder / name
    shipped = SHIPPED / name  # the default taxonomy without labels: fitted once, shipped with the package
    model = load_model(shipped if shipped.exists() else path)
    if model is None:
        model = lc.fit(categories, examples)
        save_model(model, path)
    return model


# Fits read in this process, by file and its size and time: a worker enriches after every pass, and reading a
# compressed fit again cost 22 ms each time (about 110 µs an entry of a 10-source pass). A fit's file name is
# the hash of what it learnt from, and a file rewritten has a new time, so a kept fit is never stale.
_LOADED: dict[tuple[str, int, int], LinearModel] = {}
_LOADED_AT_MOST = 4


def load_model(path: Path) -> LinearModel | None:
    import numpy as np

    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _LOADED:
        return _LOADED[key]
    try:
        with np.load(path, allow_pickle=False) as data:
            model = LinearModel(data["names"].tolist(), data["terms"].tolist(), data["idf"], data["coef"],
                                data["intercept"], frozenset(data["stops"].tolist()))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("saved classifier %s is unreadable (%s); fitting again", path, exc)
        return None
    if len(_LOADED) >= _LOADED_AT_MOST:
        _LOADED.pop(next(iter(_LOADED)))
    _LOADED[key] = model
    return model


def save_model(model: LinearModel, path: Path, *, keep: int = KEEP) -> None:
    import numpy as np

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez_compressed(partial, names=np.array(model.names), terms=np.array(model.terms, dtype=str), idf=model.idf,
                 coef=model.coef, intercept=model.intercept, stops=np.array(sorted(model.stops)))
        os.replace(partial, path)
    except OSError as exc:  # a read-only library still classifies; it only fits again next time
        log.warning("could not save the fitted classifier to %s: %s", path, exc)
        return
    if not keep:
        return
    saved = sorted(path.parent.glob("classifier-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saved[keep:]:
        old.unlink(missing_ok=True)


def ship_default_fit() -> Path:
    """Fit the default taxonomy with no labels and write it beside the package, removing older fits."""
    from blogreader.enrich.taxonomy import DEFAULT_TAXONOMY

    for old in SHIPPED.glob("classifier-*.npz"):
        old.unlink()
    path = SHIPPED / f"classifier-{cache_key(DEFAULT_TAXONOMY, [])}.npz"
    save_model(lc.fit(DEFAULT_TAXONOMY, []), path, keep=0)
    return path


if __name__ == "__main__":
    print(ship_default_fit())
