"""The telemetry schema: every CSV table, its columns, types and units, and the row codec.

This module is the single source of truth for the on-disk format described in
``docs/data-format.md``. It is pure Python (no pygame, no pandas) so the recorder on the play
path and the loader on a therapist's laptop share it.

Row format (every table but ``children.csv``)::

    schema_version,<the table's columns...>,crc32\\n

``crc32`` is ``zlib.crc32`` of the UTF-8 bytes of the row up to (not including) the comma that
precedes it, written as 8 lower-case hex digits. A row counts only if it ends in a newline and
its check matches: pandas would otherwise accept a row cut short by a crash and pad it with NaN.
A row may also end in ``\\r\\n`` (a folder opened and saved on Windows): readers accept both.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1
# Readers accept the current and the previous version (DESIGN.md); v1 has no predecessor.
READABLE_VERSIONS: frozenset[int] = frozenset({SCHEMA_VERSION})

CRC_COLUMN = "crc32"
VERSION_COLUMN = "schema_version"

PHASES = ("down", "move", "up")
SOURCES = ("mouse", "touch", "pen")
MODES = ("clinic", "home")  # how a device is used (settings), and a practice session's mode
ASSESSMENT_MODE = "assessment"  # a fixed-protocol session (no adaptation), compared over time
SESSION_MODES = (*MODES, ASSESSMENT_MODE)  # what session.json's ``mode`` may hold


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, logical type, unit and meaning."""

    name: str
    dtype: str  # one of: str, int, float, bool, datetime
    unit: str
    description: str


@dataclass(frozen=True)
class Table:
    """One CSV table of a session folder (or the roster)."""

    name: str
    filename: str
    columns: tuple[Column, ...]
    checked: bool = True  # rows carry schema_version and crc32

    @property
    def column_names(self) -> tuple[str, ...]:
        """The data columns, without ``schema_version`` and ``crc32``."""
        return tuple(c.name for c in self.columns)

    @property
    def header(self) -> tuple[str, ...]:
        """Every column as it stands in the file's header line."""
        if not self.checked:
            return self.column_names
        return (VERSION_COLUMN, *self.column_names, CRC_COLUMN)

    def header_line(self) -> bytes:
        """The header line, newline included."""
        return (",".join(self.header) + "\n").encode("utf-8")

    def dtypes(self) -> dict[str, str]:
        """Column name to logical type, for the loader."""
        return {c.name: c.dtype for c in self.columns}


_SESSION = Column("session_id", "str", "", "random id of the session (uuid4 hex, 32 chars)")
_TRIAL = Column("trial", "int", "", "trial number within the session, from 1")
_ACTIVITY = Column("activity", "str", "", "activity id from the registry (games/registry.py)")

TRIALS = Table(
    "trials",
    "trials.csv",
    (
        _SESSION,
        Column("child_id", "str", "", "pseudonymous child id (uuid4 hex); never a name"),
        _ACTIVITY,
        Column("level", "int", "", "difficulty level played, from 1"),
        _TRIAL,
        Column("item", "str", "", "what was practised: shape, glyph, routine id, ..."),
        Column("mode", "str", "", "activity-specific play mode, e.g. 'trace', 'copy'"),
        Column("started_at", "datetime", "ISO 8601 UTC", "wall-clock start of the trial"),
        Column("duration_ms", "float", "ms", "first touch to completion (monotonic clock)"),
        Column("accuracy", "float", "0..1", "activity-defined accuracy, 1 is best"),
        Column("errors", "int", "count", "activity-defined error count"),
        Column("completed", "bool", "", "1 if the child finished the trial, 0 if abandoned"),
    ),
)

METRICS = Table(
    "metrics",
    "metrics.csv",
    (
        _SESSION,
        _TRIAL,
        _ACTIVITY,
        Column("metric", "str", "", "metric name, e.g. 'mean_deviation'"),
        Column("value", "float", "", "the metric's value"),
        Column("unit", "str", "", "unit of value, e.g. 'px', 'mm', 'ms', '%', 'count'"),
    ),
)

SAMPLES = Table(
    "samples",
    "samples.csv",
    (
        _SESSION,
        _TRIAL,
        Column("t_ms", "float", "ms", "time since the session's monotonic origin"),
        Column("x", "float", "px", "logical x (1280x800 space)"),
        Column("y", "float", "px", "logical y (1280x800 space)"),
        Column("pointer", "int", "", "pointer id: 0 mouse/pen, finger index for touch"),
        Column("phase", "str", "", "down, move or up"),
        Column("source", "str", "", "mouse, touch or pen"),
    ),
)

TARGETS = Table(
    "targets",
    "targets.csv",
    (
        _SESSION,
        _TRIAL,
        Column("kind", "str", "", "what the geometry is, e.g. 'model_path', 'cup', 'slot'"),
        Column("part", "int", "", "which part (stroke number, object number), from 0"),
        Column("seq", "int", "", "point order within the part, from 0"),
        Column("x", "float", "px", "logical x"),
        Column("y", "float", "px", "logical y"),
    ),
)

CHILDREN = Table(
    "children",
    "children.csv",
    (
        Column("child_id", "str", "", "pseudonymous id (uuid4 hex)"),
        Column("nickname", "str", "", "what the child is called on screen; only stored here"),
        Column("avatar", "str", "", "avatar picture id"),
        Column("created_at", "datetime", "ISO 8601 UTC", "when the profile was made"),
    ),
    checked=False,  # rewritten atomically as a whole, never appended
)

SESSION_TABLES: tuple[Table, ...] = (TRIALS, METRICS, SAMPLES, TARGETS)
TABLES: dict[str, Table] = {t.name: t for t in (*SESSION_TABLES, CHILDREN)}


STORED_DECIMALS = 4  # floats are stored rounded to this many decimals
_UNROUNDED = 1e12  # beyond this a float is stored as it is (rounding would not shorten it)


def as_stored(value: Any) -> Any:
    """A float, or an array of them, exactly as a row stores it (``STORED_DECIMALS``).

    The one stored-precision rule: the row writer uses it, and a scene scores its samples
    through it, so a trial scored in play and re-scored from disk read the very same numbers
    (scoring has thresholds where 0.1 us can tip a figure). For an array (numpy, imported
    only then), ``np.round`` gives the same float as Python's ``round`` except near a half
    (xxx.xxxx5), where its scaled rounding may go the other way: those few values are rounded
    again with ``round``.
    """
    if isinstance(value, (float, int)):
        v = float(value)
        return round(v, STORED_DECIMALS) if abs(v) < _UNROUNDED else v
    import numpy as np

    values = np.asarray(value, dtype=float)
    out = np.round(values, STORED_DECIMALS)
    scaled = values * 10.0**STORED_DECIMALS
    with np.errstate(invalid="ignore"):
        redo = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3) | ~(np.abs(values) < _UNROUNDED)
    flat_out, flat_in = out.reshape(-1), values.reshape(-1)
    for i in np.flatnonzero(redo.reshape(-1)):
        v = float(flat_in[i])
        flat_out[i] = round(v, STORED_DECIMALS) if abs(v) < _UNROUNDED else v
    return out


def _field(value: object) -> str:
    """Format one value for CSV: bools as 0/1, floats compactly, quote text when needed."""
    if value is None:
        return ""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        # A numpy scalar (np.bool_, np.float32, np.int64...) is stored as the Python value it
        # holds: np.bool_ would otherwise be written "True" and np.float32 unrounded.
        value = value.item()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return repr(as_stored(value))
    text = str(value)
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def field_text(value: object) -> str:
    """One value as a row stores it (what :func:`encode_row` writes between the commas)."""
    return _field(value)


def encode_row(values: tuple[object, ...] | list[object], version: int = SCHEMA_VERSION) -> bytes:
    """Encode one checked row: version, the values, then the crc32 of all that, and a newline."""
    body = ",".join([str(version), *(_field(v) for v in values)])
    crc = zlib.crc32(body.encode("utf-8"))
    return f"{body},{crc:08x}\n".encode()


def encode_plain_row(values: tuple[object, ...] | list[object]) -> bytes:
    """Encode one unchecked row (``children.csv``)."""
    return (",".join(_field(v) for v in values) + "\n").encode("utf-8")


def row_is_valid(line: bytes) -> bool:
    """True if ``line`` (newline included) is a whole row whose crc32 matches its body.

    The line may end in CRLF (a file saved on Windows): the crc32 is over the row without its
    line end, so ``\\r\\n`` and ``\\n`` are both accepted.
    """
    if not line.endswith(b"\n"):
        return False
    end = 2 if line.endswith(b"\r\n") else 1
    body, sep, crc = line[:-end].rpartition(b",")
    if not sep or len(crc) != 8:
        return False
    try:
        expected = int(crc, 16)
    except ValueError:
        return False
    return zlib.crc32(body) == expected
