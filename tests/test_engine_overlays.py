"""The pause overlay: pushed over a pausable game on focus loss or P, game frozen and dimmed."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame

from engine import ui
from engine.overlays import DIM_ALPHA, PLAY_BUTTON_PX, PauseOverlay
from engine.pointer import PointerSample
from engine.scene import Scene
from engine.testing import ScriptedHand, make_test_app


class Game(Scene):
    """A pausable game that counts its logic steps and lifecycle calls, and keeps its input."""

    pausable = True
    colour = (200, 100, 40)

    def __init__(self) -> None:
        super().__init__()
        self.updates = 0
        self.calls: list[str] = []
        self.samples: list[PointerSample] = []

    def pause(self) -> None:
        self.calls.append("pause")

    def resume(self) -> None:
        self.calls.append("resume")

    def handle_pointer(self, sample: PointerSample) -> None:
        self.samples.append(sample)

    def update(self, dt: float) -> None:
        self.updates += 1

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.colour)


def _blend(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    a = DIM_ALPHA / 255
    return tuple(round(c * (1 - a) + k * a) for c, k in zip(colour, ui.INK, strict=True))


def test_focus_loss_pauses_ends_the_stroke_in_place_and_play_resumes() -> None:
    app = make_test_app()
    game = Game()
    app.stack.push(game)
    hand = ScriptedHand(app)
    hand.press((300, 300))
    wx, wy = app.viewport.logical_to_window(340, 320)
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(round(wx), round(wy)),
                                         rel=(40, 20), buttons=(1, 0, 0), touch=False, which=0))
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    hand.step(1)
    assert isinstance(app.stack.top, PauseOverlay)
    assert game.calls == ["pause"]
    # The held stroke ended where the finger was, before the overlay came up.
    assert [(s.phase, s.x, s.y) for s in game.samples] == [
        ("down", 300.0, 300.0), ("move", 340.0, 320.0), ("up", 340.0, 320.0)]
    frozen = game.updates
    hand.step(30)
    assert game.updates == frozen  # no logic steps while paused
    # Drawn: the game dimmed (corner) and the play button (centre) on top.
    shot = app.screen
    got = shot.get_at((5, 5))[:3]
    assert all(abs(g - e) <= 1 for g, e in zip(got, _blend(Game.colour), strict=True))
    assert shot.get_at((640 - PLAY_BUTTON_PX // 2 + 40, 400))[:3] == ui.GREEN
    hand.tap((100, 100))  # beside the button: still paused
    assert isinstance(app.stack.top, PauseOverlay)
    hand.tap((640, 400))
    assert app.stack.top is game
    assert game.calls == ["pause", "resume"]
    hand.step(5)
    assert game.updates > frozen


def test_p_key_pauses_a_pausable_game_only() -> None:
    app = make_test_app()
    plain = Scene()
    app.stack.push(plain)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p, mod=0, unicode="p"))
    app.frame()
    assert app.stack.top is plain  # a menu is not paused
    game = Game()
    app.stack.push(game)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p, mod=0, unicode="p"))
    app.frame()
    assert isinstance(app.stack.top, PauseOverlay)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0, unicode=" "))
    app.frame()
    assert app.stack.top is game


def test_focus_loss_while_paused_does_not_stack_a_second_overlay() -> None:
    app = make_test_app()
    app.stack.push(Game())
    for _ in range(2):
        pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
        app.frame()
    assert isinstance(app.stack.top, PauseOverlay)
    assert len(app.stack) == 2
