"""Pinch figures: scoring a board, replaying the pinch rules, frame time while carrying.

1. Scoring a 9-hole board (level 7: 9 objects) from 5,000 two-finger samples with
   :func:`games.pinch.score.score_round` + :func:`~games.pinch.score.metric_rows`, median of 31
   runs; the pinch replay alone with the numpy fast path against the naive baseline, the
   detector fed sample by sample (``engine.pinch_replay._replay_slow``), whose events it equals.
2. Frame time (the frame's thread CPU time, and its wall time ``App.frame_cpu_ns``: poll +
   update + draw + present) with 9 objects on
   the board while one is carried slowly by two scripted fingers, against a naive scene that
   redraws the table and every target each frame and rasterises each picture afresh.
"""

from __future__ import annotations

import math
import os
import statistics
import time

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from benchmarks.common import median_seconds, percentile, report  # noqa: E402


def _board_samples(n: int = 5000, seed: int = 0):  # noqa: ANN202
    """A 9-hole board and ``n`` two-finger samples that carry every peg into its hole."""
    from games.pinch.levels import layout, level
    from games.pinch.score import Samples

    board = layout(level(7), seed)
    rng = np.random.default_rng(seed)
    rows: list[tuple[float, float, float, int, str, str]] = []
    per = n // (2 * len(board.objects))
    t = 0.0
    for k, p in enumerate(board.objects):
        hole = board.targets[k]
        steps = per - 3
        rows += [(t, p.x - 70, p.y, 1, "down", "touch"),
                 (t + 0.5, p.x + 70, p.y, 2, "down", "touch")]
        t += 8
        for s in np.linspace(0, 1, steps):
            f = 10 * s**3 - 15 * s**4 + 6 * s**5
            x = p.x + (hole.x - p.x) * f + rng.normal(0, 1.5)
            y = p.y + (hole.y - p.y) * f + 12 * math.sin(math.pi * f) + rng.normal(0, 1.5)
            rows += [(t, x - 30, y, 1, "move", "touch"),
                     (t + 0.5, x + 30, y, 2, "move", "touch")]
            t += 8
        rows += [(t, hole.x - 80, hole.y, 1, "move", "touch"),
                 (t + 0.5, hole.x + 80, hole.y, 2, "move", "touch")]
        t += 100
        rows += [(t, hole.x - 80, hole.y, 1, "up", "touch"),
                 (t + 0.5, hole.x + 80, hole.y, 2, "up", "touch")]
        t += 300
    return board, Samples.from_rows(rows)


def bench_scoring() -> None:
    """Score a 9-object board from 5,000 samples; the replay against sample-by-sample."""
    from engine.pinch import PinchDetector
    from engine.pinch_replay import _replay_slow, replay
    from games.pinch.score import metric_rows, score_round

    board, s = _board_samples()
    score = score_round(s, board, 0.0)
    assert score.placed == 9 and score.accuracy == 1.0, (score.placed, score.accuracy)
    t_ns = np.round(s.t_ms * 1e6).astype(np.int64)
    args = (t_ns, s.x, s.y, s.pointer, s.phase, s.source)
    assert replay(*args).events == _replay_slow(*args, PinchDetector()).events
    full = median_seconds(lambda: metric_rows(score_round(s, board, 0.0), board),
                          repeats=31, warmup=3)
    fast = median_seconds(lambda: replay(*args), repeats=31, warmup=3)
    slow = median_seconds(lambda: _replay_slow(*args, PinchDetector()), repeats=7, warmup=1)
    cpu = []
    for _ in range(31):
        t0 = time.thread_time_ns()
        metric_rows(score_round(s, board, 0.0), board)
        cpu.append((time.thread_time_ns() - t0) / 1e6)
    report(f"score a 9-object board, {len(s.t_ms)} samples, thread CPU", statistics.median(cpu),
           "ms", "< 5 ms")
    report("same, wall time (includes waiting for a core)", full * 1e3, "ms")
    report("pinch replay, numpy fast path", fast * 1e3, "ms")
    report("pinch replay, detector per sample (baseline)", slow * 1e3, "ms")
    report("baseline / fast replay", slow / fast, "x")


def _frame_times(naive: bool, seconds: float = 8.0) -> tuple[float, float, int]:
    import pygame

    from engine.settings import Settings
    from engine.testing import ScriptedHand, make_test_app
    from games.kit.pictures import picture_path
    from games.pinch import draw
    from games.pinch.scene import PinchScene

    class NaiveScene(PinchScene):
        """Baseline: redraws the table and targets and rasterises every picture each frame."""

        def draw(self, surface: pygame.Surface) -> None:
            assert self.board is not None and self.play is not None
            surface.blit(draw.background(self.board, self.level), (0, 0))
            path = str(picture_path(draw.object_picture(self.level) or draw.STRAWBERRY))
            pos = self.play.positions(0.0)
            for p, (x, y) in zip(self.board.objects, pos, strict=True):
                img = pygame.image.load_sized_svg(path, (int(2.3 * p.r),) * 2)
                surface.blit(img, img.get_rect(center=(int(x), int(y))))
            self.draw_overlay(surface)

    app = make_test_app(settings=Settings(sound_on=False))
    # The frame's own thread CPU time as well as its wall time: on a loaded machine the wall
    # time is dominated by waiting for a core.
    cpu_ms: list[float] = []
    real_frame = app.frame

    def timed_frame() -> None:
        t0 = time.thread_time_ns()
        real_frame()
        cpu_ms.append((time.thread_time_ns() - t0) / 1e6)

    app.frame = timed_frame  # type: ignore[method-assign]
    scene = (NaiveScene if naive else PinchScene)("bench", level=7, seed=1)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    board = scene.board
    assert board is not None
    p = board.objects[0]
    app.frame_cpu_ns.clear()
    cpu_ms.clear()
    # One peg carried slowly round the table and into its hole, the 8 others lying about.
    hand.pinch((p.x, p.y), (board.targets[0].x, board.targets[0].y),
               speed=math.hypot(board.targets[0].x - p.x, board.targets[0].y - p.y) / seconds,
               open_aperture=160, closed_aperture=60)
    times = app.frame_times_ms()
    return percentile(cpu_ms, 99), percentile(times, 99), statistics.median(times), len(times)


def bench_frames() -> None:
    """Frame time with 9 objects while one is carried: cached drawing versus naive."""
    cpu99, p99, med, n = _frame_times(naive=False)
    report(f"frame thread-CPU p99, 9 objects, one carried ({n} frames)", cpu99, "ms", "< 4 ms")
    report("frame wall p99 (includes waiting for a core)", p99, "ms")
    report("frame wall median, cached drawing", med, "ms")
    cpu99n, _, _, _ = _frame_times(naive=True, seconds=2.0)
    report("frame thread-CPU p99, redraw + rasterise every frame (baseline)", cpu99n, "ms")
    report("baseline / cached thread-CPU p99", cpu99n / cpu99, "x")


def main() -> None:
    """Run the pinch benchmarks."""
    bench_scoring()
    bench_frames()
