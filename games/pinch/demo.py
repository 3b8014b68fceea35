"""Made-up pinch boards for ``finemotor demo-data`` (``Activity.simulate``): pure numpy.

A simulated child pinches every object into its target with two fingers, through the same
files and the same scoring as the game: the board is laid out for the child's staircase level,
stored by :func:`games.pinch.record.write_board`, each finger's samples go to the recorder at
the simulated clock's times, and the trial is finished with :func:`games.pinch.score.score_round`
over the samples as stored, so a demo trial re-scores exactly from disk.

How the hand behaves (all drawn from ``trial.rng``; ``wobble`` is ``trial.wobble_px``, the
child's unsteadiness, which the demo's child profiles shrink over the weeks):

* transport time follows Fitts' law, MT = (a + b * ID) * (1 + wobble / 75) with
  ID = log2(D / W + 1), a = 0.30 s and b = 0.25 s/bit, times a log-normal noise of 15 %;
* the carry follows a minimum-jerk profile along a path that bows sideways by about
  wobble / 2 px, with a little tremor on each finger;
* before an object, a failed grasp (fingers put down already closed) with probability
  min(0.3, wobble / 250), and a drop half way with probability min(0.25, wobble / 300), so
  both become rarer as the child gets steadier;
* a grasp latency of 0.4-1.2 s before each object.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from games.kit.staircase import TrialOutcome
from games.pinch.board import Board
from games.pinch.levels import LEVELS, layout
from games.pinch.record import write_board
from games.pinch.score import Samples, score_round, trial_metrics

HZ = 100.0  # touch reports per second per finger
HALF_OPEN, HALF_CLOSED = 80.0, 30.0  # finger distance from the grip centre, px


class _Hand:
    """Collects the samples of one simulated board (ms on the recorder's clock)."""

    def __init__(self, rng: np.random.Generator, t_ms: float) -> None:
        self.rng = rng
        self.t = t_ms
        self.rows: list[tuple[float, float, float, int, str, str]] = []

    def fingers(self, cx: float, cy: float, half: float, phase: str, jitter: float) -> None:
        """Both fingers' events at one moment: about ``half`` px either side of the centre."""
        self.many([(cx, cy, half)], phase, jitter)

    def many(self, centres: list[tuple[float, float, float]], phase: str,
             jitter: float) -> None:
        """:meth:`fingers` at each ``(cx, cy, half)`` in turn, the noise drawn in one go (the
        same numbers, in the same order, as one draw per finger)."""
        n = len(centres)
        noise = self.rng.normal(0.0, jitter, (n, 2, 2))
        sides = (-1.0, 1.0)
        xs = np.round(np.array([[cx + side * half for side in sides]
                                for cx, _, half in centres]) + noise[:, :, 0], 4).tolist()
        ys = np.round(np.array([[cy, cy] for _, cy, _ in centres]) + noise[:, :, 1],
                      4).tolist()
        rows = self.rows
        step = 1000.0 / HZ - 1.0
        for (x1, x2), (y1, y2) in zip(xs, ys, strict=True):
            rows.append((round(self.t, 4), x1, y1, 1, phase, "touch"))
            self.t += 0.5  # the second finger's event comes just after the first's
            rows.append((round(self.t, 4), x2, y2, 2, phase, "touch"))
            self.t += 0.5
            self.t += step

    def wait(self, seconds: float) -> None:
        self.t += seconds * 1000.0

    def miss(self, x: float, y: float) -> None:
        """Two fingers put down already closed on the object, then lifted."""
        self.fingers(x, y, HALF_CLOSED, "down", 0.5)
        self.fingers(x, y, HALF_CLOSED, "move", 0.5)
        self.fingers(x, y, HALF_CLOSED, "up", 0.5)
        self.wait(0.3)

    def carry(self, a: tuple[float, float], b: tuple[float, float], seconds: float,
              bow: float, tremor: float) -> None:
        """Land open at ``a``, close, carry to ``b`` (minimum jerk, bowed), open and lift."""
        self.fingers(*a, HALF_OPEN, "down", tremor)
        moves = [(a[0], a[1], float(h)) for h in np.linspace(HALF_OPEN, HALF_CLOSED, 6)[1:]]
        steps = max(4, int(seconds * HZ))
        dx, dy = b[0] - a[0], b[1] - a[1]
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm
        for s in np.linspace(0.0, 1.0, steps + 1)[1:]:
            f = 10 * s**3 - 15 * s**4 + 6 * s**5
            side = bow * math.sin(math.pi * f)
            moves.append((a[0] + dx * f + nx * side, a[1] + dy * f + ny * side, HALF_CLOSED))
        moves += [(b[0], b[1], float(h)) for h in np.linspace(HALF_CLOSED, HALF_OPEN, 6)[1:]]
        self.many(moves, "move", tremor)
        self.wait(0.1)
        self.fingers(*b, HALF_OPEN, "up", tremor)


def _play(board: Board, rng: np.random.Generator, hand: _Hand, wobble: float,
          shown_ms: float) -> None:
    """Every object into a target that takes it (a drop on the way now and then)."""
    used = [0] * len(board.targets)
    slow = 1.0 + wobble / 75.0
    p_miss, p_drop = min(0.3, wobble / 250.0), min(0.25, wobble / 300.0)
    tremor = 0.5 + wobble / 40.0
    for k, p in enumerate(board.objects):
        j = next(j for j, t in enumerate(board.targets)
                 if t.takes(p.colour) and used[j] < t.capacity)
        used[j] += 1
        tgt = board.targets[j]
        hand.wait(float(rng.uniform(0.4, 1.2)))
        x, y = board.drift(k, (hand.t - shown_ms) / 1000.0) if (p.vx or p.vy) else (p.x, p.y)
        if rng.random() < p_miss:
            hand.miss(x, y)
            x, y = board.drift(k, (hand.t - shown_ms) / 1000.0) if (p.vx or p.vy) else (x, y)
        if rng.random() < p_drop:  # let go half way, then pick it up again
            mid = ((x + tgt.x) / 2, min(780.0, max(150.0, (y + tgt.y) / 2 + 60.0)))
            hand.carry((x, y), mid, 0.5, wobble / 2, tremor)
            hand.wait(0.5)
            x, y = mid
        ident = math.log2(math.hypot(tgt.x - x, tgt.y - y) / (2 * tgt.r) + 1)
        seconds = (0.30 + 0.25 * ident) * slow * float(rng.lognormal(0.0, 0.15))
        bow = float(rng.normal(0.0, wobble / 2))
        hand.carry((x, y), (tgt.x + float(rng.normal(0, tgt.r / 4)),
                            tgt.y + float(rng.normal(0, tgt.r / 4))), seconds, bow, tremor)


def simulate(trial: Any) -> None:
    """Record one made-up pinch board through ``trial.recorder`` (a
    :class:`games.kit.demo.SimTrial`) and move its clock on by the time it took."""
    from games.pinch import ITEMS, PROGRESS

    rng: np.random.Generator = trial.rng
    stairs = trial.state.setdefault("stairs", PROGRESS.fresh())
    level = LEVELS[stairs.current_level(ITEMS[0]) - 1]
    rec = trial.recorder
    board = layout(level, int(rng.integers(0, 2**31)))
    rec.begin_trial("pinch", level.number, level.board, "pinch")
    start_ns = trial.clock.mono_ns()
    shown_ms = round((start_ns - rec.origin_ns) / 1e6, 4)
    write_board(rec, board, shown_ms)
    hand = _Hand(rng, shown_ms)
    _play(board, rng, hand, max(2.0, float(trial.wobble_px)), shown_ms)
    origin = rec.origin_ns
    rec.add_samples((origin + int(round(t_ms * 1e6)), x, y, pid, phase, source)
                    for t_ms, x, y, pid, phase, source in hand.rows)
    samples = Samples.from_rows(hand.rows)
    score = score_round(samples, board, shown_ms)
    rows = trial_metrics(score, board)
    trial.clock.advance((hand.t - shown_ms) / 1000.0 + 0.5)
    rec.finish_trial(accuracy=score.accuracy, errors=score.errors, completed=score.completed,
                     metrics=rows, duration_ms=score.duration_ms)
    stairs.record_outcome(ITEMS[0], TrialOutcome(score.accuracy, score.completed))
