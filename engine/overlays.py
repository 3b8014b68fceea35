"""Overlays the engine itself pushes on top of a game: the pause screen.

A game scene opts in with ``pausable = True``. When the window loses focus (another app came
to the front, the window was minimised, a tablet went to its home screen) or a grown-up presses
P or the Pause key, the engine releases any held pointer and pushes :class:`PauseOverlay`: the
game stays drawn, dimmed, below a big play button, and it gets no logic steps until the child
taps play. So a trial is neither scored by a finger that never lifted nor timed through an
interruption the child had no part in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.scene import Scene

if TYPE_CHECKING:
    from engine.pointer import KeyPress, PointerSample

PLAY_BUTTON_PX = 240
DIM_ALPHA = 150  # of 255: the game stays recognisable underneath
_RESUME_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_p, pygame.K_PAUSE,
                pygame.K_ESCAPE)


def draw_play(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A round green button with a white "play" triangle (no words: a 3-year-old knows it)."""
    r = min(rect.w, rect.h) // 2
    cx, cy = rect.center
    pygame.draw.circle(surface, ui.GREEN, (cx, cy), r)
    pygame.draw.circle(surface, ui.lighter(ui.GREEN, 0.3), (cx, cy), r, max(2, r // 12))
    s = r * 0.5
    pygame.draw.polygon(
        surface, ui.WHITE, [(cx - s * 0.7, cy - s), (cx - s * 0.7, cy + s), (cx + s, cy)]
    )


class PauseOverlay(Scene):
    """The game, dimmed and frozen, under a big play button; tapping it resumes the game."""

    opaque = False
    updates_below = False

    def __init__(self) -> None:
        super().__init__()
        rect = pygame.Rect(0, 0, PLAY_BUTTON_PX, PLAY_BUTTON_PX)
        rect.center = (ui.LOGICAL_SIZE[0] // 2, ui.LOGICAL_SIZE[1] // 2)
        self.play = ui.PictureButton(rect, draw_play, self._resume, color=ui.WHITE)
        self._dim: pygame.Surface | None = None

    def _resume(self) -> None:
        if self.app is not None and self.app.stack.top is self:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        self.play.handle_pointer(sample)

    def handle_key(self, key: KeyPress) -> None:
        if key.key in _RESUME_KEYS:
            self._resume()

    def draw(self, surface: pygame.Surface) -> None:
        if self._dim is None or self._dim.get_size() != surface.get_size():
            self._dim = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
            self._dim.fill((*ui.INK, DIM_ALPHA))
        surface.blit(self._dim, (0, 0))
        self.play.draw(surface)


def should_pause(top: Scene | None) -> bool:
    """Whether the engine should push a pause overlay over ``top`` now."""
    return top is not None and top.pausable
