"""A session's ``session.json`` read and checked (pure Python: the summary cache uses it).

A hand-edited or damaged ``session.json`` must not stop a report: a session without its ids,
with a start or end that is not an ISO time, or with screen sizes that are not numbers is
"unreadable" (``read_session`` returns None; the loader counts it and makes a stand-in from
its trial rows). A ``schema_version`` this code cannot read raises ``SchemaVersionError``.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from telemetry import schema
from telemetry.recorder import SESSION_FILE
from telemetry.rows import version_error

__all__ = ["SESSION_COLUMNS", "read_session"]

SESSION_COLUMNS = (
    "session_id",
    "child_id",
    "folder",
    "started_at",
    "ended_at",
    "mode",
    "app_version",
    "schema_version",
    "screen_width_px",
    "screen_height_px",
    "screen_width_mm",
    "screen_height_mm",
    "handedness",
)


def read_session(folder: str) -> dict[str, Any] | None:
    """The row of the sessions table for ``folder`` (``SESSION_COLUMNS``), or None when its
    ``session.json`` is missing or unreadable."""
    path = os.path.join(folder, SESSION_FILE)
    try:
        with open(path, "rb") as fh:
            meta = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    version = meta.get("schema_version")
    if version not in schema.READABLE_VERSIONS:
        raise version_error(path, version)
    screen = meta.get("screen") or {}
    # A hand-edited or damaged session.json must not stop a whole report: a session without
    # its ids or with a start/end that is not an ISO time counts as unreadable.
    if not (
        _is_id(meta.get("session_id"))
        and _is_id(meta.get("child_id"))
        and _is_iso_time(meta.get("started_at"))
        and (meta.get("ended_at") is None or _is_iso_time(meta.get("ended_at")))
        and isinstance(screen, dict)
        and all(_is_number(screen.get(k), whole=True) for k in ("width_px", "height_px"))
        and all(_is_number(screen.get(k), whole=False) for k in ("width_mm", "height_mm"))
    ):
        return None
    return {
        "session_id": meta.get("session_id"),
        "child_id": meta.get("child_id"),
        "folder": str(folder),
        "started_at": meta.get("started_at"),
        "ended_at": meta.get("ended_at"),
        "mode": meta.get("mode"),
        "app_version": meta.get("app_version"),
        "schema_version": version,
        "screen_width_px": screen.get("width_px"),
        "screen_height_px": screen.get("height_px"),
        "screen_width_mm": screen.get("width_mm"),
        "screen_height_mm": screen.get("height_mm"),
        "handedness": meta.get("handedness"),
    }


def _is_id(value: object) -> bool:
    return isinstance(value, str) and value != ""


def _is_number(value: object, whole: bool) -> bool:
    """None (not recorded) or a JSON number; ``whole``: an integer (pixels)."""
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or not whole


def _is_iso_time(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        # Python 3.10's fromisoformat does not read a trailing "Z".
        datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        return False
    return True

