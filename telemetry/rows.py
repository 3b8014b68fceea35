"""The one reader of checked rows: which lines of a table file count, and a trial's rows.

A row counts only when it ends in a newline and the 8 hex digits after its last comma are the
crc32 of what precedes that comma (``telemetry.schema``). The loader (whole tables, through
pandas) and the report sections (the rows of one drawn trial) both check rows here, so a row
the loader skips is never drawn, and the other way round.

Pure Python (no pandas): the report's sections read a few trials without importing it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from telemetry import schema

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


class TrialRows:
    """The unchecked lines of one trial in a session's table files, found without parsing.

    A drawn trial's block is found by its row prefix (``version,session_id,trial,``, a C-speed
    ``bytes.find``) and only the lines a caller keeps are checked (:func:`checked_fields`), so
    a report draws a trial from a large ``samples.csv`` without splitting the whole file. Files
    read are kept until :meth:`clear` (a child's trials share a few session files).
    """

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def clear(self) -> None:
        """Forget the files read so far (keeps memory flat between children)."""
        self._cache.clear()

    def _data(self, path: Path) -> bytes:
        key = str(path)
        data = self._cache.get(key)
        if data is None:
            try:
                data = b"\n" + path.read_bytes()  # so every row starts after a newline
                if b"\r" in data:  # saved on Windows: rows end in CRLF
                    data = data.replace(b"\r\n", b"\n")
            except OSError:
                data = b""
            self._cache[key] = data
        return data

    def lines(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[bytes]:
        """Every line of ``trial`` in ``folder``'s file of ``table`` (not yet checked)."""
        data = self._data(Path(folder) / table.filename)
        blocks: list[bytes] = []
        for v in sorted(schema.READABLE_VERSIONS):
            prefix = f"\n{v},{session_id},{trial},".encode()
            first = data.find(prefix)
            if first < 0:
                continue
            last = data.rfind(prefix)
            end = data.find(b"\n", last + 1)
            if end < 0:  # the last row is torn (no newline): it is not a row
                end = last
            raw = data[first + 1 : end]
            # The recorder writes a trial's rows contiguously; merged or hand-edited files may
            # interleave trials, and then only this trial's rows are kept.
            if data.count(prefix, first, end + 1) != raw.count(b"\n") + 1:
                raw = b"\n".join(ln for ln in raw.split(b"\n") if ln.startswith(prefix[1:]))
            if raw:
                blocks.append(raw)
        return b"\n".join(blocks).split(b"\n") if blocks else []

    def rows(
        self, folder: str | Path, table: schema.Table, session_id: str, trial: int
    ) -> list[list[bytes]]:
        """The checked data fields of every row of ``trial`` (see :meth:`lines`)."""
        return checked_fields(self.lines(folder, table, session_id, trial))
