"""Geometry of the road the child traces (pure numpy, no pygame): points along a stroke, the
dot-to-dot landmarks and the direction arrows."""

from __future__ import annotations

import math

import numpy as np

ARROW_SELF_GAP_PX = 60.0  # an arrow is left out within half this of another part of its stroke
CORNER_DEG = 35.0  # dot-to-dot: a turn this sharp is a corner and always gets a dot


def resample_polyline(poly: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` px along a polyline and their arc lengths."""
    seg = np.hypot(*np.diff(poly, axis=0).T)
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    n = max(2, int(math.ceil(cum[-1] / step)) + 1)
    s = np.linspace(0.0, cum[-1], n)
    return np.column_stack((np.interp(s, cum, poly[:, 0]), np.interp(s, cum, poly[:, 1]))), s


def dot_points(stroke: np.ndarray, spacing: float) -> list[tuple[float, float]]:
    """Dot-to-dot landmarks on a stroke: both ends, every corner (a turn of more than
    ``CORNER_DEG``), and evenly spaced dots at least ``spacing`` apart in between."""
    pts = np.asarray(stroke, dtype=float)
    cut = [0]
    for i in range(1, len(pts) - 1):
        u, v = pts[i] - pts[i - 1], pts[i + 1] - pts[i]
        nu, nv = float(np.hypot(*u)), float(np.hypot(*v))
        if nu == 0.0 or nv == 0.0:
            continue
        cos = float(np.clip(np.dot(u, v) / (nu * nv), -1.0, 1.0))
        if math.degrees(math.acos(cos)) > CORNER_DEG:
            cut.append(i)
    cut.append(len(pts) - 1)
    out: list[tuple[float, float]] = []
    for a, b in zip(cut[:-1], cut[1:], strict=True):
        part = pts[a:b + 1]
        cum = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(part, axis=0).T))))
        m = max(1, int(cum[-1] // spacing))
        for i in range(m):
            at = cum[-1] * i / m
            out.append((float(np.interp(at, cum, part[:, 0])),
                        float(np.interp(at, cum, part[:, 1]))))
    out.append((float(pts[-1][0]), float(pts[-1][1])))
    return out


def arrow_triangles(stroke: np.ndarray) -> list[list[tuple[float, float]]]:
    """Direction arrows along ``stroke``: one triangle about every 140 px, none where the
    stroke runs back over itself (B's middle bar: two arrows there would point both ways)."""
    tris: list[list[tuple[float, float]]] = []
    pts, s = resample_polyline(stroke, 2.0)
    total = float(s[-1])
    n = max(1, int(total // 140))
    for i in range(n):
        at = total * (i + 0.5) / n
        j = int(np.searchsorted(s, at))
        j = min(max(j, 1), len(pts) - 1)
        elsewhere = np.abs(s - s[j]) > ARROW_SELF_GAP_PX
        near = np.hypot(*(pts[elsewhere] - pts[j]).T) < ARROW_SELF_GAP_PX / 2
        if near.any():
            continue
        d = pts[j] - pts[j - 1]
        ang = math.atan2(d[1], d[0])
        c = pts[j]
        size = 14
        tip = (c[0] + size * math.cos(ang), c[1] + size * math.sin(ang))
        left = (c[0] + size * math.cos(ang + 2.5), c[1] + size * math.sin(ang + 2.5))
        right = (c[0] + size * math.cos(ang - 2.5), c[1] + size * math.sin(ang - 2.5))
        tris.append([tip, left, right])
    return tris
