"""The tracing models as data: pre-writing shapes, digits, uppercase and lowercase letters.

Pure Python + numpy (no pygame), so scoring, tests and the report can load the same models.

Every glyph is a list of strokes in the order a child is taught to make them, each stroke a
``(M, 2)`` float array of points in the direction it is drawn. Coordinates live in the glyph's
unit box ``[0, 1] x [0, 1]`` with ``y`` pointing down (screen convention); the scene scales
the box to the level's size.

Formation follows school manuscript programs (Zaner-Bloser style, Handwriting Without Tears
agrees on the points used here): start at the top, vertical lines top to bottom, horizontal
lines left to right, circles counter-clockwise from the top ("circle back"), and round letters
such as ``c``, ``a`` and ``d`` start at about one o'clock (``e`` in its middle, ``s`` at its
upper right), where the programs start them.

A stroke goes back up a line only where the programs teach one continuous movement that does
(``V``, ``W``, ``N``, ``M``, ``U``, ``u``, ``v``, ``w``) and runs right to left only to close
back onto a stem (``B``, ``D``, ``P``, ``R``, ``G``'s bar, and the square's bottom, drawn like
``D``: down the left side, then across, down and back along the bottom in one stroke). Straight
one-line strokes always run top to bottom, or left to right when level: ``1`` is one line down
from the top, the triangle is taught like ``A`` (slide down left from the top corner, slide
down right from it, then the base left to right) and the diamond is two halves, each from the
top corner down to the bottom one. ``tests/test_tracing_glyphs.py`` checks these rules over
every glyph.

Letters sit on a four-line system so lowercase letters keep their relative sizes:
``y = 0`` top line, ``0.4`` midline, ``0.7`` baseline, ``1.0`` descender line. Uppercase
letters and digits use the whole box (top line 0, baseline 1); pre-writing shapes fill it too.

Curves are stored as polylines (arcs cut into steps of at most ``ARC_STEP_DEG``); the polyline
*is* the model: it is what the scene draws, what is stored in ``targets.csv`` and what the
trace is scored against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

ARC_STEP_DEG = 10.0

# Four-line system for lowercase letters (y grows downwards).
TOP, MID, BASE, DESC = 0.0, 0.4, 0.7, 1.0

CATEGORIES = ("prewriting", "digit", "upper", "lower")

Point = tuple[float, float]


@dataclass(frozen=True)
class Glyph:
    """One model to trace: an id, a category, a label for people and the strokes in order."""

    id: str
    category: str
    label: str
    strokes: tuple[np.ndarray, ...]
    # Beery-VMI-like rule family used in copy mode ("" when the glyph has none).
    copy_rule: str = ""

    @property
    def n_strokes(self) -> int:
        """How many strokes the glyph is made of."""
        return len(self.strokes)

    def scaled(self, x: float, y: float, size: float) -> list[np.ndarray]:
        """The strokes mapped into a ``size`` x ``size`` box whose top-left corner is (x, y)."""
        offset = np.array([x, y], dtype=float)
        return [s * size + offset for s in self.strokes]


# --- small drawing language -------------------------------------------------------------------


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> list[Point]:
    """Points on an elliptical arc from angle ``a0`` to ``a1`` (degrees, visual convention).

    Angles are measured as on paper: 0 is to the right, 90 is up (smaller y on screen), so an
    increasing angle turns counter-clockwise as the child sees it. ``a1 < a0`` goes clockwise.
    """
    steps = max(2, math.ceil(abs(a1 - a0) / ARC_STEP_DEG))
    pts = []
    for i in range(steps + 1):
        a = math.radians(a0 + (a1 - a0) * i / steps)
        pts.append((cx + rx * math.cos(a), cy - ry * math.sin(a)))
    return pts


def _stroke(*parts: Sequence[Point] | Point) -> np.ndarray:
    """Join points and point lists into one stroke, dropping repeated joints."""
    pts: list[Point] = []
    for part in parts:
        items = [part] if isinstance(part[0], (int, float)) else part
        for p in items:
            q = (float(p[0]), float(p[1]))  # type: ignore[index,arg-type]
            if pts and math.dist(pts[-1], q) < 1e-9:
                continue
            pts.append(q)
    arr = np.array(pts, dtype=float)
    arr.setflags(write=False)
    return arr


def _circle(cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """A closed circle counter-clockwise from the top (12 o'clock), as children are taught."""
    return _stroke(_arc(cx, cy, rx, ry, 90, 450))


S = _stroke  # short alias for the tables below


# --- the models --------------------------------------------------------------------------------


def _prewriting() -> list[tuple[str, str, str, list[np.ndarray]]]:
    """Pre-writing strokes and shapes in developmental order (id, label, copy rule, strokes)."""
    return [
        ("vertical", "vertical line", "vertical", [S((0.5, 0.05), (0.5, 0.95))]),
        ("horizontal", "horizontal line", "horizontal", [S((0.05, 0.5), (0.95, 0.5))]),
        ("circle", "circle", "circle", [_circle(0.5, 0.5, 0.42, 0.42)]),
        (
            "cross",
            "cross",
            "cross",
            [S((0.5, 0.05), (0.5, 0.95)), S((0.05, 0.5), (0.95, 0.5))],
        ),
        (
            "square",
            "square",
            "square",
            # Down the left side, then across the top, down the right, along the bottom.
            [S((0.1, 0.1), (0.1, 0.9)), S((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9))],
        ),
        # A "right" diagonal leans right (/): drawn from the top right down to the bottom left,
        # as in writing; the "left" diagonal (\) from the top left down to the bottom right.
        ("diag_right", "diagonal /", "diag_right", [S((0.9, 0.1), (0.1, 0.9))]),
        ("diag_left", "diagonal \\", "diag_left", [S((0.1, 0.1), (0.9, 0.9))]),
        ("x", "X", "x", [S((0.1, 0.1), (0.9, 0.9)), S((0.9, 0.1), (0.1, 0.9))]),
        # Triangle as school programs teach it (and like capital A): from the top corner slide
        # down to the left, back to the top and slide down to the right, then the base left to
        # right; no side is drawn upwards.
        (
            "triangle",
            "triangle",
            "triangle",
            [
                S((0.5, 0.08), (0.08, 0.92)),
                S((0.5, 0.08), (0.92, 0.92)),
                S((0.08, 0.92), (0.92, 0.92)),
            ],
        ),
        # Diamond in two halves, both from the top corner down to the bottom one: the left
        # half, then the right half.
        (
            "diamond",
            "diamond",
            "diamond",
            [S((0.5, 0.05), (0.15, 0.5), (0.5, 0.95)), S((0.5, 0.05), (0.85, 0.5), (0.5, 0.95))],
        ),
    ]


def _digits() -> dict[str, list[np.ndarray]]:
    """Digits 0-9 (whole box: top 0, baseline 1)."""
    return {
        "0": [_circle(0.5, 0.5, 0.32, 0.47)],
        "1": [S((0.5, 0.03), (0.5, 0.97))],  # one straight line down from the top, no flag
        "2": [S(_arc(0.5, 0.28, 0.3, 0.25, 160, -30), (0.2, 0.97), (0.8, 0.97))],
        "3": [S(_arc(0.48, 0.26, 0.28, 0.23, 150, -90), _arc(0.48, 0.74, 0.3, 0.25, 90, -150))],
        "4": [S((0.25, 0.03), (0.2, 0.62), (0.85, 0.62)), S((0.65, 0.03), (0.65, 0.97))],
        "5": [
            S((0.27, 0.03), (0.25, 0.48), _arc(0.5, 0.7, 0.3, 0.27, 140, -150)),
            S((0.27, 0.03), (0.8, 0.03)),
        ],
        "6": [S(_arc(0.55, 0.5, 0.33, 0.47, 60, 180), _arc(0.5, 0.72, 0.28, 0.25, 180, 540))],
        "7": [S((0.2, 0.03), (0.8, 0.03), (0.4, 0.97))],
        "8": [
            S(
                _arc(0.5, 0.26, 0.24, 0.23, 90, 270),
                _arc(0.5, 0.74, 0.29, 0.23, 90, -270),
                _arc(0.5, 0.26, 0.24, 0.23, 270, 450),
            )
        ],
        "9": [S(_arc(0.5, 0.3, 0.28, 0.27, 30, 360), (0.78, 0.97))],
    }


def _upper() -> dict[str, list[np.ndarray]]:
    """Uppercase A-Z (whole box: top 0, middle 0.5, baseline 1)."""
    t, b = 0.03, 0.97
    return {
        "A": [S((0.5, t), (0.12, b)), S((0.5, t), (0.88, b)), S((0.28, 0.62), (0.72, 0.62))],
        "B": [
            S((0.22, t), (0.22, b)),
            S(
                (0.22, t),
                _arc(0.52, 0.265, 0.26, 0.235, 90, -90),
                (0.22, 0.5),
                _arc(0.55, 0.735, 0.3, 0.235, 90, -90),
                (0.22, b),
            ),
        ],
        "C": [S(_arc(0.55, 0.5, 0.4, 0.47, 45, 315))],
        "D": [S((0.2, t), (0.2, b)), S((0.2, t), _arc(0.42, 0.5, 0.4, 0.47, 90, -90), (0.2, b))],
        "E": [
            S((0.25, t), (0.25, b)),
            S((0.25, t), (0.8, t)),
            S((0.25, 0.5), (0.7, 0.5)),
            S((0.25, b), (0.8, b)),
        ],
        "F": [S((0.25, t), (0.25, b)), S((0.25, t), (0.8, t)), S((0.25, 0.5), (0.7, 0.5))],
        "G": [S(_arc(0.55, 0.5, 0.4, 0.47, 45, 360), (0.6, 0.5))],
        "H": [S((0.2, t), (0.2, b)), S((0.8, t), (0.8, b)), S((0.2, 0.5), (0.8, 0.5))],
        "I": [S((0.5, t), (0.5, b)), S((0.25, t), (0.75, t)), S((0.25, b), (0.75, b))],
        "J": [S((0.65, t), _arc(0.42, 0.72, 0.23, 0.25, 0, -180)), S((0.4, t), (0.9, t))],
        "K": [S((0.25, t), (0.25, b)), S((0.8, t), (0.25, 0.55), (0.8, b))],
        "L": [S((0.25, t), (0.25, b), (0.8, b))],
        "M": [S((0.12, t), (0.12, b)), S((0.12, t), (0.5, 0.7), (0.88, t), (0.88, b))],
        "N": [S((0.2, t), (0.2, b)), S((0.2, t), (0.8, b), (0.8, t))],
        "O": [_circle(0.5, 0.5, 0.4, 0.47)],
        "P": [S((0.2, t), (0.2, b)), S((0.2, t), _arc(0.5, 0.28, 0.3, 0.25, 90, -90), (0.2, 0.53))],
        "Q": [_circle(0.5, 0.5, 0.4, 0.47), S((0.6, 0.72), (0.9, b))],
        "R": [
            S((0.2, t), (0.2, b)),
            S((0.2, t), _arc(0.5, 0.28, 0.3, 0.25, 90, -90), (0.2, 0.53)),
            S((0.45, 0.53), (0.8, b)),
        ],
        "S": [S(_arc(0.5, 0.265, 0.3, 0.235, 30, 270), _arc(0.5, 0.735, 0.3, 0.235, 90, -150))],
        "T": [S((0.5, t), (0.5, b)), S((0.18, t), (0.82, t))],
        "U": [S((0.2, t), (0.2, 0.65), _arc(0.5, 0.65, 0.3, 0.32, 180, 360), (0.8, t))],
        "V": [S((0.12, t), (0.5, b), (0.88, t))],
        "W": [S((0.04, t), (0.27, b), (0.5, 0.3), (0.73, b), (0.96, t))],
        "X": [S((0.18, t), (0.82, b)), S((0.82, t), (0.18, b))],
        "Y": [S((0.15, t), (0.5, 0.5)), S((0.85, t), (0.5, 0.5), (0.5, b))],
        "Z": [S((0.18, t), (0.82, t), (0.18, b), (0.82, b))],
    }


def _lower() -> dict[str, list[np.ndarray]]:
    """Lowercase a-z on the four-line system (top 0, midline 0.4, baseline 0.7, descender 1)."""
    t, m, b, d = TOP + 0.02, MID, BASE, DESC - 0.02
    cy, r = (m + b) / 2, (b - m) / 2  # x-height bowl centre and radius
    return {
        # "Magic c" letters: start at one o'clock, circle back, then the line.
        "a": [S(_arc(0.5, cy, 0.2, r, 45, 375), (0.7, m), (0.7, b))],
        "b": [S((0.3, t), (0.3, b)), S((0.3, cy), _arc(0.5, cy, 0.2, r, 180, -180))],
        "c": [S(_arc(0.52, cy, 0.2, r, 45, 315))],
        "d": [S(_arc(0.5, cy, 0.2, r, 45, 375), (0.7, t), (0.7, b))],
        "e": [S((0.3, cy), (0.7, cy), _arc(0.5, cy, 0.2, r, 0, 315))],
        "f": [S(_arc(0.55, 0.12, 0.12, 0.1, 30, 180), (0.43, b)), S((0.28, m), (0.62, m))],
        "g": [S(_arc(0.5, cy, 0.2, r, 45, 375), (0.7, m), _arc(0.5, 0.85, 0.2, 0.13, 0, -160))],
        "h": [S((0.3, t), (0.3, b)), S((0.3, cy), _arc(0.5, cy, 0.2, r, 180, 0), (0.7, b))],
        "i": [S((0.5, m), (0.5, b)), S((0.5, 0.22), (0.5, 0.25))],
        "j": [S((0.55, m), _arc(0.4, 0.85, 0.15, 0.13, 0, -180)), S((0.55, 0.22), (0.55, 0.25))],
        "k": [S((0.3, t), (0.3, b)), S((0.68, m), (0.3, 0.58), (0.7, b))],
        "l": [S((0.5, t), (0.5, b))],
        "m": [
            S((0.2, m), (0.2, b)),
            S(
                (0.2, 0.5),
                _arc(0.35, 0.52, 0.15, 0.12, 180, 0),
                (0.5, b),
                (0.5, 0.52),
                _arc(0.65, 0.52, 0.15, 0.12, 180, 0),
                (0.8, b),
            ),
        ],
        "n": [S((0.3, m), (0.3, b)), S((0.3, 0.52), _arc(0.5, 0.52, 0.2, 0.12, 180, 0), (0.7, b))],
        "o": [_circle(0.5, cy, 0.2, r)],
        "p": [S((0.3, m), (0.3, d)), S((0.3, cy), _arc(0.5, cy, 0.2, r, 180, -180))],
        "q": [S(_arc(0.5, cy, 0.2, r, 45, 375), (0.7, m), (0.7, d))],  # no flick (Zaner-Bloser)
        "r": [S((0.35, m), (0.35, b)), S((0.35, 0.52), _arc(0.52, 0.52, 0.17, 0.12, 180, 30))],
        "s": [S(_arc(0.5, 0.475, 0.17, 0.075, 30, 270), _arc(0.5, 0.625, 0.17, 0.075, 90, -150))],
        "t": [S((0.5, 0.12), (0.5, b)), S((0.32, m), (0.68, m))],
        "u": [S((0.3, m), (0.3, 0.58), _arc(0.5, 0.58, 0.2, 0.12, 180, 360), (0.7, m), (0.7, b))],
        "v": [S((0.28, m), (0.5, b), (0.72, m))],
        "w": [S((0.15, m), (0.32, b), (0.5, 0.5), (0.68, b), (0.85, m))],
        "x": [S((0.3, m), (0.7, b)), S((0.7, m), (0.3, b))],
        "y": [S((0.3, m), (0.5, b)), S((0.7, m), (0.35, d))],
        "z": [S((0.3, m), (0.7, m), (0.3, b), (0.7, b))],
    }


@cache
def all_glyphs() -> dict[str, Glyph]:
    """Every glyph by id, in teaching order: pre-writing, digits 0-9, A-Z, a-z.

    Ids: pre-writing shapes by name (``vertical``, ``circle``...), digits ``digit_0``...,
    letters ``upper_A`` and ``lower_a``: never bare characters, so ids stay distinct on
    case-insensitive file systems and in spreadsheets.
    """
    glyphs: dict[str, Glyph] = {}
    for gid, label, rule, strokes in _prewriting():
        glyphs[gid] = Glyph(gid, "prewriting", label, tuple(strokes), rule)
    for ch, strokes in _digits().items():
        glyphs[f"digit_{ch}"] = Glyph(f"digit_{ch}", "digit", ch, tuple(strokes))
    for ch, strokes in _upper().items():
        glyphs[f"upper_{ch}"] = Glyph(f"upper_{ch}", "upper", ch, tuple(strokes))
    for ch, strokes in _lower().items():
        glyphs[f"lower_{ch}"] = Glyph(f"lower_{ch}", "lower", ch, tuple(strokes))
    return glyphs


def glyph(glyph_id: str) -> Glyph:
    """One glyph by id; raises ``KeyError`` naming the unknown id."""
    try:
        return all_glyphs()[glyph_id]
    except KeyError:
        raise KeyError(f"unknown glyph {glyph_id!r}") from None


def glyph_ids(category: str | None = None) -> list[str]:
    """Glyph ids in teaching order, optionally only one category."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {CATEGORIES}")
    return [g.id for g in all_glyphs().values() if category is None or g.category == category]
