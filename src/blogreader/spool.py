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
PREFIX = "blogreader-results-"  # then the pid of the run's process, a dash and mkdtemp's letters


def new_folder() -> str:
    """A folder of its own for one run's results, after removing those of runs whose process is gone (killed
    before it could remove its own: in memory, they would stay until the machine restarts)."""
    parent = MEMORY_FOLDER if os.access(MEMORY_FOLDER, os.W_OK) else tempfile.gettempdir()
    _remove_orphans(parent)
    return tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent)


def _remove_orphans(parent: str) -> None:
    try:
        names = [name for name in os.listdir(parent) if name.startswith(PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            remove(os.path.join(parent, name))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive, and not ours to judge
        return True
    return True


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
