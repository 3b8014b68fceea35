"""Launcher frame CPU time and start-up time to the first presented frame.

1. **Frame CPU time** (``App.frame``: poll + update + draw + present) of the child picker (8
   children) and the activity picker, at 1280x800 under the dummy video driver, over
   ``FRAMES`` frames; p50 and p99, medians of ``FINEMOTOR_BENCH_RUNS`` runs (default 3).
   Baseline, measured in the same run: the same screens with the UI kit's caches emptied
   before every frame (fonts, rendered text, avatar pictures and the backdrop are rebuilt each
   frame and never converted), i.e. what drawing without the cache costs.
2. **Start-up**: wall time from spawning ``python -m games play --windowed
   --exit-after-first-frame`` to its exit after presenting the first frame (median of 5),
   and the process's own figure (process creation to first frame, from /proc, 10 ms ticks);
   baseline: ``python -c "import pygame"``, the floor any pygame program pays.

Targets (DESIGN.md): frame p99 < 4 ms; start-up < 1 s.
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

from benchmarks.common import percentile, report

FRAMES = 600
STARTUP_RUNS = 5
ROOT = Path(__file__).resolve().parent.parent
AVATARS = ("cat", "dog", "bear", "bunny", "frog", "owl", "fox", "panda")


def _frames(screen: str, naive: bool, data: Path) -> list[float]:
    """Frame CPU times (ms) of one launcher screen over FRAMES frames."""
    from engine import ui
    from engine.app import App, AppConfig
    from games.launcher import Launcher
    from telemetry.children import ChildrenRegistry

    app = App(AppConfig(size=(1280, 800)))
    try:
        launcher = Launcher(app, data)
        launcher.start()
        if screen == "activities":
            launcher.pick_child(ChildrenRegistry(data).list()[0])
        app.frame_cpu_ns.clear()
        for _ in range(FRAMES):
            if naive:
                ui.clear_caches()
            app.frame()
        return app.frame_times_ms()
    finally:
        app.close()
        launcher.end_session()


def _median_of_runs(fn: Callable[[], list[float]], runs: int) -> tuple[float, float]:
    p50s, p99s = [], []
    for _ in range(runs):
        times = fn()
        p50s.append(percentile(times, 50))
        p99s.append(percentile(times, 99))
    return statistics.median(p50s), statistics.median(p99s)


def _spawn_seconds(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed: {proc.stderr.strip()}")
    return elapsed, proc.stdout


def main() -> None:
    """Print the launcher's frame times and start-up time against their baselines."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from telemetry.children import ChildrenRegistry

    runs = int(os.environ.get("FINEMOTOR_BENCH_RUNS", "3"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        roster = ChildrenRegistry(data)
        for i, av in enumerate(AVATARS):
            roster.add(f"Child {i + 1}", av)

        print(f"  frame CPU time over {FRAMES} frames at 1280x800, median of {runs} runs")
        for screen in ("children", "activities"):
            p50, p99 = _median_of_runs(lambda s=screen: _frames(s, False, data), runs)
            n50, n99 = _median_of_runs(lambda s=screen: _frames(s, True, data), runs)
            report(f"{screen} picker frame p50", p50, "ms")
            report(f"{screen} picker frame p99", p99, "ms", "< 4 ms")
            report(f"{screen} picker, no caches (baseline) p50", n50, "ms")
            report(f"{screen} picker, no caches (baseline) p99", n99, "ms")
            report(f"{screen} picker baseline / cached (p50)", n50 / p50, "x")

        env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
        play = ["-m", "games", "play", "--windowed", "--data-dir", str(data),
                "--exit-after-first-frame"]
        _spawn_seconds(play, env)  # warm the file cache and the bytecode
        walls, own = [], []
        for _ in range(STARTUP_RUNS):
            wall, out = _spawn_seconds(play, env)
            walls.append(wall)
            own.append(float(out.split("first frame after ")[1].split(" ms")[0]) / 1000)
        bare = [_spawn_seconds(["-c", "import pygame"], env)[0] for _ in range(STARTUP_RUNS)]
        startup, floor = statistics.median(walls), statistics.median(bare)
        print(f"  start-up, median of {STARTUP_RUNS} runs")
        report("spawn to exit after first frame (wall)", startup * 1000, "ms", "< 1000 ms")
        report("process start to first frame (own, 10 ms ticks)",
               statistics.median(own) * 1000, "ms", "< 1000 ms")
        report('baseline: python -c "import pygame" (wall)', floor * 1000, "ms")
        report("start-up / bare pygame import", startup / floor, "x")


if __name__ == "__main__":
    main()
