"""A child's details and own settings: ``<data>/children/<id>/profile.json``.

Minimal by design (privacy): an optional birth month and year (so the report can show the
child's age beside a milestone's typical age range), the dominant hand (left, right, or not
settled yet), and the settings that are about the child rather than the device: left-handed
layout, strict scoring, sound, session length, home or clinic by default, single-pointer
(assisted) input, prompting. No diagnosis, no full name, no free-text notes. The device keeps
only what is about the device (screen calibration, full screen, stylus) in ``settings.json``.

A setting the child's profile does not name falls back to the device's value, so an old data
folder (one global ``settings.json``) keeps working. Writes are locked read-modify-writes.
Pure Python, no pandas (the launcher reads it on the play path).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from telemetry.children import child_files_dir
from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.storage import atomic_write_json, ensure_private_dir

PROFILE_FILE = "profile.json"
HANDS = ("left", "right", "not settled")
PROMPTING = ("errorless", "after_error", "none")
MODES = ("home", "clinic")
# The per-child settings, with the type each takes (checked on write and on read).
CHILD_SETTINGS: dict[str, type] = {
    "left_handed": bool,
    "strict": bool,
    "sound_on": bool,
    "session_minutes": int,
    "mode": str,
    "assisted_input": bool,
    "prompting": str,
}
MAX_SESSION_MINUTES = 120


@dataclass(frozen=True)
class ChildProfile:
    """What finemotor knows about one child besides the roster's nickname and picture."""

    birth_month: str | None = None  # "YYYY-MM"
    hand: str | None = None  # one of HANDS
    settings: dict[str, Any] = field(default_factory=dict)  # only the keys set for this child

    def age_months(self, on: date) -> int | None:
        """The child's age in whole months on ``on`` (None without a birth month)."""
        if self.birth_month is None:
            return None
        year, month = (int(x) for x in self.birth_month.split("-"))
        return (on.year - year) * 12 + (on.month - month)


def profile_path(data_dir: str | os.PathLike[str], child_id: str) -> Path:
    """Where the child's profile lives (not created)."""
    return child_files_dir(data_dir, child_id) / PROFILE_FILE


def check_birth_month(text: str, today: date) -> str:
    """``YYYY-MM`` checked: a real month, not in the future, at most 18 years ago."""
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        date(year, month, 1)
    except ValueError:
        raise UsageError(f"birth month must look like 2021-05 (year-month), got {text!r}") from None
    if (year, month) > (today.year, today.month):
        raise UsageError(f"birth month {text} is in the future")
    if today.year - year > 18:
        raise UsageError(f"birth month {text} is more than 18 years ago; finemotor is for children")
    return f"{year:04d}-{month:02d}"


def check_setting(key: str, value: Any) -> Any:
    """``value`` checked for the per-child setting ``key``; a one-line error otherwise."""
    if key not in CHILD_SETTINGS:
        raise UsageError(f"unknown child setting {key!r} (known: {', '.join(CHILD_SETTINGS)})")
    kind = CHILD_SETTINGS[key]
    if kind is bool and not isinstance(value, bool):
        raise UsageError(f"{key} must be on or off, got {value!r}")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise UsageError(f"{key} must be a whole number, got {value!r}")
    if key == "session_minutes" and not 1 <= value <= MAX_SESSION_MINUTES:
        raise UsageError(f"session minutes must be 1 to {MAX_SESSION_MINUTES}, got {value}")
    if key == "mode" and value not in MODES:
        raise UsageError(f"mode must be one of {', '.join(MODES)}, got {value!r}")
    if key == "prompting" and value not in PROMPTING:
        raise UsageError(f"prompting must be one of {', '.join(PROMPTING)}, got {value!r}")
    return value


def _from_json(doc: Any) -> ChildProfile:
    """A profile from stored JSON, forgivingly: a bad field is dropped, never fatal."""
    if not isinstance(doc, dict):
        return ChildProfile()
    birth = doc.get("birth_month")
    birth_ok = isinstance(birth, str) and len(birth) == 7 and birth[4] == "-"
    hand = doc.get("hand") if doc.get("hand") in HANDS else None
    settings: dict[str, Any] = {}
    raw = doc.get("settings")
    for key, value in (raw.items() if isinstance(raw, dict) else ()):
        try:
            settings[key] = check_setting(key, value)
        except UsageError:
            continue
    return ChildProfile(birth if birth_ok else None, hand, settings)


def load_profile(data_dir: str | os.PathLike[str], child_id: str) -> ChildProfile:
    """The child's profile; an empty one when there is none or it cannot be read (the app
    must always start; a grown-up sees the defaults and can set them again)."""
    try:
        return _from_json(json.loads(profile_path(data_dir, child_id).read_text("utf-8")))
    except (OSError, ValueError):
        return ChildProfile()


def update_profile(
    data_dir: str | os.PathLike[str],
    child_id: str,
    *,
    birth_month: str | None = None,
    hand: str | None = None,
    settings: dict[str, Any] | None = None,
    clear: tuple[str, ...] = (),
) -> ChildProfile:
    """Set the given fields (None: leave as is; ``clear`` names fields or settings to forget)
    under the file lock; returns the stored profile. Values must already be checked."""
    if hand is not None and hand not in HANDS:
        raise UsageError(f"hand must be one of {', '.join(HANDS)}, got {hand!r}")
    path = profile_path(data_dir, child_id)
    ensure_private_dir(path.parent)
    with locked(path):
        current = load_profile(data_dir, child_id)
        given = {k: check_setting(k, v) for k, v in (settings or {}).items()}
        merged = {**current.settings, **given}
        for key in clear:
            merged.pop(key, None)
        new = replace(
            current,
            birth_month=None if "birth_month" in clear else (birth_month or current.birth_month),
            hand=None if "hand" in clear else (hand or current.hand),
            settings=merged,
        )
        atomic_write_json(path, {
            "birth_month": new.birth_month, "hand": new.hand, "settings": new.settings,
        })
    return new
