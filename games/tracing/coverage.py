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
        cells, segs = [], []
        for j in range(len(seg.length)):
            dx, dy = cx - seg.ax[j], cy - seg.ay[j]
            t = np.clip(dx * seg.wx[j] + dy * seg.wy[j], 0.0, 1.0)
            ex, ey = dx - t * seg.ux[j], dy - t * seg.uy[j]
            hit = np.flatnonzero(ex * ex + ey * ey <= reach * reach)
            cells.append(hit)
            segs.append(np.full(len(hit), j, dtype=np.int64))
        cell_of = np.concatenate(cells)
        order = np.argsort(cell_of, kind="stable")
        self.seg_idx = np.concatenate(segs)[order]
        self.ptr = np.concatenate(([0], np.cumsum(np.bincount(cell_of,
                                                              minlength=self.nx * self.ny))))


def _cover_grid(seg: _Segments, tol: float) -> _CoverGrid:
    key = ("cover", tol)
    grid = seg.prep.get(key)
    if grid is None:
        grid = seg.prep[key] = _CoverGrid(seg, tol)
    return grid


def _coverage(
    seg: _Segments, near: _Nearest, tol: float, inside: np.ndarray | None,
    x: np.ndarray, y: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which 1-px bins of the model path lie within ``tol`` of some sample, and their stroke.

    Exactly the definition: a bin is covered when its centre is within ``tol`` of some sample
    (``x``, ``y``), whatever segment or stroke is nearest the sample. Only in-band samples can
    cover a bin; each covers, on every segment within ``tol`` of it, the stretch where
    ``(s - s_p)^2 + h^2 <= tol^2`` (``h`` its distance from the segment's line, ``s_p`` its
    projection), clipped to the segment: nothing past a line's end or round the outer side of
    a bend. ``inside`` is ``near.dist <= tol`` when the caller has it already.
    """
    bins = _bins(seg)
    nbins, bin_w = bins.n, bins.width
    if inside is None:
        inside = near.dist <= tol
    ok = np.flatnonzero(inside)
    if not len(ok):
        return np.zeros(nbins, dtype=bool), bins.stroke
    grid = _cover_grid(seg, tol)
    px, py = np.asarray(x, dtype=float)[ok], np.asarray(y, dtype=float)[ok]
    # in-band samples lie within tol of the model, hence inside the grid
    ci = np.clip(((px - grid.lo_x) // grid.cell).astype(np.int64), 0, grid.nx - 1)
    cj = np.clip(((py - grid.lo_y) // grid.cell).astype(np.int64), 0, grid.ny - 1)
    cell = ci * grid.ny + cj
    lo, hi = grid.ptr[cell], grid.ptr[cell + 1]
    counts = hi - lo
    pair_p = np.repeat(np.arange(len(ok)), counts)
    # each pair's position in its sample's candidate list, then the segment it names
    first = np.cumsum(counts) - counts
    j = grid.seg_idx[np.repeat(lo - first, counts) + np.arange(len(pair_p))]
    dx = px[pair_p] - seg.ax[j]
    dy = py[pair_p] - seg.ay[j]
    seg_len = seg.length[j]
    along = (dx * seg.wx[j] + dy * seg.wy[j]) * seg_len  # projection, px from the segment start
    h2 = dx * dx + dy * dy - along * along
    room = tol * tol - np.maximum(h2, 0.0)
    keep = room >= 0.0
    half = np.sqrt(room[keep])
    along, seg_len, j = along[keep], seg_len[keep], j[keep]
    g0 = seg.s0[j] + np.maximum(along - half, 0.0)
    g1 = seg.s0[j] + np.minimum(along + half, seg_len)
    # bins whose centre ((i + 0.5) * bin_w) lies in [g0, g1]
    i0 = np.ceil(g0 / bin_w - 0.5).astype(np.int64)
    i1 = np.floor(g1 / bin_w - 0.5).astype(np.int64) + 1
    np.clip(i0, 0, nbins, out=i0)
    np.clip(i1, 0, nbins, out=i1)
    np.maximum(i1, i0, out=i1)  # an empty stretch adds and removes at the same bin
    diff = np.bincount(i0, minlength=nbins + 1)[: nbins + 1]
    diff -= np.bincount(i1, minlength=nbins + 1)[: nbins + 1]
    return np.cumsum(diff[:nbins]) > 0, bins.stroke
