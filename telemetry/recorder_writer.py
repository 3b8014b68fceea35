"""The file side of a session recording: the writer thread, the rows on disk and their fsyncs.

:class:`telemetry.recorder.SessionRecorder` (the caller side, on the game loop) posts messages
to a :class:`SessionWriter`; the writer formats rows with :func:`telemetry.schema.encode_row`,
appends them with ``os.write`` (whole rows per write) and makes them durable:

* a finished trial: its samples, targets and metric rows are written and fsynced first, then its
  ``trials.csv`` row is written and fsynced. So a trial row on disk means the trial is complete
  and durable, whatever happens next (crash, SIGKILL, power cut);
* raw samples of the trial in progress: written and fsynced every ``sample_flush_s`` seconds.

With a :class:`telemetry.recorder_batch.WriteBatch` (made-up data only) there is no thread:
every message is carried out on the caller's thread as it is posted, the same rows in the same
order, and nothing is fsynced until the batch's ``sync``.

The messages, in the order the caller posts them: ``("setup",)``, ``("begin", number,
samples)``, ``("targets", number, kind, part, points)``, ``("finish", number, activity,
trial_row, metric_rows, samples)``, ``("flush", event)``, ``("close", ended_at)``,
``("stop",)``.

Pure Python (no pygame, no pandas): this module is on the play path.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import queue
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telemetry import schema
from telemetry.storage import (
    SessionLock,
    atomic_write_json,
    fsync_dir,
    fsync_parents,
    open_private_append,
    write_all,
)

if TYPE_CHECKING:
    from telemetry.recorder_batch import WriteBatch

SESSION_FILE = "session.json"


# The recorders (telemetry.recorder.SessionRecorder) whose writer has not finished yet: open
# ones, and closed ones still writing (close(wait=False)). The writer removes its recorder when
# it ends. A lock, because the writer threads discard while the atexit hook takes its snapshot.
OPEN_RECORDERS: weakref.WeakSet[Any] = weakref.WeakSet()
OPEN_LOCK = threading.Lock()


@atexit.register
def _close_open_recorders() -> None:
    # A game that exits without close(), or with close(wait=False), still gets its queued rows
    # and ended_at on disk: the writers are daemon threads, so nobody else would wait for them.
    with OPEN_LOCK:
        recorders = list(OPEN_RECORDERS)
    for recorder in recorders:
        with contextlib.suppress(Exception):
            recorder.close()


@dataclass
class WriterTrial:
    """The writer-side view of the trial in progress: its number and sample list (samples are
    removed from the front of the list once written)."""

    number: int
    samples: list[tuple[Any, ...]]


class SessionWriter:
    """Writes one session folder from the messages a :class:`~telemetry.recorder.SessionRecorder`
    posts (see the module docstring), on its own thread.

    The state the caller reads (:attr:`error`, :attr:`ready`, :attr:`durable_trials`...) is set
    here only; ``on_done`` is called once the writer has ended (every row written or failed,
    the files closed, the session lock released).
    """

    def __init__(
        self,
        folder: Path,
        session_id: str,
        origin_ns: int,
        meta: dict[str, Any],
        lock: SessionLock,
        sample_flush_s: float,
        on_done: Callable[[], None],
        batch: WriteBatch | None = None,
    ) -> None:
        """A writer for ``folder``; nothing runs until :meth:`start` (or, with a ``batch``,
        until the first :meth:`post`, carried out at once on the caller's thread)."""
        self.batch = batch
        self.folder = folder
        self.session_id = session_id
        self.origin_ns = origin_ns
        self.meta = meta
        self.new_outer: list[Path] = []  # folders start() made above the data folder
        self._lock = lock
        self._sample_flush_s = sample_flush_s
        self._on_done = on_done
        self.queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.error: BaseException | None = None  # the first error met (set-up, disk full...)
        self.ready = False  # the set-up is complete and durable
        self.setup_failed = False  # nothing can be recorded
        self.setup_done = threading.Event()  # the set-up ran, with or without success
        self.finished = threading.Event()  # the writer ended: all durable, lock released
        # Highest trial number whose rows are fsynced, and highest handled (durable or failed);
        # both under ``durable``, which the caller's wait_durable waits on.
        self.durable_trials = 0
        self.handled_trials = 0
        self.durable = threading.Condition()
        self._current: WriterTrial | None = None
        self._next_flush = math.inf
        self._fds: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._thread = threading.Thread(
            target=self._run, name=f"finemotor-recorder-{session_id[:8]}", daemon=True
        )

    def start(self) -> None:
        """Start the writer thread (none with a batch)."""
        if self.batch is None:
            self._thread.start()

    def release_lock(self) -> None:
        """Release the session lock (the thread could not be started)."""
        self._lock.release()

    def post(self, msg: tuple[Any, ...]) -> None:
        """Queue one message for the writer thread; with a batch, carry it out now."""
        if self.batch is None:
            self.queue.put(msg)
        elif self.handle(msg):
            self._end()

    def wait_handled(self, trial: int, timeout: float | None) -> bool | None:
        """Wait until trial ``trial`` is handled: True when its rows are durable, None when it
        could not be saved (see :attr:`error`) or the writer ended first, False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.durable:
            while self.durable_trials < trial and self.handled_trials < trial:
                if self.finished.is_set():
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self.durable.wait(remaining)
            return True if self.durable_trials >= trial else None

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._end()

    def _end(self) -> None:
        # Only now may another process take the folder: every row is written (or failed).
        self._close_fds()
        with contextlib.suppress(OSError):
            self._lock.release()
        self._on_done()
        self.finished.set()
        with self.durable:
            self.durable.notify_all()

    def _loop(self) -> None:
        while True:
            current = self._current
            timeout = None if current is None else max(0.0, self._next_flush - time.monotonic())
            try:
                msg = self.queue.get(timeout=timeout)
            except queue.Empty:
                msg = ("tick",)
            if self.handle(msg):
                return
            if self._current is not None and time.monotonic() >= self._next_flush:
                # Raw samples of the trial in progress: durable at least every second.
                try:
                    self._write_samples(self._current)
                    self._sync(("samples", "targets"))
                except BaseException as exc:
                    if self.error is None:
                        self.error = exc
                self._next_flush = time.monotonic() + self._sample_flush_s

    def handle(self, msg: tuple[Any, ...]) -> bool:
        """Carry out one message; True when it ends the writer (close, stop)."""
        kind = msg[0]
        try:
            if self.setup_failed and kind not in ("flush", "close", "stop"):
                # No folder to write to: drop the rows (the error is already reported).
                self._current = None
            elif kind == "tick":
                pass
            elif kind == "begin":
                self._current = WriterTrial(msg[1], msg[2])
                self._next_flush = time.monotonic() + self._sample_flush_s
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
                self._finish_trial(*msg[1:])
            elif kind == "flush":
                if self._current is not None and not self.setup_failed:
                    self._write_samples(self._current)
                self._sync(tuple(self._dirty))
            elif kind == "setup":
                try:
                    self._setup()
                except BaseException:
                    self.setup_failed = True
                    raise
                self.ready = True
            elif kind == "close":
                if not self.setup_failed:  # a half-made folder gets no ended_at
                    self._finish_session(msg[1])
                return True
            elif kind == "stop":
                return True
        except BaseException as exc:  # keep recording what still can be; report later
            if self.error is None:
                self.error = exc
            if kind in ("close", "stop"):
                return True
        finally:
            if kind == "flush":
                msg[1].set()
            elif kind == "setup":
                self.setup_done.set()
            elif kind == "finish":
                with self.durable:  # saved or failed: wake whoever waits for it
                    self.handled_trials = msg[1]
                    self.durable.notify_all()
        return False

    # ------------------------------------------------------------------ the files

    def _finish_trial(
        self,
        number: int,
        activity: str,
        trial_row: tuple[Any, ...],
        metric_rows: list[tuple[Any, ...]],
        samples: list[tuple[Any, ...]],
    ) -> None:
        current = self._current
        if current is None or current.number != number:
            current = WriterTrial(number, samples)
        self._write_samples(current)
        self._write("metrics", [(self.session_id, number, activity, *m) for m in metric_rows])
        self._sync(("samples", "targets", "metrics"))
        # Only now the trial row: its presence means every detail row is durable.
        self._write("trials", [trial_row])
        self._sync(("trials",))
        with self.durable:
            self.durable_trials = number
        self._current = None

    def _setup(self) -> None:
        batch = self.batch
        if batch is None:
            atomic_write_json(self.folder / SESSION_FILE, self.meta)
        else:
            atomic_write_json(self.folder / SESSION_FILE, self.meta, durable=False)
        for table in schema.SESSION_TABLES:
            fd = open_private_append(self.folder / table.filename)
            self._fds[table.name] = fd
            if os.fstat(fd).st_size == 0:
                write_all(fd, table.header_line())
            if batch is None:
                os.fsync(fd)
        # The new folders' own entries too, up to and including the data folder (which holds
        # the entry of a brand-new sessions/), so a power cut right after start cannot lose
        # the session folder itself; and the parents of any folder made above the data one.
        child_dir = self.folder.parent
        sessions = child_dir.parent
        data = sessions.parent
        if batch is not None:
            above = [child_dir, sessions, data, *dict.fromkeys(p.parent for p in self.new_outer)]
            batch.add_session(self.folder, above)
            return
        for folder in (self.folder, child_dir, sessions, data):
            fsync_dir(folder)
        fsync_parents(self.new_outer)

    def _write_samples(self, trial: WriterTrial) -> None:
        samples = trial.samples
        upto = len(samples)
        if not upto:
            return
        chunk = samples[:upto]
        # Drop what is written so a long trial does not hold every sample in memory. Safe
        # while the game thread appends: slicing, del and append are each atomic on a list,
        # and appends only ever land after index ``upto``.
        del samples[:upto]
        write_all(self._fds["samples"],
                  encode_samples(self.session_id, trial.number, self.origin_ns, chunk))
        self._dirty.add("samples")

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
                if self.batch is None:  # a batch's sync makes them durable later
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
        self.meta["ended_at"] = ended_at
        if self.batch is None:
            atomic_write_json(self.folder / SESSION_FILE, self.meta)
        else:
            atomic_write_json(self.folder / SESSION_FILE, self.meta, durable=False)


# The sample rows, formatted faster than row by row through ``schema.encode_row`` and byte for
# byte the same (tests/test_recorder_batch.py checks it value by value): a sample row is
# mostly floats, and ``repr(round(v, 4))`` (two dtoa conversions and a strtod) equals
# ``"%.4f" % v`` with its trailing zeros dropped (one dtoa) whenever |v| < 1e11, where the
# rounded value has at most 15 significant digits and so is its own shortest repr.
_FAST_LIMIT = 1e11


def _number(value: object) -> str:
    """``schema.encode_row``'s field text for ``value``, quickly for a plain float or int."""
    if isinstance(value, float):  # numpy's float64 too: stored as the float it holds
        number = float(value)
        if -_FAST_LIMIT < number < _FAST_LIMIT:  # False for NaN and the infinities
            text = f"{number:.4f}".rstrip("0")
            return text + "0" if text[-1] == "." else text
    elif type(value) is int:
        return str(value)
    return schema.field_text(value)


def encode_samples(
    session_id: str, trial: int, origin_ns: int, chunk: list[tuple[Any, ...]]
) -> bytes:
    """The ``samples.csv`` rows of ``chunk`` (``(t_ns, x, y, pointer, phase, source)``), as
    ``b"".join(schema.encode_row(row) for row in rows)`` would write them."""
    prefix = ",".join(
        [str(schema.SCHEMA_VERSION), schema.field_text(session_id), schema.field_text(trial)]
    )
    texts: dict[object, str] = {}
    crc = zlib.crc32
    out = []
    for t_ns, x, y, pointer, phase, source in chunk:
        ph = texts.get(phase) if type(phase) is str else None
        if ph is None:
            ph = schema.field_text(phase)
            if type(phase) is str:
                texts[phase] = ph
        so = texts.get(source) if type(source) is str else None
        if so is None:
            so = schema.field_text(source)
            if type(source) is str:
                texts[source] = so
        body = (f"{prefix},{_number((t_ns - origin_ns) / 1e6)},{_number(x)},{_number(y)},"
                f"{_number(pointer)},{ph},{so}").encode()
        out.append(b"%s,%08x\n" % (body, crc(body)))
    return b"".join(out)
