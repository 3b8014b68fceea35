"""Check and parse whole tables: the valid rows of many files into ONE typed ``pd.read_csv``.

The loader's engine (``telemetry.loader`` is the public entry point; it imports pandas: never
on the play path):

* each file is read once as bytes; whole files are gathered into blocks of a few MB and every
  row of a block is checked at once with numpy (:mod:`telemetry.crc_batch`); a block that fails,
  or a file whose last row is torn, is checked row by row (:func:`telemetry.rows.check_lines`:
  one ``zlib.crc32`` per row) to drop exactly the bad rows;
* the checked bytes of all the files of a table stream into ONE ``pd.read_csv`` call (C
  engine, explicit dtypes, categories for the repeated strings) through :class:`CheckedRows`,
  which reads the next files only when the parser asks for more: the table's text is never
  all in memory at once.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from telemetry import schema
from telemetry.crc_batch import block_is_valid
from telemetry.rows import check_lines, check_versions, strip_header

__all__ = ["BLOCK_BYTES", "CheckedRows", "empty_frame", "load_table", "parse_checked", "parse_rows"]

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
                check_versions(valid, path)
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
                body = strip_header(data, self._table)
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
            check_versions(valid, path)
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


def empty_frame(table: schema.Table) -> pd.DataFrame:
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
    bool, datetime64 UTC, and categories for text (sorted).
    """
    if isinstance(valid, CheckedRows):
        if not valid.has_rows():
            return empty_frame(table)
        source: Any = valid
    else:
        data = valid if isinstance(valid, bytes) else b"".join(valid)
        if not data:
            return empty_frame(table)
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
            if not frame[col.name].isin((0, 1)).all():
                raise ValueError(f"{col.name}: a value other than 0 or 1")  # the lenient parse
            frame[col.name] = frame[col.name].astype(bool)
        elif col.dtype == "datetime":
            frame[col.name] = pd.to_datetime(frame[col.name], utc=True, format="ISO8601")
        elif col.dtype == "str":
            # Sorted categories whatever the parser's chunks (pandas 2 joins the chunks'
            # categories in the order met): the summary cache's typed rows rely on it.
            cats = frame[col.name].cat.categories
            if not cats.is_monotonic_increasing:
                frame[col.name] = frame[col.name].cat.reorder_categories(cats.sort_values())
    return frame[list(table.column_names)]


# Rows checked in one numpy pass (bigger blocks amortise numpy's per-call cost).
BLOCK_BYTES = 4 << 20
_Loaded = tuple[pd.DataFrame, int, list[str]]  # frame, rows skipped, torn files


def load_table(paths: Sequence[str | Path], table: schema.Table) -> _Loaded:
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
        if not stream.has_rows():
            return empty_frame(table), stream.skipped, stream.torn
        frame, bad = _parse_leniently(stream, lambda: stream.rows, table)
        return frame, stream.skipped + bad, stream.torn
    return frame, stream.skipped, stream.torn


_INT_TEXT = r"[+-]?\d{1,18}"  # fits int64 whatever the digits
_BOOL_TEXT = r"[01]"  # as the row writer stores a bool
_CRC_TEXT = r"[0-9a-fA-F]{8}"


def parse_checked(valid: bytes, table: schema.Table) -> tuple[pd.DataFrame, int]:
    """Parse rows already checked (joined, each ending in a newline) as :func:`load_table`
    parses a table: typed, or, when a row's contents are not of its columns' types, leniently
    (such rows dropped). Returns the frame and the number of rows dropped that way."""
    try:
        return parse_rows(valid, table), 0
    except (ValueError, TypeError, OverflowError):
        if not valid:
            return empty_frame(table), 0
        return _parse_leniently(io.BytesIO(valid), lambda: valid.count(b"\n"), table)


def _parse_leniently(
    source: Any, rows: Callable[[], int], table: schema.Table
) -> tuple[pd.DataFrame, int]:
    """Parse checked rows as text, drop (and count) rows whose values are not of their
    columns' types, and type the rest like :func:`parse_rows`. The slow path: only data with
    such a row comes here. ``rows()``: how many rows the source held (asked after reading)."""
    raw = pd.read_csv(
        source,
        header=None,
        names=list(table.header),
        dtype=str,
        keep_default_na=False,  # "" stays "" (a short row's missing fields too)
        engine="c",
        on_bad_lines="skip",  # a row with too many fields
    )
    # A row one field short has its crc32 in the column before (which may read as a number
    # when its 8 hex digits are all digits, one row in 40): the crc32 column is then empty.
    ok = raw.notna().all(axis=1) & raw[schema.CRC_COLUMN].fillna("").str.fullmatch(_CRC_TEXT)
    typed: dict[str, pd.Series] = {}
    for col in table.columns:
        text = raw[col.name].fillna("")
        if col.dtype in ("int", "bool"):
            ok &= text.str.fullmatch(_INT_TEXT if col.dtype == "int" else _BOOL_TEXT)
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
    bad = rows() - int(ok.sum())
    frame = pd.DataFrame({name: series[ok] for name, series in typed.items()})
    for col in table.columns:
        if col.dtype == "int":
            frame[col.name] = frame[col.name].astype("int64")
        elif col.dtype == "bool":
            frame[col.name] = frame[col.name].astype(bool)
        elif col.dtype == "str":
            frame[col.name] = frame[col.name].astype("category")
    return frame.reset_index(drop=True)[list(table.column_names)], bad


