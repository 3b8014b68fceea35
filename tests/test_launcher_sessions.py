"""A session is written to disk when its first trial begins (issue 13 point 2): a child who
picks their picture and goes back, a home session that runs out on the games screen and an
assessment left before its first trial leave nothing; the therapist's figures count only
sessions with trials, also those an earlier version wrote empty."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pandas as pd
import pytest
from test_launcher import (
    DOTS,
    TARGET,
    DotScene,
    ScriptedHand,
    make_launcher,
    read_session,
    rows,
    session_folders,
)

from engine.record import NullSink
from engine.settings import Settings
from engine.testing import make_test_app
from games.launcher import (
    ActivityHost,
    ActivityPickerScene,
    ChildPickerScene,
    PendingSession,
    RewardScene,
)
from telemetry.children import ChildrenRegistry
from telemetry.goal_values import week_points
from telemetry.goals import Goal
from telemetry.recorder import SessionRecorder

ASSESSED = replace(DOTS, id="dots", assessment=lambda app, child_id: DotScene(child_id, 3))


@pytest.fixture
def app():
    a = make_test_app()
    yield a
    a.close()


def _data_files(data) -> list[str]:
    return sorted(p.relative_to(data).as_posix() for p in data.rglob("*"))


def test_an_empty_visit_leaves_nothing_on_disk(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna")
    before = _data_files(tmp_path)
    make_launcher(app, tmp_path)
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    games = app.stack.top
    assert isinstance(games, ActivityPickerScene) and launcher_child(app) == child
    assert isinstance(app.recorder, PendingSession) and app.recorder.origin_ns is None
    hand.hold(games.back.rect.center, 3.1)  # the house: back to the pictures
    assert isinstance(app.stack.top, ChildPickerScene) and isinstance(app.recorder, NullSink)
    assert _data_files(tmp_path) == before == [".children.csv.lock", "children.csv"]


def launcher_child(app):
    """The child of the games screen on top."""
    return app.stack.top.child


def test_a_home_session_that_runs_out_before_a_game_leaves_nothing(tmp_path):
    app = make_test_app(settings=Settings(session_minutes=1))
    try:
        ChildrenRegistry(tmp_path).add("Anna")
        make_launcher(app, tmp_path, mode="home")
        ScriptedHand(app).tap(app.stack.top.tiles[0].rect.center)
        app.clock.advance(60_000_000_000)
        app.frame()
        assert isinstance(app.stack.top, RewardScene)
        assert not (tmp_path / "sessions").exists()
    finally:
        app.close()


def test_the_first_trial_writes_the_session_and_later_ones_go_to_it(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna")
    make_launcher(app, tmp_path, mode="clinic")
    hand = ScriptedHand(app)
    hand.tap(app.stack.top.tiles[0].rect.center)
    games = app.stack.top
    for _ in range(2):
        hand.tap(games.tiles[0].rect.center)  # Dots: a trial begins as it opens
        assert isinstance(app.stack.top, ActivityHost)
        hand.tap(TARGET)
        assert app.stack.top is games
    (folder,) = session_folders(tmp_path, child.child_id)
    assert isinstance(app.recorder, SessionRecorder) and app.recorder.folder == folder
    hand.hold(games.back.rect.center, 3.1)
    meta = read_session(folder)
    assert (meta["mode"], meta["ended_at"] is not None) == ("clinic", True)
    trials = rows(folder / "trials.csv")
    head = trials[0]
    assert [(r[head.index("trial")], r[head.index("completed")]) for r in trials[1:]] == [
        ("1", "1"), ("2", "1")]
    # The session starts with its first trial (the time on the games screen before is not
    # practice): started_at is that trial's start, to the microsecond the clocks allow.
    first = datetime.fromisoformat(trials[1][head.index("started_at")].replace("Z", "+00:00"))
    started = datetime.fromisoformat(meta["started_at"].replace("Z", "+00:00"))
    assert 0 <= (first - started).total_seconds() < 0.5


def test_an_assessment_writes_its_session_with_its_first_trial_only(app, tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna")
    launcher = make_launcher(app, tmp_path, activities=(ASSESSED,))
    launcher.start_assessment(child, ASSESSED)  # DotScene begins its trial as it opens
    (folder,) = session_folders(tmp_path, child.child_id)
    assert read_session(folder)["mode"] == "assessment"
    ScriptedHand(app).tap(TARGET)
    assert isinstance(app.stack.top, ChildPickerScene)
    assert read_session(folder)["ended_at"] is not None
    # Picked and left before the first trial: nothing more on disk.
    launcher.start_session(child, mode="assessment")
    launcher.back_to_picker()
    assert session_folders(tmp_path, child.child_id) == [folder]


def test_a_trial_after_the_session_ended_is_not_recorded(tmp_path):
    opened: list[str] = []
    pending = PendingSession(lambda: opened.append("x") or NullSink())
    pending.cancel()
    assert pending.begin_trial("dots", 1, "dot") == 1 and opened == []


def _old_empty_session(data, child_id: str, day: str) -> None:
    """A session folder with no trial, as earlier versions wrote on picking a child."""
    when = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    SessionRecorder.start(data, child_id, mode="home", wall_clock=lambda: when).close()


def _session_with_a_trial(data, child_id: str, day: str) -> None:
    when = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    with SessionRecorder.start(data, child_id, mode="home", wall_clock=lambda: when) as rec:
        rec.begin_trial("dots", 1, "dot")
        rec.finish_trial(accuracy=1.0, errors=0, completed=True)


def test_reports_and_goals_count_only_sessions_with_trials(tmp_path):
    from games.reporting import build_reports

    out, tmp_path = tmp_path / "out", tmp_path / "data"
    child = ChildrenRegistry(tmp_path).add("Anna")
    _old_empty_session(tmp_path, child.child_id, "2026-03-02T10:00:00")
    _old_empty_session(tmp_path, child.child_id, "2026-03-03T10:00:00")
    _session_with_a_trial(tmp_path, child.child_id, "2026-03-04T10:00:00")
    res = build_reports(tmp_path, out, until="2026-03-08", progress=False, activities=[DOTS])
    assert (res.sessions, res.trials) == (1, 1)
    table = pd.read_csv(out / "sessions.csv")
    assert len(table) == 1 and table["trials"].tolist() == [1]
    from telemetry.loader import load_dataset

    ds = load_dataset(tmp_path, tables=("trials",))
    assert len(ds.sessions) == 3  # the folders are all read (nothing is deleted)
    goal = Goal("g1", "*", "home_sessions_per_week", ">=", 2.0)
    assert week_points(goal, ds.trials, ds.sessions, date(2026, 3, 8),
                       start=date(2026, 3, 2)) == [(date(2026, 3, 2), 1.0)]


def test_the_session_keeps_the_mode_it_was_started_in(app, tmp_path):
    # An assessment whose first trial comes after a grown-up changed a setting is still an
    # assessment (the settings are laid over again on every change).
    child = ChildrenRegistry(tmp_path).add("Anna")
    launcher = make_launcher(app, tmp_path, activities=(ASSESSED,))
    launcher.start_session(child, mode="assessment")
    app.settings.sound_on = not app.settings.sound_on
    launcher.save_settings()
    assert launcher.session_mode == "home"  # what apply_child lays over again
    app.recorder.begin_trial("dots", 3, "dot")
    (folder,) = session_folders(tmp_path, child.child_id)
    assert read_session(folder)["mode"] == "assessment"
