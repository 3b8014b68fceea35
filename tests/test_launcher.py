"""The launcher driven by scripted taps through the real input code, headless."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import csv
import json
import socket
import stat
import sys
import time
from pathlib import Path

import pygame
import pytest

from engine import ui
from engine.record import NullSink
from engine.scene import Scene
from engine.settings import Settings
from engine.testing import ScriptedHand as _ScriptedHand
from engine.testing import make_test_app
from games.launcher import (
    GATE_SECONDS,
    REWARD_HOLD_S,
    SETTLE_S,
    ActivityHost,
    ActivityPickerScene,
    AddChildScene,
    ChildPickerScene,
    GrownUpScene,
    Launcher,
    PendingSession,
    PictureChooserScene,
    RewardScene,
    window_mm,
)
from games.registry import Activity
from games.settings_store import load_settings, save_settings
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder


class ScriptedHand(_ScriptedHand):
    """A child who looks before tapping: every press waits until the screen has settled.

    Launcher screens ignore presses in their first ``SETTLE_S`` seconds (double-tap guard,
    tested on its own below with the plain hand).
    """

    def press(self, pos, source="mouse"):
        self.wait(SETTLE_S)
        return super().press(pos, source)


GATE = (1280 - 20 - 36, 20 + 36)  # centre of the grown-up gear (right-handed layout)
TARGET = (640, 400)


class DotScene(Scene):
    """A one-trial test activity: tap the dot in the middle."""

    def __init__(self, child_id: str, level: int) -> None:
        super().__init__()
        self.child_id = child_id
        self.level = level

    def enter(self) -> None:
        rec = self.app.recorder
        if rec is not None:
            rec.begin_trial("dots", self.level, "dot")
            rec.add_targets("dot", 0, [TARGET])

    def handle_pointer(self, sample) -> None:
        rec = self.app.recorder
        if rec is not None:
            rec.add_pointer(sample)
        near = (sample.x - TARGET[0]) ** 2 + (sample.y - TARGET[1]) ** 2 <= 100**2
        if sample.phase == "up" and near:
            if rec is not None:
                rec.finish_trial(accuracy=1.0, errors=0, completed=True,
                                 metrics=[("taps", 1.0, "count")])
            self.app.sound.play("success")
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        pygame.draw.circle(surface, ui.BLUE, TARGET, 100)


def _dot_icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
    pygame.draw.circle(surface, ui.BLUE, rect.center, rect.w // 3)


DOTS = Activity("dots", "Dots", _dot_icon, 2, lambda app, child_id, level: DotScene(child_id,
                                                                                    level))
STARS = Activity("stars", "Stars", ui.draw_star, 1, lambda app, child_id, level: DotScene(
    child_id, level))


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def make_launcher(app, data: Path, activities=(DOTS,), mode: str = "home") -> Launcher:
    launcher = Launcher(app, data, activities=list(activities), mode=mode)
    app.on_quit = launcher.end_session
    launcher.start()
    return launcher


def session_folders(data: Path, child_id: str) -> list[Path]:
    root = data / "sessions" / child_id
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def read_session(folder: Path) -> dict:
    return json.loads((folder / "session.json").read_text(encoding="utf-8"))


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# -- child picker ---------------------------------------------------------------------------


def test_empty_roster_shows_the_big_plus_behind_a_hold(app, tmp_path):
    launcher = make_launcher(app, tmp_path)
    picker = app.stack.top
    assert isinstance(picker, ChildPickerScene)
    assert picker.tiles == []
    assert picker.add_button is not None
    assert picker.add_button.rect.size == (260, 260)
    hand = ScriptedHand(app)
    hand.tap(picker.add_button.rect.center)  # a child's tap does nothing
    assert app.stack.top is picker
    hand.hold(picker.add_button.rect.center, 1.0)
    assert app.stack.top is picker
    hand.hold(picker.add_button.rect.center, 3.0)
    assert isinstance(app.stack.top, AddChildScene)
    assert launcher.child is None


def test_tapping_an_avatar_opens_the_activity_picker_and_a_session(app, tmp_path):
    anna = ChildrenRegistry(tmp_path).add("Anna", "cat")
    ChildrenRegistry(tmp_path).add("Ben", "dog")
    make_launcher(app, tmp_path, activities=(DOTS, STARS))
    picker = app.stack.top
    assert [t.label for t in picker.tiles] == ["Anna", "Ben"]
    # Two 200x240 tiles, 40 apart, centred in the area (40, 110, 1200, 540).
    assert [t.rect for t in picker.tiles] == [
        pygame.Rect(420, 260, 200, 240),
        pygame.Rect(660, 260, 200, 240),
    ]
    hand = ScriptedHand(app)
    hand.tap(picker.tiles[0].rect.center)
    top = app.stack.top
    assert isinstance(top, ActivityPickerScene)
    assert top.child == anna
    assert [t.label for t in top.tiles] == ["Dots", "Stars"]
    assert [t.rect for t in top.tiles] == [
        pygame.Rect(296, 290, 320, 340),
        pygame.Rect(664, 290, 320, 340),
    ]
    assert all(t.rect.w >= ui.MIN_BUTTON_PX for t in top.tiles)
    # Nothing on disk until a game begins its first trial.
    assert session_folders(tmp_path, anna.child_id) == []
    assert isinstance(app.recorder, PendingSession) and not app.recorder.opened
    hand.tap(top.tiles[0].rect.center)  # Dots: its trial begins as it opens
    (folder,) = session_folders(tmp_path, anna.child_id)
    meta = read_session(folder)
    assert meta["child_id"] == anna.child_id
    assert meta["mode"] == "home"
    assert meta["handedness"] == "right"
    assert meta["ended_at"] is None
    assert meta["screen"]["width_px"] == 1280 and meta["screen"]["height_px"] == 800
    assert isinstance(app.recorder, SessionRecorder) and app.recorder.folder == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "session.json").stat().st_mode) == 0o600
    assert "Anna" not in (folder / "session.json").read_text(encoding="utf-8")
    hand.tap(TARGET)  # the dot: the trial is done, back on the games
    assert app.stack.top is top

    # A tap on the house does nothing (a child taps at random); held 3 s it goes back to the
    # children and ends the session.
    hand.tap(top.back.rect.center)
    assert app.stack.top is top and isinstance(app.recorder, SessionRecorder)
    hand.hold(top.back.rect.center, GATE_SECONDS + 0.1)
    assert isinstance(app.stack.top, ChildPickerScene)
    assert len(app.stack) == 1
    assert isinstance(app.recorder, NullSink)
    assert read_session(folder)["ended_at"].endswith("Z")


def test_a_double_tap_on_a_child_does_not_start_a_game(app, tmp_path):
    ChildrenRegistry(tmp_path).add("Anna", "cat")
    make_launcher(app, tmp_path)
    hand = _ScriptedHand(app)
    hand.wait(SETTLE_S)
    # Anna's tile, centred at (640, 380), lies inside the game tile of the next screen.
    hand.tap((640, 380))
    picker = app.stack.top
    assert isinstance(picker, ActivityPickerScene)
    assert picker.tiles[0].rect.collidepoint(640, 380)
    hand.tap((640, 380))  # the second tap of a double tap, 0.1 s later
    assert app.stack.top is picker
    hand.wait(SETTLE_S)
    hand.tap((640, 380))  # a deliberate tap once the screen has settled
    assert isinstance(app.stack.top, ActivityHost)


def test_a_single_activity_tile_is_centred(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    launcher.pick_child(child)
    assert [t.rect for t in app.stack.top.tiles] == [pygame.Rect(480, 290, 320, 340)]


def test_no_activities_shows_a_friendly_picture_not_tiles(tmp_path):
    app = make_test_app(settings=Settings(reduce_motion=True))
    try:
        child = ChildrenRegistry(tmp_path).add("Anna", "cat")
        launcher = make_launcher(app, tmp_path, activities=())
        launcher.pick_child(child)
        top = app.stack.top
        assert isinstance(top, ActivityPickerScene)
        assert top.tiles == []
        assert top.buttons == [] and top.holds == [top.gate, top.back]
        ScriptedHand(app).step(3)
        assert tuple(app.screen.get_at((640, 410)))[:3] == ui.YELLOW  # the sun's face
    finally:
        app.close()


def test_many_children_are_paged(app, tmp_path):
    # Past 10 children the tiles shrink to 8 x 3 on a page, so 24 children need no paging.
    roster = ChildrenRegistry(tmp_path)
    for i in range(26):
        roster.add(f"Kid {i:02d}")
    make_launcher(app, tmp_path)
    picker = app.stack.top
    assert len(picker.tiles) == 24
    assert picker.tiles[0].label == "Kid 00"
    assert picker.tiles[0].rect == pygame.Rect(54, 113, 136, 170)
    assert picker.tiles[23].rect == pygame.Rect(1090, 477, 136, 170)
    assert len({t.icon_key for t in picker.tiles}) == 24  # each child a picture of their own
    next_button = picker.buttons[-1]
    ScriptedHand(app).tap(next_button.rect.center)
    assert [t.label for t in picker.tiles] == ["Kid 24", "Kid 25"]


def test_left_handed_layout_mirrors_the_corner_controls(tmp_path):
    app = make_test_app(settings=Settings(left_handed=True))
    try:
        child = ChildrenRegistry(tmp_path).add("Anna", "cat")
        launcher = make_launcher(app, tmp_path)
        assert app.stack.top.gate.rect == pygame.Rect(20, 20, 72, 72)
        launcher.pick_child(child)
        assert app.stack.top.back.rect == pygame.Rect(1280 - 20 - 112, 20, 112, 112)
        assert app.stack.top.gate.rect == pygame.Rect(20, 20, 72, 72)
        app.recorder.begin_trial("dots", 1, "dot")  # a game's first trial writes the session
        assert read_session(session_folders(tmp_path, child.child_id)[0])["handedness"] == "left"
    finally:
        app.close()


# -- grown-up gate and settings ------------------------------------------------------------


def test_the_gate_opens_after_a_3_second_hold_only(app, tmp_path):
    ChildrenRegistry(tmp_path).add("Anna", "cat")
    make_launcher(app, tmp_path)
    picker = app.stack.top
    assert picker.gate.rect == pygame.Rect(1188, 20, 72, 72)
    hand = ScriptedHand(app)
    hand.tap(GATE)
    hand.hold(GATE, 1.0)
    assert app.stack.top is picker
    hand.hold(GATE, 2.9)
    assert app.stack.top is picker
    hand.hold(GATE, 3.0)
    assert isinstance(app.stack.top, GrownUpScene)
    # Done goes back to the children.
    hand.tap(app.stack.top.controls["done"].rect.center)
    assert app.stack.top is picker


def test_gate_progress_ring_shows_while_holding(app, tmp_path):
    make_launcher(app, tmp_path)
    picker = app.stack.top
    hand = ScriptedHand(app)
    hand.press(GATE)
    hand.wait(1.5)
    assert picker.gate.progress == pytest.approx(0.5, abs=0.02)
    # The ring (radius 36 + 16, 12 px wide) is drawn in green from 12 o'clock: check its top.
    assert tuple(app.screen.get_at((GATE[0] + 3, GATE[1] - 46)))[:3] == ui.GREEN
    hand.release(GATE)
    hand.step()
    assert picker.gate.progress == 0.0


def test_settings_are_saved_atomically_and_owner_only(app, tmp_path):
    launcher = make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    grown = app.stack.top
    assert grown.controls["sound_on"].label == "Sound: on"
    hand.tap(grown.controls["sound_on"].rect.center)
    assert app.settings.sound_on is False
    assert grown.controls["sound_on"].label == "Sound: off"
    hand.tap(grown.controls["mode"].rect.center)
    hand.tap(grown.controls["minutes_up"].rect.center)
    hand.tap(grown.controls["left_handed"].rect.center)
    path = tmp_path / "settings.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "sound_on": False,
        "left_handed": True,
        "reduce_motion": False,
        "strict": False,
        "session_minutes": 15,
        "screen_width_mm": None,
        "stylus": False,
        "assisted_input": False,
        "timed_rounds": False,
        "prompting": "after_error",
        "mode": "clinic",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert launcher.mode == "clinic"
    # The stylus toggle labels the mouse stream "pen" from the next sample on.
    assert grown.controls["stylus"].label == "Stylus: off"
    assert app.input.mouse_source == "mouse"
    hand.tap(grown.controls["stylus"].rect.center)
    assert app.settings.stylus is True and app.input.mouse_source == "pen"
    assert json.loads(path.read_text(encoding="utf-8"))["stylus"] is True
    assert grown.controls["stylus"].label == "Stylus: on"
    hand.tap(grown.controls["stylus"].rect.center)
    settings, mode = load_settings(tmp_path)
    assert settings == app.settings and mode == "clinic"
    # Back on the picker, the layout follows the new handedness at once.
    hand.tap(grown.controls["done"].rect.center)
    assert app.stack.top.gate.rect == pygame.Rect(20, 20, 72, 72)


def test_a_calibration_made_while_the_game_is_open_is_kept(app, tmp_path, capsys):
    # The grown-up runs `finemotor calibrate 300` in a terminal while the game is open, then
    # turns the sound off in the game: both changes stay (the game used to write its whole
    # copy back and undo the calibration), and the game now knows the new width.
    from games.cli import main

    launcher = make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    grown = app.stack.top
    assert main(["calibrate", "300", "--data-dir", str(tmp_path)]) == 0
    hand.tap(grown.controls["sound_on"].rect.center)
    hand.tap(grown.controls["mode"].rect.center)
    assert load_settings(tmp_path) == (Settings(sound_on=False, screen_width_mm=300.0),
                                       "clinic")
    assert app.settings == Settings(sound_on=False, screen_width_mm=300.0)
    assert launcher.mode == "clinic"
    assert main(["calibrate", "off", "--data-dir", str(tmp_path)]) == 0
    hand.tap(grown.controls["mode"].rect.center)
    assert load_settings(tmp_path) == (Settings(sound_on=False), "home")
    assert capsys.readouterr().err == ""


def test_session_minutes_step_through_the_choices(app, tmp_path):
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    grown = app.stack.top
    for _ in range(3):  # 10 -> 5 -> 3 -> 2
        hand.tap(grown.controls["minutes_down"].rect.center)
    assert app.settings.session_minutes == 2
    for _ in range(3):
        hand.tap(grown.controls["minutes_down"].rect.center)
    assert app.settings.session_minutes == 1


def test_load_settings_is_forgiving(tmp_path):
    assert load_settings(tmp_path) == (Settings(), "home")
    (tmp_path / "settings.json").write_text("{not json", encoding="utf-8")
    assert load_settings(tmp_path) == (Settings(), "home")
    (tmp_path / "settings.json").write_text('{"mode": "party", "strict": true}', encoding="utf-8")
    assert load_settings(tmp_path) == (Settings(strict=True), "home")
    save_settings(tmp_path, Settings(session_minutes=5), "clinic")
    assert load_settings(tmp_path) == (Settings(session_minutes=5), "clinic")
    with pytest.raises(ValueError, match="mode must be one of clinic, home, got 'party'"):
        save_settings(tmp_path, Settings(), "party")


def test_close_app_from_settings_ends_the_session(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    launcher.pick_child(child)
    app.recorder.begin_trial("dots", 1, "dot")  # a game's first trial writes the session
    app.running = True
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["quit"].rect.center)
    assert app.running is False
    assert isinstance(app.recorder, NullSink)
    assert read_session(session_folders(tmp_path, child.child_id)[0])["ended_at"] is not None


def press_escape(app) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0,
                                         unicode="\x1b"))
    app.poll_input()


def test_escape_never_leaves_a_game_or_closes_the_app(app, tmp_path):
    # A child at a laptop reaches the keys: Esc on the pictures, the games and in a game stays.
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    app.running = True
    press_escape(app)
    assert app.running is True and isinstance(app.stack.top, ChildPickerScene)
    launcher.pick_child(child)
    press_escape(app)
    assert isinstance(app.stack.top, ActivityPickerScene) and launcher.child is child
    launcher.launch(DOTS)
    for _ in range(4):
        press_escape(app)
    assert isinstance(app.stack.top, ActivityHost) and app.running is True


# -- add a child ----------------------------------------------------------------------------


def test_add_a_child_with_the_on_screen_keyboard(app, tmp_path):
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["add_child"].rect.center)
    add = app.stack.top
    assert isinstance(add, AddChildScene)
    assert add.avatar == "cat"  # the first picture nobody has yet
    assert all(k.rect.w >= 96 and k.rect.h >= 96 for k in add.keys.values())
    for letter in "ANNA":
        hand.tap(add.keys[letter].rect.center)
    hand.tap(add.keys["SPACE"].rect.center)
    hand.tap(add.keys["B"].rect.center)
    hand.tap(add.keys["X"].rect.center)
    hand.tap(add.keys["DELETE"].rect.center)
    assert add.nickname == "Anna B"
    hand.tap(add.picture.rect.center)
    chooser = app.stack.top
    assert isinstance(chooser, PictureChooserScene) and chooser.current == "cat"
    hand.tap(chooser.tiles["bunny"].rect.center)
    assert app.stack.top is add and add.avatar == "bunny"
    assert add.picture.icon_key == ("avatar", "bunny")
    hand.tap(add.done.rect.center)
    picker = app.stack.top
    assert isinstance(picker, ChildPickerScene)
    assert len(app.stack) == 1
    table = rows(tmp_path / "children.csv")
    assert table[0] == ["child_id", "nickname", "avatar", "created_at"]
    assert len(table) == 2
    child_id, nickname, avatar, created_at = table[1]
    assert (nickname, avatar) == ("Anna B", "bunny")
    assert len(child_id) == 32 and int(child_id, 16) >= 0
    assert created_at.endswith("Z")
    assert stat.S_IMODE((tmp_path / "children.csv").stat().st_mode) == 0o600
    assert [t.label for t in picker.tiles] == ["Anna B"]


def test_add_a_child_with_typed_keys_and_an_empty_name_is_refused(app, tmp_path):
    ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    launcher.open_add_child()
    add = app.stack.top
    assert add.avatar == "dog"

    def key(k: int, text: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=text))
        app.poll_input()

    key(pygame.K_RETURN)
    assert add.error == "Type a name first"
    assert isinstance(app.stack.top, AddChildScene)
    for ch in "leo":
        key(getattr(pygame, f"K_{ch}"), ch)
    key(pygame.K_COMMA, ",")  # punctuation that cannot be in a nickname is ignored
    assert add.nickname == "Leo"
    assert add.error is None
    key(pygame.K_RETURN)
    assert [c.nickname for c in ChildrenRegistry(tmp_path).list()] == ["Anna", "Leo"]
    assert ChildrenRegistry(tmp_path).list()[1].avatar == "dog"


def test_cancel_adding_a_child_changes_nothing(app, tmp_path):
    launcher = make_launcher(app, tmp_path)
    launcher.open_add_child()
    add = app.stack.top
    add.type_text("Zoe")
    ScriptedHand(app).tap(add.cancel.rect.center)
    assert isinstance(app.stack.top, ChildPickerScene)
    assert not (tmp_path / "children.csv").exists()


# -- playing --------------------------------------------------------------------------------


def test_start_with_child_and_activity_goes_straight_to_the_game(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = Launcher(app, tmp_path, activities=[DOTS])
    launcher.start(child.child_id, DOTS, level=5)
    kinds = [type(s) for s in app.stack.scenes]
    assert kinds == [ChildPickerScene, ActivityPickerScene, ActivityHost]
    host = app.stack.top
    assert isinstance(host.scene, DotScene)
    assert host.scene.level == 2  # clamped to the activity's levels
    assert host.scene.child_id == child.child_id
    # Esc does not leave an activity (a child reaches the keys).
    press_escape(app)
    assert app.stack.top is host


def test_home_session_ends_itself_with_a_reward(tmp_path):
    app = make_test_app(settings=Settings(session_minutes=1))
    try:
        child = ChildrenRegistry(tmp_path).add("Anna", "cat")
        launcher = make_launcher(app, tmp_path, mode="home")
        hand = ScriptedHand(app)
        hand.tap(app.stack.top.tiles[0].rect.center)
        hand.tap(app.stack.top.tiles[0].rect.center)
        assert isinstance(app.stack.top, ActivityHost)
        played: list[str] = []
        app.sound.play = lambda name: played.append(name) or False
        app.clock.advance(59_000_000_000)
        app.frame()
        assert isinstance(app.stack.top, ActivityHost)
        app.clock.advance(1_000_000_000)
        app.frame()
        assert isinstance(app.stack.top, RewardScene)
        # An overlay on the game: the game shows (dimmed) below and gets no logic steps.
        assert [type(s) for s in app.stack.scenes] == [
            ChildPickerScene, ActivityPickerScene, ActivityHost, RewardScene]
        assert not app.stack.top.opaque and not app.stack.top.updates_below
        assert played == ["reward"]  # shown once, not once per closing screen
        assert isinstance(app.recorder, NullSink) and launcher.child is None
        folder = session_folders(tmp_path, child.child_id)[0]
        assert read_session(folder)["ended_at"] is not None
        trials = rows(folder / "trials.csv")
        assert len(trials) == 2  # header + the abandoned trial
        assert trials[1][-2] in ("0", "False", "false")  # completed column
        hand = ScriptedHand(app)
        hand.tap((640, 400))  # a child's taps do nothing...
        hand.wait(REWARD_HOLD_S - 1.5)
        hand.tap((640, 400))
        assert isinstance(app.stack.top, RewardScene)  # ...all through the pause
        hand.wait(1.5)  # then it goes back to the pictures by itself
        assert [type(s) for s in app.stack.scenes] == [ChildPickerScene]
        assert len(session_folders(tmp_path, child.child_id)) == 1  # no new session started
    finally:
        app.close()


def test_clinic_sessions_do_not_end_by_themselves(tmp_path):
    app = make_test_app(settings=Settings(session_minutes=1))
    try:
        ChildrenRegistry(tmp_path).add("Anna", "cat")
        make_launcher(app, tmp_path, mode="clinic")
        hand = ScriptedHand(app)
        hand.tap(app.stack.top.tiles[0].rect.center)
        app.clock.advance(3600_000_000_000)
        app.frame()
        assert isinstance(app.stack.top, ActivityPickerScene)
        assert isinstance(app.recorder, PendingSession)  # the session goes on (no trial yet)
    finally:
        app.close()


def test_full_session_without_network_writes_its_files(app, tmp_path, monkeypatch):
    class NoNetwork(socket.socket):
        def __init__(self, *args, **kwargs):
            raise AssertionError("finemotor must not open a socket")

    monkeypatch.setattr(socket, "socket", NoNetwork)
    monkeypatch.setattr(socket, "create_connection", NoNetwork)
    with pytest.raises(AssertionError):
        socket.socket()

    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)  # pick Anna
    hand.tap(app.stack.top.tiles[0].rect.center)  # pick the dots game
    assert isinstance(app.stack.top, ActivityHost)
    hand.tap(TARGET)  # play the trial: the scene pops itself when done
    assert isinstance(app.stack.top, ActivityPickerScene)
    hand.hold(app.stack.top.back.rect.center, GATE_SECONDS + 0.1)
    assert isinstance(app.stack.top, ChildPickerScene)

    (folder,) = session_folders(tmp_path, child.child_id)
    meta = read_session(folder)
    assert meta["ended_at"] is not None
    trials = rows(folder / "trials.csv")
    header = trials[0]
    assert len(trials) == 2
    row = dict(zip(header, trials[1], strict=True))
    assert row["child_id"] == child.child_id
    assert row["activity"] == "dots"
    assert row["level"] == "1"
    assert row["trial"] == "1"
    assert row["errors"] == "0"
    assert float(row["accuracy"]) == 1.0
    samples = rows(folder / "samples.csv")
    assert [r[samples[0].index("phase")] for r in samples[1:]] == ["down", "up"]
    targets = rows(folder / "targets.csv")
    t = dict(zip(targets[0], targets[1], strict=True))
    assert (t["kind"], float(t["x"]), float(t["y"])) == ("dot", 640.0, 400.0)
    metrics = rows(folder / "metrics.csv")
    m = dict(zip(metrics[0], metrics[1], strict=True))
    assert (m["metric"], float(m["value"]), m["unit"]) == ("taps", 1.0, "count")
    for f in folder.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600


# -- registry -------------------------------------------------------------------------------


def test_registry_loads_registered_activities_and_skips_empty_packages(monkeypatch):
    import types

    from games import registry

    with_activity = types.ModuleType("fake_with_activity")
    with_activity.ACTIVITY = DOTS
    empty = types.ModuleType("fake_empty")
    monkeypatch.setitem(sys.modules, "fake_with_activity", with_activity)
    monkeypatch.setitem(sys.modules, "fake_empty", empty)
    assert registry.load_activities(("fake_empty",)) == []
    assert registry.load_activities(("fake_empty", "fake_with_activity")) == [DOTS]
    registry.register(STARS)
    try:
        assert registry.load_activities(("fake_with_activity",)) == [DOTS, STARS]
        assert registry.find_activity("stars", [DOTS, STARS]) is STARS
    finally:
        registry.unregister("stars")
    assert registry.ACTIVITY_PACKAGES == ("games.tracing", "games.pinch", "games.sequencing")
    # The real packages import, and whatever they register is a proper Activity.
    assert all(isinstance(a, Activity) for a in registry.load_activities())


def test_registry_errors_are_clear():
    from games import registry
    from telemetry.errors import UsageError

    with pytest.raises(UsageError) as err:
        registry.find_activity("nope", [DOTS, STARS])
    assert str(err.value) == "unknown activity 'nope' (known: dots, stars)"
    with pytest.raises(UsageError) as err:
        registry.find_activity("nope", [])
    assert str(err.value) == "unknown activity 'nope' (known: none installed yet)"
    with pytest.raises(ValueError) as verr:
        Activity("bad id", "Bad", _dot_icon, 1, DOTS.make_scene)
    assert str(verr.value) == "activity id must be letters, digits, '-' or '_', got 'bad id'"
    with pytest.raises(ValueError) as verr:
        Activity("x", "X", _dot_icon, 0, DOTS.make_scene)
    assert str(verr.value) == "activity 'x' needs at least 1 level, got 0"


def test_f11_switches_between_window_and_full_screen(app, tmp_path):
    make_launcher(app, tmp_path)
    assert app.config.fullscreen is False

    def key(k: int) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        app.poll_input()

    key(pygame.K_F11)
    assert app.config.fullscreen is True
    key(pygame.K_F11)
    assert app.config.fullscreen is False
    assert app.window.get_size() == (1280, 800)
    assert isinstance(app.stack.top, ChildPickerScene)


# -- sessions never wait for the disk while the frame loop runs -----------------------------

def test_picking_a_child_and_going_back_do_not_wait_for_the_disk(app, tmp_path, held_fsync,
                                                                  capsys):
    held_fsync.open()  # adding the child may fsync as it likes
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    held_fsync.shut()
    app.running = True  # as inside App.run: the frame loop is what must not stall
    # Every fsync is held shut: picking and going back return while it is, so they did not
    # wait for the disk.
    launcher.pick_child(child)
    app.recorder.begin_trial("dots", 1, "dot")  # the first trial writes the session
    recorder = app.recorder
    held_fsync.open()  # the finished trial is durable before the child reaches the house
    assert recorder.wait_durable(recorder.finish_trial(accuracy=1.0, errors=0, completed=True))
    held_fsync.shut()
    recorder.begin_trial("dots", 1, "dot")  # left unfinished: abandoned by the session end
    launcher.back_to_picker()
    assert held_fsync.timed_out == [] and not held_fsync.gate.is_set()
    assert isinstance(app.recorder, NullSink) and not recorder.done  # still being written
    # Frames go on and notice the end without waiting; stopping the loop waits for the rest.
    ScriptedHand(app).step(2)
    held_fsync.open()
    app.running = False
    launcher.end_session()
    assert recorder.done and recorder.error is None
    # the abandoned trial's row (1), ended_at (2): on the writer thread after the session ended
    assert len(held_fsync.calls) >= 3 and held_fsync.timed_out == []
    meta = read_session(recorder.folder)
    assert meta["ended_at"] is not None
    trials = rows(recorder.folder / "trials.csv")
    assert len(trials) == 3 and trials[1][trials[0].index("item")] == "dot"
    assert not (recorder.folder / ".lock").exists()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("how", ["back", "reward", "quit"])
def test_a_session_end_waits_until_the_finished_trials_are_durable(app, tmp_path, held_fsync,
                                                                    how):
    # The window between finish_trial returning and the trial being on disk is one write and
    # fsync; a session that has ended on screen (back to the pictures, the reward, closing
    # the app) must not be inside it. fsync is held shut and opened by a timer: the session
    # end returns only after the trial row is on disk.
    import threading

    held_fsync.open()
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    app.running = True
    launcher.pick_child(child)
    app.recorder.begin_trial("dots", 1, "dot")  # the first trial writes the session
    recorder = app.recorder
    assert recorder.wait_durable(0)  # nothing finished yet: nothing to wait for
    recorder.flush()  # the set-up is done
    held_fsync.shut()
    number = recorder.finish_trial(accuracy=1.0, errors=0, completed=True)
    assert number == 1 and recorder.last_finished == 1 and recorder.durable_trials == 0
    timer = threading.Timer(0.3, held_fsync.open)
    timer.start()
    try:
        if how == "back":
            launcher.back_to_picker()
        elif how == "reward":
            launcher.finish_with_reward()
            assert isinstance(app.stack.top, RewardScene)
        else:
            launcher.quit()
        assert recorder.durable_trials == 1
        trials = rows(recorder.folder / "trials.csv")
        assert [r[trials[0].index("trial")] for r in trials[1:]][:1] == ["1"]
    finally:
        timer.join()
    app.running = False
    launcher.end_session()
    assert held_fsync.timed_out == []


def _fail_setup(monkeypatch):
    import errno

    from telemetry import recorder_writer

    def full(path, obj):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recorder_writer, "atomic_write_json", full)


@pytest.mark.parametrize("running", [True, False])
def test_a_session_folder_that_cannot_be_set_up_is_shown_and_play_goes_on(
        app, tmp_path, monkeypatch, capsys, running):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    _fail_setup(monkeypatch)
    app.running = running
    launcher.pick_child(child)
    app.recorder.begin_trial("dots", 1, "dot")  # the first trial writes the session
    assert isinstance(app.stack.top, ActivityPickerScene)  # the child plays anyway
    if running:  # the set-up fails on the writer thread: a following frame reports it
        hand = ScriptedHand(app)
        deadline = time.monotonic() + 10
        while isinstance(app.recorder, SessionRecorder) and time.monotonic() < deadline:
            time.sleep(0.005)
            hand.step(1)
    assert isinstance(app.recorder, NullSink)
    message = ("Not saving this session: the disk is full: finemotor could not save in the "
               f"data folder {tmp_path}")
    assert launcher.message == message
    assert capsys.readouterr().err == f"finemotor: warning: {message}\n"
    launcher.back_to_picker()
    app.running = False
    launcher.end_session()
    assert capsys.readouterr().err == ""  # reported once
    (folder,) = session_folders(tmp_path, child.child_id)
    assert not (folder / "session.json").exists()


def test_an_error_while_closing_without_waiting_is_logged_on_a_later_frame(
        app, tmp_path, monkeypatch, capsys):
    import errno

    from telemetry import recorder_writer as recorder_module

    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    launcher = make_launcher(app, tmp_path)
    launcher.pick_child(child)
    app.recorder.begin_trial("dots", 1, "dot")  # not running: the set-up is done on return
    recorder = app.recorder
    assert recorder.ready

    def full(path, obj):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recorder_module, "atomic_write_json", full)  # ended_at cannot be saved
    app.running = True
    launcher.back_to_picker()
    hand = ScriptedHand(app)
    deadline = time.monotonic() + 10
    while not recorder.done and time.monotonic() < deadline:
        time.sleep(0.005)
    # Reported by whichever launcher call first sees the writer done (back_to_picker itself
    # if the writer was that quick, else the next frame), and only once.
    hand.step(1)
    assert capsys.readouterr().err == (
        "finemotor: warning: session not closed cleanly: the disk is full: finemotor could "
        f"not save in the data folder {tmp_path}\n"
    )
    hand.step(1)
    assert capsys.readouterr().err == ""


def test_window_mm_is_the_windows_share_of_the_calibrated_screen() -> None:
    # A 344 mm wide screen of 1920 px: an 800x500 window is 800/1920 of its width.
    assert window_mm(344.0, (800, 500), 1920) == (143.33, 89.58)
    # Full screen (or desktop width unknown): the window is the whole calibrated width.
    assert window_mm(344.0, (1920, 1200), 1920) == (344.0, 215.0)
    assert window_mm(344.0, (1280, 800), None) == (344.0, 215.0)
    assert window_mm(None, (1280, 800), 1920) is None


def test_grown_up_area_credits_openmoji(app, tmp_path):
    from games.kit.pictures import CREDIT

    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    assert isinstance(app.stack.top, GrownUpScene)
    hand.step()
    text = ui.text_surface(CREDIT, 22, ui.GREY)
    rect = text.get_rect(center=(640, 782))
    expected = pygame.Surface(rect.size)
    expected.fill(ui.CREAM)
    expected.blit(text, (0, 0))
    shown = app.screen.subsurface(rect)
    assert "OpenMoji" in CREDIT and "CC BY-SA 4.0" in CREDIT
    assert all(shown.get_at((x, y)) == expected.get_at((x, y))
               for x in range(0, rect.w, 3) for y in range(0, rect.h, 2))
