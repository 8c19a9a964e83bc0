"""Who holds a claim (a source's lease, a window of entries to enrich): host, pid and a random part."""

from __future__ import annotations

import os
import socket
import uuid


def new_owner() -> str:
    """A name for this process's claims: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_gone_local(owner: str) -> bool:
    """Is `owner` a process of this host that no longer runs (killed, crashed)? Then its claims need not run out.

    One on another host, or whose pid still runs, keeps its claims until they expire (a reused pid only makes
    us wait, as for a remote owner)."""
    owner_host, pid, _ = (owner.rsplit(":", 2) + ["", ""])[:3]
    return owner_host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
