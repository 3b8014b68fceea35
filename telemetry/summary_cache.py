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

Beside the text, the file keeps the child's trial and metric rows **typed** (:class:`Typer`,
made by :mod:`telemetry.typed_rows`: numpy arrays as the loader's pandas parse gave them), so
the report does not parse the same 1.1 million rows again each time; it is made from the entries'
rows whenever the file is written, and given back only when it is current for every folder
asked for (else the caller parses the text).

File layout (format 3, written and read by :mod:`telemetry.summary_file`): one ASCII line
``finemotor-summaries <format> <crc32 hex> <header bytes>``, then a JSON header (versions;
the typed blocks' ``[tag, offset, length]``; per session folder, in name order, a list: name,
key, ``session.json`` fields in ``SESSION_COLUMNS`` order, per table ``[offset, length, rows
skipped, torn]`` into the blob), then the blob: every session's trial rows, every session's
metric rows (as stored in the CSV files), the typed blocks. Pure Python (numpy for the block
check; no pandas).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from telemetry import schema
from telemetry.crc_batch import block_is_valid
from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.rows import check_lines, check_versions, strip_header
from telemetry.session_meta import read_session
from telemetry.storage import atomic_write_bytes
from telemetry.summary_file import (
    FORMAT,
    KEY_FILES,
    TABLES,
    CacheFile,
    Key,
    Summary,
    decode_whole,
    encode,
    files_key,
    read_cache,
    read_cache_file,
    read_whole,
)

__all__ = [
    "CACHED", "FILE_NAME", "FORMAT", "TABLES", "CacheFile", "ChildSummaries", "Key",
    "Prefetched", "Summary", "Typer", "cache_path", "folder_key", "prefetch", "read_cache",
    "read_cache_file", "summaries",
]

FILE_NAME = ".summaries.cache"
CACHED = frozenset(t.name for t in TABLES)
_KEY_SUFFIXES = tuple(os.sep + name for name in KEY_FILES)
BLOCK_BYTES = 4 << 20  # rows checked in one numpy pass when sessions are read again


@dataclass(frozen=True)
class Typer:
    """Makes the typed block of a child's rows (:mod:`telemetry.typed_rows`, which needs
    pandas; this module does not): ``make(rows)`` gets every entry's rows (by table name) in
    folder name order and gives the block, or None when they cannot be typed. ``tag`` names
    what typed it (a file typed by another is typed again)."""

    tag: str
    make: Callable[[Sequence[Mapping[str, bytes | memoryview]]], bytes | None]


@dataclass
class ChildSummaries:
    """What :func:`summaries` gives: ``entries`` by folder path, and when it is current for
    every one of them, the typed block of the rows of ``typed_names`` (folder names,
    in that order: every entry of the file, the folders asked for among them)."""

    entries: dict[str, Summary]
    typed: bytes | memoryview | None = None
    typed_names: list[str] = field(default_factory=list)


def cache_path(child_dir: str | os.PathLike[str]) -> str:
    """The cache file of one child's session folders."""
    return os.path.join(child_dir, FILE_NAME)


def folder_key(folder: str) -> Key:
    """Size, mtime_ns, ctime_ns and inode of each file an entry is made from (stat only),
    flat: 4 numbers per file in ``KEY_FILES`` order, ``MISSING`` for a missing file."""
    # a string join, not os.path.join: 6,000 folders x 3
    return files_key([folder + suffix for suffix in _KEY_SUFFIXES])


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


@dataclass
class Prefetched:
    """The reading :func:`summaries` starts with, done ahead (in another thread, so a cold
    disk serves several children at once): the cache file's bytes, checked whole (None: none
    readable, or damaged), and each folder's key."""

    data: bytes | None
    keys: list[Key]


def prefetch(child_dir: str, folders: Sequence[str],
             ahead_keys: Mapping[str, Key] | None = None,
             checked: tuple[int, int, int, int] | None = None) -> Prefetched:
    """Read one child's cache file (and check its crc32) and take its folders' keys
    (thread-safe). ``ahead_keys``: keys taken already by folder name (a folder not in it is
    stat'ed here); ``checked``: the key (``stat_key``) of a cache file whose crc32 was
    checked already (both from ``telemetry.summary_ahead``)."""
    if ahead_keys is None:
        keys = [folder_key(f) for f in folders]
    else:
        keys = [ahead_keys.get(os.path.basename(f)) or folder_key(f) for f in folders]
    return Prefetched(read_whole(cache_path(child_dir), checked), keys)


def _store(path: str, fresh: dict[str, Summary], names: set[str],
           typer: Typer | None) -> tuple[dict[str, Summary], bytes | None]:
    """Lay ``fresh`` over the file's current entries (read again under the lock), drop the
    entries of folders not in ``names``, type their rows (``typer``), and replace the
    file atomically. Returns the entries written and their typed block."""
    with locked(path):
        current = read_cache_file(path)
        merged = {n: s for n, s in (current.entries if current else {}).items() if n in names}
        merged.update(fresh)
        typed = None
        if typer is not None:
            typed = typer.make([merged[n].rows for n in sorted(merged)])
        atomic_write_bytes(path, encode(merged, typer.tag if typer else None, typed))
    return merged, typed


def _folder_names(child_dir: str) -> set[str]:
    try:
        with os.scandir(child_dir) as entries:
            return {e.name for e in entries if not e.name.startswith(".") and e.is_dir()}
    except OSError:
        return set()


def summaries(child_dir: str, folders: list[str], write: bool = True,
              typer: Typer | None = None, prefetched: Prefetched | None = None
              ) -> ChildSummaries:
    """The summary of each of ``folders`` (session folders inside ``child_dir``).

    An entry of the cache whose key equals the folder's files' key now is used; every other
    folder is read from its files. The cache file is rewritten (``write``) when a folder was
    read from its files, an entry's folder is gone, or the file's typed block is not
    ``typer``'s; a failure to write (read-only or full disk, a lock held too long) leaves the
    report working without it. The typed block comes back when every folder's entry is the
    one it was made from (else the caller parses the rows). ``prefetched``: the file and
    keys already read (:func:`prefetch` of the same folders).
    """
    path = cache_path(child_dir)
    if prefetched is None:
        prefetched = prefetch(child_dir, folders)
    file = decode_whole(prefetched.data)
    cached = file.entries if file is not None else None
    out: dict[str, Summary] = {}
    misses: list[tuple[str, Key]] = []
    basenames = [os.path.basename(f) for f in folders]
    for folder, name, key in zip(folders, basenames, prefetched.keys, strict=True):
        entry = cached.get(name) if cached is not None else None
        if entry is not None and entry.key == key:
            out[folder] = entry
        else:
            misses.append((folder, key))
    fresh = read_folders(misses)
    out.update(fresh)
    stale = typer is not None and (file is None or file.typed_tag != typer.tag)
    if write:
        # Entries of folders not asked for: gone (dropped by a rewrite) or left out by the
        # caller (a period). Only then is the child's folder listed to tell which.
        asked = set(basenames)
        unasked = [] if cached is None else [n for n in cached if n not in asked]
        names = _folder_names(child_dir) if unasked or fresh or cached is None or stale else asked
        if fresh or cached is None or stale or any(n not in names for n in unasked):
            return _write(path, out, fresh, names, typer)
    if typer is None or stale or file is None or file.typed is None:
        return ChildSummaries(out)
    return ChildSummaries(out, file.typed, sorted(file.entries))


def _write(path: str, out: dict[str, Summary], fresh: dict[str, Summary], names: set[str],
           typer: Typer | None) -> ChildSummaries:
    """Bring the cache file up to date (:func:`_store`) and give ``out`` with the typed block
    written when every entry of ``out`` is the one written (another report may have written
    a newer one meanwhile)."""
    try:
        written, typed = _store(path, {os.path.basename(f): s for f, s in fresh.items()},
                                names, typer)
    except (OSError, UsageError):
        return ChildSummaries(out)  # a data folder that cannot be written: no cache
    if typed is None or any(
        (w := written.get(os.path.basename(f))) is None or w.key != s.key
        for f, s in out.items()
    ):
        return ChildSummaries(out)
    return ChildSummaries(out, typed, sorted(written))
