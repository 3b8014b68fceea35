"""Load a data folder into typed pandas DataFrames, skipping (and counting) torn or bad rows.

Used by the report and analysis code only (it imports pandas: never on the play path).

Speed is the point (a clinic is ~6,000 session folders and ~2.5 M metric rows, to be reported
in seconds). The work is split along its seams:

* :mod:`telemetry.table_reader`: a table's files checked in numpy blocks and parsed with ONE
  ``pd.read_csv`` (:class:`CheckedRows`, :func:`parse_rows`);
* :mod:`telemetry.session_meta`: ``session.json`` read and checked (pure Python);
* :mod:`telemetry.summary_cache`: the report's incremental cache of each session's checked
  ``session.json``, trial and metric rows, and of each child's trial rows typed
  (:mod:`telemetry.typed_rows`), read for ``load_dataset(..., cache=True)`` by
  :mod:`telemetry.loader_cache`;
* this module: which folders, the sessions table, stand-ins for damaged ``session.json``
  files, the public :func:`load_dataset` and :func:`load_session_table`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from telemetry import schema, summary_cache
from telemetry.children import ChildrenRegistry
from telemetry.errors import UsageError
from telemetry.loader_cache import load_summaries, table_from_cache
from telemetry.rows import check_lines
from telemetry.session_meta import SESSION_COLUMNS, read_session
from telemetry.table_reader import (
    BLOCK_BYTES,
    CheckedRows,
    empty_frame,
    load_table,
    parse_rows,
)

# Re-exported: older callers import these from here.
__all__ = [
    "BLOCK_BYTES", "SESSION_COLUMNS", "CheckedRows", "Dataset", "LoadQuality", "check_lines",
    "load_dataset", "load_session_table", "parse_rows",
]
_empty_frame = empty_frame
_load_table = load_table
_read_session = read_session


@dataclass
class LoadQuality:
    """What the loader had to leave out, so a report can say how complete its data is.

    ``skipped_rows``: per table, rows dropped for a missing newline or a failed crc32.
    ``torn_files``: files whose last row was cut short (a crash mid-write).
    ``sessions_without_end``: sessions with no ``ended_at`` (the app crashed or was killed).
    ``unreadable_sessions``: session folders whose ``session.json`` is missing or unreadable
    (their rows still load: each row names its session and child; when trials are loaded,
    such a session gets a stand-in row in ``Dataset.sessions``, see :func:`_stand_in_sessions`).
    """

    skipped_rows: dict[str, int] = field(default_factory=dict)
    torn_files: list[str] = field(default_factory=list)
    sessions_without_end: int = 0
    unreadable_sessions: list[str] = field(default_factory=list)

    @property
    def total_skipped(self) -> int:
        """All skipped rows of all tables."""
        return sum(self.skipped_rows.values())


@dataclass
class Dataset:
    """A loaded data folder: one DataFrame per table plus the load's quality figures.

    ``samples`` and ``targets`` are None unless asked for in ``tables`` (they are big: the
    report reads them for a few trials with :func:`load_session_table`).
    """

    sessions: pd.DataFrame
    trials: pd.DataFrame
    metrics: pd.DataFrame
    children: pd.DataFrame
    quality: LoadQuality
    samples: pd.DataFrame | None = None
    targets: pd.DataFrame | None = None
    summaries: dict[str, summary_cache.Summary] | None = None  # loaded with ``cache=True``



# ---------------------------------------------------------------------------- sessions


def _as_date(value: date | datetime | str | None, what: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise UsageError(f"invalid {what} date: {value!r} (use YYYY-MM-DD)") from None


def _session_folders(
    data: Path, child_ids: Iterable[str] | None, since: date | None, until: date | None
) -> list[str]:
    # Plain strings, not Path objects: thousands of folders, and pathlib costs add up.
    root = data / "sessions"
    wanted = None if child_ids is None else set(child_ids)
    folders: list[str] = []
    try:
        child_entries = sorted(os.scandir(root), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    for child in child_entries:
        if not child.is_dir() or (wanted is not None and child.name not in wanted):
            continue
        for entry in sorted(os.scandir(child.path), key=lambda e: e.name):
            if not entry.is_dir() or entry.name.startswith("."):
                continue
            # The folder name starts with the session's UTC start date: filter without
            # opening anything.
            day = entry.name[:10]
            if (since is not None and day < since.isoformat()) or (
                until is not None and day > until.isoformat()
            ):
                continue
            folders.append(entry.path)
    return folders



def _sessions_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
    for col in ("started_at", "ended_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
    frame["schema_version"] = frame["schema_version"].astype("int64")
    for col in ("screen_width_px", "screen_height_px"):
        frame[col] = frame[col].astype("Int64")
    for col in ("screen_width_mm", "screen_height_mm"):
        frame[col] = frame[col].astype("float64")
    for col in ("session_id", "child_id", "folder", "mode", "app_version", "handedness"):
        frame[col] = frame[col].astype("str")
    return frame


def _stand_in_sessions(folders: list[str], trials: pd.DataFrame) -> list[dict[str, Any]]:
    """Session rows for folders whose ``session.json`` is damaged, made from their trial rows.

    A damaged ``session.json`` must not hide a session whose trials are fine: its id comes
    from the folder name (``<date>_<session_id>``), its child and start from its trial rows
    (the earliest ``started_at``). The end, mode, screen and versions are unknown (``mode`` is
    ``unknown``). A folder without any trial row gets no stand-in (it is only counted).
    """
    if trials.empty:
        return []
    ids = trials["session_id"].astype("str")
    firsts = trials.assign(_sid=ids).sort_values("started_at", kind="stable")
    firsts = firsts.drop_duplicates("_sid").set_index("_sid")
    rows = []
    for folder in folders:
        session_id = os.path.basename(folder).partition("_")[2]
        if session_id not in firsts.index:
            continue
        first = firsts.loc[session_id]
        if pd.isna(first["started_at"]):
            continue
        rows.append(
            {
                "session_id": session_id,
                "child_id": str(first["child_id"]),
                "folder": str(folder),
                "started_at": first["started_at"].isoformat(),
                "ended_at": None,
                "mode": "unknown",
                "app_version": "",
                "schema_version": schema.SCHEMA_VERSION,
                "screen_width_px": None,
                "screen_height_px": None,
                "screen_width_mm": None,
                "screen_height_mm": None,
                "handedness": "",
            }
        )
    return rows


def _children_frame(data: Path, child_ids: Iterable[str] | None) -> pd.DataFrame:
    children = ChildrenRegistry(data).list()
    if child_ids is not None:
        wanted = set(child_ids)
        children = [c for c in children if c.child_id in wanted]
    frame = pd.DataFrame(
        [(c.child_id, c.nickname, c.avatar, c.created_at) for c in children],
        columns=list(schema.CHILDREN.column_names),
    )
    for col in ("child_id", "nickname", "avatar"):
        frame[col] = frame[col].astype("str")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    return frame


# ---------------------------------------------------------------------------- public API


def load_dataset(
    data_dir: str | os.PathLike[str],
    child_ids: Iterable[str] | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    tables: Sequence[str] = ("trials", "metrics"),
    cache: bool = False,
) -> Dataset:
    """Load the sessions of a data folder (optionally some children, a date range) typed.

    ``since``/``until`` keep sessions whose UTC start date is within them (both inclusive).
    ``tables`` picks which session tables to read (``samples`` and ``targets`` are large).
    ``cache``: take ``session.json``, trials and metrics through the summary cache
    (:mod:`telemetry.summary_cache`: unchanged sessions from one file per child, the others
    from their files, the cache brought up to date); the frames are the same as without it,
    and ``Dataset.summaries`` holds each folder's entry.
    Raises :class:`UsageError` for a missing folder or one without any session, and
    :class:`SchemaVersionError` for data this version cannot read.
    """
    data = Path(data_dir)
    if not data.is_dir():
        raise UsageError(f"data folder not found: {data}")
    unknown = [t for t in tables if t not in {t.name for t in schema.SESSION_TABLES}]
    if unknown:
        raise UsageError(
            f"unknown table: {', '.join(unknown)} "
            f"(one of {', '.join(t.name for t in schema.SESSION_TABLES)})"
        )
    if child_ids is not None:
        child_ids = [child_ids] if isinstance(child_ids, str) else list(child_ids)
    since_d, until_d = _as_date(since, "since"), _as_date(until, "until")
    if not (data / "sessions").is_dir() or not any(
        e.is_dir() for e in os.scandir(data / "sessions")
    ):
        raise UsageError(
            f"no sessions in data folder {data}: play a session first, or copy session "
            f"folders into {data / 'sessions'}"
        )
    quality = LoadQuality()
    rows: list[dict[str, Any]] = []
    folders: list[str] = []
    found = _session_folders(data, child_ids, since_d, until_d)
    loaded = load_summaries(found) if cache else None
    summ = loaded.entries if loaded is not None else None
    for folder in found:
        if summ is not None:
            cached = summ[folder].meta
            meta = None if cached is None else {**cached, "folder": folder}
        else:
            meta = _read_session(folder)
        if meta is None:
            quality.unreadable_sessions.append(folder)
        else:
            rows.append(meta)
        folders.append(folder)
    sessions = _sessions_frame(rows)
    # Folder dates are UTC start dates, so the folder filter is already exact; a renamed
    # folder is still checked against its recorded start.
    if since_d is not None:
        sessions = sessions[sessions["started_at"].dt.date >= since_d]
    if until_d is not None:
        sessions = sessions[sessions["started_at"].dt.date <= until_d]
    sessions = sessions.sort_values(["child_id", "started_at"], kind="stable")
    sessions = sessions.reset_index(drop=True)
    quality.sessions_without_end = int(sessions["ended_at"].isna().sum())

    in_order = sessions["folder"].tolist()  # a list: not 6,000 look-ups into a pandas column
    kept = set(in_order) | set(quality.unreadable_sessions)
    folders = [f for f in folders if f in kept]
    order = {path: i for i, path in enumerate(in_order)}
    folders.sort(key=lambda f: order.get(f, len(order)))

    frames: dict[str, pd.DataFrame | None] = {}
    for table in schema.SESSION_TABLES:
        if table.name not in tables:
            frames[table.name] = None
            continue
        if loaded is not None and table.name in summary_cache.CACHED:
            frame, skipped, torn = table_from_cache(loaded, folders, table)
        else:
            paths = [os.path.join(f, table.filename) for f in folders]
            frame, skipped, torn = _load_table(paths, table)
        quality.skipped_rows[table.name] = skipped
        quality.torn_files.extend(torn)
        frames[table.name] = frame
    stand_ins = _stand_in_sessions(quality.unreadable_sessions, frames["trials"]) if (
        frames["trials"] is not None and quality.unreadable_sessions
    ) else []
    if stand_ins:
        extra = _sessions_frame(stand_ins)
        if since_d is not None:
            extra = extra[extra["started_at"].dt.date >= since_d]
        if until_d is not None:
            extra = extra[extra["started_at"].dt.date <= until_d]
        sessions = pd.concat([sessions, extra], ignore_index=True) if len(sessions) else extra
        sessions = sessions.sort_values(["child_id", "started_at"], kind="stable")
        sessions = sessions.reset_index(drop=True)
    return Dataset(
        sessions=sessions,
        trials=frames["trials"] if frames["trials"] is not None else _empty_frame(schema.TRIALS),
        metrics=(
            frames["metrics"] if frames["metrics"] is not None else _empty_frame(schema.METRICS)
        ),
        children=_children_frame(data, child_ids),
        quality=quality,
        samples=frames["samples"],
        targets=frames["targets"],
        summaries=summ,
    )


def load_session_table(
    folder: str | os.PathLike[str], table_name: str, trials: Iterable[int] | None = None
) -> tuple[pd.DataFrame, int]:
    """Load one table of one session folder (e.g. the samples of a few trials).

    Returns the typed DataFrame (only ``trials`` if given) and the number of rows skipped.
    """
    table = schema.TABLES.get(table_name)
    if table is None or not table.checked:
        raise UsageError(
            f"unknown table: {table_name} "
            f"(one of {', '.join(t.name for t in schema.SESSION_TABLES)})"
        )
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"session folder not found: {folder}")
    frame, skipped, _ = _load_table([folder / table.filename], table)
    if trials is not None:
        frame = frame[frame["trial"].isin(list(trials))].reset_index(drop=True)
    return frame, skipped

