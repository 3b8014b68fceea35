"""Tracing figures: scoring speed, frame time with a long trail, pointer timestamp error.

1. Scoring a 10,000-sample trace on a letter (``upper_B`` at level 3) with
   :func:`games.tracing.scoring.score_trace`, medians of 31 runs with the model's geometry
   already prepared and prepared afresh (the first scoring of a model in a session), against
   the naive baseline: a plain Python loop over every sample and every model segment for the
   distances alone. Also the same trace given as the scene gives it (PointerSample objects).
2. Frame CPU time (poll + update + draw + present, ``App.frame_cpu_ns``) while the scripted
   hand draws a long trail (30 s at 120 Hz), with the scene's incremental canvas, against a
   naive scene that redraws every trail point every frame.
3. Pointer timestamps: a thread posts mouse motion events at known ``perf_counter_ns`` times
   while the real loop (``App.run``, system clock) runs the tracing scene; the error is the
   stamp the input layer gave minus the posting time. Baseline: the same loop polling input
   only once a frame.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from benchmarks.common import median_seconds, percentile, report  # noqa: E402


def _letter_trace(n: int = 10_000, seed: int = 0):
    from games.tracing.glyphs import glyph
    from games.tracing.staircase import level

    lv = level(3)
    model = glyph("upper_B").scaled(380.0, 120.0, lv.size_px)
    rng = np.random.default_rng(seed)
    t_parts, x_parts, y_parts, p_parts = [], [], [], []
    per = n // len(model)
    t0 = 0.0
    for k, stroke in enumerate(model):
        m = per if k < len(model) - 1 else n - per * (len(model) - 1)
        seg = np.hypot(*np.diff(stroke, axis=0).T)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        s = np.linspace(0.0, cum[-1], m)
        x = np.interp(s, cum, stroke[:, 0]) + rng.normal(0, 6, m)
        y = np.interp(s, cum, stroke[:, 1]) + rng.normal(0, 6, m)
        t = t0 + np.arange(m) / 500.0  # a 500 Hz pen
        ph = np.array(["move"] * m, dtype=object)
        ph[0], ph[-1] = "down", "up"
        t_parts.append(t)
        x_parts.append(x)
        y_parts.append(y)
        p_parts.append(ph)
        t0 = t[-1] + 0.4
    samples = (np.concatenate(t_parts), np.concatenate(x_parts), np.concatenate(y_parts),
               np.concatenate(p_parts))
    return model, samples, lv.tolerance_px


def bench_scoring() -> None:
    """Score a 10,000-sample trace on a letter; compare with the naive loop."""
    from games.tracing import nearest as scoring
    from games.tracing.scoring import deviations, deviations_naive, score_trace

    model, samples, tol = _letter_trace()
    xy = np.column_stack((samples[1], samples[2]))

    def cold() -> None:
        # forget the prepared model geometry: the first scoring of a model in a session
        scoring._clear_caches()
        score_trace(model, samples, tol)

    first = median_seconds(cold, repeats=31, warmup=3)
    full = median_seconds(lambda: score_trace(model, samples, tol), repeats=31, warmup=3)
    dist = median_seconds(lambda: deviations(model, xy), repeats=31, warmup=3)
    naive = median_seconds(lambda: deviations_naive(model, xy), repeats=3, warmup=0)
    assert np.allclose(deviations(model, xy), deviations_naive(model, xy), atol=1e-9)
    report("score_trace, 10,000 samples on 'B', model cached", full * 1e3, "ms", "< 5 ms")
    report("score_trace, same, model geometry prepared afresh", first * 1e3, "ms", "< 5 ms")
    report("distances only, grid + vectorised", dist * 1e3, "ms")
    report("distances only, naive Python loop (baseline)", naive * 1e3, "ms")
    report("naive / vectorised distances", naive / dist, "x")
    report("naive distances / whole score_trace, prepared afresh", naive / first, "x")

    # What the scene passes: its list of PointerSample objects (model cached).
    from engine.pointer import PointerSample

    pointer_samples = [
        PointerSample(int(round(t * 1e9)), float(x), float(y), 0, p, "mouse")
        for t, x, y, p in zip(*samples, strict=True)
    ]
    live = median_seconds(lambda: score_trace(model, pointer_samples, tol), repeats=15, warmup=2)
    report("score_trace from 10,000 PointerSample objects", live * 1e3, "ms")


def _trail_path(box, seconds: float) -> tuple[list[tuple[float, float]], float]:
    """A long wandering path over the glyph box (a Lissajous figure) and the speed that
    makes it last ``seconds``."""
    t = np.linspace(0.0, seconds, int(seconds * 400))
    cx, cy = box.center
    x = cx + 0.45 * box.w * np.sin(2 * np.pi * 0.23 * t)
    y = cy + 0.45 * box.h * np.sin(2 * np.pi * 0.31 * t + 0.7)
    length = float(np.hypot(np.diff(x), np.diff(y)).sum())
    return list(zip(x.tolist(), y.tolist(), strict=True)), length / seconds


def _frame_p99(naive: bool, seconds: float = 30.0) -> tuple[float, float, int]:
    import pygame

    from engine.settings import Settings
    from engine.testing import ScriptedHand, make_test_app
    from games.tracing.lesson import Step
    from games.tracing.scene import TracingScene

    class NaiveTrailScene(TracingScene):
        """Baseline: keeps the trail as points and redraws all of it every frame."""

        def _paint(self, pos):  # type: ignore[override]
            self.trail_pts = getattr(self, "trail_pts", [])
            self.trail_pts.append(pos)

        def draw(self, surface):  # type: ignore[override]
            surface.blit(self.background, (0, 0))
            pts = getattr(self, "trail_pts", [])
            for i in range(1, len(pts)):
                pygame.draw.line(surface, (0, 114, 178), pts[i - 1], pts[i], 12)
                pygame.draw.circle(surface, (0, 114, 178), pts[i], 6)
            bx, by = self.beetle_pos
            surface.blit(self._beetle(self.offroad), (bx - 42, by - 42))

    app = make_test_app(settings=Settings(sound_on=False))
    cls = NaiveTrailScene if naive else TracingScene
    # A closed shape traced in wandering loops never completes, so the trail keeps growing.
    scene = cls("bench", plan=[Step("circle", "trace", 0)], use_staircase=False)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    app.frame_cpu_ns.clear()
    path, speed = _trail_path(scene.box, seconds)
    hand.drag(path, speed=speed, event_hz=120.0)
    times = app.frame_times_ms()
    return percentile(times, 99), statistics.median(times), len(times)


def bench_frames() -> None:
    """Frame CPU time while a long trail is drawn: incremental canvas versus redraw-all."""
    p99, med, n = _frame_p99(naive=False)
    report(f"frame CPU p99, 30 s trail ({n} frames), cached canvas", p99, "ms", "< 4 ms")
    report("frame CPU median, cached canvas", med, "ms")
    p99n, medn, _ = _frame_p99(naive=True)
    report("frame CPU p99, redraw every trail point (baseline)", p99n, "ms")
    report("baseline / cached p99", p99n / p99, "x")


def _timestamp_errors(poll_interval_ms: float, seconds: float = 3.0) -> list[float]:
    """Stamp error of every motion sample as written to ``samples.csv`` (read back from disk)
    against the time the event was posted from a feeder thread."""
    import tempfile

    import pygame

    from engine.app import App, AppConfig
    from engine.settings import Settings
    from games.tracing.lesson import Step
    from games.tracing.scene import TracingScene
    from telemetry.loader import load_session_table
    from telemetry.recorder import SessionRecorder

    settings = Settings(sound_on=False)
    app = App(AppConfig(poll_interval_ms=poll_interval_ms), settings=settings)
    app.poll_input()
    scene = TracingScene("bench", plan=[Step("circle", "trace", 0)], use_staircase=False)
    posted: list[int] = []

    def feeder() -> None:
        time.sleep(0.2)
        cx, cy = 640, 400
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(cx, cy), button=1,
                                             touch=False, which=0))
        n = int(seconds * 120)
        rng = np.random.default_rng(1)
        for i in range(n):
            # uneven gaps, like a real device, so posts fall anywhere in the frame
            time.sleep(float(rng.uniform(0.004, 0.012)))
            pos = (cx + int(200 * np.cos(i / 30)), cy + int(200 * np.sin(i / 30)))
            posted.append(time.perf_counter_ns())
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 1),
                                                 buttons=(1, 0, 0), touch=False, which=0))
        time.sleep(0.1)
        app.quit()

    with tempfile.TemporaryDirectory() as data:
        rec = SessionRecorder.start(data, "bench", clock_ns=app.clock.now_ns)
        app.recorder = rec
        th = threading.Thread(target=feeder, daemon=True)
        th.start()
        app.run(scene)  # closing the app ends the scene, which records the trial
        th.join()
        rec.close()
        samples, _ = load_session_table(rec.folder, "samples")
    moves = samples[samples["phase"] == "move"]["t_ms"].to_numpy()
    stamps = rec.origin_ns + moves * 1e6
    k = min(len(stamps), len(posted))
    return [(float(stamps[i]) - posted[i]) / 1e6 for i in range(k)]


def bench_timestamps() -> None:
    """Stamps in samples.csv minus real event times, fast polling versus once-a-frame."""
    fast = _timestamp_errors(2.0)
    report(f"samples.csv stamp error p50, 2 ms polling ({len(fast)} events)",
           statistics.median(fast), "ms")
    report("samples.csv stamp error p99, 2 ms polling", percentile(fast, 99), "ms", "< 4 ms")
    report("samples.csv stamp error max, 2 ms polling", max(fast), "ms")
    report("samples.csv stamp error min (never before the event)", min(fast), "ms")
    slow = _timestamp_errors(1000.0 / 60.0)
    report("samples.csv stamp error p99, once-a-frame polling (baseline)",
           percentile(slow, 99), "ms")


def main() -> None:
    """Run the three tracing benchmarks."""
    bench_scoring()
    bench_frames()
    bench_timestamps()


if __name__ == "__main__":
    main()
