"""Tracing sets: the child picks what to trace (shapes, digits, capitals, small letters).

Tapping Tracing in the launcher opens :class:`SetPickerScene`, the kit's picker
(:mod:`games.kit.set_picker`) filled with four big picture tiles in a 2 x 2 grid, each showing
three of its models drawn from the very polylines the child will trace (so the tiles show the
shapes as taught, e.g. the single-storey ``a``, not a font's), in reading order (shapes,
digits, A B C, a b c), with the beetle at the top.

A tile starts a :class:`games.tracing.scene.TracingScene` with a plan for that set
(:func:`set_plan`): the set's models in teaching order, starting at the first one the child has
not mastered yet (:meth:`games.tracing.staircase.TracingProgress.is_mastered`: two successes in
a row at the top level), going on to the end of the set and wrapping round to the ones before,
so every model of the set is in the plan and a therapist's pin on any of them is played at the
pinned level. When the tracing scene ends (the plan is done, or a grown-up held its house), the
child is back on this screen; the progress is read again for the next tile tapped.

Inside the launcher the tracing scene is pushed in a host of its own (the kit picker's
``Host.nest``), so a home session also ends on time in the middle of a letter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pygame

from engine import ui
from games.kit.set_picker import SetPickerScene as KitSetPicker
from games.kit.set_picker import Tile
from games.kit.set_picker import tile_rects as _grid_rects
from games.tracing.draw import draw_beetle, thick_polyline
from games.tracing.glyphs import CATEGORIES, glyph, glyph_ids
from games.tracing.lesson import Step, lesson_plan
from games.tracing.scene import TracingScene
from games.tracing.staircase import TracingProgress, load_progress


@dataclass(frozen=True)
class TracingSet:
    """One tile of the set picker: a glyph category, the models its picture shows and the
    tile's colour (light Okabe-Ito tints; the pictures, not the colours, tell the sets apart)."""

    category: str
    preview: tuple[str, str, str]
    color: ui.Color


SETS: tuple[TracingSet, ...] = (
    TracingSet("prewriting", ("circle", "triangle", "square"), ui.lighter(ui.SKY_BLUE, 0.75)),
    TracingSet("digit", ("digit_1", "digit_2", "digit_3"), ui.lighter(ui.ORANGE, 0.75)),
    TracingSet("upper", ("upper_A", "upper_B", "upper_C"), ui.lighter(ui.GREEN, 0.75)),
    TracingSet("lower", ("lower_a", "lower_b", "lower_c"), ui.lighter(ui.PURPLE, 0.7)),
)
assert tuple(s.category for s in SETS) == CATEGORIES  # one tile per category, in order

# The three models of a picture in strong colours that read on every tint (not yellow or sky
# blue, which fade into the light tiles).
PREVIEW_COLOURS: tuple[ui.Color, ...] = (ui.BLUE, ui.VERMILLION, ui.darker(ui.GREEN, 0.85))


def set_order(category: str, progress: TracingProgress) -> list[str]:
    """The glyph ids of ``category`` in teaching order, starting at the first one ``progress``
    has not mastered and wrapping round (all mastered: from the first one)."""
    ids = glyph_ids(category)
    first = next((i for i, gid in enumerate(ids) if not progress.is_mastered(gid)), 0)
    return ids[first:] + ids[:first]


def set_plan(category: str, progress: TracingProgress,
             modes: Sequence[str] | None = None) -> list[Step]:
    """The lesson plan of a set for a child: :func:`lesson_plan` over :func:`set_order`."""
    return lesson_plan(set_order(category, progress), modes)


def tile_rects() -> list[pygame.Rect]:
    """The four tiles' rects, in :data:`SETS` order: 2 x 2, centred (the kit picker's grid)."""
    return _grid_rects(len(SETS))


def draw_set_picture(surface: pygame.Surface, rect: pygame.Rect, tracing_set: TracingSet) -> None:
    """Three of the set's models side by side, as drawn in the game: writing lines under
    digits and letters, a thick coloured line, a green dot at each stroke's start."""
    side = min(rect.h * 0.8, rect.w * 0.31)
    step = rect.w * 0.3
    for i, gid in enumerate(tracing_set.preview):
        g = glyph(gid)
        cx = rect.centerx + (i - 1) * step
        box = side
        if g.category == "lower":
            # lowercase models use only the top 0.7 of their box (the rest is the descender)
            # and a, c are a third of it: a bigger box, centred on the letters rather than on
            # the box, keeps them as readable as the capitals beside them
            box = side * 1.3
        filled = 0.7 if g.category == "lower" else 1.0
        x0, y0 = cx - box / 2, rect.centery - box * filled / 2
        if g.category != "prewriting":
            base = y0 + box * filled
            pygame.draw.line(surface, ui.GREY, (cx - side / 2, base), (cx + side / 2, base), 2)
        strokes = g.scaled(x0, y0, box)
        colour = PREVIEW_COLOURS[i % len(PREVIEW_COLOURS)]
        for stroke in strokes:
            thick_polyline(surface, colour, stroke, max(3.0, side * 0.045))
        for stroke in reversed(strokes):
            start = (float(stroke[0][0]), float(stroke[0][1]))
            pygame.draw.circle(surface, ui.GREEN, start, max(4, round(side * 0.05)))
            pygame.draw.circle(surface, ui.WHITE, start, max(4, round(side * 0.05)), 2)


def _picture_drawer(tracing_set: TracingSet) -> Callable[[pygame.Surface, pygame.Rect], None]:
    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        draw_set_picture(surface, rect, tracing_set)
    return draw


class SetPickerScene(KitSetPicker):
    """Pick a tracing set: the kit's picker with four tiles and the beetle (see the module
    docstring); a tile starts a :class:`TracingScene` for the set from where the child is."""

    def __init__(self, child_id: str, start_level: int = 1,
                 progress_path: str | Path | None = None) -> None:
        tiles = [Tile(s.category, s.color, _picture_drawer(s)) for s in SETS]
        super().__init__(tiles, self._tracing_scene, mascot=draw_beetle, cache_key="tracing-set")
        self.child_id = child_id
        self.start_level = start_level
        self.progress_path = Path(progress_path) if progress_path is not None else None

    @property
    def tracing(self) -> TracingScene | None:
        """The last tracing scene started from here."""
        return self.started if isinstance(self.started, TracingScene) else None

    def progress(self) -> TracingProgress:
        """The child's tracing progress as saved now (fresh when there is no file)."""
        if self.progress_path is None:
            return TracingProgress()
        return load_progress(self.progress_path)

    def _tracing_scene(self, category: str) -> TracingScene:
        """A tracing scene playing ``category`` from where the child is."""
        return TracingScene(self.child_id, plan=set_plan(category, self.progress()),
                            start_level=self.start_level, progress_path=self.progress_path,
                            watch_first=True)

    def start(self, category: str) -> TracingScene:
        """Push a tracing scene playing ``category`` from where the child is; returns it."""
        scene = super().start(category)
        assert isinstance(scene, TracingScene)
        return scene
