"""The one reader of checked rows: which lines of a table file count, and a trial's rows.

A row counts only when it ends in a newline and the 8 hex digits after its last comma are the
crc32 of what precedes that comma (``telemetry.schema``). The loader (whole tables, through
pandas) and the report sections (the rows of one drawn trial) both check rows here, so a row
the loader skips is never drawn, and the other way round.

Pure Python (no pandas): the report's sections read a few trials without importing it.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path
from typing import BinaryIO

from telemetry import schema
from telemetry.errors import SchemaVersionError

_CRC = zlib.crc32


def check_lines(body: bytes) -> tuple[bytes, int, bool]:
    """Keep the valid rows of ``body`` (a file without its header line).

    Returns (the valid rows as bytes, each ending in a newline; the number of rows dropped;
    whether the last row was torn, i.e. had no newline). A row is valid when it ends in a
    newline and the 8 hex digits after its last comma are the crc32 of what precedes that
    comma. CRLF line ends (a file saved on Windows) count as newlines: the crc32 is over the
    row without its line end, and the rows come back ending in ``\\n``.
    """
    if not body:
        return b"", 0, False
    if b"\r" in body:  # a CR elsewhere than before a newline stays, and fails its row
        body = body.replace(b"\r\n", b"\n")
    lines = body.split(b"\n")
    tail = lines.pop()  # b"" when the file ends in a newline, else a torn row
    crc = _CRC
    # Hot loop: comparing hex text avoids an int() per row; the comma check guards against a
    # row whose crc field lost characters (the body slice would then include a digit).
    ok = [ln for ln in lines if ln[-9:-8] == b"," and b"%08x" % crc(ln[:-9]) == ln[-8:]]
    skipped = len(lines) - len(ok) + (1 if tail else 0)
    if len(ok) == len(lines):
        valid = body[: len(body) - len(tail)] if tail else body
    else:
        valid = b"\n".join(ok) + b"\n" if ok else b""
    return valid, skipped, bool(tail)


def strip_header(data: bytes, table: schema.Table) -> bytes:
    """The file without its header line (any version's header: it starts 'schema_version,')."""
    header = table.header_line()
    if data.startswith(header):
        return data[len(header) :]
    if data.startswith(schema.VERSION_COLUMN.encode() + b","):
        nl = data.find(b"\n")
        return b"" if nl < 0 else data[nl + 1 :]
    return data


def _readable_text() -> str:
    """The readable schema versions, for messages."""
    return ", ".join(str(v) for v in sorted(schema.READABLE_VERSIONS))


def version_error(path: Path | str, version: object) -> SchemaVersionError:
    """The error for a row or session written with a schema version this code cannot read."""
    return SchemaVersionError(
        f"{path}: written with schema version {version}; this finemotor reads version(s) "
        f"{_readable_text()}: update finemotor to read it"
    )


def check_versions(valid: bytes, path: str | Path) -> None:
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
            raise version_error(path, version)


def checked_fields(lines: list[bytes]) -> list[list[bytes]]:
    """The data fields (version and crc dropped) of the lines (no newline) whose crc matches.

    Same check as :func:`check_lines` (a line may keep the ``\\r`` of a CRLF line end); a
    line that fails is left out.
    """
    crc = _CRC
    lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
    return [
        ln.split(b",")[1:-1]
        for ln in lines
        if ln[-9:-8] == b"," and b"%08x" % crc(ln[:-9]) == ln[-8:]
    ]


WHOLE_FILE_BYTES = 256 << 10  # files up to this size are read whole; larger ones searched
_PROBE = 4096  # bytes read at each step of the search


def _trial_at(fh: BinaryIO, pos: int, size: int) -> tuple[int, int | None]:
    """The start of the first whole row at or after ``pos`` and its trial number (None at
    the end, or when the row is not a ``version,session,trial,`` row)."""
    fh.seek(pos)
    chunk = fh.read(_PROBE)
    start = 0
    if pos > 0:
        nl = chunk.find(b"\n")
        if nl < 0:
            return size, None
        start = nl + 1
    end = chunk.find(b"\n", start)
    line = chunk[start:] if end < 0 else chunk[start:end]
    parts = line.split(b",", 3)
    try:
        return pos + start, int(parts[2])
    except (IndexError, ValueError):
        return pos + start, None


def _trial_span(fh: BinaryIO, size: int, trial: int) -> tuple[int, int] | None:
    """Byte range of ``trial``'s rows in a file whose rows are in trial order (the recorder
    writes a session's trials one after another), found by bisection: about 2 x log2(size /
    4 KB) small reads instead of the whole file. None when a probe reads no row (then the
    caller reads the file whole)."""

    def first_row_from(target: int) -> int | None:
        lo, hi = 0, size  # invariant: the first row with trial >= target starts in [lo, hi]
        while hi - lo > _PROBE:
            mid = (lo + hi) // 2
            start, t = _trial_at(fh, mid, size)
            if t is None:
                if start >= size:
                    hi = mid
                    continue
                return None
            if t >= target:
                hi = mid
            else:
                lo = min(start, hi)
        # Finish in the last small window: scan it row by row.
        fh.seek(lo)
        window = fh.read(hi - lo + _PROBE)
        pos = 0
        if lo > 0:
            pos = window.find(b"\n") + 1
            if pos == 0:
                return None
        while pos < len(window):
            end = window.find(b"\n", pos)
            parts = window[pos: end if end >= 0 else len(window)].split(b",", 3)
            try:
                if int(parts[2]) >= target:
                    return lo + pos
            except (IndexError, ValueError):
                pass  # the header line, or a damaged row: look on
            if end < 0:
                break
            pos = end + 1
        return lo + pos

    begin = first_row_from(trial)
    end = first_row_from(trial + 1)
    if begin is None or end is None:
        return None
    return begin, max(begin, min(end, size))


class TrialRows:
    """The unchecked lines of one trial in a session's table files, found without parsing.

    A drawn trial's block is found by its row prefix (``version,session_id,trial,``); in a
    large file (over ``WHOLE_FILE_BYTES``, a long session's ``samples.csv``) the block is
    first located by bisection on the trial numbers and only its bytes are read. Only the
    lines a caller keeps are checked (:func:`checked_fields`). Small files read are kept until
    :meth:`clear` (a child's trials share a few session files). A large file whose trials are
    not in order (merged by hand) may have rows of a trial outside the span found: the
    drawing then shows fewer samples; no figure comes from samples.
    """

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def clear(self) -> None:
        """Forget the files read so far (keeps memory flat between children)."""
        self._cache.clear()

    def seed(self, path: str | Path, valid: bytes | memoryview) -> None:
        """Serve ``path`` from ``valid`` (its checked rows, without the header) instead of
        reading it: the report passes the summary cache's rows of a session's metrics
        (``telemetry.summary_cache``), whose key matched the file's when they were loaded."""
        self._cache[str(path)] = b"\n" + valid

    def _data(self, path: str, trial: int) -> bytes:
        """The file's bytes (or, for a large file, the bytes around ``trial``'s rows), with a
        newline in front so every row starts after one, CRLF read as LF."""
        key = path
        data = self._cache.get(key)
        if data is not None:
            return data
        try:
            with open(path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                span = _trial_span(fh, size, trial) if size > WHOLE_FILE_BYTES else None
                if span is not None:
                    fh.seek(span[0])
                    part = b"\n" + fh.read(span[1] - span[0])
                    return part.replace(b"\r\n", b"\n") if b"\r" in part else part
                fh.seek(0)
                data = b"\n" + fh.read()
        except OSError:
            data = b""
        if b"\r" in data:  # saved on Windows: rows end in CRLF
            data = data.replace(b"\r\n", b"\n")
        self._cache[key] = data
        return data

    def lines(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[bytes]:
        """Every line of ``trial`` in ``folder``'s file of ``table`` (not yet checked)."""
        data = self._data(os.path.join(folder, table.filename), int(trial))
        blocks: list[bytes] = []
        for v in sorted(schema.READABLE_VERSIONS):
            prefix = b"\n%d,%s,%d," % (v, str(session_id).encode(), int(trial))
            first = data.find(prefix)
            if first < 0:
                continue
            # The recorder writes a trial's rows contiguously: walk them row by row (a
            # search backwards from the end of a whole metrics.csv cost more than the rows).
            row = prefix[1:]
            pos = first + 1
            end = first
            while True:
                nl = data.find(b"\n", pos)
                if nl < 0:  # the last row is torn (no newline): it is not a row
                    break
                end, pos = nl, nl + 1
                if not data.startswith(row, pos):
                    break
            raw = data[first + 1 : end] if end > first else b""
            # Merged or hand-edited files may interleave trials: then every row of this trial.
            if end > first and data.find(prefix, end) >= 0:
                tail = data[first + 1 :].split(b"\n")[:-1]  # without a torn last row
                raw = b"\n".join(ln for ln in tail if ln.startswith(row))
            if raw:
                blocks.append(raw)
        return b"\n".join(blocks).split(b"\n") if blocks else []

    def rows(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[list[bytes]]:
        """The checked data fields of every row of ``trial`` (see :meth:`lines`)."""
        return checked_fields(self.lines(folder, table, session_id, trial))
