"""Pinch's assessment: the fixed three boards (same levels, same layouts), no progress written,
recorded as an ``assessment`` session; scripted through the real launcher and input."""

from __future__ import annotations

import csv
import json

from engine.testing import ScriptedHand, make_test_app
from games.kit.reward import REWARD_S
from games.launcher import ActivityHost, ChildPickerScene, Launcher
from games.pinch import ACTIVITY as PINCH
from games.pinch import PROGRESS, assessment
from telemetry.children import ChildrenRegistry


def _clear_board(app, hand: ScriptedHand) -> None:
    scene = app.stack.top.scene
    board = scene.board
    used = [0] * len(board.targets)
    for p in board.objects:
        j = next(j for j, t in enumerate(board.targets)
                 if t.takes(p.colour) and used[j] < t.capacity)
        used[j] += 1
        t = board.targets[j]
        hand.pinch((p.x, p.y), (t.x, t.y), speed=500.0, open_aperture=160, closed_aperture=60)
        hand.wait(0.2)
    assert scene.trial_no is None and scene.reward_t is not None
    hand.wait(REWARD_S + 0.3)


def _boards(app, launcher: Launcher, child) -> list[list[tuple[float, float]]]:
    launcher.start_assessment(child, PINCH)
    hand = ScriptedHand(app)
    layouts = []
    for _ in assessment.STEPS:
        assert isinstance(app.stack.top, ActivityHost)
        layouts.append([(p.x, p.y) for p in app.stack.top.scene.board.objects])
        _clear_board(app, hand)
    assert [type(s) for s in app.stack.scenes] == [ChildPickerScene]
    return layouts


def test_the_protocol_data_matches_the_scene_s_steps():
    assert PINCH.assessment_steps == assessment.STEPS


def test_a_pinch_assessment_plays_the_same_fixed_boards_and_writes_no_progress(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    app = make_test_app()
    try:
        launcher = Launcher(app, tmp_path, activities=[PINCH], mode="home")
        launcher.start()
        first = _boards(app, launcher, child)
        second = _boards(app, launcher, child)
    finally:
        app.close()
    assert first == second  # the same objects in the same places both times
    assert not PROGRESS.path(tmp_path, child.child_id).exists()
    folders = sorted((tmp_path / "sessions" / child.child_id).iterdir())
    assert len(folders) == 2
    for folder in folders:
        assert json.loads((folder / "session.json").read_text("utf-8"))["mode"] == "assessment"
        with open(folder / "trials.csv", newline="", encoding="utf-8") as fh:
            trials = list(csv.DictReader(fh))
        assert [(t["item"], int(t["level"]), t["mode"]) for t in trials] == list(
            assessment.STEPS)
        assert {t["completed"] for t in trials} == {"1"}
