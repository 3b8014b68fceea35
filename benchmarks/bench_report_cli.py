"""Reports timed as a therapist runs them: ``finemotor report``, a fresh process each time.

The budgets (DESIGN.md, issue 15): one child's year under 1 s, the caseload of 40 children
under 5 s, both in a fresh process, warm page cache and cold (right after
``sync; echo 3 > /proc/sys/vm/drop_caches``, as root), peak memory under 500 MB.

Each figure is the median of several fresh processes (5 warm, 5 cold), with its baseline
measured in the same run, interleaved run by run so a change in the machine's load or speed
hits both alike (a speed probe before every run says how fast the cores were):

* ``finemotor report``: the command line as installed (``python -m games.cli report ...``,
  the console script's code path: child pages on every core, quick exit);
* one process: ``build_reports(..., workers=1)`` in ``python -c``, ending the usual way (the
  report before the child pages were spread over the cores).

Both read through the summary cache, up to date (a first run builds it); the in-process figure
is the same report in the benchmark's own process (imports done). The data set is
``bench_report``'s (40 children, a year, 3 sessions a week, 30 trials each).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_report import _cpu_children, drop_page_cache, ensure_data
from benchmarks.common import OWN_PEAK_KIB, report

UNTIL = "2026-11-20"
_ONE_PROCESS = """
from games.reporting import build_reports
build_reports({data!r}, {out!r}, child_ids={ids!r}, all_children={all_!r}, until={until!r},
              progress=False, overwrite=True, workers=1)
"""
# The console script's path (games.cli.run) with the peak memory of the report's process (its
# own high-water mark, VmHWM) and of its workers printed before the quick exit.
_PEAK = OWN_PEAK_KIB + """
import os, resource, sys
from games.cli import _batch_done, main
code = main({argv!r})
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(_own_peak_kib(), workers, _batch_done[0])
sys.stdout.flush()
os._exit(code)
"""


def _cli_args(data: Path, out: Path, ids: list[str] | None) -> list[str]:
    who = ["--child", *ids] if ids else ["--all"]
    return ["report", "--data-dir", str(data), "--out", str(out), *who, "--until", UNTIL,
            "--overwrite"]


def _run(argv: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and its workers, stdout) of one fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cpu0 = _cpu_children()
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return wall, _cpu_children() - cpu0, proc.stdout


_SPEED: list[float] = []  # the speed probe before every run (see _probe)


def _probe() -> float:
    """Seconds for a fixed pure-Python loop: this machine's cores change speed by up to 2x
    from minute to minute (other virtual machines on the host), so the figures come with the
    speed they were measured at."""
    t0 = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return time.perf_counter() - t0


def _medians(variants: dict[str, list[str]], runs: int,
             before: Callable[[], object] | None) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) per variant over ``runs`` interleaved fresh processes."""
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
    for _ in range(runs):
        for name, argv in variants.items():
            _SPEED.append(_probe())
            if before is not None:
                before()
            wall, cpu, _ = _run(argv)
            got[name].append((wall, cpu))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for k, v in got.items()}


def _in_process(data: Path, out: Path, ids: list[str] | None) -> float:
    """The same report in this process, modules imported and files cached: median of 3."""
    from games.reporting import build_reports

    def run() -> None:
        build_reports(data, out, child_ids=ids, all_children=ids is None, until=UNTIL,
                      progress=False, overwrite=True)

    run()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def figures(data: Path, tmp: Path, one: list[str], runs: int = 5) -> None:
    """Print the figures (see the module docstring)."""
    py = sys.executable
    can_drop = drop_page_cache()
    print("  page cache drop: " + ("sync; echo 3 > /proc/sys/vm/drop_caches" if can_drop
                                   else "not allowed (not root): cold figures skipped"),
          flush=True)
    for label, ids, budget in (("one child, a year", one, "< 1 s"),
                               ("caseload of 40", None, "< 5 s")):
        cli_out = tmp / f"cli-{bool(ids)}"
        variants = {
            "finemotor report": [py, "-m", "games.cli", *_cli_args(data, cli_out, ids)],
            "one process": [py, "-c", _ONE_PROCESS.format(
                data=str(data), out=str(tmp / f"one-{bool(ids)}"), ids=ids, all_=ids is None,
                until=UNTIL)],
        }
        print(f"  load average {os.getloadavg()[0]:.1f} before '{label}'", flush=True)
        for argv in variants.values():  # summary cache and page cache warm
            _run(argv)
        temps = [("warm", runs, None)]
        if can_drop:
            temps.append(("cold", runs, drop_page_cache))
        for temp, n, before in temps:
            m = _medians(variants, n, before)
            wall, cpu = m["finemotor report"]
            base_wall, base_cpu = m["one process"]
            report(f"{label}, {temp}: finemotor report, wall", wall, "s", budget)
            report("  CPU (user + system, with its workers)", cpu, "s")
            report(f"  one process, wall (CPU {base_cpu:.2f} s)", base_wall, "s")
            report("  one process / finemotor report, wall", base_wall / wall, "x")
        inproc = _in_process(data, tmp / f"in-{bool(ids)}", ids)
        report(f"{label}: in-process (imports done, median of 3)", inproc, "s")
        _, _, out = _run([py, "-c", _PEAK.format(argv=_cli_args(data, cli_out, ids))])
        own, workers, quick = out.strip().splitlines()[-1].split()
        report(f"{label}: peak RSS of the report process", int(own) / 1024, "MB", "< 500 MB")
        report(f"  peak RSS of its largest worker (quick exit {quick})", int(workers) / 1024,
               "MB")
        print(f"  load average {os.getloadavg()[0]:.1f} after '{label}'", flush=True)
    report("speed probe (2,000,000-step Python loop), median", statistics.median(_SPEED) * 1e3,
           "ms")
    report(f"  fastest / slowest of {len(_SPEED)}", min(_SPEED) / max(_SPEED), "x")


def main() -> None:
    """Measure and print the figures."""
    data, how = ensure_data()
    print(f"  data: {how}", flush=True)
    from telemetry.children import ChildrenRegistry

    ids = [c.child_id for c in ChildrenRegistry(data).list()]
    print(f"  {os.cpu_count()} cores; Python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        figures(data, Path(tmp), [ids[0]])


if __name__ == "__main__":
    main()
