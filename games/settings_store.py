"""Where the grown-up settings live: ``<data>/settings.json`` (atomic replace, owner-only).

Every write happens under the file's OS lock (:mod:`telemetry.locking`), and a change of some
settings goes through :func:`update_settings`, which reads the stored file, applies the change
and writes it back inside that lock: the launcher and ``finemotor calibrate`` running at once
never undo each other's change.

The file holds every :class:`engine.settings.Settings` field plus ``mode`` (``clinic`` or
``home``), which is a property of the device's use rather than of play. Reading is forgiving:
a missing, unreadable or hand-mangled file gives the defaults (the app must always start);
only writing can fail, and then the caller decides what to tell the grown-up.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from engine.settings import Settings
from telemetry.locking import locked
from telemetry.schema import MODES
from telemetry.storage import atomic_write_json, ensure_private_dir

SETTINGS_FILE = "settings.json"
DEFAULT_MODE = "home"


def settings_path(data_dir: str | os.PathLike[str]) -> Path:
    """The settings file of a data folder."""
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: str | os.PathLike[str]) -> tuple[Settings, str]:
    """The stored settings and mode, or the defaults for whatever is missing or bad."""
    try:
        data = json.loads(settings_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings(), DEFAULT_MODE
    mode = data.get("mode") if isinstance(data, dict) else None
    return Settings.from_dict(data), mode if mode in MODES else DEFAULT_MODE


def _write(data_dir: str | os.PathLike[str], settings: Settings, mode: str) -> Path:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    path = settings_path(data_dir)
    atomic_write_json(path, {**settings.to_dict(), "mode": mode})
    return path


def save_settings(data_dir: str | os.PathLike[str], settings: Settings, mode: str) -> Path:
    """Atomically write the settings and mode (file 0600, folder 0700); returns the path."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    ensure_private_dir(data_dir)
    with locked(settings_path(data_dir)):
        return _write(data_dir, settings, mode)


def update_settings(
    data_dir: str | os.PathLike[str],
    change: Callable[[Settings, str], tuple[Settings, str]],
) -> tuple[Settings, str]:
    """Read the stored settings, apply ``change`` and write the result, all under the lock.

    ``change`` gets the stored (settings, mode) and returns the new pair; it may run while
    another process waits, so it should be quick and do no I/O. Returns what was stored.
    """
    ensure_private_dir(data_dir)
    with locked(settings_path(data_dir)):
        settings, mode = change(*load_settings(data_dir))
        _write(data_dir, settings, mode)
    return settings, mode
