"""The figures a goal is checked against, one per session (or per week), from loaded frames.

Per-session goals: the session's value is the median (or, with ``agg="best"``, the best) of
the goal's metric over the session's **completed, not assisted** trials of the goal's activity
and item, at the goal's lowest level or above. The metric is a ``trials.csv`` column
(``accuracy``, ``errors``, ``level``, or ``duration_s`` = ``duration_ms / 1000``) or any
``metrics.csv`` metric of those trials. Sessions with no trial of the activity and item are not
points (the child practised something else); sessions that played the item only below the
goal's level count as a value that does not reach the threshold, because the goal asks for the
level too. Assessment sessions are left out (they are compared on their own).

Practice goals count per calendar week (Monday to Sunday, UTC), from the week of the first
session (or ``start``) to the week of ``as_of``: sessions, home sessions, or minutes (from
session start to end; a session with no end counts the span of its trials; a session without
a trial is no practice). The week of
``as_of`` counts only once it is over or already reaches the threshold, so a goal is never
failed by the days not yet lived.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from telemetry.goals import Goal, GoalStatus, evaluate
from telemetry.schema import ASSESSMENT_MODE

TRIAL_COLUMNS = ("accuracy", "errors", "level", "duration_s")
ASSESSMENT = ASSESSMENT_MODE


def _assisted_keys(metrics: pd.DataFrame) -> set[tuple[str, int]]:
    rows = metrics[(metrics["metric"] == "assisted") & (metrics["value"] > 0)]
    return set(zip(rows["session_id"], rows["trial"].astype(int), strict=True))


def session_points(goal: Goal, trials: pd.DataFrame, metrics: pd.DataFrame,
                   sessions: pd.DataFrame) -> list[tuple[date, float]]:
    """``(session date, value)`` for every session that played the goal's activity and item."""
    if goal.is_practice:
        raise ValueError("practice goals are counted per week: use week_points")
    t = trials[(trials["activity"] == goal.activity) & trials["completed"].astype(bool)]
    if goal.item != "*":
        t = t[t["item"] == goal.item]
    not_assessment = sessions.loc[sessions["mode"] != ASSESSMENT, "session_id"]
    t = t[t["session_id"].isin(set(not_assessment))]
    assisted = _assisted_keys(metrics)
    if assisted:
        keys = list(zip(t["session_id"], t["trial"].astype(int), strict=True))
        t = t[[k not in assisted for k in keys]]
    if t.empty:
        return []
    played = t.drop_duplicates("session_id")[["session_id"]]
    if goal.min_level is not None:
        t = t[t["level"] >= goal.min_level]
    if goal.metric in TRIAL_COLUMNS:
        values = (t["duration_ms"] / 1000.0 if goal.metric == "duration_s"
                  else t[goal.metric].astype("float64"))
        per_trial = pd.DataFrame({"session_id": t["session_id"], "value": values})
    else:
        m = metrics[(metrics["metric"] == goal.metric) & (metrics["activity"] == goal.activity)]
        if goal.unit:
            m = m[m["unit"] == goal.unit]
        per_trial = t[["session_id", "trial"]].merge(m[["session_id", "trial", "value"]],
                                                     on=["session_id", "trial"])
    per_trial = per_trial.dropna(subset=["value"])
    grouped = per_trial.groupby("session_id")["value"]
    if goal.agg == "best":
        per_session = grouped.max() if goal.op == ">=" else grouped.min()
    else:
        per_session = grouped.median()
    starts = sessions.set_index("session_id")["started_at"]
    points: list[tuple[date, float]] = []
    for sid in played["session_id"]:
        if sid not in starts.index:
            continue
        day = starts[sid].date()
        if sid in per_session.index:
            points.append((day, float(per_session[sid])))
        else:  # played the item, but not at the goal's level: a value that does not count
            points.append((day, _failing(goal)))
    return sorted(points)


def _failing(goal: Goal) -> float:
    return -np.inf if goal.op == ">=" else np.inf


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def week_points(goal: Goal, trials: pd.DataFrame, sessions: pd.DataFrame, as_of: date,
                start: date | None = None) -> list[tuple[date, float]]:
    """``(Monday, value)`` for each calendar week of a practice goal, empty weeks as 0."""
    if not goal.is_practice:
        raise ValueError("only practice goals are counted per week")
    s = sessions[sessions["mode"] != ASSESSMENT]
    s = s[s["session_id"].isin(set(trials["session_id"]))]  # a visit with no trial: no practice
    if goal.metric == "home_sessions_per_week":
        s = s[s["mode"] == "home"]
    days = [ts.date() for ts in s["started_at"]]
    first = start or (min(days) if days else None)
    if first is None:
        return []
    if goal.metric == "minutes_per_week":
        spans = _session_minutes(s, trials)
        values = [(d, spans.get(sid, 0.0)) for d, sid in zip(days, s["session_id"], strict=True)]
    else:
        values = [(d, 1.0) for d in days]
    totals: dict[date, float] = {}
    week = _monday(first)
    while week <= as_of:
        totals[week] = 0.0
        week += timedelta(days=7)
    for d, v in values:
        if _monday(d) in totals and d <= as_of:
            totals[_monday(d)] += v
    current = _monday(as_of)
    return [(w, v) for w, v in sorted(totals.items())
            if w != current or as_of >= w + timedelta(days=6) or goal.reaches(v)]


def _session_minutes(sessions: pd.DataFrame, trials: pd.DataFrame) -> dict[str, float]:
    """Minutes per session: start to end, or the span of its trials when it never ended."""
    out: dict[str, float] = {}
    ends = trials.assign(end=trials["started_at"] + pd.to_timedelta(trials["duration_ms"], "ms"))
    last = ends.groupby("session_id")["end"].max()
    for sid, start, end in zip(sessions["session_id"], sessions["started_at"],
                               sessions["ended_at"], strict=True):
        stop = end if not pd.isna(end) else last.get(sid)
        out[sid] = 0.0 if stop is None or pd.isna(stop) else max(
            0.0, (stop - start).total_seconds() / 60.0)
    return out


def goal_status(goal: Goal, trials: pd.DataFrame, metrics: pd.DataFrame,
                sessions: pd.DataFrame, as_of: date) -> GoalStatus:
    """Where ``goal`` stands on ``as_of`` given one child's loaded frames."""
    if goal.is_practice:
        points = week_points(goal, trials, sessions, as_of, start=goal.created)
    else:
        points = session_points(goal, trials, metrics, sessions)
    return evaluate(goal, points, as_of)
