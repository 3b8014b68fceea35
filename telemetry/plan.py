"""A child's therapy plan and its goals, with a dated history: ``<data>/children/<id>/plan.json``.

The plan says what the child practises (activities on or off, their sets or routines and a
start level), for how long (minutes per session), how often at home (sessions per week), when
the therapist reviews it, and the measurable goals (:class:`telemetry.goals.Goal`). The file is
small, indented JSON a person can read; every change appends a dated entry to ``history``
(what changed, and the whole plan after it), so the report can mark plan changes on its charts
and show the plan's history.

Every change is a locked read-modify-write (:func:`telemetry.locking.locked`), so the app and
the CLI (or two CLIs) never lose each other's change. Pure Python, no pandas: the launcher reads
the plan on the play path. Names no activity: activity ids are data here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from telemetry.children import child_files_dir
from telemetry.errors import UsageError
from telemetry.goals import Goal
from telemetry.locking import locked
from telemetry.recorder import iso_utc, utc_now
from telemetry.storage import atomic_write_json, ensure_private_dir

PLAN_FILE = "plan.json"
PLAN_FORMAT = 1
MAX_MINUTES = 120
MAX_SESSIONS_PER_WEEK = 14


@dataclass(frozen=True)
class ActivityPlan:
    """One activity in the plan: on or off, which sets/routines (empty: all), start level."""

    on: bool = True
    sets: tuple[str, ...] = ()
    level: int | None = None


@dataclass(frozen=True)
class Plan:
    """The plan as it stands. ``activities`` maps activity id to its :class:`ActivityPlan`;
    an activity not named is off when any activity is named, and every installed activity
    is on when none is (a child with no plan plays everything)."""

    activities: dict[str, ActivityPlan] = field(default_factory=dict)
    minutes: int | None = None
    home_sessions_per_week: int | None = None
    review_date: date | None = None
    goals: tuple[Goal, ...] = ()

    def planned_activities(self, installed: list[str]) -> list[str]:
        """The activities the child plays, in the installed order."""
        if not self.activities:
            return list(installed)
        return [a for a in installed if a in self.activities and self.activities[a].on]

    def open_goals(self) -> list[Goal]:
        """Goals not closed, in the order they were added."""
        return [g for g in self.goals if g.closed is None]

    def goal(self, goal_id: str) -> Goal:
        """The goal ``goal_id`` (case-insensitive); a one-line error listing the ids if none."""
        for g in self.goals:
            if g.goal_id.lower() == goal_id.lower():
                return g
        known = ", ".join(g.goal_id for g in self.goals) or "none yet"
        raise UsageError(f"no goal {goal_id!r} in this plan (goals: {known})")

    def next_goal_id(self) -> str:
        """``g1``, ``g2``...: one more than the highest number used (closed goals keep theirs)."""
        used = [int(g.goal_id[1:]) for g in self.goals if g.goal_id[1:].isdigit()]
        return f"g{max(used, default=0) + 1}"


@dataclass(frozen=True)
class PlanChange:
    """One dated entry of the plan's history: when, what changed (in words), the plan after."""

    at: str  # ISO 8601 UTC
    change: str
    plan: Plan


@dataclass(frozen=True)
class PlanFile:
    """A child's plan file: the current plan and its history (oldest first)."""

    child_id: str
    history: tuple[PlanChange, ...] = ()

    @property
    def plan(self) -> Plan:
        """The plan now (an empty plan when nothing was ever set)."""
        return self.history[-1].plan if self.history else Plan()


def plan_path(data_dir: str | os.PathLike[str], child_id: str) -> Path:
    """Where the child's plan lives (not created)."""
    return child_files_dir(data_dir, child_id) / PLAN_FILE


def _date(text: Any) -> date | None:
    return None if text in (None, "") else date.fromisoformat(str(text))


def goal_to_json(g: Goal) -> dict[str, Any]:
    """A goal as plain JSON values."""
    return {
        "id": g.goal_id, "activity": g.activity, "item": g.item, "metric": g.metric,
        "op": g.op, "threshold": g.threshold, "window": g.window, "needed": g.needed,
        "min_level": g.min_level, "agg": g.agg, "unit": g.unit,
        "target_date": g.target_date.isoformat() if g.target_date else None,
        "gas": list(g.gas) if g.gas is not None else None,
        "created": g.created.isoformat() if g.created else None,
        "closed": g.closed.isoformat() if g.closed else None,
    }


def goal_from_json(d: dict[str, Any]) -> Goal:
    """The goal of :func:`goal_to_json`."""
    gas = d.get("gas")
    return Goal(
        goal_id=str(d["id"]), activity=str(d["activity"]), item=str(d.get("item", "*")),
        metric=str(d["metric"]), op=str(d["op"]), threshold=float(d["threshold"]),
        window=int(d.get("window", 3)), needed=int(d.get("needed", 3)),
        min_level=None if d.get("min_level") is None else int(d["min_level"]),
        agg=str(d.get("agg", "median")), unit=str(d.get("unit", "")),
        target_date=_date(d.get("target_date")),
        gas=None if gas is None else tuple(float(x) for x in gas),  # type: ignore[arg-type]
        created=_date(d.get("created")), closed=_date(d.get("closed")),
    )


def plan_to_json(p: Plan) -> dict[str, Any]:
    """A plan as plain JSON values."""
    return {
        "activities": {
            a: {"on": ap.on, "sets": list(ap.sets), "level": ap.level}
            for a, ap in p.activities.items()
        },
        "minutes_per_session": p.minutes,
        "home_sessions_per_week": p.home_sessions_per_week,
        "review_date": p.review_date.isoformat() if p.review_date else None,
        "goals": [goal_to_json(g) for g in p.goals],
    }


def plan_from_json(d: dict[str, Any]) -> Plan:
    """The plan of :func:`plan_to_json`."""
    acts = {
        str(a): ActivityPlan(bool(v.get("on", True)), tuple(str(s) for s in v.get("sets", ())),
                             None if v.get("level") is None else int(v["level"]))
        for a, v in (d.get("activities") or {}).items()
    }
    return Plan(
        activities=acts,
        minutes=None if d.get("minutes_per_session") is None else int(d["minutes_per_session"]),
        home_sessions_per_week=(
            None if d.get("home_sessions_per_week") is None else int(d["home_sessions_per_week"])
        ),
        review_date=_date(d.get("review_date")),
        goals=tuple(goal_from_json(g) for g in d.get("goals") or ()),
    )


def load_plan(data_dir: str | os.PathLike[str], child_id: str) -> PlanFile:
    """The child's plan file; an empty one if there is none yet.

    A file that is not a plan (damaged, edited by hand into invalid JSON) is a one-line
    :class:`UsageError` naming it; it is never overwritten silently.
    """
    path = plan_path(data_dir, child_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return PlanFile(child_id)
    try:
        doc = json.loads(raw.decode("utf-8"))
        history = tuple(
            PlanChange(str(h["at"]), str(h["change"]), plan_from_json(h["plan"]))
            for h in doc["history"]
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"the plan file {path} is damaged ({exc}); fix or move it away") from exc
    return PlanFile(child_id, history)


def update_plan(
    data_dir: str | os.PathLike[str],
    child_id: str,
    change: Callable[[Plan], tuple[Plan, str]],
    now: datetime | None = None,
) -> PlanFile:
    """Apply ``change`` (plan -> (new plan, what changed in words)) under the file lock and
    append it to the history; returns the new plan file. A change that leaves the plan as it
    was writes nothing."""
    path = plan_path(data_dir, child_id)
    ensure_private_dir(path.parent)
    with locked(path):
        current = load_plan(data_dir, child_id)
        new_plan, what = change(current.plan)
        if new_plan == current.plan:
            return current
        entry = PlanChange(iso_utc(now or utc_now()), what, new_plan)
        updated = replace(current, history=(*current.history, entry))
        atomic_write_json(path, {
            "format": PLAN_FORMAT,
            "child_id": child_id,
            "history": [
                {"at": h.at, "change": h.change, "plan": plan_to_json(h.plan)}
                for h in updated.history
            ],
        })
    return updated
