"""The report's tidy CSV files: which files, how cells are written, and the weekly activity table.

Timestamps are ISO 8601 UTC (``2026-03-02T10:00:00Z``), text cells are made spreadsheet-safe
(a nickname is free text and the files are opened in Excel), and every file is written
owner-only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from telemetry import analytics
from telemetry.storage import atomic_write_bytes

CSV_FILES = {
    "caseload": "caseload.csv",
    "sessions": "sessions.csv",
    "weekly_practice": "weekly_practice.csv",
    "activity_sessions": "activity_sessions.csv",
    "activity_weekly": "activity_weekly.csv",
    "activity_trends": "activity_trends.csv",
    "items_latest": "items_latest.csv",
}


def activity_weekly(act_sessions: pd.DataFrame) -> pd.DataFrame:
    """Per child, activity and week: sessions, trials and medians of the session figures."""
    cols = ["child_id", "activity", "week_start", "sessions", "trials", "accuracy",
            "duration_s", "level"]
    if act_sessions.empty:
        return pd.DataFrame(columns=cols)
    df = act_sessions.assign(week_start=analytics._week_start(act_sessions["started_at"]).dt.date)
    out = (
        df.groupby(["child_id", "activity", "week_start"], sort=True)
        .agg(
            sessions=("session_id", "size"),
            trials=("trials", "sum"),
            accuracy=("accuracy", "median"),
            duration_s=("duration_s", "median"),
            level=("level", "max"),
        )
        .reset_index()
    )
    return out.assign(accuracy=out["accuracy"].round(4), duration_s=out["duration_s"].round(3))[
        cols
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet will not run: ``'`` before a leading ``= + - @`` (OWASP).

    The CSVs are made for Excel and electronic records, and a nickname is free text.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    """Write ``df`` owner-only, timestamps as ISO 8601 UTC (``2026-03-02T10:00:00Z``), text
    cells made spreadsheet-safe."""
    fixed: dict[str, object] = {}
    for c in df.columns:
        col = df[c]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype):
            # Most columns hold no cell to change (dates, ids): look before copying.
            values = col.to_numpy(object)
            risky = [i for i, v in enumerate(values.tolist())
                     if isinstance(v, str) and v.startswith(_FORMULA_STARTS)]
            if risky:
                values = values.copy()
                for i in risky:
                    values[i] = spreadsheet_safe(values[i])
                fixed[c] = pd.Series(values, index=df.index, dtype=col.dtype)
        elif isinstance(col.dtype, pd.DatetimeTZDtype):
            # numpy formats a column at C speed; NaT becomes an empty cell.
            stamps = np.datetime_as_string(col.dt.tz_convert(None).to_numpy(), unit="s")
            text = np.where(col.isna().to_numpy(), "", np.char.add(stamps, "Z"))
            fixed[c] = pd.Series(text.astype(object), index=df.index)
    if fixed:
        df = df.assign(**fixed)
    atomic_write_bytes(path, df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path
