"""Writing output files atomically: a temporary file renamed into place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from blogreader.errors import BlogReaderError


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never half of one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BlogReaderError(f"cannot write {path}: {exc.strerror}; choose a writable --out") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BlogReaderError(f"cannot write {path}: {exc.strerror}; the previous file is unchanged") from None
