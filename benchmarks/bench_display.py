"""The engine on a real X server (Xvfb) beside the dummy driver: stamps, frame build, presents.

``make bench`` starts ``Xvfb :18`` when it is installed (and says so when it is not: then only
the dummy-driver column is printed). Each figure is the median over ``FINEMOTOR_BENCH_RUNS``
runs (default 3), each run a fresh game process (``benchmarks/xsession.py``), with the
baselines measured in the same run:

* ``engine``: the loop as it is (on X11: the present thread, SDL's native XShm framebuffer,
  input polled every 2 ms);
* ``main-thread``: the same with presents on the main thread;
* ``before``: the loop before issue 15 (SDL's default GL-texture framebuffer, flipped on the
  main thread, 2 ms polling);
* ``naive``: that with input read once a frame.

1. **Pointer stamps**: a stroke of 360 motion events 4-12 ms apart, injected through XTest
   from this process (libXtst through ctypes; this process and the game share Linux's
   monotonic clock, ``perf_counter_ns``), the time taken just before each injection, into a
   real tracing session; the stamps are read back from ``samples.csv``. Error = stamp - time
   injected, events matched by position, so losses show as "recorded" below 100 %. Under the
   dummy driver the stroke is posted from a thread in the game process instead.
2. **Presented frames a second** while that stroke is drawn.
3. **Frame build time**: the main thread's share of a frame (logic + drawing, + composing the
   window where the main thread composes), without the wait inside the present, in the
   tracing scene with a 30 s trail, the launcher's children picker, pinch (nine pegs, one
   carried by two fingers) and sequencing (a card dragged across the table).

The machine's load average is printed with the figures (other work on a shared machine moves
them). Targets (DESIGN.md): stamp error p95 < 4 ms with 100 % recorded; build p99 < 4 ms;
>= 55 presented frames a second.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from benchmarks.common import percentile
from benchmarks.xsession import POST_EVENTS, STROKE_X0, STROKE_Y0, stroke_point

DISPLAY = ":18"  # finemotor's benchmark display (other numbers are used by other work here)
ROOT = Path(__file__).resolve().parent.parent


class XTest:
    """Fake pointer input on an X display through libXtst (ctypes; no Python dependency)."""

    def __init__(self, display: str) -> None:
        self.xlib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        self.xlib.XOpenDisplay.restype = ctypes.c_void_p
        self.xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.xlib.XFlush.argtypes = [ctypes.c_void_p]
        self.xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.dpy = self.xlib.XOpenDisplay(display.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {display}")

    def move(self, x: int, y: int) -> int:
        """Move the pointer to root (x, y) now; return perf_counter_ns taken just before."""
        t = time.perf_counter_ns()
        self.xtst.XTestFakeMotionEvent(self.dpy, -1, x, y, 0)
        self.xlib.XFlush(self.dpy)
        return t

    def button(self, down: bool) -> None:
        """Press or release the left button where the pointer is."""
        self.xtst.XTestFakeButtonEvent(self.dpy, 1, int(down), 0)
        self.xlib.XFlush(self.dpy)

    def close(self) -> None:
        """Close the connection."""
        self.xlib.XCloseDisplay(self.dpy)


def _xtest_available() -> bool:
    return bool(ctypes.util.find_library("Xtst") and ctypes.util.find_library("X11"))


@contextmanager
def xvfb(display: str = DISPLAY) -> Iterator[str | None]:
    """Start ``Xvfb display`` at 1280x800 (or use one already answering there); yield the
    display, or None (with the reason printed) when there is no Xvfb or XTest."""
    if shutil.which("Xvfb") is None or not _xtest_available():
        print("  Xvfb or libXtst not installed: real-display figures skipped, dummy driver only")
        yield None
        return
    proc = None
    try:
        XTest(display).close()
        print(f"  using the X server already running on {display}")
    except RuntimeError:
        proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten",
                                 "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            time.sleep(0.05)
            try:
                XTest(display).close()
                break
            except RuntimeError:
                continue
        else:
            proc.terminate()
            print(f"  Xvfb {display} did not start: real-display figures skipped")
            yield None
            return
        print(f"  started Xvfb {display} (1280x800x24)")
    try:
        yield display
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


def _env(display: str | None) -> dict[str, str]:
    env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    env.pop("SDL_FRAMEBUFFER_ACCELERATION", None)
    if display is None:
        env["SDL_VIDEODRIVER"] = "dummy"
    else:
        env["SDL_VIDEODRIVER"] = "x11"
        env["DISPLAY"] = display
    return env


def _session(args: list[str], display: str | None, inject: bool = False) -> dict:
    """Run one xsession process; inject the XTest stroke when asked; return its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.xsession", *args, str(out)],
                                cwd=ROOT, env=_env(display), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        injected: list[int] = []
        if args[0] == "stamps":
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if line.strip() != "READY":
                proc.kill()
                raise RuntimeError(f"xsession did not start: {line}{proc.stderr.read()}")
            if inject:
                injected = _inject_stroke(display or DISPLAY)
        _, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(f"xsession {args} failed: {err.strip()}")
        result = json.loads(out.read_text())
    if args[0] == "stamps" and inject:
        result["posted"] = injected
    return result


def _inject_stroke(display: str) -> list[int]:
    """Press, POST_EVENTS moves 4-12 ms apart (times kept), lift; like xsession's poster."""
    xt = XTest(display)
    rng = np.random.default_rng(1)
    times: list[int] = []
    try:
        time.sleep(0.5)
        xt.move(STROKE_X0, STROKE_Y0)
        time.sleep(0.05)
        xt.button(True)
        for i in range(POST_EVENTS):
            time.sleep(float(rng.uniform(0.004, 0.012)))
            times.append(xt.move(*stroke_point(i)))
        time.sleep(0.02)
        xt.button(False)
    finally:
        xt.close()
    return times


def stamp_figures(result: dict) -> dict[str, float]:
    """Stamp error p50/p95/max (ms), share recorded (%) and presented frames a second."""
    index = {stroke_point(i)[0]: i for i in range(POST_EVENTS)}
    posted = result["posted"]
    errs: list[float] = []
    seen: set[int] = set()
    for t, x, _y in result["moves"]:
        i = index.get(int(round(x)))
        if i is None or i in seen or i >= len(posted):
            continue
        seen.add(i)
        errs.append((t - posted[i]) / 1e6)
    t0, t1 = posted[0], posted[-1]
    shown = sum(1 for t in result["present_at_ns"] if t0 <= t <= t1)
    return {"p50": percentile(errs, 50), "p95": percentile(errs, 95), "max": max(errs),
            "min": min(errs), "recorded": 100.0 * len(seen) / POST_EVENTS,
            "fps": shown / ((t1 - t0) / 1e9)}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def _row(label: str, values: list[float], unit: str, target: str = "") -> None:
    suffix = f"   (target {target})" if target else ""
    cells = " ".join(f"{v:>12.2f}" for v in values)
    print(f"  {label:<44} {cells} {unit}{suffix}", flush=True)


def _stamps_table(display: str | None, variants: list[str], runs: int) -> dict[str, dict]:
    figs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    for _ in range(runs):
        for v in variants:
            inject = display is not None
            res = _session(["stamps", v, "xtest" if inject else "post"], display, inject)
            figs[v].append(stamp_figures(res))
    return {v: {k: statistics.median(f[k] for f in figs[v]) for k in figs[v][0]}
            for v in variants}


def _frames_table(display: str | None, variants: list[str], scene: str, runs: int) -> dict:
    out: dict[str, dict[str, float]] = {}
    for v in variants:
        p50, p99, w99, pr50, c99 = [], [], [], [], []
        for _ in range(runs):
            res = _session(["frames", v, scene], display)
            c99.append(percentile(res["cpu_ms"][1:], 99))
            p50.append(percentile(res["build_ms"][1:], 50))
            p99.append(percentile(res["build_ms"][1:], 99))
            w99.append(percentile(res["whole_ms"][1:], 99))
            pr50.append(percentile(res["present_ms"][1:], 50))
        med = statistics.median
        out[v] = {"p50": med(p50), "p99": med(p99), "whole99": med(w99), "present50": med(pr50),
                  "cpu99": med(c99)}
    return out


def _print_stamps(title: str, table: dict[str, dict]) -> None:
    variants = list(table)
    print(f"  {title}: " + " | ".join(variants))
    for key, label, unit, target in [
        ("p50", "stamp error p50", "ms", ""), ("p95", "stamp error p95", "ms", "< 4"),
        ("max", "stamp error max", "ms", ""), ("min", "stamp error min (>= 0: never early)", "ms",
                                                ""),
        ("recorded", "motion events recorded", "%", "100"),
        ("fps", "presented frames a second while drawing", "/s", ">= 55"),
    ]:
        _row(label, [table[v][key] for v in variants], unit, target)
    if "naive" in table and "engine" in table:
        _row("ratio naive / engine (stamp p95)", [table["naive"]["p95"] / table["engine"]["p95"]],
             "x")
    if "before" in table and "engine" in table:
        _row("ratio before / engine (stamp p95)",
             [table["before"]["p95"] / table["engine"]["p95"]], "x")


def _print_frames(title: str, table: dict) -> None:
    variants = list(table)
    print(f"  {title}: " + " | ".join(variants))
    _row("frame build p50", [table[v]["p50"] for v in variants], "ms")
    _row("frame build p99 (without the present's wait)", [table[v]["p99"] for v in variants],
         "ms", "< 4")
    _row("frame build p99, main thread's CPU time", [table[v]["cpu99"] for v in variants], "ms")
    _row("whole frame on the main thread p99", [table[v]["whole99"] for v in variants], "ms")
    _row("present p50 (whichever thread)", [table[v]["present50"] for v in variants], "ms")
    if "before" in table and "engine" in table:
        _row("ratio before / engine (main thread p99)",
             [table["before"]["whole99"] / table["engine"]["whole99"]], "x")


# The scenes whose frame build time is measured (benchmarks/xsession.py sets each one up).
SCENES = {"tracing": "30 s trail", "launcher": "children picker",
          "pinch": "9 pegs, one carried", "sequencing": "a card dragged"}


def main() -> None:
    """Print the real-display and dummy-driver tables."""
    runs = int(os.environ.get("FINEMOTOR_BENCH_RUNS", "3"))
    print(f"  median of {runs} runs, each a fresh process; {_load()}")
    with xvfb() as display:
        if display is not None:
            table = _stamps_table(display, ["engine", "main-thread", "before", "naive"], runs)
            _print_stamps(f"real X server {display}, XTest stroke into tracing", table)
            print(f"  ({_load()})")
            for scene in SCENES:
                ft = _frames_table(display, ["engine", "before"], scene, runs)
                _print_frames(f"real X server, {scene} ({SCENES[scene]})", ft)
            print(f"  ({_load()})")
    table = _stamps_table(None, ["engine", "naive"], runs)
    _print_stamps("dummy driver, stroke posted from a thread into tracing", table)
    for scene in SCENES:
        _print_frames(f"dummy driver, {scene}", _frames_table(None, ["engine"], scene, runs))
    print(f"  ({_load()})")


if __name__ == "__main__":
    main()
