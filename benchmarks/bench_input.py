"""Pointer timestamp accuracy of the app loop against a naive once-a-frame loop.

A helper thread posts mouse motion events at known ``perf_counter_ns`` times (every 5 ms with
+-1.5 ms jitter, 2000 events, after one button press so they form a stroke) while

(a) finemotor's :class:`engine.app.App` runs its real loop (60 Hz frames, input polled every
    2 ms between them) with a trivial scene drawing at 1280x800, and
(b) a naive loop reads ``pygame.event.get()`` once a frame (``pygame.time.Clock.tick(60)``) and
    stamps what it gets with the time it read them.

Printed for both, side by side: p50 / p95 / max of (stamp - real post time) in ms, and the share
of motion events recorded (each event carries its index in its position, so losses and
reordering are detected). Also the App's frame CPU time p50 / p99 for the trivial scene.
Figures are medians over ``FINEMOTOR_BENCH_RUNS`` runs (default 3).
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time

import pygame

from benchmarks.common import percentile, report
from engine.app import App, AppConfig
from engine.pointer import PointerSample
from engine.scene import Scene

N_EVENTS = 2000
PERIOD_NS = 5_000_000
JITTER_NS = 1_500_000
LEAD_IN_S = 0.1  # let the loop settle before the first event


def _pos(i: int) -> tuple[int, int]:
    """A window position that encodes the event index (unique for i < 1_000 * 700)."""
    return (100 + i % 1000, 50 + i // 1000)


class _Poster(threading.Thread):
    """Posts a press and then ``N_EVENTS`` motions at jittered 5 ms intervals."""

    def __init__(self, seed: int) -> None:
        super().__init__(daemon=True)
        self.rng = random.Random(seed)
        self.times: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        time.sleep(LEAD_IN_S)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=_pos(0), button=1))
        target = time.perf_counter_ns() + PERIOD_NS
        for i in range(N_EVENTS):
            wait = target - time.perf_counter_ns()
            if wait > 0:
                # Sleep rather than spin: a spinning thread would hold the GIL and skew (a).
                time.sleep(wait / 1e9)
            t = time.perf_counter_ns()
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEMOTION, pos=_pos(i), rel=(1, 0), buttons=(1, 0, 0))
            )
            self.times.append(t)
            target += PERIOD_NS + self.rng.randint(-JITTER_NS, JITTER_NS)
        time.sleep(0.05)
        self.done.set()


class _Trivial(Scene):
    """Fills the screen and draws a moving square; quits when the poster is done."""

    def __init__(self, poster: _Poster) -> None:
        super().__init__()
        self.poster = poster
        self.t = 0.0

    def update(self, dt: float) -> None:
        self.t += dt
        if self.poster.done.is_set():
            self.app.quit()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((250, 246, 235))
        x = int(200 + 100 * (self.t % 8))
        surface.fill((40, 120, 200), (x, 300, 120, 120))


def _errors(times: list[int], stamped: list[tuple[int, int, int]]) -> tuple[list[float], float]:
    """Timestamp errors (ms) of events matched by index, and the share recorded (0..1)."""
    index = {_pos(i): i for i in range(N_EVENTS)}
    errs: list[float] = []
    seen: set[int] = set()
    last = -1
    for t_ns, x, y in stamped:
        i = index.get((x, y))
        if i is None or i in seen or i < last:
            continue  # unknown, duplicate or out of order: not counted as recorded
        seen.add(i)
        last = i
        errs.append((t_ns - times[i]) / 1e6)
    return errs, len(seen) / N_EVENTS


def _run_app(seed: int) -> tuple[list[float], float, list[float]]:
    app = App(AppConfig(size=(1280, 800)))
    samples: list[PointerSample] = []
    app.add_pointer_observer(samples.append)
    poster = _Poster(seed)
    app.input.poll()  # drop the window's own start-up events
    poster.start()
    app.run(_Trivial(poster))
    poster.join()
    moves = [(s.t_ns, int(round(s.x)), int(round(s.y))) for s in samples if s.phase == "move"]
    errs, share = _errors(poster.times, moves)
    return errs, share, app.frame_times_ms()


def _run_naive(seed: int) -> tuple[list[float], float]:
    window = pygame.display.set_mode((1280, 800))
    screen = pygame.Surface((1280, 800)).convert()
    clock = pygame.time.Clock()
    poster = _Poster(seed)
    scene = _Trivial(poster)
    pygame.event.get()
    stamped: list[tuple[int, int, int]] = []
    poster.start()
    while not poster.done.is_set():
        events = pygame.event.get()
        now = time.perf_counter_ns()
        for ev in events:
            if ev.type == pygame.MOUSEMOTION:
                stamped.append((now, ev.pos[0], ev.pos[1]))
        scene.t += 1 / 60
        scene.draw(screen)
        window.blit(screen, (0, 0))
        pygame.display.flip()
        clock.tick(60)
    poster.join()
    return _errors(poster.times, stamped)


def main() -> None:
    """Run both loops ``FINEMOTOR_BENCH_RUNS`` times and print the medians side by side."""
    runs = int(os.environ.get("FINEMOTOR_BENCH_RUNS", "3"))
    app_p50, app_p95, app_max, app_share, f50, f99 = [], [], [], [], [], []
    nv_p50, nv_p95, nv_max, nv_share = [], [], [], []
    for r in range(runs):
        errs, share, frames = _run_app(seed=r)
        app_p50.append(percentile(errs, 50))
        app_p95.append(percentile(errs, 95))
        app_max.append(max(errs))
        app_share.append(share * 100)
        f50.append(percentile(frames[1:], 50))
        f99.append(percentile(frames[1:], 99))
        errs, share = _run_naive(seed=r)
        nv_p50.append(percentile(errs, 50))
        nv_p95.append(percentile(errs, 95))
        nv_max.append(max(errs))
        nv_share.append(share * 100)
    med = statistics.median
    print(f"  {N_EVENTS} motion events every 5 ms +-1.5 ms, median of {runs} runs")
    print(f"  {'timestamp error':<30} {'App (2 ms poll)':>18} {'naive (1/frame)':>18}")
    for label, a, b in [
        ("p50 (ms)", app_p50, nv_p50),
        ("p95 (ms)", app_p95, nv_p95),
        ("max (ms)", app_max, nv_max),
        ("motion events recorded (%)", app_share, nv_share),
    ]:
        print(f"  {label:<30} {med(a):>18.3f} {med(b):>18.3f}")
    report("App timestamp error p95", med(app_p95), "ms", "< 4")
    report("naive loop timestamp error p95", med(nv_p95), "ms")
    report("ratio naive / App (p95)", med(nv_p95) / med(app_p95), "x")
    report("App motion events recorded", med(app_share), "%", "100")
    report("App frame CPU time p50 (trivial scene, 1280x800)", med(f50), "ms")
    report("App frame CPU time p99 (trivial scene, 1280x800)", med(f99), "ms", "< 4")


if __name__ == "__main__":
    main()
