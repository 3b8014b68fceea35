"""Exact nearest distances from pointer samples to a model path (pure numpy): the kernel of
tracing's scoring.

The model's segments are prepared once per model (cached: a trial re-scored, or the next
trial of a shape, reuses them). A uniform grid over the model's box lists, per cell, the few
segments that can hold the nearest point of any sample in that cell (the candidates); samples
are compared with their cell's candidates only, samples outside the grid with every segment.
The result is exact (the same distances as comparing every sample with every segment, which
:func:`deviations_naive` does in plain Python for the benchmark and the cross-check).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Model = Sequence[np.ndarray]

_GRID_MAX_CELLS = 300
_GRID_MAX_CAND = 8

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
    ax, ay, ux, uy = (np.ascontiguousarray(c) for c in (a[:, 0], a[:, 1], u[:, 0], u[:, 1]))
    return _Segments(
        a, u, length, inv_l2, stroke, s0, stroke_s0, stroke_len, float(length.sum()),
        _has_overlap(a, u, length), ax, ay, ux, uy, wx, wy,
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
        return _sq_dist_in_place(px - ax, py - ay, ux, uy, wx, wy)
    # The operations of _sq_dist_in_place, each segment quantity gathered into one reused
    # buffer just before it is used (products are the same either way round): four (K, n)
    # arrays live instead of eleven.
    g = np.take(seg.ax, cand, mode="clip")  # indices are valid: "clip" is unbuffered
    dx = np.subtract(px, g)
    np.take(seg.ay, cand, out=g, mode="clip")
    dy = np.subtract(py, g)
    np.take(seg.wx, cand, out=g, mode="clip")
    t = dx * g
    np.take(seg.wy, cand, out=g, mode="clip")
    g *= dy
    t += g
    np.clip(t, 0.0, 1.0, out=t)
    np.take(seg.ux, cand, out=g, mode="clip")
    g *= t
    dx -= g
    np.take(seg.uy, cand, out=g, mode="clip")
    g *= t
    dy -= g
    dx *= dx
    dy *= dy
    dx += dy
    return dx, t


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
# (4 goes with 6: cells of 4 candidates are few, and a group costs more in numpy calls
# than the padding does in arithmetic.)
_BUCKET_OF = np.array([0, 1, 2, 3, 6, 6, 6, 8, 8, 12, 12, 12, 12, 0], dtype=np.int8)


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
        # candidate slot first: a slot's row is contiguous, so taking the first k slots of
        # many cells is one fast np.take along the rows (a fancy index of the cells' rows
        # then a transpose costs three times as much)
        self.cand = np.zeros((_GRID_MAX_CAND, n_cells), dtype=self.seg_dtype)
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
            # (cells, segments), made contiguous: the sum and nonzero below run several
            # times faster on it than on the transposed view
            ok = np.ascontiguousarray((dc <= dc.min(axis=0) + pad).T)
            n_ok = ok.sum(axis=1)
            # row-major: each cell's segments in ascending order (flat indices split by hand:
            # several times faster than np.nonzero of a 2-D mask)
            flat = np.flatnonzero(ok)
            rows = flat // ok.shape[1]
            cols = flat - rows * ok.shape[1]
            first = np.zeros(len(ids), dtype=np.int64)
            np.cumsum(n_ok[:-1], out=first[1:])
            pos = np.arange(len(rows)) - first[rows]
            fits = pos < _GRID_MAX_CAND
            # every row starts as its first segment repeated: the padding of short lists
            table = np.empty((len(ids), _GRID_MAX_CAND), dtype=self.seg_dtype)
            table[:] = cols[first][:, None]
            table[rows[fits], pos[fits]] = cols[fits]
            self.cand[:, ids] = table.T
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
    cid, width = _cells(px, py, seg, grid)
    # Each candidate count is done as one dense (k, points) computation on its points,
    # written straight into the results: no sorted copies of every point's data (fresh
    # arrays are what costs here: the allocator hands freed memory back to the system and
    # faults it in again on the next trial).
    sizes = np.bincount(width, minlength=_GRID_MAX_CAND + 1)
    if sizes.max() == n:  # one count for every point
        d2, t, best = _bucket(px, py, cid, int(width[0]), seg, grid)
        return _Nearest(np.sqrt(d2, out=d2), best, _arc(seg, best, t))
    dist = np.empty(n)
    seg_idx = np.empty(n, dtype=np.int64)
    s = np.empty(n)
    for k in np.flatnonzero(sizes).tolist():
        idx = np.flatnonzero(width == k)
        d2, t, best = _bucket(px[idx], py[idx], cid[idx], k, seg, grid)
        dist[idx] = np.sqrt(d2, out=d2)
        seg_idx[idx] = best
        s[idx] = _arc(seg, best, t)
    return _Nearest(dist, seg_idx, s)


def _cells(px: np.ndarray, py: np.ndarray, seg: _Segments, grid: _Grid
           ) -> tuple[np.ndarray, np.ndarray]:
    """Each point's grid cell and its candidate count's bucket (0: compare with every
    segment, for points off the grid or in crowded cells); fills the cells first used."""
    fx = px - grid.lo_x
    fx /= grid.cell
    fy = py - grid.lo_y
    fy /= grid.cell
    # Compare as floats first: a wild (or NaN) sample must not reach the int cast.
    in_grid = fx >= 0.0
    in_grid &= fx < grid.nx
    in_grid &= fy >= 0.0
    in_grid &= fy < grid.ny
    off_grid = ~in_grid
    fx[off_grid] = 0.0
    fy[off_grid] = 0.0
    cid = fx.astype(np.int64)
    cid *= grid.ny
    cid += fy.astype(np.int64)
    count = grid.count[cid]
    unfilled = count < 0
    unfilled &= in_grid
    if unfilled.any():  # cells no trial of this model has used yet
        occupied = np.zeros(len(grid.count), dtype=bool)
        occupied[cid[unfilled]] = True
        grid.fill(seg, np.flatnonzero(occupied))
        count = grid.count[cid]
    width = _BUCKET_OF[count]
    width[off_grid] = 0  # 0 = compare with every segment
    return cid, width


def _arc(seg: _Segments, best: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Global arc length of the points at parameter ``t`` on segments ``best``."""
    s = seg.length[best]
    s *= t
    s += seg.s0[best]
    return s


def _bucket(px: np.ndarray, py: np.ndarray, cid: np.ndarray, k: int, seg: _Segments,
            grid: _Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Squared distance, parameter ``t`` and nearest segment of points whose cells all have
    ``k`` candidates (0: every segment), in chunks that keep the temporaries small."""
    m = len(px)
    step = _chunk(len(seg.length)) if k == 0 else _chunk(k, 12288)  # 96 kB temporaries
    if m <= step:
        return _bucket_chunk(px, py, cid, k, seg, grid)
    d2 = np.empty(m)
    t = np.empty(m)
    best = np.empty(m, dtype=np.int64)
    for i in range(0, m, step):
        j = min(i + step, m)
        d2[i:j], t[i:j], best[i:j] = _bucket_chunk(px[i:j], py[i:j], cid[i:j], k, seg, grid)
    return d2, t, best


def _bucket_chunk(px: np.ndarray, py: np.ndarray, cid: np.ndarray, k: int, seg: _Segments,
                  grid: _Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_bucket` for one chunk."""
    if k == 0:  # compare with every segment
        dd, tt = _pair_geometry(px, py, seg, None)
        pick = np.argmin(dd, axis=0)
        cols = np.arange(len(px))
        return dd[pick, cols], tt[pick, cols], pick
    # one conversion to a contiguous native index instead of one per gather
    cand = np.take(grid.cand[:k], cid, axis=1).astype(np.intp)
    dd, tt = _pair_geometry(px, py, seg, cand)
    # The first candidate's rows take the best so far (they are not needed again).
    bd, bt, bs = dd[0], tt[0], cand[0]
    for c in range(1, k):
        # strictly smaller: on a tie the earlier (lower-index) segment stays
        better = dd[c] < bd
        np.copyto(bd, dd[c], where=better)
        np.copyto(bt, tt[c], where=better)
        np.copyto(bs, cand[c], where=better)
    return bd, bt, bs


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
