"""The report's incremental, checked cache of per-session summaries, one file per child.

``finemotor report`` needs, of every session, only its ``session.json`` and its checked
``trials.csv`` and ``metrics.csv`` rows (the per-trial summaries; raw samples are read only
for the few trials a page draws). Reading those from 5,000 session folders means opening
15,000 small files; this cache keeps them in one file per child,
``<data>/sessions/<child_id>/.summaries.cache``, so a report over years of data reads what
is new since the last report and one file per child for the rest.

Never trusted over the files:

* each session's entry carries its **key**: size, ``st_mtime_ns``, ``st_ctime_ns`` and inode
  of the files it was made from (``session.json``, ``trials.csv``, ``metrics.csv``; a missing
  file has its own key). A file appended, replaced, edited, copied in or removed changes the
  key, and then that session is read again from its files. The key is taken *before* the
  files are read, so a file growing meanwhile only makes the next report read it again;
* the file as a whole carries the cache format (:data:`FORMAT`), the schema version and
  the readable versions of the code that wrote it, and a crc32 of its contents: a file from
  another version, cut short, damaged or not a cache at all is ignored (never a crash) and
  written again;
* an entry holds exactly what the loader would take from the files: ``session.json`` read by
  :func:`telemetry.session_meta.read_session` (None when unreadable) and each table's valid
  rows (:func:`telemetry.rows.check_lines`, the numpy block check first), rows skipped, torn.

Writing is a locked read-modify-write (:func:`telemetry.locking.locked`): the file is read
again under the lock, the entries of session folders that no longer exist are dropped, this
run's new entries laid over it, and the result replaces the file atomically (written 0600,
fsynced, then renamed: ``telemetry.storage.atomic_write_bytes``), so two reports at once
neither tear it nor lose each other's work. A data folder that cannot be written (read-only,
full) just goes without the cache. Deleting the file is always safe (the next report
rebuilds it); deleting a child removes it with the child's session folders.

File layout (format 2): one ASCII line ``finemotor-summaries <format> <crc32 hex> <header
bytes>``, then a JSON header (versions, and per session folder, in name order, a list: name,
key, ``session.json`` fields in ``SESSION_COLUMNS`` order, then per table ``[offset, length,
rows skipped, torn]`` into the blob), then the blob: every session's trial rows, then every
session's metric rows (as stored in the CSV files), so a child's trial rows are one run of
bytes. Lists rather than objects, and a flat key: the header of 150 sessions decodes in about
a millisecond. Pure Python (numpy for the block check; no pandas).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from telemetry import schema
from telemetry.crc_batch import block_is_valid
from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.recorder import SESSION_FILE
from telemetry.rows import check_lines, check_versions, strip_header
from telemetry.session_meta import SESSION_COLUMNS, read_session
from telemetry.storage import atomic_write_bytes

__all__ = [
    "CACHED", "FILE_NAME", "FORMAT", "TABLES", "Summary", "cache_path", "folder_key", "read_cache",
    "summaries",
]

FORMAT = 2  # bump when what an entry holds or how it is read changes
FILE_NAME = ".summaries.cache"
MAGIC = b"finemotor-summaries"
TABLES = (schema.TRIALS, schema.METRICS)  # the tables an entry holds
CACHED = frozenset(t.name for t in TABLES)
KEY_FILES = (SESSION_FILE, schema.TRIALS.filename, schema.METRICS.filename)
_KEY_SUFFIXES = tuple(os.sep + name for name in KEY_FILES)
MISSING = (-1, -1, -1, -1)
KEY_LENGTH = len(MISSING) * len(KEY_FILES)
BLOCK_BYTES = 4 << 20  # rows checked in one numpy pass when sessions are read again
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


def cache_path(child_dir: str | os.PathLike[str]) -> str:
    """The cache file of one child's session folders."""
    return os.path.join(child_dir, FILE_NAME)


def folder_key(folder: str) -> Key:
    """Size, mtime_ns, ctime_ns and inode of each file an entry is made from (stat only),
    flat: 4 numbers per file in ``KEY_FILES`` order, ``MISSING`` for a missing file."""
    out: list[int] = []
    stat = os.stat
    for suffix in _KEY_SUFFIXES:  # a string join, not os.path.join: 6,000 folders x 3
        try:
            st = stat(folder + suffix)
        except OSError:
            out += MISSING
        else:
            out += (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return tuple(out)


# ---------------------------------------------------------------------------- from the files


def _read_body(path: str, table: schema.Table) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return b""
    if b"\r" in data:  # saved on Windows: the crc32 is over the row without \r\n
        data = data.replace(b"\r\n", b"\n")
    return strip_header(data, table)


def _set(s: Summary, table: schema.Table, checked: tuple[bytes, int, bool]) -> None:
    s.rows[table.name], s.skipped[table.name], s.torn[table.name] = checked


def _check_block(block: list[tuple[str, bytes]], table: schema.Table,
                 out: dict[str, Summary]) -> None:
    """Check the whole files of ``block`` at once (numpy), row by row when that fails."""
    whole = block_is_valid(b"".join(body for _, body in block), b"%d," % schema.SCHEMA_VERSION)
    for folder, body in block:
        checked = (body, 0, False) if whole else check_lines(body)
        if not whole:
            check_versions(checked[0], os.path.join(folder, table.filename))
        _set(out[folder], table, checked)


def read_folders(folders: Iterable[tuple[str, Key]]) -> dict[str, Summary]:
    """Summaries made from the files (as the loader reads them), for ``(folder, key)`` pairs
    whose key was taken before this call. Whole files are checked in numpy blocks; a block
    that fails, or a torn file, row by row. Raises ``SchemaVersionError`` like the loader."""
    out: dict[str, Summary] = {}
    for folder, key in folders:
        out[folder] = Summary(key, read_session(folder))
    for table in TABLES:
        block: list[tuple[str, bytes]] = []
        size = 0
        for folder in out:
            body = _read_body(os.path.join(folder, table.filename), table)
            if body and not body.endswith(b"\n"):  # torn: checked alone
                checked = check_lines(body)
                check_versions(checked[0], os.path.join(folder, table.filename))
                _set(out[folder], table, checked)
                continue
            block.append((folder, body))
            size += len(body)
            if size >= BLOCK_BYTES:
                _check_block(block, table, out)
                block, size = [], 0
        if block:
            _check_block(block, table, out)
    return out


# ---------------------------------------------------------------------------- the cache file


def _encode(entries: dict[str, Summary]) -> bytes:
    """The cache file of ``entries``: every table's rows in one block, sessions in name order."""
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
    header = json.dumps(
        {"format": FORMAT, "schema_version": schema.SCHEMA_VERSION,
         "readable": sorted(schema.READABLE_VERSIONS), "sessions": sessions},
        separators=(",", ":"),
    ).encode("utf-8")
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


def _decode(data: bytes) -> dict[str, Summary] | None:
    """The entries of a cache file, or None when it is not a whole, current, undamaged one.

    Rows are memoryview slices of ``data`` (nothing copied); a malformed entry makes the
    whole file unusable (it raises, and :func:`read_cache` says None)."""
    nl = data.find(b"\n", 0, 200)
    if nl < 0:
        return None
    parts = data[:nl].split(b" ")
    if len(parts) != 4 or parts[0] != MAGIC or parts[1] != b"%d" % FORMAT:
        return None
    body = memoryview(data)[nl + 1 :]
    crc, header_len = int(parts[2], 16), int(parts[3])
    if zlib.crc32(body) != crc or not 0 < header_len <= len(body):
        return None
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
    return out


def read_cache(path: str | os.PathLike[str]) -> dict[str, Summary] | None:
    """The entries of the cache file at ``path`` by session folder name; None when there is
    none or it cannot be used (damaged, another format or schema): then it is rebuilt."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    try:
        return _decode(data)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # not JSON, or not the shape written: a damaged file


def _store(path: str, fresh: dict[str, Summary], names: set[str]) -> None:
    """Lay ``fresh`` over the file's current entries (read again under the lock), drop the
    entries of folders not in ``names``, and replace the file atomically."""
    with locked(path):
        merged = {n: s for n, s in (read_cache(path) or {}).items() if n in names}
        merged.update(fresh)
        atomic_write_bytes(path, _encode(merged))


def _folder_names(child_dir: str) -> set[str]:
    try:
        with os.scandir(child_dir) as entries:
            return {e.name for e in entries if not e.name.startswith(".") and e.is_dir()}
    except OSError:
        return set()


def summaries(child_dir: str, folders: list[str], write: bool = True) -> dict[str, Summary]:
    """The summary of each of ``folders`` (session folders inside ``child_dir``).

    An entry of the cache whose key equals the folder's files' key now is used; every other
    folder is read from its files. The cache file is rewritten (``write``) when a folder was
    read from its files or an entry's folder is gone; a failure to write (read-only or full
    disk, a lock held too long) leaves the report working without it.
    """
    path = cache_path(child_dir)
    cached = read_cache(path)
    out: dict[str, Summary] = {}
    misses: list[tuple[str, Key]] = []
    for folder in folders:
        key = folder_key(folder)
        entry = cached.get(os.path.basename(folder)) if cached is not None else None
        if entry is not None and entry.key == key:
            out[folder] = entry
        else:
            misses.append((folder, key))
    fresh = read_folders(misses)
    out.update(fresh)
    if not write:
        return out
    names = _folder_names(child_dir)
    if fresh or cached is None or any(n not in names for n in cached):
        # A data folder that cannot be written: the report goes on without the cache.
        with contextlib.suppress(OSError, UsageError):
            _store(path, {os.path.basename(f): s for f, s in fresh.items()}, names)
    return out
