"""Child pages on every core: a forked worker process renders children beside the report's own.

A caseload report spends most of its time on the child pages, one child at a time, on one
core of the Python interpreter. Where the platform forks cheaply and safely (Linux), the report
forks workers once every table is computed: a forked worker inherits the loaded data as it
stands (copy-on-write, nothing re-read or re-sent), claims the next child from a shared
counter, renders its page and writes it, and sends the parent only what the parent gathers
(the section tables, caseload cells and flags: small). The parent claims children from the
same counter, so a slow child never leaves one core idle while the other waits.

Results are put back in the order of the children, so the report is byte-for-byte the one a
single process writes. A worker that fails (a section raising, the process killed) costs
time, not the report: the parent renders every child whose result did not arrive itself, so
a section's error surfaces in the parent as in a single process.

Elsewhere (macOS, where forking a process that may have loaded system frameworks is unsafe,
and Windows, which cannot fork) the children are rendered in the report's own process, and
the report is the same.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_DONE = "done"
_RESULT = "result"


def fork_cores() -> int:
    """The cores this process may use where forking is safe (Linux), else 1."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_workers() -> int:
    """Processes to render with: :func:`fork_cores`, or 1 in a process running another
    thread (a fork copies only the calling thread, and a lock another thread held would stay
    locked in the copy)."""
    return 1 if threading.active_count() > 1 else fork_cores()


class _Results(Generic[R]):
    """What the workers sent, gathered by one thread per worker (a worker never blocks on a
    full pipe while the parent renders)."""

    def __init__(self, on_result: Callable[[str], None]) -> None:
        self.by_key: dict[str, R] = {}
        self._lock = threading.Lock()
        self._on_result = on_result

    def gather(self, conn: Any) -> None:
        """Read one worker's messages until it is done or gone."""
        while True:
            try:
                kind, key, value = conn.recv()
            except (EOFError, OSError):  # the worker ended without saying it was done
                return
            if kind == _DONE:
                return
            self.by_key[key] = value
            self.done(key)

    def done(self, key: str) -> None:
        """Tell ``on_result`` of one more key (from one thread at a time)."""
        with self._lock:
            self._on_result(key)


def render_all(keys: Sequence[str], render: Callable[[str], R],
               on_result: Callable[[str], None] = lambda key: None,
               workers: int | None = None, before: Callable[[], None] = lambda: None
               ) -> list[R]:
    """``[render(k) for k in keys]``, spread over ``workers`` processes (``None``: see
    :func:`default_workers`); ``on_result(key)`` is called as each one is done (in either
    process, from one thread at a time), and ``before()`` runs in this process while the
    workers start on the first keys. ``render`` must be safe to run in a forked copy of this
    process: it may write its own files but must not change what the others read."""
    n = len(keys)
    count = default_workers() if workers is None else max(1, workers)
    count = min(count, n)
    claimed = None
    if count > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        try:
            claimed = ctx.Value("i", 0)  # shared memory and a semaphore (/dev/shm)
        except OSError:
            claimed = None  # a system without them: one process, the same report
    if claimed is None:
        before()
        out = []
        for k in keys:
            out.append(render(k))
            on_result(k)
        return out

    def claim() -> int:
        with claimed.get_lock():
            i = int(claimed.value)
            claimed.value = i + 1
        return i

    def work(conn: Any) -> None:
        # A forked worker: claim, render, send, until every key is taken.
        try:
            while (i := claim()) < n:
                conn.send((_RESULT, keys[i], render(keys[i])))
            conn.send((_DONE, "", None))
        except BaseException:  # noqa: BLE001 - the parent renders what did not arrive
            pass
        finally:
            conn.close()

    results: _Results[R] = _Results(on_result)
    procs: list[Any] = []
    threads: list[threading.Thread] = []
    own: dict[str, R] = {}
    try:
        conns = []
        # Every worker is forked before any thread starts: a fork copies only the thread
        # that calls it, so no lock can be copied while another thread holds it.
        for _ in range(count - 1):
            recv, send = ctx.Pipe(duplex=False)
            p = ctx.Process(target=work, args=(send,), daemon=True)
            p.start()
            send.close()
            procs.append(p)
            conns.append(recv)
        for recv in conns:
            t = threading.Thread(target=results.gather, args=(recv,), daemon=True)
            t.start()
            threads.append(t)
        before()
        while (i := claim()) < n:
            own[keys[i]] = render(keys[i])
            results.done(keys[i])
        for t in threads:
            t.join()
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
    out = []
    for k in keys:
        if k in own:
            out.append(own[k])
        elif k in results.by_key:
            out.append(results.by_key[k])
        else:
            # A worker claimed it and failed or was killed: rendered here, so an error
            # the render has is raised in this process, as without workers.
            out.append(render(k))
            results.done(k)
    return out
