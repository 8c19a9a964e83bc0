"""Results handed back from worker processes as files: a round trip leaves nothing, and a run killed before it
removed its folder has it removed by the next run."""

from __future__ import annotations

import os
import subprocess
import sys

from blogreader import spool


def test_a_result_comes_back_whole_and_its_file_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "MEMORY_FOLDER", str(tmp_path))
    folder = spool.new_folder()
    path = spool.spooled(folder, dict, [("title", "Ünïcode ✓"), ("ids", [1, 2, 3])])
    assert os.path.dirname(path) == folder
    assert spool.unspooled(path) == {"title": "Ünïcode ✓", "ids": [1, 2, 3]}
    assert os.listdir(folder) == []
    spool.remove(folder)
    assert os.listdir(tmp_path) == []


def test_the_folder_of_a_run_whose_process_is_gone_is_removed_by_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "MEMORY_FOLDER", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    gone = tmp_path / f"{spool.PREFIX}{ended.stdout.strip()}-x1y2"  # a run killed with its results in flight
    gone.mkdir()
    (gone / "left.pickle").write_bytes(b"half a result")
    running = tmp_path / f"{spool.PREFIX}{os.getppid()}-a1b2"  # a run still going: not ours to touch
    running.mkdir()
    other = tmp_path / "someone-elses"
    other.mkdir()
    folder = spool.new_folder()
    assert not gone.exists() and running.exists() and other.exists()
    assert os.path.basename(folder).startswith(f"{spool.PREFIX}{os.getpid()}-")
