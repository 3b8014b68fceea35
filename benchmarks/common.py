"""Small helpers shared by the benchmarks: medians of repeated runs and figure printing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

# Code for a fresh benchmark process: ``_own_peak_kib()``, its own peak memory in KiB, the
# kernel's VmHWM (ru_maxrss would not do: Linux carries the parent's peak over fork and exec,
# so a child of a large benchmark process reports that process's). No braces: it may go in
# front of a ``str.format`` template.
OWN_PEAK_KIB = """
def _own_peak_kib():
    try:
        with open("/proc/self/status") as fh:
            return int(next(ln.split()[1] for ln in fh if ln.startswith("VmHWM:")))
    except (OSError, StopIteration, ValueError):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


def median_seconds(fn: Callable[[], object], repeats: int = 7, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` unmeasured runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def report(name: str, value: float, unit: str, target: str = "") -> None:
    """Print one figure as an aligned line."""
    suffix = f"   (target {target})" if target else ""
    print(f"  {name:<52} {value:>10.3f} {unit}{suffix}", flush=True)
