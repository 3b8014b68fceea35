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

import numpy as np
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
from telemetry.grouping import (
    NAT,
    Groups,
    as_times,
    first_time,
    key_codes,
    key_column,
    utc_dates,
    utc_micros,
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
    # Per session of trials (grouped on numpy arrays, telemetry.grouping): trials, completed
    # trials, the end of its last trial and its activities.
    trial_end = trials["started_at"] + pd.to_timedelta(trials["duration_ms"].fillna(0), unit="ms")
    sid, sid_src = key_codes(trials["session_id"])
    g = Groups([sid])
    ends = trial_end.dt.tz_convert(None).to_numpy()
    last_end = g.max(ends.view(np.int64))  # NaT is the smallest: a maximum passes over it
    act, act_src = key_codes(trials["activity"])
    names = [str(a) for a in key_column(np.arange(len(act_src.categories if isinstance(
        act_src, pd.Categorical) else act_src)), act_src)]
    # The activities of a session in name order, each once.
    by_name = np.argsort(np.array(names, dtype=object)) if names else np.zeros(0, np.int64)
    name_rank = np.empty(len(names), dtype=np.int64)
    name_rank[by_name] = np.arange(len(names))
    ok = (sid >= 0) & (act >= 0)
    pairs = np.unique(sid[ok] * max(len(names), 1) + name_rank[act[ok]])
    joined: dict[int, list[str]] = {}
    for code in pairs.tolist():
        s_code, rank = divmod(code, max(len(names), 1))
        joined.setdefault(s_code, []).append(names[by_name[rank]])
    group_sids = key_column(g.keys[0], sid_src)
    pos = pd.Index(np.asarray(group_sids, dtype=object)).get_indexer(
        sessions["session_id"].astype(object))
    found = pos >= 0
    at = np.where(found, pos, 0)
    out = sessions[["child_id", "session_id", "mode", "started_at", "ended_at"]].reset_index(
        drop=True)
    out["session_id"] = out["session_id"].astype(object)  # as the merge of before gave it
    sizes = g.sizes.astype(np.int64)
    done = g.sum(trials["completed"].to_numpy(np.int64))
    out = out.assign(
        trials=np.where(found, sizes[at] if len(sizes) else 0, 0),
        completed_trials=np.where(found, done[at] if len(done) else 0, 0),
        last_end=pd.Series(np.where(found, last_end[at] if len(last_end) else NAT, NAT).view(
            ends.dtype)).dt.tz_localize("UTC").astype(trial_end.dtype),
        activities=[";".join(joined.get(int(g.keys[0][p]), ())) if f else ""
                    for p, f in zip(at.tolist(), found.tolist(), strict=True)],
    )
    has_end = out["ended_at"].notna()
    end = out["ended_at"].where(has_end, out["last_end"])
    minutes = (end - out["started_at"]).dt.total_seconds() / 60.0
    out = out.assign(
        date=out["started_at"].dt.tz_convert("UTC").dt.date,
        week_start=_week_start(out["started_at"]).dt.date,
        has_end=has_end,
        minutes=minutes.fillna(0.0).clip(lower=0.0).round(2),
        trials=out["trials"].astype("int64"),
        completed_trials=out["completed_trials"].astype("int64"),
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
    child, child_src = key_codes(session_tbl["child_id"])
    days = pd.to_datetime(session_tbl["week_start"]).to_numpy("datetime64[D]").view(np.int64)
    valid = days != NAT
    first_day = int(days[valid].min()) if valid.any() else 0
    week = np.where(valid, days - first_day, -1)
    g = Groups([child, week])
    minutes = session_tbl["minutes"].to_numpy(float)
    clinic = (session_tbl["mode"] == "clinic").to_numpy(bool)
    home = (session_tbl["mode"] == "home").to_numpy(bool)
    figures = {
        "sessions": g.sizes.astype(np.int64),
        "minutes": g.sum(minutes),
        "clinic_sessions": g.sum(clinic.astype(np.int64)),
        "home_sessions": g.sum(home.astype(np.int64)),
        "clinic_minutes": g.sum(np.where(clinic, minutes, 0.0)),
        "home_minutes": g.sum(np.where(home, minutes, 0.0)),
    }
    end_day = None
    if until is not None:
        u = pd.Timestamp(until)
        u = u.tz_convert("UTC").tz_localize(None) if u.tzinfo else u
        end_day = int((u.normalize() - pd.Timedelta(days=u.weekday())).to_datetime64().astype(
            "datetime64[D]").view(np.int64)) - first_day
    # Every week from each child's first to its last (or the report's) week: weeks without a
    # session are rows of zeros. Rows: (child's group range, week offset from the first).
    parts_child, parts_week, parts_from = [], [], []
    cut = np.flatnonzero(np.diff(g.keys[0])) + 1
    for a, b in zip([0, *cut.tolist()], [*cut.tolist(), len(g)], strict=True):
        weeks = g.keys[1][a:b]
        last = max(int(weeks.max()), end_day) if end_day is not None else int(weeks.max())
        grid = np.arange(int(weeks.min()), last + 1, 7)
        at = np.searchsorted(weeks, grid)
        hit = (at < len(weeks)) & (weeks[np.minimum(at, len(weeks) - 1)] == grid)
        parts_child.append(np.full(len(grid), g.keys[0][a]))
        parts_week.append(grid)
        parts_from.append(np.where(hit, a + at, -1))
    rows = np.concatenate(parts_from)
    hit = rows >= 0
    out = pd.DataFrame({
        "child_id": key_column(np.concatenate(parts_child), child_src),
        "week_start": (np.concatenate(parts_week) + first_day).view("datetime64[D]").tolist(),
        **{name: np.where(hit, v[np.where(hit, rows, 0)], 0) for name, v in figures.items()},
    })
    return out.assign(
        minutes=out["minutes"].astype(float).round(2),
        clinic_minutes=out["clinic_minutes"].astype(float).round(2),
        home_minutes=out["home_minutes"].astype(float).round(2),
    )[cols]


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
    keys = ["child_id", "activity", "session_id"]
    coded = [key_codes(trials[k]) for k in keys]
    g = Groups([c for c, _ in coded])
    done = trials["completed"].to_numpy(bool)
    started = first_time(g, utc_micros(trials["started_at"]))
    child, act = g.keys[0], g.keys[1]
    # Sessions in time order per child and activity; a tie keeps the order the rows came in.
    first_row = g.min(np.arange(len(trials)))
    order = np.lexsort((first_row, started, act, child))
    child, act, started = child[order], act[order], started[order]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = (child[1:] != child[:-1]) | (act[1:] != act[:-1])
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    acc = np.where(done, trials["accuracy"].to_numpy(float), np.nan)
    dur = np.where(done, trials["duration_ms"].to_numpy(float) / 1000.0, np.nan)
    out = pd.DataFrame({
        "child_id": key_column(child, coded[0][1]),
        "activity": key_column(act, coded[1][1]),
        "session_id": key_column(g.keys[2][order], coded[2][1]),
        "started_at": as_times(started, trials["started_at"]),
        "date": utc_dates(started),
        "session_index": np.arange(len(order)) - run_start + 1,
        "trials": g.sizes[order].astype(np.int64),
        "completed": g.sum(done.astype(np.int64))[order],
        "accuracy": np.round(g.median(acc), 4)[order],
        "duration_s": np.round(g.median(dur), 3)[order],
        "level": g.max(trials["level"].to_numpy(np.int64))[order],
        "errors": g.sum(trials["errors"].to_numpy(np.int64))[order],
    })
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
    coded = [key_codes(trials[k]) for k in keys]
    codes = [c for c, _ in coded]
    done = trials["completed"].to_numpy(bool)
    started = utc_micros(trials["started_at"])
    sid, _ = key_codes(trials["session_id"])
    # Completed trials sort last, then by time: the last row per item is its latest completed
    # trial, or its latest trial when none was completed.
    every = Groups(codes, within=(done, started))
    picked = every.last(sid)
    latest_rows = sid == picked[every.group_of(len(trials))]
    g = Groups([c[latest_rows] for c in codes])
    acc = np.where(done, trials["accuracy"].to_numpy(float), np.nan)[latest_rows]
    dur = np.where(done, trials["duration_ms"].to_numpy(float) / 1000.0, np.nan)[latest_rows]
    out = pd.DataFrame({
        **{k: key_column(key, src) for k, key, (_, src) in zip(keys, every.keys, coded,
                                                                strict=True)},
        "last_date": utc_dates(every.max(started)),
        "figures_date": utc_dates(g.max(started[latest_rows])),
        "level": g.max(trials["level"].to_numpy(np.int64)[latest_rows]),
        "trials": g.sizes.astype(np.int64),
        "accuracy": np.round(g.median(acc), 4),
        "duration_s": np.round(g.median(dur), 3),
        "errors": g.sum(trials["errors"].to_numpy(np.int64)[latest_rows]),
        "total_trials": every.sizes.astype(np.int64),
    })
    return out[cols]
