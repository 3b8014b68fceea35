"""The caseload page (``index.html``): who needs attention, practice and progress per child."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from telemetry import charts
from telemetry import report_html as H
from telemetry.natural_sort import natural_key
from telemetry.report_sections import Period, columns, records

SPARK_WEEKS = 12


def _index_trends(trends: pd.DataFrame | None, child_id: str, fallback: str,
                  titles: Mapping[str, str]) -> str:
    """Per activity: accuracy baseline → latest and the recent arrow (``Drawing 0.84 → 0.98 ↑``).

    The arrow alone told a therapist the last few sessions went down, but not whether the child
    is better than at the start; both numbers answer that in one glance.
    """
    if trends is None:
        parts = []
        for part in fallback.split("; ") if fallback else []:
            act, _, arr = part.rpartition(" ")
            word = {v: k for k, v in H.ARROWS.items()}.get(arr, "none")
            parts.append(f"{H.esc(act)} {H.arrow(word)}")
        return "<br>".join(parts) or "–"
    t = trends[trends["child_id"] == child_id]
    parts = []
    for act, base, last, trend, lev0, lev1 in columns(
        t, "activity", "baseline_accuracy", "latest_accuracy", "trend", "baseline_level",
        "latest_level"
    ):
        level = (
            f" <span class='muted nowrap'>level {lev0}→{lev1}</span>" if lev1 != lev0 else ""
        )
        parts.append(
            f"<span class='nowrap'>{H.esc(titles.get(act) or str(act).capitalize())} "
            f"{H.fmt_num(base)} → {H.fmt_num(last)} "
            f"{H.arrow(str(trend))}</span>{level}"
        )
    return "<br>".join(parts) or "–"


def render_index(
    case: pd.DataFrame,
    weekly: pd.DataFrame,
    names: dict[str, str],
    pages: dict[str, str],
    quality: H.QualityNote,
    period: Period,
    anonymize: bool,
    trends: pd.DataFrame | None = None,
    extra_cells: dict[str, dict[str, str]] | None = None,
    extra_flags: dict[str, list[str]] | None = None,
    activity_titles: Mapping[str, str] | None = None,
) -> str:
    """The caseload page (``index.html``); ``activity_titles``: activity id to its title.

    ``trends`` (``analytics.activity_trends``) adds each activity's baseline and latest
    accuracy next to its arrow; without it only the arrows of ``case`` are shown.
    ``extra_cells`` (child id → column title → HTML cell) and ``extra_flags`` (child id →
    flag texts) come from the injected report sections.
    """
    extra_cells = extra_cells or {}
    extra_flags = extra_flags or {}
    titles: list[str] = []
    for cells in extra_cells.values():
        titles.extend(t for t in cells if t not in titles)
    if extra_flags:
        more = case["child_id"].map(lambda c: "; ".join(extra_flags.get(c, [])))
        case = case.assign(flags=[
            "; ".join(x for x in (str(a) if a else "", b) if x)
            for a, b in zip(case["flags"].fillna(""), more, strict=True)])
    weekly_by_child = {cid: g for cid, g in weekly.groupby("child_id", sort=False)}
    flagged = case["flags"].astype(str) != ""
    # Flagged children first, then by name as people count ("Child 2" before "Child 10").
    rank = {cid: i for i, cid in enumerate(
        sorted(names, key=lambda c: (natural_key(names[c]), c)))}
    order = case.assign(_f=~flagged, _n=case["child_id"].map(rank))
    order = order.sort_values(["_f", "_n"], kind="stable")
    rows, classes, attention = [], [], []
    for r in records(order):
        w = weekly_by_child.get(r.child_id)
        spark = ""
        if w is not None and not w.empty:
            last = w.tail(SPARK_WEEKS)
            spark = charts.sparkline(
                last["sessions"].tolist(),
                title=f"Sessions per week, last {len(last)} weeks",
            )
        flags = (
            f"<span class='flag'>{H.esc(r.flags)}</span>" if r.flags
            else f"<span class='muted'>{H.esc(r.status)}</span>" if r.status else "–"
        )
        # A child's name on one line ("Bench 10" broke after "Bench" in the narrow column).
        link = (f"<a class='child' href='{H.esc(pages[r.child_id])}'>"
                f"{H.esc(names[r.child_id])}</a>")
        if r.flags:
            attention.append(f"<li>{link}: {H.esc(r.flags)}</li>")
        rows.append(
            [
                link,
                f"<span class='date'>{H.esc(r.last_session)}</span>",
                H.fmt_num(r.days_since_last, 0),
                H.fmt_num(r.sessions_4w, 0),
                H.fmt_num(r.minutes_4w, 0),
                spark,
                _index_trends(trends, r.child_id, str(r.trends) if r.trends else "",
                              activity_titles or {}),
                *(extra_cells.get(r.child_id, {}).get(t, "–") for t in titles),
                flags,
            ]
        )
        classes.append("flagged" if r.flags else "")
    n_flag = int(flagged.sum())
    if attention:
        needs = (
            f"<div class='attention'><b>Needs attention ({n_flag} of {len(case)}):</b><ul>"
            + "".join(attention)
            + "</ul></div>"
        )
    else:
        needs = "<div class='note'><b>No child is flagged</b> in this period.</div>"
    body = [
        H.header(
            "finemotor: caseload report",
            f"{len(case)} children, {n_flag} flagged. {period.text()}",
        ),
        needs,
        "<p class='muted'>"
        + ("Anonymized: children are shown by pseudonym only. " if anonymize else "")
        + "Flagged children come first.<span class='screen-only'> Click a child for the full "
        "report.</span> Accuracy is 0 to 1: baseline (median of the first 3 sessions with "
        "completed trials) → latest (median of the last 3), and the arrow for the last 3 "
        "sessions against the 3 before. Sessions per week: one bar per week, a red dash is a "
        f"week without practice. {H.keep_dates(H.esc(period.recent_text()))}</p>",
        H.table(
            [
                "Child",
                "Last session",
                "Days since",
                "Sessions (4 wk)",
                "Minutes (4 wk)",
                f"Sessions per week ({SPARK_WEEKS} wk)",
                "Accuracy per activity",
                *titles,
                "Flags",
            ],
            rows,
            numeric=[False, False, True, True, True, False, False, *([False] * len(titles)),
                     False],
            row_classes=classes,
        ),
        H.endnotes(H.rules_note(), quality.html(), f"<p class='note'>{H.esc(H.DISCLAIMER)}</p>"),
    ]
    return H.page("finemotor caseload report", "".join(body))
