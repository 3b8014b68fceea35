"""Scoring a pinch round from its stored samples and board: pure numpy, no pygame.

The samples are replayed through the engine's pinch rules (:func:`engine.pinch_replay.replay`, the
same rules the live game used), and the board is played back event by event with the rules of
:mod:`games.pinch.board`. Every figure below is defined in ``docs/data-format.md``:

* a *carry* is one grip of an object up to its release; its *path* is the grip centre from the
  grip sample to the release point; *transport time* = release - grip; *path efficiency* =
  straight distance (grip point to release point) / path length; *release error* = distance
  from the release point to the centre of the nearest target that takes the object;
* *grasp latency* = grip time - the moment the hand was free (the board appearing, or the
  previous release, whichever is later);
* a release lands when it is inside a target that has room: in one that takes the object's
  colour it is *placed*; in another it is a *wrong target* (the object goes back to its start);
  outside any target (or in a full cell) it is a *drop* (the object lies where it fell);
* a *failed grasp* is a pinch that took no object: fingers that landed already closed
  (``miss``), a grip on no object, or a grip on a decoy (decoys are never taken);
* a *re-grasp* is every grip of an object after its first; an *overshoot* is each time a
  carried object leaves a target that would take it before it is released;
* Fitts: for each carry that places its object, ID = log2(D / W + 1) with D = grip point to the
  target centre and W the target's diameter, MT = transport time; throughput = mean of ID / MT;
* *accuracy* = share of the board's objects whose first release placed them; *errors* = drops +
  failed grasps + wrong targets;
* *duration* (``trials.csv`` ``duration_ms``) = the round's end (last placement, the end of a
  timed round, or the last sample of an unfinished one) - the first touch (the first ``down``
  sample); 0 when nothing touched the board. *completion time* runs from the board appearing.

Assisted play (tap an object, then tap a target) is scored from the taps (the ``down``
samples): a tap on a free object selects it, the next tap elsewhere releases it there. It has
no path, so no path, Fitts or aperture figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.pinch import PinchDetector, PinchEvent
from engine.pinch_replay import PHASE_CODES, SOURCE_CODES, replay
from games.kit import motion
from games.pinch.board import Board
from games.pinch.play import BoardPlay

_SOURCE_NAMES = {v: k for k, v in SOURCE_CODES.items()}


@dataclass(frozen=True)
class Samples:
    """A round's samples as arrays: t in ms (the samples' clock), x, y, pointer, phase and
    source codes (``PHASE_CODES``, ``SOURCE_CODES`` of :mod:`engine.pinch_replay`)."""

    t_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    pointer: np.ndarray
    phase: np.ndarray
    source: np.ndarray

    @classmethod
    def from_rows(cls, rows: Any) -> Samples:
        """From ``(t_ms, x, y, pointer, phase, source)`` rows (phase/source as text), or a
        pandas DataFrame with those columns."""
        if getattr(rows, "columns", None) is not None:
            cols = [rows[c].tolist() for c in ("t_ms", "x", "y", "pointer", "phase", "source")]
        else:
            rows = list(rows)
            cols = [list(c) for c in zip(*rows, strict=True)] if rows else [[]] * 6
        return cls(
            np.asarray(cols[0], float), np.asarray(cols[1], float), np.asarray(cols[2], float),
            np.asarray(cols[3], np.int64),
            np.array([PHASE_CODES[p] for p in cols[4]], np.int64),
            np.array([SOURCE_CODES[s] for s in cols[5]], np.int64),
        )


@dataclass
class Carry:
    """One grip of an object up to its release (or to the end of the round)."""

    obj: int
    t_grip: float
    t_release: float
    path: np.ndarray  # (k, 3): t_ms, x, y from the grip to the release point
    outcome: str  # placed, wrong, drop, held (never released)
    target: int  # the target it landed in, or -1
    latency_ms: float
    release_error: float  # px to the nearest target taking its colour (nan if not released)
    aperture: float  # finger gap at the grip (0 for a mouse or pen)
    overshoots: int = 0


@dataclass
class PinchScore:
    """A round's figures (see the module docstring for the definitions)."""

    objects: int
    placed: int
    first_right: int
    drops: int
    wrong_target: int
    failed_grasps: int
    decoy_grips: int
    regrasps: int
    overshoots: int
    completion_ms: float
    completed: bool
    source: str
    assisted: bool
    carries: list[Carry] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def accuracy(self) -> float:
        """Share of objects placed by their first release (0..1)."""
        return self.first_right / self.objects if self.objects else 0.0

    @property
    def errors(self) -> int:
        """Drops + failed grasps + wrong targets."""
        return self.drops + self.failed_grasps + self.wrong_target


def score_round(
    samples: Samples,
    board: Board,
    shown_ms: float,
    *,
    assisted: bool = False,
    detector: PinchDetector | None = None,
    end_ms: float | None = None,
) -> PinchScore:
    """Play ``board`` back from ``samples`` (see the module docstring) and score it.

    ``shown_ms`` is when the board appeared (moving objects drift from then); ``end_ms`` ends a
    timed round (objects per minute count to it), otherwise the round ends at its last
    placement or, unfinished, at its last sample.
    """
    if assisted:
        events, index, cx, cy = _taps(samples)
    else:
        track = replay(np.round(samples.t_ms * 1e6).astype(np.int64), samples.x, samples.y,
                       samples.pointer, samples.phase, samples.source,
                       detector if detector is not None else PinchDetector())
        events, index, cx, cy = track.events, track.index, track.cx, track.cy
    play = _Playback(board, shown_ms, assisted)
    for e, i in zip(events, index, strict=True):
        play.event(e, i, samples.t_ms, cx, cy)
    play.finish()
    n = len(board.objects)
    placed_times = [c.t_release for c in play.carries if c.outcome == "placed"]
    completed = n > 0 and len(placed_times) == n
    if end_ms is None:
        if completed:
            end_ms = max(placed_times)
        else:
            end_ms = float(samples.t_ms[-1]) if len(samples.t_ms) else shown_ms
    downs = samples.t_ms[samples.phase == PHASE_CODES["down"]]
    duration = max(0.0, float(end_ms) - float(downs[0])) if len(downs) else 0.0
    src = np.flatnonzero(np.bincount(samples.source, minlength=len(_SOURCE_NAMES)))
    source = _SOURCE_NAMES[int(src[0])] if len(src) == 1 else ("mixed" if len(src) else "")
    return PinchScore(
        objects=n, placed=len(placed_times), first_right=int(play.first_right.sum()),
        drops=play.drops, wrong_target=play.wrong, failed_grasps=play.failed,
        decoy_grips=play.decoy_grips, regrasps=play.regrasps,
        overshoots=sum(c.overshoots for c in play.carries),
        completion_ms=float(end_ms - shown_ms), completed=completed, source=source,
        assisted=assisted, carries=play.carries, duration_ms=duration,
    )


def _taps(s: Samples) -> tuple[list[PinchEvent], list[int], np.ndarray, np.ndarray]:
    """Assisted play: every tap (a ``down``) is a ``grip`` event; the playback turns a tap
    while an object is selected into its release."""
    events: list[PinchEvent] = []
    index: list[int] = []
    for i in np.flatnonzero(s.phase == PHASE_CODES["down"]).tolist():
        t = int(round(float(s.t_ms[i]) * 1e6))
        events.append(PinchEvent("grip", t, float(s.x[i]), float(s.y[i]), 0.0))
        index.append(i)
    nan = np.full(len(s.t_ms), np.nan)
    return events, index, nan, nan.copy()


class _Playback(BoardPlay):
    """:class:`BoardPlay` that also keeps every carry with its path."""

    def __init__(self, board: Board, shown_ms: float, assisted: bool = False) -> None:
        super().__init__(board, shown_ms, assisted)
        self.carries: list[Carry] = []
        self.grip_index = -1
        self.aperture = 0.0

    def event(self, e: PinchEvent, i: int, t_ms: np.ndarray, cx: np.ndarray, cy: np.ndarray
              ) -> None:
        t = float(t_ms[i])
        if e.kind == "miss":
            self.miss()
        elif e.kind == "grip" and self.assisted and self.held >= 0:
            self._release(e, i, t, t_ms, cx, cy)  # the second tap puts the object there
        elif e.kind == "grip":
            self.grip(e.x, e.y, t)
            self.grip_index, self.aperture = i, e.aperture
        elif e.kind == "release":
            self._release(e, i, t, t_ms, cx, cy)

    def _release(self, e: PinchEvent, i: int, t: float, t_ms: np.ndarray, cx: np.ndarray,
                 cy: np.ndarray) -> None:
        k, t_grip, (gx, gy) = self.held, self.t_grip, self.grip_xy
        if k < 0:
            self.release(e.x, e.y, t)
            return
        latency = t_grip - self.hand_free_ms
        if self.assisted:  # a tap, then a tap: no path between
            path = np.array([[t_grip, gx, gy], [t, e.x, e.y]])
        else:
            path = _path(t_ms, cx, cy, self.grip_index, i, (gx, gy), (t, e.x, e.y))
        takes = self.takes(k)
        free_targets = takes & (self.used < self.targets[:, 4])
        outcome, j = self.release(e.x, e.y, t)
        self.carries.append(Carry(
            k, t_grip, t, path, outcome, j, latency, self.release_error(k, e.x, e.y),
            self.aperture, _overshoots(path, self.targets[free_targets]),
        ))

    def finish(self) -> None:
        """An object still held when the round ends: a carry with no release."""
        if self.held >= 0:
            self.carries.append(Carry(
                self.held, self.t_grip, math.nan, np.zeros((0, 3)), "held", -1,
                self.t_grip - self.hand_free_ms, math.nan, self.aperture,
            ))


def _overshoots(path: np.ndarray, targets: np.ndarray) -> int:
    """Times the carried object went from inside one of ``targets`` (those that take it and
    have room) to outside all of them before the release."""
    if not len(targets) or len(path) < 2:
        return 0
    # (targets, points): the "any target" reduction then runs along whole rows
    dx = path[None, :, 1] - targets[:, 0, None]
    dy = path[None, :, 2] - targets[:, 1, None]
    dx *= dx
    dy *= dy
    dx += dy  # squared distances: no square roots (hypot is the slow part here)
    inside = (dx <= targets[:, 2, None] ** 2).any(axis=0)
    return int(np.count_nonzero(inside[:-1] & ~inside[1:]))


def _path(t_ms: np.ndarray, cx: np.ndarray, cy: np.ndarray, g: int, r: int,
          grip: tuple[float, float], release: tuple[float, float, float]) -> np.ndarray:
    """The carry's (t, x, y) points: the grip, every held centre between, the release point;
    samples stamped at the same time keep only the last (two fingers read in one poll)."""
    held: slice | np.ndarray = slice(g + 1, max(g + 1, r))
    keep = ~np.isnan(cx[held])
    if not keep.all():  # (a centre all the way, the usual case, needs no index)
        held = np.flatnonzero(keep) + (g + 1)
    # the grip, the held centres and the release point, filled in place
    pts = np.empty((int(np.count_nonzero(keep)) + 2, 3))
    pts[0] = (t_ms[g], grip[0], grip[1])
    pts[1:-1, 0] = t_ms[held]
    pts[1:-1, 1] = cx[held]
    pts[1:-1, 2] = cy[held]
    pts[-1] = release
    last_of_time = np.empty(len(pts), dtype=bool)
    np.not_equal(pts[1:, 0], pts[:-1, 0], out=last_of_time[:-1])
    last_of_time[-1] = True
    return pts[last_of_time]


def fitts_id(distance: float, width: float) -> float:
    """Fitts' index of difficulty log2(D / W + 1) in bits (Shannon form)."""
    return math.log2(distance / width + 1.0)


def carry_figures(c: Carry, targets: np.ndarray) -> dict[str, float]:
    """One carry's figures: transport time, path length and efficiency, velocity peaks and
    SPARC of its speed (resampled at 100 Hz, :mod:`games.kit.motion`), Fitts ID and throughput
    (placed carries only). NaN where a figure does not apply."""
    out = dict.fromkeys(("transport_time", "path_length", "path_efficiency", "velocity_peaks",
                         "sparc", "fitts_id", "throughput"), math.nan)
    if c.outcome == "held" or len(c.path) < 2:
        return out
    mt = c.t_release - c.t_grip
    out["transport_time"] = mt
    xy = c.path[:, 1:]
    # the columns as contiguous arrays: the same values as motion.path_length and
    # motion.resample_speed take from the (n, 2) view, in fewer and faster steps
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    length = float(np.hypot(x[1:] - x[:-1], y[1:] - y[:-1]).sum())
    out["path_length"] = length
    if length > 0:  # as motion.path_efficiency, without measuring the path twice
        out["path_efficiency"] = min(1.0, float(np.hypot(*(xy[-1] - xy[0]))) / length)
    speed = motion.resample_speed_xy(c.path[:, 0] / 1000.0, x, y, motion.RESAMPLE_HZ)
    if len(speed) >= 4:
        out["velocity_peaks"] = float(motion.velocity_peaks(motion.smooth(speed)))
        out["sparc"] = motion.sparc(speed)
    if c.outcome == "placed" and mt > 0:
        tx, ty, tr = targets[c.target, :3]
        ident = fitts_id(float(np.hypot(tx - xy[0, 0], ty - xy[0, 1])), 2 * float(tr))
        out["fitts_id"] = ident
        out["throughput"] = ident / (mt / 1000.0)
    return out


def metric_rows(
    score: PinchScore,
    board: Board,
    *,
    px_per_mm: float | None = None,
    left_hand: bool = False,
    timed: bool = False,
) -> list[tuple[str, float, str]]:
    """``(name, value, unit)`` rows for metrics.csv: the round's figures, then per object
    (``object_<n>_...``, n from 1) those of the carry that placed it. Path, Fitts and aperture
    figures are left out of assisted rounds (taps have no path); mm rows only when calibrated.
    """
    targets = board.target_array()
    figs = [carry_figures(c, targets) for c in score.carries]
    released = [c for c in score.carries if c.outcome != "held"]
    minutes = score.completion_ms / 60000.0
    rows: list[tuple[str, float, str]] = [
        ("completion_time", score.completion_ms, "ms"),
        ("objects", float(score.objects), "count"),
        ("objects_placed", float(score.placed), "count"),
        ("objects_per_minute", score.placed / minutes if minutes > 0 else math.nan, "1/min"),
        ("time_per_object", score.completion_ms / score.placed if score.placed else math.nan,
         "ms"),
        ("grasp_latency", _median([c.latency_ms for c in score.carries]), "ms"),
        ("transport_time", _median([f["transport_time"] for f in figs]), "ms"),
        ("release_error", _mean([c.release_error for c in released]), "px"),
        ("drops", float(score.drops), "count"),
        ("regrasps", float(score.regrasps), "count"),
        ("failed_grasps", float(score.failed_grasps), "count"),
        ("wrong_target", float(score.wrong_target), "count"),
        ("decoy_grips", float(score.decoy_grips), "count"),
        ("overshoots", float(score.overshoots), "count"),
        ("assisted", float(score.assisted), "bool"),
        ("left_hand", float(left_hand), "bool"),
        ("timed", float(timed), "bool"),
    ]
    if not score.assisted:
        rows += [
            ("path_length", _mean([f["path_length"] for f in figs]), "px"),
            ("path_efficiency", _median([f["path_efficiency"] for f in figs]), "ratio"),
            ("velocity_peaks", _mean([f["velocity_peaks"] for f in figs]), "count"),
            ("sparc", _median([f["sparc"] for f in figs]), ""),
            ("fitts_id", _mean([f["fitts_id"] for f in figs]), "bits"),
            ("throughput", _mean([f["throughput"] for f in figs]), "bits/s"),
        ]
        if score.source == "touch":
            rows.append(("aperture_at_grip", _mean([c.aperture for c in score.carries]), "px"))
    if px_per_mm:
        rows += [(name, value / px_per_mm, "mm") for name, value, unit in rows
                 if unit == "px"]
    for k in range(score.objects):
        placing = [(c, f) for c, f in zip(score.carries, figs, strict=True)
                   if c.obj == k and c.outcome == "placed"]
        if not placing:
            continue
        c, f = placing[-1]
        rows += [
            (f"object_{k + 1}_grasp_latency", c.latency_ms, "ms"),
            (f"object_{k + 1}_transport_time", f["transport_time"], "ms"),
            (f"object_{k + 1}_release_error", c.release_error, "px"),
        ]
        if not score.assisted:
            rows += [
                (f"object_{k + 1}_path_efficiency", f["path_efficiency"], "ratio"),
                (f"object_{k + 1}_velocity_peaks", f["velocity_peaks"], "count"),
                (f"object_{k + 1}_sparc", f["sparc"], ""),
                (f"object_{k + 1}_throughput", f["throughput"], "bits/s"),
            ]
    return [(n, float(v), u) for n, v, u in rows if not math.isnan(v)]


def _median(values: list[float]) -> float:
    a = [float(v) for v in values if not math.isnan(v)]
    if not a:
        return math.nan
    if 0.0 in a:  # -0.0 and 0.0 sort as equals: leave the choice between them to numpy
        return float(np.median(np.asarray(a, float)))
    # np.median without its overhead: the middle value, or the two middle values' sum halved
    # (numpy's mean of two: a + b, then / 2); without zeros, equal values have equal bits
    s = sorted(a)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def _mean(values: list[float]) -> float:
    a = np.asarray([v for v in values if not math.isnan(v)], float)
    return float(a.mean()) if len(a) else math.nan  # (np.mean's own reduction, unwrapped)


def trial_metrics(
    score: PinchScore,
    board: Board,
    *,
    px_per_mm: float | None = None,
    left_hand: bool = False,
    timed: bool = False,
) -> list[tuple[str, float, str]]:
    """Every metric row a stored board has: :func:`metric_rows`, the input source
    (``source_touch``/``source_mouse``/``source_pen``) and, on a calibrated screen, the
    calibration used (``px_per_mm``, so the mm rows can be re-scored)."""
    rows = metric_rows(score, board, px_per_mm=px_per_mm, left_hand=left_hand, timed=timed)
    rows += [(f"source_{name}", float(score.source == name), "bool")
             for name in ("touch", "mouse", "pen")]
    if px_per_mm:
        rows.append(("px_per_mm", float(px_per_mm), "px/mm"))
    return rows
