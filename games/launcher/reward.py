"""The end of a timed home session: a smiling sun and stars, held for a short pause.

A child who has just been told "Well done!" taps at once, and used to land straight back on
their picture and start again. So the reward ignores every tap and key for
:data:`REWARD_HOLD_S` seconds and then goes back to the pictures by itself; a grown-up who
wants to go on sooner holds the house in the corner for 3 s (as on the games screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.launcher.base import _W, GATE_SECONDS, LauncherScene

if TYPE_CHECKING:
    from games.launcher.session import Launcher

REWARD_HOLD_S = 8.0  # taps and keys do nothing this long; then back to the pictures
REWARD_AUTO_CLOSE_S = REWARD_HOLD_S  # (the name earlier versions used)
REWARD_WASH_ALPHA = 200  # of 255: over a game, the drawing shows faintly behind the sun


class RewardScene(LauncherScene):
    """The end of a timed home session: a smiling sun and stars (see the module docstring).

    Back to the child picker after :data:`REWARD_HOLD_S` seconds, or when a grown-up holds
    the house 3 s; taps and keys do nothing. ``over_game``: pushed as an overlay on the game
    that was playing (not opaque, the game gets no logic steps).
    """

    updates_below = False

    def __init__(self, launcher: Launcher, over_game: bool = False) -> None:
        super().__init__(launcher)
        self.over_game = over_game
        self.opaque = not over_game
        self._wash: pygame.Surface | None = None
        self.house: ui.HoldButton | None = None

    def _layout(self) -> None:
        left = bool(self.app.settings.left_handed)
        self.house = ui.HoldButton(ui.place(pygame.Rect(20, 20, 112, 112), left), self._close,
                                   GATE_SECONDS, draw_icon=ui.draw_back, color=ui.WHITE)
        self.holds = [self.house]
        self.buttons = []

    def _close(self) -> None:
        if self.app.stack.top is not self:
            return
        if self.over_game:
            self.launcher.back_to_picker()
        else:
            self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        """No key goes on (a child at a laptop reaches the keys)."""

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.t >= REWARD_HOLD_S:
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
        assert self.house is not None
        self.house.draw(surface)
