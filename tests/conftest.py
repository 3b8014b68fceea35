"""Test-wide set-up: every test runs headless (SDL dummy video and audio drivers)."""

from __future__ import annotations

import os

# Set before any test module imports pygame, so no test needs a screen or a sound card.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


import threading  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import pytest  # noqa: E402


@dataclass
class HeldFsync:
    """``os.fsync`` held shut until ``open()``: proves a call did not wait for the disk.

    Every fsync blocks on ``gate`` (then really fsyncs). A caller that returns while the gate
    is still shut cannot have waited for one; one that did wait would block until
    ``GATE_TIMEOUT_S`` and be caught in ``timed_out``. No clock is read: correctness, not speed.
    """

    gate: threading.Event = field(default_factory=threading.Event)
    calls: list[int] = field(default_factory=list)
    timed_out: list[int] = field(default_factory=list)

    def open(self) -> None:
        """Let every held and future fsync through."""
        self.gate.set()

    def shut(self) -> None:
        """Hold every fsync from now on (after a set-up that may fsync freely)."""
        self.gate.clear()
        self.calls.clear()


GATE_TIMEOUT_S = 5.0


@pytest.fixture
def held_fsync(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldFsync]:
    """Every ``os.fsync`` waits for ``held_fsync.open()`` (see :class:`HeldFsync`)."""
    real = os.fsync
    held = HeldFsync()

    def fsync(fd: int) -> None:
        held.calls.append(fd)
        if not held.gate.wait(GATE_TIMEOUT_S):
            held.timed_out.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    yield held
    held.open()  # never leave a writer thread stuck behind the gate


@pytest.fixture
def synced_dirs(monkeypatch: pytest.MonkeyPatch) -> list:
    """The folders whose entries get fsynced (``fsync_dir``), in order; each really fsyncs."""
    from pathlib import Path

    from telemetry import recorder_writer, storage

    synced: list[Path] = []
    real = storage.fsync_dir

    def fsync_dir(path: os.PathLike[str]) -> None:
        synced.append(Path(path))
        real(path)

    monkeypatch.setattr(storage, "fsync_dir", fsync_dir)
    monkeypatch.setattr(recorder_writer, "fsync_dir", fsync_dir)
    return synced
