"""One writer at a time, across threads and processes.

Whoosh has its own writer lock inside the index folder, but Kennisbank needs
a lock that outlives one index folder: a rebuild writes a new folder and
swaps it in, and an outbox drain must not read the database, then wait, then
write what it read over a newer change. So the whole read-database-then-write
step runs under this lock, a ``flock`` on a file next to the index folders.

``flock`` is released by the kernel when a process dies, so a crash never
leaves the index locked. Threads of one process share one lock object (a
reentrant lock in front of the file lock), because ``flock`` on two file
descriptors of one process would block each other, and reentry lets a
rebuild call code that takes the lock again.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .backend import SearchUnavailable

POLL_SECONDS = 0.02

_registry: dict[str, WriteLock] = {}
_registry_lock = threading.Lock()


class WriteLock:
    """A reentrant, inter-process exclusive lock on ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def hold(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock; raise ``SearchUnavailable`` after ``timeout`` seconds
        (``None`` waits for ever)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else timeout):
            raise SearchUnavailable("the search index is being written by another thread")
        try:
            if self._depth == 0:
                self._acquire_file(deadline)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release_file()
        finally:
            self._thread_lock.release()

    def _acquire_file(self, deadline: float | None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    raise SearchUnavailable(
                        "the search index is being written by another process"
                    ) from None
                time.sleep(POLL_SECONDS)
                continue
            self._fd = fd
            return

    def _release_file(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def write_lock(path: Path) -> WriteLock:
    """The process-wide lock object for ``path`` (one per file, shared by threads)."""
    key = str(path.resolve())
    with _registry_lock:
        if key not in _registry:
            _registry[key] = WriteLock(Path(key))
        return _registry[key]
