"""A lease whose process is gone from this host is freed at once; any other lease runs its course."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime

from blogreader.store import Store
from blogreader.worker import release_dead_local_leases


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_the_leases_of_a_gone_local_process_are_freed(tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)
    host = socket.gethostname()
    owners = {
        "gone": f"{host}:{_dead_pid()}:aaaa",
        "alive": f"{host}:{os.getpid()}:bbbb",
        "remote": f"another-host.example:{_dead_pid()}:cccc",
        "plain": "worker-a",
    }
    with Store.open(tmp_path / "library.db") as store:
        ids = {}
        for name, owner in owners.items():
            source, _ = store.add_source(f"https://{name}.example/feed.xml", "feed")
            assert store.claim_source(source.id, owner, now, 600) is not None
            ids[name] = source.id

        assert release_dead_local_leases(store, now) == 1
        holders = {name: store.poll_states()[source_id].lease_owner for name, source_id in ids.items()}
    assert holders == {"gone": None, "alive": owners["alive"], "remote": owners["remote"], "plain": "worker-a"}
