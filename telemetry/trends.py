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

from telemetry.grouping import Groups, key_codes, key_column

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
    keys = ["child_id", "activity", "session_id"]
    coded = [key_codes(trials[k]) for k in [*keys, "item"]]
    # Each item's median level per session.
    per = Groups([c for c, _ in coded])
    level = per.median(trials["level"].to_numpy(float))
    # The sessions of act_sessions in the trials' codes (a session missing there drops out,
    # as an inner merge), and which of them are in the latest window of their activity.
    s_codes = [_codes_in(act_sessions[k], src) for k, (_, src) in zip(keys, coded[:3],
                                                                      strict=True)]
    sizes = [_n(src) + 1 for _, src in coded[:3]]
    act_key = (s_codes[0] * sizes[1] + s_codes[1]) * sizes[2] + s_codes[2]
    act_ok = (s_codes[0] >= 0) & (s_codes[1] >= 0) & (s_codes[2] >= 0)
    index = act_sessions["session_index"].to_numpy(np.int64)
    ca = Groups([s_codes[0], s_codes[1]])
    n = ca.max(index)[ca.group_of(len(index))]
    win = np.array([_window(int(v), rule) for v in n.tolist()], dtype=np.int64)
    in_window = index > n - win
    order = np.argsort(act_key[act_ok], kind="stable")
    known, known_window = act_key[act_ok][order], in_window[act_ok][order]
    per_key = (per.keys[0] * sizes[1] + per.keys[1]) * sizes[2] + per.keys[2]
    at = np.minimum(np.searchsorted(known, per_key), max(len(known) - 1, 0))
    matched = (known[at] == per_key) if len(known) else np.zeros(len(per_key), dtype=bool)
    window_of = np.where(matched, known_window[at] if len(known) else False, False)
    c, a, item, level = (per.keys[0][matched], per.keys[1][matched], per.keys[3][matched],
                         level[matched])
    window_of = window_of[matched]
    before, inside = ~window_of, window_of
    best = Groups([c[before], a[before], item[before]])
    best_level = best.max(level[before])
    latest = Groups([c[inside], a[inside], item[inside]])
    latest_level = latest.median(level[inside])
    # Items on both sides: best earlier level minus the median level in the window.
    both_b, both_l = _common(best.keys, latest.keys)
    drop = best_level[both_b] - latest_level[both_l]
    if not len(drop):
        return pd.DataFrame(columns=cols)
    out = Groups([best.keys[0][both_b], best.keys[1][both_b]])
    return pd.DataFrame({
        "child_id": key_column(out.keys[0], coded[0][1]),
        "activity": key_column(out.keys[1], coded[1][1]),
        "level_drop": out.median(drop),
        "items_compared": out.sizes.astype(np.int64),
    })[cols]


def _n(source: pd.Index | pd.Categorical) -> int:
    """How many distinct key values ``source`` (from ``key_codes``) holds."""
    return len(source.categories) if isinstance(source, pd.Categorical) else len(source)


def _codes_in(column: pd.Series, source: pd.Index | pd.Categorical) -> np.ndarray:
    """``column``'s values as codes of another column's keys (``key_codes``; -1: absent)."""
    values = pd.Index(np.asarray(key_column(np.arange(_n(source)), source), dtype=object))
    codes: np.ndarray = values.get_indexer(np.asarray(column, dtype=object))
    return codes


def _common(left: list[np.ndarray], right: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the groups whose keys are in both sorted key lists (``Groups.keys``)."""
    lk = pd.MultiIndex.from_arrays(left)
    pos = lk.get_indexer(pd.MultiIndex.from_arrays(right))
    found = pos >= 0
    return pos[found], np.flatnonzero(found)


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
    is_used = act_sessions["completed"].to_numpy() > 0
    used = act_sessions[is_used]
    coded = [key_codes(act_sessions[k]) for k in keys]
    groups = Groups([c for c, _ in coded])
    # Each session's place among its activity's sessions with completed trials.
    used_order = Groups([c[is_used] for c, _ in coded])
    place = np.empty(len(used), dtype=np.int64)
    place[used_order.order] = np.arange(len(used)) - np.repeat(used_order.starts,
                                                                used_order.sizes) + 1
    used = used.assign(session_index=place)
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
    sorted_used = is_used[groups.order]
    acc_all = act_sessions["accuracy"].to_numpy(float)[groups.order]
    dur_all = act_sessions["duration_s"].to_numpy(float)[groups.order]
    lev_all = act_sessions["level"].to_numpy(np.int64)[groups.order]
    dates = act_sessions["date"].to_numpy(object)[groups.order]
    children = key_column(groups.keys[0], coded[0][1])
    activities = key_column(groups.keys[1], coded[1][1])
    for child_id, activity, a, size in zip(children, activities, groups.starts.tolist(),
                                           groups.sizes.tolist(), strict=True):
        b = a + size
        mine = sorted_used[a:b]
        acc, dur, lev = acc_all[a:b][mine], dur_all[a:b][mine], lev_all[a:b][mine]
        (b_acc, l_acc, p_acc, b_dur, l_dur, b_lev, l_lev, _p_lev, trend, decline) = _trend_row(
            acc, dur, lev, rule
        )
        if not len(acc):  # nothing completed yet: the level played is still worth showing
            b_lev = l_lev = int(lev_all[a:b].max())
        level_drop = drops.get((child_id, activity), np.nan)
        level_decline = bool(level_drop >= rule.level_drop - 1e-9)  # NaN compares False
        reason = "accuracy" if decline else ("level" if level_decline else "")
        rows.append(
            {
                "child_id": child_id,
                "activity": activity,
                "sessions": size,
                "sessions_used": len(acc),
                "window": _window(len(acc), rule),
                "first_date": dates[a],
                "last_date": dates[b - 1],
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
