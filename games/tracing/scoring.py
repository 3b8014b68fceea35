"""Tracing scores as pure numpy functions (no pygame): a trial can be re-scored from raw data.

Main entry point::

    score_trace(model, samples, tolerance_px, px_per_mm=None, start_radius_px=None)
        -> TraceScore

* ``model``: the model path as drawn on screen, a sequence of strokes in teaching order, each a
  ``(M, 2)`` float array of logical (x, y) points in drawing direction (``M >= 2``).
* ``samples``: the pointer samples of the trial, in time order, in any of these forms:

  - a tuple ``(t_s, x, y, phase)`` of equal-length arrays; ``phase`` holds ``"down"``,
    ``"move"``, ``"up"`` or the codes 0, 1, 2;
  - a numpy structured array with fields ``x``, ``y``, ``phase`` and one of ``t_s``, ``t_ms``,
    ``t_ns`` (e.g. rows of ``samples.csv``);
  - a sequence of :class:`engine.pointer.PointerSample`-like objects (``t_ns, x, y, phase``).

  A stroke runs from a ``down`` sample to the next ``up`` sample (inclusive); ``move`` samples
  outside a stroke (a mouse hovering) are ignored.
* ``tolerance_px``: half-width of the tolerance band ("the road") around the model path.
* ``px_per_mm``: screen calibration; when given, lengths and speeds are also reported in mm.
* ``start_radius_px``: how near a stroke's first touch must be to the model stroke's start
  (default ``1.5 * tolerance_px``).

:class:`TraceScore` holds every metric (see its fields) and ``metric_rows()`` returns the
``(name, value, unit)`` rows for ``metrics.csv``. ``score.accuracy`` (time-weighted share of
pen-down time inside the band) and ``score.errors`` (exits + start + direction + order errors)
go into ``trials.csv``.

Definitions (``docs/therapist-guide.md`` explains them for therapists):

* deviation of a sample = exact Euclidean distance to the nearest point of the model polyline;
* accuracy = time-weighted share of pen-down time inside the band (each interval between two
  samples of a stroke counts half for each end's in/out state);
* coverage = share of the model path's length within ``tolerance_px`` of some pen-down sample;
* exits = in-band to out-of-band transitions within strokes;
* each drawn stroke is matched to the model stroke most of its in-band samples lie on; stroke
  order is correct when the matched sequence only repeats the current stroke or moves to the
  next one; a model stroke's start is correct when the first drawn stroke matched to it starts
  within ``start_radius_px`` of its start; its direction is correct when at least 60 % of the
  progress along it (arc length of the nearest model point, big jumps ignored) is forwards;
* speed and smoothness are computed per stroke on positions resampled to a uniform 100 Hz
  (pointer events arrive unevenly); velocity peaks are counted on the speed smoothed over 50 ms
  with a 10 %-of-peak hysteresis; SPARC follows Balasubramanian et al. 2015 (cut-off 10 Hz,
  amplitude threshold 0.05, zero-padding to 2^(ceil(log2 n) + 4) points); more negative is less
  smooth, a smooth reach scores about -1.4 to -1.6.

Copy mode (freehand drawing of a pre-writing shape) uses :func:`score_copy` and the Beery-VMI-
like rules in :func:`copy_rule_check`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from games.kit.motion import (
    RESAMPLE_HZ,
    as_arrays,
    pen_down_xy,
    resample_speed_xy,
    smooth,
    sparc,
    split_strokes,
    velocity_peaks,
)

Model = Sequence[np.ndarray]

DIRECTION_FORWARD_SHARE = 0.6

_GRID_MAX_CELLS = 300
_GRID_MAX_CAND = 8
_COVER_BIN_PX = 1.0


# --- model geometry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segments:
    a: np.ndarray  # (S, 2) start points
    u: np.ndarray  # (S, 2) direction vectors (b - a)
    length: np.ndarray  # (S,)
    inv_l2: np.ndarray  # (S,) 1 / |u|^2 (0 for degenerate segments)
    stroke: np.ndarray  # (S,) model stroke index
    s0: np.ndarray  # (S,) global arc length at the segment start
    stroke_s0: np.ndarray  # (K,) global arc length at each stroke's start
    stroke_len: np.ndarray  # (K,)
    total: float
    has_overlap: bool  # some stretch of the path is drawn twice (retraced)
    ax: np.ndarray  # contiguous copies of a[:, 0] ... for fast gathers
    ay: np.ndarray
    ux: np.ndarray
    uy: np.ndarray
    wx: np.ndarray  # u * inv_l2: the projection t of p is (p - a) . w
    wy: np.ndarray
    # Lazily prepared helpers (candidate grids per band width, coverage bins), filled on first
    # use: a scene scores the same model again and again, so they are built once per model.
    prep: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


def _has_overlap(a: np.ndarray, u: np.ndarray, length: np.ndarray) -> bool:
    """True if two non-adjacent segments run along each other (a retraced stretch).

    Tested on segment midpoints against every other segment (models have tens of segments).
    """
    n = len(length)
    if n < 2:
        return False
    mid = a + u * 0.5
    dx = mid[:, None, 0] - a[None, :, 0]
    dy = mid[:, None, 1] - a[None, :, 1]
    l2 = length * length
    t = np.clip(np.divide(dx * u[None, :, 0] + dy * u[None, :, 1], l2[None, :],
                          out=np.zeros((n, n)), where=l2[None, :] > 0), 0.0, 1.0)
    ex = dx - t * u[None, :, 0]
    ey = dy - t * u[None, :, 1]
    near = (ex * ex + ey * ey) < 1.0
    # Every midpoint lies on its own segment; nothing else near means no overlap (the usual
    # case, decided without the masks below).
    if np.count_nonzero(near) <= n:
        return False
    idx = np.arange(n)
    apart = np.abs(idx[:, None] - idx[None, :]) > 1
    # Neighbours overlap only when the path folds back on itself.
    folds = (u[:, None, 0] * u[None, :, 0] + u[:, None, 1] * u[None, :, 1]) < 0
    near &= apart | folds
    near &= idx[:, None] != idx[None, :]
    return bool(near.any())


def _segments(model: Model) -> _Segments:
    a_list, b_list, k_list = [], [], []
    for k, stroke in enumerate(model):
        pts = np.asarray(stroke, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 2:
            raise ValueError(f"model stroke {k} must be an (M, 2) array with M >= 2")
        a_list.append(pts[:-1])
        b_list.append(pts[1:])
        k_list.append(np.full(len(pts) - 1, k))
    if not a_list:
        raise ValueError("the model has no strokes")
    a = np.concatenate(a_list)
    u = np.concatenate(b_list) - a
    length = np.hypot(u[:, 0], u[:, 1])
    l2 = length * length
    inv_l2 = np.divide(1.0, l2, out=np.zeros_like(l2), where=l2 > 0)
    stroke = np.concatenate(k_list)
    s0 = np.concatenate(([0.0], np.cumsum(length)[:-1]))
    n_str = len(model)
    stroke_len = np.bincount(stroke, weights=length, minlength=n_str)
    stroke_s0 = np.concatenate(([0.0], np.cumsum(stroke_len)[:-1]))
    wx, wy = u[:, 0] * inv_l2, u[:, 1] * inv_l2
    return _Segments(
        a, u, length, inv_l2, stroke, s0, stroke_s0, stroke_len, float(length.sum()),
        _has_overlap(a, u, length),
        *(np.ascontiguousarray(c) for c in (a[:, 0], a[:, 1], u[:, 0], u[:, 1])),
        wx, wy,
    )


_SEG_CACHE: dict[bytes, _Segments] = {}
_SEG_CACHE_MAX = 16


def _segments_cached(model: Model) -> _Segments:
    """:func:`_segments` memoised on the model's exact coordinates (small LRU)."""
    arrays = [np.ascontiguousarray(m, dtype=float) for m in model]
    # The shapes go into the key too, so [[a, b], [c, d]] and [[a, b, c, d]] differ.
    key = b"|".join(np.array(a.shape).tobytes() + a.tobytes() for a in arrays)
    seg = _SEG_CACHE.pop(key, None)
    if seg is None:
        seg = _segments(arrays)
    _SEG_CACHE[key] = seg  # most recent last
    if len(_SEG_CACHE) > _SEG_CACHE_MAX:
        _SEG_CACHE.pop(next(iter(_SEG_CACHE)))
    return seg


def _clear_caches() -> None:
    """Forget every prepared model (benchmarks use it to time a model's first scoring)."""
    _SEG_CACHE.clear()


# Points are processed in chunks so the (S, chunk) temporaries stay small: arrays above
# ~128 kB are mmapped and page-faulted afresh on every call, which costs more than the
# arithmetic (measured: a 160 kB temporary costs ten times a 80 kB one).
_CHUNK_ELEMENTS = 8192


def _chunk(width: int, elements: int = _CHUNK_ELEMENTS) -> int:
    """Points per chunk so a (width, chunk) float64 temporary holds about ``elements``."""
    return max(64, elements // max(1, width))


def _pair_geometry(
    px: np.ndarray, py: np.ndarray, seg: _Segments, cand: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Points (n,) against candidate segments (K, n), or every segment (S, n) if ``cand`` is None.

    Returns the squared distance to each segment and the clamped parameter ``t`` along it.
    Every path that picks a nearest segment uses this one formula, so the candidate grid and
    the all-segments comparison give bit-identical distances (and the same tie-breaks). The
    candidate axis comes first so the per-point reductions run over contiguous rows.
    """
    if cand is None:
        ax, ay = seg.ax[:, None], seg.ay[:, None]
        ux, uy, wx, wy = seg.ux[:, None], seg.uy[:, None], seg.wx[:, None], seg.wy[:, None]
    else:
        # one conversion to a contiguous native index instead of one per gather below
        cand = np.ascontiguousarray(cand, dtype=np.intp)
        ax, ay = seg.ax[cand], seg.ay[cand]
        ux, uy, wx, wy = seg.ux[cand], seg.uy[cand], seg.wx[cand], seg.wy[cand]
    return _sq_dist_in_place(px - ax, py - ay, ux, uy, wx, wy)


def _sq_dist_in_place(dx: np.ndarray, dy: np.ndarray, ux: np.ndarray, uy: np.ndarray,
                      wx: np.ndarray, wy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared distances from points to segments and the clamped projection parameter ``t``.

    ``dx, dy`` are point minus segment start (both are overwritten: the result is ``dx``);
    ``u`` is the segment vector, ``w`` the vector over its squared length. In place, because
    this runs over (samples x candidates) and (cells x segments) arrays.
    """
    t = dx * wx
    t += dy * wy
    np.clip(t, 0.0, 1.0, out=t)
    dx -= t * ux
    dy -= t * uy
    dx *= dx
    dy *= dy
    dx += dy
    return dx, t


@dataclass(frozen=True)
class _Nearest:
    dist: np.ndarray  # (n,) distance to the model
    seg: np.ndarray  # (n,) index of the nearest segment
    s: np.ndarray  # (n,) global arc length of the nearest model point


# Grid cells per model box (cell side at least _GRID_MIN_CELL px); the cells' candidate lists
# are only computed for cells that samples actually fall in.
_GRID_TARGET_CELLS = 2048
_GRID_MIN_CELL = 4.0
# Cells with more candidates than this compare their points with every segment instead.
_GRID_MAX_CAND = 12
# Points are processed in groups of equal (padded) candidate count: few groups, little padding.
_BUCKET_OF = np.array([0, 1, 2, 3, 4, 6, 6, 8, 8, 12, 12, 12, 12, 0], dtype=np.int8)


_DEVIATION_MARGIN_PX = 32.0
_FILL_CHUNK_ELEMENTS = 32768


class _Grid:
    """A uniform grid over a model's box (+ margin) with, per cell, the segments that can be
    the nearest one for some point of the cell, filled lazily.

    A cell's list is in ascending segment order and padded with its first segment, so a strict
    "smaller than" scan over any prefix that holds the whole list finds the lowest-index
    nearest segment, as an ``argmin`` over every segment would.
    """

    def __init__(self, seg: _Segments, margin: float) -> None:
        pts = np.concatenate((seg.a, seg.a + seg.u))
        lo = pts.min(axis=0) - (margin + 2.0)
        hi = pts.max(axis=0) + (margin + 2.0)
        span = hi - lo
        self.cell = max(_GRID_MIN_CELL, math.sqrt(span[0] * span[1] / _GRID_TARGET_CELLS))
        self.nx = max(1, int(math.ceil(span[0] / self.cell)))
        self.ny = max(1, int(math.ceil(span[1] / self.cell)))
        self.lo_x, self.lo_y = float(lo[0]), float(lo[1])
        n_cells = self.nx * self.ny
        # -1: not computed yet; _GRID_MAX_CAND + 1: too many candidates. Small integer types
        # keep the tables small (fresh arrays above ~128 kB are slow, see _CHUNK_ELEMENTS).
        self.count = np.full(n_cells, -1, dtype=np.int16)
        self.seg_dtype = np.int16 if len(seg.length) < 2**15 else np.int32
        self.cand = np.zeros((n_cells, _GRID_MAX_CAND), dtype=self.seg_dtype)
        # float32 segment geometry relative to the grid's corner, (S, 1) for broadcasting,
        # and a slack well above float32 rounding at this size
        self.slack = 0.01 + 4e-6 * float(span.max())
        self.seg32 = tuple(
            np.asarray(c, dtype=np.float32)[:, None]
            for c in (seg.ax - self.lo_x, seg.ay - self.lo_y, seg.ux, seg.uy, seg.wx, seg.wy)
        )

    def fill(self, seg: _Segments, cells: np.ndarray) -> None:
        """Compute the candidate lists of ``cells`` (flat cell indices).

        A segment can be nearest for some point of a cell only if its distance from the cell
        centre, minus the half-diagonal, is below the best distance plus the half-diagonal.
        The test runs in float32 (it only has to keep every segment that can be nearest, and
        a small slack covers float32 rounding); the distances that count are computed in
        float64 later.
        """
        cell = self.cell
        pad = np.float32(cell * math.sqrt(2.0) * (1.0 + 1e-5) + self.slack)
        ax, ay, ux, uy, wx, wy = self.seg32
        # float32 (S, cells) temporaries of at most ~128 kB, in chunks of equal size
        n_chunks = -(-len(cells) * len(seg.length) // _FILL_CHUNK_ELEMENTS)
        step = max(1, -(-len(cells) // n_chunks))
        for i in range(0, len(cells), step):
            ids = cells[i : i + step]
            cx = ((ids // self.ny + 0.5) * cell).astype(np.float32)
            cy = ((ids % self.ny + 0.5) * cell).astype(np.float32)
            d2, _ = _sq_dist_in_place(cx - ax, cy - ay, ux, uy, wx, wy)
            dc = np.sqrt(d2, out=d2)
            ok = (dc <= dc.min(axis=0) + pad).T  # (cells, segments)
            n_ok = ok.sum(axis=1)
            rows, cols = np.nonzero(ok)  # row-major: each cell's segments in ascending order
            first = np.zeros(len(ids), dtype=np.int64)
            np.cumsum(n_ok[:-1], out=first[1:])
            pos = np.arange(len(rows)) - first[rows]
            fits = pos < _GRID_MAX_CAND
            # every row starts as its first segment repeated: the padding of short lists
            table = np.empty((len(ids), _GRID_MAX_CAND), dtype=self.seg_dtype)
            table[:] = cols[first][:, None]
            table[rows[fits], pos[fits]] = cols[fits]
            self.cand[ids] = table
            self.count[ids] = np.minimum(n_ok, _GRID_MAX_CAND + 1)


def _grid(seg: _Segments, margin: float) -> _Grid:
    key = ("grid", float(margin))
    grid = seg.prep.get(key)
    if grid is None:
        grid = seg.prep[key] = _Grid(seg, margin)
    return grid


def _nearest(px: np.ndarray, py: np.ndarray, seg: _Segments, margin: float) -> _Nearest:
    """Exact distances to the model polyline, using a grid of candidate segments.

    Each grid cell (over the model's box plus ``margin``) keeps the segments that can be the
    nearest one for some point of the cell; points in cells with too many candidates, or
    outside the grid, are compared with every segment. The result is exactly that of comparing
    every point with every segment (same distances, same lowest-index tie-break).
    """
    n = len(px)
    if n == 0:
        return _Nearest(np.zeros(0), np.zeros(0, np.int64), np.zeros(0))
    grid = _grid(seg, margin)
    px = np.ascontiguousarray(px, dtype=float)
    py = np.ascontiguousarray(py, dtype=float)
    fx = (px - grid.lo_x) / grid.cell
    fy = (py - grid.lo_y) / grid.cell
    # Compare as floats first: a wild (or NaN) sample must not reach the int cast.
    in_grid = (fx >= 0.0) & (fx < grid.nx) & (fy >= 0.0) & (fy < grid.ny)
    off_grid = ~in_grid
    fx[off_grid] = 0.0
    fy[off_grid] = 0.0
    cid = fx.astype(np.int64)
    cid *= grid.ny
    cid += fy.astype(np.int64)
    occupied = np.zeros(len(grid.count), dtype=bool)
    occupied[cid[in_grid]] = True
    todo = np.flatnonzero(occupied & (grid.count < 0))
    if len(todo):
        grid.fill(seg, todo)
    width = _BUCKET_OF[grid.count[cid]]
    width[off_grid] = 0  # 0 = compare with every segment

    # Points sorted by their candidate count (a radix sort of small ints), so each count is a
    # contiguous slice: one dense (k, points) computation per count, no per-group gathers.
    order = np.argsort(width, kind="stable")
    ends = np.cumsum(np.bincount(width, minlength=_GRID_MAX_CAND + 1)).tolist()
    sx, sy, sc = px[order], py[order], cid[order]
    best = np.empty(n, dtype=np.int64)
    d2 = np.empty(n)
    t = np.empty(n)
    start = 0
    for k, end in enumerate(ends):
        if end == start:
            continue
        if k == 0:  # compare with every segment
            step = _chunk(len(seg.length))
            for i in range(start, end, step):
                j = min(i + step, end)
                dd, tt = _pair_geometry(sx[i:j], sy[i:j], seg, None)
                pick = np.argmin(dd, axis=0)
                cols = np.arange(j - i)
                best[i:j] = pick
                d2[i:j] = dd[pick, cols]
                t[i:j] = tt[pick, cols]
            start = end
            continue
        step = _chunk(k, 12288)  # 96 kB temporaries: a 10,000-sample trial in few chunks
        for i in range(start, end, step):
            j = min(i + step, end)
            cand = grid.cand[sc[i:j], :k].T
            dd, tt = _pair_geometry(sx[i:j], sy[i:j], seg, cand)
            bd, bt, bs = d2[i:j], t[i:j], best[i:j]
            bd[:] = dd[0]
            bt[:] = tt[0]
            bs[:] = cand[0]
            for c in range(1, k):
                # strictly smaller: on a tie the earlier (lower-index) segment stays
                better = dd[c] < bd
                np.copyto(bd, dd[c], where=better)
                np.copyto(bt, tt[c], where=better)
                np.copyto(bs, cand[c], where=better)
        start = end
    s_sorted = seg.length[best]
    s_sorted *= t
    s_sorted += seg.s0[best]
    np.sqrt(d2, out=d2)
    dist = np.empty(n)
    dist[order] = d2
    seg_idx = np.empty(n, dtype=np.int64)
    seg_idx[order] = best
    s = np.empty(n)
    s[order] = s_sorted
    return _Nearest(dist, seg_idx, s)


class _Bins:
    """The model path cut into equal bins of about ``_COVER_BIN_PX``, for coverage."""

    def __init__(self, seg: _Segments) -> None:
        self.n = nbins = max(1, int(math.ceil(seg.total / _COVER_BIN_PX)))
        self.width = seg.total / nbins if seg.total > 0 else 1.0
        centres = (np.arange(nbins) + 0.5) * self.width
        self.stroke = _last_at_or_below(seg.stroke_s0, centres)
        # where the stroke of each segment starts and ends along the path
        self.seg_stroke_lo = seg.stroke_s0[seg.stroke]
        self.seg_stroke_hi = (seg.stroke_s0 + seg.stroke_len)[seg.stroke]
        # Retraced stretches: each bin's 2-px cell and its 3 x 3 neighbourhood, so coverage
        # can spread to bins at (nearly) the same place on another pass.
        self.cells: np.ndarray | None = None
        self.neighbours: np.ndarray | None = None
        self.n_cells = 0
        if seg.has_overlap:
            # the model points at the bin centres, one coordinate at a time (1-D numpy
            # operations are several times faster than the same work on (n, 2) arrays)
            j = _last_at_or_below(seg.s0, centres)
            seg_len = seg.length[j]
            frac = np.divide(centres - seg.s0[j], seg_len, out=np.zeros_like(centres),
                             where=seg_len > 0)
            np.clip(frac, 0.0, 1.0, out=frac)
            # int32 keeps the tables small (fresh arrays above ~128 kB are slow to touch)
            cx, cy = (np.floor((p - p.min()) / 2.0).astype(np.int32) + 1
                      for p in (seg.ax[j] + seg.ux[j] * frac, seg.ay[j] + seg.uy[j] * frac))
            nx, ny = int(cx.max()) + 2, int(cy.max()) + 2
            self.n_cells = nx * ny
            self.cells = cx * ny + cy
            offs = np.array([ddx * ny + ddy for ddx in (-1, 0, 1) for ddy in (-1, 0, 1)],
                            dtype=np.int32)
            # (9, bins): the OR over the first axis runs over contiguous rows
            self.neighbours = offs[:, None] + self.cells[None, :]


def _last_at_or_below(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For ascending ``values``: the index of the last of the ascending ``edges`` (starting
    at or below ``values[0]``) that is <= each value, i.e. ``searchsorted(edges, values,
    "right") - 1``, found by placing the few edges among the many values instead."""
    first = np.searchsorted(values, edges, side="left")  # first value >= each edge
    marks = np.bincount(first, minlength=len(values) + 1)[: len(values)]
    out = np.cumsum(marks)
    out -= 1
    return out


def _bins(seg: _Segments) -> _Bins:
    bins = seg.prep.get("bins")
    if bins is None:
        bins = seg.prep["bins"] = _Bins(seg)
    return bins


def _coverage(
    seg: _Segments, near: _Nearest, tol: float, inside: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Which 1-px bins of the model path lie within ``tol`` of some sample, and their stroke.

    Each in-band sample covers the stretch of its model stroke within ``sqrt(tol^2 - d^2)`` of
    its nearest model point (exact on straight parts). Stretches a letter draws twice (the up
    and down of an ``a``) count as covered when either pass is: bins within 2 px of a covered
    bin are covered too. ``inside`` is ``near.dist <= tol`` when the caller has it already.
    """
    bins = _bins(seg)
    nbins, bin_w = bins.n, bins.width
    if inside is None:
        inside = near.dist <= tol
    ok = np.flatnonzero(inside)
    if not len(ok):
        return np.zeros(nbins, dtype=bool), bins.stroke
    d = near.dist[ok]
    half = d * d
    np.subtract(tol * tol, half, out=half)
    np.maximum(half, 0.0, out=half)
    np.sqrt(half, out=half)
    j = near.seg[ok]
    s = near.s[ok]
    g0 = s - half
    np.maximum(g0, bins.seg_stroke_lo[j], out=g0)
    g1 = s + half
    np.minimum(g1, bins.seg_stroke_hi[j], out=g1)
    # g0, g1 lie in [0, total], so the bin indices below lie in [0, nbins] without clipping.
    g0 /= bin_w
    g0 -= 0.5
    i0 = np.ceil(g0, out=g0).astype(np.int64)
    g1 /= bin_w
    g1 -= 0.5
    i1 = np.floor(g1, out=g1).astype(np.int64)
    i1 += 1
    # an empty stretch (i1 <= i0) adds and removes at the same bin: no effect
    np.maximum(i1, i0, out=i1)
    diff = np.bincount(i0, minlength=nbins + 1)[: nbins + 1]
    diff -= np.bincount(i1, minlength=nbins + 1)[: nbins + 1]
    covered = np.cumsum(diff[:nbins]) > 0
    if bins.cells is None or covered.all():
        return covered, bins.stroke
    grid = np.zeros(bins.n_cells, dtype=bool)
    grid[bins.cells[covered]] = True
    return covered | grid[bins.neighbours].any(axis=0), bins.stroke


def deviations(model: Model, xy: np.ndarray) -> np.ndarray:
    """Exact distance of each (x, y) point to the model polyline (all strokes)."""
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    # The grid covers the model's box plus this margin; points beyond are still exact (they
    # are compared with every segment), just slower.
    return _nearest(pts[:, 0], pts[:, 1], _segments_cached(model), _DEVIATION_MARGIN_PX).dist


def deviations_naive(model: Model, xy: np.ndarray) -> np.ndarray:
    """The same distances with a plain Python loop: the benchmark's baseline, and a cross-check."""
    segs = []
    for stroke in model:
        for (ax, ay), (bx, by) in zip(stroke[:-1].tolist(), stroke[1:].tolist(), strict=True):
            segs.append((ax, ay, bx - ax, by - ay))
    out = []
    for x, y in np.asarray(xy, dtype=float).tolist():
        best = math.inf
        for ax, ay, ux, uy in segs:
            l2 = ux * ux + uy * uy
            t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((x - ax) * ux + (y - ay) * uy) / l2))
            ex = x - ax - t * ux
            ey = y - ay - t * uy
            best = min(best, ex * ex + ey * ey)
        out.append(math.sqrt(best))
    return np.array(out)


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
            ("tolerance", self.tolerance_px, "px"),
        ]
        if self.px_per_mm:
            k = 1.0 / self.px_per_mm
            rows += [
                ("mean_deviation", self.mean_deviation_px * k, "mm"),
                ("rms_deviation", self.rms_deviation_px * k, "mm"),
                ("max_deviation", self.max_deviation_px * k, "mm"),
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
    n_cov, bin_stroke = _coverage(seg, near, tol, inside)

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
    counts = np.bincount(sid[inside] * n_model + seg_stroke[inside],
                         minlength=n_strokes * n_model).reshape(n_strokes, n_model)
    match = np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), -1)

    order_errors = 0
    cur = -1
    for m in match.tolist():
        if m < 0:
            continue
        if m in (cur, cur + 1):
            cur = m
        else:
            order_errors += 1
            cur = max(cur, m)

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
    if sparc_vals:
        w = np.array([b for _, b in sparc_vals])
        vals = np.array([a for a, _ in sparc_vals])
        # the weighted mean as np.average computes it, without its argument checks
        w_sum = w.sum()
        sparc_mean = float((vals * w).sum() / w_sum) if w_sum > 0 else float(vals.mean())
    else:
        sparc_mean = float("nan")

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
        n_samples=int(len(t)),
        tolerance_px=tol,
        px_per_mm=px_per_mm,
        stroke_match=tuple(int(m) for m in match),
        stroke_coverage=per_stroke_cov,
    )


# --- copy mode ---------------------------------------------------------------------------------

# Beery VMI, oblique cross (X): "long part no more than twice short part". The parts are the two
# arms of each line on either side of the crossing: for each line, longer arm <= 2 x shorter
# arm, i.e. the lines cross within the middle third of each other.
X_MAX_ARM_RATIO = 2.0
# Beery VMI, cross (+): "all parts at least 1/4 inch". A screen drawing has no fixed size, so
# the rule is read relative to the line: every arm at least a quarter of its line (what 1/4 inch
# is on a copy about an inch across; our reading, not the manual's), i.e. longer arm <= 3 x
# shorter arm.
CROSS_MIN_ARM_SHARE = 0.25
# Beery VMI, diagonals: "no abrupt change of direction". The heading of the line over the
# stretch before a point (DIAGONAL_TURN_WINDOW of its length) is compared with the heading
# over the same stretch after it; a change of more than DIAGONAL_MAX_TURN_DEG (half a right
# angle: a corner, not a bow) is abrupt. Over a window of 15 % a gently bowed or shaky line
# stays far below it, and a hook shorter than about half the window at an end (a finger
# landing or lifting) is ignored. Strokes that start where the previous one ended (within
# DIAGONAL_JOIN_SHARE of the drawing's size) are joined first, so lifting the finger at the
# corner of a zig-zag does not hide it, while extending a line stays allowed.
DIAGONAL_MAX_TURN_DEG = 45.0
DIAGONAL_TURN_WINDOW = 0.15
DIAGONAL_JOIN_SHARE = 0.1


def _orientations(strokes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Line orientation (degrees in [0, 180), y up) and length of every drawn segment."""
    ang, ln = [], []
    for xy in strokes:
        if len(xy) < 2:
            continue
        d = np.diff(xy, axis=0)
        ang.append(np.degrees(np.arctan2(-d[:, 1], d[:, 0])) % 180.0)
        ln.append(np.hypot(d[:, 0], d[:, 1]))
    if not ang:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(ang), np.concatenate(ln)


def _share_within(strokes: Sequence[np.ndarray], lo: float, hi: float) -> float:
    """Share of drawn length whose orientation lies in [lo, hi] degrees (wrapping at 180)."""
    ang, ln = _orientations(strokes)
    if ln.sum() <= 0:
        return 0.0
    lo_m, hi_m = lo % 180.0, hi % 180.0
    ok = (ang >= lo_m) & (ang <= hi_m) if lo_m <= hi_m else (ang >= lo_m) | (ang <= hi_m)
    return float(ln[ok].sum() / ln.sum())


def _chord(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return xy[0], xy[-1]


def _cross_params(p: tuple[np.ndarray, np.ndarray], q: tuple[np.ndarray, np.ndarray]) -> tuple[
    float, float] | None:
    """Parameters (0..1 along each chord) where two chords cross, or None if they do not."""
    (p0, p1), (q0, q1) = p, q
    r = p1 - p0
    s = q1 - q0
    den = r[0] * s[1] - r[1] * s[0]
    if abs(den) < 1e-12:
        return None
    qp = q0 - p0
    tp = (qp[0] * s[1] - qp[1] * s[0]) / den
    tq = (qp[0] * r[1] - qp[1] * r[0]) / den
    if 0.0 <= tp <= 1.0 and 0.0 <= tq <= 1.0:
        return float(tp), float(tq)
    return None


def _arm_ratio(t: float) -> float:
    """Longer arm over shorter arm of a line crossed at parameter ``0 < t < 1``."""
    return max(t, 1.0 - t) / min(t, 1.0 - t)


def _joined(strokes: Sequence[np.ndarray], gap: float) -> list[np.ndarray]:
    """Strokes in drawing order, each joined to the previous one when it starts within ``gap``
    of where that one ended (a line carried on after lifting the finger)."""
    out = [strokes[0]]
    for s in strokes[1:]:
        if float(np.hypot(*(s[0] - out[-1][-1]))) <= gap:
            out[-1] = np.vstack((out[-1], s))
        else:
            out.append(s)
    return out


def _max_turn(xy: np.ndarray, window: float = DIAGONAL_TURN_WINDOW) -> float:
    """Largest change of heading (degrees, 0 = straight on, 180 = back) along a polyline.

    At each point the heading over the ``window`` share of the length before it is compared
    with the heading over the same length after it (points closer than that to an end are not
    centres). Evaluated on an even grid and at every vertex, so a sharp corner counts in full.
    """
    d = np.diff(xy, axis=0)
    seg = np.hypot(d[:, 0], d[:, 1])
    keep = np.concatenate(([True], seg > 0))
    pts = xy[keep]
    s = np.concatenate(([0.0], np.cumsum(seg[seg > 0])))
    total = float(s[-1]) if len(s) else 0.0
    if len(pts) < 3 or total <= 0:
        return 0.0
    w = window * total
    u = np.union1d(np.linspace(w, total - w, 65), s[(s >= w) & (s <= total - w)])

    def at(v: np.ndarray) -> np.ndarray:
        return np.column_stack((np.interp(v, s, pts[:, 0]), np.interp(v, s, pts[:, 1])))

    c = at(u)
    back, fwd = c - at(u - w), at(u + w) - c
    cross = back[:, 0] * fwd[:, 1] - back[:, 1] * fwd[:, 0]
    dot = back[:, 0] * fwd[:, 0] + back[:, 1] * fwd[:, 1]
    return float(np.degrees(np.arctan2(np.abs(cross), dot)).max())


def _chord_angle(xy: np.ndarray) -> float:
    d = xy[-1] - xy[0]
    return math.degrees(math.atan2(-d[1], d[0])) % 180.0


def _hull(points: np.ndarray) -> np.ndarray:
    """Convex hull (monotone chain), counter-clockwise in array coordinates."""
    pts = np.unique(np.round(points, 3), axis=0)
    if len(pts) < 3:
        return pts
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    pts = pts[order].tolist()

    def cross(o: list[float], a: list[float], b: list[float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[list[float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[list[float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return np.array(lower[:-1] + upper[:-1])


def _corners(hull: np.ndarray, eps: float) -> np.ndarray:
    """Drop hull vertices closer than ``eps`` to the line through their neighbours."""
    pts = [p for p in hull.tolist()]
    while len(pts) > 3:
        best_i, best_d = -1, math.inf
        for i in range(len(pts)):
            a, b, c = pts[i - 1], pts[i], pts[(i + 1) % len(pts)]
            ab = math.dist(a, c)
            dist = (abs((c[0] - a[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (c[1] - a[1])) / ab
                    if ab > 0 else 0.0)
            if dist < best_d:
                best_i, best_d = i, dist
        if best_d >= eps:
            break
        pts.pop(best_i)
    return np.array(pts)


def _outline_closed(strokes: Sequence[np.ndarray], hull: np.ndarray, tol: float) -> float:
    """Share of the hull perimeter lying within ``tol`` of the drawing (1.0: fully closed)."""
    closed = [np.vstack((hull, hull[:1]))]
    drawn = np.concatenate([s for s in strokes if len(s)])
    per = _segments(closed)
    return float(_coverage(per, _nearest(drawn[:, 0], drawn[:, 1], per, tol), tol)[0].mean())


def copy_rule_check(rule: str, strokes: Sequence[np.ndarray]) -> tuple[bool, str]:
    """Check a freehand drawing against a Beery-VMI-like rule; returns (passed, reason).

    ``strokes`` are drawn point arrays in screen coordinates (y down). Rules (angles of lines
    measured from the horizontal, counter-clockwise, as on the test's protractor):

    * ``vertical`` / ``horizontal``: more than half the drawn length within 30 degrees (the
      test asks nothing more of these first lines: a wobbly line passes);
    * ``diag_right`` (/) / ``diag_left`` (\\): more than half within 20-70 / 110-160 degrees,
      and no abrupt change of direction: the heading never turns by more than
      ``DIAGONAL_MAX_TURN_DEG`` (45) between the 15 % of the line before a point and the 15 %
      after it;
    * ``circle``: a closed curve, height:width no more than 2:1 either way;
    * ``cross``: two lines that cross, each more than half within 20 degrees of vertical /
      horizontal, every arm at least ``CROSS_MIN_ARM_SHARE`` (a quarter) of its line;
    * ``x``: two lines that cross, one at 20-70 and the other at 110-160 degrees, and on each
      line the longer arm (crossing to an end) no more than ``X_MAX_ARM_RATIO`` (twice) the
      shorter one;
    * ``square`` / ``diamond`` / ``triangle``: a closed outline whose convex hull has 4 / 4 / 3
      clear corners; square sides near horizontal/vertical, diamond corners at top, bottom,
      left and right, triangle with one corner higher than the others.
    """
    strokes = [np.asarray(s, dtype=float) for s in strokes if len(s) >= 2]
    if not strokes:
        return False, "nothing drawn"
    allp = np.concatenate(strokes)
    w, h = np.ptp(allp, axis=0)
    size = max(w, h, 1e-9)
    if rule == "vertical":
        ok = _share_within(strokes, 60, 120) > 0.5
        return ok, "line within 30 degrees of vertical" if ok else "line not vertical enough"
    if rule == "horizontal":
        ok = _share_within(strokes, 150, 30) > 0.5
        return ok, "line within 30 degrees of horizontal" if ok else "line not horizontal enough"
    if rule in ("diag_right", "diag_left"):
        lo, hi = (20, 70) if rule == "diag_right" else (110, 160)
        band = f"{lo}-{hi}"
        if _share_within(strokes, lo, hi) <= 0.5:
            return False, f"diagonal not at {band} degrees"
        turn = max(_max_turn(xy) for xy in _joined(strokes, DIAGONAL_JOIN_SHARE * size))
        if turn > DIAGONAL_MAX_TURN_DEG:
            return False, f"diagonal changes direction sharply ({turn:.0f} degrees)"
        return True, f"diagonal at {band} degrees"
    if rule == "circle":
        gap = float(np.hypot(*(allp[-1] - allp[0])))
        if gap > 0.25 * size:
            return False, "circle not closed"
        ratio = max(w, h) / max(min(w, h), 1e-9)
        if ratio > 2.0:
            return False, f"circle too stretched ({ratio:.1f}:1)"
        return True, f"closed circle, {ratio:.1f}:1"
    if rule in ("cross", "x"):
        if len(strokes) < 2:
            return False, "needs two lines"
        two = sorted(strokes, key=lambda s: -float(np.hypot(*np.ptp(s, axis=0))))[:2]
        cp = _cross_params(_chord(two[0]), _chord(two[1]))
        if cp is None or min(cp[0], 1 - cp[0], cp[1], 1 - cp[1]) <= 0:
            return False, "lines do not cross"  # apart, or only touching at an end
        if rule == "cross":
            shares = [(_share_within([s], 70, 110), _share_within([s], 160, 20)) for s in two]
            ok = (shares[0][0] > 0.5 and shares[1][1] > 0.5) or (
                shares[0][1] > 0.5 and shares[1][0] > 0.5)
            if not ok:
                return False, "lines not within 20 degrees of vertical and horizontal"
            if min(cp[0], 1 - cp[0], cp[1], 1 - cp[1]) < CROSS_MIN_ARM_SHARE:
                return False, "an arm of the cross is shorter than a quarter of its line"
            return True, "two crossing lines, vertical and horizontal"
        angles = sorted(_chord_angle(s) for s in two)
        if not (20 <= angles[0] <= 70 and 110 <= angles[1] <= 160):
            return False, "lines not at 20-70 and 110-160 degrees"
        ratio = max(_arm_ratio(cp[0]), _arm_ratio(cp[1]))
        if ratio > X_MAX_ARM_RATIO:
            return False, f"a line's long part more than twice its short part ({ratio:.1f}:1)"
        return True, "two crossing diagonals"
    if rule in ("square", "diamond", "triangle"):
        hull = _hull(allp)
        if len(hull) < 3:
            return False, "no outline"
        closure = _outline_closed(strokes, hull, 0.08 * size)
        if closure < 0.85:
            return False, "outline not closed"
        corners = _corners(hull, 0.08 * size)
        want = 3 if rule == "triangle" else 4
        if len(corners) != want:
            return False, f"{len(corners)} corners instead of {want}"
        cyc = np.vstack((corners, corners[:1]))
        sides = np.diff(cyc, axis=0)
        ang = np.degrees(np.arctan2(-sides[:, 1], sides[:, 0])) % 180.0
        if rule == "square":
            off = np.minimum(np.minimum(ang, 180 - ang), np.abs(ang - 90))
            if off.max() > 25:
                return False, "sides not straight up and across"
            return True, "four clear sides"
        if rule == "diamond":
            off = np.minimum(np.abs(ang - 45), np.abs(ang - 135))
            if off.max() > 30:
                return False, "corners not at top, bottom and sides"
            return True, "four clear sides, corners at top, bottom and sides"
        ys = np.sort(corners[:, 1])
        if ys[1] - ys[0] < 0.2 * size:
            return False, "no corner higher than the others"
        return True, "three clear sides, one corner on top"
    raise ValueError(f"unknown copy rule {rule!r}")


@dataclass(frozen=True)
class CopyScore:
    """A freehand copy: the shape score after fitting the drawing onto the model, and the rule."""

    trace: TraceScore  # scored after aligning the drawing's box with the model's box
    rule: str
    rule_passed: bool | None  # None when the glyph has no rule
    reason: str

    @property
    def accuracy(self) -> float:
        """Share of drawing time on the (aligned) model's band."""
        return self.trace.accuracy

    def metric_rows(self) -> list[tuple[str, float, str]]:
        """The trace rows plus ``copy_rule_passed`` (bool) when there is a rule."""
        rows = self.trace.metric_rows()
        if self.rule_passed is not None:
            rows.append(("copy_rule_passed", float(self.rule_passed), "bool"))
        return rows


def fit_to_model(model: Model, xy: np.ndarray) -> np.ndarray:
    """Move and scale drawn points so their bounding box's centre and size match the model's.

    One uniform scale (the larger side), so a circle drawn as an oval stays an oval.
    """
    m = np.concatenate([np.asarray(s, dtype=float) for s in model])
    xy = np.asarray(xy, dtype=float)
    if len(xy) == 0:
        return xy
    m_lo, m_hi = m.min(axis=0), m.max(axis=0)
    d_lo, d_hi = xy.min(axis=0), xy.max(axis=0)
    d_size = float(max(d_hi - d_lo))
    scale = float(max(m_hi - m_lo)) / d_size if d_size > 0 else 1.0
    return (xy - (d_lo + d_hi) / 2) * scale + (m_lo + m_hi) / 2


def score_copy(
    model: Model,
    samples: Any,
    tolerance_px: float,
    rule: str = "",
    px_per_mm: float | None = None,
) -> CopyScore:
    """Score a freehand copy: shape fit to the model (after :func:`fit_to_model`) and the rule."""
    t, x, y, ph = as_arrays(samples)
    strokes = split_strokes((t, x, y, ph))
    if strokes:
        # Fit from the pen-down points only, then move every sample with the same transform.
        drawn_all = np.concatenate([s.xy for s in strokes])
        m = np.concatenate([np.asarray(s, dtype=float) for s in model])
        d_lo, d_hi = drawn_all.min(axis=0), drawn_all.max(axis=0)
        m_lo, m_hi = m.min(axis=0), m.max(axis=0)
        d_size = float(max(d_hi - d_lo))
        scale = float(max(m_hi - m_lo)) / d_size if d_size > 0 else 1.0
        xy = (np.column_stack((x, y)) - (d_lo + d_hi) / 2) * scale + (m_lo + m_hi) / 2
        x, y = xy[:, 0], xy[:, 1]
    trace = score_trace(model, (t, x, y, ph), tolerance_px, px_per_mm)
    if rule:
        passed, reason = copy_rule_check(rule, [s.xy for s in strokes])
        return CopyScore(trace, rule, passed, reason)
    return CopyScore(trace, "", None, "")
