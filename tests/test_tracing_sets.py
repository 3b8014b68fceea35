"""The tracing set picker, driven by scripted taps and drags through the real launcher.

Tapping Tracing shows four picture tiles (shapes, 123, ABC, abc) and the house; a tile plays
its set from the child's first model not mastered yet; the tracing scene ends back on the set
picker; the house goes back to the game picker.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from engine import ui  # noqa: E402
from engine.record import NullSink  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand as _ScriptedHand  # noqa: E402
from engine.testing import make_test_app  # noqa: E402
from games.kit.reward import REWARD_S  # noqa: E402
from games.kit.trial_scene import EXIT_HOLD_S  # noqa: E402
from games.launcher import (  # noqa: E402
    REWARD_AUTO_CLOSE_S,
    SETTLE_S,
    ActivityHost,
    ActivityPickerScene,
    ChildPickerScene,
    Launcher,
    RewardScene,
)
from games.tracing import ACTIVITY  # noqa: E402
from games.tracing.glyphs import CATEGORIES, glyph_ids  # noqa: E402
from games.tracing.lesson import lesson_plan  # noqa: E402
from games.tracing.scene import TracingScene  # noqa: E402
from games.tracing.sets import SETS, SetPickerScene, set_order, set_plan  # noqa: E402
from games.tracing.staircase import (  # noqa: E402
    MAX_LEVEL,
    TracingProgress,
    load_progress,
    pin_level,
    progress_path,
)
from telemetry.children import ChildrenRegistry  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# 2 x 2 tiles of 540 x 260, 40 apart, centred in (40, 150, 1200, 620)
TILE_RECTS = [
    pygame.Rect(80, 180, 540, 260),
    pygame.Rect(660, 180, 540, 260),
    pygame.Rect(80, 480, 540, 260),
    pygame.Rect(660, 480, 540, 260),
]


class ScriptedHand(_ScriptedHand):
    """A child who looks before tapping: presses wait until a new screen has settled."""

    def press(self, pos, source="mouse"):
        self.wait(SETTLE_S)
        return super().press(pos, source)


def open_tracing(tmp_path: Path, settings: Settings | None = None, mode: str = "clinic"):
    """A launcher with the real tracing activity, a child picked and the Tracing tile tapped."""
    app = make_test_app(settings=settings or Settings(sound_on=False))
    child = ChildrenRegistry(tmp_path).add("Mia", "cat")
    launcher = Launcher(app, tmp_path, activities=[ACTIVITY], mode=mode)
    app.on_quit = launcher.end_session
    launcher.start()
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)  # Mia's picture
    hand.tap(app.stack.top.tiles[0].rect.center)  # the Tracing tile
    host = app.stack.top
    assert isinstance(host, ActivityHost) and isinstance(host.scene, SetPickerScene)
    return app, launcher, child, hand, host.scene


def tracing_on_top(app) -> TracingScene:
    top = app.stack.top
    assert isinstance(top, ActivityHost) and isinstance(top.scene, TracingScene)
    return top.scene


def pts(stroke: np.ndarray) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in stroke.tolist()]


def skip_demo(hand: ScriptedHand, scene: TracingScene) -> None:
    """A shape's first try starts with the "watch me" demo: a tap away from every control ends
    it (nothing is recorded) and the trial begins."""
    if scene.watch is not None:
        hand.tap((640, 780))
        assert scene.watch is None and scene.trial_no is not None


def trace_current(hand: ScriptedHand, scene: TracingScene) -> None:
    """Trace every stroke of the current trial along its model, in order (after ending the
    demo, if one plays)."""
    skip_demo(hand, scene)
    for stroke in [m.copy() for m in scene.model]:
        hand.drag(pts(stroke), speed=900)
        hand.wait(0.2)


def trials_rows(app) -> list[dict[str, str]]:
    app.recorder.flush()
    with open(app.recorder.folder / "trials.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_progress(data: Path, child_id: str, shapes: dict, pinned: dict | None = None) -> None:
    path = progress_path(data, child_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "pinned": pinned or {}, "shapes": shapes}))


MASTERED = {"level": MAX_LEVEL, "streak": 0, "trials": 9, "successes": 9, "mastered": True}


# -- the picker -----------------------------------------------------------------------------


def test_tracing_opens_a_picker_with_four_big_tiles_and_the_house(tmp_path):
    app, launcher, _, hand, picker = open_tracing(tmp_path)
    try:
        assert [s.category for s in SETS] == list(CATEGORIES)
        assert list(picker.tiles) == ["prewriting", "digit", "upper", "lower"]
        assert [t.rect for t in picker.tiles.values()] == TILE_RECTS
        assert all(min(t.rect.size) >= ui.MIN_BUTTON_PX for t in picker.buttons)
        assert picker.back is not None and picker.back.rect == pygame.Rect(20, 20, 112, 112)
        assert picker.buttons == [picker.back, *picker.tiles.values()]  # nothing else to tap
        # the picture is drawn: the tile is not a plain colour (the "1" of 123 is blue)
        hand.step()
        one = picker.tiles["digit"].rect
        colours = {tuple(app.screen.get_at((x, y)))[:3]
                   for x in range(one.left + 10, one.right - 10, 4)
                   for y in range(one.top + 20, one.bottom - 20, 4)}
        assert ui.BLUE in colours and ui.VERMILLION in colours
        # the house goes back to the game picker; the session goes on
        hand.tap(picker.back.rect.center)
        assert isinstance(app.stack.top, ActivityPickerScene)
        assert not isinstance(app.recorder, NullSink) and launcher.child is not None
    finally:
        app.close()


def test_a_double_tap_on_tracing_does_not_start_a_set(tmp_path):
    app, _, _, _, picker = open_tracing(tmp_path)
    try:
        plain = _ScriptedHand(app)  # taps at once, as the second tap of a double tap does
        plain.tap(picker.tiles["digit"].rect.center)
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
        plain.wait(SETTLE_S)
        plain.tap(picker.tiles["digit"].rect.center)
        assert tracing_on_top(app).plan[0].glyph_id == "digit_0"
    finally:
        app.close()


def test_left_handed_mirrors_the_house_and_keeps_the_symmetric_grid(tmp_path):
    app, _, _, _, picker = open_tracing(tmp_path, Settings(sound_on=False, left_handed=True))
    try:
        assert picker.back.rect == pygame.Rect(1280 - 20 - 112, 20, 112, 112)
        rects = [t.rect for t in picker.tiles.values()]
        assert rects == TILE_RECTS  # same places, same reading order
        assert sorted(map(tuple, map(ui.mirror_rect, rects))) == sorted(map(tuple, rects))
    finally:
        app.close()


# -- where a set starts -----------------------------------------------------------------------


def test_tapping_123_plays_the_digits_from_0(tmp_path):
    app, _, child, hand, picker = open_tracing(tmp_path)
    try:
        hand.tap(picker.tiles["digit"].rect.center)
        scene = tracing_on_top(app)
        assert scene is picker.tracing
        assert scene.plan == lesson_plan(glyph_ids("digit"))
        assert (scene.step.glyph_id, scene.step.mode, scene.level.number) == ("digit_0",
                                                                              "trace", 1)
        assert scene.progress_path == progress_path(tmp_path, child.child_id)
    finally:
        app.close()


def test_a_set_starts_at_the_first_digit_not_mastered_and_wraps_round(tmp_path):
    cid = ChildrenRegistry(tmp_path).add("Sam", "dog").child_id
    # 0, 1 and 3 mastered; 2 is at the top level without the streak yet
    write_progress(tmp_path, cid, {
        "digit_0": MASTERED, "digit_1": MASTERED, "digit_3": MASTERED,
        "digit_2": {"level": MAX_LEVEL, "streak": 1, "trials": 7, "successes": 6},
    })
    progress = load_progress(progress_path(tmp_path, cid))
    order = set_order("digit", progress)
    assert order == [f"digit_{d}" for d in (2, 3, 4, 5, 6, 7, 8, 9, 0, 1)]
    assert set_plan("digit", progress) == lesson_plan(order)
    assert set_order("upper", progress)[0] == "upper_A"  # other sets are untouched
    # everything mastered: from the start again
    everything = {f"digit_{d}": MASTERED for d in range(10)}
    write_progress(tmp_path, cid, everything)
    assert set_order("digit", load_progress(progress_path(tmp_path, cid)))[0] == "digit_0"


def test_the_tile_reads_the_saved_progress_and_honours_a_pin(tmp_path):
    app, _, child, hand, picker = open_tracing(tmp_path)
    try:
        write_progress(tmp_path, child.child_id, {"digit_0": MASTERED, "digit_1": MASTERED})
        pin_level(tmp_path, child.child_id, "digit_2", 4)  # the therapist's pin
        hand.tap(picker.tiles["digit"].rect.center)
        scene = tracing_on_top(app)
        assert [s.glyph_id for s in scene.plan[::6]] == [
            f"digit_{d}" for d in (2, 3, 4, 5, 6, 7, 8, 9, 0, 1)]
        assert (scene.step.glyph_id, scene.level.number) == ("digit_2", 4)
        skip_demo(hand, scene)
        hand.hold(scene.exit_rect().center, EXIT_HOLD_S + 0.2)  # a grown-up leaves
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
        (row,) = trials_rows(app)
        assert (row["item"], row["level"], row["completed"]) == ("digit_2", "4", "0")
    finally:
        app.close()


def test_mastery_is_two_successes_in_a_row_at_the_top_level():
    p = TracingProgress()
    for _ in range(2 * (MAX_LEVEL - 1)):  # climb 1 -> 6, two successes a level
        p.record("circle", True)
    assert p.current_level("circle") == MAX_LEVEL and not p.is_mastered("circle")
    p.record("circle", True)
    assert not p.is_mastered("circle")
    p.record("circle", True)
    assert p.is_mastered("circle") and p.current_level("circle") == MAX_LEVEL
    assert p.to_dict()["shapes"]["circle"]["mastered"] is True
    assert TracingProgress.from_dict(p.to_dict()).is_mastered("circle")
    p.record("circle", False)  # a miss at the top level takes it away (and drops a level)
    assert not p.is_mastered("circle") and p.current_level("circle") == MAX_LEVEL - 1
    assert "mastered" not in p.to_dict()["shapes"]["circle"]  # the old layout when not earned
    # a pin at the top level counts what the child did there
    q = TracingProgress()
    q.pin("x", MAX_LEVEL)
    q.record("x", True)
    q.record("x", True)
    assert q.is_mastered("x")
    # two successes below the top level are not mastery; a hand-edited value is not either
    r = TracingProgress()
    r.record("x", True)
    r.record("x", True)
    assert not r.is_mastered("x")
    bad = TracingProgress.from_dict({"shapes": {"x": {"level": 6, "mastered": "yes"}}})
    assert not bad.is_mastered("x")


# -- playing and coming back ------------------------------------------------------------------


def test_a_digit_is_traced_end_to_end_and_recorded_as_that_digit(tmp_path):
    app, _, child, hand, picker = open_tracing(tmp_path)
    try:
        hand.tap(picker.tiles["digit"].rect.center)
        scene = tracing_on_top(app)
        hand.step()
        trace_current(hand, scene)
        assert scene.reward_t is not None and len(scene.results) == 1
        hand.wait(REWARD_S + 0.1)
        assert (scene.step.glyph_id, scene.step.repeat) == ("digit_0", 1)  # trace it again
        hand.hold(scene.exit_rect().center, EXIT_HOLD_S + 0.2)
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
        first, second = trials_rows(app)
        assert (first["activity"], first["item"], first["mode"], first["level"]) == (
            "tracing", "digit_0", "trace", "1")
        assert first["completed"] == "1" and float(first["accuracy"]) >= 0.9
        assert (second["item"], second["completed"]) == ("digit_0", "0")  # left mid-trial
        saved = load_progress(progress_path(tmp_path, child.child_id))
        assert saved.shapes["digit_0"].successes == 1
    finally:
        app.close()


def test_a_letter_set_played_to_its_end_returns_to_the_picker(tmp_path):
    app, _, _, hand, picker = open_tracing(tmp_path)
    try:
        hand.tap(picker.tiles["lower"].rect.center)
        scene = tracing_on_top(app)
        assert scene.plan[0].glyph_id == "lower_a"
        scene.plan = scene.plan[:1]  # a one-trial plan: the end comes after this letter
        hand.step()
        trace_current(hand, scene)
        hand.wait(REWARD_S + 0.1)
        assert scene.finished
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
        (row,) = trials_rows(app)
        assert (row["item"], row["completed"]) == ("lower_a", "1")
        # back on the picker, the next tap starts again (after the settle guard)
        hand.tap(picker.tiles["upper"].rect.center)
        assert tracing_on_top(app).plan[0].glyph_id == "upper_A"
        tracing = tracing_on_top(app)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0,
                                             unicode="\x1b"))
        app.poll_input()  # Esc does not leave tracing (a child reaches the keys)
        assert tracing_on_top(app) is tracing
        hand.hold(tracing.exit_button.rect.center, EXIT_HOLD_S + 0.1)  # the grown-ups' house
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0,
                                             unicode="\x1b"))
        app.poll_input()  # nor the set picker
        assert isinstance(app.stack.top, ActivityHost) and app.stack.top.scene is picker
    finally:
        app.close()


def test_a_home_session_ends_on_time_in_the_middle_of_a_letter(tmp_path):
    app, launcher, _, hand, picker = open_tracing(
        tmp_path, Settings(sound_on=False, session_minutes=1), mode="home")
    try:
        hand.tap(picker.tiles["upper"].rect.center)
        tracing_on_top(app)
        app.clock.advance(61_000_000_000)
        app.frame()
        # The reward lies over the letter (the set picker's host, then the tracing's host).
        assert [type(s) for s in app.stack.scenes] == [
            ChildPickerScene, ActivityPickerScene, ActivityHost, ActivityHost, RewardScene]
        assert isinstance(app.recorder, NullSink) and launcher.child is None
        hand.wait(REWARD_AUTO_CLOSE_S + 0.1)  # nobody taps: the reward closes by itself
        assert [type(s) for s in app.stack.scenes] == [ChildPickerScene]
    finally:
        app.close()


# -- entry points -----------------------------------------------------------------------------


def test_make_scene_and_the_launchers_direct_start_show_the_picker(tmp_path):
    app = make_test_app(settings=Settings(sound_on=False))
    try:
        child = ChildrenRegistry(tmp_path).add("Mia", "cat")
        launcher = Launcher(app, tmp_path, activities=[ACTIVITY])
        launcher.start(child.child_id, ACTIVITY, level=3)  # `play --child ID --activity tracing`
        assert [type(s) for s in app.stack.scenes] == [ChildPickerScene, ActivityPickerScene,
                                                       ActivityHost]
        picker = app.stack.top.scene
        assert isinstance(picker, SetPickerScene)
        assert picker.start_level == 3
        assert picker.progress_path == progress_path(tmp_path, child.child_id)
        scene = picker.start("prewriting")
        assert scene.plan == lesson_plan(glyph_ids("prewriting"))
        assert scene.level.number == 3  # new shapes start at the launcher's level
    finally:
        app.close()


def test_the_picker_works_without_a_launcher(tmp_path):
    app = make_test_app(settings=Settings(sound_on=False))
    try:
        picker = ACTIVITY.make_scene(app, "c" * 32, 1)
        assert isinstance(picker, SetPickerScene) and picker.progress_path is None
        app.stack.push(picker)
        scene = picker.start("upper")
        assert app.stack.top is scene and scene.plan[0].glyph_id == "upper_A"
        app.stack.pop()
        assert app.stack.top is picker
        picker.leave()
        assert len(app.stack) == 0
    finally:
        app.close()


@pytest.mark.parametrize("activity_args", [["--activity", "tracing"], []])
def test_cli_play_with_tracing_shows_its_first_frame(tmp_path, activity_args):
    child = ChildrenRegistry(tmp_path).add("Mia", "cat")
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run(
        [sys.executable, "-m", "games", "play", "--windowed", "--data-dir", str(tmp_path),
         "--child", child.child_id, *activity_args, "--exit-after-first-frame"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("first frame after ")
