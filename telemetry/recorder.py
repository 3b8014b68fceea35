"""The durable session recorder: one folder per session, one row per ``os.write``, fsync off-thread.

The game calls :meth:`SessionRecorder.begin_trial`, feeds pointer samples with
:meth:`SessionRecorder.add_sample` (an append to a list, nothing more, so the frame loop never
waits), describes the geometry with :meth:`SessionRecorder.add_targets` and ends with
:meth:`SessionRecorder.finish_trial`. A writer thread formats the rows with
:func:`telemetry.schema.encode_row`, writes them with ``os.write`` and fsyncs them:

* a finished trial: its samples, targets and metric rows are written and fsynced first, then its
  ``trials.csv`` row is written and fsynced. So a trial row on disk means the trial is complete
  and durable, whatever happens next (crash, SIGKILL, power cut);
* raw samples of the trial in progress: written and fsynced every ``sample_flush_s`` seconds
  (0.5 s by default, the design asks for at least every second).

No fsync has to stall a frame: :meth:`SessionRecorder.start` with ``wait=False`` returns once
the folders exist and the session lock is held (``mkdir`` and ``open``, no fsync); the files and
their fsyncs follow on the writer thread. :meth:`SessionRecorder.close` with ``wait=False``
queues the end of the session and returns; :meth:`SessionRecorder.join` waits for it. Both
default to waiting (``wait=True``), so library users and tests see a complete folder after
``start`` and a durable one after ``close``; the launcher passes ``wait=False`` while its frame
loop runs. Whatever is still being written when the process exits normally is waited for by an
``atexit`` hook, so ``ended_at`` is always written and fsynced.

Pure Python (no pygame, no pandas): this module is on the play path.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import queue
import re
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.storage import (
    acquire_lock,
    atomic_write_json,
    ensure_private_dir,
    fsync_dir,
    fsync_parents,
    open_private_append,
    write_all,
)

SESSION_FILE = "session.json"
HANDEDNESS = ("right", "left")
# Safe as a folder name and free of anything name-like by construction of the registry's ids.
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_START_TIMEOUT_S = 30.0


def utc_now() -> datetime:
    """The current wall-clock time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 text in UTC with microseconds and a ``Z``, e.g. ``2025-03-01T09:30:00.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one (UTC)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_text(what: str, value: object, *, allow_empty: bool = True) -> str:
    """Reject text that would break the one-row-per-line format (newlines)."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(f"{what} must not contain a line break: {text!r}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: would fail later, on the writer thread
        raise ValueError(f"{what} is not valid text: {text!r}") from None
    if not allow_empty and not text:
        raise ValueError(f"{what} must not be empty")
    return text


@dataclass
class _OpenTrial:
    """The caller-side state of the trial in progress."""

    number: int
    activity: str
    level: int
    item: str
    mode: str
    started_at: str
    start_ns: int
    samples: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _WriterTrial:
    """The writer-side view of the trial in progress: its number and sample list (samples are
    removed from the front of the list once written)."""

    number: int
    samples: list[tuple[Any, ...]]


# Recorders whose writer thread has not finished yet: open ones, and closed ones still writing
# (close(wait=False)). The writer removes its recorder when it ends. A lock, because the writer
# threads discard while the atexit hook takes its snapshot.
_OPEN_RECORDERS: weakref.WeakSet[SessionRecorder] = weakref.WeakSet()
_OPEN_LOCK = threading.Lock()


@atexit.register
def _close_open_recorders() -> None:
    # A game that exits without close(), or with close(wait=False), still gets its queued rows
    # and ended_at on disk: the writers are daemon threads, so nobody else would wait for them.
    with _OPEN_LOCK:
        recorders = list(_OPEN_RECORDERS)
    for recorder in recorders:
        with contextlib.suppress(Exception):
            recorder.close()


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
    ) -> None:
        """Internal: use :meth:`SessionRecorder.start`."""
        self.folder = folder
        self.session_id = session_id
        self.child_id = child_id
        self.origin_ns = clock_ns()
        self._meta = meta
        self._clock_ns = clock_ns
        self._wall_clock = wall_clock
        self._sample_flush_s = sample_flush_s
        self._queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._trial: _OpenTrial | None = None
        self._samples: list[tuple[Any, ...]] | None = None  # the open trial's list, hot path
        self._trial_count = 0
        self._closed = False
        self._lock = acquire_lock(folder)
        self._error: BaseException | None = None
        self._error_raised = False  # close()/join() raise the writer's error once
        self._ready = False  # writer-set: the set-up is complete and durable
        self._setup_failed = False  # writer-set: nothing can be recorded
        self._setup_done = threading.Event()  # the set-up ran, with or without success
        self._finished = threading.Event()  # the writer ended: all durable, lock released
        # Highest trial number whose rows are fsynced, and highest the writer has handled
        # (durable or failed); both writer-set, under _durable, which wait_durable waits on.
        self.durable_trials = 0
        self._handled_trials = 0
        self._durable = threading.Condition()
        self._last_finished = 0  # caller-side: the number finish_trial returned last
        self._fds: dict[str, int] = {}
        self._new_outer: list[Path] = []  # folders start() made above the data folder
        self._dirty: set[str] = set()
        self._thread = threading.Thread(
            target=self._run, name=f"finemotor-recorder-{session_id[:8]}", daemon=True
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
        """
        child_id = str(child_id)
        if not _ID_RE.fullmatch(child_id):
            raise UsageError(f"invalid child id: {child_id!r} (use the id from the children list)")
        if mode not in schema.SESSION_MODES:
            raise UsageError(
                f"invalid mode: {mode!r} (one of {', '.join(schema.SESSION_MODES)})")
        if handedness not in HANDEDNESS:
            raise UsageError(f"invalid handedness: {handedness!r} (right or left)")
        width_px, height_px = (int(v) for v in screen_px)
        width_mm, height_mm = (None, None) if screen_mm is None else (float(v) for v in screen_mm)
        started = wall_clock()
        session_id = uuid.uuid4().hex
        # mkdir and chmod only (no fsync): cheap enough for the caller's thread, and an
        # unwritable data folder is reported right here. The fsyncs are the writer's.
        created: list[Path] = []
        data = ensure_private_dir(data_dir, created=created)
        child_dir = ensure_private_dir(data / "sessions" / child_id, created=created)
        folder = ensure_private_dir(
            child_dir / f"{started.astimezone(timezone.utc):%Y-%m-%d}_{session_id}",
            created=created,
        )
        meta: dict[str, Any] = {
            "schema_version": schema.SCHEMA_VERSION,
            "session_id": session_id,
            "child_id": child_id,
            "started_at": iso_utc(started),
            "ended_at": None,
            "mode": mode,
            "app_version": str(app_version),
            "screen": {
                "width_px": width_px,
                "height_px": height_px,
                "width_mm": width_mm,
                "height_mm": height_mm,
            },
            "handedness": handedness,
        }
        rec = cls(folder, session_id, child_id, meta, clock_ns, wall_clock, sample_flush_s)
        # A brand-new data folder (and parents made with it): the set-up also fsyncs the
        # folders holding their entries. Below the data folder it fsyncs every level anyway.
        rec._new_outer = [p for p in created if p == data or p in data.parents]
        # The set-up runs on the writer thread (about ten fsyncs: 20 ms each on a slow SD
        # card would freeze the screen for a fifth of a second if the game loop waited).
        rec._queue.put(("setup",))
        with _OPEN_LOCK:
            _OPEN_RECORDERS.add(rec)
        try:
            rec._thread.start()
        except BaseException:
            with _OPEN_LOCK:
                _OPEN_RECORDERS.discard(rec)
            rec._lock.release()
            raise
        if wait and (not rec._setup_done.wait(_START_TIMEOUT_S) or rec._error is not None):
            err = rec._error
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
        return self._error

    @property
    def ready(self) -> bool:
        """True once the session folder is complete and durable (set-up done without error).

        False while a ``start(wait=False)`` set-up is still running, and for good when it
        failed (then :attr:`error` says why and nothing of this session is recorded).
        """
        return self._ready

    @property
    def done(self) -> bool:
        """True once the writer thread has ended after :meth:`close`: everything is durable
        (or failed, see :attr:`error`) and the session lock is released."""
        return self._finished.is_set()

    def begin_trial(self, activity: str, level: int, item: str, mode: str = "") -> int:
        """Open the next trial and return its number (1, 2, ...).

        A trial still open is first abandoned (recorded as not completed), so a game that
        forgets to finish one loses nothing.
        """
        self._check_open()
        activity = _check_text("activity", activity, allow_empty=False)
        item = _check_text("item", item)
        mode = _check_text("mode", mode)
        level = int(level)
        if self._trial is not None:
            self.abandon_trial()
        self._trial_count += 1
        trial = _OpenTrial(
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
        self._queue.put(("begin", trial.number, trial.samples))
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
        kind = _check_text("target kind", kind, allow_empty=False)
        tolist = getattr(points, "tolist", None)  # numpy arrays: one fast copy
        pts = tolist() if tolist is not None else [tuple(p) for p in points]
        self._queue.put(("targets", self._trial.number, kind, int(part), pts))

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
        end_ns = self._clock_ns()
        if accuracy is not None:
            accuracy = float(accuracy)
            if math.isnan(accuracy):
                accuracy = None
            elif not 0.0 <= accuracy <= 1.0:
                raise ValueError(f"accuracy must be within 0..1, got {accuracy}")
        errors = int(errors)
        if errors < 0:
            raise ValueError(f"errors must be 0 or more, got {errors}")
        rows = []
        for name, value, unit in metrics:
            rows.append(
                (
                    _check_text("metric name", name, allow_empty=False),
                    None if value is None else float(value),
                    _check_text("metric unit", unit),
                )
            )
        if duration_ms is None:
            duration_ms = (end_ns - trial.start_ns) / 1e6
        trial_row = (
            self.session_id,
            self.child_id,
            trial.activity,
            trial.level,
            trial.number,
            trial.item,
            trial.mode,
            trial.started_at,
            float(duration_ms),
            accuracy,
            errors,
            bool(completed),
        )
        self._trial = None
        self._samples = None
        self._last_finished = trial.number
        self._queue.put(("finish", trial.number, trial.activity, trial_row, rows, trial.samples))
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
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._durable:
            while self.durable_trials < target and self._handled_trials < target:
                if self._finished.is_set():
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._durable.wait(remaining)
            if self.durable_trials >= target:
                return True
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
        self._queue.put(("flush", done))
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
            self._queue.put(("close", iso_utc(self._wall_clock())))
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
        if not self._finished.wait(timeout):
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
        if self._error is not None:
            raise OSError(f"recording to {self.folder} failed: {self._error}") from self._error

    def _shutdown_quietly(self) -> None:
        # start() failed: the caller gets the error, so close()/join() must not raise it again.
        self._closed = True
        self._error_raised = True
        self._queue.put(("stop",))
        self._finished.wait(5.0)

    # The writer thread: everything below runs there and only there.

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            # Only now may another process take the folder: every row is written (or failed).
            self._close_fds()
            with contextlib.suppress(OSError):
                self._lock.release()
            with _OPEN_LOCK:
                _OPEN_RECORDERS.discard(self)
            self._finished.set()
            with self._durable:
                self._durable.notify_all()

    def _loop(self) -> None:
        current: _WriterTrial | None = None
        next_flush = math.inf
        while True:
            timeout = None if current is None else max(0.0, next_flush - time.monotonic())
            try:
                msg = self._queue.get(timeout=timeout)
            except queue.Empty:
                msg = ("tick",)
            kind = msg[0]
            try:
                if self._setup_failed and kind not in ("flush", "close", "stop"):
                    # No folder to write to: drop the rows (the error is already reported).
                    current = None
                elif kind == "tick":
                    pass
                elif kind == "begin":
                    current = _WriterTrial(msg[1], msg[2])
                    next_flush = time.monotonic() + self._sample_flush_s
                elif kind == "targets":
                    _, number, target_kind, part, pts = msg
                    self._write(
                        "targets",
                        [
                            (self.session_id, number, target_kind, part, seq, x, y)
                            for seq, (x, y) in enumerate(pts)
                        ],
                    )
                elif kind == "finish":
                    _, number, activity, trial_row, metric_rows, samples = msg
                    if current is None or current.number != number:
                        current = _WriterTrial(number, samples)
                    self._write_samples(current)
                    self._write(
                        "metrics",
                        [(self.session_id, number, activity, *m) for m in metric_rows],
                    )
                    self._sync(("samples", "targets", "metrics"))
                    # Only now the trial row: its presence means every detail row is durable.
                    self._write("trials", [trial_row])
                    self._sync(("trials",))
                    with self._durable:
                        self.durable_trials = number
                    current = None
                elif kind == "flush":
                    if current is not None and not self._setup_failed:
                        self._write_samples(current)
                    self._sync(tuple(self._dirty))
                elif kind == "setup":
                    try:
                        self._setup()
                    except BaseException:
                        self._setup_failed = True
                        raise
                    self._ready = True
                elif kind == "close":
                    if not self._setup_failed:  # a half-made folder gets no ended_at
                        self._finish_session(msg[1])
                    return
                elif kind == "stop":
                    return
            except BaseException as exc:  # keep recording what still can be; report later
                if self._error is None:
                    self._error = exc
                if kind in ("close", "stop"):
                    return
            finally:
                if kind == "flush":
                    msg[1].set()
                elif kind == "setup":
                    self._setup_done.set()
                elif kind == "finish":
                    with self._durable:  # saved or failed: wake whoever waits for it
                        self._handled_trials = msg[1]
                        self._durable.notify_all()
            if current is not None and time.monotonic() >= next_flush:
                # Raw samples of the trial in progress: durable at least every second.
                try:
                    self._write_samples(current)
                    self._sync(("samples", "targets"))
                except BaseException as exc:
                    if self._error is None:
                        self._error = exc
                next_flush = time.monotonic() + self._sample_flush_s

    def _setup(self) -> None:
        atomic_write_json(self.folder / SESSION_FILE, self._meta)
        for table in schema.SESSION_TABLES:
            fd = open_private_append(self.folder / table.filename)
            self._fds[table.name] = fd
            if os.fstat(fd).st_size == 0:
                write_all(fd, table.header_line())
            os.fsync(fd)
        # The new folders' own entries too, up to and including the data folder (which holds
        # the entry of a brand-new sessions/), so a power cut right after start cannot lose
        # the session folder itself; and the parents of any folder made above the data one.
        child_dir = self.folder.parent
        sessions = child_dir.parent
        data = sessions.parent
        for folder in (self.folder, child_dir, sessions, data):
            fsync_dir(folder)
        fsync_parents(self._new_outer)

    def _write_samples(self, trial: _WriterTrial) -> None:
        samples = trial.samples
        upto = len(samples)
        if not upto:
            return
        chunk = samples[:upto]
        # Drop what is written so a long trial does not hold every sample in memory. Safe
        # while the game thread appends: slicing, del and append are each atomic on a list,
        # and appends only ever land after index ``upto``.
        del samples[:upto]
        origin = self.origin_ns
        sid = self.session_id
        number = trial.number
        self._write(
            "samples",
            [
                (sid, number, (t_ns - origin) / 1e6, x, y, pointer, phase, source)
                for t_ns, x, y, pointer, phase, source in chunk
            ],
        )

    def _write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Append whole rows with one ``os.write`` (a row is never split across writes)."""
        if not rows:
            return
        encode = schema.encode_row
        write_all(self._fds[table], b"".join([encode(r) for r in rows]))
        self._dirty.add(table)

    def _sync(self, tables: Iterable[str]) -> None:
        for table in tables:
            if table in self._dirty:
                os.fsync(self._fds[table])
                self._dirty.discard(table)

    def _close_fds(self) -> None:
        fds, self._fds = self._fds, {}
        for fd in fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)

    def _finish_session(self, ended_at: str) -> None:
        try:
            self._sync(tuple(self._dirty))
        finally:
            self._close_fds()
        self._meta["ended_at"] = ended_at
        atomic_write_json(self.folder / SESSION_FILE, self._meta)
