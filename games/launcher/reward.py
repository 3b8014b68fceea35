"""The end of a timed home session: a smiling sun and stars."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from games.launcher.base import _W, LauncherScene

if TYPE_CHECKING:
    from games.launcher.session import Launcher

REWARD_AUTO_CLOSE_S = 12.0
REWARD_MIN_S = 1.0  # taps during the first second (the last tap of the game) do not close it
REWARD_WASH_ALPHA = 200  # of 255: over a game, the drawing shows faintly behind the sun


class RewardScene(LauncherScene):
    """The end of a timed home session: a smiling sun and stars; a tap goes back to the picker.

    ``over_game``: pushed as an overlay on the game that was playing (not opaque, the game gets
    no logic steps); closing it goes back to the child picker.
    """

    updates_below = False

    def __init__(self, launcher: Launcher, over_game: bool = False) -> None:
        super().__init__(launcher)
        self.over_game = over_game
        self.opaque = not over_game
        self._wash: pygame.Surface | None = None

    def _close(self) -> None:
        if self.app.stack.top is not self:
            return
        if self.over_game:
            self.launcher.back_to_picker()
        else:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        if sample.phase == "up" and self.t >= REWARD_MIN_S:
            self._close()

    def on_key(self, key: KeyPress) -> None:
        self._close()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.t >= REWARD_AUTO_CLOSE_S:
            self._close()

    def draw(self, surface: pygame.Surface) -> None:
        if self.over_game:
            if self._wash is None:
                self._wash = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
                self._wash.fill((*ui.CREAM, REWARD_WASH_ALPHA))
            surface.blit(self._wash, (0, 0))
        else:
            surface.blit(ui.backdrop(), (0, 0))
        still = self.reduce_motion
        for i, (x, y) in enumerate(((220, 200), (1060, 200), (160, 520), (1120, 520),
                                    (420, 120), (860, 120))):
            lift = ui.bounce(self.t + i * 0.2, 10.0, 1.4, still)
            star = pygame.Rect(0, 0, 110, 110)
            star.center = (x, round(y - lift))
            surface.blit(ui.icon_surface(ui.draw_star, star.size), star)
        sun = pygame.Rect(0, 0, 380, 380)
        sun.center = (_W // 2, 330 - round(ui.bounce(self.t, 12.0, 1.8, still)))
        surface.blit(ui.icon_surface(ui.draw_sun, sun.size), sun)
        ui.draw_text(surface, "Well done!", 110, ui.INK, center=(_W // 2, 620))
