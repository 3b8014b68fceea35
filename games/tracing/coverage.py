"""Coverage of a model path by a trial's samples (pure numpy): which 1 px bins along the model
lie within the band of some pen-down sample."""

from __future__ import annotations

import math

import numpy as np

from games.tracing.nearest import _Nearest, _Segments

_COVER_BIN_PX = 1.0


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
