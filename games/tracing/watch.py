""""Watch me" and the copy hint as timelines (pure numpy, no pygame): where the demonstrator is
``t`` seconds in, so the scene draws it and tests check it on exact geometry.

* :class:`WatchPlan`: the beetle shows how a model is formed. It sits on the first start dot
  while the dot pulses (:data:`LEAD_S`), walks stroke 1 from its start to its end in the taught
  direction, hops to the next stroke's start and waits there (:data:`GAP_S`), walks it, and so
  on in the taught stroke order, then rests at the last end (:data:`END_S`). It walks at
  :data:`SPEED_PX_S`, faster for long models so the walking never takes more than
  :data:`WALK_MAX_S` (a demo stays short: a 4-year-old watches, then wants to go).
  With reduce motion nothing moves: each stroke in turn is shown whole, with the beetle
  parked on its start, for :data:`STILL_STROKE_S` (order and direction still shown: the
  stroke's own arrows and end star are drawn with it).
* :class:`HintPlan`: the copy step's hint. A ghost finger draws the model's first stroke in
  the empty box over :data:`HINT_DRAW_S`, rests (:data:`HINT_HOLD_S`), then fades
  (:data:`HINT_FADE_S`); with reduce motion the whole stroke shows still for the same time,
  then goes. The scene plays it when the copy trial starts and again after
  :data:`HINT_REPEAT_S` of nothing drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LEAD_S = 0.8  # the beetle waits on the first start dot (pulsing) before walking
GAP_S = 0.6  # ... and at each next stroke's start
END_S = 0.6  # ... and rests at the end before the child's turn
SPEED_PX_S = 320.0  # walking speed (logical px/s)
WALK_MAX_S = 4.0  # the walking of a whole model takes at most this long
STILL_STROKE_S = 1.5  # reduce motion: each stroke is shown whole this long

HINT_DRAW_S = 1.6  # the ghost finger draws the first stroke in this long
HINT_HOLD_S = 0.5
HINT_FADE_S = 0.6
HINT_REPEAT_S = 5.0  # the hint comes back after this long with nothing drawn


def arc_lengths(stroke: np.ndarray) -> np.ndarray:
    """Cumulative length along a polyline, from 0 at its first point."""
    pts = np.asarray(stroke, dtype=float)
    return np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))))


def point_at(stroke: np.ndarray, s: float, cum: np.ndarray | None = None) -> tuple[float, float]:
    """The point at arc length ``s`` along ``stroke`` (clamped to its ends)."""
    pts = np.asarray(stroke, dtype=float)
    c = arc_lengths(pts) if cum is None else cum
    s = min(max(float(s), 0.0), float(c[-1]))
    return (float(np.interp(s, c, pts[:, 0])), float(np.interp(s, c, pts[:, 1])))


@dataclass(frozen=True)
class WatchFrame:
    """The demonstrator at one moment: which stroke it shows, where the beetle is and how far
    along that stroke it has walked (px), whether the demo is over."""

    stroke: int
    pos: tuple[float, float]
    walked: float
    done: bool = False


class WatchPlan:
    """The "watch me" timeline of a model (list of strokes in taught order and direction)."""

    def __init__(self, strokes: Sequence[np.ndarray], reduce_motion: bool = False) -> None:
        self.strokes = [np.asarray(s, dtype=float) for s in strokes]
        if not self.strokes:
            raise ValueError("a demo needs at least one stroke")
        self.cums = [arc_lengths(s) for s in self.strokes]
        self.lengths = [float(c[-1]) for c in self.cums]
        self.reduce_motion = reduce_motion
        self.speed = max(SPEED_PX_S, sum(self.lengths) / WALK_MAX_S)
        # (start time, wait before walking, walking time) of every stroke
        self.slots: list[tuple[float, float, float]] = []
        t = 0.0
        for k, length in enumerate(self.lengths):
            if reduce_motion:
                self.slots.append((t, STILL_STROKE_S, 0.0))
                t += STILL_STROKE_S
            else:
                wait = LEAD_S if k == 0 else GAP_S
                self.slots.append((t, wait, length / self.speed))
                t += wait + length / self.speed
        self.duration = t + END_S

    def at(self, t: float) -> WatchFrame:
        """Where the demo is ``t`` seconds in (past the end: the last stroke's end, done)."""
        if t >= self.duration:
            k = len(self.strokes) - 1
            return WatchFrame(k, self._pos(k, self.lengths[k]), self.lengths[k], True)
        k = 0
        for i, (start, _, _) in enumerate(self.slots):
            if t >= start:
                k = i
        start, wait, walk = self.slots[k]
        if self.reduce_motion:
            return WatchFrame(k, self._pos(k, 0.0), self.lengths[k])
        s = min(self.lengths[k], max(0.0, t - start - wait) * self.speed) if walk > 0 else 0.0
        if t >= start + wait + walk:  # resting at the last end
            s = self.lengths[k]
        return WatchFrame(k, self._pos(k, s), s)

    def walking(self, t: float) -> bool:
        """Whether the beetle is walking (not waiting on a start dot or resting) at ``t``."""
        if self.reduce_motion or t >= self.duration:
            return False
        f = self.at(t)
        start, wait, walk = self.slots[f.stroke]
        return start + wait <= t < start + wait + walk

    def _pos(self, k: int, s: float) -> tuple[float, float]:
        return point_at(self.strokes[k], s, self.cums[k])


@dataclass(frozen=True)
class HintFrame:
    """The copy hint at one moment: the ghost finger's tip, how much of the stroke is drawn
    (px), its opacity (0..1) and whether the hint is over."""

    pos: tuple[float, float]
    drawn: float
    alpha: float
    done: bool = False


class HintPlan:
    """The copy step's hint: a ghost finger drawing ``stroke`` (already placed in the box)."""

    def __init__(self, stroke: np.ndarray, reduce_motion: bool = False) -> None:
        self.stroke = np.asarray(stroke, dtype=float)
        self.cum = arc_lengths(self.stroke)
        self.length = float(self.cum[-1])
        self.reduce_motion = reduce_motion
        self.duration = HINT_DRAW_S + HINT_HOLD_S + HINT_FADE_S

    def at(self, t: float) -> HintFrame:
        """The hint ``t`` seconds in (past the end: nothing shows, done)."""
        end = point_at(self.stroke, self.length, self.cum)
        if t >= self.duration:
            return HintFrame(end, self.length, 0.0, True)
        if self.reduce_motion:  # still: the whole stroke, the finger on its start
            return HintFrame(point_at(self.stroke, 0.0, self.cum), self.length, 1.0)
        s = self.length * min(1.0, max(0.0, t) / HINT_DRAW_S)
        fade_from = HINT_DRAW_S + HINT_HOLD_S
        alpha = 1.0 if t < fade_from else max(0.0, 1.0 - (t - fade_from) / HINT_FADE_S)
        return HintFrame(point_at(self.stroke, s, self.cum), s, alpha)


def partial_stroke(stroke: np.ndarray, s: float, cum: np.ndarray | None = None) -> np.ndarray:
    """The first ``s`` px of a polyline (its points up to ``s`` and the point at ``s``)."""
    pts = np.asarray(stroke, dtype=float)
    c = arc_lengths(pts) if cum is None else cum
    keep = pts[c < s]
    end = np.array([point_at(pts, s, c)])
    return np.vstack((keep, end)) if len(keep) else end
