"""``finemotor report``: the caseload page, one page per child and tidy CSV summaries.

Reads the data folder with ``telemetry.loader`` (per-trial summaries only), computes the
summaries in ``telemetry.analytics`` and writes into ``out_dir``:

* ``index.html``: the caseload (``report_index``: last session, practice in the last 4 weeks,
  accuracy baseline → latest per activity, flags);
* ``<child_id>.html``: one child's report (``report_child``: at a glance, practice per week,
  one trend section per activity, then the sections activities inject, a data-quality note);
* ``*.csv``: the same summaries as tidy tables (``report_csv.CSV_FILES``), and the tables the
  injected sections give.

Telemetry names no activity: activity-specific sections (drawn strokes, milestones...)
and people's names for items come from ``games/`` (``sections=``, ``item_label=``; see
``telemetry.report_sections``). Everything is written owner-only (0600 files in a 0700
folder): the pages hold nicknames, and ``--anonymize`` leaves out the nickname and the roster
altogether.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from telemetry import analytics, report_out, schema
from telemetry import report_html as H
from telemetry.caseload import add_children_without_sessions
from telemetry.errors import UsageError
from telemetry.report_child import ChildPage, render_child
from telemetry.report_csv import CSV_FILES, activity_weekly, write_csv
from telemetry.report_index import render_index
from telemetry.report_sections import (
    ChildContext,
    ItemLabel,
    Period,
    ReportContext,
    ReportSection,
    check_keys,
    default_item_label,
)
from telemetry.report_workers import render_all, start_beside
from telemetry.rows import TrialRows
from telemetry.storage import atomic_write_bytes

__all__ = ["CSV_FILES", "Progress", "ReportResult", "build_reports", "parse_date"]


@dataclass
class ReportResult:
    """What ``build_reports`` wrote."""

    out_dir: Path
    index: Path
    child_pages: dict[str, Path]
    csv_files: list[Path]
    as_of: datetime
    children: int = 0
    sessions: int = 0
    trials: int = 0
    quality: dict[str, Any] = field(default_factory=dict)


class Progress:
    """A one-line progress bar on stderr: ``[#####     ] 12/40 children``."""

    def __init__(self, total: int, label: str, enabled: bool, stream: TextIO | None = None):
        self.total = total
        self.label = label
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.done = 0

    def step(self, n: int = 1) -> None:
        """Advance by ``n`` and redraw."""
        self.done += n
        if self.enabled:
            width = 30
            filled = int(width * self.done / self.total)
            self.stream.write(
                f"\r[{'#' * filled}{' ' * (width - filled)}] {self.done}/{self.total} {self.label}"
            )
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


# --- arguments ---------------------------------------------------------------------------------


def parse_date(
    value: str | date | datetime | None, name: str, end: bool = False
) -> datetime | None:
    """A ``--since``/``--until`` value as an aware UTC datetime (``None`` stays ``None``).

    A bare date means the start of that day for ``--since`` and the end of it (the start of the
    next day, exclusive) for ``--until``, so ``--until 2026-03-31`` includes the 31st.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value + timedelta(days=1) if end else value, time())
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                d = date.fromisoformat(text)
                dt = datetime.combine(d + timedelta(days=1) if end else d, time())
            else:
                dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"{name}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-03-31"
            ) from None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _display_name(child_id: str, nicknames: dict[str, str], anonymize: bool) -> str:
    """The name shown for a child: the nickname, or the pseudonym when anonymizing."""
    if not anonymize and nicknames.get(child_id):
        return nicknames[child_id]
    return f"child {child_id[:8]}"


def _quality(ds: Any, scope: str, sessions_without_end: int | None = None) -> H.QualityNote:
    q = getattr(ds, "quality", None)
    skipped = dict(getattr(q, "skipped_rows", {}) or {})
    no_end = getattr(q, "sessions_without_end", 0)
    unreadable = getattr(q, "unreadable_sessions", 0)
    if isinstance(no_end, (list, tuple, set)):
        no_end = len(no_end)
    if isinstance(unreadable, (list, tuple, set)):
        unreadable = len(unreadable)
    if sessions_without_end is not None:
        no_end = sessions_without_end
    return H.QualityNote(
        {str(k): int(v) for k, v in skipped.items()}, int(no_end), int(unreadable), scope
    )


def _rows_by_child(metrics: pd.DataFrame, sessions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each child's metric rows (by the child of their session), in the frame's order: the
    loader gives them child by child, so each child's rows are one slice (taken in order
    first when they are not)."""
    child_of = dict(zip(sessions["session_id"], sessions["child_id"], strict=True))
    sid = metrics["session_id"]
    cats = sid.cat.categories if isinstance(sid.dtype, pd.CategoricalDtype) else None
    if cats is None:
        sid = sid.astype("category")
        cats = sid.cat.categories
    children = sorted({str(c) for c in child_of.values()})
    code_of = {c: i for i, c in enumerate(children)}
    per_session = np.array([code_of.get(str(child_of.get(s, "")), -1) for s in cats] + [-1],
                           dtype=np.int64)
    owner = per_session[sid.cat.codes.to_numpy()]
    if len(owner) and (np.diff(owner) < 0).any():
        order = np.argsort(owner, kind="stable")
        metrics, owner = metrics.take(order), owner[order]
    bounds = np.searchsorted(owner, np.arange(len(children) + 1))
    return {c: metrics.iloc[bounds[i]:bounds[i + 1]] for i, c in enumerate(children)
            if bounds[i + 1] > bounds[i]}


def build_reports(
    data_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    child_ids: Sequence[str] | None = None,
    all_children: bool = False,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    anonymize: bool = False,
    progress: bool = True,
    now: datetime | None = None,
    sections: Sequence[ReportSection] = (),
    item_label: ItemLabel = default_item_label,
    activity_titles: Mapping[str, str] | None = None,
    overwrite: bool = False,
    cache: bool = True,
    workers: int | None = None,
) -> ReportResult:
    """Write the caseload page, the child pages and the CSV summaries into ``out_dir``.

    ``child_ids`` limits the report to those children; ``all_children`` (or neither) reports
    every child. ``since``/``until`` are dates (``until`` inclusive). ``now`` fixes the report
    date when there is no ``until`` (tests). ``sections`` are the activities' own sections
    (``telemetry.report_sections``), drawn after the generic ones in the order given;
    ``item_label(activity, item)`` gives people's names for items and ``activity_titles``
    the activities' titles (``games/`` passes the registry's). ``out_dir``: a new folder, an
    empty one, or one an earlier report wrote (its files are replaced; ``overwrite`` allows
    any other folder, see ``telemetry.report_out``). ``cache``: read the sessions through
    the data folder's summary cache (``telemetry.summary_cache``; False reads every file, as
    the benchmark's baseline does; the report is the same). ``workers``: processes rendering
    the child pages (``telemetry.report_workers``; None: every core where that is safe, 1:
    this process alone; the report is the same). Raises ``UsageError`` for bad
    arguments, a missing or empty data folder and unknown children.
    """
    from telemetry.loader import load_dataset

    sections = list(sections)
    check_keys(sections)
    if child_ids and all_children:
        raise UsageError("give either --child ID ... or --all, not both")
    data = Path(data_dir)
    if not data.is_dir():
        raise UsageError(f"data folder not found: {data}")
    since_dt = parse_date(since, "--since")
    until_dt = parse_date(until, "--until", end=True)
    if since_dt and until_dt and since_dt >= until_dt:
        raise UsageError("--since must be before --until")
    out = Path(out_dir)
    report_out.check(out, overwrite)
    wanted = list(dict.fromkeys(child_ids)) if child_ids else None
    last_day = (until_dt - timedelta(microseconds=1)).date() if until_dt else None

    # The loader filters on UTC start dates, both ends inclusive. Metric rows only for
    # sections that read them (typed in the summary cache: no parse).
    uses_metrics = any(getattr(sec, "uses_metrics", False) for sec in sections)
    ds = load_dataset(
        data,
        child_ids=wanted,
        since=since_dt.date() if since_dt else None,
        until=last_day,
        tables=("trials", "metrics") if uses_metrics else ("trials",),
        cache=cache,
    )
    sessions, trials, children = ds.sessions, ds.trials, ds.children
    known = set(children["child_id"]) if children is not None and not children.empty else set()
    known |= set(sessions["child_id"])
    # A visit without a single trial is no session (earlier versions wrote one as soon as a
    # child was picked): it counts in none of the figures.
    sessions = sessions[sessions["session_id"].isin(set(trials["session_id"]))]
    if wanted:
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise UsageError(
                f"unknown child: {unknown[0]} (list the children with `finemotor children`)"
            )
    if sessions.empty and not (wanted and known):
        raise UsageError(
            f"no sessions in {data}"
            + (" for that period" if since_dt or until_dt else "")
            + ": play a session first, or try `finemotor demo-data`"
        )
    as_of = until_dt or now or datetime.now(timezone.utc)
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    ids = wanted or sorted(known)
    nicknames = {}
    if children is not None and not children.empty:
        nicknames = {
            str(k): "" if v != v else str(v)
            for k, v in zip(children["child_id"], children["nickname"], strict=False)
        }
    names = {cid: _display_name(cid, nicknames, anonymize) for cid in ids}
    period = Period(since_dt, until_dt, as_of, as_of - timedelta(days=analytics.RECENT_DAYS))

    # The analytics: whole-caseload tables, grouped once per child below. Assessment
    # sessions are compared apart (the plan section): practice trends leave them out.
    assessed = set(sessions.loc[sessions["mode"] == schema.ASSESSMENT_MODE, "session_id"])
    practice = trials[~trials["session_id"].isin(assessed)] if assessed else trials

    def activity_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        act = analytics.activity_sessions(practice)
        return act, analytics.activity_trends(act, trials=practice), analytics.item_latest(
            practice)

    # The activity tables in a forked process (where there is a second core) while this one
    # computes the sessions tables and prepares the sections.
    activity_value = start_beside(activity_tables, workers)
    sess_tbl = analytics.session_table(sessions, trials)
    weekly = analytics.weekly_practice(sess_tbl, until=as_of - timedelta(microseconds=1))
    # A lasting achievement (a milestone) counts every session up to the report date, also
    # those before --since (the rest of the report covers the period only).
    history = trials
    if since_dt is not None and sections:
        history = load_dataset(data, child_ids=wanted, until=last_day, tables=("trials",),
                               cache=cache).trials
    report = ReportContext(
        child_ids=ids,
        trials=trials,
        history=history,
        sessions=sessions,
        period=period,
        anonymize=anonymize,
        item_label=item_label,
        activity_titles=dict(activity_titles or {}),
    )
    for sec in sections:
        sec.prepare(report)
    act, trends, items = activity_value()
    roster = None if anonymize else children
    case = analytics.caseload(sess_tbl, trends, roster, as_of, anonymize=anonymize)
    # Children in the roster without a session in the period still get a row.
    missing = [c for c in ids if c not in set(case["child_id"])]
    if missing:
        case = add_children_without_sessions(case, missing, children, nicknames, anonymize,
                                              data, since_dt, as_of)

    folder = report_out.prepare(out, overwrite)
    # Listed before they are written: a report stopped half-way leaves a folder the next
    # report still recognises as its own.
    folder.written = [*CSV_FILES.values(), *(f"{cid}.html" for cid in ids), "index.html"]
    folder.finish()
    folder.written = []
    csv_paths: list[Path] = []

    def write_summaries() -> None:
        for name, frame in (("caseload", case), ("sessions", sess_tbl),
                            ("weekly_practice", weekly), ("activity_sessions", act),
                            ("activity_weekly", activity_weekly(act)),
                            ("activity_trends", trends), ("items_latest", items)):
            csv_paths.append(folder.add(write_csv(out / CSV_FILES[name], frame)))

    pages = {cid: f"{cid}.html" for cid in ids}
    overall_quality = _quality(ds, "whole data folder")
    tables = {"sessions": sess_tbl, "weekly": weekly, "act": act, "trends": trends,
              "items": items, "trials": trials}
    by = {name: dict(iter(df.groupby("child_id", sort=False, observed=True)))
          for name, df in tables.items()}
    empty = {name: df.iloc[0:0] for name, df in tables.items()}
    case_by = {r["child_id"]: r for _, r in case.iterrows()}
    folders = dict(zip(sessions["session_id"], sessions["folder"], strict=True))
    metric_rows = _rows_by_child(ds.metrics, sessions) if uses_metrics else {}
    bar = Progress(len(ids), "children", progress)
    reader = TrialRows()

    def render_one(cid: str) -> ChildPage:
        """One child's page, written; what it gave for the CSVs and the caseload page."""
        part = {k: by[k].get(cid, empty[k]) for k in by}
        no_end = int((~part["sessions"]["has_end"].astype(bool)).sum())
        cd = ChildContext(
            child_id=cid,
            name=names[cid],
            report=report,
            trials=part["trials"],
            sessions=part["sessions"],
            weekly=part["weekly"],
            act_sessions=part["act"],
            trends=part["trends"],
            items=part["items"],
            caseload=case_by.get(cid),
            quality=H.QualityNote(
                overall_quality.skipped_rows,
                no_end,
                overall_quality.unreadable_sessions,
                "skipped rows: whole data folder; sessions without an end: this child",
            ),
            folders=folders,
            reader=reader,
            metrics=metric_rows.get(cid, ds.metrics.iloc[0:0]) if uses_metrics else None,
            trial_caches={} if cache else None,
        )
        page = render_child(cd, sections)
        cd.save_trial_values()
        atomic_write_bytes(out / pages[cid], page.html.encode("utf-8"))
        reader.clear()  # keep memory flat: a child's samples are not needed again
        page.html = ""  # written: not sent between processes
        return page

    # The child pages on every core (``report_workers``); the summary CSVs are written by
    # this process meanwhile.
    done = render_all(ids, render_one, on_result=lambda cid: bar.step(), workers=workers,
                      before=write_summaries)
    child_pages = {}
    section_tables: dict[str, list[pd.DataFrame]] = {}
    section_cells: dict[str, dict[str, str]] = {}
    section_flags: dict[str, list[str]] = {}
    for cid, child_page in zip(ids, done, strict=True):
        for name, frames in child_page.tables.items():
            section_tables.setdefault(name, []).extend(frames)
        if child_page.caseload:
            section_cells[cid] = child_page.caseload
        if child_page.flags:
            section_flags[cid] = child_page.flags
        child_pages[cid] = folder.add(out / pages[cid])
    for name, frames in section_tables.items():
        csv_paths.append(folder.add(write_csv(out / f"{name}.csv",
                                              pd.concat(frames, ignore_index=True))))

    index = out / "index.html"
    atomic_write_bytes(
        index,
        render_index(
            case, weekly, names, pages, overall_quality, period, anonymize, trends=trends,
            extra_cells=section_cells, extra_flags=section_flags,
            activity_titles=report.activity_titles,
        ).encode("utf-8"),
    )
    folder.add(index)
    folder.finish()
    return ReportResult(
        out_dir=out,
        index=index,
        child_pages=child_pages,
        csv_files=csv_paths,
        as_of=as_of,
        children=len(ids),
        sessions=len(sessions),
        trials=len(trials),
        quality={
            "skipped_rows": overall_quality.skipped_rows,
            "sessions_without_end": overall_quality.sessions_without_end,
        },
    )
