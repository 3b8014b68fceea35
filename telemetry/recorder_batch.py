"""Batched durability for made-up data: many sessions written first, made durable together.

Play keeps the recorder's per-trial durability (a writer thread, each finished trial fsynced
before its ``trials.csv`` row, see :mod:`telemetry.recorder_writer`). ``finemotor demo-data``
writes thousands of made-up sessions: fsyncing each of its trials (about 30 fsyncs a session,
a few ms each) and handing every row to a writer thread cost more than making the data. A
recorder started with ``SessionRecorder.start(..., batch=WriteBatch())``:

* writes on the caller's thread (no writer thread, no queue): the same rows, formatted by the
  same code, in the same order (a trial's samples, targets and metric rows before its
  ``trials.csv`` row; ``session.json`` replaced atomically, ``ended_at`` last), so the files
  are byte for byte what the per-trial path writes for the same input;
* does not fsync: it notes each session folder in the batch, and :meth:`WriteBatch.sync`
  makes everything noted durable at once.

What a stop loses: a process killed or interrupted (Ctrl-C, SIGKILL) loses nothing it wrote
(the rows are in the kernel's page cache, whole rows per ``os.write``, each with its crc32);
a session it was in has no ``ended_at``, as after a crash in play, and the loader reads it.
Only a power cut (or OS crash) before :meth:`WriteBatch.sync` can lose rows, which for made-up
data means running the demo again.

Pure Python (no pygame, no pandas).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from telemetry import schema
from telemetry.storage import fsync_dir

_SESSION_FILE = "session.json"


class WriteBatch:
    """The session folders written without fsync since the last :meth:`sync`."""

    def __init__(self) -> None:
        """An empty batch."""
        self._lock = threading.Lock()
        self._sessions: list[Path] = []
        self._folders: dict[Path, None] = {}  # the folders above them, in order, once each
        self.synced_sessions = 0  # sessions made durable by sync() so far

    @property
    def pending(self) -> int:
        """How many session folders wait for :meth:`sync`."""
        with self._lock:
            return len(self._sessions)

    def add_session(self, folder: Path, above: list[Path]) -> None:
        """Note a session folder whose files are written, and the folders holding new entries
        (its child's folder, ``sessions/``, the data folder, any folder made above that)."""
        with self._lock:
            self._sessions.append(folder)
            for parent in above:
                self._folders.setdefault(parent, None)

    def noted(self) -> tuple[list[Path], list[Path]]:
        """The session folders waiting for :meth:`sync` and the folders above them (a worker
        process of ``demo-data`` hands them to the parent's batch, which syncs once)."""
        with self._lock:
            return list(self._sessions), list(self._folders)

    def sync(self, *, per_file: bool | None = None) -> None:
        """Make every noted session durable (files, and the folder entries leading to them).

        On Linux one ``sync()`` does it (it waits for the writes; one call instead of about
        six fsyncs a session); elsewhere, or with ``per_file``, every file and folder noted is
        fsynced.
        """
        with self._lock:
            sessions, self._sessions = self._sessions, []
            folders, self._folders = list(self._folders), {}
        if not sessions and not folders:
            return
        if per_file is None:
            per_file = not sys.platform.startswith("linux")
        if not per_file:
            os.sync()
        else:
            for folder in sessions:
                for name in (_SESSION_FILE, *(t.filename for t in schema.SESSION_TABLES)):
                    _fsync_file(folder / name)
                fsync_dir(folder)
            for parent in folders:
                fsync_dir(parent)
        with self._lock:
            self.synced_sessions += len(sessions)


def _fsync_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # a set-up that failed half way: nothing to keep
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
