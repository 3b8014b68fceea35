"""The durable session recorder: one folder per session, one row per ``os.write``, fsync off-thread.

The game calls :meth:`SessionRecorder.begin_trial`, feeds pointer samples with
:meth:`SessionRecorder.add_sample` (an append to a list, nothing more, so the frame loop never
waits), describes the geometry with :meth:`SessionRecorder.add_targets` and ends with
:meth:`SessionRecorder.finish_trial`. This module is the caller side (checks, trial numbers,
waiting); the writer thread (:mod:`telemetry.recorder_writer`, which says what is fsynced
when) formats, writes and fsyncs the rows: a ``trials.csv`` row on disk means the trial and
every detail row of it are durable.

No fsync has to stall a frame: :meth:`SessionRecorder.start` with ``wait=False`` returns once
the folders exist and the session lock is held (``mkdir`` and ``open``, no fsync); the files and
their fsyncs follow on the writer thread. :meth:`SessionRecorder.close` with ``wait=False``
queues the end of the session and returns; :meth:`SessionRecorder.join` waits for it. Both
default to waiting (``wait=True``), so library users and tests see a complete folder after
``start`` and a durable one after ``close``; the launcher passes ``wait=False`` while its frame
loop runs. Whatever is still being written when the process exits normally is waited for by an
``atexit`` hook, so ``ended_at`` is always written and fsynced. Made-up data may batch its
durability instead (``batch=``, :mod:`telemetry.recorder_batch`); play never does.

Pure Python (no pygame, no pandas): this module is on the play path.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from telemetry.errors import UsageError
from telemetry.recorder_batch import WriteBatch
from telemetry.recorder_rows import (
    HANDEDNESS,
    OpenTrial,
    check_start,
    check_text,
    finished_rows,
    iso_utc,
    make_session_folder,
    session_meta,
    utc_now,
)
from telemetry.recorder_writer import OPEN_LOCK, OPEN_RECORDERS, SESSION_FILE, SessionWriter
from telemetry.storage import acquire_lock

__all__ = ["HANDEDNESS", "SESSION_FILE", "SessionRecorder", "WriteBatch", "iso_utc", "utc_now"]
_START_TIMEOUT_S = 30.0


class SessionRecorder:
    """Records one play session of one child into its own folder (see module docstring).

    Create it with :meth:`start`. Methods are meant for one caller thread (the game loop);
    the writer thread is internal. Use as a context manager, or call :meth:`close`.

    A writer error (disk full, read-only folder, also during the set-up after
    ``start(wait=False)``) never raises from the calls a game makes every frame or trial
    (:meth:`begin_trial`, :meth:`add_sample`, :meth:`finish_trial`...): a game is not expected
    to handle it, and the child keeps playing. It shows in :attr:`error` (with :attr:`ready`
    False when the set-up itself failed, so nothing is recorded) and is raised by
    :meth:`flush`, :meth:`close` and :meth:`join`.
    """

    def __init__(
        self,
        folder: Path,
        session_id: str,
        child_id: str,
        meta: dict[str, Any],
        clock_ns: Callable[[], int],
        wall_clock: Callable[[], datetime],
        sample_flush_s: float,
        batch: WriteBatch | None = None,
    ) -> None:
        """Internal: use :meth:`SessionRecorder.start`."""
        self.folder = folder
        self.session_id = session_id
        self.child_id = child_id
        self.origin_ns = clock_ns()
        self._clock_ns = clock_ns
        self._wall_clock = wall_clock
        self._trial: OpenTrial | None = None
        self._samples: list[tuple[Any, ...]] | None = None  # the open trial's list, hot path
        self._trial_count = 0
        self._closed = False
        self._error_raised = False  # close()/join() raise the writer's error once
        self._last_finished = 0  # the number finish_trial returned last
        self._writer = SessionWriter(
            folder, session_id, self.origin_ns, meta, acquire_lock(folder), sample_flush_s,
            on_done=self._writer_done, batch=batch,
        )

    # ------------------------------------------------------------------ creation

    @classmethod
    def start(
        cls,
        data_dir: str | os.PathLike[str],
        child_id: str,
        *,
        mode: str = "home",
        screen_px: tuple[int, int] = (1280, 800),
        screen_mm: tuple[float, float] | None = None,
        app_version: str = "0.1.0",
        handedness: str = "right",
        clock_ns: Callable[[], int] = time.perf_counter_ns,
        wall_clock: Callable[[], datetime] = utc_now,
        sample_flush_s: float = 0.5,
        wait: bool = True,
        batch: WriteBatch | None = None,
    ) -> SessionRecorder:
        """Create ``<data>/sessions/<child_id>/<YYYY-MM-DD>_<session_id>/`` and start recording.

        The folders are made and the session lock is taken here (bad arguments, an unwritable
        data folder or a taken lock raise at once). ``session.json`` (atomically) and the
        header line of every table are written and fsynced on the writer thread: with ``wait``
        (the default) this call waits for that and raises its error; with ``wait=False`` it
        returns at once (for a frame loop) and a set-up error shows in :attr:`error` (with
        :attr:`ready` False) and is raised by :meth:`flush`, :meth:`close` or :meth:`join`.
        ``clock_ns`` is the monotonic clock the samples' ``t_ns`` come from; ``wall_clock``
        gives aware UTC datetimes (both injectable for tests).

        ``batch`` is for made-up data only (``finemotor demo-data``): the same rows in the same
        order, written on this thread as each call is made and fsynced by the batch's
        ``sync`` instead of trial by trial (see :mod:`telemetry.recorder_batch`); then
        :attr:`durable_trials` and :meth:`wait_durable` count trials written, not fsynced.
        Play never passes one.
        """
        child_id = check_start(child_id, mode, handedness)
        started = wall_clock()
        session_id = uuid.uuid4().hex
        folder, new_outer = make_session_folder(data_dir, child_id, started, session_id)
        meta = session_meta(session_id, child_id, started, mode, app_version, screen_px,
                            screen_mm, handedness)
        rec = cls(folder, session_id, child_id, meta, clock_ns, wall_clock, sample_flush_s, batch)
        rec._writer.new_outer = new_outer
        # The set-up runs on the writer thread (about ten fsyncs: 20 ms each on a slow SD
        # card would freeze the screen for a fifth of a second if the game loop waited).
        writer = rec._writer
        writer.post(("setup",))
        with OPEN_LOCK:
            OPEN_RECORDERS.add(rec)
        try:
            writer.start()
        except BaseException:
            with OPEN_LOCK:
                OPEN_RECORDERS.discard(rec)
            writer.release_lock()
            raise
        if wait and (not writer.setup_done.wait(_START_TIMEOUT_S) or writer.error is not None):
            err = writer.error
            rec._shutdown_quietly()
            if err is not None:
                raise err
            raise OSError(f"timed out creating the session folder {folder}")
        return rec

    # ------------------------------------------------------------------ caller API

    @property
    def trial(self) -> int | None:
        """The number of the trial in progress, or None between trials."""
        return None if self._trial is None else self._trial.number

    @property
    def last_finished(self) -> int:
        """The number of the last trial finished (or abandoned), 0 before the first."""
        return self._last_finished

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._closed

    @property
    def error(self) -> BaseException | None:
        """The first error the writer thread met (set-up, disk full...), or None."""
        return self._writer.error

    @property
    def ready(self) -> bool:
        """True once the session folder is complete and durable (set-up done without error).

        False while a ``start(wait=False)`` set-up is still running, and for good when it
        failed (then :attr:`error` says why and nothing of this session is recorded).
        """
        return self._writer.ready

    @property
    def done(self) -> bool:
        """True once the writer thread has ended after :meth:`close`: everything is durable
        (or failed, see :attr:`error`) and the session lock is released."""
        return self._writer.finished.is_set()

    @property
    def durable_trials(self) -> int:
        """The highest trial number whose rows are written and fsynced (0 before any)."""
        return self._writer.durable_trials

    def begin_trial(self, activity: str, level: int, item: str, mode: str = "") -> int:
        """Open the next trial and return its number (1, 2, ...).

        A trial still open is first abandoned (recorded as not completed), so a game that
        forgets to finish one loses nothing.
        """
        self._check_open()
        activity = check_text("activity", activity, allow_empty=False)
        item = check_text("item", item)
        mode = check_text("mode", mode)
        level = int(level)
        if self._trial is not None:
            self.abandon_trial()
        self._trial_count += 1
        trial = OpenTrial(
            number=self._trial_count,
            activity=activity,
            level=level,
            item=item,
            mode=mode,
            started_at=iso_utc(self._wall_clock()),
            start_ns=self._clock_ns(),
        )
        self._trial = trial
        self._samples = trial.samples
        self._writer.post(("begin", trial.number, trial.samples))
        return trial.number

    def add_sample(
        self, t_ns: int, x: float, y: float, pointer: int, phase: str, source: str
    ) -> None:
        """Keep one pointer sample of the trial in progress (ignored between trials).

        This is the hot path: one list append, no formatting, no I/O, no lock.
        """
        samples = self._samples
        if samples is not None:
            samples.append((t_ns, x, y, pointer, phase, source))

    def add_samples(self, samples: Iterable[tuple[int, float, float, int, str, str]]) -> None:
        """Keep many ``(t_ns, x, y, pointer, phase, source)`` samples at once (as
        :meth:`add_sample` each; for simulators, which make a trial's samples in one go)."""
        kept = self._samples
        if kept is not None:
            kept.extend(samples)

    def add_pointer(self, sample: Any) -> None:
        """Keep an :class:`engine.pointer.PointerSample` (same as :meth:`add_sample`)."""
        samples = self._samples
        if samples is not None:
            samples.append(
                (sample.t_ns, sample.x, sample.y, sample.pointer_id, sample.phase, sample.source)
            )

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Record the geometry aimed at in this trial: ``points`` (x, y) in order (seq = index)."""
        if self._trial is None:
            raise UsageError("add_targets needs an open trial: call begin_trial first")
        kind = check_text("target kind", kind, allow_empty=False)
        tolist = getattr(points, "tolist", None)  # numpy arrays: one fast copy
        pts = tolist() if tolist is not None else [tuple(p) for p in points]
        self._writer.post(("targets", self._trial.number, kind, int(part), pts))

    def finish_trial(
        self,
        *,
        accuracy: float | None,
        errors: int,
        completed: bool,
        metrics: Iterable[tuple[str, float, str]] = (),
        duration_ms: float | None = None,
    ) -> int:
        """End the trial in progress and return its number; the writer thread saves it.

        Returning does NOT mean the trial is saved: its rows are written and fsynced on the
        writer thread a moment later (one write and fsync: milliseconds, see
        docs/architecture.md). :meth:`wait_durable` with the returned number waits for that;
        :attr:`durable_trials` says how far it got. ``accuracy`` is in 0..1 (None or NaN when
        there is none, e.g. abandoned); ``metrics`` holds (name, value, unit) rows;
        ``duration_ms`` defaults to the time since :meth:`begin_trial` on the monotonic clock.
        """
        self._check_open()
        trial = self._trial
        if trial is None:
            raise UsageError("finish_trial without an open trial: call begin_trial first")
        if duration_ms is None:
            duration_ms = (self._clock_ns() - trial.start_ns) / 1e6
        trial_row, rows = finished_rows(
            self.session_id, self.child_id, trial, accuracy=accuracy, errors=errors,
            completed=completed, metrics=metrics, duration_ms=duration_ms)
        self._trial = None
        self._samples = None
        self._last_finished = trial.number
        self._writer.post(("finish", trial.number, trial.activity, trial_row, rows, trial.samples))
        return trial.number

    def abandon_trial(self) -> int | None:
        """End the trial in progress as not completed (no accuracy, no errors counted).

        Returns its number (see :meth:`finish_trial`), or None when no trial was open.
        """
        if self._trial is not None:
            return self.finish_trial(accuracy=None, errors=0, completed=False)
        return None

    def wait_durable(self, trial: int | None = None, timeout: float | None = 10.0) -> bool:
        """Wait until trial ``trial`` (default: the last one finished) is durable; True if so.

        Durable means its ``trials.csv`` row and every detail row of it are written and
        fsynced: no crash, SIGKILL or power cut can lose it any more. Returns at once when it
        already is (or no trial was finished); False if ``timeout`` passes first. Raises the
        writer's error (disk full, read-only folder) if the writer handled the trial and could
        not save it.
        """
        target = self._last_finished if trial is None else int(trial)
        saved = self._writer.wait_handled(target, timeout)
        if saved is not None:  # durable, or the timeout passed
            return saved
        self._raise_error()
        raise OSError(f"trial {target} of session {self.session_id} was not saved")

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until everything queued so far is written and fsynced; False on timeout.

        Raises the writer thread's error, if it met one.
        """
        if self._closed:
            self._raise_error()
            return True
        done = threading.Event()
        self._writer.post(("flush", done))
        ok = done.wait(timeout)
        self._raise_error()
        return ok

    def close(self, timeout: float | None = 30.0, *, wait: bool = True) -> None:
        """Abandon any open trial, make everything durable, write ``ended_at``, stop, unlock.

        ``ended_at`` is the time of this call. With ``wait`` (the default) it returns when all
        of that is done, like :meth:`join`; with ``wait=False`` it only queues it and returns
        at once (for a frame loop): call :meth:`join` later, or poll :attr:`done`. The writer
        releases the session lock itself once it has finished, so no other process can take
        the folder while rows are still being written. Calling it again only waits (if
        ``wait``); the writer's error is raised once.
        """
        if not self._closed:
            self.abandon_trial()
            self._closed = True
            self._writer.post(("close", iso_utc(self._wall_clock())))
        if wait:
            self.join(timeout)

    def join(self, timeout: float | None = 30.0) -> bool:
        """Wait until the writer has finished after :meth:`close`; True if it has.

        Raises the writer's error (the first waiting call after the end only), or
        :class:`TimeoutError` if ``timeout`` passes first; ``join(0)`` on a :attr:`done`
        recorder returns at once.
        """
        if not self._closed:
            raise UsageError(f"session {self.session_id} is still open: close it before join")
        if not self._writer.finished.wait(timeout):
            raise TimeoutError(
                f"session {self.session_id} is still being written to {self.folder} "
                f"after {timeout} s"
            )
        if not self._error_raised:
            self._error_raised = True
            self._raise_error()
        return True

    def __enter__(self) -> SessionRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ internals

    def _check_open(self) -> None:
        if self._closed:
            raise UsageError(f"session {self.session_id} is closed")

    def _raise_error(self) -> None:
        error = self._writer.error
        if error is not None:
            raise OSError(f"recording to {self.folder} failed: {error}") from error

    def _shutdown_quietly(self) -> None:
        # start() failed: the caller gets the error, so close()/join() must not raise it again.
        self._closed = True
        self._error_raised = True
        self._writer.post(("stop",))
        self._writer.finished.wait(5.0)

    def _writer_done(self) -> None:
        # Called by the writer once it has ended: nothing is left for the atexit hook.
        with OPEN_LOCK:
            OPEN_RECORDERS.discard(self)
