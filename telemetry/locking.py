"""OS file locks around every read-modify-write of a shared file (roster, settings, progress).

Two ``finemotor`` processes (two ``children add`` at once, the game and the CLI, a therapist's
laptop and a synced folder) must never both read a file, change their copy and write it back:
the last writer would win and the other change would be lost. :func:`locked` serialises them::

    from telemetry.locking import locked

    with locked(path):          # path: the shared file itself, e.g. <data>/children.csv
        data = read(path)       # read, change and write back while holding the lock
        atomic_write_bytes(path, change(data))

The lock is taken on a sidecar file ``.<name>.lock`` beside ``path`` (the shared file itself
is replaced atomically by a rename, so a lock on its inode would guard a file that no longer
is the live one). POSIX: ``fcntl.flock``; Windows: ``msvcrt.locking`` on the sidecar's first
byte. Either way the kernel drops the lock when the process dies, so a crash never leaves a
stale lock, and a lock excludes other threads of the same process too (each ``locked`` opens
its own descriptor). The sidecar is created 0600 and never deleted: removing a lock file races
with a process that has just opened it. Nested ``locked`` calls on one path in one thread are
re-entrant. Readers that only read need no lock: every writer replaces the file atomically.

The Windows branch runs in the tests against a stand-in ``msvcrt`` (a real byte-range lock) and
is type-checked with ``mypy --platform win32 --strict telemetry/locking.py``.

Pure Python (no pygame, no pandas): the launcher uses it on the play path.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from telemetry.errors import UsageError


class _Msvcrt(Protocol):
    """The part of Windows' ``msvcrt`` module used here (the real module satisfies it)."""

    LK_NBLCK: int
    LK_UNLCK: int

    def locking(self, fd: int, mode: int, nbytes: int, /) -> None: ...


_msvcrt: _Msvcrt | None = None
if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    _msvcrt = msvcrt
else:
    import fcntl

LOCK_TIMEOUT_S = 30.0
FILE_MODE = 0o600
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation on the sidecar
# Polling interval bounds while another process holds the lock: short first (a roster write
# takes a few ms), never long enough for a person to notice.
_FIRST_WAIT_S = 0.0005
_MAX_WAIT_S = 0.02

_forced_backend: str | None = None
_held = threading.local()  # per thread: {sidecar path: nesting depth}


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The sidecar lock file guarding ``path``: ``.<name>.lock`` in the same folder."""
    path = Path(path)
    return path.parent / f".{path.name}.lock"


def _backend() -> str:
    """``posix`` (fcntl) or ``windows`` (msvcrt); tests set ``_forced_backend`` to run the
    Windows branch against a stand-in ``msvcrt``."""
    if _forced_backend is not None:
        return _forced_backend
    return "windows" if sys.platform == "win32" else "posix"


def _try_lock(fd: int, backend: str) -> bool:
    """Try once to take the exclusive lock on ``fd``; False if another holder has it."""
    if backend == "posix":
        return _try_flock(fd)
    if _msvcrt is None:
        raise OSError("no file locking available on this platform (neither fcntl nor msvcrt)")
    # msvcrt locks a byte range from the current position: always byte 0 (it may lie past the
    # end of the empty sidecar; Windows allows that). LK_NBLCK raises at once if taken.
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        _msvcrt.locking(fd, _msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _try_flock(fd: int) -> bool:
    if sys.platform != "win32":
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    raise OSError("fcntl.flock is not available on Windows")  # pragma: no cover


def _unlock(fd: int, backend: str) -> None:
    if backend == "posix":
        if sys.platform != "win32":
            fcntl.flock(fd, fcntl.LOCK_UN)
        return
    assert _msvcrt is not None
    os.lseek(fd, 0, os.SEEK_SET)
    _msvcrt.locking(fd, _msvcrt.LK_UNLCK, 1)


@contextlib.contextmanager
def locked(path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[Path]:
    """Hold the exclusive lock guarding ``path`` for the ``with`` block; yields the sidecar.

    ``path``'s folder must exist (callers create it first, so they can fsync what they made).
    Waits up to ``timeout`` seconds for another holder, then raises :class:`UsageError`
    naming the file. Re-entrant within one thread.
    """
    sidecar = lock_path(path)
    key = os.path.abspath(sidecar)
    depths: dict[str, int] = getattr(_held, "depths", None) or {}
    _held.depths = depths
    if depths.get(key):
        depths[key] += 1
        try:
            yield sidecar
        finally:
            depths[key] -= 1
        return
    backend = _backend()
    fd = os.open(sidecar, os.O_RDWR | os.O_CREAT | _O_CLOEXEC | _O_BINARY, FILE_MODE)
    try:
        deadline = time.monotonic() + timeout
        wait = _FIRST_WAIT_S
        while not _try_lock(fd, backend):
            if time.monotonic() >= deadline:
                raise UsageError(
                    f"{Path(path)} is being changed by another finemotor process and stayed "
                    f"locked for {timeout:g} s (lock file {sidecar}): try again when it is done"
                )
            time.sleep(wait)
            wait = min(wait * 2, _MAX_WAIT_S)
        depths[key] = 1
        try:
            yield sidecar
        finally:
            depths.pop(key, None)
            _unlock(fd, backend)
    finally:
        os.close(fd)
