"""The summary cache's checks done ahead, in a forked helper, while the report imports pandas.

Before a report can use a child's summary cache (:mod:`telemetry.summary_cache`) it takes the
key of every session folder (a ``stat`` of three files each: 17,874 for a caseload's year)
and checks the cache file's crc32 (140 MB for 40 children). Both wait on the disk when it is
cold and otherwise use a core; meanwhile ``finemotor report`` spends more than half a second
importing pandas on one core. :func:`start`, called by the command before that import, forks
a helper that lists each child's session folders (those of the report's period), takes their
keys and reads and checks each cache file, sending each child's findings as soon as they are
ready; :func:`take` gives one child's findings to the loader (once), which then stats
only the folders the helper did not see and reads a cache file without checking its crc32
again when it is the very file the helper checked (same inode, size, ``st_mtime_ns`` and
``st_ctime_ns``; any other file is checked as usual).

Never trusted over the files any more than the loader's own look: the keys are taken before
any session file is read, as the loader's are, and a session changed after the helper's look
is read again by the next report. The helper reads and writes nothing else, and the report is
the same with it or without it.

Forked only where forking is safe (``report_workers.default_workers``: Linux, no other
Python thread, no pygame) and useful (two cores or more); elsewhere :func:`start` does nothing
and the loader does it all itself. A helper that fails, or sends nothing for ``STALL_S``
seconds, is killed and the loader looks at the children it had not sent; :func:`discard`
stops a helper whose findings are no longer wanted (the command calls it when the report
ends, also when it fails before asking). Pure Python.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import re
import select
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from telemetry.report_workers import default_workers, flush_output
from telemetry.summary_cache import cache_path, folder_key
from telemetry.summary_file import Key, read_whole, stat_key

STALL_S = 30.0  # the helper takes well under a second for a caseload's year
_THREADS = 4  # folders stat'ed at once: on a cold disk four take half the time of one


@dataclass(frozen=True)
class Ahead:
    """What the helper found for one child folder: every session folder's key by name, and
    the key of its cache file (``summary_file.stat_key``) when that file is whole (crc32
    right), else None."""

    keys: dict[str, Key]
    whole: tuple[int, int, int, int] | None


@dataclass
class _Helper:
    pid: int
    fd: int
    owner: int  # the process that started it: a forked copy of it never takes its findings
    found: dict[str, Ahead] = field(default_factory=dict)  # sent, not yet taken
    done: bool = False  # everything read (or the helper failed): the pipe is closed


_helper: _Helper | None = None
_taking = threading.Lock()  # the loader takes from several threads


def _in_period(name: str, since: str | None, until: str | None) -> bool:
    """Whether a session folder's name (its UTC start date first) is in the period, as the
    loader filters them."""
    day = name[:10]
    return not ((since is not None and day < since) or (until is not None and day > until))


def look(child_dir: str, since: str | None = None, until: str | None = None) -> Ahead:
    """Take the keys of the session folders in ``child_dir`` (those of the period) and check
    its cache file."""
    try:
        with os.scandir(child_dir) as it:
            paths = sorted((e.name, e.path) for e in it
                           if not e.name.startswith(".") and e.is_dir()
                           and _in_period(e.name, since, until))
    except OSError:
        paths = []
    keys = {name: folder_key(path) for name, path in paths}
    path = cache_path(child_dir)
    whole = None
    try:
        before = os.stat(path)
        if read_whole(path) is not None and stat_key(os.stat(path)) == stat_key(before):
            whole = stat_key(before)
    except OSError:
        pass
    return Ahead(keys, whole)


def _send(fd: int, payload: bytes) -> None:
    """One message: its length in 8 bytes, then the bytes."""
    data = memoryview(len(payload).to_bytes(8, "little") + payload)
    while data:
        data = data[os.write(fd, data):]


def _run(child_dirs: list[str], since: str | None, until: str | None, fd: int) -> None:
    """The helper: look at every child folder, sending each child's findings as soon as they
    are ready (in order), then an empty message."""
    with ThreadPoolExecutor(_THREADS) as pool:
        for child_dir, found in zip(
                child_dirs, pool.map(lambda d: look(d, since, until), child_dirs), strict=True):
            _send(fd, pickle.dumps((child_dir, found), protocol=pickle.HIGHEST_PROTOCOL))
    _send(fd, b"")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str | None) -> str | None:
    """A ``--since``/``--until`` day as the folder names spell it; None (no filter: the
    helper looks at more, never less) for anything else."""
    return text[:10] if text and _DAY.fullmatch(text[:10]) else None


def start(data_dir: str | os.PathLike[str], child_ids: list[str] | None = None,
          since: str | None = None, until: str | None = None) -> bool:
    """Fork the helper for the children of ``data_dir`` (``child_ids``, or every child
    folder) and the sessions of the period (``--since``/``--until`` days), where that is
    safe and useful; True when it was started."""
    global _helper
    discard()
    if default_workers() < 2:
        return False
    root = os.path.join(os.path.abspath(data_dir), "sessions")
    if child_ids is None:
        try:
            with os.scandir(root) as it:
                child_ids = sorted(e.name for e in it if e.is_dir())
        except OSError:
            return False
    child_dirs = [os.path.join(root, c) for c in child_ids]
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return False
    flush_output()
    gc.freeze()  # the helper never finalises this process's objects
    pid = -1
    try:
        pid = os.fork()
    except OSError:  # too many processes, no memory: the loader looks itself
        os.close(read_fd)
        os.close(write_fd)
        return False
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the helper
        code = 1
        try:
            os.close(read_fd)
            _run(child_dirs, _day(since), _day(until), write_fd)
            code = 0
        finally:
            os._exit(code)  # no atexit, no flushing of the parent's buffers
    os.close(write_fd)
    _helper = _Helper(pid, read_fd, os.getpid())
    return True


def _read_exactly(helper: _Helper, size: int) -> bytes:
    """``size`` bytes from the helper, each wait at most ``STALL_S``."""
    chunks: list[bytes] = []
    while size:
        ready, _, _ = select.select([helper.fd], [], [], STALL_S)
        if not ready:
            raise TimeoutError("the summary helper is stuck")
        chunk = os.read(helper.fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the summary helper ended early")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _next(helper: _Helper) -> bool:
    """Read the helper's next message into ``helper.found``; False when it has sent all (or
    failed: then it is stopped)."""
    try:
        size = int.from_bytes(_read_exactly(helper, 8), "little")
        if size:
            child_dir, found = pickle.loads(_read_exactly(helper, size))
            if isinstance(found, Ahead):
                helper.found[child_dir] = found
                return True
    except (OSError, TimeoutError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    _stop(helper)
    return False


def _stop(helper: _Helper) -> None:
    """End the helper (killed if it still runs) and close its pipe, once."""
    if helper.done:
        return
    helper.done = True
    with contextlib.suppress(OSError):
        os.kill(helper.pid, signal.SIGKILL)
    os.close(helper.fd)
    with contextlib.suppress(OSError):
        os.waitpid(helper.pid, 0)


def take(child_dir: str) -> Ahead | None:
    """The helper's findings for ``child_dir`` (once; None when there is no helper, it did
    not look at that folder or it failed). Waits only for the children before it."""
    want = os.path.abspath(child_dir)
    with _taking:
        helper = _helper
        if helper is None or helper.owner != os.getpid():
            return None
        while want not in helper.found and not helper.done and _next(helper):
            pass
        return helper.found.pop(want, None)


def discard() -> None:
    """Stop a helper whose findings are no longer wanted (the report ended, or failed before
    it asked): it is killed and reaped, its pipe closed."""
    global _helper
    with _taking:
        helper = _helper
        if helper is not None and helper.owner == os.getpid():
            _stop(helper)
        _helper = None
