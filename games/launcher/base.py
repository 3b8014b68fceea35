"""Shared plumbing of the launcher's screens: the session check every frame, the grown-up gear
(the settle guard and F11 are :class:`engine.screens.ButtonScreen`'s)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from engine.screens import ButtonScreen

if TYPE_CHECKING:
    from games.launcher.session import Launcher

GATE_SECONDS = 3.0
GATE_SIZE = 72  # small and in a corner: grown-ups find it, children ignore it

_W, _H = ui.LOGICAL_SIZE


def gate_rect(left_handed: bool) -> pygame.Rect:
    """The grown-up gear: top-right corner (top-left for a left-handed child's layout)."""
    return ui.place(pygame.Rect(_W - GATE_SIZE - 20, 20, GATE_SIZE, GATE_SIZE), left_handed)


def is_escape(key: KeyPress) -> bool:
    """Whether ``key`` is Esc."""
    return key.key == pygame.K_ESCAPE


class LauncherScene(ButtonScreen):
    """A launcher screen: a :class:`~engine.screens.ButtonScreen` that also checks the
    session's writer every frame and counts its seconds on screen (for gentle animation)."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__()
        self.launcher = launcher
        self.t = 0.0  # seconds on screen, for gentle animation

    @property
    def reduce_motion(self) -> bool:
        """Whether animations should stand still (the grown-up setting)."""
        return bool(self.app.settings.reduce_motion)

    def update(self, dt: float) -> None:
        """Check the session's writer, count the time, tick the holds."""
        self.launcher.check_sessions()
        self.t += dt
        super().update(dt)

    def refresh(self) -> None:
        """Lay the screen out again: on entering it and on coming back to it (after a game,
        the settings or "add child", something it shows may have changed)."""
        self._layout()

    def _layout(self) -> None:
        """Build this screen's buttons for the current settings (left-handed mirrors them)."""
