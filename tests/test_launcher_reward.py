"""The end of a home session ("Well done!") holds (issue 13 point 9): taps and keys do nothing
for the pause, so a child cannot start again at once by tapping their picture; then back to
the pictures by itself, or sooner when a grown-up holds the house 3 s."""

from __future__ import annotations

import pygame
from test_launcher import ScriptedHand, make_launcher

from engine.settings import Settings
from engine.testing import make_test_app
from games.launcher import REWARD_HOLD_S, ChildPickerScene, RewardScene
from telemetry.children import ChildrenRegistry


def _reward(tmp_path, app):
    ChildrenRegistry(tmp_path).add("Anna")
    make_launcher(app, tmp_path, mode="home")
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    app.clock.advance(60_000_000_000)
    app.frame()
    reward = app.stack.top
    assert isinstance(reward, RewardScene) and reward.t < 0.1
    return hand, reward


def test_the_home_end_ignores_taps_and_keys_for_its_pause(tmp_path):
    assert REWARD_HOLD_S == 8.0
    app = make_test_app(settings=Settings(session_minutes=1))
    try:
        hand, reward = _reward(tmp_path, app)
        picture = (640, 400)
        while reward.t < REWARD_HOLD_S - 0.5:  # a child tapping all over, and on the keys
            hand.tap(picture)
            for key in (pygame.K_SPACE, pygame.K_ESCAPE, pygame.K_RETURN):
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0,
                                                     unicode=""))
            app.poll_input()
            assert app.stack.top is reward
        hand.wait(0.6)
        assert isinstance(app.stack.top, ChildPickerScene) and len(app.stack) == 1
    finally:
        app.close()


def test_a_grown_up_holds_the_house_to_go_on_sooner(tmp_path):
    app = make_test_app(settings=Settings(session_minutes=1, left_handed=True))
    try:
        hand, reward = _reward(tmp_path, app)
        assert tuple(reward.house.rect) == (1280 - 20 - 112, 20, 112, 112)  # mirrored
        hand.hold(reward.house.rect.center, 2.9)
        assert app.stack.top is reward  # not quite 3 s
        hand.hold(reward.house.rect.center, 3.05)
        assert isinstance(app.stack.top, ChildPickerScene)
        assert reward.t < 8.0
    finally:
        app.close()
