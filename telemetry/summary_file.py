"""The summary cache's file format: encoding and decoding one child's ``.summaries.cache``.

What the cache holds and when it is trusted is :mod:`telemetry.summary_cache`'s docstring;
the layout is in ``docs/data-format.md`` ("The summary cache"). This module only turns entries
into the file's bytes and back, refusing (None) a file that is not whole, current and of the
shape written. Pure Python.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telemetry import schema
from telemetry.recorder import SESSION_FILE
from telemetry.session_meta import SESSION_COLUMNS

__all__ = [
    "FORMAT", "KEY_FILES", "KEY_LENGTH", "MISSING", "TABLES", "CacheFile", "Key", "Summary",
    "decode_whole", "encode", "files_key", "read_cache", "read_cache_file", "read_whole",
    "stat_key",
]

FORMAT = 3  # bump when what an entry holds or how it is read changes
MAGIC = b"finemotor-summaries"
TABLES = (schema.TRIALS, schema.METRICS)  # the tables an entry holds
KEY_FILES = (SESSION_FILE, schema.TRIALS.filename, schema.METRICS.filename)
MISSING = (-1, -1, -1, -1)
KEY_LENGTH = len(MISSING) * len(KEY_FILES)
_META_FIELDS = tuple(c for c in SESSION_COLUMNS if c != "folder")

Key = tuple[int, ...]  # KEY_LENGTH numbers: size, mtime_ns, ctime_ns, inode per key file


@dataclass(slots=True)
class Summary:
    """What the report takes from one session folder.

    ``meta``: the ``session.json`` fields (``SESSION_COLUMNS`` but ``folder``), None when it
    is missing or unreadable; ``rows``: per table name, the valid rows (each ending in a
    newline, no header; a memoryview into the cache file's bytes when read from the cache);
    ``skipped``/``torn``: per table, rows dropped and whether the last row was cut short.
    """

    key: Key
    meta: dict[str, Any] | None
    rows: dict[str, bytes | memoryview] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    torn: dict[str, bool] = field(default_factory=dict)


@dataclass
class CacheFile:
    """A cache file read: ``entries`` by folder name, and the typed block of their trial rows
    (in name order) with the tag of what made it; ``typed`` None when there is none."""

    entries: dict[str, Summary]
    typed_tag: str | None = None
    typed: bytes | memoryview | None = None


def encode(entries: dict[str, Summary], typed_tag: str | None = None,
            typed: bytes | None = None) -> bytes:
    """The cache file of ``entries``: every table's rows in one block, sessions in name order,
    then the typed block of the trial rows (``typed``, made by ``typed_tag``)."""
    names = sorted(entries)
    blob: list[bytes | memoryview] = []
    offset = 0
    tables: list[list[list[int]]] = [[] for _ in names]
    for table in TABLES:  # table by table: a child's trial rows are one run of bytes
        for i, name in enumerate(names):
            s = entries[name]
            rows = s.rows.get(table.name, b"")
            tables[i].append([offset, len(rows), s.skipped.get(table.name, 0),
                              int(bool(s.torn.get(table.name, False)))])
            blob.append(rows)
            offset += len(rows)
    sessions = []
    for name, spans in zip(names, tables, strict=True):
        s = entries[name]
        meta = None if s.meta is None else [s.meta.get(k) for k in _META_FIELDS]
        sessions.append([name, list(s.key), meta, *spans])
    pad = 0  # bytes before the typed block, so it starts at a multiple of 8 in the file
    while True:
        typed_span = None
        if typed_tag is not None:
            typed_span = [typed_tag, -1 if typed is None else offset + pad, len(typed or b"")]
        header = json.dumps(
            {"format": FORMAT, "schema_version": schema.SCHEMA_VERSION,
             "readable": sorted(schema.READABLE_VERSIONS), "typed": typed_span,
             "sessions": sessions},
            separators=(",", ":"),
        ).encode("utf-8")
        first_len = len(b"%s %d %08x %d\n" % (MAGIC, FORMAT, 0, len(header)))
        short = -(first_len + len(header) + offset + pad) % 8
        if typed is None or short == 0:
            break
        pad += short  # (the header may grow by a digit: then look again)
    if typed is not None:
        blob += [b"\0" * pad, typed]
    body = header + b"".join(blob)
    first = b"%s %d %08x %d\n" % (MAGIC, FORMAT, zlib.crc32(body), len(header))
    return first + body


def _span(value: Any, size: int) -> tuple[int, int, int, bool]:
    """One table's ``[offset, length, rows skipped, torn]`` of an entry, checked."""
    offset, length, skipped, torn = value
    end = offset + length
    if not (type(offset) is int and type(length) is int and type(skipped) is int
            and 0 <= offset <= end <= size and skipped >= 0 and torn in (0, 1)):
        raise ValueError("bad span")
    return offset, end, skipped, torn == 1


def _first_line(data: bytes) -> tuple[int, int, int] | None:
    """The crc32, header length and body offset of a cache file of this format, or None."""
    nl = data.find(b"\n", 0, 200)
    if nl < 0:
        return None
    parts = data[:nl].split(b" ")
    if len(parts) != 4 or parts[0] != MAGIC or parts[1] != b"%d" % FORMAT:
        return None
    try:
        return int(parts[2], 16), int(parts[3]), nl + 1
    except ValueError:
        return None


def _is_whole(data: bytes) -> bool:
    """True when ``data`` is a cache file of this format whose crc32 is right."""
    first = _first_line(data)
    if first is None:
        return False
    crc, header_len, start = first
    body = memoryview(data)[start:]
    return zlib.crc32(body) == crc and 0 < header_len <= len(body)


def _decode(data: bytes) -> CacheFile | None:
    """The entries of a whole cache file (:func:`read_whole`), or None when it is not of the
    current versions.

    Rows are memoryview slices of ``data`` (nothing copied); a malformed entry makes the
    whole file unusable (it raises, and :func:`read_cache` says None)."""
    first = _first_line(data)
    if first is None:
        return None
    _, header_len, start = first
    body = memoryview(data)[start:]
    header = json.loads(bytes(body[:header_len]))
    if (
        header.get("format") != FORMAT
        or header.get("schema_version") != schema.SCHEMA_VERSION
        or header.get("readable") != sorted(schema.READABLE_VERSIONS)
    ):
        return None
    blob = body[header_len:]
    size = len(blob)
    n_meta = len(_META_FIELDS)
    trials, metrics = (t.name for t in TABLES)
    out: dict[str, Summary] = {}
    for name, key, meta, t_span, m_span in header["sessions"]:
        if type(name) is not str or type(key) is not list or len(key) != KEY_LENGTH:
            return None
        if meta is not None:
            if type(meta) is not list or len(meta) != n_meta:
                return None
            meta = dict(zip(_META_FIELDS, meta, strict=True))
        t_start, t_end, t_skipped, t_torn = _span(t_span, size)
        m_start, m_end, m_skipped, m_torn = _span(m_span, size)
        out[name] = Summary(
            tuple(key), meta,
            {trials: blob[t_start:t_end], metrics: blob[m_start:m_end]},
            {trials: t_skipped, metrics: m_skipped},
            {trials: t_torn, metrics: m_torn},
        )
    typed = header["typed"]
    if typed is None:
        return CacheFile(out)
    tag, offset, length = typed
    if type(tag) is not str:
        return None
    if offset == -1 and length == 0:
        return CacheFile(out, tag)
    start, end, _, _ = _span([offset, length, 0, 0], size)
    return CacheFile(out, tag, blob[start:end])

def read_cache(path: str | os.PathLike[str]) -> dict[str, Summary] | None:
    """The entries of the cache file at ``path`` by session folder name; None when there is
    none or it cannot be used (damaged, another format or schema): then it is rebuilt."""
    whole = read_cache_file(path)
    return None if whole is None else whole.entries


def read_cache_file(path: str | os.PathLike[str]) -> CacheFile | None:
    """The cache file at ``path`` (entries and typed block); None as for :func:`read_cache`."""
    return decode_whole(read_whole(path))


def stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """A file's key: size, mtime_ns, ctime_ns and inode. The same values mean the same bytes
    (a file appended, edited, replaced or copied in changes one of them; the caches are
    replaced, never rewritten in place)."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def files_key(paths: Sequence[str]) -> Key:
    """:func:`stat_key` of each of ``paths`` (stat only), flat: 4 numbers a file, ``MISSING``
    for a file that is not there."""
    out: list[int] = []
    stat = os.stat
    for path in paths:
        try:
            out += stat_key(stat(path))
        except OSError:
            out += MISSING
    return tuple(out)


def read_whole(path: str | os.PathLike[str],
               checked: tuple[int, int, int, int] | None = None) -> bytes | None:
    """The bytes of the cache file at ``path`` when it is whole (this format, crc32 right);
    None when there is none, it cannot be read, or it is cut short or damaged. ``checked``:
    the :func:`stat_key` of a file whose crc32 was checked already (``summary_ahead``): when
    the file read has that key, its crc32 is not computed again. Safe in any thread (zlib's
    crc32 lets the others run meanwhile)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except OSError:
        return None
    if checked is not None and len(data) == st.st_size and stat_key(st) == checked:
        return data if _first_line(data) is not None else None
    return data if _is_whole(data) else None


def decode_whole(data: bytes | None) -> CacheFile | None:
    """The entries of bytes :func:`read_whole` gave, or None when they are not of the current
    versions and shape (or ``data`` is None)."""
    if data is None:
        return None
    try:
        return _decode(data)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # not JSON, or not the shape written: a damaged file
