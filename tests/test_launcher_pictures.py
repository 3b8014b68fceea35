"""Pictures and nicknames in the launcher, through the real input code: a picture of its own
for each child, unknown pictures shown neutral and explained, the picture chooser, a repeated
nickname warned about, and a nickname of 40 characters typed on the on-screen keyboard."""

from __future__ import annotations

import pygame
import pytest
from test_child_page import _open_page
from test_launcher import GATE, ScriptedHand, make_launcher, rows

from engine.testing import make_test_app
from games.launcher import AddChildScene, ChildPickerScene, PictureChooserScene
from games.launcher.add_child import FULL_MESSAGE, MAX_TYPED
from telemetry.children import ChildrenRegistry

ROSTER = ("child_id,nickname,avatar,created_at\n"
          "a1,Kai,zebra,2025-01-01T00:00:00.000000Z\n"
          "b2,Ben,cat,2025-01-02T00:00:00.000000Z\n")


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def _open_add_child(app, hand: ScriptedHand) -> AddChildScene:
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["add_child"].rect.center)
    add = app.stack.top
    assert isinstance(add, AddChildScene)
    return add


def test_an_unknown_picture_shows_a_neutral_child_and_says_why(app, tmp_path):
    (tmp_path / "children.csv").write_text(ROSTER, encoding="utf-8")
    launcher = make_launcher(app, tmp_path)
    picker = app.stack.top
    assert isinstance(picker, ChildPickerScene)
    assert [(t.label, t.icon_key) for t in picker.tiles] == [
        ("Ben", ("avatar", "cat")), ("Kai", ("avatar", "unknown"))]
    assert launcher.message == ("Unknown picture for Kai (zebra): choose one on the child's "
                                "page (grown-ups, Children)")
    assert (tmp_path / "children.csv").read_text(encoding="utf-8") == ROSTER  # data kept


def test_a_grown_up_gives_a_child_another_picture_on_the_child_s_page(app, tmp_path):
    (tmp_path / "children.csv").write_text(ROSTER, encoding="utf-8")
    launcher = make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    page = _open_page(app, hand, "Kai")
    hand.tap(page.controls["picture"].rect.center)
    chooser = app.stack.top
    assert isinstance(chooser, PictureChooserScene)
    assert chooser.current == "zebra" and chooser.taken == {"cat": ["Ben"]}
    hand.tap(chooser.tiles["owl"].rect.center)
    assert app.stack.top is page and page.controls["picture"].icon_key == ("avatar", "owl")
    assert rows(tmp_path / "children.csv")[1] == [
        "a1", "Kai", "owl", "2025-01-01T00:00:00.000000Z"]
    while not isinstance(app.stack.top, ChildPickerScene):  # back to the pictures
        top = app.stack.top
        hand.tap((top.controls["done"] if hasattr(top, "controls") else top.done).rect.center)
    assert [t.icon_key for t in app.stack.top.tiles] == [("avatar", "cat"), ("avatar", "owl")]
    assert launcher.message is None  # the explanation goes once the picture is known


def test_a_nickname_already_used_needs_a_second_tick(app, tmp_path):
    ChildrenRegistry(tmp_path).add("Ana", "cat")
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    add = _open_add_child(app, hand)
    assert add.avatar == "dog"
    for key in "ANA":
        hand.tap(add.keys[key].rect.center)
    hand.tap(add.done.rect.center)
    assert app.stack.top is add
    assert add.notice == "There is already a child called Ana: tap the tick again to add another"
    assert len(ChildrenRegistry(tmp_path).list()) == 1
    hand.tap(add.done.rect.center)
    assert isinstance(app.stack.top, ChildPickerScene)
    assert sorted((c.nickname, c.avatar) for c in ChildrenRegistry(tmp_path).list()) == [
        ("Ana", "cat"), ("Ana", "dog")]


def test_a_40_character_nickname_with_accents_and_digits_on_the_on_screen_keys(app, tmp_path):
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    add = _open_add_child(app, hand)
    assert all(k.rect.w >= 96 and k.rect.h >= 96 for k in add.keys.values())
    wanted = "Zoë-Łucja O'Brien 2 Élodie 1234567890 Ab"
    assert len(wanted) == MAX_TYPED == 40
    pages = {"ABC": 0, "ÀÉÎ": 1, "ÑÖŠ": 2}
    for ch in wanted:
        key = {" ": "SPACE"}.get(ch, ch.upper())
        if key not in add.keys:  # a letter on another page: turn pages until it shows
            for _ in range(len(pages)):
                hand.tap(add.keys["PAGE"].rect.center)
                if key in add.keys:
                    break
        hand.tap(add.keys[key].rect.center)
    assert add.nickname == wanted and add.notice is None
    hand.tap(add.keys["1"].rect.center)  # full: nothing is added, and the screen says so
    assert add.nickname == wanted and add.notice == FULL_MESSAGE
    assert FULL_MESSAGE == "A nickname can have up to 40 characters: this one is full"
    hand.tap(add.keys["DELETE"].rect.center)
    assert add.nickname == wanted[:-1] and add.notice is None
    hand.tap(add.keys["B"].rect.center)
    hand.tap(add.done.rect.center)
    assert isinstance(app.stack.top, ChildPickerScene)
    assert rows(tmp_path / "children.csv")[1][1:3] == [wanted, "cat"]


def test_typed_keys_take_accents_digits_and_stop_at_40(app, tmp_path):
    launcher = make_launcher(app, tmp_path)
    launcher.open_add_child()
    add = app.stack.top
    add.type_text("élodie 2 straße")  # ß has no one-letter capital: kept as typed
    assert add.nickname == "Élodie 2 Straße"
    add.type_text("x" * 30)
    assert len(add.nickname) == 40 and add.notice == FULL_MESSAGE


def test_the_children_s_pages_reach_every_child(app, tmp_path):
    roster = ChildrenRegistry(tmp_path)
    for i in range(26):
        roster.add(f"Kid {i:02d}")
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["children"].rect.center)
    pages = app.stack.top
    assert len(pages.tiles) == 24 and pages.tiles[0].rect == pygame.Rect(54, 113, 136, 170)
    hand.tap(pages.buttons[-1].rect.center)  # the next-page arrow
    assert [t.label for t in pages.tiles] == ["Kid 24", "Kid 25"]
    hand.tap(pages.tiles[1].rect.center)
    assert app.stack.top.child.nickname == "Kid 25"
