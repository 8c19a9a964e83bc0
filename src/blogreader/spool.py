"""Results handed back from worker processes as files: only their path goes through the pool's pipe.

A result sent through a ProcessPoolExecutor's pipe is one long message, written under the pool's lock. A worker
killed halfway through one (the out-of-memory killer) leaves the pool's reader waiting forever for the rest, and
the other workers waiting forever for the lock. A path is one short write, whole or not at all: the pool sees the
dead worker and breaks, which its caller recovers from (parse_pool.py, enrich/runner.py).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile

MEMORY_FOLDER = "/dev/shm"  # where the files go when the system has it: in memory, not on a disk


def new_folder() -> str:
    """A folder of its own for one run's results."""
    in_memory = os.access(MEMORY_FOLDER, os.W_OK)
    return tempfile.mkdtemp(prefix="blogreader-results-", dir=MEMORY_FOLDER if in_memory else None)


def spooled(folder: str, function, *args) -> str:
    """`function(*args)`, pickled to a new file in `folder`: its path (run in a worker process)."""
    found = function(*args)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".pickle", delete=False) as file:
        pickle.dump(found, file, protocol=pickle.HIGHEST_PROTOCOL)
    return file.name


def unspooled(path: str):
    """The result a worker pickled to `path` (a file of the run's own folder), the file gone."""
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    finally:
        os.unlink(path)


def remove(folder: str) -> None:
    """The run's folder, with whatever a worker that died left in it."""
    shutil.rmtree(folder, ignore_errors=True)
