"""What the recorder checks and builds on the caller's thread: timestamps, text fields, the
session folder (mkdir only) and its ``session.json`` content, and a finished trial's
``trials.csv`` and metric rows.

Every check here raises on the caller's thread (a bad value is the game's bug, said at once),
so the writer thread (:mod:`telemetry.recorder_writer`) only ever gets rows it can store.
Pure Python (no pygame, no pandas): this module is on the play path.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.storage import ensure_private_dir

HANDEDNESS = ("right", "left")
# Safe as a folder name and free of anything name-like by construction of the registry's ids.
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def utc_now() -> datetime:
    """The current wall-clock time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 text in UTC with microseconds and a ``Z``, e.g. ``2025-03-01T09:30:00.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no time zone; pass an aware one (UTC)")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_text(what: str, value: object, *, allow_empty: bool = True) -> str:
    """Reject text that would break the one-row-per-line format (newlines)."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(f"{what} must not contain a line break: {text!r}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: would fail later, on the writer thread
        raise ValueError(f"{what} is not valid text: {text!r}") from None
    if not allow_empty and not text:
        raise ValueError(f"{what} must not be empty")
    return text


def check_start(child_id: object, mode: str, handedness: str) -> str:
    """The child id as text, after checking the arguments of ``SessionRecorder.start``."""
    child = str(child_id)
    if not _ID_RE.fullmatch(child):
        raise UsageError(f"invalid child id: {child!r} (use the id from the children list)")
    if mode not in schema.SESSION_MODES:
        raise UsageError(f"invalid mode: {mode!r} (one of {', '.join(schema.SESSION_MODES)})")
    if handedness not in HANDEDNESS:
        raise UsageError(f"invalid handedness: {handedness!r} (right or left)")
    return child


def make_session_folder(
    data_dir: str | os.PathLike[str], child_id: str, started: datetime, session_id: str
) -> tuple[Path, list[Path]]:
    """Make ``<data>/sessions/<child_id>/<YYYY-MM-DD>_<session_id>/`` (owner-only); return it
    and the folders made at or above the data folder (their parents need an fsync too).

    mkdir and chmod only (no fsync): cheap enough for the caller's thread, and an unwritable
    data folder is reported right here. The fsyncs are the writer's.
    """
    created: list[Path] = []
    data = ensure_private_dir(data_dir, created=created)
    child_dir = ensure_private_dir(data / "sessions" / child_id, created=created)
    folder = ensure_private_dir(
        child_dir / f"{started.astimezone(timezone.utc):%Y-%m-%d}_{session_id}",
        created=created,
    )
    return folder, [p for p in created if p == data or p in data.parents]


def session_meta(
    session_id: str,
    child_id: str,
    started: datetime,
    mode: str,
    app_version: str,
    screen_px: tuple[int, int],
    screen_mm: tuple[float, float] | None,
    handedness: str,
) -> dict[str, Any]:
    """The content of a new session's ``session.json`` (``ended_at`` None until it closes)."""
    width_px, height_px = (int(v) for v in screen_px)
    width_mm, height_mm = (None, None) if screen_mm is None else (float(v) for v in screen_mm)
    return {
        "schema_version": schema.SCHEMA_VERSION,
        "session_id": session_id,
        "child_id": child_id,
        "started_at": iso_utc(started),
        "ended_at": None,
        "mode": mode,
        "app_version": str(app_version),
        "screen": {
            "width_px": width_px,
            "height_px": height_px,
            "width_mm": width_mm,
            "height_mm": height_mm,
        },
        "handedness": handedness,
    }


@dataclass
class OpenTrial:
    """The caller-side state of the trial in progress."""

    number: int
    activity: str
    level: int
    item: str
    mode: str
    started_at: str
    start_ns: int
    samples: list[tuple[Any, ...]] = field(default_factory=list)


def finished_rows(
    session_id: str,
    child_id: str,
    trial: OpenTrial,
    *,
    accuracy: float | None,
    errors: int,
    completed: bool,
    metrics: Iterable[tuple[str, float, str]],
    duration_ms: float,
) -> tuple[tuple[Any, ...], list[tuple[str, float | None, str]]]:
    """A finished trial's ``trials.csv`` row and its (metric, value, unit) rows, checked.

    ``accuracy`` must be within 0..1 (None or NaN: no value), ``errors`` 0 or more.
    """
    if accuracy is not None:
        accuracy = float(accuracy)
        if math.isnan(accuracy):
            accuracy = None
        elif not 0.0 <= accuracy <= 1.0:
            raise ValueError(f"accuracy must be within 0..1, got {accuracy}")
    errors = int(errors)
    if errors < 0:
        raise ValueError(f"errors must be 0 or more, got {errors}")
    rows: list[tuple[str, float | None, str]] = [
        (
            check_text("metric name", name, allow_empty=False),
            None if value is None else float(value),
            check_text("metric unit", unit),
        )
        for name, value, unit in metrics
    ]
    trial_row = (
        session_id,
        child_id,
        trial.activity,
        trial.level,
        trial.number,
        trial.item,
        trial.mode,
        trial.started_at,
        float(duration_ms),
        accuracy,
        errors,
        bool(completed),
    )
    return trial_row, rows
