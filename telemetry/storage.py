"""Owner-only files and folders, atomic replaces with fsync, and the session lock.

Everything the telemetry writes goes through here so that privacy (0600 files, 0700 folders)
and durability (fsync of the file *and* of its folder) are decided in one place. Pure Python:
no pygame, no pandas (this module is on the play path).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from telemetry.errors import UsageError

try:  # POSIX only; Windows falls back to an O_EXCL lock file
    import fcntl
except ImportError:  # pragma: no cover - exercised on Windows only
    fcntl = None  # type: ignore[assignment]

DATA_ENV = "FINEMOTOR_DATA"
DIR_MODE = 0o700
FILE_MODE = 0o600
LOCK_NAME = ".lock"


def default_data_dir() -> Path:
    """The data folder: ``$FINEMOTOR_DATA`` if set, else the platform's per-user data folder."""
    env = os.environ.get(DATA_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs  # imported late: only needed when no folder is given

    return Path(platformdirs.user_data_dir("finemotor"))


def ensure_private_dir(
    path: str | os.PathLike[str], *, created: list[Path] | None = None
) -> Path:
    """Create ``path`` (and missing parents) readable by the owner only; tighten it if it exists.

    Only the folders this call creates get 0700, plus ``path`` itself: an existing parent such
    as the user's home is none of our business. No fsync (it runs on the game loop); the
    folders it made are appended to ``created`` (outermost first) so the caller can make
    their entries durable with :func:`fsync_parents` where waiting is fine.
    """
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # another process made it first: theirs to fsync
            pass
        else:
            if created is not None:
                created.append(folder)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is masked by the umask
    if not path.is_dir():
        raise UsageError(f"not a folder: {path}")
    if (path.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path


def open_private_append(path: str | os.PathLike[str]) -> int:
    """Open ``path`` for appending (created 0600 if missing) and return the raw descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_CLOEXEC, FILE_MODE)
    try:
        # The umask can only remove bits, but a file made earlier by other means may be wider.
        if (os.fstat(fd).st_mode & 0o777) != FILE_MODE:
            os.fchmod(fd, FILE_MODE) if hasattr(os, "fchmod") else os.chmod(path, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """fsync a folder so a new or renamed entry in it survives a power cut (no-op off POSIX)."""
    if sys.platform.startswith("win"):  # pragma: no cover - folders cannot be opened there
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_parents(folders: list[Path]) -> None:
    """fsync the folder holding each of ``folders`` (once each), so their entries are durable.

    A new folder's own fsync does not persist its name: that lives in its parent.
    """
    done: set[Path] = set()
    for folder in folders:
        parent = folder.parent
        if parent not in done:
            done.add(parent)
            fsync_dir(parent)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data``; a short write (disk nearly full) continues where it stopped."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, durable: bool = True
) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old or the new file, never a mix.

    The temporary file lives in the same folder (``os.replace`` is atomic only within one file
    system), is created 0600, is fsynced before the rename, and the folder is fsynced after it.
    ``durable=False`` skips both fsyncs (still atomic for readers and a killed process, not for
    a power cut): only for batched made-up data that is synced later
    (:class:`telemetry.recorder_batch.WriteBatch`).
    """
    path = Path(path)
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, FILE_MODE)  # mkstemp already uses 0600; be explicit for odd platforms
        write_all(fd, data)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(folder)


def atomic_write_json(path: str | os.PathLike[str], obj: Any, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``obj`` as indented UTF-8 JSON (newline at the end);
    ``durable`` as for :func:`atomic_write_bytes`."""
    text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


class SessionLock:
    """An exclusive, non-blocking lock on a folder, so two processes never write one session.

    POSIX: ``fcntl.flock`` on ``<folder>/.lock`` (the kernel drops it when the process dies, so
    a crash never leaves a stale lock). Elsewhere: the lock file is created with ``O_EXCL`` and
    removed on release (a crash leaves it behind; delete it by hand).
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> SessionLock:
        """Take the lock or raise :class:`UsageError` at once if another writer holds it."""
        if self._fd is not None:
            return self
        if fcntl is None:  # pragma: no cover - Windows
            self._fd = self._acquire_excl()
            return self
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _O_CLOEXEC, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise UsageError(self._taken_message()) from None
            except BaseException:
                os.close(fd)
                raise
            # The previous holder may have unlinked the file between our open and our flock:
            # then we locked an orphan, so try again on the file that is really there.
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return self
            os.close(fd)

    def _acquire_excl(self) -> int:  # pragma: no cover - Windows
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            raise UsageError(self._taken_message()) from None

    def _taken_message(self) -> str:
        return (
            f"session folder is in use by another finemotor process: {self.folder} "
            f"(lock file {self.path})"
        )

    def release(self) -> None:
        """Drop the lock and remove the lock file; calling it twice is harmless."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if fcntl is None:  # pragma: no cover - Windows cannot unlink an open file
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            return
        # Unlink while still holding the lock, so nobody can lock the file we are removing
        # and believe it is the live one (acquire() checks the inode for that reason).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(fd)

    def __enter__(self) -> SessionLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire_lock(folder: str | os.PathLike[str]) -> SessionLock:
    """Lock ``folder`` for writing; raise :class:`UsageError` if another writer holds it."""
    return SessionLock(folder).acquire()
