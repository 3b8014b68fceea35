"""One measured game process for ``bench_display`` (run as ``python -m benchmarks.xsession``).

Not a ``bench_*`` module: ``bench_display`` spawns it once per run and variant, on the real X
server (``SDL_VIDEODRIVER=x11``) or the dummy driver, so every figure comes from a fresh
process with its own SDL framebuffer choice. Usage::

    python -m benchmarks.xsession stamps VARIANT INJECT OUT.json
    python -m benchmarks.xsession frames VARIANT SCENE OUT.json

``stamps``: a real tracing session (``App.run`` with the system clock, the tracing scene, the
real ``SessionRecorder``); prints ``READY`` and then takes a stroke from outside (``INJECT`` =
``xtest``: the parent injects it through XTest) or from a thread here (``post``:
``pygame.event.post``, the only way under the dummy driver). It quits 0.3 s after the stroke's
``up`` and writes the ``move`` samples *as read back from samples.csv* (stamp ns, x, y), the
post times of a ``post`` stroke, when each frame was presented, frame build and present times.

``frames``: frame build time of one scene (``tracing``: a 30 s trail drawn by the scripted
hand; ``launcher``: the children picker with 8 children; ``pinch``: level 7, nine pegs, one
carried for 8 s by two fingers; ``sequencing``: level 7, a card dragged across the table) with
a manual clock; before each frame
the previous present is waited for (outside the timing), so every frame is presented. Build
time = ``App.frame`` minus the present itself where the present runs on the main thread.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

# AppConfig fields of each variant: the engine as it is, and the baselines measured beside it.
VARIANTS: dict[str, dict[str, Any]] = {
    "engine": {},
    # the present on the main thread (SDL's native framebuffer, 2 ms polling)
    "main-thread": {"present_thread": False},
    # before issue 15: SDL's default (GL texture) framebuffer, flipped on the main thread
    "before": {"present_thread": False, "native_framebuffer": False},
    # naive: that, with input read once a frame
    "naive": {"present_thread": False, "native_framebuffer": False,
              "poll_interval_ms": 1000.0 / 60.0},
}
STROKE_X0, STROKE_Y0 = 240, 400
POST_EVENTS = 360


def stroke_point(i: int) -> tuple[int, int]:
    """The i-th motion position of the stroke: x grows by 2 px, so x alone names the event."""
    return STROKE_X0 + 2 * (i + 1), STROKE_Y0 + int(round(60 * np.sin(i / 20)))


def _config(variant: str):
    from engine.app import AppConfig

    return AppConfig(size=(1280, 800), **VARIANTS[variant])


def _poster(app, posted: list[int], ready: threading.Event) -> None:
    """The stroke from a thread (dummy driver): press, POST_EVENTS moves 4-12 ms apart, lift."""
    import pygame

    ready.wait()
    time.sleep(0.5)
    rng = np.random.default_rng(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(STROKE_X0, STROKE_Y0),
                                         button=1, touch=False, which=0))
    for i in range(POST_EVENTS):
        time.sleep(float(rng.uniform(0.004, 0.012)))
        posted.append(time.perf_counter_ns())
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=stroke_point(i), rel=(2, 0),
                                             buttons=(1, 0, 0), touch=False, which=0))
    time.sleep(0.02)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=stroke_point(POST_EVENTS - 1),
                                         button=1, touch=False, which=0))


def stamps(variant: str, inject: str) -> dict[str, Any]:
    """A real tracing session; returns what samples.csv holds and the loop's own figures."""
    from engine.app import App
    from engine.settings import Settings
    from games.tracing.scene import Step, TracingScene
    from telemetry.loader import load_session_table
    from telemetry.recorder import SessionRecorder

    app = App(_config(variant), settings=Settings(sound_on=False))
    app.poll_input()
    scene = TracingScene("bench", plan=[Step("circle", "trace", 0)], use_staircase=False)
    ready = threading.Event()
    posted: list[int] = []

    def on_sample(sample) -> None:
        if sample.phase == "up":
            threading.Timer(0.3, app.quit).start()

    app.add_pointer_observer(on_sample)
    with tempfile.TemporaryDirectory() as data:
        rec = SessionRecorder.start(data, "bench", clock_ns=app.clock.now_ns)
        app.recorder = rec
        if inject == "post":
            threading.Thread(target=_poster, args=(app, posted, ready), daemon=True).start()
        app.stack.push(scene)
        app.frame()
        ready.set()
        print("READY", flush=True)
        app.run()
        rec.close()
        samples, _ = load_session_table(rec.folder, "samples")
    moves = samples[samples["phase"] == "move"]
    t = rec.origin_ns + moves["t_ms"].to_numpy() * 1e6
    return {
        "moves": [[float(a), float(x), float(y)] for a, x, y in
                  zip(t, moves["x"].to_numpy(), moves["y"].to_numpy(), strict=True)],
        "posted": posted,
        "present_at_ns": list(app.present_at_ns),
        "present_ms": app.present_times_ms(),
        "threaded": app.presenter.threaded,
        "frames": app.frames, "presented": app.presented, "frames_busy": app.frames_busy,
    }


def _launcher_frames(app, data: Path, step) -> None:
    from games.launcher import Launcher
    from telemetry.children import ChildrenRegistry

    roster = ChildrenRegistry(data)
    for i, avatar in enumerate(("cat", "dog", "bear", "bunny", "frog", "owl", "fox", "panda")):
        roster.add(f"Child {i + 1}", avatar)
    launcher = Launcher(app, data)
    launcher.start()
    try:
        for _ in range(600):
            step()
    finally:
        launcher.end_session()


def _tracing_frames(app) -> None:
    from benchmarks.bench_tracing import _trail_path
    from engine.testing import ScriptedHand
    from games.tracing.scene import Step, TracingScene

    scene = TracingScene("bench", plan=[Step("circle", "trace", 0)], use_staircase=False)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    path, speed = _trail_path(scene.box, 30.0)
    hand.drag(path, speed=speed, event_hz=120.0)


def _pinch_frames(app):  # noqa: ANN202  (returns the measured action)
    import math

    from engine.testing import ScriptedHand
    from games.pinch.scene import PinchScene

    scene = PinchScene("bench", level=7, seed=1)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    board = scene.board
    assert board is not None
    p, hole = board.objects[0], board.targets[0]
    hand.step(5)  # the pictures are rasterised once, before the measured frames

    def carry() -> None:
        # One peg carried slowly (8 s) into its hole by two fingers, the 8 others lying about.
        hand.pinch((p.x, p.y), (hole.x, hole.y),
                   speed=math.hypot(hole.x - p.x, hole.y - p.y) / 8.0,
                   open_aperture=160, closed_aperture=60)
    return carry


def _sequencing_frames(app):  # noqa: ANN202  (returns the measured action)
    from engine.testing import ScriptedHand
    from games.sequencing.board import centre
    from games.sequencing.custom import find_routine
    from games.sequencing.scene import Options, SequencingScene

    routine = find_routine(None, "get-dressed")
    scene = SequencingScene("bench", Options([routine]), 7, seed=1)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    hand.step(5)  # the cards are drawn once, before the measured frames
    start = centre(scene.board.rect_of(scene.board.cards[0]))
    # A card dragged back and forth across the table for about 10 s, then put back.
    path = [start] + [(200.0 + 880.0 * (k % 2), 300.0) for k in range(1, 9)] + [start]
    return lambda: hand.drag(path, speed=700.0, event_hz=120.0)


def frames(variant: str, scene: str) -> dict[str, Any]:
    """Frame build times (ms) of one scene, every frame presented."""
    from engine.app import App
    from engine.clock import ManualClock
    from engine.settings import Settings

    app = App(_config(variant), clock=ManualClock(), settings=Settings(sound_on=False))
    app.poll_input()
    build: list[float] = []
    whole: list[float] = []
    cpu: list[float] = []  # the main thread's own CPU time a frame: what load does not inflate
    inner = app.frame
    presents = app.presenter.present_ns

    def frame() -> None:
        app.presenter.wait()  # the previous present, outside the timing
        n = len(presents)
        c0 = time.thread_time_ns()
        inner()
        cpu.append((time.thread_time_ns() - c0) / 1e6)
        ns = app.frame_cpu_ns[-1]
        whole.append(ns / 1e6)
        if not app.presenter.threaded and len(presents) > n:
            ns -= presents[-1]
        build.append(ns / 1e6)

    app.frame = frame  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        if scene == "launcher":
            _launcher_frames(app, Path(tmp) / "data", frame)
        elif scene in ("pinch", "sequencing"):
            action = _pinch_frames(app) if scene == "pinch" else _sequencing_frames(app)
            app.presenter.wait()
            build.clear()
            whole.clear()
            cpu.clear()
            action()
        else:
            _tracing_frames(app)
        app.presenter.wait()
        out = {"build_ms": build, "whole_ms": whole, "cpu_ms": cpu,
               "present_ms": app.present_times_ms(), "threaded": app.presenter.threaded}
        app.close()
    return out


def main(argv: list[str]) -> int:
    """Run one mode and write its JSON to the last argument."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    os.environ.setdefault("SDL_VIDEO_WINDOW_POS", "0,0")  # window = root coordinates for XTest
    mode, variant, arg, out = argv
    result = stamps(variant, arg) if mode == "stamps" else frames(variant, arg)
    Path(out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
