"""One child's page: the generic sections ("At a glance", practice), then each activity's trend
section (``report_activity``), then the sections activities inject (``report_sections``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from telemetry import analytics
from telemetry import report_html as H
from telemetry.report_activity import DURATION_CHANGE, activity_section
from telemetry.report_csv import CSV_FILES
from telemetry.report_sections import ChildContext, ReportSection, columns, records


def _practice_section(cd: ChildContext) -> str:
    w = cd.weekly
    s = cd.sessions
    if s.empty:
        c = cd.caseload
        if c is not None and c.get("status") == analytics.NOT_STARTED:
            return "<h2>Practice</h2><p>Not started yet: no session so far.</p>"
        return "<h2>Practice</h2><p>No sessions in this period.</p>"
    weeks = len(w)
    active = int((w["sessions"] > 0).sum())
    # The caseload's rolling 28 days, not the last 4 calendar weeks: one definition.
    recent = s[analytics.in_recent_window(s["started_at"], cd.period.as_of)]
    summary = (
        f"{len(s)} sessions, {s['minutes'].sum():.0f} minutes in all "
        f"({int((s['mode'] == 'clinic').sum())} at the clinic, "
        f"{int((s['mode'] == 'home').sum())} at home). Practice in {active} of {weeks} weeks; "
        f"last 4 weeks: {len(recent)} sessions, {recent['minutes'].sum():.0f} minutes "
        f"({cd.period.recent_span()})."
    )
    rows = [
        [H.esc(wk), H.fmt_num(n, 0), H.fmt_num(m, 1), H.fmt_num(c, 0), H.fmt_num(h, 0)]
        for wk, n, m, c, h in columns(
            w, "week_start", "sessions", "minutes", "clinic_sessions", "home_sessions"
        )
    ]
    tbl = H.table(
        ["Week of", "Sessions", "Minutes", "Clinic", "Home"],
        rows,
        numeric=[False, True, True, True, True],
    )
    return (
        "<section id='practice'><h2>Practice</h2>"
        f"<p>{H.keep_dates(H.esc(summary))}</p>"
        + H.figure(H.practice_chart(w), "Bars: minutes per week, clinic (orange) and home "
                   "(blue). A gap is a week without practice.")
        + H.numbers_table(f"Numbers: {weeks} weeks", tbl, csv_name=CSV_FILES["weekly_practice"])
        + "</section>"
    )


def _glance(cd: ChildContext, flags: str, extra: list[str]) -> str:
    """The box at the top of a child's page: flags, change since baseline, and the glance
    lines of the injected sections (milestones...).

    Everything a busy therapist needs before the session, in one box: the sections below
    hold the charts and the detail.
    """
    items = []
    c = cd.caseload
    if flags:
        items.append(f"<p class='flag'>Flags: {H.esc(flags)}</p>")
    elif c is not None and c.get("status"):
        items.append(f"<p>{H.esc(str(c['status']).capitalize())}: no session so far.</p>")
    else:
        items.append("<p>No flags.</p>")
    t = cd.trends
    if not t.empty:
        rule = analytics.TrendRule()
        rows = []
        for r in records(t):
            acc_word = H.change_word(r.accuracy_change, rule.threshold, "better", "lower")
            base_dur = float(r.baseline_duration_s)
            dur_word = H.change_word(
                -float(r.duration_change_s),
                DURATION_CHANGE * base_dur if math.isfinite(base_dur) else math.inf,
                "faster",
                "slower",
            )
            rows.append(
                [
                    f"<b>{H.esc(cd.activity_title(str(r.activity)))}</b>",
                    f"{H.fmt_num(r.baseline_accuracy)} → {H.fmt_num(r.latest_accuracy)} "
                    f"({H.fmt_signed(r.accuracy_change)}, {acc_word})",
                    f"{H.fmt_num(r.baseline_duration_s, 1)} → {H.fmt_num(r.latest_duration_s, 1)}"
                    f" ({H.fmt_signed(r.duration_change_s, 1)} s, {dur_word})",
                    f"{H.fmt_num(r.baseline_level, 0)} → {H.fmt_num(r.latest_level, 0)}",
                    f"{H.arrow(str(r.trend))} {H.ARROW_WORDS[str(r.trend)]}",
                    H.fmt_num(r.sessions_used, 0)
                    + (f" of {r.sessions}" if r.sessions != r.sessions_used else ""),
                ]
            )
        items.append(
            H.table(
                ["Activity", "Accuracy (0-1)", "Time per trial (s)", "Level", "Recent trend",
                 "Sessions with completed trials"],
                rows,
                numeric=[False, False, False, False, False, True],
                caption=(
                    "Baseline → latest: medians of the first and the last 3 sessions with "
                    "completed trials (fewer when an activity has under 6)"
                ),
            )
        )
    items.extend(f"<p>{line}</p>" for line in extra if line)
    q = cd.quality
    skipped = sum(q.skipped_rows.values())
    if skipped or q.sessions_without_end or q.unreadable_sessions:
        items.append(
            "<p class='muted'>Data quality: "
            f"{skipped} row(s) skipped in the whole data folder; {q.sessions_without_end} "
            "session(s) of this child without a recorded end (see the data-quality note below).</p>"
        )
    return "<div class='glance'><h2>At a glance</h2>" + "".join(items) + "</div>"


@dataclass
class ChildPage:
    """A child's rendered page and what its sections gave for the CSVs and the caseload."""

    html: str
    tables: dict[str, list[pd.DataFrame]]
    caseload: dict[str, str]
    flags: list[str]


def render_child(cd: ChildContext, sections: Sequence[ReportSection]) -> ChildPage:
    """One child's page, the CSV tables its injected sections gave (name → frames), and their
    caseload cells and flags."""
    s = cd.sessions
    c = cd.caseload
    flags = str(c["flags"]) if c is not None and c["flags"] else ""
    facts = []
    if not s.empty:
        facts = [
            ("Sessions", f"{len(s)}"),
            ("Minutes", f"{s['minutes'].sum():.0f}"),
            ("First session", str(s["date"].iloc[0])),
            ("Last session", str(s["date"].iloc[-1])),
        ]
    box = "<div class='box'>" + "".join(
        f"<div><b>{H.esc(v)}</b>{H.esc(k)}</div>" for k, v in facts
    ) + "</div>"
    outputs = [sec.render(cd) for sec in sections]
    top = [o.html for sec, o in zip(sections, outputs, strict=True)
           if o.html and getattr(sec, "top", False)]
    rest = [o.html for sec, o in zip(sections, outputs, strict=True)
            if o.html and not getattr(sec, "top", False)]
    body = [
        "<p class='screen-only'><a href='index.html'>← caseload</a></p>",
        H.header(
            f"{cd.name}: progress report",
            f"Pseudonym {cd.child_id}. {cd.period.text()}"
            + (" Anonymized." if cd.anonymize else ""),
        ),
        box,
        _glance(cd, flags, [o.glance for o in outputs]),
        *top,
        _practice_section(cd),
    ]
    body.extend(activity_section(cd, act) for act in cd.trends["activity"])
    # The notes close the generic part, before the activities' own sections: a page ending
    # on notes printed a last sheet holding only the data-quality note (issue 12).
    body.append(H.endnotes(H.rules_note(), cd.quality.html()))
    body.extend(rest)
    tables: dict[str, list[pd.DataFrame]] = {}
    cells: dict[str, str] = {}
    extra_flags: list[str] = []
    for o in outputs:
        for name, frame in o.tables.items():
            tables.setdefault(name, []).append(frame)
        cells.update(o.caseload)
        extra_flags.extend(o.flags)
    return ChildPage(H.page(f"{cd.name}: finemotor report", "".join(body)), tables, cells,
                     extra_flags)
