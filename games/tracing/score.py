"""A tracing trial's score (pure numpy): :class:`TraceScore` and :func:`score_trace` (the
definitions are in :mod:`games.tracing.scoring`'s docstring)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from games.kit.motion import (
    RESAMPLE_HZ,
    ldlj,
    pen_down_xy,
    resample_speed_xy,
    smooth,
    sparc,
    velocity_peaks,
)
from games.tracing.coverage import _coverage
from games.tracing.hausdorff import model_to_samples
from games.tracing.nearest import Model, _nearest, _segments_cached

DIRECTION_FORWARD_SHARE = 0.6


# --- the score ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceScore:
    """Every per-trial tracing metric. Lengths in logical px (mm when calibrated), times in ms."""

    accuracy: float  # 0..1, time-weighted share of pen-down time in the band
    mean_deviation_px: float
    rms_deviation_px: float
    max_deviation_px: float
    coverage: float  # 0..1 share of the model path within the band of some sample
    exits: int
    completion_ms: float
    pen_lifts: int
    in_air_ms: float
    strokes_drawn: int
    start_errors: int
    direction_errors: int
    order_errors: int
    start_correct: bool
    direction_correct: bool
    order_correct: bool
    mean_speed_px_s: float
    peak_speed_px_s: float
    velocity_peaks: int
    velocity_peaks_per_stroke: float
    sparc: float  # mean over strokes, weighted by duration (NaN when no stroke is long enough)
    n_samples: int
    tolerance_px: float
    px_per_mm: float | None = None
    # Matched model stroke of each drawn stroke (-1: none), for the scene and the report.
    stroke_match: tuple[int, ...] = ()
    # Coverage of each model stroke, 0..1.
    stroke_coverage: tuple[float, ...] = ()
    ldlj: float = float("nan")  # mean over strokes, weighted by duration, like sparc
    velocity_peaks_per_s: float = 0.0  # velocity peaks / pen-down time
    # max(max_deviation, the farthest model bin centre from its nearest sample), px
    hausdorff_px: float = math.nan

    @property
    def errors(self) -> int:
        """The trial's error count: band exits plus start, direction and stroke-order errors."""
        return self.exits + self.start_errors + self.direction_errors + self.order_errors

    @property
    def formation_errors(self) -> int:
        """Start, direction and stroke-order errors (what the strict setting can block on)."""
        return self.start_errors + self.direction_errors + self.order_errors

    def metric_rows(self) -> list[tuple[str, float, str]]:
        """``(name, value, unit)`` rows for ``metrics.csv`` (mm rows only when calibrated)."""
        rows: list[tuple[str, float, str]] = [
            ("accuracy", self.accuracy, "0..1"),
            ("mean_deviation", self.mean_deviation_px, "px"),
            ("rms_deviation", self.rms_deviation_px, "px"),
            ("max_deviation", self.max_deviation_px, "px"),
            ("hausdorff", self.hausdorff_px, "px"),
            ("coverage", 100.0 * self.coverage, "%"),
            ("exits", float(self.exits), "count"),
            ("completion_time", self.completion_ms, "ms"),
            ("pen_lifts", float(self.pen_lifts), "count"),
            ("in_air_time", self.in_air_ms, "ms"),
            ("strokes_drawn", float(self.strokes_drawn), "count"),
            ("start_correct", float(self.start_correct), "bool"),
            ("direction_correct", float(self.direction_correct), "bool"),
            ("order_correct", float(self.order_correct), "bool"),
            ("start_errors", float(self.start_errors), "count"),
            ("direction_errors", float(self.direction_errors), "count"),
            ("order_errors", float(self.order_errors), "count"),
            ("mean_speed", self.mean_speed_px_s, "px/s"),
            ("peak_speed", self.peak_speed_px_s, "px/s"),
            ("velocity_peaks", float(self.velocity_peaks), "count"),
            ("velocity_peaks_per_stroke", self.velocity_peaks_per_stroke, "count"),
            ("sparc", self.sparc, ""),
            ("ldlj", self.ldlj, ""),
            ("velocity_peaks_per_s", self.velocity_peaks_per_s, "1/s"),
            ("formation_errors", float(self.formation_errors), "count"),
            ("tolerance", self.tolerance_px, "px"),
        ]
        if self.px_per_mm:
            k = 1.0 / self.px_per_mm
            rows += [
                ("mean_deviation", self.mean_deviation_px * k, "mm"),
                ("rms_deviation", self.rms_deviation_px * k, "mm"),
                ("max_deviation", self.max_deviation_px * k, "mm"),
                ("hausdorff", self.hausdorff_px * k, "mm"),
                ("mean_speed", self.mean_speed_px_s * k, "mm/s"),
                ("peak_speed", self.peak_speed_px_s * k, "mm/s"),
                ("tolerance", self.tolerance_px * k, "mm"),
            ]
        return rows

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON and the report's demo data)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _empty_score(model: Model, tol: float, px_per_mm: float | None) -> TraceScore:
    k = len(model)
    nan = float("nan")
    return TraceScore(
        accuracy=0.0, mean_deviation_px=nan, rms_deviation_px=nan, max_deviation_px=nan,
        coverage=0.0, exits=0, completion_ms=0.0, pen_lifts=0, in_air_ms=0.0, strokes_drawn=0,
        start_errors=0, direction_errors=0, order_errors=0, start_correct=False,
        direction_correct=False, order_correct=False, mean_speed_px_s=0.0, peak_speed_px_s=0.0,
        velocity_peaks=0, velocity_peaks_per_stroke=0.0, sparc=nan, n_samples=0,
        tolerance_px=tol, px_per_mm=px_per_mm, stroke_match=(), stroke_coverage=(0.0,) * k,
    )


def score_trace(
    model: Model,
    samples: Any,
    tolerance_px: float,
    px_per_mm: float | None = None,
    start_radius_px: float | None = None,
) -> TraceScore:
    """Score one tracing trial against its model path (see the module docstring)."""
    tol = float(tolerance_px)
    if not tol > 0:
        raise ValueError(f"tolerance_px must be positive, got {tolerance_px}")
    seg = _segments_cached(model)
    t, x, y, sid, bounds = pen_down_xy(samples)
    n_strokes = len(bounds) - 1
    if not n_strokes:
        return _empty_score(model, tol, px_per_mm)
    start_r = 1.5 * tol if start_radius_px is None else float(start_radius_px)
    first_idx = bounds[:-1].tolist()
    last_idx = (bounds[1:] - 1).tolist()

    near = _nearest(x, y, seg, tol)
    d = near.dist
    inside = d <= tol
    n_cov, bin_stroke = _coverage(seg, near, tol, inside, x, y)

    # Time-weighted accuracy over the intervals between samples of the same stroke; the
    # intervals from one stroke's last sample to the next one's first are the "seams".
    seams = bounds[1:-1] - 1
    dt = np.diff(t)
    np.maximum(dt, 0.0, out=dt)
    dt[seams] = 0.0
    in_f = inside.astype(float)
    half_in = in_f[1:] + in_f[:-1]
    half_in *= dt
    half_in *= 0.5
    w_in = float(half_in.sum())
    total_dt = float(dt.sum())
    accuracy = w_in / total_dt if total_dt > 0 else float(in_f.mean())
    leaves = inside[:-1] & ~inside[1:]
    exits = int(np.count_nonzero(leaves)) - int(np.count_nonzero(leaves[seams]))

    # Stroke matching: the model stroke most of a drawn stroke's in-band samples lie on.
    n_model = len(model)
    seg_stroke = seg.stroke[near.seg]
    pair_key = sid * n_model
    pair_key += seg_stroke
    if not inside.all():  # (every sample in band: no copies)
        pair_key = pair_key[inside]
    counts = np.bincount(pair_key, minlength=n_strokes * n_model).reshape(n_strokes, n_model)
    match = np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), -1)

    order_errors = out_of_turn([m for m in match.tolist() if m >= 0])

    # Start point: the first drawn stroke matched to each model stroke.
    start_errors = 0
    for k in range(n_model):
        drawn = np.flatnonzero(match == k)
        if len(drawn) and math.dist(
            (float(x[first_idx[drawn[0]]]), float(y[first_idx[drawn[0]]])),
            tuple(np.asarray(model[k], dtype=float)[0]),
        ) > start_r:
            start_errors += 1
    # Direction: share of forward progress along each model stroke, from consecutive in-band
    # samples of a drawn stroke lying on the stroke it is matched to (seam jumps ignored).
    on = inside & (seg_stroke == match[sid])
    pair = on[1:] & on[:-1]
    pair[seams] = False
    ds = np.diff(near.s)[pair]
    k_of = seg_stroke[1:][pair]
    small = np.abs(ds) <= 2.0 * tol
    ds, k_of = ds[small], k_of[small]
    # Forward and backward progress in one pass: bin 2k for forward steps, 2k + 1 for
    # backward ones (the same additions in the same order as two separate sums).
    k_of *= 2
    k_of += ds < 0
    progress = np.bincount(k_of, weights=np.abs(ds), minlength=2 * n_model)
    fwd = progress[0::2]
    back = progress[1::2]
    moved = (fwd + back) > 0
    share = np.divide(fwd, fwd + back, out=np.ones(n_model), where=moved)
    direction_errors = int(np.sum(moved & (share < DIRECTION_FORWARD_SHARE)))

    # Times.
    t_starts = t[first_idx]
    t_ends = t[last_idx]
    t_first = float(t_starts[0])
    t_last = float(t_ends[-1])
    in_air = sum((t_starts[1:] - t_ends[:-1]).tolist())

    # Speed and smoothness per stroke.
    path_len = 0.0
    down_time = 0.0
    peaks_total = 0
    peak_speed = 0.0
    sparc_vals: list[tuple[float, float]] = []
    ldlj_vals: list[tuple[float, float]] = []
    n_moving = 0
    # Step lengths over the whole trial at once; each stroke sums its own (contiguous) steps.
    # sqrt(dx^2 + dy^2) is within an ulp of np.hypot and four times faster.
    steps = np.diff(x)
    steps *= steps
    dy_steps = np.diff(y)
    dy_steps *= dy_steps
    steps += dy_steps
    np.sqrt(steps, out=steps)
    for a, b in zip(first_idx, bounds[1:].tolist(), strict=True):
        st, sx, sy = t[a:b], x[a:b], y[a:b]
        if b - a >= 2:
            path_len += float(steps[a : b - 1].sum())
            down_time += float(st[-1] - st[0])
        v = resample_speed_xy(st, sx, sy, RESAMPLE_HZ)
        if len(v) == 0:
            continue
        n_moving += 1
        vs = smooth(v)
        peak_speed = max(peak_speed, float(vs.max()))
        peaks_total += velocity_peaks(vs)
        sp = sparc(v)
        if sp == sp:
            sparc_vals.append((sp, float(st[-1] - st[0])))
        lj = ldlj(v)
        if math.isfinite(lj):
            ldlj_vals.append((lj, float(st[-1] - st[0])))
    sparc_mean = _duration_weighted(sparc_vals)
    ldlj_mean = _duration_weighted(ldlj_vals)

    bins_per_stroke = np.bincount(bin_stroke, minlength=n_model)
    covered_per_stroke = np.bincount(bin_stroke, weights=n_cov, minlength=n_model)
    per_stroke_cov = tuple(
        c / n if n else 0.0
        for c, n in zip(covered_per_stroke.tolist(), bins_per_stroke.tolist(), strict=True)
    )
    return TraceScore(
        accuracy=float(min(1.0, max(0.0, accuracy))),
        mean_deviation_px=float(d.mean()),
        rms_deviation_px=float(np.sqrt(np.mean(d * d))),
        max_deviation_px=float(d.max()),
        coverage=float(n_cov.mean()),
        exits=exits,
        completion_ms=(t_last - t_first) * 1e3,
        pen_lifts=n_strokes - 1,
        in_air_ms=in_air * 1e3,
        strokes_drawn=n_strokes,
        start_errors=start_errors,
        direction_errors=direction_errors,
        order_errors=order_errors,
        start_correct=start_errors == 0,
        direction_correct=direction_errors == 0,
        order_correct=order_errors == 0,
        mean_speed_px_s=path_len / down_time if down_time > 0 else 0.0,
        peak_speed_px_s=peak_speed,
        velocity_peaks=peaks_total,
        velocity_peaks_per_stroke=peaks_total / n_moving if n_moving else 0.0,
        sparc=sparc_mean,
        ldlj=ldlj_mean,
        velocity_peaks_per_s=peaks_total / down_time if down_time > 0 else 0.0,
        n_samples=int(len(t)),
        tolerance_px=tol,
        px_per_mm=px_per_mm,
        stroke_match=tuple(int(m) for m in match),
        stroke_coverage=per_stroke_cov,
        hausdorff_px=max(float(d.max()), model_to_samples(seg, near, x, y)),
    )


def _duration_weighted(values: list[tuple[float, float]]) -> float:
    """The mean of (value, stroke duration) pairs weighted by duration (NaN for none)."""
    if not values:
        return float("nan")
    w = np.array([b for _, b in values])
    vals = np.array([a for a, _ in values])
    # the weighted mean as np.average computes it, without its argument checks
    w_sum = w.sum()
    return float((vals * w).sum() / w_sum) if w_sum > 0 else float(vals.mean())


def out_of_turn(order: list[int]) -> int:
    """How many drawn strokes came out of their turn: the drawn strokes (their matched model
    stroke numbers, in drawing order) minus the longest run that keeps the model's order
    (a longest non-decreasing subsequence; drawing a stroke again is not an order error).

    A capital H drawn left, crossbar, right (0, 2, 1) has one stroke out of turn, not two.
    """
    import bisect

    tails: list[int] = []  # tails[k]: the smallest last value of a run of length k + 1
    for m in order:
        k = bisect.bisect_right(tails, m)
        if k == len(tails):
            tails.append(m)
        else:
            tails[k] = m
    return len(order) - len(tails)
