"""Shared plumbing of the launcher's screens: the settle guard, F11, the grown-up gear."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene

if TYPE_CHECKING:
    from games.launcher.session import Launcher

GATE_SECONDS = 3.0
GATE_SIZE = 72  # small and in a corner: grown-ups find it, children ignore it
SETTLE_S = 0.3  # new presses are ignored this long after a screen appears

_W, _H = ui.LOGICAL_SIZE


def gate_rect(left_handed: bool) -> pygame.Rect:
    """The grown-up gear: top-right corner (top-left for a left-handed child's layout)."""
    return ui.place(pygame.Rect(_W - GATE_SIZE - 20, 20, GATE_SIZE, GATE_SIZE), left_handed)


def is_escape(key: KeyPress) -> bool:
    return key.key == pygame.K_ESCAPE


class LauncherScene(Scene):
    """Shared plumbing: buttons get pointer samples, the gate ticks, presses reset on pause."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__()
        self.launcher = launcher
        self.buttons: list[ui.PictureButton] = []
        self.holds: list[ui.HoldButton] = []
        self.t = 0.0  # seconds on screen, for gentle animation
        self._ready_ns = 0

    @property
    def reduce_motion(self) -> bool:
        return bool(self.app.settings.reduce_motion)

    def _arm(self) -> None:
        """Start ignoring new presses for :data:`SETTLE_S` (the screen just changed)."""
        self._ready_ns = self.app.clock.now_ns() + int(SETTLE_S * 1e9)

    def handle_pointer(self, sample: PointerSample) -> None:
        # A child's double tap must not pick a child and then, with the same finger, the game
        # that appeared under it: presses starting right after a screen change are ignored.
        if sample.phase == "down" and sample.t_ns < self._ready_ns:
            return
        for hold in list(self.holds):
            if hold.handle_pointer(sample):
                return
        for button in list(self.buttons):
            if button.handle_pointer(sample):
                return

    def handle_key(self, key: KeyPress) -> None:
        if key.key == pygame.K_F11:  # grown-ups with a keyboard: window <-> full screen
            set_fullscreen = getattr(self.app, "set_fullscreen", None)
            if set_fullscreen is not None:
                set_fullscreen(not self.app.config.fullscreen)
            return
        self.on_key(key)

    def on_key(self, key: KeyPress) -> None:
        """A key other than F11 (Esc, typing)."""

    def update(self, dt: float) -> None:
        self.launcher.check_sessions()
        self.t += dt
        now = self.app.clock.now_ns()
        for hold in list(self.holds):
            if hold.tick(now):
                return

    def _reset_controls(self) -> None:
        for b in self.buttons:
            b.reset()
        for h in self.holds:
            h.reset()

    def enter(self) -> None:
        self._arm()
        self.refresh()

    def pause(self) -> None:
        self._reset_controls()

    def resume(self) -> None:
        self._reset_controls()
        self._arm()
        self.refresh()

    def refresh(self) -> None:
        """Lay the screen out again: on entering it and on coming back to it (after a game,
        the settings or "add child", something it shows may have changed)."""
        self._layout()

    def _layout(self) -> None:
        """Build this screen's buttons for the current settings (left-handed mirrors them)."""
