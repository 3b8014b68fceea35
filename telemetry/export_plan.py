"""Which sessions an export run writes: the run's session folders, and new vs changed.

A session is told by its index key ``<child_id>/<folder name>``. "Changed" is decided in two
steps: each file's size and mtime (a ``stat``, cheap for 50,000 sessions), and only where
those differ a SHA-256 of the session's files, compared with the one stored when it was
exported; so a folder copied again (new mtimes, same bytes) is not rewritten, and an
appended row (new size) always is.

Pure Python (hashlib, os): no pandas, no duckdb.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from telemetry import schema
from telemetry.export_state import ExportState

SESSION_FILES = ("session.json", *(t.filename for t in schema.SESSION_TABLES))
CHUNK_BYTES = 64 << 20  # CSV text parsed into pandas at once (bounds the export's memory)


def fingerprint(folder: str) -> list[list[int] | None]:
    """``[size, mtime_ns]`` of each of the session's files (None for a missing one)."""
    out: list[list[int] | None] = []
    for name in SESSION_FILES:
        try:
            st = os.stat(os.path.join(folder, name))
        except FileNotFoundError:
            out.append(None)
            continue
        out.append([st.st_size, st.st_mtime_ns])
    return out


def content_hash(folder: str) -> str:
    """SHA-256 (hex) of the session's files: each file's name, length and bytes, in order."""
    h = hashlib.sha256()
    for name in SESSION_FILES:
        try:
            with open(os.path.join(folder, name), "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            h.update(b"\0missing " + name.encode() + b"\n")
            continue
        h.update(b"%s %d\n" % (name.encode(), len(data)))
        h.update(data)
    return h.hexdigest()


@dataclass
class Session:
    key: str  # "<child_id>/<folder name>", the index key
    folder: str
    session_id: str
    child_id: str
    month: str | None
    start: str | None  # ISO UTC, None when session.json is unreadable
    fingerprint: list[list[int] | None]
    content: str = ""


def select_sessions(ds: Any) -> list[Session]:
    """The run's session folders (readable and unreadable), with their ids and months."""
    out = []
    for row in ds.sessions.itertuples(index=False):
        start = row.started_at.tz_convert("UTC")
        out.append(Session(
            key="/".join(Path(row.folder).parts[-2:]), folder=row.folder,
            session_id=str(row.session_id), child_id=str(row.child_id),
            month=start.strftime("%Y-%m"), start=start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            fingerprint=fingerprint(row.folder),
        ))
    for folder in ds.quality.unreadable_sessions:
        child, name = Path(folder).parts[-2:]
        day = name[:10]
        month = day[:7] if _parse_quiet(day) else None
        out.append(Session(
            key=f"{child}/{name}", folder=folder, session_id=name.partition("_")[2] or name,
            child_id=child, month=month, start=None, fingerprint=fingerprint(folder),
        ))
    out.sort(key=lambda s: s.key)
    return out


def _parse_quiet(day: str) -> bool:
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def plan(selected: list[Session], state: ExportState) -> tuple[list[Session], list[Session]]:
    """(new sessions, changed sessions); unchanged ones get their new fingerprint noted."""
    new, changed = [], []
    for s in selected:
        entry = state.index.get(s.key)
        if entry is not None and entry["fp"] == s.fingerprint:
            continue
        s.content = content_hash(s.folder)
        if entry is None:
            new.append(s)
        elif entry["hash"] == s.content:
            entry["fp"] = s.fingerprint  # copied again, same bytes: nothing to rewrite
        else:
            changed.append(s)
    return new, changed


def chunks(sessions: list[Session], filename: str) -> Iterable[list[Session]]:
    """Sessions in groups of about ``CHUNK_BYTES`` of ``filename`` text."""
    chunk: list[Session] = []
    size = 0
    col = SESSION_FILES.index(filename)
    for s in sessions:
        fp = s.fingerprint[col]
        chunk.append(s)
        size += fp[0] if fp else 0
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
