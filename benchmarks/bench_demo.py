"""``finemotor demo-data`` speed: seconds per session, batched against play's per-trial fsync.

The same made-up sessions (same seed and end date, the real simulators, the real scoring, the
real recorder) are written twice in one run into temporary folders on the disk the benchmark
runs on:

* **batched** (what ``demo-data`` does): ``SessionRecorder.start(batch=WriteBatch())``, rows
  written on the demo's thread, one sync at the end;
* **per trial** (the baseline, how it recorded before): the recorder as in play, a writer
  thread, each finished trial fsynced before its ``trials.csv`` row.

Both run twice, alternating, so they meet the same load. Printed: the median wall and CPU
seconds per session of each, the ratio, and the 40-child, 52-week demo projected from each
(its session count comes from the demo's own schedules for that size); on a machine shared
with other work the wall figures follow the load, the CPU ones much less.
Then ``--jobs 1`` against ``--jobs 2`` (worker processes, see :mod:`games.demo_pool`): the
whole sample demo (``FINEMOTOR_BENCH_DEMO_JOBS_SIZE``, 4x8 by default) written three times
each, alternated, median wall time, with the load average before and after.
``FINEMOTOR_BENCH_DEMO_FULL=1`` also runs the whole 40 x 52 demo once (batched, all cores)
and prints its wall time and the load average before and after.

Usage: ``python -m benchmarks demo`` (``FINEMOTOR_BENCH_DEMO_SIZE=CxW`` sets the sample size,
2x8 by default).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common import report

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
FULL = (40, 52)
ROUNDS = 2


def _sessions_of(children: int, weeks: int, seed: int = 0) -> int:
    """How many sessions the demo of this size schedules (without writing anything)."""
    from games.demo_data import plan_demo

    return sum(len(plan) for plan in plan_demo(children, weeks, seed, NOW)[1])


def _per_session(folder: Path, children: int, weeks: int,
                 batched: bool) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (this process, every thread) each session took, from the end of
    the one before (so the recorder's start, the trials and the close are all counted)."""
    from games.demo_data import write_demo_data

    walls: list[float] = []
    cpus: list[float] = []
    last = [time.perf_counter(), time.process_time()]

    def tick() -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        walls.append(wall - last[0])
        cpus.append(cpu - last[1])
        last[:] = [wall, cpu]

    write_demo_data(folder, children=children, weeks=weeks, seed=0, progress=False, now=NOW,
                    on_session=tick, batched=batched)
    return walls, cpus


def _jobs_wall(folder: Path, children: int, weeks: int, jobs: int) -> float:
    """Wall seconds of a whole demo written with ``jobs`` worker processes."""
    from games.demo_data import write_demo_data

    t0 = time.perf_counter()
    write_demo_data(folder, children=children, weeks=weeks, seed=0, progress=False, now=NOW,
                    jobs=jobs)
    return time.perf_counter() - t0


def _compare_jobs(work: Path) -> None:
    """``--jobs 1`` against ``--jobs 2``: median of three alternated runs each."""
    size = os.environ.get("FINEMOTOR_BENCH_DEMO_JOBS_SIZE", "4x8")
    children, weeks = (int(v) for v in size.lower().split("x"))
    print(f"  jobs: demo {children} children x {weeks} weeks ({_sessions_of(children, weeks)} "
          f"sessions), load average before {_load()}", flush=True)
    walls: dict[int, list[float]] = {1: [], 2: []}
    for k in range(3):
        for jobs in (1, 2):
            walls[jobs].append(_jobs_wall(work / f"jobs{jobs}-{k}", children, weeks, jobs))
    one, two = (statistics.median(walls[j]) for j in (1, 2))
    report("--jobs 1: median wall of the demo", one, "s")
    report("--jobs 2: median wall of the demo", two, "s")
    report("speed-up --jobs 2 over --jobs 1, wall", one / two, "x")
    print(f"  load average after: {_load()}", flush=True)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    """Measure and print (see the module docstring)."""
    size = os.environ.get("FINEMOTOR_BENCH_DEMO_SIZE", "2x8")
    children, weeks = (int(v) for v in size.lower().split("x"))
    full_sessions = _sessions_of(*FULL)
    work = Path(tempfile.mkdtemp(prefix="finemotor-bench-demo-"))
    try:
        print(f"  demo {children} children x {weeks} weeks, load average {_load()}", flush=True)
        from games.demo_data import write_demo_data  # imports and the activities, unmeasured

        write_demo_data(work / "warm", children=1, weeks=1, progress=False, now=NOW)
        # Alternated, so both meet the same load on a shared machine.
        runs: dict[bool, tuple[list[float], list[float]]] = {True: ([], []), False: ([], [])}
        for k in range(ROUNDS):
            for mode in (True, False):
                walls, cpus = _per_session(work / f"{mode}-{k}", children, weeks, mode)
                runs[mode][0].extend(walls)
                runs[mode][1].extend(cpus)
        (bw, bc), (pw, pc) = ([statistics.median(v) for v in runs[m]] for m in (True, False))
        n = len(runs[True][0])
        report(f"batched: median wall per session ({n} sessions)", bw, "s")
        report("per-trial fsync (baseline): median wall per session", pw, "s")
        report("ratio per-trial / batched, wall", pw / bw, "x")
        report("batched: median CPU per session", bc, "s")
        report("per-trial fsync (baseline): median CPU per session", pc, "s")
        report(f"40 x 52 projected, batched ({full_sessions} sessions)", bw * full_sessions / 60,
               "min", "a few minutes")
        report("40 x 52 projected, per-trial fsync", pw * full_sessions / 60, "min")
        report("40 x 52 projected from CPU alone, batched", bc * full_sessions / 60, "min")
        print(f"  load average after: {_load()}", flush=True)
        _compare_jobs(work)
        if os.environ.get("FINEMOTOR_BENCH_DEMO_FULL") == "1":
            before = _load()
            t0 = time.perf_counter()
            result = write_demo_data(work / "full", children=FULL[0], weeks=FULL[1], seed=0,
                                     progress=False, now=NOW, jobs=os.cpu_count() or 1)
            wall = time.perf_counter() - t0
            report(f"40 x 52 actual, all cores ({result.sessions} sessions)", wall / 60, "min")
            print(f"  load average before {before}, after {_load()}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
