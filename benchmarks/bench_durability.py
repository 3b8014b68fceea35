"""How long a finished trial is not yet saved, and what a SIGKILL inside that window loses.

Two measurements (issue 14, point 5), on the real disk of the temporary folder:

1. **The window.** Play-sized trials (a 4 s tracing trial at 120 Hz: 480 samples, 120 target
   points, 12 metrics) through the real recorder: the time ``finish_trial`` takes on the
   caller's thread, and the time from its return to ``wait_durable`` saying the trial is
   saved (its rows written and fsynced). Baseline in the same run: the same rows saved
   synchronously on the caller's thread (encode, write, fsync twice), i.e. what a frame would
   stall for if ``finish_trial`` itself waited.
2. **SIGKILL.** ``tests/helpers_recorder_child.py`` in ``returned`` mode finishes a trial every
   ~25 ms without waiting and marks each number as ``finish_trial`` returns; a thread marks it
   again once ``wait_durable`` says it is saved. The child is killed at random moments; then
   the real loader counts the trials that were returned but are not on disk (the window), and
   those acknowledged durable but not on disk (must be 0).

Usage: ``python -m benchmarks durability`` (``FINEMOTOR_BENCH_KILLS`` sets the kill count).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import percentile, report
from telemetry import schema
from telemetry.recorder import SessionRecorder
from telemetry.storage import open_private_append, write_all

ROOT = Path(__file__).resolve().parent.parent
HELPER = ROOT / "tests" / "helpers_recorder_child.py"
TRIALS = 40


def _play_trial(rec: SessionRecorder, k: int) -> None:
    rec.begin_trial("tracing", 1, "circle", "trace")
    rec.add_targets("model_path", 0, [(400 + i, 300 + i) for i in range(120)])
    t = rec.origin_ns
    for i in range(480):
        rec.add_sample(t + i * 8_333_333, 400.5 + i, 300.25 + k, 0, "move", "touch")


def _naive_save(folder: Path, rows: list[tuple[str, list[tuple[object, ...]]]]) -> float:
    """Seconds to save one trial's rows on the caller's thread: detail rows + fsync, then the
    trial row + fsync (the recorder's order), fds already open."""
    fds = {name: open_private_append(folder / f"{name}.csv") for name, _ in rows}
    try:
        t0 = time.perf_counter()
        for name, table_rows in rows[:-1]:
            write_all(fds[name], b"".join(schema.encode_row(r) for r in table_rows))
        for name, _ in rows[:-1]:
            os.fsync(fds[name])
        name, table_rows = rows[-1]
        write_all(fds[name], b"".join(schema.encode_row(r) for r in table_rows))
        os.fsync(fds[name])
        return time.perf_counter() - t0
    finally:
        for fd in fds.values():
            os.close(fd)


def bench_window(tmp: Path) -> None:
    """finish_trial cost, finish -> durable window, and the synchronous save it avoids."""
    rec = SessionRecorder.start(tmp / "data", "d" * 32)
    finish, window = [], []
    for k in range(TRIALS):
        _play_trial(rec, k)
        t0 = time.perf_counter()
        number = rec.finish_trial(
            accuracy=0.8, errors=1, completed=True,
            metrics=[(f"m{j}", j * 1.5, "px") for j in range(12)],
        )
        t1 = time.perf_counter()
        assert rec.wait_durable(number, timeout=30)
        t2 = time.perf_counter()
        finish.append(t1 - t0)
        window.append(t2 - t1)
        time.sleep(0.05)  # the child looks at the reward: the writer is idle again
    rec.close()
    naive_dir = tmp / "naive"
    naive_dir.mkdir()
    sid = "e" * 32
    naive = []
    for k in range(TRIALS):
        rows = [
            ("samples", [(sid, k, i * 8.3, 400.5 + i, 300.25, 0, "move", "touch")
                         for i in range(480)]),
            ("targets", [(sid, k, "model_path", 0, i, 400 + i, 300 + i) for i in range(120)]),
            ("metrics", [(sid, k, "tracing", f"m{j}", j * 1.5, "px") for j in range(12)]),
            ("trials", [(sid, "d" * 32, "tracing", 1, k, "circle", "trace",
                         "2026-01-01T00:00:00Z", 4000.0, 0.8, 1, True)]),
        ]
        naive.append(_naive_save(naive_dir, rows))
    med = statistics.median
    report("finish_trial on the caller thread (median)", med(finish) * 1e3, "ms")
    report("finish_trial return -> durable (median)", med(window) * 1e3, "ms")
    report("finish_trial return -> durable (p95)", percentile(window, 95) * 1e3, "ms")
    report("finish_trial return -> durable (max)", max(window) * 1e3, "ms")
    report("naive: save on the caller thread (median)", med(naive) * 1e3, "ms")
    report("naive save / finish_trial (frame stall avoided)", med(naive) / med(finish), "x")
    report("window / naive save (same work, off-thread)", med(window) / med(naive), "x")


def _markers(path: Path) -> list[int]:
    try:
        return [int(x) for x in path.read_text().split("\n")[:-1]]
    except FileNotFoundError:
        return []


def bench_sigkill(tmp: Path, kills: int) -> None:
    """Trials returned but lost vs acknowledged durable but lost, over ``kills`` SIGKILLs."""
    from telemetry.loader import load_dataset

    rng = random.Random(14)
    returned = lost_returned = durable = lost_durable = 0
    for run in range(kills):
        folder = tmp / f"kill{run}"
        folder.mkdir()
        marker = folder / "markers"
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), str(folder / "data"), "c" * 32, str(marker),
             "returned"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        want = rng.randint(2, 12)
        while len(_markers(marker)) < want and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        back = {n for n in _markers(marker) if n > 0}
        saved = set(_markers(Path(str(marker) + ".durable")))
        on_disk = set(load_dataset(folder / "data", tables=("trials",)).trials["trial"])
        returned += len(back)
        lost_returned += len(back - on_disk)
        durable += len(saved)
        lost_durable += len(saved - on_disk)
    report(f"SIGKILLs of a recorder finishing a trial every ~25 ms ({kills})", kills, "runs")
    report("trials returned by finish_trial", returned, "trials")
    report("  of those not on disk after the kill (the window)", lost_returned, "trials")
    report("trials acknowledged by wait_durable", durable, "trials")
    report("  of those not on disk after the kill", lost_durable, "trials", "0")


def main() -> None:
    """Print every figure of this module (the machine may be loaded: compare ratios)."""
    tmp = Path(tempfile.mkdtemp(prefix="fm-bench-durable-"))
    try:
        bench_window(tmp)
        bench_sigkill(tmp, int(os.environ.get("FINEMOTOR_BENCH_KILLS", "60")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
