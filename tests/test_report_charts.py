"""Chart geometry, the milestone rule and catalogue, and the trend windows, on exact values."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import numpy as np
import pandas as pd
import pytest

from games.tracing import milestones
from telemetry import analytics, charts, trends


def test_nice_ticks() -> None:
    assert charts.nice_ticks(0.0, 1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert charts.nice_ticks(0.0, 60.0) == [0.0, 20.0, 40.0, 60.0]
    assert charts.nice_ticks(float("nan"), 1.0) == []


def test_trend_chart_geometry() -> None:
    svg = charts.trend_chart(
        [0.0, 1.0], ["2026-03-02", "2026-03-04"], title="Accuracy", baseline=(1, 0.0),
        latest=(1, 1.0), y_range=(0.0, 1.0),
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="300" '
                          'height="170" viewBox="0 0 300 170" role="img" aria-label="Accuracy: '
                          '2 sessions, baseline median 0, latest median 1">')
    # Plot area x 40..290, y 20..146: session i at x = 40 + 250 (i + 0.5) / 2.
    assert '<polyline points="102.5,146.0 227.5,20.0"' in svg
    assert '<circle cx="102.5" cy="146.0" r="2.5"' in svg
    # Baseline band over the first session at 0, latest over the last at 1.
    assert '<line x1="46.2" y1="146.0" x2="158.8" y2="146.0" stroke="#E69F00"' in svg
    assert '<line x1="171.2" y1="20.0" x2="283.8" y2="20.0" stroke="#009E73"' in svg
    assert svg.count("<text") == 9  # title, 5 ticks, 2 dates, the x axis label
    assert '<text x="165.0" y="164" font-family="sans-serif" font-size="12" ' \
           'text-anchor="middle" fill="#888888">session date</text>' in svg


def test_trend_chart_gaps_and_empty() -> None:
    svg = charts.trend_chart([0.5, float("nan"), 0.5, 0.6], list("abcd"), title="T",
                             y_range=(0.0, 1.0))
    # The missing session breaks the line: one dot alone, then a two-point line.
    assert re.findall(r'<polyline points="([^"]+)"', svg) == ["196.2,83.0 258.8,70.4"]
    assert svg.count("<circle") == 3
    empty = charts.trend_chart([float("nan")], ["a"], title="T")
    assert "no completed trials" in empty and empty.endswith("</svg>")


def test_level_chart_integer_ticks() -> None:
    svg = charts.trend_chart([1.0, 2.0, 2.0], list("abc"), title="Level", step=True,
                             integer=True)
    ticks = re.findall(r'text-anchor="end" fill="#222222">([^<]+)</text>', svg)
    assert all("." not in t for t in ticks)
    # A staircase: the step up happens at the second session.
    assert re.findall(r'<polyline points="([^"]+)"', svg) == [
        "81.7,135.5 165.0,135.5 165.0,30.5 248.3,30.5"
    ]


def test_strokes_svg_geometry() -> None:
    svg = charts.strokes_svg([np.array([[0.0, 0.0], [100.0, 0.0]])],
                             [np.array([[0.0, 0.0], [100.0, 100.0]])], title="circle", size=200)
    # Bounding box 100 px -> 176 px (12 px margins), drawn in tenths of a pixel.
    assert '<polyline points="120 120 1880 120" fill="none" stroke="#DDDDDD"' in svg
    assert '<polyline points="120 120 1880 1880" fill="none" stroke="#0072B2"' in svg
    assert 'aria-label="circle: 1 stroke(s) over the model path"' in svg
    many = charts.strokes_svg([], [np.column_stack([np.arange(1000.0), np.zeros(1000)])],
                              title="long", size=200)
    points = re.findall(r'points="([^"]+)"', many)[0].split()
    assert len(points) // 2 <= 151


def test_sparkline_and_bars() -> None:
    svg = charts.sparkline([0, 2, 1], title="Sessions per week")
    assert '<rect x="0.5" y="23" width="39.0" height="1" fill="#D55E00"/>' in svg
    assert '<rect x="40.5" y="2.0" width="39.0" height="22.0" fill="#0072B2"/>' in svg
    assert '<rect x="80.5" y="13.0" width="39.0" height="11.0" fill="#0072B2"/>' in svg
    tall = charts.weekly_bars(["a", "b"], [5.0, 5.0], [12.0, 0.0], title="M")
    # 17 minutes: the axis goes to 20 so the bar stays under the title (plot top y = 20).
    assert re.findall(r'<rect x="[0-9.]+" y="([0-9.]+)"', tall)[2:] == ["114.5", "38.9",
                                                                        "114.5"]
    bars = charts.weekly_bars(["2026-03-02", "2026-03-09"], [20.0, 0.0], [23.17, 0.0],
                              title="Minutes")
    assert 'aria-label="Minutes: 2 weeks, 43.17 min in all (20 clinic, 23.17 home), 1 weeks ' \
           'without practice"' in bars


def test_catalogue_is_complete_and_sourced() -> None:
    cat = milestones.load_catalogue()
    assert cat["shape"].tolist() == [
        "Vertical line", "Horizontal line", "Circle", "Cross (+)", "Square",
        "Diagonal lines ( / and \\ )", "X (oblique cross)", "Triangle", "Diamond",
    ]
    assert cat["order"].tolist() == list(range(1, 10))
    assert (cat["sources"].str.len() > 10).all()
    assert (cat["age_min_years"] <= cat["age_max_years"]).all()
    assert cat.loc[cat["milestone_id"] == "diamond", "age_min_years"].item() == 7.0
    # Every catalogue item is a real tracing glyph.
    from games.tracing.glyphs import glyph_ids

    items = {it for its in cat["items"] for it in its.split()}
    assert items <= set(glyph_ids("prewriting"))


def _sessions(accs, levels):
    return np.array(accs, dtype=float), np.array(levels, dtype=np.int64)


@pytest.mark.parametrize(
    ("accs", "levels", "expected"),
    [
        ([0.8, 0.9, 0.85], [3, 3, 3], ("met", 3)),
        ([0.9, 0.7, 0.9, 0.9], [3, 3, 3, 3], ("emerging", 2)),
        ([0.9, 0.9, 0.9], [2, 2, 2], ("emerging", 0)),  # never at the narrow road
        ([0.9, 0.9, 0.5, 0.9], [3, 3, 1, 3], ("met", 3)),  # a wide-road session between
        ([0.5], [3], ("not yet", 0)),
        ([0.6], [1], ("emerging", 0)),
        ([], [], ("not yet", 0)),
    ],
)
def test_mastery_rule(accs, levels, expected) -> None:
    status, run, _latest = milestones._item_status(*_sessions(accs, levels),
                                                   milestones.MasteryRule())
    assert (status, run) == expected


def test_trend_windows() -> None:
    rule = analytics.TrendRule()
    one = trends._trend_row(np.array([0.5]), np.array([3.0]), np.array([1]), rule)
    assert one[-2:] == ("none", False)
    five = trends._trend_row(np.array([0.5, 0.6, 0.7, 0.4, 0.45]), np.array([1.0] * 5),
                                np.array([1] * 5), rule)
    # k = 2: baseline median(.5, .6) = .55, latest median(.4, .45) = .425, previous .65.
    assert five[:3] == pytest.approx((0.55, 0.425, 0.65))
    assert five[-2:] == ("down", True)
    level_up = trends._trend_row(np.array([0.9, 0.9, 0.6, 0.6]), np.array([1.0] * 4),
                                    np.array([1, 1, 2, 2]), rule)
    assert level_up[-2:] == ("down", False)  # the road narrowed: not a decline


def _item_trials(rows):
    """Trials from ``(session number, item, level, accuracy)``; one session a day."""
    start = pd.Timestamp("2026-03-01T10:00:00Z")
    return pd.DataFrame(
        {
            "session_id": [f"s{s}" for s, *_ in rows],
            "child_id": "c",
            "activity": "tracing",
            "level": [lv for _s, _i, lv, _a in rows],
            "trial": range(1, len(rows) + 1),
            "item": [i for _s, i, _lv, _a in rows],
            "mode": "trace",
            "started_at": [start + pd.Timedelta(days=s) for s, *_ in rows],
            "duration_ms": 5000.0,
            "accuracy": [a for *_r, a in rows],
            "errors": 0,
            "completed": True,
        }
    )


def test_level_drop_flags_a_decline_that_accuracy_hides() -> None:
    # Six sessions, window 3. Before the window: vertical best 5, circle best 4. In it the
    # staircase has widened the road: vertical levels 3, 2, 3 (median 3, 2 below its best),
    # circle 2, 2, 1 (median 2, 2 below). Accuracy stays at 0.8 throughout: no accuracy drop.
    rows = []
    for s, (v, c) in enumerate([(4, 3), (5, 4), (5, 4), (3, 2), (2, 2), (3, 1)], start=1):
        rows += [(s, "vertical", v, 0.8), (s, "circle", c, 0.8)]
    trials = _item_trials(rows)
    act = analytics.activity_sessions(trials)
    drops = analytics.item_level_drops(trials, act)
    assert drops.to_dict("records") == [
        {"child_id": "c", "activity": "tracing", "level_drop": 2.0, "items_compared": 2}
    ]
    tr = analytics.activity_trends(act, trials=trials).iloc[0]
    assert (tr["trend"], tr["level_drop"], tr["decline"], tr["decline_reason"]) == (
        "flat", 2.0, True, "level")
    starts = pd.Series(sorted(set(trials["started_at"])))
    sessions = pd.DataFrame({"session_id": [f"s{s}" for s in range(1, 7)], "child_id": "c",
                             "started_at": starts, "ended_at": starts + pd.Timedelta(minutes=20),
                             "mode": "home"})
    case = analytics.caseload(analytics.session_table(sessions, trials),
                              analytics.activity_trends(act, trials=trials), None,
                              datetime(2026, 3, 8, tzinfo=timezone.utc), anonymize=True)
    assert case["flags"].tolist() == ["decline in tracing (levels down)"]


def test_level_drop_of_one_or_new_items_is_not_a_decline() -> None:
    # Vertical one level below its best; a new item (square) starts at level 1 in the window,
    # which is progress, not a drop: it has no level before the window to compare with.
    rows = []
    for s, v in enumerate([3, 4, 4, 3, 3, 3], start=1):
        rows.append((s, "vertical", v, 0.8))
    rows += [(4, "square", 1, 0.8), (5, "square", 1, 0.8), (6, "square", 1, 0.8)]
    trials = _item_trials(rows)
    act = analytics.activity_sessions(trials)
    tr = analytics.activity_trends(act, trials=trials).iloc[0]
    assert (tr["level_drop"], tr["decline"], tr["decline_reason"]) == (1.0, False, "")
    # Without the trials there is no level figure: the accuracy rule alone decides.
    plain = analytics.activity_trends(act).iloc[0]
    assert np.isnan(plain["level_drop"]) and not plain["decline"]
