"""Where a tracing trial's model sits and how its target geometry is stored: the one owner.

The scene lays a trial out with :func:`layout` and stores its targets with
:func:`write_targets`; the demo simulator lays its made-up trials out with the same
:func:`layout`; the report section and re-scoring read the stored geometry back with
:func:`read_targets`. Pure Python and numpy (no pygame): the report runs without a display.

``targets.csv`` rows of a tracing trial (logical px, the scene's 1280 x 800 layout):

* ``model_path``, part k, one row per point: model stroke k in drawing order (rounded to 4
  decimals as stored: the scene plays and scores the stored model, see :func:`stored_model`);
* ``tolerance``, part 0, one row ``(tol, tol)``: the road's half-width;
* ``copy_box``, part 0, two rows ``(left, top)``, ``(right, bottom)``: copy mode only, the
  box the child draws in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from games.tracing.glyphs import Glyph
from games.tracing.staircase import Level
from telemetry.schema import as_stored

SCREEN_W, SCREEN_H = 1280, 800  # the engine's logical size
TOP_BAR = 96  # stickers live up here
COPY_MAX_PX = 500  # the copy model and box are at most this big
THUMBNAIL_SPACE = 230  # the glyph sits right of centre: the thumbnail of the model is left
THUMBNAIL = (30, TOP_BAR + 20, 170, 170)  # the small picture of the whole model (right hand)
WATCH_PX = 130  # the "watch me" eye button (a child's button: at least 96 px)

Box = tuple[int, int, int, int]  # left, top, width, height
AddTargets = Callable[[str, int, Iterable[Any]], None]


def _mirror(box: Box, left_handed: bool) -> Box:
    x, y, w, h = box
    return (SCREEN_W - x - w, y, w, h) if left_handed else box


@dataclass(frozen=True)
class Layout:
    """Where a trial's parts sit: the model's box, in copy mode the drawing box and the tick
    (else empty boxes), and the "watch me" eye button."""

    box: Box
    copy_box: Box = (0, 0, 1, 1)
    done: Box | None = None
    watch: Box = (0, 0, 1, 1)


def layout(level: Level, mode: str, left_handed: bool = False, done_px: int = 130) -> Layout:
    """The scene's layout of a trial at ``level`` in ``mode`` (mirrored for a left hand).

    Trace/dots/fade: a square box of the level's size (at most the height below the top bar),
    right of centre for right-handers, leaving the thumbnail of the whole model visible on the
    side away from the hand. Copy: the model on the side the writing hand does not cover, the
    drawing box on the other and the tick between them at the box's bottom (away from the
    palm, which rests beside and below the pen).

    The "watch me" eye (:data:`WATCH_PX` square) sits away from the hand too, clear of every
    marker: below the thumbnail of the model (trace, dots, fade), or between the model and the
    box at their top, above the tick (copy).
    """
    avail_h = SCREEN_H - TOP_BAR - 20
    size = min(int(level.size_px), avail_h)
    if mode == "copy":
        size = min(size, COPY_MAX_PX)
        top = TOP_BAR + (avail_h - size) // 2
        model = (40, top, size, size)
        draw = (SCREEN_W - 60 - size, top, size, size)
        done_x = (model[0] + size + draw[0]) // 2 - done_px // 2
        done = (done_x, top + size - done_px, done_px, done_px)
        watch_x = (model[0] + size + draw[0]) // 2 - WATCH_PX // 2
        watch = (watch_x, top, WATCH_PX, WATCH_PX)
        return Layout(_mirror(model, left_handed), _mirror(draw, left_handed),
                      _mirror(done, left_handed), _mirror(watch, left_handed))
    x = THUMBNAIL_SPACE + (SCREEN_W - THUMBNAIL_SPACE - size) // 2
    tx, ty, tw, th = THUMBNAIL
    watch = (tx + (tw - WATCH_PX) // 2, ty + th + 30, WATCH_PX, WATCH_PX)
    return Layout(_mirror((x, TOP_BAR + (avail_h - size) // 2, size, size), left_handed),
                  watch=_mirror(watch, left_handed))


def stored_model(g: Glyph, box: Box) -> list[np.ndarray]:
    """The glyph's strokes laid into ``box`` as ``targets.csv`` stores them (4 decimals):
    what is drawn, played and scored is exactly what a re-scoring of the stored trial reads."""
    x, y, w, _ = box
    return [as_stored(np.asarray(stroke, dtype=float)) for stroke in g.scaled(x, y, w)]


def write_targets(add: AddTargets, model: Sequence[np.ndarray], tolerance_px: float,
                  copy_box: Box | None = None) -> None:
    """Store a trial's targets through ``add(kind, part, points)`` (the recorder's, or the
    trial scene's ``add_targets``)."""
    for k, stroke in enumerate(model):
        add("model_path", k, stroke)
    add("tolerance", 0, [(tolerance_px, tolerance_px)])
    if copy_box is not None:
        left, top, w, h = copy_box
        add("copy_box", 0, [(left, top), (left + w, top + h)])


@dataclass
class Targets:
    """A tracing trial's stored targets: the model strokes, the road's half-width (0 when not
    stored) and the copy box (None outside copy mode)."""

    model: list[np.ndarray] = field(default_factory=list)
    tolerance_px: float = 0.0
    copy_box: Box | None = None

    @property
    def copied(self) -> bool:
        """Drawn freehand in a copy box."""
        return self.copy_box is not None


def read_targets(rows: Iterable[tuple[str, int, int, float, float]]) -> Targets:
    """The targets of one trial from its ``targets.csv`` rows ``(kind, part, seq, x, y)``
    (checked rows, in any order); unknown kinds are ignored."""
    parts: dict[int, list[tuple[int, float, float]]] = {}
    corners: list[tuple[int, float, float]] = []
    out = Targets()
    for kind, part, seq, x, y in rows:
        if kind == "model_path":
            parts.setdefault(int(part), []).append((int(seq), float(x), float(y)))
        elif kind == "tolerance":
            out.tolerance_px = float(x)
        elif kind == "copy_box":
            corners.append((int(seq), float(x), float(y)))
    out.model = [np.array([(x, y) for _, x, y in sorted(parts[k])], dtype=float)
                 for k in sorted(parts)]
    if corners:  # one corner left (a damaged file): still a copy trial, its box unknown
        (_, x0, y0), (_, x1, y1) = (sorted(corners) * 2)[:2] if len(corners) < 2 else (
            sorted(corners)[:2])
        out.copy_box = (round(x0), round(y0), round(x1 - x0), round(y1 - y0))
    return out
