"""What the tracing scene draws (pygame): the trial's static background drawn once (backdrop,
writing lines, road, arrows, dots, start dots, the thumbnail of the whole model, the copy box),
then per frame the trail canvas, the current stroke's pulsing start ring, arrows and end star,
the beetle, and the kit's overlay (stickers, leave button, reward).

:class:`TracingView` is the drawing half of :class:`games.tracing.scene.TracingScene`, which
adds the trial flow and the input; the state it draws is the scene's.
"""

from __future__ import annotations

import numpy as np
import pygame

from engine import ui
from games.kit.reward import star_points
from games.kit.trial_scene import TrialScene
from games.tracing.draw import ROAD, ROAD_EDGE, blend, draw_beetle, guide_lines, thick_polyline
from games.tracing.glyphs import Glyph
from games.tracing.lesson import Step
from games.tracing.record import THUMBNAIL
from games.tracing.road import arrow_triangles, dot_points
from games.tracing.staircase import Level
from games.tracing.watch import WatchFrame

W, H = ui.LOGICAL_SIZE
BEETLE_PX = 84  # side of the beetle sprite; it is drawn centred on the finger
START_RING_R = 50  # the pulsing start ring is wider than the beetle, so it shows around it
START_DOT_R = 18
END_STAR_R = 26
MISS_FADE_S = 0.6  # after a miss the messy trail fades away over this long


class TracingView(TrialScene):
    """The drawing half of the tracing scene (see the module docstring)."""

    step: Step
    glyph: Glyph
    level: Level
    model: list[np.ndarray]
    box: pygame.Rect
    copy_box: pygame.Rect
    numbered: bool
    arrow_tris: list[list[list[tuple[float, float]]]]
    arrow_colour: tuple[int, int, int]
    canvas: pygame.Surface | None
    current: int
    done_button: ui.PictureButton | None
    last_pos: tuple[float, float] | None
    beetle_pos: tuple[float, float]
    offroad: bool
    _beetles: dict[bool, pygame.Surface]
    fading: pygame.Surface | None
    fade_t: float

    # -- provided by the watching half (games/tracing/watching.py) ----------------------------

    watch_button: ui.PictureButton

    def watch_frame(self) -> WatchFrame | None:
        """Where the "watch me" demo is now (None when none plays)."""
        return None

    def watch_walking(self) -> bool:
        """Whether the demo's beetle is walking now."""
        return False

    def watch_dot_scale(self) -> float:
        """The size of the demo's pulsing start dot (1: its usual size)."""
        return 1.0

    def draw_watch_trail(self, surface: pygame.Surface, frame: WatchFrame) -> None:
        """The demo's growing line."""

    def demo_arrows(self, k: int) -> list[list[tuple[float, float]]]:
        """The direction arrows the demo shows on stroke ``k`` (at every level)."""
        return []

    def draw_hint(self, surface: pygame.Surface) -> None:
        """The copy step's ghost-finger hint."""

    # -- layout and drawing -------------------------------------------------------------------

    def thumbnail_rect(self) -> pygame.Rect:
        """The small picture of the whole model, on the side the hand does not cover."""
        return self.place(pygame.Rect(THUMBNAIL))

    def _render_background(self) -> pygame.Surface:
        """Everything static in a trial, drawn once: backdrop, guide lines, road, arrows, dots,
        the thumbnail of the whole model and, in copy mode, the empty box."""
        surf = ui.backdrop().copy()
        tol = self.level.tolerance_px
        mode = self.step.mode
        if self.glyph.category in ("upper", "lower", "digit"):
            self._guide_lines(surf, self.box)
            if mode == "copy":
                self._guide_lines(surf, self.copy_box)
        if mode == "copy":
            pygame.draw.rect(surf, ui.WHITE, self.copy_box, border_radius=24)
            pygame.draw.rect(surf, ui.SKY_BLUE, self.copy_box, 6, border_radius=24)
            self._model_line(surf, width=10, colour=ui.INK)
            self.numbered = self.glyph.n_strokes > 1
            self._start_dots(surf)
            return surf.convert()
        alpha = 255
        if mode == "fade":
            alpha = int(255 * max(0.0, 1.0 - self.step.repeat / 3.0))
        if mode == "dots":
            self._dots(surf, tol)
        elif alpha > 0:
            layer = pygame.Surface((W, H), pygame.SRCALPHA)
            if self.level.road:
                for stroke in self.model:
                    thick_polyline(layer, ROAD_EDGE, stroke, tol + 4)
                for stroke in self.model:
                    thick_polyline(layer, ROAD, stroke, tol)
            self._model_line(layer, width=4 if self.level.road else 8,
                             colour=ui.WHITE if self.level.road else ui.GREY)
            if self.level.arrows:
                # Drawn per frame for the current stroke only: strokes that run back over
                # another (B's middle bar) would otherwise show arrows both ways.
                self.arrow_tris = [arrow_triangles(stroke) for stroke in self.model]
                self.arrow_colour = blend(ui.BLUE, ROAD if self.level.road else ui.CREAM,
                                           alpha / 255)
            layer.set_alpha(alpha)
            surf.blit(layer, (0, 0))
        self.numbered = self.level.stroke_numbers and self.glyph.n_strokes > 1
        self._start_dots(surf)
        self._thumbnail(surf)
        return surf.convert()

    def _guide_lines(self, surf: pygame.Surface, box: pygame.Rect) -> None:
        guide_lines(surf, box, self.glyph.category)

    def _model_line(self, surf: pygame.Surface, width: int, colour: tuple) -> None:
        for stroke in self.model:
            thick_polyline(surf, colour, stroke, width / 2)

    def dot_centres(self) -> list[list[tuple[float, float]]]:
        """Dot-to-dot mode's dots, per stroke: ends, corners and even steps between."""
        spacing = max(50.0, 2.2 * self.level.tolerance_px)
        return [dot_points(stroke, spacing) for stroke in self.model]

    def _dots(self, surf: pygame.Surface, tol: float) -> None:
        for dots in self.dot_centres():
            for p in dots:
                pygame.draw.circle(surf, ui.BLUE, p, 13)
                pygame.draw.circle(surf, ui.WHITE, p, 5)

    def _start_dot(self, surf: pygame.Surface, k: int, scale: float = 1.0) -> None:
        p = tuple(self.model[k][0])
        pygame.draw.circle(surf, ui.GREEN, p, START_DOT_R * scale)
        pygame.draw.circle(surf, ui.WHITE, p, START_DOT_R * scale, 3)
        if self.numbered:
            ui.draw_text(surf, str(k + 1), 28, ui.WHITE, center=(round(p[0]), round(p[1])))

    def _start_dots(self, surf: pygame.Surface) -> None:
        # last stroke first: where strokes share a start (square, B...), "1" ends on top, and
        # draw() puts the current stroke's dot on top as the child goes
        for k in reversed(range(len(self.model))):
            self._start_dot(surf, k)

    def _markers_on_top(self, surf: pygame.Surface, first: int, scale: float = 1.0) -> None:
        """The start dots (and their numbers) of the strokes still to do, over the beetle and
        the arrows: a marker the child needs is never covered (capital A: the beetle parked on
        dots 1 and 2, an arrow of stroke 1 over dot 3). The stroke ``first`` (the current one,
        or the one the demo shows) goes last, ``scale`` times its size (the demo's pulse), on
        top of any other stroke starting at the same place."""
        if self.reward_t is not None:
            return
        for k in reversed(range(first, len(self.model))):
            self._start_dot(surf, k, scale if k == first else 1.0)

    def _thumbnail(self, surf: pygame.Surface) -> None:
        """The whole model, small, on the side away from the hand: what to aim for."""
        rect = self.thumbnail_rect()
        pygame.draw.rect(surf, ui.WHITE, rect, border_radius=20)
        pygame.draw.rect(surf, ui.LIGHT_GREY, rect, 3, border_radius=20)
        inner = rect.inflate(-30, -30)
        strokes = self.glyph.scaled(inner.x, inner.y, inner.w)
        for k, stroke in enumerate(strokes):
            thick_polyline(surf, ui.PALETTE[(k + 4) % len(ui.PALETTE)], stroke, 3)
        for stroke in reversed(strokes):
            pygame.draw.circle(surf, ui.GREEN, tuple(stroke[0]), 7)

    def _beetle(self, worried: bool) -> pygame.Surface:
        surf = self._beetles.get(worried)
        if surf is None:
            surf = pygame.Surface((BEETLE_PX, BEETLE_PX), pygame.SRCALPHA)
            draw_beetle(surf, surf.get_rect(), worried)
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()
            self._beetles[worried] = surf
        return surf

    def draw(self, surface: pygame.Surface) -> None:
        """Canvas (background + trail), current stroke's start and end, beetle, stickers."""
        if self.canvas is None:
            return
        surface.blit(self.canvas, (0, 0))
        if self.fading is not None:  # a missed try's trail, fading away
            self.fading.set_alpha(int(255 * max(0.0, 1.0 - self.fade_t / MISS_FADE_S)))
            surface.blit(self.fading, (0, 0))
        reduce = self.reduce_motion
        demo = self.watch_frame()  # the "watch me" demo, while it plays
        k = demo.stroke if demo is not None else self.current
        if self.step.mode != "copy" and k < len(self.model) and self.reward_t is None:
            stroke = self.model[k]
            start = tuple(stroke[0])
            if demo is not None:
                self.draw_watch_trail(surface, demo)
            # the ring is wider than the beetle parked on the start, so it is never hidden
            r = START_RING_R * ui.pulse(self.time, 0.1, reduce_motion=reduce)
            pygame.draw.circle(surface, ui.GREEN, start, r, 6)
            if demo is not None:  # the demo always shows the direction, outlined on its line
                for tri in self.demo_arrows(k):
                    pygame.draw.polygon(surface, ui.BLUE, tri)
                    pygame.draw.polygon(surface, ui.WHITE, tri, 2)
            elif self.arrow_tris:
                for tri in self.arrow_tris[k]:
                    pygame.draw.polygon(surface, self.arrow_colour, tri)
            self._start_dot(surface, k)
            end = stroke[-1]
            star = star_points(end[0], end[1], END_STAR_R)
            pygame.draw.polygon(surface, ui.YELLOW, star)
            pygame.draw.polygon(surface, ui.darker(ui.ORANGE, 0.8), star, 3)
        if self.done_button is not None:
            self.done_button.draw(surface)
        self.watch_button.draw(surface)
        if self.step.mode == "copy":
            self.draw_hint(surface)
        else:
            # copy is freehand: no beetle sitting on the model (it invites tracing it) nor
            # under the finger (it would hide the drawing)
            still = self.last_pos is not None or (demo is not None and self.watch_walking())
            lift = 0.0 if still else ui.bounce(self.time, 6.0, reduce_motion=reduce)
            bx, by = demo.pos if demo is not None else self.beetle_pos
            half = BEETLE_PX // 2
            surface.blit(self._beetle(self.offroad), (bx - half, by - half - lift))
            self._markers_on_top(surface, k, self.watch_dot_scale())
        self.draw_overlay(surface)  # stickers, the leave button, the reward
