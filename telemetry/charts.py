"""Inline SVG charts for the reports: trend lines, weekly practice bars, strokes, sparklines.

Drawn by hand as SVG text rather than with matplotlib: one small matplotlib figure costs
about 31 ms to save as SVG on the 2-core reference machine against 0.25 ms for the same
session-accuracy chart drawn here (``benchmarks/bench_report.py``, 128x), and a caseload of 40
children with two activities draws some 280 such charts, about 9 s with matplotlib against the
whole 5 s report budget. The hand-drawn charts also have exactly the size they declare (the
browser test checks it), and need no fonts or network. Every chart carries ``role="img"``, a
``<title>`` with its alt text and an ``aria-label``; the report puts its numbers in a table
next to it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

# Colour-blind-safe (Okabe-Ito) colours; they also print distinguishably in grey.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
GREY = "#888888"
LIGHT = "#DDDDDD"
INK = "#222222"

_FONT = 'font-family="sans-serif" font-size="11"'
# The trend charts print at about three quarters of their screen size (three to a row on A4),
# so their text is a little larger than the other charts' to stay legible on paper.
_FONT_TREND = 'font-family="sans-serif" font-size="12"'


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _open(width: int, height: int, alt: str, css_class: str) -> str:
    """The opening of an accessible SVG of a fixed size."""
    a = _esc(alt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{a}">'
        f"<title>{a}</title>"
    )


def _fmt(v: float) -> str:
    """A coordinate with one decimal: enough for a screen, small for the page."""
    return f"{v:.1f}"


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v <= hi + step * 1e-9:
        if v >= lo - step * 1e-9:
            ticks.append(round(v, 10))
        v += step
    return ticks


def trend_chart(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    unit: str = "",
    baseline: tuple[int, float] | None = None,
    latest: tuple[int, float] | None = None,
    y_range: tuple[float, float] | None = None,
    width: int = 300,
    height: int = 170,
    step: bool = False,
    integer: bool = False,
    threshold: float | None = None,
) -> str:
    """A per-session line chart with the baseline and latest medians drawn as bands.

    ``values`` is one figure per session in time order (NaN for none); ``labels`` the session
    dates (only the first and last are printed). ``baseline``/``latest`` are
    ``(sessions in the window, median)``: a thick segment spans those sessions at the median.
    ``step`` draws a staircase and ``integer`` keeps whole-number ticks (for levels).
    ``threshold`` draws a goal's bar as a dashed line across the chart (kept in the y range).
    """
    vals = np.asarray(values, dtype=float)
    n = len(vals)
    finite = vals[np.isfinite(vals)]
    parts = []
    alt = f"{title}: {n} sessions"
    if baseline is not None and math.isfinite(baseline[1]):
        alt += f", baseline median {baseline[1]:g}{unit}"
    if latest is not None and math.isfinite(latest[1]):
        alt += f", latest median {latest[1]:g}{unit}"
    if threshold is not None and math.isfinite(threshold):
        alt += f", goal {threshold:g}{unit}"
    parts.append(_open(width, height, alt, "chart"))
    left, right, top, bottom = 40, 10, 20, 24
    pw, ph = width - left - right, height - top - bottom
    # The title starts at the left edge, not over the plot: it carries the unit and is long.
    parts.append(
        f'<text x="4" y="13" {_FONT_TREND} font-weight="bold" fill="{INK}">{_esc(title)}</text>'
    )
    if finite.size == 0:
        parts.append(
            f'<text x="{left + pw / 2}" y="{top + ph / 2}" {_FONT_TREND} text-anchor="middle" '
            f'fill="{GREY}">no completed trials</text></svg>'
        )
        return "".join(parts)
    lo, hi = (y_range if y_range is not None else (float(finite.min()), float(finite.max())))
    if threshold is not None and y_range is None:
        lo, hi = min(lo, threshold), max(hi, threshold)
    if y_range is None:
        pad = (hi - lo) * 0.1 or max(abs(hi) * 0.1, 1.0)
        lo, hi = max(0.0, lo - pad) if lo >= 0 else lo - pad, hi + pad
    ticks = nice_ticks(lo, hi)
    if integer:
        ticks = sorted({float(round(t)) for t in ticks if abs(t - round(t)) < 1e-9})
    if y_range is None and ticks:
        lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    span = (hi - lo) or 1.0

    def px(i: float) -> float:
        return left + (pw * (i + 0.5) / n)

    def py(v: float) -> float:
        return top + ph * (1.0 - (v - lo) / span)

    for t in ticks:
        y = py(t)
        parts.append(
            f'<line x1="{left}" y1="{_fmt(y)}" x2="{left + pw}" y2="{_fmt(y)}" '
            f'stroke="{LIGHT}" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{_fmt(y + 4)}" {_FONT_TREND} text-anchor="end" '
            f'fill="{INK}">{t:g}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="{INK}"/>'
    )
    if labels:
        parts.append(
            f'<text x="{left}" y="{height - 6}" {_FONT_TREND} fill="{INK}">{_esc(labels[0])}</text>'
        )
        if n > 1:
            parts.append(
                f'<text x="{left + pw}" y="{height - 6}" {_FONT_TREND} text-anchor="end" '
                f'fill="{INK}">{_esc(labels[-1])}</text>'
            )
        # The x axis' own label, between the first and last dates.
        parts.append(
            f'<text x="{_fmt(left + pw / 2)}" y="{height - 6}" {_FONT_TREND} '
            f'text-anchor="middle" fill="{GREY}">session date</text>'
        )
    # The session line: broken where a session has no value.
    segs: list[list[str]] = [[]]
    for i, v in enumerate(vals):
        if math.isfinite(v):
            if step and segs[-1] and vals[i - 1] != v:
                segs[-1].append(f"{_fmt(px(i))},{_fmt(py(vals[i - 1]))}")
            segs[-1].append(f"{_fmt(px(i))},{_fmt(py(v))}")
        elif segs[-1]:
            segs.append([])
    for seg in segs:
        if len(seg) > 1:
            parts.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{BLUE}" '
                f'stroke-width="1.5"/>'
            )
    if n <= 40:  # dots only while they stay readable
        parts.extend(
            f'<circle cx="{_fmt(px(i))}" cy="{_fmt(py(v))}" r="2.5" fill="{BLUE}"/>'
            for i, v in enumerate(vals)
            if math.isfinite(v)
        )
    if threshold is not None and math.isfinite(threshold):
        parts.append(
            f'<line x1="{left}" y1="{_fmt(py(threshold))}" x2="{left + pw}" '
            f'y2="{_fmt(py(threshold))}" stroke="{INK}" stroke-width="1.5" '
            f'stroke-dasharray="5,3"><title>goal {threshold:g}{_esc(unit)}</title></line>'
        )
    for band, colour, at_end in ((baseline, ORANGE, False), (latest, GREEN, True)):
        if band is None or band[0] <= 0 or not math.isfinite(band[1]):
            continue
        k, med = band
        i0, i1 = (n - k, n - 1) if at_end else (0, k - 1)
        x0, x1 = px(i0) - pw / n * 0.45, px(i1) + pw / n * 0.45
        parts.append(
            f'<line x1="{_fmt(x0)}" y1="{_fmt(py(med))}" x2="{_fmt(x1)}" y2="{_fmt(py(med))}" '
            f'stroke="{colour}" stroke-width="4" stroke-linecap="round" opacity="0.85"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def weekly_bars(
    weeks: Sequence[str],
    clinic: Sequence[float],
    home: Sequence[float],
    *,
    title: str,
    unit: str = "min",
    width: int = 700,
    height: int = 170,
) -> str:
    """Stacked bars per week: clinic (orange) under home (blue); an empty week is a gap."""
    n = len(weeks)
    c = np.asarray(clinic, dtype=float)
    h = np.asarray(home, dtype=float)
    total = c + h
    alt = (
        f"{title}: {n} weeks, {float(total.sum()):g} {unit} in all "
        f"({float(c.sum()):g} clinic, {float(h.sum()):g} home), "
        f"{int((total == 0).sum())} weeks without practice"
    )
    parts = [_open(width, height, alt, "chart")]
    left, right, top, bottom = 40, 10, 20, 24
    pw, ph = width - left - right, height - top - bottom
    parts.append(
        f'<text x="{left}" y="13" {_FONT} font-weight="bold" fill="{INK}">{_esc(title)}</text>'
        f'<rect x="{width - 150}" y="5" width="9" height="9" fill="{ORANGE}"/>'
        f'<text x="{width - 138}" y="13" {_FONT} fill="{INK}">clinic</text>'
        f'<rect x="{width - 95}" y="5" width="9" height="9" fill="{BLUE}"/>'
        f'<text x="{width - 83}" y="13" {_FONT} fill="{INK}">home</text>'
    )
    hi = float(total.max()) if n else 0.0
    ticks = nice_ticks(0.0, hi if hi > 0 else 1.0)
    # The top tick must reach the tallest bar, or the bar would run over the title.
    while len(ticks) > 1 and ticks[-1] < hi:
        ticks.append(ticks[-1] + (ticks[1] - ticks[0]))
    top_v = ticks[-1] if ticks else 1.0
    for t in ticks:
        y = top + ph * (1 - t / top_v)
        parts.append(
            f'<line x1="{left}" y1="{_fmt(y)}" x2="{left + pw}" y2="{_fmt(y)}" '
            f'stroke="{LIGHT}"/><text x="{left - 4}" y="{_fmt(y + 4)}" {_FONT} '
            f'text-anchor="end" fill="{INK}">{t:g}</text>'
        )
    bw = pw / max(n, 1)
    for i in range(n):
        x = left + i * bw + bw * 0.1
        y0 = top + ph
        for v, colour in ((c[i], ORANGE), (h[i], BLUE)):
            if v > 0:
                hgt = ph * v / top_v
                y0 -= hgt
                parts.append(
                    f'<rect x="{_fmt(x)}" y="{_fmt(y0)}" width="{_fmt(bw * 0.8)}" '
                    f'height="{_fmt(hgt)}" fill="{colour}"/>'
                )
    parts.append(
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="{INK}"/>'
    )
    if n:
        parts.append(
            f'<text x="{left}" y="{height - 6}" {_FONT} fill="{INK}">{_esc(weeks[0])}</text>'
            f'<text x="{left + pw}" y="{height - 6}" {_FONT} text-anchor="end" '
            f'fill="{INK}">{_esc(weeks[-1])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def strokes_svg(
    model: Sequence[np.ndarray],
    strokes: Sequence[np.ndarray],
    *,
    title: str,
    size: int = 200,
    road_px: float = 0.0,
) -> str:
    """The child's strokes (blue) over the model path (a wide grey road), fitted to a square.

    ``model`` and ``strokes`` are lists of ``(N, 2)`` arrays in logical screen pixels; the
    common bounding box is scaled to fit so both keep their true relation, as on paper.
    ``road_px`` is the tolerance band's full width in screen pixels (0: a default width).
    """
    pts = [p for p in (*model, *strokes) if len(p)]
    alt = f"{title}: {len(strokes)} stroke(s) over the model path"
    parts = [_open(size, size, alt, "strokes")]
    parts.append(f'<rect x="0" y="0" width="{size}" height="{size}" fill="#ffffff" '
                 f'stroke="{LIGHT}"/>')
    if not pts:
        parts.append(
            f'<text x="{size / 2}" y="{size / 2}" {_FONT} text-anchor="middle" '
            f'fill="{GREY}">no samples</text></svg>'
        )
        return "".join(parts)
    allp = np.concatenate(pts)
    mn, mx = allp.min(axis=0), allp.max(axis=0)
    span = float(max(mx[0] - mn[0], mx[1] - mn[1], 1.0))
    margin = 12.0
    scale = (size - 2 * margin) / span
    # Centre the drawing in the square.
    off = margin + ((size - 2 * margin) - (mx - mn) * scale) / 2.0

    def poly(arr: np.ndarray) -> str:
        # A 200 px drawing needs no more than ~150 points a stroke: keep every k-th and the end.
        if len(arr) > 150:
            keep = np.unique(np.r_[np.arange(0, len(arr), len(arr) // 150 + 1), len(arr) - 1])
            arr = arr[keep]
        # Tenths of a pixel as integers: formatting ints is several times faster than floats.
        xy = np.rint(((arr - mn) * scale + off) * 10).astype(np.int64)
        return " ".join(map(str, xy.ravel().tolist()))

    road = road_px * scale if road_px > 0 else 10.0
    parts.append('<g transform="scale(0.1)">')
    for part in model:
        if len(part) > 1:
            parts.append(
                f'<polyline points="{poly(part)}" fill="none" stroke="{LIGHT}" '
                f'stroke-width="{road * 10:.0f}" stroke-linecap="round" '
                f'stroke-linejoin="round"/>'
                f'<polyline points="{poly(part)}" fill="none" stroke="{GREY}" '
                f'stroke-width="10" stroke-dasharray="30 30"/>'
            )
    for s in strokes:
        if len(s) > 1:
            parts.append(
                f'<polyline points="{poly(s)}" fill="none" stroke="{BLUE}" stroke-width="20" '
                f'stroke-linecap="round" stroke-linejoin="round"/>'
            )
        elif len(s) == 1:
            x, y = ((s[0] - mn) * scale + off) * 10
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="20" fill="{BLUE}"/>')
    parts.append("</g></svg>")
    return "".join(parts)


def sparkline(values: Sequence[float], *, title: str, width: int = 120, height: int = 24) -> str:
    """A tiny bar sparkline (e.g. sessions per week) for the caseload table."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    alt = f"{title}: " + ", ".join(f"{x:g}" for x in v)
    parts = [_open(width, height, alt, "spark")]
    top_v = float(v.max()) if n and v.max() > 0 else 1.0
    bw = width / max(n, 1)
    for i, x in enumerate(v):
        hgt = (height - 2) * x / top_v
        if x > 0:
            parts.append(
                f'<rect x="{i * bw + 0.5:.1f}" y="{height - hgt:.1f}" width="{bw - 1:.1f}" '
                f'height="{hgt:.1f}" fill="{BLUE}"/>'
            )
        else:
            parts.append(
                f'<rect x="{i * bw + 0.5:.1f}" y="{height - 1}" width="{bw - 1:.1f}" '
                f'height="1" fill="{VERMILION}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
