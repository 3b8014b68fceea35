"""Baseline, latest and the trend of each child's activity (the rules are in ``analytics``).

Works on ``analytics.activity_sessions`` (one row per child, activity and session). Baseline
and latest are medians over the sessions that have completed trials of the activity: a
session of abandoned trials only has no accuracy and would blank them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

@dataclass(frozen=True)
class TrendRule:
    """The numbers behind baseline/latest/trend, so the report can state its own rule."""

    window: int = TREND_WINDOW
    threshold: float = TREND_THRESHOLD
    decline: float = DECLINE_THRESHOLD
    level_drop: float = LEVEL_DROP_THRESHOLD


def _window(n: int, rule: TrendRule) -> int:
    """Sessions per window: ``rule.window``, fewer when there are too few to keep windows apart."""
    return min(rule.window, n // 2)


def _trend_row(
    values: np.ndarray, durations: np.ndarray, levels: np.ndarray, rule: TrendRule
) -> tuple[Any, ...]:
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

    Baseline, latest, previous, the trend and the level drop are over the sessions with at
    least one completed trial of the activity (``sessions_used`` of ``sessions`` played): a
    session whose trials were all abandoned has no accuracy, and counting it would blank the
    figures out or hide the child's real latest work.

    Columns: sessions, sessions_used, window, baseline/latest/previous accuracy,
    accuracy_change (latest - baseline), baseline/latest duration_s and duration_change_s,
    baseline/latest level, trend
    (``up``/``down``/``flat``/``none``), ``level_drop`` (see :func:`item_level_drops`; needs
    ``trials``, else NaN), ``decline`` (bool) and ``decline_reason`` (``accuracy``, ``level``
    or empty).
    """
    rule = rule or TrendRule()
    keys = ["child_id", "activity"]
    used = act_sessions[act_sessions["completed"] > 0]
    used = used.assign(session_index=used.groupby(keys, observed=True).cumcount() + 1)
    used_by = dict(iter(used.groupby(keys, sort=False, observed=True)))
    drops: dict[tuple[str, str], float] = {}
    if trials is not None:
        d = item_level_drops(trials, used, rule)
        drops = {
            (c, a): float(v)
            for c, a, v in zip(d["child_id"], d["activity"], d["level_drop"], strict=True)
        }
    cols = [
        "child_id",
        "activity",
        "sessions",
        "sessions_used",
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
    for (child_id, activity), grp in act_sessions.groupby(keys, sort=True, observed=True):
        u = used_by.get((child_id, activity), grp.iloc[0:0])
        acc = u["accuracy"].to_numpy(dtype=float)
        dur = u["duration_s"].to_numpy(dtype=float)
        lev = u["level"].to_numpy(dtype="int64")
        (b_acc, l_acc, p_acc, b_dur, l_dur, b_lev, l_lev, _p_lev, trend, decline) = _trend_row(
            acc, dur, lev, rule
        )
        if not len(u):  # nothing completed yet: the level played is still worth showing
            b_lev = l_lev = int(grp["level"].max())
        level_drop = drops.get((child_id, activity), np.nan)
        level_decline = bool(level_drop >= rule.level_drop - 1e-9)  # NaN compares False
        reason = "accuracy" if decline else ("level" if level_decline else "")
        rows.append(
            {
                "child_id": child_id,
                "activity": activity,
                "sessions": len(grp),
                "sessions_used": len(u),
                "window": _window(len(u), rule),
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
