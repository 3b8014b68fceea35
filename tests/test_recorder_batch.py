"""Batched durability (``SessionRecorder.start(batch=WriteBatch())``, made-up data only) and the
writer's sample-row encoder: the same bytes as the per-trial path, no fsync until the batch's."""

from __future__ import annotations

import math
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from telemetry import schema
from telemetry.loader import load_dataset
from telemetry.recorder import SessionRecorder, WriteBatch
from telemetry.recorder_writer import encode_samples

CHILD = "c" * 32
SID = "5e55" * 8
START = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def _rows_via_encode_row(chunk: list[tuple], origin: int) -> bytes:
    return b"".join(
        schema.encode_row((SID, 7, (t - origin) / 1e6, x, y, p, ph, so))
        for t, x, y, p, ph, so in chunk
    )


EDGE = [0.0, -0.0, 1e-5, -1e-5, 0.00005, 0.00015, 1.03125, -1.03125, 0.1, 0.30000000000000004,
        123.45675, 2.5e-4, 99999999999.99994, 1e11 - 1, 1e11, -1e11, 1e11 + 0.5, 1e12,
        5e15, 1e16, 1e300, math.inf, -math.inf, math.nan, 640.0, 800, 3, -7, True, False,
        np.float64(12.34567), np.float32(0.1), np.int64(42), np.bool_(True), None]


def test_sample_rows_are_byte_for_byte_what_encode_row_writes() -> None:
    rng = random.Random(15)
    origin = 1_000_000_000
    chunk: list[tuple] = []
    for x in EDGE:
        for y in (EDGE[rng.randrange(len(EDGE))], rng.uniform(-1e4, 1e4)):
            chunk.append((origin + rng.randrange(10**13), x, y, rng.choice([0, 1, 2, True]),
                          rng.choice(["down", "move", "up"]), rng.choice(["touch", "pen"])))
    for _ in range(3000):  # plain floats of every size a sample holds, and some far beyond
        scale = 10.0 ** rng.randint(-6, 13)
        chunk.append((origin + rng.randrange(-10**9, 10**14), rng.uniform(-scale, scale),
                      round(rng.uniform(0, 800), rng.randint(0, 6)), 0, "move", "mouse"))
    # text that needs quoting, non-ASCII, numpy text and times
    chunk += [(np.int64(origin + 5), 1.5, 2.5, 0, 'mo,"ve"', "tou\u00e9ch"),
              (origin, 1.0, 2.0, 0, np.str_("up"), "pen")]
    assert encode_samples(SID, 7, origin, chunk) == _rows_via_encode_row(chunk, origin)
    assert encode_samples(SID, 7, origin, []) == b""


class _Clocks:
    """An injected monotonic and wall clock moved by hand (the same for both recordings)."""

    def __init__(self) -> None:
        self.ns = 5_000_000_000
        self.wall = START

    def mono(self) -> int:
        return self.ns

    def now(self) -> datetime:
        return self.wall

    def advance(self, seconds: float) -> None:
        self.ns += int(seconds * 1e9)
        self.wall += timedelta(seconds=seconds)


def _record(data: Path, batch: WriteBatch | None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A session with a completed, an abandoned and an unfinished trial, the same every time."""
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(SID))
    clocks = _Clocks()
    rec = SessionRecorder.start(data, CHILD, mode="clinic", clock_ns=clocks.mono,
                                wall_clock=clocks.now, sample_flush_s=0.001, batch=batch)
    rec.begin_trial("tracing", 3, "circle", "trace")
    rec.add_targets("model_path", 0, np.array([[100.0, 200.0], [300.5, 200.25]]))
    rec.add_targets("tolerance", 0, [(22.0, 22.0)])
    for i in range(400):
        clocks.advance(1 / 120)
        rec.add_sample(clocks.ns, 100 + i * 0.51234567, 200 - i / 3, 0,
                       "down" if i == 0 else "up" if i == 399 else "move", "touch")
    rec.flush()  # rows of the trial in progress, then more of them
    rec.add_sample(clocks.ns + 1, 1.0, 2.0, 0, "move", "touch")
    rec.finish_trial(accuracy=0.8125, errors=2, completed=True,
                     metrics=[("mean_deviation", 3.14159265, "px"), ("sparc", math.nan, "")])
    clocks.advance(2.0)
    rec.begin_trial("pinch", 1, "cups", "pinch")
    rec.add_sample(clocks.ns, 640, 400, 1, "down", "touch")
    rec.abandon_trial()
    rec.begin_trial("tracing", 1, "vertical", "trace")
    rec.add_sample(clocks.ns, 5.0, 6.0, 0, "down", "touch")
    clocks.advance(1.0)
    rec.close()  # abandons the open trial, then ended_at
    assert rec.done and rec.durable_trials == 3
    return rec.folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != ".lock"}


def test_batched_session_is_byte_identical_to_the_per_trial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsynced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsynced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    per_trial = _files(_record(tmp_path / "a", None, monkeypatch))
    per_trial_fsyncs = len(fsynced)
    batch = WriteBatch()
    fsynced.clear()
    batched = _files(_record(tmp_path / "b", batch, monkeypatch))
    assert fsynced == []  # nothing until the batch is synced
    assert per_trial_fsyncs > 10
    assert sorted(batched) == ["metrics.csv", "samples.csv", "session.json", "targets.csv",
                               "trials.csv"]
    assert batched == per_trial
    trials = batched["trials.csv"].decode().splitlines()[1:]
    assert [line.split(",")[3:6] + line.split(",")[-2:-1] for line in trials] == [
        ["tracing", "3", "1"] + ["1"], ["pinch", "1", "2"] + ["0"], ["tracing", "1", "3"] + ["0"]]
    assert batch.pending == 1
    ds = load_dataset(tmp_path / "b", tables=("trials", "metrics", "samples", "targets"))
    assert ds.quality.sessions_without_end == 0
    assert sum(ds.quality.skipped_rows.values()) == 0
    assert len(ds.samples) == 403 and list(ds.trials["trial"]) == [1, 2, 3]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fd paths via /proc")
def test_batch_sync_per_file_fsyncs_every_file_and_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = WriteBatch()
    data = tmp_path / "data"
    folders = []
    for k in range(2):
        rec = SessionRecorder.start(data, CHILD, batch=batch)
        rec.begin_trial("tracing", 1, f"item{k}")
        rec.add_sample(rec.origin_ns, 1.0, 2.0, 0, "down", "mouse")
        rec.finish_trial(accuracy=0.5, errors=0, completed=True)
        rec.close()
        folders.append(rec.folder)
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    assert batch.pending == 2
    batch.sync(per_file=True)
    names = ["session.json", "trials.csv", "metrics.csv", "samples.csv", "targets.csv"]
    want = [str(f / n) for f in folders for n in [*names, ""]]
    want = [w.rstrip("/") for w in want]
    child = folders[0].parent
    assert synced == [*want, str(child), str(child.parent), str(data), str(tmp_path)]
    assert batch.pending == 0 and batch.synced_sessions == 2
    synced.clear()
    batch.sync()  # nothing new: no sync at all
    assert synced == []
