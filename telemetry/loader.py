"""Load a data folder into typed pandas DataFrames, skipping (and counting) torn or bad rows.

Used by the report and analysis code only (it imports pandas: never on the play path).

Speed is the point (a clinic is ~6,000 session folders and ~2.5 M metric rows, to be reported
in seconds):

* each file is read once as bytes; whole files are gathered into blocks of a few MB and every
  row of a block is checked at once with numpy (:mod:`telemetry.crc_batch`); a block that fails,
  or a file whose last row is torn, is checked row by row (:func:`check_lines`: one
  ``zlib.crc32`` per row, :mod:`telemetry.rows`) to drop exactly the bad rows;
* the checked bytes of all the files of a table stream into ONE ``pd.read_csv`` call (C
  engine, explicit dtypes, categories for the repeated strings) through :class:`CheckedRows`,
  which reads the next files only when the parser asks for more: the table's text is never
  all in memory at once.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from telemetry import schema
from telemetry.children import ChildrenRegistry
from telemetry.crc_batch import block_is_valid
from telemetry.errors import SchemaVersionError, UsageError
from telemetry.recorder import SESSION_FILE
from telemetry.rows import check_lines

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


# ---------------------------------------------------------------------------- row checking
# A row counts as telemetry.rows.check_lines says; the report reads drawn trials through it.

def _strip_header(data: bytes, table: schema.Table) -> bytes:
    """The file without its header line (any version's header: it starts 'schema_version,')."""
    header = table.header_line()
    if data.startswith(header):
        return data[len(header) :]
    if data.startswith(schema.VERSION_COLUMN.encode() + b","):
        nl = data.find(b"\n")
        return b"" if nl < 0 else data[nl + 1 :]
    return data


def _readable_text() -> str:
    return ", ".join(str(v) for v in sorted(schema.READABLE_VERSIONS))


def _version_error(path: Path | str, version: object) -> SchemaVersionError:
    return SchemaVersionError(
        f"{path}: written with schema version {version}; this finemotor reads version(s) "
        f"{_readable_text()}: update finemotor to read it"
    )


def _check_versions(valid: bytes, path: str | Path) -> None:
    """Raise :class:`SchemaVersionError` if a valid row has a version this code cannot read."""
    if not valid:
        return
    prefix = b"%d," % schema.SCHEMA_VERSION
    rows = valid.count(b"\n")
    # Fast path: every row starts with the current version (newlines never occur inside a
    # field: the recorder refuses them).
    if valid.startswith(prefix) and valid.count(b"\n" + prefix) == rows - 1:
        return
    for line in valid.split(b"\n")[:-1]:
        version = line.split(b",", 1)[0].decode("ascii", "replace")
        try:
            readable = int(version) in schema.READABLE_VERSIONS
        except ValueError:
            readable = False
        if not readable:
            raise _version_error(path, version)


class CheckedRows(io.RawIOBase):
    """A read-only binary stream of the valid rows of many files, checked as they are pulled.

    ``pd.read_csv`` reads it in blocks; each file is read and checked only when the parser
    needs more bytes, and dropped once consumed, so the whole table's text is never held in
    memory at once (the clinic's metrics are ~190 MB of text). After reading, ``skipped`` and
    ``torn`` say what was left out, and ``skipped_by_file`` how many rows of which file (the
    export keeps its counts per session).
    """

    def __init__(
        self, paths: Iterable[str | Path], table: schema.Table, count_rows: bool = False
    ) -> None:
        super().__init__()
        self._paths = iter(paths)
        self._table = table
        self._buf = memoryview(b"")
        self._pending: list[tuple[str | Path, bytes]] = []
        self._count_rows = count_rows
        self.skipped = 0
        self.rows = 0  # rows served (counted only with ``count_rows``)
        self.skipped_by_file: dict[str, int] = {}
        self.torn: list[str] = []

    def _serve(self, valid: bytes) -> None:
        if self._count_rows:
            self.rows += valid.count(b"\n")
        self._buf = memoryview(valid)

    def readable(self) -> bool:
        """Always True: this is an input stream."""
        return True

    def _next_file(self) -> bool:
        """Load the next block of valid rows into the buffer; False when no file is left.

        Whole files (ending in a newline) are gathered up to ``BLOCK_BYTES`` and checked at
        once by :func:`telemetry.crc_batch.block_is_valid`; if that check fails, or a file's
        last row is torn, those files are checked row by row. File order is kept.
        """
        while not self._buf:
            if self._pending:
                path, body = self._pending.pop()
                valid, skipped, torn = check_lines(body)
                _check_versions(valid, path)
                self._count_skipped(path, skipped)
                if torn:
                    self.torn.append(str(path))
                self._serve(valid)
                continue
            block: list[tuple[str | Path, bytes]] = []
            size = 0
            for path in self._paths:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except FileNotFoundError:
                    continue
                if b"\r" in data:  # saved on Windows: the crc32 is over the row without \r\n
                    data = data.replace(b"\r\n", b"\n")
                body = _strip_header(data, self._table)
                if not body:
                    continue
                if not body.endswith(b"\n"):
                    # A torn file: check it alone, after the block before it (order matters).
                    self._pending.append((path, body))
                    break
                block.append((path, body))
                size += len(body)
                if size >= BLOCK_BYTES:
                    break
            if not block and not self._pending:
                return False
            if block:
                self._serve(self._check_block(block))
        return True

    def _check_block(self, block: list[tuple[str | Path, bytes]]) -> bytes:
        joined = block[0][1] if len(block) == 1 else b"".join(body for _, body in block)
        # Fast path: every row whole, checked, and of the current version.
        if block_is_valid(joined, b"%d," % schema.SCHEMA_VERSION):
            return joined
        kept = []
        for path, body in block:
            valid, skipped, _ = check_lines(body)
            _check_versions(valid, path)
            self._count_skipped(path, skipped)
            kept.append(valid)
        return b"".join(kept)

    def _count_skipped(self, path: str | Path, skipped: int) -> None:
        self.skipped += skipped
        if skipped:
            self.skipped_by_file[str(path)] = skipped

    def has_rows(self) -> bool:
        """True if at least one valid row is left (reads ahead to the next non-empty file)."""
        return bool(self._buf) or self._next_file()

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` with the next valid bytes; 0 at the end of the last file."""
        if not self._buf and not self._next_file():
            return 0
        n = min(len(buffer), len(self._buf))
        buffer[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def read_all(self) -> bytes:
        """Every remaining valid byte (for small tables and tests)."""
        return self.readall()


# ---------------------------------------------------------------------------- parsing


def _read_dtypes(table: schema.Table) -> dict[str, Any]:
    dtypes: dict[str, Any] = {schema.VERSION_COLUMN: "int16"}
    for col in table.columns:
        if col.dtype == "str":
            dtypes[col.name] = "category"
        elif col.dtype == "int":
            dtypes[col.name] = "int64"
        elif col.dtype == "float":
            dtypes[col.name] = "float64"
        elif col.dtype == "bool":
            dtypes[col.name] = "int8"
        else:  # datetime: parsed after reading
            dtypes[col.name] = "str"
    return dtypes


def _empty_frame(table: schema.Table) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for col in table.columns:
        dtype = {
            "str": "category",
            "int": "int64",
            "float": "float64",
            "bool": "bool",
            "datetime": "",
        }[col.dtype]
        if col.dtype == "datetime":  # same resolution as parsed text gives
            data[col.name] = pd.Series([], dtype="datetime64[us, UTC]")
        else:
            data[col.name] = pd.Series([], dtype=dtype)
    return pd.DataFrame(data)


def parse_rows(valid: bytes | Sequence[bytes] | CheckedRows, table: schema.Table) -> pd.DataFrame:
    """Parse checked rows (no header, each ending in a newline) into a typed DataFrame.

    Columns are the table's columns (``schema_version`` and ``crc32`` dropped): int64, float64,
    bool, datetime64 UTC, and categories for text.
    """
    if isinstance(valid, CheckedRows):
        if not valid.has_rows():
            return _empty_frame(table)
        source: Any = valid
    else:
        data = valid if isinstance(valid, bytes) else b"".join(valid)
        if not data:
            return _empty_frame(table)
        source = io.BytesIO(data)
    names = list(table.header)
    floats = [c.name for c in table.columns if c.dtype == "float"]
    frame = pd.read_csv(
        source,
        header=None,
        names=names,
        usecols=list(table.column_names),
        dtype=_read_dtypes(table),
        keep_default_na=False,  # an empty item or mode stays '', not NaN
        na_values={name: [""] for name in floats},
        engine="c",
    )
    for col in table.columns:
        if col.dtype == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        elif col.dtype == "datetime":
            frame[col.name] = pd.to_datetime(frame[col.name], utc=True, format="ISO8601")
    return frame[list(table.column_names)]


# Rows checked in one numpy pass (bigger blocks amortise numpy's per-call cost).
BLOCK_BYTES = 4 << 20
_Loaded = tuple[pd.DataFrame, int, list[str]]  # frame, rows skipped, torn files


def _load_table(paths: Sequence[str | Path], table: schema.Table) -> _Loaded:
    """Check and parse one table over many files with ONE ``pd.read_csv`` call.

    A row whose crc32 is right but whose contents are not of its columns' types (a level of
    ``abc``, a ``started_at`` of ``not-a-date``: a file edited in a spreadsheet or written by
    another tool) makes the typed parse fail; then the table is read again as text and such
    rows are dropped and counted with the skipped ones (:func:`_parse_leniently`).
    """
    stream = CheckedRows(paths, table)
    try:
        frame = parse_rows(stream, table)
    except (ValueError, TypeError, OverflowError):
        stream = CheckedRows(paths, table, count_rows=True)
        frame, bad = _parse_leniently(stream, table)
        return frame, stream.skipped + bad, stream.torn
    return frame, stream.skipped, stream.torn


_INT_TEXT = r"[+-]?\d{1,18}"  # fits int64 whatever the digits


def _parse_leniently(stream: CheckedRows, table: schema.Table) -> tuple[pd.DataFrame, int]:
    """Parse checked rows as text, drop (and count) rows whose values are not of their
    columns' types, and type the rest like :func:`parse_rows`. The slow path: only data with
    such a row comes here."""
    if not stream.has_rows():
        return _empty_frame(table), 0
    raw = pd.read_csv(
        stream,
        header=None,
        names=list(table.header),
        dtype=str,
        keep_default_na=False,  # "" stays "": a missing field (short row) is NaN
        engine="c",
        on_bad_lines="skip",  # a row with too many fields
    )
    ok = raw.notna().all(axis=1)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        text = raw[col.name].fillna("")
        if col.dtype in ("int", "bool"):
            ok &= text.str.fullmatch(_INT_TEXT)
            typed[col.name] = pd.to_numeric(text.where(ok, "0"))
        elif col.dtype == "float":
            value = pd.to_numeric(text, errors="coerce")
            ok &= value.notna() | (text == "")
            typed[col.name] = value.astype("float64")
        elif col.dtype == "datetime":
            value = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
            ok &= value.notna() | (text == "")
            typed[col.name] = value
        else:
            typed[col.name] = text
    bad = stream.rows - int(ok.sum())
    frame = pd.DataFrame({name: series[ok] for name, series in typed.items()})
    for col in table.columns:
        if col.dtype == "int":
            frame[col.name] = frame[col.name].astype("int64")
        elif col.dtype == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        elif col.dtype == "str":
            frame[col.name] = frame[col.name].astype("category")
    return frame.reset_index(drop=True)[list(table.column_names)], bad


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


def _read_session(folder: str) -> dict[str, Any] | None:
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
        raise _version_error(path, version)
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
) -> Dataset:
    """Load the sessions of a data folder (optionally some children, a date range) typed.

    ``since``/``until`` keep sessions whose UTC start date is within them (both inclusive).
    ``tables`` picks which session tables to read (``samples`` and ``targets`` are large).
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
    for folder in _session_folders(data, child_ids, since_d, until_d):
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

    kept = set(sessions["folder"]) | set(quality.unreadable_sessions)
    folders = [f for f in folders if f in kept]
    order = {path: i for i, path in enumerate(sessions["folder"])}
    folders.sort(key=lambda f: order.get(f, len(order)))

    frames: dict[str, pd.DataFrame | None] = {}
    for table in schema.SESSION_TABLES:
        if table.name not in tables:
            frames[table.name] = None
            continue
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
