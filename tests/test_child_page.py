"""The grown-ups' per-child page, scripted through the real launcher: what a tap writes to the
child's profile and plan, and two children keeping their own settings on one device."""

from __future__ import annotations

from datetime import date

import pygame
import pytest
from test_launcher import DOTS, GATE, STARS, ScriptedHand, make_launcher  # noqa: E402

from engine.testing import make_test_app
from games.launcher import ActivityPickerScene, ChildPickerScene
from games.launcher.child_page import ChildPageScene
from telemetry.children import ChildrenRegistry
from telemetry.plan import ActivityPlan, load_plan
from telemetry.profile import load_profile


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def _open_page(app, hand: ScriptedHand, nickname: str) -> ChildPageScene:
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["children"].rect.center)
    tile = next(t for t in app.stack.top.tiles if t.label == nickname)
    hand.tap(tile.rect.center)
    page = app.stack.top
    assert isinstance(page, ChildPageScene) and page.child.nickname == nickname
    return page


def _close_pages(app, hand: ScriptedHand) -> None:
    while not isinstance(app.stack.top, ChildPickerScene):
        top = app.stack.top
        button = top.controls["done"] if hasattr(top, "controls") else top.done
        hand.tap(button.rect.center)


def test_the_page_writes_the_child_s_settings_details_and_plan(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    make_launcher(app, tmp_path, activities=(DOTS, STARS))
    hand = ScriptedHand(app)
    page = _open_page(app, hand, "Ana")
    assert page.controls["left_handed"].label == "Left-handed: off"
    for name in ("left_handed", "strict", "assisted_input", "hand", "hand", "prompting",
                 "mode", "month_up", "year_down", "plan_dots", "minutes_down", "sessions_up",
                 "sessions_up", "sessions_up"):
        hand.tap(page.controls[name].rect.center)
    profile = load_profile(tmp_path, child.child_id)
    assert profile.settings == {"left_handed": True, "strict": True, "assisted_input": True,
                                "prompting": "none", "mode": "clinic"}
    assert profile.hand == "right"
    assert profile.birth_month == f"{date.today().year - 5:04d}-02"
    plan_file = load_plan(tmp_path, child.child_id)
    plan = plan_file.plan
    assert plan.activities == {"dots": ActivityPlan(False), "stars": ActivityPlan(True)}
    assert (plan.minutes, plan.home_sessions_per_week) == (5, 3)
    assert [h.change for h in plan_file.history][:2] == [
        "dots off (on the child's page)", "minutes 5 (on the child's page)"]
    assert page.controls["left_handed"].label == "Left-handed: on"
    assert page.controls["plan_dots"].label == "Dots: off"
    assert page.controls["prompting"].label == "Prompts: never"
    # The device's settings are untouched by a child's page.
    assert not (tmp_path / "settings.json").exists()


def test_two_children_set_up_on_their_pages_keep_their_own_hand_and_strictness(app, tmp_path):
    roster = ChildrenRegistry(tmp_path)
    roster.add("Ana", "cat")
    roster.add("Ben", "dog")
    make_launcher(app, tmp_path, activities=(DOTS,), mode="clinic")
    hand = ScriptedHand(app)
    page = _open_page(app, hand, "Ana")
    hand.tap(page.controls["left_handed"].rect.center)
    hand.tap(page.controls["strict"].rect.center)
    _close_pages(app, hand)
    page = _open_page(app, hand, "Ben")
    assert page.controls["left_handed"].label == "Left-handed: off"
    hand.tap(page.controls["sound_on"].rect.center)
    _close_pages(app, hand)
    for nickname, left, strict, sound in (("Ana", True, True, True), ("Ben", False, False, False),
                                          ("Ana", True, True, True)):
        tile = next(t for t in app.stack.top.tiles if t.label == nickname)
        hand.tap(tile.rect.center)
        assert isinstance(app.stack.top, ActivityPickerScene)
        assert (app.settings.left_handed, app.settings.strict, app.settings.sound_on) == (
            left, strict, sound)
        back_x = 1280 - 20 - 112 if left else 20
        assert app.stack.top.back.rect == pygame.Rect(back_x, 20, 112, 112)
        hand.hold(app.stack.top.back.rect.center, 3.1)  # the house: a 3 s hold
    assert (app.settings.left_handed, app.settings.strict) == (False, False)


def test_a_damaged_plan_is_shown_on_the_page_and_play_goes_on(tmp_path):
    app = make_test_app()
    try:
        child = ChildrenRegistry(tmp_path).add("Ana", "cat")
        plan = tmp_path / "children" / child.child_id / "plan.json"
        plan.parent.mkdir(parents=True)
        plan.write_text("{not json", encoding="utf-8")
        launcher = make_launcher(app, tmp_path, activities=(DOTS,))
        hand = ScriptedHand(app)
        hand.tap(app.stack.top.tiles[0].rect.center)
        assert [t.label for t in app.stack.top.tiles] == ["Dots"]
        assert launcher.message == (f"the plan file {plan} is damaged (Expecting property name "
                                    "enclosed in double quotes: line 1 column 2 (char 1)); fix "
                                    "or move it away")
        assert plan.read_text(encoding="utf-8") == "{not json"
    finally:
        app.close()
