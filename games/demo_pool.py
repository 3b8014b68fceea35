"""``finemotor demo-data --jobs N``: the children written by N worker processes.

Each worker (a ``forkserver`` process, or ``spawn`` where there is none) writes whole
children (:func:`games.demo_data.write_child`), each into its own folder, so no two processes
ever write the same file; the roster was written by the parent before. Workers tell the parent
of each session written through a queue (the parent draws the progress line and calls the
callbacks), record with their own :class:`WriteBatch` without syncing, and hand the parent the
folders written, which the parent's batch syncs once at the end.

Ctrl-C: the terminal sends it to every process; workers ignore it and stop after their
session when the parent sets the shared stop event (and when the parent is gone).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from games.demo_data import ChildDone, ChildJob, write_child
from telemetry.recorder import WriteBatch

_queue: Any = None
_stop: Any = None
_parent = 0


def _init(q: Any, stop: Any) -> None:
    """A worker's start: Ctrl-C is the parent's to handle; remember the queue, the event and
    the process that started it (the forkserver, which ends with the demo's process)."""
    global _queue, _stop, _parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _queue, _stop, _parent = q, stop, os.getppid()


def _stopping() -> bool:
    return bool(_stop.is_set()) or os.getppid() != _parent


def _run(job: ChildJob, batched: bool) -> tuple[ChildDone, list[Path], list[Path]]:
    """One child in a worker: what it wrote, and the folders its batch noted."""
    batch = WriteBatch() if batched else None
    try:
        done = write_child(job, batch, _stopping, lambda: _queue.put(job.index))
    finally:
        _queue.put(None)  # wakes the parent to look at the futures
    sessions, folders = batch.noted() if batch is not None else ([], [])
    return done, sessions, folders


def _context() -> Any:
    methods = mp.get_all_start_methods()
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


def run_jobs(jobs_list: list[ChildJob], workers: int, batched: bool, batch: WriteBatch | None,
             stop_requested: Callable[[], bool], session_done: Callable[[int], None],
             child_done: Callable[[ChildDone], None]) -> None:
    """Write ``jobs_list`` in ``workers`` processes, in order; returns when all are done or,
    once ``stop_requested()``, when the running ones have finished their session."""
    ctx = _context()
    q, stop = ctx.Queue(), ctx.Event()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init,
                               initargs=(q, stop))
    pending: set[Future[Any]] = set()
    try:
        pending = {pool.submit(_run, job, batched) for job in jobs_list}
        while pending:
            if stop_requested() and not stop.is_set():
                stop.set()
                for f in pending:
                    f.cancel()
            try:
                index = q.get(timeout=0.2)
                if index is not None:
                    session_done(index)
            except queue_mod.Empty:
                pass
            finished, pending = wait(pending, timeout=0, return_when=FIRST_COMPLETED)
            for f in finished:
                if f.cancelled():
                    continue
                done, sessions, folders = f.result()
                _drain(q, session_done)
                if batch is not None:
                    for folder in sessions:
                        batch.add_session(folder, folders)
                child_done(done)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        _drain(q, session_done)


def _drain(q: Any, session_done: Callable[[int], None]) -> None:
    """Count the sessions the queue still holds."""
    while True:
        try:
            index = q.get(timeout=0.05)
        except queue_mod.Empty:
            return
        if index is not None:
            session_done(index)
