"""Recorder and loader figures: the frame-loop cost of recording, and loading a clinic's data.

* ``add_sample``: caller-thread cost per sample (the frame loop's only recording cost);
* ``finish_trial`` to durable: time until a trial's rows are written and fsynced;
* load one child's year (156 sessions) and a whole clinic (40 children x 156 sessions =
  6,240 folders, ~125,000 trials, ~2.5 M metric rows), against a naive loader (one
  ``pd.read_csv`` per file + a per-row check) measured in the same run;
* peak memory (max RSS) of a fresh process loading the clinic.

Synthetic data is written with the real codec (``schema.encode_row``) in the real folder
layout; writing 6,240 sessions through the recorder itself would mostly time fsync.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import median_seconds, report
from telemetry import schema
from telemetry.recorder import SessionRecorder, iso_utc

CHILDREN = 40
SESSIONS_PER_CHILD = 156  # 3 a week for a year
TRIALS_PER_SESSION = 20
METRICS_PER_TRIAL = 20
ACTIVITIES = ("tracing", "pinch", "sequencing")
METRIC_NAMES = [f"metric_{i:02d}" for i in range(METRICS_PER_TRIAL)]


def write_session(
    data: Path, child_id: str, start: datetime, rng: random.Random, trials: int
) -> None:
    """One synthetic session folder: session.json, trials.csv, metrics.csv (checked rows)."""
    sid = uuid.uuid4().hex
    folder = data / "sessions" / child_id / f"{start:%Y-%m-%d}_{sid}"
    folder.mkdir(parents=True)
    meta = {
        "schema_version": schema.SCHEMA_VERSION,
        "session_id": sid,
        "child_id": child_id,
        "started_at": iso_utc(start),
        "ended_at": iso_utc(start + timedelta(minutes=15)),
        "mode": "clinic",
        "app_version": "0.1.0",
        "screen": {"width_px": 1280, "height_px": 800, "width_mm": None, "height_mm": None},
        "handedness": "right",
    }
    (folder / "session.json").write_text(json.dumps(meta, indent=2))
    enc = schema.encode_row
    trial_rows = [schema.TRIALS.header_line()]
    metric_rows = [schema.METRICS.header_line()]
    for n in range(1, trials + 1):
        activity = ACTIVITIES[n % 3]
        t = iso_utc(start + timedelta(seconds=40 * n))
        trial_rows.append(
            enc((sid, child_id, activity, 1 + n % 5, n, f"item{n % 7}", "trace", t,
                 rng.uniform(2000, 9000), rng.random(), rng.randint(0, 5), n % 9 != 0))
        )
        metric_rows.extend(
            enc((sid, n, activity, name, rng.uniform(0, 100), "px")) for name in METRIC_NAMES
        )
    (folder / "trials.csv").write_bytes(b"".join(trial_rows))
    (folder / "metrics.csv").write_bytes(b"".join(metric_rows))
    for table in (schema.SAMPLES, schema.TARGETS):
        (folder / table.filename).write_bytes(table.header_line())


def make_clinic(data: Path, children: int, sessions: int, seed: int = 7) -> list[str]:
    """Write ``children`` x ``sessions`` synthetic sessions; return the child ids."""
    rng = random.Random(seed)
    ids = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(children)]
    t0 = datetime(2024, 1, 1, 9, tzinfo=timezone.utc)
    for child in ids:
        for s in range(sessions):
            start = t0 + timedelta(days=s * 7 // 3, hours=rng.randint(0, 8))
            write_session(data, child, start, rng, TRIALS_PER_SESSION)
    return ids


def naive_load(data: Path, child_ids: list[str] | None = None) -> int:
    """The obvious loader: one ``pd.read_csv`` per file, then a Python check of every row."""
    import pandas as pd

    frames = []
    for table in (schema.TRIALS, schema.METRICS):
        for path in sorted((data / "sessions").glob(f"*/*/{table.filename}")):
            if child_ids is not None and path.parent.parent.name not in child_ids:
                continue
            raw = path.read_bytes()
            lines = raw.splitlines(keepends=True)[1:]
            good = b"".join(line for line in lines if schema.row_is_valid(line))
            frames.append(pd.read_csv(io.BytesIO(table.header_line() + good)))
    return sum(len(f) for f in frames)


def bench_add_sample() -> None:
    """Caller-side cost of add_sample and finish-to-durable latency, through the real recorder."""
    tmp = Path(tempfile.mkdtemp(prefix="fm-bench-rec-"))
    try:
        rec = SessionRecorder.start(tmp, "b" * 32)
        n = 200_000
        rec.begin_trial("tracing", 1, "line")
        t_ns = time.perf_counter_ns()
        add = rec.add_sample
        t0 = time.perf_counter()
        for i in range(n):
            add(t_ns + i, 1.0, 2.0, 0, "move", "mouse")
        per_sample = (time.perf_counter() - t0) / n
        report("add_sample on the caller thread", per_sample * 1e9, "ns/sample", "append only")
        rec.finish_trial(accuracy=1.0, errors=0, completed=True)
        rec.flush()
        latencies, finish_costs = [], []
        for k in range(20):
            rec.begin_trial("tracing", 1, "line")
            for i in range(600):  # ~5 s of 120 Hz input
                add(t_ns + i, 1.0, 2.0, 0, "move", "mouse")
            t0 = time.perf_counter()
            rec.finish_trial(
                accuracy=0.5, errors=1, completed=True,
                metrics=[(f"m{j}", j * 1.0, "px") for j in range(20)],
            )
            t1 = time.perf_counter()
            rec.flush()
            latencies.append(time.perf_counter() - t0)
            finish_costs.append(t1 - t0)
            del k
        latencies.sort()
        finish_costs.sort()
        report("finish_trial on the caller thread (median)", finish_costs[10] * 1e3, "ms")
        report("finish_trial -> rows fsynced (median, 600 samples)", latencies[10] * 1e3, "ms")
        rec.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_row_check(data: Path) -> None:
    """The crc32 check alone over every metrics file: numpy blocks vs one zlib call per row."""
    from telemetry.crc_batch import block_is_valid
    from telemetry.loader import BLOCK_BYTES, check_lines

    bodies = []
    for path in sorted((data / "sessions").glob("*/*/metrics.csv")):
        raw = path.read_bytes()
        bodies.append(raw[raw.index(b"\n") + 1 :])
    blocks, current, size = [], [], 0
    for body in bodies:
        current.append(body)
        size += len(body)
        if size >= BLOCK_BYTES:
            blocks.append(b"".join(current))
            current, size = [], 0
    if current:
        blocks.append(b"".join(current))
    rows = sum(b.count(b"\n") for b in blocks)
    assert all(block_is_valid(b, b"1,") for b in blocks)
    fast = median_seconds(lambda: [block_is_valid(b, b"1,") for b in blocks], repeats=3)
    slow = median_seconds(lambda: [check_lines(b) for b in bodies], repeats=3)
    report(f"crc32 check of {rows / 1e6:.1f} M rows, numpy blocks", fast, "s")
    report("  one zlib.crc32 per row (fallback path)", slow, "s")
    report("  speed-up", slow / fast, "x")


# ru_maxrss survives execve on Linux (it would include the parent's memory at fork time), so
# read the peak of this process image from /proc where there is one.
_PEAK_CODE = """
import resource, sys, time
t0 = time.perf_counter()
from telemetry.loader import load_dataset
ds = load_dataset(sys.argv[1])
t1 = time.perf_counter()
try:
    with open("/proc/self/status") as fh:
        peak = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(len(ds.trials), len(ds.metrics), t1 - t0, peak)
"""


def bench_loader() -> None:
    """Load one child's year and a whole clinic; compare with the naive loader."""
    from telemetry.loader import load_dataset

    tmp = Path(tempfile.mkdtemp(prefix="fm-bench-load-"))
    try:
        t0 = time.perf_counter()
        ids = make_clinic(tmp, CHILDREN, SESSIONS_PER_CHILD)
        report("writing the synthetic clinic (not a budget)", time.perf_counter() - t0, "s")
        one = [ids[0]]
        ds = load_dataset(tmp, child_ids=one)
        assert len(ds.trials) == SESSIONS_PER_CHILD * TRIALS_PER_SESSION
        assert naive_load(tmp, one) == len(ds.trials) + len(ds.metrics)
        fast_one = median_seconds(lambda: load_dataset(tmp, child_ids=one), repeats=5)
        naive_one = median_seconds(lambda: naive_load(tmp, one), repeats=3)
        report("load one child, a year (156 sessions)", fast_one * 1e3, "ms", "report < 1 s")
        report("  naive loader, same data", naive_one * 1e3, "ms")
        report("  speed-up over naive", naive_one / fast_one, "x")

        fast_all = median_seconds(lambda: load_dataset(tmp), repeats=3, warmup=1)
        ds = load_dataset(tmp)
        print(
            f"  clinic: {len(ds.sessions)} sessions, {len(ds.trials)} trials, "
            f"{len(ds.metrics) / 1e6:.2f} M metric rows",
            flush=True,
        )
        report("load the whole clinic", fast_all, "s", "report < 5 s")
        del ds
        bench_row_check(tmp)
        # The naive loader over the whole clinic takes minutes: time a tenth of the children
        # and scale (files are all alike, so it is linear in the number of files).
        tenth = ids[: CHILDREN // 10]
        naive_tenth = median_seconds(lambda: naive_load(tmp, tenth), repeats=1, warmup=0)
        naive_all = naive_tenth * CHILDREN / len(tenth)
        report("  naive loader, clinic (scaled from 1/10)", naive_all, "s")
        report("  speed-up over naive", naive_all / fast_all, "x")
        out = subprocess.run(
            [sys.executable, "-c", _PEAK_CODE, str(tmp)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        ).stdout.split()
        report("clinic load in a fresh process (imports included)", float(out[2]), "s")
        report("  peak memory (max RSS) of that process", float(out[3]), "MB", "< 500 MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Print every figure of this module."""
    bench_add_sample()
    bench_loader()


if __name__ == "__main__":
    main()
