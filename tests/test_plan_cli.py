"""``finemotor plan`` and ``children set|show``: real roster, real plan files, real sessions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from games import cli
from telemetry.children import ChildrenRegistry
from telemetry.plan import load_plan, plan_path
from telemetry.profile import load_profile
from telemetry.recorder import SessionRecorder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ada(tmp_path: Path) -> tuple[Path, str]:
    child = ChildrenRegistry(tmp_path).add("Ada", "fox")
    return tmp_path, child.child_id


def record(data: Path, child_id: str, day: datetime, accuracies: list[tuple[str, int, float]]
           ) -> None:
    """One finished session on ``day`` with tracing trials (item, level, accuracy)."""
    clock = iter(range(0, 10**12, 10**9))
    rec = SessionRecorder.start(data, child_id, wall_clock=lambda: day,
                                clock_ns=lambda: next(clock))
    for item, level, acc in accuracies:
        rec.begin_trial("tracing", level, item, "trace")
        rec.finish_trial(accuracy=acc, errors=0, completed=True, duration_ms=4000.0)
    rec.close()


def test_plan_set_goal_add_edit_close_and_show_with_real_sessions(capsys, ada) -> None:
    data, cid = ada
    d = ["--data-dir", str(data)]
    day0 = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    for i, acc in enumerate((0.6, 0.85, 0.9, 0.82)):
        record(data, cid, day0 + timedelta(days=7 * i), [("circle", 4, acc), ("circle", 4, acc)])
    code, out, err = run(capsys, "plan", "ada", "set", "--on", "tracing", "--minutes", "12",
                         "--per-week", "3", "--review", "2026-11-30", *d)
    assert (code, err) == (0, "")
    assert out == ("plan for Ada: tracing on; 12 minutes per session; 3 home sessions a week; "
                   "review 2026-11-30\n")
    code, out, _ = run(capsys, "plan", cid[:6], "goal", "add", "--activity", "tracing", "--item",
                       "circle", "--metric", "accuracy", "--at-least", "0.8", "--level-from", "4",
                       "--in-a-row", "3", "--by", "2027-03-01", "--gas", "0.5,0.6,0.7,0.8,0.9", *d)
    assert out == ("goal g1 added: tracing circle: accuracy >= 0.8 (level 4+), 3 sessions in a "
                   "row, by 2027-03-01\n")
    run(capsys, "plan", "Ada", "goal", "add", "--metric", "sessions_per_week", "--at-least", "1",
        "--k-of-n", "2/4", *d)
    code, out, _ = run(capsys, "plan", "Ada", "show", "--as-of", "2026-12-01", *d)
    assert code == 0
    assert out.splitlines() == [
        out.splitlines()[0],
        "  activities: tracing",
        "  minutes per session: 12",
        "  home sessions a week: 3",
        "  review: 2026-11-30 (due)",
        "Goals",
        "  g1  tracing circle: accuracy >= 0.8 (level 4+), 3 sessions in a row, by 2027-03-01",
        "      met on 2026-11-23: baseline 0.85, now 0.85, 3 of the last 3 sessions reach it; "
        "GAS level +1",
        "  g2  practice: sessions_per_week >= 1, 2 of the last 4 weeks",
        "      not yet",
    ]
    assert out.splitlines()[0].startswith("Plan for Ada (since ") and "3 changes)" in out
    code, out, _ = run(capsys, "plan", "Ada", "goal", "edit", "g1", "--at-least", "0.9", *d)
    assert out == ("goal g1 changed: tracing circle: accuracy >= 0.9 (level 4+), 3 sessions in a "
                   "row, by 2027-03-01\n")
    code, out, _ = run(capsys, "plan", "Ada", "goal", "close", "G2", *d)
    assert out == "goal g2 closed\n"
    pf = load_plan(data, cid)
    assert [h.change.split(":")[0] for h in pf.history] == [
        "tracing on; 12 minutes per session; 3 home sessions a week; review 2026-11-30",
        "goal g1 added", "goal g2 added", "goal g1 changed", "goal g2 closed"]
    assert pf.plan.goal("g1").threshold == 0.9 and pf.plan.goal("g1").min_level == 4
    doc = json.loads(plan_path(data, cid).read_text())
    assert doc["child_id"] == cid and "Ada" not in plan_path(data, cid).read_text()


@pytest.mark.parametrize(("argv", "message"), [
    (["goal", "add", "--activity", "tracing", "--metric", "speed_of_light", "--at-least", "1"],
     "tracing has no metric 'speed_of_light' (goals can use: accuracy, completion_time, cov"),
    (["goal", "add", "--activity", "tracing", "--metric", "accuracy", "--at-least", "1.5"],
     "accuracy is 0..1: the threshold must be between 0 and 1, got 1.5"),
    (["goal", "add", "--activity", "tracing", "--metric", "level", "--at-least", "9"],
     "level is level: the threshold must be between 1 and 6, got 9"),
    (["goal", "add", "--activity", "juggling", "--metric", "accuracy", "--at-least", "0.5"],
     "unknown activity 'juggling' (known: "),
    (["goal", "add", "--metric", "accuracy", "--at-least", "0.5"],
     "a goal on accuracy needs --activity"),
    (["goal", "add", "--activity", "tracing", "--metric", "accuracy"],
     "a goal needs a threshold: --at-least X or --at-most X"),
    (["goal", "add", "--activity", "tracing", "--metric", "accuracy", "--at-least", "0.5",
      "--k-of-n", "6/5"], "--k-of-n needs 1 <= K <= N <= 50, got 6/5"),
    (["goal", "add", "--activity", "tracing", "--metric", "accuracy", "--at-least", "0.5",
      "--by", "March"], "--by must be a date like 2027-03-01, got 'March'"),
    (["goal", "add", "--activity", "tracing", "--metric", "accuracy", "--at-least", "0.5",
      "--gas", "0.9,0.8,0.7,0.6,0.5"], "GAS thresholds must be rising from -2 to +2"),
    (["goal", "close", "g7"], "no goal 'g7' in this plan (goals: none yet)"),
    (["set", "--minutes", "0"], "minutes per session must be 1 to 120, got 0"),
    (["set", "--start-level", "tracing=9"], "tracing levels are 1 to 6 or auto, got '9'"),
])
def test_plan_mistakes_are_one_line_and_write_nothing(capsys, ada, argv, message) -> None:
    data, cid = ada
    code, out, err = run(capsys, "plan", "Ada", *argv, "--data-dir", str(data))
    assert code == 2 and out == ""
    assert err.startswith("finemotor: error: ") and message in err and err.count("\n") == 1
    assert not plan_path(data, cid).exists()


def test_unknown_and_ambiguous_children_say_what_to_do(capsys, tmp_path) -> None:
    ChildrenRegistry(tmp_path).add("Ada", "fox")
    ChildrenRegistry(tmp_path).add("ada", "owl")
    code, _, err = run(capsys, "plan", "Zed", "--data-dir", str(tmp_path))
    assert err == ("finemotor: error: no child 'Zed': see `finemotor children list` for "
                   "nicknames and ids\n")
    code, _, err = run(capsys, "plan", "ADA", "--data-dir", str(tmp_path))
    assert code == 2 and "'ADA' could be more than one child: " in err
    assert "Ada (" in err and "ada (" in err and err.endswith("; give more of the id\n")


def test_children_set_and_show(capsys, ada) -> None:
    data, cid = ada
    d = ["--data-dir", str(data)]
    code, out, err = run(capsys, "children", "set", "Ada", "--birth", "2021-5", "--hand", "left",
                         "--left-handed", "on", "--minutes", "15", "--prompting", "errorless", *d)
    assert (code, out, err) == (0, "saved Ada's details\n", "")
    prof = load_profile(data, cid)
    assert (prof.birth_month, prof.hand) == ("2021-05", "left")
    assert prof.settings == {"left_handed": True, "session_minutes": 15, "prompting": "errorless"}
    code, out, _ = run(capsys, "children", "show", "Ada", *d)
    assert out.splitlines()[1:5] == ["  birth month: 2021-05", "  hand: left",
                                     "  left_handed: on", "  strict: device setting"]
    code, _, err = run(capsys, "children", "set", "Ada", "--prompting", "loud", *d)
    assert err == ("finemotor: error: prompting must be one of errorless, after_error, none, "
                   "got 'loud'\n")
    code, _, err = run(capsys, "children", "set", "Ada", "--left-handed", "maybe", *d)
    assert code == 2 and "use on or off, not 'maybe'" in err
    run(capsys, "children", "set", "Ada", "--hand", "none", "--birth", "none", *d)
    assert load_profile(data, cid).hand is None and load_profile(data, cid).birth_month is None


def test_on_and_off_on_a_plan_that_names_no_activity(capsys, ada) -> None:
    from games.registry import load_activities

    data, cid = ada
    installed = [a.id for a in load_activities()]
    run(capsys, "plan", "Ada", "set", "--off", "tracing", "--data-dir", str(data))
    assert load_plan(data, cid).plan.planned_activities(installed) == [
        a for a in installed if a != "tracing"]
    other = ChildrenRegistry(data).add("Bo", "owl")
    run(capsys, "plan", "Bo", "set", "--on", "tracing", "--data-dir", str(data))
    assert load_plan(data, other.child_id).plan.planned_activities(installed) == ["tracing"]
