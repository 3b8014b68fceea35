"""Copy mode (freehand drawing of a pre-writing shape, pure numpy): the Beery-VMI-like rules
(:func:`copy_rule_check`) and :func:`score_copy`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from games.kit.motion import as_arrays, split_strokes
from games.tracing.coverage import _coverage
from games.tracing.nearest import Model, _nearest, _segments
from games.tracing.score import TraceScore, score_trace

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
    near = _nearest(drawn[:, 0], drawn[:, 1], per, tol)
    return float(_coverage(per, near, tol, None, drawn[:, 0], drawn[:, 1])[0].mean())


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


# The movement figures of a copy, measured on the drawing as drawn (the finger's own speed and
# smoothness); every other figure is the shape's fit, measured after fitting the drawing onto
# the model (fit_to_model). Times are the same either way.
MOVEMENT_FIELDS = ("mean_speed_px_s", "peak_speed_px_s", "velocity_peaks",
                   "velocity_peaks_per_stroke", "velocity_peaks_per_s", "sparc", "ldlj")


@dataclass(frozen=True)
class CopyScore:
    """A freehand copy: the shape score after fitting the drawing onto the model, and the rule."""

    # The shape's fit (accuracy, deviations, coverage, exits, formation) scored after aligning
    # the drawing's box with the model's box; the MOVEMENT_FIELDS as drawn.
    trace: TraceScore
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
    """Score a freehand copy: shape fit to the model (after :func:`fit_to_model`) and the rule.

    Speeds, velocity peaks and smoothness are measured on the drawing as drawn (a cross drawn
    at 400 px/s stores 400 px/s whatever its size); the rescaled drawing serves the shape's fit
    only. The rule is checked on the drawing as drawn.
    """
    t, x, y, ph = as_arrays(samples)
    strokes = split_strokes((t, x, y, ph))
    drawn_x, drawn_y = x, y
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
    if strokes:
        as_drawn = score_trace(model, (t, drawn_x, drawn_y, ph), tolerance_px, px_per_mm)
        trace = replace(trace, **{f: getattr(as_drawn, f) for f in MOVEMENT_FIELDS})
    if rule:
        passed, reason = copy_rule_check(rule, [s.xy for s in strokes])
        return CopyScore(trace, rule, passed, reason)
    return CopyScore(trace, "", None, "")
