"""The host scene that holds an activity's own scene inside the launcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene

if TYPE_CHECKING:
    from games.launcher.session import Launcher


class ActivityHost(Scene):
    """Holds an activity's scene in the stack and ends a timed home session when it is due.

    Every lifecycle call, input and draw goes straight to the activity's scene; the host only
    adds the session timer check after each logic step, and Esc for activities that do not
    handle keys themselves. When the activity pops itself, it pops the host (same stack slot).
    """

    def __init__(self, launcher: Launcher, scene: Scene, ends_session: bool = False) -> None:
        super().__init__()
        self.launcher = launcher
        self.scene = scene
        # An assessment has no activity picker under it: its session ends with the host.
        self.ends_session = ends_session
        self.opaque = scene.opaque
        self.updates_below = scene.updates_below
        self.pausable = scene.pausable

    def nest(self, scene: Scene) -> Scene:
        """``scene`` in a host of its own: an activity's screen starting its game (the kit's
        set picker) keeps the home session timer running while the game covers it."""
        return ActivityHost(self.launcher, scene)

    def enter(self) -> None:
        self.scene.app = self.app
        self.scene.enter()

    def exit(self) -> None:
        self.scene.exit()
        if self.ends_session:
            self.launcher.end_session()

    def pause(self) -> None:
        self.scene.pause()

    def resume(self) -> None:
        self.scene.resume()

    def handle_pointer(self, sample: PointerSample) -> None:
        self.scene.handle_pointer(sample)

    def handle_key(self, key: KeyPress) -> None:
        # No key leaves a game here: a child at a laptop reaches the keys (leaving is the
        # game's 3 s house; the window's close button still closes the app).
        self.scene.handle_key(key)

    def update(self, dt: float) -> None:
        self.scene.update(dt)
        self.launcher.check_sessions()
        if self.launcher.time_up() and self.app.stack.top is self:
            self.launcher.finish_with_reward()

    def draw(self, surface: pygame.Surface) -> None:
        self.scene.draw(surface)
