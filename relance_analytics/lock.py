"""One run at a time per workspace: an exclusive, non-blocking lock file (released on exit,
also when the process is killed, because the OS drops ``flock`` locks of a dead process)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WorkspaceBusy


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (another user's counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_leftovers(folder: Path, prefix: str) -> list[Path]:
    """Entries of ``folder`` named ``<prefix><pid>`` whose process no longer runs (left by a
    killed writer), oldest name first."""
    if not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.glob(f"{prefix}*")):
        pid = entry.name[len(prefix):].split(".")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            found.append(entry)
    return found


@contextmanager
def workspace_lock(workspace: Path) -> Iterator[None]:
    """Hold ``<workspace>/.lock`` for the duration of the block or raise :class:`WorkspaceBusy`."""
    workspace.mkdir(parents=True, exist_ok=True)
    path = workspace / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = path.read_text(encoding="ascii", errors="replace").strip()
            raise WorkspaceBusy(workspace, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
