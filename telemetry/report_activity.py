"""The per-activity trend section of a child's page: baseline → latest, charts, per item.

One section per activity the child played in the period, for every activity alike (the
figures are the trials.csv core columns every activity writes). Activity-specific sections
come by injection (``telemetry.report_sections``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from telemetry import analytics, charts
from telemetry import report_html as H
from telemetry.report_csv import CSV_FILES
from telemetry.report_sections import ChildContext

DURATION_CHANGE = 0.10  # a time change under a tenth of the baseline is "about the same"


def _covers(tr: Mapping[str, Any]) -> str:
    """What baseline and latest are medians of: ``Medians of the first and last 3 of 5
    sessions with completed trials (7 played)``."""
    k, used, played = int(tr["window"]), int(tr["sessions_used"]), int(tr["sessions"])
    if used == 0:
        return f"No completed trial yet ({played} session(s) played)"
    what = f"{used} session(s) with completed trials" + (
        f" ({played} played)" if played != used else ""
    )
    if k == 0:
        return f"The one session with completed trials ({played} played)"
    return f"Medians of the first and last {k} of {what}"


def recent_text(tr: Mapping[str, Any] | pd.Series, rule: analytics.TrendRule) -> str:
    """The recent trend in words: latest 3 sessions against the 3 before, and why no flag.

    A bare "↓ declining" next to no decline flag left the therapist guessing; the sentence says
    whether the dip is small or comes with a narrower road.
    """
    trend = str(tr["trend"])
    k = int(tr["window"])
    latest, prev = float(tr["latest_accuracy"]), float(tr["previous_accuracy"])
    if trend == "none" or not math.isfinite(prev):
        return (
            f"{H.arrow('none')} Too few sessions for a recent trend (it needs {2 * rule.window}"
            "; fewer are compared as they come)."
            if trend == "none"
            else f"Latest accuracy {H.fmt_num(latest)}."
        )
    text = (
        f"Recent trend {H.arrow(trend)} <b>{H.ARROW_WORDS[trend]}</b>: accuracy "
        f"{H.fmt_num(latest)} in the last {k} session(s), {H.fmt_num(prev)} in the {k} before."
    )
    if trend == "down" and not bool(tr["decline"]):
        if latest - prev <= -rule.decline + 1e-9:
            text += (
                " The level went up: accuracy usually dips when the road narrows, so this is "
                "not flagged as a decline."
            )
        else:
            text += f" A dip under {rule.decline:g} is not flagged as a decline."
    return text


def _of_activity(frame: pd.DataFrame, activity: str) -> dict[str, list[Any]]:
    """The rows of ``activity`` in one of a child's activity tables, column by column as plain
    Python values (a child's small tables: picking values is cheaper than a filtered frame,
    three of which were a third of the section's time)."""
    keep = (frame["activity"].to_numpy(object) == activity).tolist()
    return {str(c): [v for v, k in zip(frame[c].tolist(), keep, strict=True) if k]
            for c in frame.columns}


def _numbers(rows: dict[str, list[Any]], spec: Sequence[tuple[str, int]]) -> list[list[str]]:
    """Per row, the cells of the ``(column, digits)`` of ``spec``, as numbers (H.fmt_num)."""
    return [[H.fmt_num(v, digits) for v, (_, digits) in zip(values, spec, strict=True)]
            for values in zip(*(rows[c] for c, _ in spec), strict=True)]


def activity_section(cd: ChildContext, activity: str) -> str:
    """The trend section of one activity: summary table, recent trend, charts, per item."""
    a = _of_activity(cd.act_sessions, activity)
    tr = {c: v[0] for c, v in _of_activity(cd.trends, activity).items()}
    k = int(tr["window"])
    labels = H.dates(a["date"])
    acc = charts.trend_chart(
        a["accuracy"],
        labels,
        title="Accuracy (0 to 1, median per session)",
        baseline=(k, float(tr["baseline_accuracy"])) if k else None,
        latest=(k, float(tr["latest_accuracy"])) if k else None,
        y_range=(0.0, 1.0),
    )
    dur = charts.trend_chart(
        a["duration_s"],
        labels,
        title="Time per trial (s, median per session)",
        unit=" s",
        baseline=(k, float(tr["baseline_duration_s"])) if k else None,
        latest=(k, float(tr["latest_duration_s"])) if k else None,
    )
    lev = charts.trend_chart(
        [float(v) for v in a["level"]],
        labels,
        title="Level (highest per session)",
        step=True,
        integer=True,
    )
    rule = analytics.TrendRule()
    base_dur = float(tr["baseline_duration_s"])
    summary = H.table(
        ["", "Baseline", "Latest", "Change", "Since baseline"],
        [
            [
                "Accuracy",
                H.fmt_num(tr["baseline_accuracy"]),
                H.fmt_num(tr["latest_accuracy"]),
                H.fmt_signed(tr["accuracy_change"]),
                H.change_word(tr["accuracy_change"], rule.threshold, "better", "lower"),
            ],
            [
                "Time per trial (s)",
                H.fmt_num(tr["baseline_duration_s"], 1),
                H.fmt_num(tr["latest_duration_s"], 1),
                H.fmt_signed(tr["duration_change_s"], 1),
                # Lower is faster; a tenth of the baseline time is the smallest change named.
                H.change_word(
                    -float(tr["duration_change_s"]),
                    DURATION_CHANGE * base_dur if math.isfinite(base_dur) else math.inf,
                    "faster",
                    "slower",
                ),
            ],
            [
                "Level",
                H.fmt_num(tr["baseline_level"], 0),
                H.fmt_num(tr["latest_level"], 0),
                H.fmt_signed(tr["latest_level"] - tr["baseline_level"], 0),
                H.change_word(tr["latest_level"] - tr["baseline_level"], 1, "harder",
                              "easier"),
            ],
        ],
        numeric=[False, True, True, True, False],
        caption=_covers(tr),
    )
    recent = recent_text(tr, rule)
    decline = ""
    if bool(tr["decline"]):
        why = ""
        if tr.get("decline_reason") == "level":
            why = (
                f" The shapes of the last {k} session(s) are {H.fmt_num(tr['level_drop'], 1)}"
                " levels below their best (median): the game widened the road after misses."
            )
        decline = f" <span class='flag'>Decline flagged.{why}</span>"
    session_rows = [
        [H.esc(d), *cells] for d, cells in zip(a["date"], _numbers(a, (
            ("trials", 0), ("completed", 0), ("accuracy", 2), ("duration_s", 1), ("level", 0),
            ("errors", 0))), strict=True)
    ]
    sess_tbl = H.table(
        ["Date", "Trials", "Completed", "Accuracy", "Time (s)", "Level", "Errors"],
        session_rows,
        numeric=[False, True, True, True, True, True, True],
    )
    items = _of_activity(cd.items, activity)
    item_rows = [
        [H.esc(cd.item_label(activity, item)), f"<span class='date'>{H.esc(last)}</span>",
         f"<span class='date'>{H.esc(figures)}</span>", *cells]
        for item, last, figures, cells in zip(
            items["item"], items["last_date"], items["figures_date"], _numbers(items, (
                ("level", 0), ("trials", 0), ("accuracy", 2), ("duration_s", 1),
                ("errors", 0), ("total_trials", 0))), strict=True)
    ]
    item_tbl = H.table(
        ["Item", "Last played", "Figures from", "Level", "Trials", "Accuracy", "Time (s)",
         "Errors", "All trials"],
        item_rows,
        numeric=[False, False, False, True, True, True, True, True, True],
        caption=(
            "Figures from the latest session of each item with completed trials (medians "
            "of those trials); the item may have been played since (last played)"
        ),
    )
    return (
        f"<section id='activity-{H.esc(activity)}'><h2>{H.esc(cd.activity_title(activity))}</h2>"
        + summary
        + f"<p>{recent}{decline}</p>"
        + H.chart_legend()
        + "<div class='charts'>"
        + H.figure(acc)
        + H.figure(dur, "Lower is faster.")
        + H.figure(lev, "A higher level is harder.")
        + "</div>"
        + H.numbers_table(f"Numbers: {len(a['date'])} sessions", sess_tbl,
                          csv_name=CSV_FILES["activity_sessions"])
        + "<h3>Per item</h3>"
        + item_tbl
        + "</section>"
    )
