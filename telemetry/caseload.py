"""The caseload page's table: one row per child, the last 4 weeks, flags, children without
sessions (split from ``telemetry.analytics``, which re-exports its names, and from
``telemetry.report``: the rows of roster children without a session in the period).

``INACTIVE_DAYS``: a child with no session for this many days is flagged. ``RECENT_DAYS``:
"the last 4 weeks" is the 28 days up to the report date, one definition for the caseload and
the child pages alike (:func:`recent_window`).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "INACTIVE_DAYS", "NOT_STARTED", "RECENT_DAYS", "add_children_without_sessions", "caseload",
    "in_recent_window", "recent_window", "started_before", "without_sessions",
]

INACTIVE_DAYS = 14  # flag a child with no session for this many days
RECENT_DAYS = 28  # "the last 4 weeks" of the caseload


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
    cols = ["child_id"] + ([] if anonymize else ["nickname"])
    cols += [
        "last_session",
        "days_since_last",
        "sessions_total",
        "sessions_4w",
        "minutes_4w",
        "trends",
        "flags",
        "status",
    ]
    if session_tbl.empty:
        return pd.DataFrame(columns=cols)
    recent = in_recent_window(session_tbl["started_at"], as_of_ts.to_pydatetime())
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
    arrows = {"up": "↑", "down": "↓", "flat": "→", "none": "·"}
    # Each child's activities in the trends' row order (one pass over plain lists: a
    # sub-frame per child cost more than the text).
    trend_parts: dict[str, list[str]] = {}
    flags: dict[str, list[str]] = {}
    for child_id, a, t, down, why in zip(
        trends["child_id"].tolist(), trends["activity"].tolist(), trends["trend"].tolist(),
        trends["decline"].tolist(), trends["decline_reason"].tolist(), strict=True,
    ):
        trend_parts.setdefault(child_id, []).append(f"{a} {arrows[t]}")
        mine = flags.setdefault(child_id, [])
        if down:
            mine.append(f"decline in {a}" + (" (levels down)" if why == "level" else ""))
    trend_txt = {c: "; ".join(parts) for c, parts in trend_parts.items()}
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
    out = out.assign(flags=flag_col, status="")
    if not anonymize:
        names = {}
        if children is not None and not children.empty:
            names = dict(zip(children["child_id"], children["nickname"], strict=False))
        out = out.assign(nickname=out["child_id"].map(names).fillna(""))
    return out[cols]


def recent_window(as_of: datetime) -> tuple[datetime, datetime]:
    """The ``[start, end)`` of "the last 4 weeks" for a report dated ``as_of``: the 28 days up
    to the report date. The one definition, used by the caseload and the child pages alike."""
    return as_of - timedelta(days=RECENT_DAYS), as_of


def in_recent_window(started_at: pd.Series, as_of: datetime) -> pd.Series:
    """True for the starts inside :func:`recent_window` of ``as_of``."""
    start, end = recent_window(as_of)
    return (started_at >= pd.Timestamp(start)) & (started_at < pd.Timestamp(end))


NOT_STARTED = "not started yet"


def without_sessions(
    child_ids: list[str],
    created: dict[str, datetime],
    started_before: set[str],
    as_of: datetime,
) -> dict[str, tuple[str, str]]:
    """``(status, flag)`` for children with no session in the period.

    A child who has never played and was added under ``INACTIVE_DAYS`` days before the report
    date is "not started yet" (no flag: a child added today needs no attention); one added
    earlier is flagged ``not started, added N days ago``. A child who played before the
    period is flagged ``no sessions in this period``. ``created``: roster ``created_at`` per
    child (missing: unknown, treated as new); ``started_before``: children with a session
    before the period.
    """
    out = {}
    for cid in child_ids:
        if cid in started_before:
            out[cid] = ("", "no sessions in this period")
            continue
        made = created.get(cid)
        days = int((as_of - made).total_seconds() // 86400) if made is not None else 0
        if days >= INACTIVE_DAYS:
            out[cid] = (NOT_STARTED, f"not started, added {days} days ago")
        else:
            out[cid] = (NOT_STARTED, "")
    return out


def started_before(data: Path, child_ids: list[str], since: datetime | None) -> set[str]:
    """The children with a session folder dated before ``since`` (folder names start with
    the session's UTC date): nothing is opened."""
    if since is None:
        return set()
    day = since.date().isoformat()
    out = set()
    for cid in child_ids:
        try:
            entries = os.scandir(data / "sessions" / cid)
        except OSError:
            continue
        with entries:
            if any(e.name[:10] < day and e.is_dir() for e in entries):
                out.add(cid)
    return out


def add_children_without_sessions(
    case: pd.DataFrame, missing: list[str], children: pd.DataFrame | None,
    nicknames: dict[str, str], anonymize: bool, data: Path, since: datetime | None,
    as_of: datetime,
) -> pd.DataFrame:
    """``case`` with a row for each child of ``missing``: "not started yet", or flagged."""
    created = {}
    if children is not None and not children.empty:
        created = {
            str(c): t.to_pydatetime()
            for c, t in zip(children["child_id"], children["created_at"], strict=True)
            if t == t
        }
    status = without_sessions(missing, created, started_before(data, missing, since), as_of)
    extra = pd.DataFrame({
        "child_id": missing,
        "flags": [status[c][1] for c in missing],
        "status": [status[c][0] for c in missing],
    })
    if not anonymize:
        extra = extra.assign(nickname=[nicknames.get(c, "") for c in missing])
    case = pd.concat([case, extra], ignore_index=True).reindex(columns=case.columns)
    return case.assign(
        trends=case["trends"].fillna(""),
        status=case["status"].fillna(""),
        sessions_total=case["sessions_total"].fillna(0).astype("int64"),
        sessions_4w=case["sessions_4w"].fillna(0).astype("int64"),
        minutes_4w=case["minutes_4w"].fillna(0.0),
    )
