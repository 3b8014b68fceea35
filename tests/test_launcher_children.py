"""Per-child settings and the home programme in the launcher, scripted through the real input.

Each child's own settings (``telemetry.profile``) are laid over the device's while the child
plays; a home session offers only the plan's activities and lasts the plan's minutes.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import json
from datetime import datetime, timezone
from pathlib import Path

import pygame
import pytest
from test_launcher import (  # noqa: E402
    DOTS,
    GATE,
    STARS,
    ScriptedHand,
    make_launcher,
    read_session,
    session_folders,
)

from engine.settings import Settings
from engine.testing import make_test_app
from games.launcher import ActivityHost, ActivityPickerScene, ChildPickerScene, RewardScene
from games.settings_store import load_settings, save_settings
from telemetry.children import ChildrenRegistry
from telemetry.plan import ActivityPlan, update_plan
from telemetry.profile import update_profile

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def _tile_of(app, nickname: str):
    return next(t for t in app.stack.top.tiles if t.label == nickname)


def test_two_children_on_one_device_keep_their_own_hand_and_strictness(app, tmp_path):
    roster = ChildrenRegistry(tmp_path)
    ana = roster.add("Ana", "cat")
    ben = roster.add("Ben", "dog")
    save_settings(tmp_path, Settings(sound_on=False), "clinic")
    app.settings = load_settings(tmp_path)[0]
    update_profile(tmp_path, ana.child_id, settings={"left_handed": True, "strict": True})
    update_profile(tmp_path, ben.child_id, settings={"left_handed": False, "sound_on": True})
    launcher = make_launcher(app, tmp_path, activities=(DOTS,), mode="clinic")
    hand = ScriptedHand(app)
    for _ in range(2):  # twice round: nothing of one child leaks into the other's session
        hand.tap(_tile_of(app, "Ana").rect.center)
        assert (app.settings.left_handed, app.settings.strict, app.settings.sound_on) == (
            True, True, False)
        # The left-handed layout: the back button top right, the gear top left.
        assert app.stack.top.back.rect == pygame.Rect(1280 - 20 - 112, 20, 112, 112)
        assert app.stack.top.gate.rect == pygame.Rect(20, 20, 72, 72)
        app.recorder.begin_trial("dots", 1, "dot")  # a game's trial writes the session
        hand.hold(app.stack.top.back.rect.center, 3.1)  # the house: a 3 s hold
        assert isinstance(app.stack.top, ChildPickerScene)
        assert app.settings == Settings(sound_on=False)  # the device's, between children
        hand.tap(_tile_of(app, "Ben").rect.center)
        assert (app.settings.left_handed, app.settings.strict, app.settings.sound_on) == (
            False, False, True)
        assert app.stack.top.back.rect == pygame.Rect(20, 20, 112, 112)
        app.recorder.begin_trial("dots", 1, "dot")
        hand.hold(app.stack.top.back.rect.center, 3.1)  # the house: a 3 s hold
    sessions = {c.child_id: [read_session(f) for f in session_folders(tmp_path, c.child_id)]
                for c in (ana, ben)}
    assert [s["handedness"] for s in sessions[ana.child_id]] == ["left", "left"]
    assert [s["handedness"] for s in sessions[ben.child_id]] == ["right", "right"]
    assert {s["mode"] for v in sessions.values() for s in v} == {"clinic"}
    # The device file was never touched by the children's settings.
    assert load_settings(tmp_path) == (Settings(sound_on=False), "clinic")
    assert launcher.mode == "clinic"


def test_a_child_s_own_mode_overrides_the_device_default(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    update_profile(tmp_path, child.child_id, settings={"mode": "home", "session_minutes": 2})
    make_launcher(app, tmp_path, mode="clinic")
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    app.recorder.begin_trial("dots", 1, "dot")  # a game's first trial writes the session
    assert read_session(session_folders(tmp_path, child.child_id)[0])["mode"] == "home"
    app.clock.advance(119_000_000_000)
    app.frame()
    assert isinstance(app.stack.top, ActivityPickerScene)
    app.clock.advance(1_000_000_000)
    app.frame()
    assert isinstance(app.stack.top, RewardScene)


def test_a_device_setting_changed_while_a_child_plays_goes_to_the_device_file(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    update_profile(tmp_path, child.child_id, settings={"left_handed": True})
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    hand.hold((20 + 36, 20 + 36), 3.0)  # the gear, top left for this child
    grown = app.stack.top
    hand.tap(grown.controls["sound_on"].rect.center)
    stored = json.loads((tmp_path / "settings.json").read_text(encoding="utf-8"))
    assert (stored["sound_on"], stored["left_handed"]) == (False, False)
    assert (app.settings.sound_on, app.settings.left_handed) == (False, True)
    assert GATE  # the right-handed gear is the device's again after the session


def _planned_home(tmp_path: Path, minutes: int):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")

    def change(plan):
        from dataclasses import replace
        return replace(plan, activities={"stars": ActivityPlan(True), "dots": ActivityPlan(False)},
                       minutes=minutes), "home programme"

    update_plan(tmp_path, child.child_id, change, now=NOW)
    return child


def test_a_home_session_plays_only_the_planned_activities_and_ends_on_time(tmp_path):
    app = make_test_app(settings=Settings(session_minutes=10))
    try:
        child = _planned_home(tmp_path, minutes=3)
        make_launcher(app, tmp_path, activities=(DOTS, STARS), mode="home")
        hand = ScriptedHand(app)
        hand.tap(app.stack.top.tiles[0].rect.center)
        picker = app.stack.top
        assert [t.label for t in picker.tiles] == ["Stars"]  # dots is off in the plan
        hand.tap(picker.tiles[0].rect.center)
        assert isinstance(app.stack.top, ActivityHost)
        hand.tap((640, 400))  # the star game's one trial: done, back on the picker
        assert app.stack.top is picker
        app.clock.advance(170_000_000_000)  # 3 planned minutes, not the 10 of the setting
        app.frame()
        assert app.stack.top is picker
        app.clock.advance(10_000_000_000)
        app.frame()
        assert isinstance(app.stack.top, RewardScene)
        folder = session_folders(tmp_path, child.child_id)[0]
        meta = read_session(folder)
        assert meta["mode"] == "home" and meta["ended_at"] is not None
        lines = (folder / "trials.csv").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2  # the header and the one star trial
    finally:
        app.close()


def test_at_the_clinic_every_activity_is_offered_whatever_the_plan(app, tmp_path):
    _planned_home(tmp_path, minutes=3)
    make_launcher(app, tmp_path, activities=(DOTS, STARS), mode="clinic")
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    assert [t.label for t in app.stack.top.tiles] == ["Dots", "Stars"]
