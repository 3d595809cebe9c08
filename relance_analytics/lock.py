"""One run at a time per workspace: an exclusive, non-blocking lock file (released on exit,
also when the process is killed, because the OS drops ``flock`` locks of a dead process)."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class WorkspaceBusy(RuntimeError):
    """Another process holds the workspace lock; ``holder`` is its pid text (may be empty)."""

    def __init__(self, workspace: Path, holder: str):
        self.workspace, self.holder = workspace, holder
        who = f" (process {holder})" if holder else ""
        super().__init__(f"another run is already using the workspace {workspace}{who}; "
                         "wait for it to finish, then start again")


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
