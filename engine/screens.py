"""ButtonScreen: the base of every screen made of big buttons (pickers, settings, keyboards).

It holds what each such screen needs once:

* the settle guard: presses that start within :data:`SETTLE_S` of the screen appearing (or
  coming back) are ignored, so a child's double tap cannot pick a child and then, with the same
  finger, the game that appeared under it;
* F11 switches window / full screen (grown-ups with a keyboard); other keys go to
  :meth:`ButtonScreen.on_key`;
* press-and-hold buttons (``holds``) get the pointer first and are ticked every step;
  everything is released when another screen covers this one.
"""

from __future__ import annotations

import pygame

from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from engine.ui import HoldButton, PictureButton

SETTLE_S = 0.3  # new presses are ignored this long after a screen appears


class ButtonScreen(Scene):
    """A scene of :class:`~engine.ui.PictureButton` and :class:`~engine.ui.HoldButton`.

    Subclasses fill ``buttons`` and ``holds`` in :meth:`refresh` (called on entering and on
    coming back, when what the screen shows may have changed) and draw them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.buttons: list[PictureButton] = []
        self.holds: list[HoldButton] = []
        self._ready_ns = 0

    def arm(self) -> None:
        """Start ignoring new presses for :data:`SETTLE_S` (the screen just changed)."""
        self._ready_ns = self.app.clock.now_ns() + int(SETTLE_S * 1e9)

    def settling(self, sample: PointerSample) -> bool:
        """Whether ``sample`` is a press that starts inside the settle time (to be ignored)."""
        return sample.phase == "down" and sample.t_ns < self._ready_ns

    def handle_pointer(self, sample: PointerSample) -> None:
        """Holds first, then buttons; presses in the settle time are ignored."""
        if self.settling(sample):
            return
        for hold in list(self.holds):
            if hold.handle_pointer(sample):
                return
        for button in list(self.buttons):
            if button.handle_pointer(sample):
                return

    def handle_key(self, key: KeyPress) -> None:
        """F11 switches window / full screen; any other key goes to :meth:`on_key`."""
        if key.key == pygame.K_F11:
            self.app.set_fullscreen(not self.app.config.fullscreen)
            return
        self.on_key(key)

    def on_key(self, key: KeyPress) -> None:
        """A key other than F11 (typing, Enter...)."""

    def update(self, dt: float) -> None:
        """Tick the hold buttons (one that fires may change the stack: stop there)."""
        now = self.app.clock.now_ns()
        for hold in list(self.holds):
            if hold.tick(now):
                return

    def reset_controls(self) -> None:
        """Release every button and hold (progress starts over)."""
        for button in self.buttons:
            button.reset()
        for hold in self.holds:
            hold.reset()

    def enter(self) -> None:
        """Arm the settle guard and lay the screen out."""
        self.arm()
        self.refresh()

    def pause(self) -> None:
        """Covered by another screen: nothing stays pressed."""
        self.reset_controls()

    def resume(self) -> None:
        """Back on top: released, settle guard armed again, laid out again."""
        self.reset_controls()
        self.arm()
        self.refresh()

    def refresh(self) -> None:
        """Build the screen's buttons for what it shows now (override)."""
