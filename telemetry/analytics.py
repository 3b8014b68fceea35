"""Analytics for therapist reports: per-session, per-week and per-activity summaries.

Every function here works on the per-trial tables the loader returns (``telemetry.loader``;
columns as in ``telemetry.schema``) and returns tidy pandas DataFrames that the report writes
as CSV and draws as HTML. Raw samples are never read here: reports work from per-trial
summaries (DESIGN.md, "Reports").

The rules a therapist needs to know to read the figures (also printed in the report):

* A session's value for an activity is the **median of its trials** (accuracy over completed
  trials, duration over completed trials, the highest level played).
* **Baseline** is the median of the first three sessions' values, **latest** the median of the
  last three; with fewer than six sessions both use ``n // 2`` sessions so they never overlap.
* The **trend arrow** compares the latest three sessions with the three before them: up or
  down when the medians differ by at least ``TREND_THRESHOLD`` accuracy.
* A **decline** flag is a drop of at least ``DECLINE_THRESHOLD`` (latest three vs the three
  before) that is not explained by a level increase, or a **level drop**: the items (shapes,
  letters) played in the latest three sessions are, as a median, ``LEVEL_DROP_THRESHOLD``
  levels or more below their own best. The game's staircase widens the road after misses, so a
  child who is slipping can keep a steady accuracy at easier levels: only the level shows it.
* Minutes of a session run from its start to its recorded end; a session without an end (the
  app was closed hard) runs to the end of its last trial.
* Weeks start on Monday; dates are UTC.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from telemetry.caseload import (  # re-exported: the caseload's table and windows
    INACTIVE_DAYS,
    NOT_STARTED,
    RECENT_DAYS,
    caseload,
    in_recent_window,
    recent_window,
    without_sessions,
)
from telemetry.trends import (  # re-exported: the report and tests read them here
    DECLINE_THRESHOLD,
    LEVEL_DROP_THRESHOLD,
    TREND_THRESHOLD,
    TREND_WINDOW,
    TrendRule,
    activity_trends,
    item_level_drops,
)

__all__ = [
    "DECLINE_THRESHOLD", "INACTIVE_DAYS", "LEVEL_DROP_THRESHOLD", "RECENT_DAYS", "TREND_THRESHOLD",
    "TREND_WINDOW", "TrendRule", "activity_sessions", "activity_trends", "caseload",
    "NOT_STARTED", "in_recent_window", "item_latest", "item_level_drops", "recent_window",
    "session_table", "weekly_practice", "without_sessions",
]


SESSION_COLUMNS = [
    "child_id",
    "session_id",
    "date",
    "week_start",
    "mode",
    "started_at",
    "ended_at",
    "has_end",
    "minutes",
    "trials",
    "completed_trials",
    "activities",
]


def _week_start(ts: pd.Series) -> pd.Series:
    """Monday (UTC date) of each timestamp's week, as a datetime64 at midnight (tz-naive)."""
    day = ts.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def session_table(sessions: pd.DataFrame, trials: pd.DataFrame) -> pd.DataFrame:
    """One row per session: date, week, mode, minutes practised, trials and activities.

    ``sessions`` and ``trials`` are the loader's tables. Sessions are sorted by child and start.
    """
    if sessions.empty:
        return pd.DataFrame(columns=SESSION_COLUMNS)
    per = (
        trials.assign(
            _end=trials["started_at"] + pd.to_timedelta(trials["duration_ms"].fillna(0), unit="ms")
        )
        .groupby("session_id", sort=False)
        .agg(
            trials=("trial", "size"),
            completed_trials=("completed", "sum"),
            last_end=("_end", "max"),
        )
    )
    # Activities per session: de-duplicate first so the join runs on a few names per session.
    pairs = (
        trials[["session_id", "activity"]]
        .drop_duplicates()  # on the loader's categories: cheap, and leaves a few rows per session
        .astype({"activity": "str", "session_id": "str"})
        .sort_values(["session_id", "activity"])
    )
    per = per.join(pairs.groupby("session_id", sort=False)["activity"].agg(";".join).rename(
        "activities"
    ))
    out = sessions[["child_id", "session_id", "mode", "started_at", "ended_at"]].merge(
        per, how="left", left_on="session_id", right_index=True
    )
    has_end = out["ended_at"].notna()
    end = out["ended_at"].where(has_end, out["last_end"])
    minutes = (end - out["started_at"]).dt.total_seconds() / 60.0
    out = out.assign(
        date=out["started_at"].dt.tz_convert("UTC").dt.date,
        week_start=_week_start(out["started_at"]).dt.date,
        has_end=has_end,
        minutes=minutes.fillna(0.0).clip(lower=0.0).round(2),
        trials=out["trials"].fillna(0).astype("int64"),
        completed_trials=out["completed_trials"].fillna(0).astype("int64"),
        activities=out["activities"].fillna(""),
    )
    out = out.sort_values(["child_id", "started_at"], kind="stable").reset_index(drop=True)
    return out[SESSION_COLUMNS]


def weekly_practice(
    session_tbl: pd.DataFrame, until: datetime | None = None
) -> pd.DataFrame:
    """Sessions and minutes per child per week, clinic vs home, with empty weeks as zeros.

    Weeks run from each child's first session to the week of ``until`` (default: the child's
    last session), so a missed week shows as a row of zeros rather than disappearing.
    """
    cols = [
        "child_id",
        "week_start",
        "sessions",
        "minutes",
        "clinic_sessions",
        "home_sessions",
        "clinic_minutes",
        "home_minutes",
    ]
    if session_tbl.empty:
        return pd.DataFrame(columns=cols)
    df = session_tbl.assign(
        week_start=pd.to_datetime(session_tbl["week_start"]),
        _clinic=(session_tbl["mode"] == "clinic").astype("int64"),
        _home=(session_tbl["mode"] == "home").astype("int64"),
    )
    df = df.assign(
        _clinic_min=df["minutes"].where(df["_clinic"] == 1, 0.0),
        _home_min=df["minutes"].where(df["_home"] == 1, 0.0),
    )
    agg = df.groupby(["child_id", "week_start"], sort=True).agg(
        sessions=("session_id", "size"),
        minutes=("minutes", "sum"),
        clinic_sessions=("_clinic", "sum"),
        home_sessions=("_home", "sum"),
        clinic_minutes=("_clinic_min", "sum"),
        home_minutes=("_home_min", "sum"),
    )
    end_week = None
    if until is not None:
        u = pd.Timestamp(until)
        u = u.tz_convert("UTC").tz_localize(None) if u.tzinfo else u
        end_week = u.normalize() - pd.Timedelta(days=u.weekday())
    frames = []
    for child_id, grp in agg.groupby(level="child_id", sort=True):
        weeks = grp.index.get_level_values("week_start")
        last = max(weeks.max(), end_week) if end_week is not None else weeks.max()
        full = pd.date_range(weeks.min(), last, freq="7D")
        idx = pd.MultiIndex.from_product([[child_id], full], names=["child_id", "week_start"])
        frames.append(grp.reindex(idx, fill_value=0))
    out = pd.concat(frames).reset_index()
    out = out.assign(
        week_start=out["week_start"].dt.date,
        minutes=out["minutes"].astype(float).round(2),
        clinic_minutes=out["clinic_minutes"].astype(float).round(2),
        home_minutes=out["home_minutes"].astype(float).round(2),
    )
    int_cols = ["sessions", "clinic_sessions", "home_sessions"]
    out = out.astype({c: "int64" for c in int_cols})
    return out[cols]


def activity_sessions(trials: pd.DataFrame) -> pd.DataFrame:
    """One row per child, activity and session: median accuracy and duration, level, counts.

    Accuracy and duration are medians over the session's *completed* trials of that activity
    (an abandoned trial has no meaningful accuracy); ``level`` is the highest level played.
    """
    cols = [
        "child_id",
        "activity",
        "session_id",
        "started_at",
        "date",
        "session_index",
        "trials",
        "completed",
        "accuracy",
        "duration_s",
        "level",
        "errors",
    ]
    if trials.empty:
        return pd.DataFrame(columns=cols)
    done = trials["completed"].astype(bool)
    df = trials.assign(
        _acc=trials["accuracy"].where(done),
        _dur=(trials["duration_ms"] / 1000.0).where(done),
        _done=done.astype("int64"),
    )
    out = (
        df.groupby(["child_id", "activity", "session_id"], sort=False)
        .agg(
            started_at=("started_at", "min"),
            trials=("trial", "size"),
            completed=("_done", "sum"),
            accuracy=("_acc", "median"),
            duration_s=("_dur", "median"),
            level=("level", "max"),
            errors=("errors", "sum"),
        )
        .reset_index()
        .sort_values(["child_id", "activity", "started_at"], kind="stable")
        .reset_index(drop=True)
    )
    out = out.assign(
        date=out["started_at"].dt.tz_convert("UTC").dt.date,
        session_index=out.groupby(["child_id", "activity"]).cumcount() + 1,
        accuracy=out["accuracy"].round(4),
        duration_s=out["duration_s"].round(3),
    )
    return out[cols]


def item_latest(trials: pd.DataFrame) -> pd.DataFrame:
    """Per child, activity and item (shape, letter...): the figures of its latest session.

    The figures (``level``, ``trials``, ``accuracy``, ``duration_s``, ``errors``) come from the
    latest session with a completed trial of the item (``figures_date``), accuracy and
    duration as medians over its completed trials: a later session of abandoned tries has no
    accuracy and would blank out a shape the child traced many times. Without any completed
    trial, the latest session played. ``last_date`` is the last day the item was played;
    ``total_trials`` counts every trial ever.
    """
    cols = [
        "child_id",
        "activity",
        "item",
        "last_date",
        "figures_date",
        "level",
        "trials",
        "accuracy",
        "duration_s",
        "errors",
        "total_trials",
    ]
    if trials.empty:
        return pd.DataFrame(columns=cols)
    keys = ["child_id", "activity", "item"]
    done = trials["completed"].astype(bool)
    t = trials.assign(
        _done=done,
        _acc=trials["accuracy"].where(done),
        _dur=(trials["duration_ms"] / 1000.0).where(done),
    )
    # Completed trials sort last, then by time: the last row per item is its latest completed
    # trial, or its latest trial when none was completed.
    pick = (
        t.sort_values(["_done", "started_at"], kind="stable")
        .groupby(keys, sort=False, observed=True)
        .tail(1)[[*keys, "session_id"]]
    )
    latest = t.merge(pick, on=[*keys, "session_id"], how="inner")
    out = latest.groupby(keys, sort=True, observed=True).agg(
        figures_date=("started_at", "max"),
        level=("level", "max"),
        trials=("trial", "size"),
        accuracy=("_acc", "median"),
        duration_s=("_dur", "median"),
        errors=("errors", "sum"),
    )
    total = trials.groupby(keys, sort=True, observed=True).agg(
        total_trials=("trial", "size"), last_date=("started_at", "max")
    )
    out = out.join(total).reset_index()
    out = out.assign(
        last_date=out["last_date"].dt.tz_convert("UTC").dt.date,
        figures_date=out["figures_date"].dt.tz_convert("UTC").dt.date,
        accuracy=out["accuracy"].round(4),
        duration_s=out["duration_s"].round(3),
    )
    return out[cols]
