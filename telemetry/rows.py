"""The one reader of checked rows: which lines of a table file count, and a trial's rows.

A row counts only when it ends in a newline and the 8 hex digits after its last comma are the
crc32 of what precedes that comma (``telemetry.schema``). The loader (whole tables, through
pandas) and the report sections (the rows of one drawn trial) both check rows here, so a row
the loader skips is never drawn, and the other way round.

Pure Python (no pandas): the report's sections read a few trials without importing it.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable
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


# A run of consecutive whole rows sharing their first three fields (version, session, trial):
# group 1 is that prefix with its comma. Each row starts after a newline; the scan stops at
# the last newline (``endpos``), so a torn last row is never part of a run.
_RUN = re.compile(rb"\n([0-9]++,[^,\n]*+,[0-9]++,)[^\n]*+(?:\n\1[^\n]*+)*+")

Runs = dict[bytes, list[tuple[int, int]]]


def trial_runs(data: bytes) -> Runs:
    """Where each trial's rows are in ``data`` (a newline, then rows; CRLF already read as
    LF), in one pass: ``b"version,session,trial,"`` to the (start, end) byte range of every run
    of its whole rows, in file order (one run, unless merged files interleave trials). The
    fields are keyed as written (a look-up writes ``%d`` numbers and the id unquoted, as the
    recorder does): a row whose version or trial is not a plain number is in no run."""
    runs: Runs = {}
    for m in _RUN.finditer(data, 0, data.rfind(b"\n") + 1):
        runs.setdefault(m.group(1), []).append((m.start() + 1, m.end()))
    return runs


def _only_rows(data: bytes, row: bytes) -> bytes | None:
    """``data``'s whole lines joined by newlines when each of them starts with ``row``, else
    None: two counts (fast searches, no object per line) instead of :func:`trial_runs`."""
    end = data.rfind(b"\n")
    whole = data.count(b"\n") - 1  # the first newline is the one put in front
    if whole > 0 and data.count(b"\n" + row, 0, end) == whole:
        return data[1:end]
    return None


class TrialRows:
    """The unchecked lines of one trial in a session's table files, found without parsing.

    A file (up to ``WHOLE_FILE_BYTES``) is read once and indexed once (:func:`trial_runs`):
    each lookup of one of its trials is then a dictionary look-up, so a section asking for
    every trial of a session costs one pass over the file. In a large file (a long session's
    ``samples.csv``) a trial's block is first located by bisection on the trial numbers and
    only its bytes are read and indexed. Only the lines a caller keeps are checked
    (:func:`checked_fields`). Files read are kept until :meth:`clear` (a child's trials share
    a few session files). A large file whose trials are not in order (merged by hand) may have
    rows of a trial outside the span found: the drawing then shows fewer samples; no figure
    comes from samples.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[bytes, Runs | None]] = {}
        # Files that could not be read for another reason than not being there (a network
        # folder's glitch, too many open files): read as empty, and counted, so a value made
        # from them is not kept as if the file were empty (``telemetry.trial_cache``).
        self.read_errors = 0

    def clear(self) -> None:
        """Forget the files read so far (keeps memory flat between children)."""
        self._cache.clear()

    def forget(self, paths: Iterable[str]) -> None:
        """Forget these files' bytes: the next look-up reads them again."""
        for path in paths:
            self._cache.pop(path, None)

    def _failed(self, exc: OSError) -> None:
        if not isinstance(exc, FileNotFoundError):
            self.read_errors += 1

    def _whole(self, path: str) -> bytes | None:
        """The file's bytes with a newline in front so every row starts after one, CRLF read
        as LF, kept until :meth:`clear`; None (nothing read) for a file over
        ``WHOLE_FILE_BYTES``."""
        got = self._cache.get(path)
        if got is not None:
            return got[0]
        try:
            with open(path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size > WHOLE_FILE_BYTES:
                    return None
                data = b"\n" + fh.read()
        except OSError as exc:
            self._failed(exc)
            data = b""
        return self._keep(path, data)

    def _keep(self, path: str, data: bytes) -> bytes:
        """Keep ``data`` (a newline, then the file) as ``path``'s bytes, CRLF read as LF."""
        if b"\r" in data:  # saved on Windows: rows end in CRLF
            data = data.replace(b"\r\n", b"\n")
        self._cache[path] = (data, None)
        return data

    def _data(self, path: str, trial: int) -> tuple[bytes, Runs | None]:
        """The file's bytes and their runs (:meth:`_whole`), or for a large file the bytes of
        ``trial``'s span (runs None: a span is read for one look-up, and not kept)."""
        data = self._whole(path)
        if data is None:
            try:
                with open(path, "rb") as fh:
                    size = os.fstat(fh.fileno()).st_size
                    span = _trial_span(fh, size, trial)
                    if span is not None:
                        fh.seek(span[0])
                        part = b"\n" + fh.read(span[1] - span[0])
                        return (part.replace(b"\r\n", b"\n") if b"\r" in part else part), None
                    fh.seek(0)
                    data = self._keep(path, b"\n" + fh.read())  # no row to bisect on
            except OSError as exc:
                self._failed(exc)
                data = self._keep(path, b"")
        runs = self._cache[path][1]
        if runs is None:  # indexed at the file's first single look-up
            runs = trial_runs(data)
            self._cache[path] = (data, runs)
        return data, runs

    def block(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> bytes:
        """Every whole line of ``trial`` in ``folder``'s file of ``table`` (not yet checked),
        joined by newlines (b"" when none): in file order, the rows of each readable schema
        version in turn. For a caller that keeps a few lines of a long trial: no object per
        line."""
        data, runs = self._data(os.path.join(folder, table.filename), int(trial))
        sid = str(session_id).encode()
        rows = [b"%d,%s,%d," % (v, sid, int(trial)) for v in sorted(schema.READABLE_VERSIONS)]
        if runs is None:  # a span: usually nothing but this trial's rows
            for row in rows:
                only = _only_rows(data, row)
                if only is not None:
                    return only
            runs = trial_runs(data)
        return b"\n".join(data[a:b] for row in rows for a, b in runs.get(row, ()))

    def lines(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[bytes]:
        """Every whole line of ``trial`` in ``folder``'s file of ``table`` (not yet checked),
        in file order, the rows of each readable schema version in turn."""
        block = self.block(folder, table, session_id, trial)
        return block.split(b"\n") if block else []

    def rows(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[list[bytes]]:
        """The checked data fields of every row of ``trial`` (see :meth:`lines`)."""
        return checked_fields(self.lines(folder, table, session_id, trial))
