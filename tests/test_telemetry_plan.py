"""The plan file and the child profile: real files, dated history, locked changes, clear errors."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import date, datetime, timezone
from multiprocessing import get_context
from pathlib import Path

import pytest

from telemetry.errors import UsageError
from telemetry.goals import Goal
from telemetry.plan import ActivityPlan, Plan, load_plan, plan_path, update_plan
from telemetry.profile import (
    ChildProfile,
    check_birth_month,
    load_profile,
    profile_path,
    update_profile,
)

CHILD = "c" * 32
T1 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 11, 9, 9, 0, tzinfo=timezone.utc)


def set_minutes(n: int):
    return lambda p: (replace(p, minutes=n), f"minutes per session {n}")


def test_no_plan_yet_is_an_empty_plan_that_plays_everything(tmp_path: Path) -> None:
    pf = load_plan(tmp_path, CHILD)
    assert pf.history == () and pf.plan == Plan()
    assert pf.plan.planned_activities(["tracing", "pinch"]) == ["tracing", "pinch"]


def test_changes_are_dated_in_a_readable_owner_only_file(tmp_path: Path) -> None:
    goal = Goal("g1", "tracing", "accuracy", ">=", 0.8, item="circle", min_level=4,
                target_date=date(2027, 3, 1), created=date(2026, 11, 9))
    update_plan(tmp_path, CHILD, set_minutes(10), now=T1)
    update_plan(tmp_path, CHILD, lambda p: (replace(
        p, activities={"tracing": ActivityPlan(True, ("shapes",), 3),
                       "pinch": ActivityPlan(False)},
        goals=(goal,)), "activities; goal g1"), now=T2)
    path = plan_path(tmp_path, CHILD)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    doc = json.loads(path.read_text("utf-8"))
    assert [h["at"] for h in doc["history"]] == ["2026-11-02T09:00:00.000000Z",
                                                  "2026-11-09T09:00:00.000000Z"]
    assert doc["history"][1]["plan"]["goals"][0] == {
        "id": "g1", "activity": "tracing", "item": "circle", "metric": "accuracy", "op": ">=",
        "threshold": 0.8, "window": 3, "needed": 3, "min_level": 4, "agg": "median", "unit": "",
        "target_date": "2027-03-01", "gas": None, "created": "2026-11-09", "closed": None}
    assert path.read_text("utf-8").startswith('{\n  "format": 1,')  # indented for people
    pf = load_plan(tmp_path, CHILD)
    assert pf.plan.minutes == 10 and pf.plan.goals == (goal,)
    assert pf.plan.planned_activities(["tracing", "pinch", "sequencing"]) == ["tracing"]
    assert pf.history[0].plan.goals == ()


def test_a_change_that_changes_nothing_writes_nothing(tmp_path: Path) -> None:
    update_plan(tmp_path, CHILD, set_minutes(10), now=T1)
    before = plan_path(tmp_path, CHILD).read_bytes()
    assert len(update_plan(tmp_path, CHILD, set_minutes(10), now=T2).history) == 1
    assert plan_path(tmp_path, CHILD).read_bytes() == before


def test_damaged_plan_is_a_one_line_error_and_is_kept(tmp_path: Path) -> None:
    path = plan_path(tmp_path, CHILD)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", "utf-8")
    with pytest.raises(UsageError, match=r"the plan file .*plan.json is damaged .*fix or move"):
        update_plan(tmp_path, CHILD, set_minutes(5), now=T1)
    assert path.read_text("utf-8") == "{not json"


def test_goal_lookup_and_ids(tmp_path: Path) -> None:
    p = Plan(goals=(Goal("g1", "*", "sessions_per_week", ">=", 3),
                    Goal("g4", "*", "minutes_per_week", ">=", 30, closed=date(2026, 11, 1))))
    assert p.goal("G4").goal_id == "g4" and p.next_goal_id() == "g5"
    assert [g.goal_id for g in p.open_goals()] == ["g1"]
    with pytest.raises(UsageError, match=r"no goal 'g9' in this plan \(goals: g1, g4\)"):
        p.goal("g9")


def _add_goals(data: str, first: int, count: int) -> None:
    for i in range(first, first + count):
        update_plan(data, CHILD, lambda p, i=i: (replace(p, goals=(*p.goals, Goal(
            p.next_goal_id(), "*", "sessions_per_week", ">=", float(i)))), f"goal {i}"))


def test_parallel_changes_from_processes_all_land(tmp_path: Path) -> None:
    # Plain forked processes (no Pool: its helper threads must not be forked mid-lock).
    procs = [get_context("fork").Process(target=_add_goals, args=(str(tmp_path), 5 * k, 5))
             for k in range(8)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    pf = load_plan(tmp_path, CHILD)
    assert len(pf.history) == 40
    assert sorted(g.threshold for g in pf.plan.goals) == [float(i) for i in range(40)]
    assert sorted(g.goal_id for g in pf.plan.goals) == sorted(f"g{i}" for i in range(1, 41))


def test_profile_round_trip_defaults_and_errors(tmp_path: Path) -> None:
    assert load_profile(tmp_path, CHILD) == ChildProfile()
    update_profile(tmp_path, CHILD, birth_month="2021-05", hand="left",
                   settings={"left_handed": True, "session_minutes": 15})
    update_profile(tmp_path, CHILD, settings={"prompting": "errorless"})
    prof = load_profile(tmp_path, CHILD)
    assert prof == ChildProfile("2021-05", "left", {"left_handed": True, "session_minutes": 15,
                                                    "prompting": "errorless"})
    assert prof.age_months(date(2026, 12, 1)) == 67
    assert stat.S_IMODE(os.stat(profile_path(tmp_path, CHILD)).st_mode) == 0o600
    cleared = update_profile(tmp_path, CHILD, clear=("hand", "session_minutes"))
    assert cleared.hand is None and "session_minutes" not in cleared.settings
    with pytest.raises(UsageError, match="session minutes must be 1 to 120, got 0"):
        update_profile(tmp_path, CHILD, settings={"session_minutes": 0})
    with pytest.raises(UsageError, match="prompting must be one of errorless, after_error, none"):
        update_profile(tmp_path, CHILD, settings={"prompting": "loud"})
    with pytest.raises(UsageError, match="hand must be one of left, right, not settled"):
        update_profile(tmp_path, CHILD, hand="both")
    # a hand-mangled value is dropped on read, the rest is kept
    profile_path(tmp_path, CHILD).write_text(
        '{"birth_month": "2021-5", "hand": "left", "settings": {"sound_on": "no", "strict": true}}')
    assert load_profile(tmp_path, CHILD) == ChildProfile(None, "left", {"strict": True})


def test_birth_month_checks() -> None:
    today = date(2026, 12, 1)
    assert check_birth_month("2021-5", today) == "2021-05"
    with pytest.raises(UsageError,
                       match=r"birth month must look like 2021-05 \(year-month\), got '5/2021'"):
        check_birth_month("5/2021", today)
    with pytest.raises(UsageError, match="birth month 2027-01 is in the future"):
        check_birth_month("2027-01", today)
    with pytest.raises(UsageError, match="more than 18 years ago"):
        check_birth_month("1990-01", today)
