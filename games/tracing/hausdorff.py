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
from collections.abc import Callable

import numpy as np

from games.tracing.coverage import _bin_centres, _bins
from games.tracing.nearest import _Nearest, _Segments

_BATCH = 64  # bins measured exactly per round (largest bound first)
_CELL_PX = 4.0  # the sample grid's cell side
_MAX_CELLS = 12_000  # the sample grid's cells at most: its tables stay under 128 kB


def floor_div(a: np.ndarray, b: float) -> np.ndarray:
    """``a // b`` (numpy's floor division), bit for bit, about ten times faster.

    ``floor(a / b)`` is the true floor of the quotient wherever ``a / b`` rounds to a
    non-integer (rounding is monotonic and integers are representable); only where it rounds
    to an integer can it differ from ``a // b`` (one above the true floor), so there the
    slow floor division is taken.
    """
    q = np.divide(a, b)
    out = np.floor(q)
    exact = np.flatnonzero(out == q)
    if len(exact):
        out[exact] = a[exact] // b
    return out


class _Strokes:
    """Per model, the bins' left edges in px and each stroke's bin range (cached with the
    bins): what the bounds' spreading along each stroke needs."""

    def __init__(self, nbins: int, width: float, bin_stroke: np.ndarray) -> None:
        self.at = np.arange(nbins) * width
        edges = np.flatnonzero(np.diff(bin_stroke)) + 1
        self.ranges = list(zip(np.r_[0, edges].tolist(), np.r_[edges, nbins].tolist(),
                               strict=True))


def _strokes(seg: _Segments, nbins: int, width: float, bin_stroke: np.ndarray) -> _Strokes:
    st = seg.prep.get("hausdorff strokes")
    if st is None:
        st = seg.prep["hausdorff strokes"] = _Strokes(nbins, width, bin_stroke)
    return st


def _upper_bounds(seg: _Segments, near: _Nearest, nbins: int, width: float,
                  bin_stroke: np.ndarray) -> np.ndarray:
    """Per bin, an upper bound of its distance to the nearest sample (see the module doc)."""
    ub = np.full(nbins, math.inf)
    k = seg.stroke[near.seg]
    b = floor_div(near.s, width).astype(np.int64)
    np.maximum(b, 0, out=b)
    np.minimum(b, nbins - 1, out=b)
    # a bin straddling a stroke's start may belong to the neighbouring stroke: step into k's
    # (the few such samples only)
    bs = bin_stroke[b]
    up = np.flatnonzero(bs < k)
    b[up] = np.minimum(b[up] + 1, nbins - 1)
    bs[up] = bin_stroke[b[up]]
    down = np.flatnonzero(bs > k)
    b[down] = np.maximum(b[down] - 1, 0)
    bs[down] = bin_stroke[b[down]]
    same = bs == k
    val = b + 0.5
    val *= width
    val -= near.s
    np.abs(val, out=val)
    val += near.dist
    if same.all():  # (the usual case: no copies)
        np.minimum.at(ub, b, val)
    else:
        np.minimum.at(ub, b[same], val[same])
    st = _strokes(seg, nbins, width, bin_stroke)
    for lo, hi in st.ranges:
        part, at = ub[lo:hi], st.at[lo:hi]
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
    qx, qy = _bin_centres(seg, bins)
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
    order = _cell_order(key, ny * ny)
    sx, sy = x[order], y[order]
    ptr = np.concatenate(([0], np.cumsum(np.bincount(key, minlength=ny * ny))))
    qcx = ((qx - lo_x) * inv).astype(np.int64)
    qcy = ((qy - lo_y) * inv).astype(np.int64)

    # A second bound: the first sample of each of the 3 x 3 cells around a bin (retraced
    # stretches get no seeds above: their samples' nearest points are on the other pass).
    # (bin centres are >= the lows, so a cell index - 1 is >= -1: the grid has a spare row
    # and column at the top end, and -1 wraps to a cell that is a valid bound too)
    # Each cell's first sample as a table (+inf for an empty cell: its bound is then inf, as
    # the minimum needs), gathered for the nine cells in turn: small arrays, no (9, bins) ones.
    first = np.minimum(ptr[:-1], n - 1)
    fx, fy = sx[first], sy[first]
    empty = ptr[1:] <= ptr[:-1]
    fx[empty] = math.inf
    fy[empty] = math.inf
    base = qcx * ny
    base += qcy
    top = ny * ny - 1
    # a column of three cells at a time: (3, bins) arrays, a third of the numpy calls; the
    # smallest squared distance first, one square root at the end (sqrt is monotonic, so
    # the root of the minimum is the minimum of the roots)
    d2 = np.full(nbins, math.inf)
    for ddx in (-1, 0, 1):
        c = base[None, :] + np.array([ddx * ny - 1, ddx * ny, ddx * ny + 1])[:, None]
        np.maximum(c, 0, out=c)
        np.minimum(c, top, out=c)
        gx = fx[c]
        gx -= qx
        gy = fy[c]
        gy -= qy
        gx *= gx
        gy *= gy
        gx += gy
        np.minimum(d2, gx.min(axis=0), out=d2)
    np.minimum(ub, np.sqrt(d2, out=d2), out=ub)

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

    return _largest_measured(ub, measure)


def _largest_measured(ub: np.ndarray, measure: Callable[[np.ndarray], np.ndarray]) -> float:
    """The largest exact distance of any bin, measuring bins largest bound first.

    A bin whose bound is at most the largest distance measured so far cannot be larger, so
    only bins above it are measured, ``_BATCH`` of the largest bounds at a time (found by a
    partition, not a sort of every bin: the order within a batch does not change a maximum).
    """
    best = 0.0
    measured = np.zeros(len(ub), dtype=bool)
    todo = np.flatnonzero(ub > best)
    while len(todo):
        if len(todo) > _BATCH:
            todo = todo[np.argpartition(ub[todo], len(todo) - _BATCH)[len(todo) - _BATCH :]]
        best = max(best, float(measure(todo).max()))
        measured[todo] = True
        todo = np.flatnonzero((ub > best) & ~measured)
    return best


def _cell_order(key: np.ndarray, n_cells: int) -> np.ndarray:
    """An order of the samples that groups them by cell ``key`` (ascending).

    The order within a cell changes nothing but the seeds' bound, never the exact result, so
    a stable radix sort on 16 bits is taken where the cells fit (several times faster than a
    quicksort of int64 keys).
    """
    if n_cells <= 1 << 16:
        return np.argsort(key.astype(np.uint16), kind="stable")
    return np.argsort(key)
