"""Tracing sets: the child picks what to trace (shapes, digits, capitals, small letters).

Tapping Tracing in the launcher opens :class:`SetPickerScene`, a screen a 3-year-old can use
without reading: four big picture tiles in a 2 x 2 grid, each showing three of its models drawn
from the very polylines the child will trace (so the tiles show the shapes as taught, e.g. the
single-storey ``a``, not a font's), and the house in the top corner that goes back to the game
picker, as the launcher's house does. The house is the only corner control and it moves to the
other corner for a left-handed child (``settings.left_handed``); the tile grid is symmetric, so
mirroring leaves it in place and the sets keep their reading order (shapes, digits, A B C,
a b c).

A tile starts a :class:`games.tracing.scene.TracingScene` with a plan for that set
(:func:`set_plan`): the set's models in teaching order, starting at the first one the child has
not mastered yet (:meth:`games.tracing.staircase.TracingProgress.is_mastered`: two successes in
a row at the top level), going on to the end of the set and wrapping round to the ones before,
so every model of the set is in the plan and a therapist's pin on any of them is played at the
pinned level. When the tracing scene ends (the plan is done, or a grown-up held its house), the
child is back on this screen; the progress is read again for the next tile tapped.

Inside the launcher every screen of an activity sits in the launcher's ``ActivityHost``, which
ends a timed home session; the tracing scene is pushed in a host of its own (the set picker's
host is not updated while the tracing scene covers it), so a home session also ends on time in
the middle of a letter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from games.tracing.glyphs import CATEGORIES, glyph, glyph_ids
from games.tracing.scene import Step, TracingScene, draw_beetle, lesson_plan, thick_polyline
from games.tracing.staircase import TracingProgress, load_progress

W, H = ui.LOGICAL_SIZE
TILE = (540, 260)  # wide tiles: three models side by side, each about as tall as a hand
TILE_GAP = 40
TILE_AREA = pygame.Rect(40, 150, W - 80, 620)
HOUSE = pygame.Rect(20, 20, 112, 112)  # the launcher's game-picker house, same place and size
BEETLE_PX = 120  # the tracing beetle at the top: "this is the tracing game"
SETTLE_S = 0.3  # as the launcher's screens: presses right after the screen appears are ignored


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
    """The four tiles' rects, in :data:`SETS` order: 2 x 2, centred. The same for either hand:
    the grid is symmetric about the screen's centre line, so mirroring it changes nothing, and
    the sets stay in reading order."""
    return ui.grid_layout(len(SETS), TILE, TILE_GAP, TILE_AREA, max_columns=2)


def house_rect(left_handed: bool = False) -> pygame.Rect:
    """The house: top left, top right for a left-handed child (as on the game picker)."""
    return ui.place(HOUSE, left_handed)


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


class SetPickerScene(Scene):
    """Pick a tracing set: four big picture tiles and the house (see the module docstring)."""

    def __init__(self, child_id: str, start_level: int = 1,
                 progress_path: str | Path | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.start_level = start_level
        self.progress_path = Path(progress_path) if progress_path is not None else None
        self.tiles: dict[str, ui.PictureButton] = {}
        self.back: ui.PictureButton | None = None
        self.tracing: TracingScene | None = None  # the last tracing scene started from here
        self.t = 0.0
        self._ready_ns = 0

    # -- lifecycle ------------------------------------------------------------------------------

    def enter(self) -> None:
        """Lay the screen out and start the double-tap guard."""
        self._arm()
        self._layout()

    def pause(self) -> None:
        """A tracing scene covers this screen: forget any press in progress."""
        self._reset()

    def resume(self) -> None:
        """Back from tracing: fresh controls, and the last tap of the game starts nothing."""
        self._reset()
        self._arm()
        self._layout()

    def _arm(self) -> None:
        # The finger that tapped Tracing (or finished a letter) may tap again at once: a double
        # tap must not also start the set under it.
        self._ready_ns = self.app.clock.now_ns() + int(SETTLE_S * 1e9)

    def _reset(self) -> None:
        for button in self.buttons:
            button.reset()

    @property
    def left_handed(self) -> bool:
        """Whether the layout is mirrored for a left hand."""
        return bool(getattr(self.app.settings, "left_handed", False))

    @property
    def buttons(self) -> list[ui.PictureButton]:
        """Every control, the house first."""
        return ([self.back] if self.back is not None else []) + list(self.tiles.values())

    def _layout(self) -> None:
        left = self.left_handed
        self.back = ui.PictureButton(house_rect(left), ui.draw_back, self._go_back,
                                     color=ui.WHITE)
        self.tiles = {
            s.category: ui.PictureButton(rect, None, self._starter(s.category), color=s.color)
            for s, rect in zip(SETS, tile_rects(), strict=True)
        }

    # -- actions --------------------------------------------------------------------------------

    def _starter(self, category: str) -> Callable[[], None]:
        def start() -> None:
            self.app.sound.play("tap")
            self.start(category)
        return start

    def _go_back(self) -> None:
        self.app.sound.play("tap")
        self.leave()

    def leave(self) -> None:
        """Back to the game picker (in the launcher this pops the activity's host)."""
        if self.app is not None and self.app.stack.top is not None:
            self.app.stack.pop()

    def progress(self) -> TracingProgress:
        """The child's tracing progress as saved now (fresh when there is no file)."""
        if self.progress_path is None:
            return TracingProgress()
        return load_progress(self.progress_path)

    def start(self, category: str) -> TracingScene:
        """Push a tracing scene playing ``category`` from where the child is; returns it."""
        plan = set_plan(category, self.progress())
        scene = TracingScene(self.child_id, plan=plan, start_level=self.start_level,
                             progress_path=self.progress_path)
        self.tracing = scene
        self.app.stack.push(self._hosted(scene))
        return scene

    def _hosted(self, scene: Scene) -> Scene:
        """``scene`` in a launcher host of its own when this screen sits in one (so the home
        session timer keeps running during tracing), else ``scene`` itself."""
        from games.launcher import ActivityHost

        top = self.app.stack.top
        if isinstance(top, ActivityHost) and top.scene is self:
            return ActivityHost(top.launcher, scene)
        return scene

    # -- input ----------------------------------------------------------------------------------

    def handle_pointer(self, sample: PointerSample) -> None:
        """Taps on the house and the tiles (presses in the first ``SETTLE_S`` are ignored)."""
        if sample.phase == "down" and sample.t_ns < self._ready_ns:
            return
        for button in self.buttons:
            if button.handle_pointer(sample):
                return

    def handle_key(self, key: KeyPress) -> None:
        """Esc goes back to the game picker; F11 switches window / full screen (grown-ups)."""
        if key.key == pygame.K_ESCAPE:
            self.leave()
        elif key.key == pygame.K_F11:
            set_fullscreen = getattr(self.app, "set_fullscreen", None)
            if set_fullscreen is not None:
                set_fullscreen(not self.app.config.fullscreen)

    def update(self, dt: float) -> None:
        """Only the beetle's gentle bounce moves."""
        self.t += dt

    # -- drawing --------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Backdrop, the bouncing beetle, the house and the four tiles with their pictures."""
        surface.blit(ui.backdrop(), (0, 0))
        reduce = bool(getattr(self.app.settings, "reduce_motion", False))
        beetle = pygame.Rect(0, 0, BEETLE_PX, BEETLE_PX)
        beetle.center = (W // 2, 82 - round(ui.bounce(self.t, 6.0, 1.6, reduce)))
        surface.blit(ui.icon_surface(draw_beetle, beetle.size, ("tracing", "beetle")), beetle)
        if self.back is not None:
            self.back.draw(surface)
        for tracing_set in SETS:
            tile = self.tiles.get(tracing_set.category)
            if tile is None:
                continue
            tile.draw(surface)
            # the picture sinks with the tile while it is pressed (PictureButton's feedback)
            rect = tile.rect.inflate(-24, -24).move(0, 4 if tile.pressed else 0)
            pic = ui.icon_surface(_picture_drawer(tracing_set), rect.size,
                                  ("tracing-set", tracing_set.category))
            surface.blit(pic, rect)
