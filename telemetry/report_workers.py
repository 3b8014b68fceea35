"""Child pages on every core: a forked worker process renders children beside the report's own.

A caseload report spends most of its time on the child pages, one child at a time, on one
core of the Python interpreter. Where the platform forks cheaply and safely (Linux), the report
forks workers once every table is computed: a forked worker inherits the loaded data as it
stands (copy-on-write, nothing re-read or re-sent), renders the children the parent hands it
one at a time and writes their pages, and sends the parent only what the parent gathers (the
section tables, caseload cells and flags: small). The parent hands out the next child to
whichever process is free, itself included, so a slow child never leaves a core idle.

The parent holds every piece of bookkeeping; a worker holds no lock the parent needs. A worker
that fails (a section raising, the process killed) or goes silent for ``stall_s`` seconds
(it is then killed) costs time, not pages: the parent renders every child whose result did not
arrive itself, so a section's error surfaces in the parent as in a single process. Results are
put back in the order of the children, so the report is byte-for-byte the one a single
process writes.

Forking is done only where it is safe: on Linux, from a process running no other Python
thread and without pygame loaded (SDL's audio and event threads hold mutexes a forked copy
could wait on forever; a report process never loads pygame). The objects alive at the fork
are frozen out of the collector (``gc.freeze``), so a worker never finalises the parent's
objects. Elsewhere (macOS, where forking a process that may hold system frameworks is unsafe,
and Windows, which cannot fork) the children are rendered in the report's own process, and
the report is the same.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")

STALL_S = 60.0  # a worker silent this long is stuck: a child's page takes well under a second


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
    Python thread or with pygame loaded (a fork copies only the calling thread: a lock
    another thread held stays locked in the copy)."""
    if threading.active_count() > 1 or "pygame" in sys.modules:
        return 1
    return fork_cores()


class _Dispatch:
    """The parent's bookkeeping: which key is next, what came back, progress (one lock)."""

    def __init__(self, keys: Sequence[str], on_result: Callable[[str], None]) -> None:
        self.keys = keys
        self.next = 0
        self.results: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.on_result = on_result

    def claim(self) -> int | None:
        """The index of the next key nobody took yet, or None."""
        with self.lock:
            if self.next >= len(self.keys):
                return None
            self.next += 1
            return self.next - 1

    def done(self, key: str, value: Any = None, from_worker: bool = False) -> None:
        """Record a result (a worker's) and tell ``on_result``."""
        with self.lock:
            if from_worker:
                self.results[key] = value
            self.on_result(key)

    def serve(self, inbox: Any, outbox: Any, proc: Any, stall_s: float) -> None:
        """Hand one worker its keys and take its results until it is done, gone or stuck."""
        try:
            while True:
                if not inbox.poll(stall_s):
                    proc.kill()  # stuck: its key is rendered by the parent at the end
                    return
                kind, key, value = inbox.recv()
                if kind == "result":
                    self.done(key, value, from_worker=True)
                i = self.claim()
                outbox.send(i)
                if i is None:
                    return
        except (EOFError, OSError):  # the worker ended (failed or was killed)
            return


def _work(inbox: Any, outbox: Any, keys: Sequence[str], render: Callable[[str], Any]) -> None:
    """A forked worker: ask for a key, render it, send the result, until told to stop."""
    try:
        outbox.send(("ready", "", None))
        while (i := inbox.recv()) is not None:
            outbox.send(("result", keys[i], render(keys[i])))
    except BaseException:  # noqa: BLE001 - the parent renders what did not arrive
        pass
    finally:
        outbox.close()


def flush_output() -> None:
    """Write out what this process has buffered for its output before a fork: a forked
    process flushes its streams as it ends, which would print that text twice."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _pipe() -> tuple[Any, Any]:
    """A one-way pipe between forked processes: (the end to read, the end to write)."""
    from multiprocessing import Pipe

    return Pipe(duplex=False)


def _processes(workers: int | None) -> int:
    """Processes allowed: ``workers`` (at least 1), or :func:`default_workers` for None."""
    return default_workers() if workers is None else max(1, workers)


def _fork(target: Callable[..., None], args: tuple[Any, ...]) -> Any:
    """Start ``target(*args)`` in a forked copy of this process (a daemon): buffered output
    written out first, and the objects alive now frozen out of the copy's collections, so it
    never finalises this process's objects."""
    import multiprocessing

    flush_output()
    gc.freeze()
    try:
        proc = multiprocessing.get_context("fork").Process(target=target, args=args,
                                                            daemon=True)
        proc.start()
    finally:
        gc.unfreeze()
    return proc


def _compute(outbox: Any, work: Callable[[], Any]) -> None:
    """A forked process: send ``(True, work())``, or ``(False, None)`` when it raised."""
    try:
        outbox.send((True, work()))
    except BaseException:  # noqa: BLE001 - the parent computes it again and sees the error
        with contextlib.suppress(BaseException):
            outbox.send((False, None))
    finally:
        outbox.close()


def start_beside(work: Callable[[], R], workers: int | None = None,
                 stall_s: float = STALL_S) -> Callable[[], R]:
    """Start ``work()`` in a forked process while this one goes on (where ``workers``, as
    for :func:`render_all`, allows a second process), and return a function giving its
    value: the forked process's result, sent back pickled, or, when that process failed,
    died or stayed silent ``stall_s`` seconds, ``work()`` computed here (so an error is
    raised here, as without the fork). Without a fork, ``work()`` runs when the value is
    asked for. ``work`` must not change what this process reads."""
    if _processes(workers) < 2:
        return work
    inbox, outbox = _pipe()
    proc = _fork(_compute, (outbox, work))
    outbox.close()

    def value() -> R:
        try:
            if inbox.poll(stall_s):
                ok, got = inbox.recv()
                if ok:
                    return got  # type: ignore[no-any-return]
        except (EOFError, OSError):
            pass  # the process ended without a result
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            inbox.close()
        return work()

    return value


def _nothing() -> None:
    """The default ``before``: no work to do beside the workers."""


def render_all(keys: Sequence[str], render: Callable[[str], R],
               on_result: Callable[[str], None] = lambda key: None,
               workers: int | None = None, before: Callable[[], None] = _nothing,
               stall_s: float = STALL_S) -> list[R]:
    """``[render(k) for k in keys]``, spread over ``workers`` processes (``None``: see
    :func:`default_workers`); ``on_result(key)`` is called as each one is done (from one
    thread at a time, in this process), and ``before()`` runs in this process while the
    workers start on the first keys (so even a single key goes to a worker when there is a
    ``before``: one child's page is drawn while this process writes the summary CSVs).
    ``render`` must be safe to run in a forked copy of this process: it may write its own
    files but must not change what the others read."""
    count = min(_processes(workers), len(keys) + (0 if before is _nothing else 1))
    if count < 2:
        before()
        alone = []
        for k in keys:
            alone.append(render(k))
            on_result(k)
        return alone
    dispatch = _Dispatch(keys, on_result)
    procs: list[Any] = []
    threads: list[threading.Thread] = []
    own: dict[str, R] = {}
    try:
        pairs = []
        # Every worker is forked before any thread starts here.
        for _ in range(count - 1):
            # Two one-way pipes: keys to the worker, results back.
            keys_in, keys_out = _pipe()
            results_in, results_out = _pipe()
            p = _fork(_work, (keys_in, results_out, keys, render))
            keys_in.close()
            results_out.close()
            procs.append(p)
            pairs.append((results_in, keys_out, p))
        for inbox, outbox, p in pairs:
            t = threading.Thread(target=dispatch.serve, args=(inbox, outbox, p, stall_s),
                                 daemon=True)
            t.start()
            threads.append(t)
        before()
        while (i := dispatch.claim()) is not None:
            own[keys[i]] = render(keys[i])
            dispatch.done(keys[i])
        for t in threads:
            t.join()
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
    out: list[R] = []
    for k in keys:
        if k in own:
            out.append(own[k])
        elif k in dispatch.results:
            out.append(dispatch.results[k])
        else:
            # A worker took it and failed, was killed or got stuck: rendered here, so an
            # error the render has is raised in this process, as without workers.
            out.append(render(k))
            dispatch.done(k)
    return out
