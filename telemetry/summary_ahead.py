"""The summary cache's checks done ahead, in a forked helper, while the report imports pandas.

Before a report can use a child's summary cache (:mod:`telemetry.summary_cache`) it takes the
key of every session folder (a ``stat`` of three files each: 17,874 for a caseload's year)
and checks the cache file's crc32 (140 MB for 40 children). Both wait on the disk when it is
cold and otherwise use a core; meanwhile ``finemotor report`` spends more than half a second
importing pandas on one core. :func:`start`, called by the command before that import, forks
a helper that lists each child's session folders, takes their keys and reads and checks each
cache file; :func:`take` gives one child's findings to the loader (once), which then stats
only the folders the helper did not see and reads a cache file without checking its crc32
again when it is the very file the helper checked (same inode, size, ``st_mtime_ns`` and
``st_ctime_ns``; any other file is checked as usual).

Never trusted over the files any more than the loader's own look: the keys are taken before
any session file is read, as the loader's are, and a session changed after the helper's look
is read again by the next report. The helper reads and writes nothing else, and the report is
the same with it or without it.

Forked only where forking is safe (``report_workers.default_workers``: Linux, no other
Python thread, no pygame) and useful (two cores or more); elsewhere :func:`start` does nothing
and the loader does it all itself. A helper that fails or is not done within ``STALL_S``
seconds is killed and its children are looked at by the loader. Pure Python.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from telemetry.report_workers import default_workers, flush_output
from telemetry.summary_cache import cache_path, folder_key
from telemetry.summary_file import Key, read_whole

STALL_S = 30.0  # the helper takes well under a second for a caseload's year
_THREADS = 4  # folders stat'ed at once: on a cold disk four take half the time of one


@dataclass(frozen=True)
class Ahead:
    """What the helper found for one child folder: every session folder's key by name, and
    the identity (inode, size, mtime_ns, ctime_ns) of its cache file when that file is
    whole (crc32 right), else None."""

    keys: dict[str, Key]
    whole: tuple[int, int, int, int] | None


@dataclass
class _Helper:
    pid: int
    fd: int
    owner: int  # the process that started it: a forked copy of it never takes its findings
    found: dict[str, Ahead] | None = None


_helper: _Helper | None = None
_taking = threading.Lock()  # the loader takes from several threads


def identity(st: os.stat_result) -> tuple[int, int, int, int]:
    """A file's identity: the same values mean the same bytes (files are replaced, not
    rewritten in place, and writing changes the mtime)."""
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def look(child_dir: str) -> Ahead:
    """Take the keys of the session folders in ``child_dir`` and check its cache file."""
    try:
        with os.scandir(child_dir) as it:
            paths = sorted((e.name, e.path) for e in it
                           if not e.name.startswith(".") and e.is_dir())
    except OSError:
        paths = []
    keys = {name: folder_key(path) for name, path in paths}
    path = cache_path(child_dir)
    whole = None
    try:
        before = os.stat(path)
        if read_whole(path) is not None and identity(os.stat(path)) == identity(before):
            whole = identity(before)
    except OSError:
        pass
    return Ahead(keys, whole)


def _run(child_dirs: list[str], fd: int) -> None:
    """The helper: look at every child folder, send the findings pickled, end."""
    with ThreadPoolExecutor(_THREADS) as pool:
        found = dict(zip(child_dirs, pool.map(look, child_dirs), strict=True))
    data = memoryview(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data):]


def start(data_dir: str | os.PathLike[str], child_ids: list[str] | None = None) -> bool:
    """Fork the helper for the children of ``data_dir`` (``child_ids``, or every child
    folder) where that is safe and useful; True when it was started."""
    global _helper
    if _helper is not None and _helper.owner == os.getpid():
        if _helper.found is None:
            _collect(_helper)  # an earlier helper whose findings were not taken: reap it
        _helper = None
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
    read_fd, write_fd = os.pipe()
    flush_output()
    gc.freeze()  # the helper never finalises this process's objects
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the helper
        code = 1
        try:
            os.close(read_fd)
            _run(child_dirs, write_fd)
            code = 0
        finally:
            os._exit(code)  # no atexit, no flushing of the parent's buffers
    os.close(write_fd)
    _helper = _Helper(pid, read_fd, os.getpid())
    return True


def _collect(helper: _Helper) -> dict[str, Ahead]:
    """The helper's findings (waiting for them up to ``STALL_S``); {} when it failed."""
    chunks: list[bytes] = []
    found: dict[str, Ahead] = {}
    try:
        while True:
            ready, _, _ = select.select([helper.fd], [], [], STALL_S)
            if not ready:
                raise TimeoutError("the summary helper is stuck")
            chunk = os.read(helper.fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        got = pickle.loads(b"".join(chunks))
        if isinstance(got, dict):
            found = got
    except (OSError, TimeoutError, pickle.UnpicklingError, EOFError, ValueError):
        with contextlib.suppress(OSError):
            os.kill(helper.pid, signal.SIGKILL)
    finally:
        os.close(helper.fd)
        with contextlib.suppress(OSError):
            os.waitpid(helper.pid, 0)
    return found


def take(child_dir: str) -> Ahead | None:
    """The helper's findings for ``child_dir`` (once; None when there is no helper, it did
    not look at that folder or it failed)."""
    with _taking:
        helper = _helper
        if helper is None or helper.owner != os.getpid():
            return None
        if helper.found is None:
            helper.found = _collect(helper)
        return helper.found.pop(os.path.abspath(child_dir), None)
