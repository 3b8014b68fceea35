"""Per-session and per-week goal figures from frames shaped like the loader's."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from telemetry.goal_values import session_points, week_points
from telemetry.goals import Goal


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


SESSIONS = pd.DataFrame({
    "session_id": ["s1", "s2", "s3", "s4", "s5"],
    "started_at": [ts("2026-11-02 10:00"), ts("2026-11-04 10:00"), ts("2026-11-10 10:00"),
                   ts("2026-11-11 10:00"), ts("2026-11-12 10:00")],
    "ended_at": [ts("2026-11-02 10:12"), ts("2026-11-04 10:05"), pd.NaT,
                 ts("2026-11-11 10:10"), ts("2026-11-12 10:20")],
    "mode": ["home", "clinic", "home", "assessment", "home"],
})
# s1: circle L4 0.9, 0.7; square L4 0.2 | s2: circle L3 0.95 | s3: circle L4 0.8 (assisted)
# and L5 0.6 | s4 (assessment): circle L4 1.0 | s5: circle L4 abandoned, square L2 0.5
TRIALS = pd.DataFrame({
    "session_id": ["s1", "s1", "s1", "s2", "s3", "s3", "s4", "s5", "s5"],
    "trial": [1, 2, 3, 1, 1, 2, 1, 1, 2],
    "activity": ["tracing"] * 9,
    "item": ["circle", "circle", "square", "circle", "circle", "circle", "circle", "circle",
             "square"],
    "level": [4, 4, 4, 3, 4, 5, 4, 4, 2],
    "accuracy": [0.9, 0.7, 0.2, 0.95, 0.8, 0.6, 1.0, np.nan, 0.5],
    "errors": [1, 3, 9, 0, 2, 4, 0, 0, 5],
    "duration_ms": [4000.0, 6000.0, 9000.0, 3000.0, 5000.0, 7000.0, 2000.0, 1000.0, 8000.0],
    "completed": [True, True, True, True, True, True, True, False, True],
    "started_at": [ts("2026-11-02 10:01"), ts("2026-11-02 10:02"), ts("2026-11-02 10:03"),
                   ts("2026-11-04 10:01"), ts("2026-11-10 10:01"), ts("2026-11-10 10:07"),
                   ts("2026-11-11 10:01"), ts("2026-11-12 10:01"), ts("2026-11-12 10:02")],
})
METRICS = pd.DataFrame({
    "session_id": ["s1", "s1", "s3", "s3", "s3"],
    "trial": [1, 2, 1, 1, 2],
    "activity": ["tracing"] * 5,
    "metric": ["sparc", "sparc", "assisted", "sparc", "sparc"],
    "value": [-2.0, -3.0, 1.0, -1.5, -4.0],
    "unit": ["", "", "", "", ""],
})


def test_session_median_over_completed_not_assisted_trials_at_the_goal_level() -> None:
    goal = Goal("g1", "tracing", "accuracy", ">=", 0.8, item="circle", min_level=4)
    # s1: median(0.9, 0.7) = 0.8; s2 played circle only at level 3 -> cannot reach;
    # s3: the assisted 0.8 is left out -> 0.6; s4 is an assessment; s5 only abandoned circle.
    assert session_points(goal, TRIALS, METRICS, SESSIONS) == [
        (date(2026, 11, 2), pytest.approx(0.8)), (date(2026, 11, 4), -np.inf),
        (date(2026, 11, 10), pytest.approx(0.6))]


def test_best_duration_over_every_item() -> None:
    fast = Goal("g2", "tracing", "duration_s", "<=", 5.0, item="*", agg="best")
    # s1 best 4 s; s2 3 s; s3 only the unassisted 7 s; s5 square 8 s (the circle was abandoned)
    assert session_points(fast, TRIALS, METRICS, SESSIONS) == [
        (date(2026, 11, 2), 4.0), (date(2026, 11, 4), 3.0), (date(2026, 11, 10), 7.0),
        (date(2026, 11, 12), 8.0)]


def test_metrics_csv_goal_counts_sessions_without_the_metric_as_not_reaching() -> None:
    smooth = Goal("g3", "tracing", "sparc", ">=", -2.5, item="circle")
    # s1: median(-2, -3) = -2.5; s2 has no sparc row -> cannot reach; s3: assisted trial 1 out,
    # trial 2 -> -4.0
    assert session_points(smooth, TRIALS, METRICS, SESSIONS) == [
        (date(2026, 11, 2), -2.5), (date(2026, 11, 4), -np.inf), (date(2026, 11, 10), -4.0)]


def test_practice_weeks_count_home_sessions_and_minutes() -> None:
    home = Goal("g4", "*", "home_sessions_per_week", ">=", 2, window=2, needed=2)
    # week of Nov 2: s1 home (s2 clinic) -> 1; week of Nov 9: s3, s5 home (s4 assessment) -> 2;
    # week of Nov 16 is not over on the 18th and has 0 -> not a point yet.
    assert week_points(home, TRIALS, SESSIONS, as_of=date(2026, 11, 18)) == [
        (date(2026, 11, 2), 1.0), (date(2026, 11, 9), 2.0)]
    assert week_points(home, TRIALS, SESSIONS, as_of=date(2026, 11, 23)) == [
        (date(2026, 11, 2), 1.0), (date(2026, 11, 9), 2.0), (date(2026, 11, 16), 0.0)]
    minutes = Goal("g5", "*", "minutes_per_week", ">=", 20, window=1, needed=1)
    # s1 12 min + s2 5 min = 17; s3 never ended: its trials span 10:00 -> 10:07:07 = 7.1167 min,
    # s5 20 min -> 27.1167
    pts = week_points(minutes, TRIALS, SESSIONS, as_of=date(2026, 11, 15))
    assert pts == [(date(2026, 11, 2), pytest.approx(17.0)),
                   (date(2026, 11, 9), pytest.approx(7 + 7 / 60 + 20))]


def test_a_metric_stored_in_px_and_mm_is_read_in_the_goal_unit() -> None:
    metrics = pd.DataFrame({
        "session_id": ["s1", "s1"], "trial": [1, 1], "activity": ["tracing"] * 2,
        "metric": ["mean_deviation"] * 2, "value": [12.0, 3.0], "unit": ["px", "mm"]})
    px = Goal("g", "tracing", "mean_deviation", "<=", 10.0, item="circle", unit="px")
    mm = Goal("g", "tracing", "mean_deviation", "<=", 10.0, item="circle", unit="mm")
    assert session_points(px, TRIALS, metrics, SESSIONS)[0] == (date(2026, 11, 2), 12.0)
    assert session_points(mm, TRIALS, metrics, SESSIONS)[0] == (date(2026, 11, 2), 3.0)
