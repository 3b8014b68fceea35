"""ButtonScreen: the settle guard, F11, holds before buttons, release on pause."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from engine.pointer import KeyPress  # noqa: E402
from engine.scene import Scene  # noqa: E402
from engine.screens import SETTLE_S, ButtonScreen  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from engine.ui import HoldButton, PictureButton  # noqa: E402


class Screen(ButtonScreen):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1
        self.buttons = [PictureButton(pygame.Rect(100, 100, 200, 200), None,
                                      lambda: self.log.append("tap"))]
        self.holds = [HoldButton(pygame.Rect(600, 100, 200, 200),
                                 lambda: self.log.append("held"), 1.0)]

    def on_key(self, key: KeyPress) -> None:
        self.log.append(f"key {key.key}")


def test_a_tap_in_the_settle_time_is_ignored_and_one_after_it_counts():
    app = make_test_app()
    try:
        screen = Screen()
        app.stack.push(screen)
        hand = ScriptedHand(app)
        hand.tap((200, 200))  # at once: the screen has just appeared
        assert screen.log == []
        hand.wait(SETTLE_S)
        hand.tap((200, 200))
        assert screen.log == ["tap"]
    finally:
        app.close()


def test_a_hold_fires_after_its_time_and_a_covering_screen_releases_it():
    app = make_test_app()
    try:
        screen = Screen()
        app.stack.push(screen)
        hand = ScriptedHand(app)
        hand.wait(SETTLE_S)
        hand.press((700, 200))
        hand.wait(0.5)
        app.stack.push(Scene())  # covered half way: the hold starts over
        assert screen.holds[0].progress == 0.0
        app.stack.pop()
        assert screen.refreshed == 2  # laid out again on coming back
        hand.release((700, 200))
        hand.wait(SETTLE_S)
        hand.press((700, 200))
        hand.wait(1.1)
        hand.release((700, 200))
        assert screen.log == ["held"]
    finally:
        app.close()


def test_f11_switches_full_screen_and_other_keys_go_to_on_key():
    app = make_test_app()
    try:
        screen = Screen()
        app.stack.push(screen)
        was = app.config.fullscreen
        screen.handle_key(KeyPress(0, pygame.K_F11))
        assert app.config.fullscreen is not was
        screen.handle_key(KeyPress(0, pygame.K_a, text="a"))
        assert screen.log == [f"key {pygame.K_a}"]
    finally:
        app.close()
