"""Coverage of a model path by a trial's samples (pure numpy): which 1 px bins along the model
lie within the band of some pen-down sample (exactly, whatever segment is nearest a sample)."""

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
        self.centres: tuple[np.ndarray, np.ndarray] | None = None
        self.segment: np.ndarray | None = None


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


def _bin_centres(seg: _Segments, bins: _Bins) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) of every bin centre on the model path (cached with the bins)."""
    if bins.centres is None:
        centres = (np.arange(bins.n) + 0.5) * bins.width
        j = _last_at_or_below(seg.s0, centres)
        seg_len = seg.length[j]
        frac = np.divide(centres - seg.s0[j], seg_len, out=np.zeros_like(centres),
                         where=seg_len > 0)
        np.clip(frac, 0.0, 1.0, out=frac)
        bins.centres = (seg.ax[j] + seg.ux[j] * frac, seg.ay[j] + seg.uy[j] * frac)
    return bins.centres


def _coverage(
    seg: _Segments, near: _Nearest, tol: float, inside: np.ndarray | None,
    x: np.ndarray, y: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which 1-px bins of the model path lie within ``tol`` of some sample, and their stroke.

    Exactly the definition: a bin is covered when its centre is within ``tol`` of some sample
    (``x``, ``y``), whatever segment or stroke is nearest the sample. First each in-band sample
    covers, on its nearest segment, the stretch where ``(s - s_p)^2 + h^2 <= tol^2`` (``h`` its
    distance, ``s_p`` its nearest point), clipped to the segment: nothing past a line's end or
    round the outer side of a bend. The bins still uncovered are then checked against the
    in-band samples of the 3 x 3 grid cells (side ``tol``) around them, which catches bins
    near a sample whose nearest segment is another one (where strokes cross or meet, a
    retraced stretch). ``inside`` is ``near.dist <= tol`` when the caller has it already.
    """
    bins = _bins(seg)
    nbins, bin_w = bins.n, bins.width
    if inside is None:
        inside = near.dist <= tol
    ok = np.flatnonzero(inside)
    if not len(ok):
        return np.zeros(nbins, dtype=bool), bins.stroke
    # Exact on the nearest segment: the stretch is measured from the sample's foot on the
    # segment's line (not from its nearest point, which is an end when the foot is past it).
    px, py, j = np.asarray(x, dtype=float), np.asarray(y, dtype=float), near.seg
    if len(ok) < len(j):  # (every sample in band, the usual case, needs no copies)
        px, py, j = px[ok], py[ok], j[ok]
    # The segment quantities are gathered into one reused buffer just before use (fewer
    # fresh arrays; the products are the same either way round).
    g = np.take(seg.ax, j, mode="clip")  # indices are valid: "clip" is unbuffered
    dx = np.subtract(px, g)
    np.take(seg.ay, j, out=g, mode="clip")
    dy = np.subtract(py, g)
    np.take(seg.wx, j, out=g, mode="clip")
    along = np.multiply(dx, g)
    np.take(seg.wy, j, out=g, mode="clip")
    g *= dy
    along += g
    seg_len = np.take(seg.length, j, mode="clip")
    along *= seg_len
    dx *= dx
    dy *= dy
    dx += dy
    dx -= np.multiply(along, along, out=g)
    np.maximum(dx, 0.0, out=dx)
    half = np.subtract(tol * tol, dx, out=dx)
    np.maximum(half, 0.0, out=half)  # in band: within tol of the segment, so >= 0 but for ulps
    np.sqrt(half, out=half)
    lo = np.take(seg.s0, j, out=dy, mode="clip")
    g0 = np.subtract(along, half, out=g)
    np.maximum(g0, 0.0, out=g0)
    g0 += lo
    g1 = np.add(along, half, out=along)
    np.minimum(g1, seg_len, out=g1)
    g1 += lo
    # g0, g1 lie in [0, total], so the bin indices below lie in [0, nbins] without clipping.
    g0 /= bin_w
    g0 -= 0.5
    i0 = np.ceil(g0, out=g0).astype(np.int64)
    g1 /= bin_w
    g1 -= 0.5
    i1 = np.floor(g1, out=g1).astype(np.int64)
    i1 += 1
    np.maximum(i1, i0, out=i1)  # an empty stretch adds and removes at the same bin
    diff = np.bincount(i0, minlength=nbins + 1)[: nbins + 1]
    diff -= np.bincount(i1, minlength=nbins + 1)[: nbins + 1]
    covered = np.cumsum(diff[:nbins]) > 0
    todo = np.flatnonzero(~covered)
    if not len(todo):
        return covered, bins.stroke
    # Bins still uncovered: every in-band sample covers, on each segment within tol of it
    # that holds such a bin (few), the same exact stretch as above.
    grid = _cover_grid(seg, tol)
    seg_todo = np.zeros(len(seg.length), dtype=bool)
    seg_todo[_bin_segment(seg, bins)[todo]] = True
    keep = seg_todo[grid.seg_idx]
    cell_segs = grid.seg_idx[keep]
    n_cells = grid.nx * grid.ny
    per_cell = np.bincount(grid.cell_of[keep], minlength=n_cells)
    ptr = np.concatenate(([0], np.cumsum(per_cell)))
    # in-band samples lie within tol of the model, hence inside the grid
    cell = _cover_cells(px, py, grid, tol)
    # Only the samples in cells that list such a segment (usually few) are paired; the others
    # would add no pair (the coverage is a union: which samples go first changes nothing).
    counts = per_cell[cell]
    near_todo = np.flatnonzero(counts)
    if not len(near_todo):
        return covered, bins.stroke
    counts = counts[near_todo]
    lo_p = ptr[cell[near_todo]]
    total = int(counts.sum())
    pair_p = np.repeat(near_todo, counts)
    j = cell_segs[np.repeat(lo_p - (np.cumsum(counts) - counts), counts) + np.arange(total)]
    dx = px[pair_p] - seg.ax[j]
    dy = py[pair_p] - seg.ay[j]
    seg_len = seg.length[j]
    along = (dx * seg.wx[j] + dy * seg.wy[j]) * seg_len  # projection, px from the segment start
    room = tol * tol - np.maximum(dx * dx + dy * dy - along * along, 0.0)
    fits = room >= 0.0
    half = np.sqrt(room[fits])
    along, seg_len, j = along[fits], seg_len[fits], j[fits]
    g0 = seg.s0[j] + np.maximum(along - half, 0.0)
    g1 = seg.s0[j] + np.minimum(along + half, seg_len)
    i0 = np.clip(np.ceil(g0 / bin_w - 0.5).astype(np.int64), 0, nbins)
    i1 = np.clip(np.floor(g1 / bin_w - 0.5).astype(np.int64) + 1, 0, nbins)
    np.maximum(i1, i0, out=i1)
    diff = np.bincount(i0, minlength=nbins + 1)[: nbins + 1]
    diff -= np.bincount(i1, minlength=nbins + 1)[: nbins + 1]
    covered |= np.cumsum(diff[:nbins]) > 0
    return covered, bins.stroke


def _cover_cells(px: np.ndarray, py: np.ndarray, grid: _CoverGrid, tol: float) -> np.ndarray:
    """The cover grid's cell of each (finite) point: its column and row truncated and clipped
    to the grid, as integer arithmetic would give them, but worked out in floats (exact for
    such small integers) with one conversion at the end."""
    fx = px - grid.lo_x
    fx *= 1.0 / tol
    np.trunc(fx, out=fx)
    np.clip(fx, 0.0, grid.nx - 1, out=fx)
    fy = py - grid.lo_y
    fy *= 1.0 / tol
    np.trunc(fy, out=fy)
    np.clip(fy, 0.0, grid.ny - 1, out=fy)
    fx *= grid.ny
    fx += fy
    return fx.astype(np.int64)


def _bin_segment(seg: _Segments, bins: _Bins) -> np.ndarray:
    """The segment each bin's centre lies on (cached with the bins)."""
    if bins.segment is None:
        bins.segment = _last_at_or_below(seg.s0, (np.arange(bins.n) + 0.5) * bins.width)
    return bins.segment


class _CoverGrid:
    """A grid over the model's box (+ ``tol``), cell side ``tol``, with per cell (CSR lists)
    every segment that can lie within ``tol`` of some point of the cell: the only segments an
    in-band sample there can cover bins of."""

    def __init__(self, seg: _Segments, tol: float) -> None:
        bx, by = seg.ax + seg.ux, seg.ay + seg.uy
        self.cell = tol
        self.lo_x = float(min(seg.ax.min(), bx.min())) - tol
        self.lo_y = float(min(seg.ay.min(), by.min())) - tol
        self.nx = int((max(seg.ax.max(), bx.max()) + tol - self.lo_x) // tol) + 1
        self.ny = int((max(seg.ay.max(), by.max()) + tol - self.lo_y) // tol) + 1
        cx = self.lo_x + (np.arange(self.nx * self.ny) // self.ny + 0.5) * tol
        cy = self.lo_y + (np.arange(self.nx * self.ny) % self.ny + 0.5) * tol
        # a segment within tol of some point of the cell is within tol + half the cell's
        # diagonal of its centre (a superset: each pair is checked exactly later)
        reach = tol * (1.0 + math.sqrt(0.5)) + 1e-6
        # Every (segment, cell) pair at once, segments in slices that keep the (slice,
        # cells) temporaries small; np.nonzero of the (cells, segments) mask (made contiguous:
        # several times faster) lists the pairs by cell, then segment: the CSR order.
        n_seg = len(seg.length)
        step = max(1, _COVER_GRID_ELEMENTS // len(cx))
        hits = []
        for lo in range(0, n_seg, step):
            sl = slice(lo, min(lo + step, n_seg))
            dx = cx[None, :] - seg.ax[sl, None]
            dy = cy[None, :] - seg.ay[sl, None]
            t = np.clip(dx * seg.wx[sl, None] + dy * seg.wy[sl, None], 0.0, 1.0)
            ex, ey = dx - t * seg.ux[sl, None], dy - t * seg.uy[sl, None]
            hits.append(ex * ex + ey * ey <= reach * reach)
        mask = np.ascontiguousarray(np.concatenate(hits).T)
        flat = np.flatnonzero(mask)  # np.nonzero's pairs, split by hand (several times faster)
        cell_of = flat // n_seg
        seg_idx = flat - cell_of * n_seg
        self.seg_idx = seg_idx
        self.cell_of = cell_of
        self.ptr = np.concatenate(([0], np.cumsum(np.bincount(cell_of,
                                                              minlength=self.nx * self.ny))))


_COVER_GRID_ELEMENTS = 16384


def _cover_grid(seg: _Segments, tol: float) -> _CoverGrid:
    key = ("cover", tol)
    grid = seg.prep.get(key)
    if grid is None:
        grid = seg.prep[key] = _CoverGrid(seg, tol)
    return grid
