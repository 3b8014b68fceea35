"""Hausdorff distance between a drawing and its model path (pure numpy, exact).

``hausdorff = max(max_i d(p_i, model), max_j d(q_j, samples))``: ``p_i`` the pen-down samples,
``q_j`` the centres of the model path's 1 px bins (the same bins as coverage). The first term
is the trial's ``max_deviation``; this module computes the second: how far the model's worst
served point is from the drawing (a stroke left out makes it large).

Every bin gets a cheap upper bound first: a sample ``p`` with nearest model point at arc length
``s_p`` is within ``d_p + |s - s_p|`` of the bin at ``s`` on the same stroke (the path between
them is no longer than its arc), spread along each stroke as a 1-D distance transform. Bins are
then measured exactly, largest bound first, against the samples of the grid cells within their
bound, until no unmeasured bin's bound exceeds the largest distance measured: the result is the
exact maximum, usually after a few bins.
"""

from __future__ import annotations

import math

import numpy as np

from games.tracing.coverage import _bins, _last_at_or_below
from games.tracing.nearest import _Nearest, _Segments

_BATCH = 64  # bins measured exactly per round (largest bound first)
_CELL_PX = 4.0  # the sample grid's cell side
_MAX_CELLS = 1 << 20  # the sample grid's cells at most (the cell grows for far-flung samples)


def _bin_centres(seg: _Segments, nbins: int, width: float) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) of every bin centre on the model path."""
    centres = (np.arange(nbins) + 0.5) * width
    j = _last_at_or_below(seg.s0, centres)
    seg_len = seg.length[j]
    frac = np.divide(centres - seg.s0[j], seg_len, out=np.zeros_like(centres),
                     where=seg_len > 0)
    np.clip(frac, 0.0, 1.0, out=frac)
    return seg.ax[j] + seg.ux[j] * frac, seg.ay[j] + seg.uy[j] * frac


def _upper_bounds(seg: _Segments, near: _Nearest, nbins: int, width: float,
                  bin_stroke: np.ndarray) -> np.ndarray:
    """Per bin, an upper bound of its distance to the nearest sample (see the module doc)."""
    ub = np.full(nbins, math.inf)
    k = seg.stroke[near.seg]
    b = np.clip((near.s // width).astype(np.int64), 0, nbins - 1)
    # a bin straddling a stroke's start may belong to the neighbouring stroke: step into k's
    b = np.where(bin_stroke[b] < k, np.minimum(b + 1, nbins - 1), b)
    b = np.where(bin_stroke[b] > k, np.maximum(b - 1, 0), b)
    same = bin_stroke[b] == k
    val = near.dist + np.abs((b + 0.5) * width - near.s)
    np.minimum.at(ub, b[same], val[same])
    idx = np.arange(nbins) * width
    edges = np.flatnonzero(np.diff(bin_stroke)) + 1
    for lo, hi in zip(np.r_[0, edges].tolist(), np.r_[edges, nbins].tolist(), strict=True):
        part, at = ub[lo:hi], idx[lo:hi]
        fwd = np.minimum.accumulate(part - at) + at
        bwd = (np.minimum.accumulate((part + at)[::-1]))[::-1] - at
        ub[lo:hi] = np.minimum(fwd, bwd)
    return ub


def model_to_samples(seg: _Segments, near: _Nearest, x: np.ndarray, y: np.ndarray) -> float:
    """``max_j d(q_j, samples)`` over the model path's bin centres ``q_j`` (exact); ``near`` is
    the samples' nearest model points (``_nearest``), ``x``, ``y`` the pen-down samples."""
    n = len(x)
    if n == 0:
        return math.nan
    bins = _bins(seg)
    nbins, width = bins.n, bins.width
    qx, qy = _bin_centres(seg, nbins, width)
    ub = _upper_bounds(seg, near, nbins, width, bins.stroke)
    # the samples on a grid of small cells (exact distances are then taken to few samples):
    # CSR lists per cell, cells numbered column-major (cx * ny + cy)
    lo_x = float(min(x.min(), qx.min()))
    lo_y = float(min(y.min(), qy.min()))
    span = max(float(max(x.max(), qx.max())) - lo_x, float(max(y.max(), qy.max())) - lo_y)
    cell = max(_CELL_PX, span / math.sqrt(_MAX_CELLS))
    ny = int(span // cell) + 2
    inv = 1.0 / cell
    # coordinates are >= the lows: truncation is the floor
    key = ((x - lo_x) * inv).astype(np.int64)
    key *= ny
    key += ((y - lo_y) * inv).astype(np.int64)
    order = np.argsort(key)
    sx, sy = x[order], y[order]
    ptr = np.concatenate(([0], np.cumsum(np.bincount(key, minlength=ny * ny))))
    qcx = ((qx - lo_x) * inv).astype(np.int64)
    qcy = ((qy - lo_y) * inv).astype(np.int64)

    # A second bound: the first sample of each of the 3 x 3 cells around a bin (retraced
    # stretches get no seeds above: their samples' nearest points are on the other pass).
    # (bin centres are >= the lows, so a cell index - 1 is >= -1: the grid has a spare row
    # and column at the top end, and -1 wraps to a cell that is a valid bound too)
    for ddx in (-1, 0, 1):
        for ddy in (-1, 0, 1):
            c = np.clip((qcx + ddx) * ny + qcy + ddy, 0, ny * ny - 1)
            has = ptr[c + 1] > ptr[c]
            first = np.minimum(ptr[c], n - 1)
            gx, gy = sx[first] - qx, sy[first] - qy
            seed = np.sqrt(gx * gx + gy * gy)
            np.minimum(ub, np.where(has, seed, math.inf), out=ub)

    def measure(js: np.ndarray) -> np.ndarray:
        """Exact nearest-sample distances of bins ``js``, from the cells within their bound."""
        r = ub[js]
        reach = np.where(np.isfinite(r), np.ceil(np.minimum(r, 4.0 * span) / cell), ny)
        reach = reach.astype(np.int64)
        c0 = np.maximum(qcx[js] - reach, 0)
        c1 = np.minimum(qcx[js] + reach, ny - 1)
        r0 = np.maximum(qcy[js] - reach, 0)
        r1 = np.minimum(qcy[js] + reach, ny - 1)
        n_cols = c1 - c0 + 1
        owner = np.repeat(np.arange(len(js)), n_cols)
        col = np.repeat(c0 - (np.cumsum(n_cols) - n_cols), n_cols) + np.arange(len(owner))
        starts = ptr[col * ny + r0[owner]]
        counts = ptr[col * ny + r1[owner] + 1] - starts
        total = int(counts.sum())
        pick = np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)
        who = np.repeat(owner, counts)
        dx = sx[pick] - qx[js][who]
        dy = sy[pick] - qy[js][who]
        d2 = np.full(len(js), math.inf)
        np.minimum.at(d2, who, dx * dx + dy * dy)
        return np.sqrt(d2)

    best = 0.0
    todo = np.argsort(-ub, kind="stable")
    done = 0
    while done < nbins and ub[todo[done]] > best:
        batch = todo[done : done + _BATCH]
        batch = batch[ub[batch] > best]
        best = max(best, float(measure(batch).max()))
        done += _BATCH
    return best
