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

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

TREND_WINDOW = 3  # sessions in each "median of three" (baseline, latest, previous)
TREND_THRESHOLD = 0.05  # accuracy change that counts as a trend, on the 0..1 scale
# A drop must be twice that to raise a flag: session medians of a few trials are noisy, and a
# caseload full of false alarms gets ignored.
DECLINE_THRESHOLD = 0.10
# Levels below each item's best (median over items) that flag a decline: the staircase steps
# one level down per miss, so a drop of one is everyday noise; two, held over three sessions
# across most items, is not.
LEVEL_DROP_THRESHOLD = 2.0
INACTIVE_DAYS = 14  # flag a child with no session for this many days
RECENT_DAYS = 28  # "the last 4 weeks" of the caseload

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


@dataclass(frozen=True)
class TrendRule:
    """The numbers behind baseline/latest/trend, so the report can state its own rule."""

    window: int = TREND_WINDOW
    threshold: float = TREND_THRESHOLD
    decline: float = DECLINE_THRESHOLD
    level_drop: float = LEVEL_DROP_THRESHOLD


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


def _window(n: int, rule: TrendRule) -> int:
    """Sessions per window: ``rule.window``, fewer when there are too few to keep windows apart."""
    return min(rule.window, n // 2)


def _trend_row(values: np.ndarray, durations: np.ndarray, levels: np.ndarray, rule: TrendRule):
    """Baseline, latest and previous medians and the trend arrow for one child and activity."""
    n = len(values)
    k = _window(n, rule)
    if k == 0:
        acc = float(values[0]) if n else np.nan
        dur = float(durations[0]) if n else np.nan
        lev = int(levels[0]) if n else 0
        return (acc, acc, np.nan, dur, dur, lev, lev, lev, "none", False)
    base_acc = float(np.nanmedian(values[:k])) if np.isfinite(values[:k]).any() else np.nan
    last_acc = float(np.nanmedian(values[-k:])) if np.isfinite(values[-k:]).any() else np.nan
    prev = values[-2 * k : -k]
    prev_acc = float(np.nanmedian(prev)) if np.isfinite(prev).any() else np.nan
    base_dur = float(np.nanmedian(durations[:k])) if np.isfinite(durations[:k]).any() else np.nan
    last_dur = float(np.nanmedian(durations[-k:])) if np.isfinite(durations[-k:]).any() else np.nan
    base_lev = int(np.median(levels[:k]))
    last_lev = int(np.median(levels[-k:]))
    prev_lev = int(np.median(levels[-2 * k : -k]))
    change = last_acc - prev_acc
    # A small tolerance so that a change of exactly the threshold counts despite float error.
    if not np.isfinite(change):
        trend = "none"
    elif change >= rule.threshold - 1e-9:
        trend = "up"
    elif change <= -rule.threshold + 1e-9:
        trend = "down"
    else:
        trend = "flat"
    # Accuracy usually dips when the level goes up: that is progress, not a decline.
    decline = bool(change <= -rule.decline + 1e-9) and last_lev <= prev_lev
    return (base_acc, last_acc, prev_acc, base_dur, last_dur, base_lev, last_lev, prev_lev,
            trend, decline)


def item_level_drops(
    trials: pd.DataFrame, act_sessions: pd.DataFrame, rule: TrendRule | None = None
) -> pd.DataFrame:
    """Per child and activity: how far the items of the latest sessions sit below their best.

    For each item (shape, letter) played both in the latest window (the sessions ``latest``
    uses) and before it: its best earlier level (highest per-session median) minus its median
    level in the window. ``level_drop`` is the median of that over the items; NaN when no item
    was played on both sides. Columns: child_id, activity, level_drop, items_compared.
    """
    rule = rule or TrendRule()
    cols = ["child_id", "activity", "level_drop", "items_compared"]
    if trials.empty or act_sessions.empty:
        return pd.DataFrame(columns=cols)
    keys = ["child_id", "activity"]
    per_item = (
        trials.groupby([*keys, "session_id", "item"], sort=False)
        .agg(level=("level", "median"))
        .reset_index()
    )
    order = act_sessions[[*keys, "session_id", "session_index"]]
    n = act_sessions.groupby(keys)["session_index"].transform("max")
    order = order.assign(
        in_window=act_sessions["session_index"] > n - n.map(lambda v: _window(int(v), rule))
    )
    per_item = per_item.merge(order, on=[*keys, "session_id"], how="inner")
    item_keys = [*keys, "item"]
    best = per_item[~per_item["in_window"]].groupby(item_keys)["level"].max()
    latest = per_item[per_item["in_window"]].groupby(item_keys)["level"].median()
    drop = (best - latest).dropna().rename("drop").reset_index()
    if drop.empty:
        return pd.DataFrame(columns=cols)
    out = drop.groupby(keys).agg(level_drop=("drop", "median"), items_compared=("drop", "size"))
    return out.reset_index()[cols]


def activity_trends(
    act_sessions: pd.DataFrame,
    rule: TrendRule | None = None,
    trials: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per child and activity: baseline vs latest (medians of three sessions) and the trend.

    Columns: sessions, baseline/latest/previous accuracy, accuracy_change (latest - baseline),
    baseline/latest duration_s and duration_change_s, baseline/latest level, trend
    (``up``/``down``/``flat``/``none``), ``level_drop`` (see :func:`item_level_drops`; needs
    ``trials``, else NaN), ``decline`` (bool) and ``decline_reason`` (``accuracy``, ``level``
    or empty).
    """
    rule = rule or TrendRule()
    drops: dict[tuple[str, str], float] = {}
    if trials is not None:
        d = item_level_drops(trials, act_sessions, rule)
        drops = {
            (c, a): float(v)
            for c, a, v in zip(d["child_id"], d["activity"], d["level_drop"], strict=True)
        }
    cols = [
        "child_id",
        "activity",
        "sessions",
        "window",
        "first_date",
        "last_date",
        "baseline_accuracy",
        "latest_accuracy",
        "accuracy_change",
        "previous_accuracy",
        "baseline_duration_s",
        "latest_duration_s",
        "duration_change_s",
        "baseline_level",
        "latest_level",
        "trend",
        "level_drop",
        "decline",
        "decline_reason",
    ]
    rows = []
    for (child_id, activity), grp in act_sessions.groupby(["child_id", "activity"], sort=True):
        acc = grp["accuracy"].to_numpy(dtype=float)
        dur = grp["duration_s"].to_numpy(dtype=float)
        lev = grp["level"].to_numpy(dtype="int64")
        (b_acc, l_acc, p_acc, b_dur, l_dur, b_lev, l_lev, _p_lev, trend, decline) = _trend_row(
            acc, dur, lev, rule
        )
        level_drop = drops.get((child_id, activity), np.nan)
        level_decline = bool(level_drop >= rule.level_drop - 1e-9)  # NaN compares False
        reason = "accuracy" if decline else ("level" if level_decline else "")
        rows.append(
            {
                "child_id": child_id,
                "activity": activity,
                "sessions": len(grp),
                "window": _window(len(grp), rule),
                "first_date": grp["date"].iloc[0],
                "last_date": grp["date"].iloc[-1],
                "baseline_accuracy": round(b_acc, 4),
                "latest_accuracy": round(l_acc, 4),
                "accuracy_change": round(l_acc - b_acc, 4),
                "previous_accuracy": round(p_acc, 4),
                "baseline_duration_s": round(b_dur, 3),
                "latest_duration_s": round(l_dur, 3),
                "duration_change_s": round(l_dur - b_dur, 3),
                "baseline_level": b_lev,
                "latest_level": l_lev,
                "trend": trend,
                "level_drop": round(level_drop, 2),
                "decline": bool(decline or level_decline),
                "decline_reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def item_latest(trials: pd.DataFrame) -> pd.DataFrame:
    """Per child, activity and item (shape, letter...): the figures of its latest session.

    ``accuracy`` and ``duration_s`` are medians over the completed trials of that item in the
    last session in which it was played; ``total_trials`` counts every trial ever.
    """
    cols = [
        "child_id",
        "activity",
        "item",
        "last_date",
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
    last_start = trials.groupby(keys, sort=False)["started_at"].transform("max")
    # The latest session of each item is the session holding its latest trial.
    last_sid = trials["session_id"].where(trials["started_at"] == last_start)
    last_sid = last_sid.groupby([trials[k] for k in keys], sort=False).transform("first")
    latest = trials[trials["session_id"] == last_sid]
    done = latest["completed"].astype(bool)
    latest = latest.assign(
        _acc=latest["accuracy"].where(done),
        _dur=(latest["duration_ms"] / 1000.0).where(done),
    )
    out = latest.groupby(keys, sort=True).agg(
        last_date=("started_at", "max"),
        level=("level", "max"),
        trials=("trial", "size"),
        accuracy=("_acc", "median"),
        duration_s=("_dur", "median"),
        errors=("errors", "sum"),
    )
    total = trials.groupby(keys, sort=True).agg(total_trials=("trial", "size"))
    out = out.join(total).reset_index()
    out = out.assign(
        last_date=out["last_date"].dt.tz_convert("UTC").dt.date,
        accuracy=out["accuracy"].round(4),
        duration_s=out["duration_s"].round(3),
    )
    return out[cols]


def caseload(
    session_tbl: pd.DataFrame,
    trends: pd.DataFrame,
    children: pd.DataFrame | None,
    as_of: datetime,
    anonymize: bool = False,
) -> pd.DataFrame:
    """One row per child: last session, practice in the last 4 weeks, trends and flags.

    ``as_of`` is the report date (the ``--until`` date, or now). Flags: ``no practice for N
    days`` when the last session is ``INACTIVE_DAYS`` or more before ``as_of``, and ``decline
    in <activity>`` for each declining activity (``(levels down)`` added for a level drop).
    ``nickname`` is left out when anonymizing.
    """
    as_of_ts = pd.Timestamp(as_of)
    as_of_ts = as_of_ts.tz_convert("UTC") if as_of_ts.tzinfo else as_of_ts.tz_localize("UTC")
    recent_from = as_of_ts - pd.Timedelta(days=RECENT_DAYS)
    cols = ["child_id"] + ([] if anonymize else ["nickname"])
    cols += [
        "last_session",
        "days_since_last",
        "sessions_total",
        "sessions_4w",
        "minutes_4w",
        "trends",
        "flags",
    ]
    if session_tbl.empty:
        return pd.DataFrame(columns=cols)
    recent = session_tbl["started_at"] >= recent_from
    df = session_tbl.assign(
        _recent=recent.astype("int64"),
        _recent_min=session_tbl["minutes"].where(recent, 0.0),
    )
    per = df.groupby("child_id", sort=True).agg(
        last_started=("started_at", "max"),
        sessions_total=("session_id", "size"),
        sessions_4w=("_recent", "sum"),
        minutes_4w=("_recent_min", "sum"),
    )
    trend_txt: dict[str, str] = {}
    flags: dict[str, list[str]] = {}
    arrows = {"up": "↑", "down": "↓", "flat": "→", "none": "·"}
    for child_id, grp in trends.groupby("child_id", sort=True):
        trend_txt[child_id] = "; ".join(
            f"{a} {arrows[t]}" for a, t in zip(grp["activity"], grp["trend"], strict=True)
        )
        declining = grp.loc[grp["decline"]]
        flags[child_id] = [
            f"decline in {a}" + (" (levels down)" if why == "level" else "")
            for a, why in zip(declining["activity"], declining["decline_reason"], strict=True)
        ]
    out = per.reset_index()
    days = (as_of_ts - out["last_started"]).dt.total_seconds() / 86400.0
    out = out.assign(
        last_session=out["last_started"].dt.tz_convert("UTC").dt.date,
        days_since_last=np.floor(days).astype("int64"),
        minutes_4w=out["minutes_4w"].round(1),
        trends=out["child_id"].map(trend_txt).fillna(""),
    )
    flag_col = []
    for cid, d in zip(out["child_id"], out["days_since_last"], strict=True):
        f = list(flags.get(cid, []))
        if d >= INACTIVE_DAYS:
            f.insert(0, f"no practice for {d} days")
        flag_col.append("; ".join(f))
    out = out.assign(flags=flag_col)
    if not anonymize:
        names = {}
        if children is not None and not children.empty:
            names = dict(zip(children["child_id"], children["nickname"], strict=False))
        out = out.assign(nickname=out["child_id"].map(names).fillna(""))
    return out[cols]


def recent_window(as_of: datetime) -> tuple[datetime, datetime]:
    """The ``[start, end)`` of the caseload's "last 4 weeks" for a report dated ``as_of``."""
    return as_of - timedelta(days=RECENT_DAYS), as_of
