"""Assessments: a grown-up starts one from the child's page; the fixed protocol is played as
it is (same shapes, same level, no adaptation) in a session of mode ``assessment``; practice
after it adapts as before. Scripted through the real launcher and input code, headless."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_launcher import GATE, ScriptedHand, session_folders  # noqa: E402

from engine.testing import make_test_app
from games.launcher import ActivityHost, ChildPickerScene, Launcher
from games.launcher.child_page import ChildListScene, ChildPageScene
from games.tracing import ACTIVITY as TRACING
from games.tracing import assessment
from games.tracing.staircase import progress_path
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder
from telemetry.schema import MODES, SESSION_MODES


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def _trace_current(app, hand: ScriptedHand) -> None:
    """Watch the shape's demo, trace the model on screen well, then wait until the next
    trial (or the end)."""
    scene = app.stack.top.scene if isinstance(app.stack.top, ActivityHost) else app.stack.top
    for _ in range(100):  # each shape is demonstrated first ("watch me"): it plays out
        if scene.watch is None:
            break
        hand.wait(0.1)
    assert scene.watch is None and scene.trial_no is not None
    for stroke in [m.copy() for m in scene.model]:
        hand.drag([(float(x), float(y)) for x, y in stroke.tolist()], speed=900)
        hand.wait(0.2)
    assert scene.trial_no is None and scene.reward_t is not None
    for _ in range(100):
        if scene.trial_no is not None or scene not in _scenes(app):
            return
        hand.wait(0.1)
    raise AssertionError("the next trial never started")


def _scenes(app) -> list:
    return [getattr(s, "scene", s) for s in app.stack.scenes]


def _trials(folder: Path) -> list[dict[str, str]]:
    with open(folder / "trials.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_protocol_data_matches_the_scene_s_steps():
    assert TRACING.assessment_steps == assessment.STEPS
    assert "assessment" in SESSION_MODES and "assessment" not in MODES


def test_an_assessment_plays_the_fixed_protocol_and_never_changes_a_level(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    progress = progress_path(tmp_path, child.child_id)
    progress.parent.mkdir(parents=True)
    before = json.dumps({"shapes": {"vertical": {"level": 5}}, "start_level": 5})
    progress.write_text(before, encoding="utf-8")
    launcher = Launcher(app, tmp_path, activities=[TRACING], mode="clinic")
    launcher.start()
    hand = ScriptedHand(app)
    hand.hold(GATE, 3.0)
    hand.tap(app.stack.top.controls["children"].rect.center)
    assert isinstance(app.stack.top, ChildListScene)
    hand.tap(app.stack.top.tiles[0].rect.center)
    page = app.stack.top
    assert isinstance(page, ChildPageScene)
    hand.tap(page.controls["assess_tracing"].rect.center)
    assert [type(s) for s in app.stack.scenes] == [ChildPickerScene, ActivityHost]
    for _ in assessment.STEPS:
        _trace_current(app, hand)
    assert [type(s) for s in app.stack.scenes] == [ChildPickerScene]
    assert not isinstance(app.recorder, SessionRecorder)  # the NullSink: no session open
    (folder,) = session_folders(tmp_path, child.child_id)
    assert json.loads((folder / "session.json").read_text("utf-8"))["mode"] == "assessment"
    trials = _trials(folder)
    assert [(t["item"], int(t["level"]), t["mode"]) for t in trials] == list(assessment.STEPS)
    assert {t["completed"] for t in trials} == {"1"}
    assert progress.read_text(encoding="utf-8") == before  # never read into a level, or written


def test_a_practice_session_after_an_assessment_adapts_as_before(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Ana", "cat")
    launcher = Launcher(app, tmp_path, activities=[TRACING], mode="clinic")
    launcher.start()
    launcher.start_assessment(child, TRACING)
    hand = ScriptedHand(app)
    for _ in assessment.STEPS:
        _trace_current(app, hand)
    assert not progress_path(tmp_path, child.child_id).exists()
    hand.tap(app.stack.top.tiles[0].rect.center)  # the child, then tracing, then shapes
    hand.tap(app.stack.top.tiles[0].rect.center)
    hand.tap(app.stack.top.scene.tiles["prewriting"].rect.center)
    for _ in range(3):  # vertical traced twice well: up one level for the third trial
        _trace_current(app, hand)
    launcher.back_to_picker()
    modes = {json.loads((f / "session.json").read_text("utf-8"))["mode"]: f
             for f in session_folders(tmp_path, child.child_id)}
    assert sorted(modes) == ["assessment", "clinic"]
    practice = modes["clinic"]
    played = [(t["item"], int(t["level"])) for t in _trials(practice)]
    assert played[:3] == [("vertical", 1), ("vertical", 1), ("vertical", 2)]
    assert progress_path(tmp_path, child.child_id).exists()
