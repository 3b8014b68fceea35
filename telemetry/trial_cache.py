"""A child's cache of values derived from single trials' raw rows, checked against those rows.

The report draws some trials from their raw files (a drawn trial's strokes from its
``samples.csv`` and ``targets.csv`` rows): reading, checking and thinning a long trial's
samples costs about 1.5 ms a trial, the same every report, though a finished trial never
changes.
This cache keeps each such value in one file per child, ``<data>/sessions/<child_id>/
.trials.cache``, beside the summary cache (:mod:`telemetry.summary_cache`), so a report
derives again only what is new or changed since the last one.

Values are opaque bytes made by the caller (an activity's section): telemetry names no
activity. Each entry is found by ``(kind, session folder name, trial)``, and holds:

* the caller's **tag** for how the value was made (bump it when the derivation changes: an
  entry with another tag is not used);
* the **key** of the files it was made from: size, ``st_mtime_ns``, ``st_ctime_ns`` and
  inode of each (as the summary cache's), taken *before* they were read. A file appended,
  edited, replaced or removed changes the key, and the value is made again from the files:
  never trusted over them. A value is kept only when the key is the same after it was made
  and the caller says its files were readable (a read error is not an empty file).

The file as a whole carries its format and a crc32: a file from another version, cut short,
damaged or not a cache at all is ignored (never a crash) and replaced at the next write.
Writing is a locked read-modify-write (:func:`telemetry.locking.locked`): the file is read
again under the lock, this run's entries laid over it, entries of session folders that no
longer exist dropped (also when nothing new was made: a deleted session leaves no strokes
behind), at most :data:`MAX_ENTRIES` kept (those used or made by this run
first), and the result replaces the file atomically (0600, fsynced; ``atomic_write_bytes``).
A data folder that cannot be written leaves the report working without it; deleting the file
is always safe.

File layout (format 1): one ASCII line ``finemotor-trial-cache <format> <crc32 hex> <header
bytes>``, then a JSON header (a list of entries ``[kind, folder name, trial, tag, key,
offset, length]``), then the blob of the values; the crc32 covers header and blob.
Pure Python (no pandas, no numpy).
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Sequence

from telemetry.errors import UsageError
from telemetry.locking import locked
from telemetry.storage import atomic_write_bytes
from telemetry.summary_file import Key, files_key

FILE_NAME = ".trials.cache"
FORMAT = 1
MAX_ENTRIES = 2000  # per child: a year of reports' first and latest drawings, about 5 MB
_MAGIC = b"finemotor-trial-cache"

EntryId = tuple[str, str, int]  # (kind, session folder name, trial)
Entry = tuple[str, Key, bytes]  # (tag, key of the files, value)


def encode(entries: dict[EntryId, Entry]) -> bytes:
    """The file's bytes for ``entries`` (in their order)."""
    header: list[list[object]] = []
    blob: list[bytes] = []
    at = 0
    for (kind, name, trial), (tag, key, value) in entries.items():
        header.append([kind, name, trial, tag, list(key), at, len(value)])
        blob.append(value)
        at += len(value)
    body = json.dumps(header, separators=(",", ":")).encode()
    rest = body + b"".join(blob)
    return b"%s %d %08x %d\n" % (_MAGIC, FORMAT, zlib.crc32(rest), len(body)) + rest


def decode(data: bytes) -> dict[EntryId, Entry] | None:
    """The entries of a cache file's bytes; None for anything that is not a whole, current
    cache file (another format, cut short, damaged)."""
    nl = data.find(b"\n", 0, 128)
    parts = data[:nl].split(b" ") if nl > 0 else []
    if len(parts) != 4 or parts[0] != _MAGIC or parts[1] != b"%d" % FORMAT:
        return None
    rest = memoryview(data)[nl + 1:]
    try:
        crc, size = int(parts[2], 16), int(parts[3])
        if zlib.crc32(rest) != crc or not 0 <= size <= len(rest):
            return None
        header = json.loads(bytes(rest[:size]))
        blob = rest[size:]
        out: dict[EntryId, Entry] = {}
        for kind, name, trial, tag, key, at, length in header:
            if at + length > len(blob):
                return None
            out[(str(kind), str(name), int(trial))] = (
                str(tag), tuple(int(k) for k in key), bytes(blob[at:at + length]))
        return out
    except (ValueError, TypeError):  # a crc-valid file written by something else
        return None


def read_entries(path: str) -> dict[EntryId, Entry]:
    """The entries of the cache file at ``path`` (none when it is missing or not valid)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return {}
    return decode(data) or {}


class TrialCache:
    """The derived per-trial values of the session folders in one child's folder.

    :meth:`value` gives a value from the cache when its tag and its files' key match, else
    makes it; :meth:`save` writes what was made (once, after the child's page)."""

    def __init__(self, child_dir: str) -> None:
        self.child_dir = child_dir
        self.path = os.path.join(child_dir, FILE_NAME)
        self._entries: dict[EntryId, Entry] | None = None  # the file, read at first use
        self._used: dict[EntryId, Entry] = {}  # entries this run used or made, in order
        self._dirty = False  # made entries, or entries of folders gone: the file is written

    def _read(self) -> dict[EntryId, Entry]:
        """The file's entries; notes entries of session folders that are gone (deleted, or
        moved to another child), so :meth:`save` drops them even when nothing is made."""
        entries = read_entries(self.path)
        if entries:
            try:
                with os.scandir(self.child_dir) as it:
                    names = {e.name for e in it}
            except OSError:
                names = set()
            self._dirty = any(name not in names for _, name, _ in entries)
        return entries

    def value(self, kind: str, tag: str, folder: str, trial: int, files: Sequence[str],
              make: Callable[[], bytes], keep: Callable[[], bool] = lambda: True) -> bytes:
        """The value of ``kind`` for ``trial`` of the session in ``folder``, derived from
        ``files`` (file names in that folder) by ``make`` when the cache has none current.
        A value made is kept only when ``keep()`` says it was made from readable files and
        the files' key did not change while it was made."""
        if self._entries is None:
            self._entries = self._read()
        ident = (kind, os.path.basename(folder), int(trial))
        paths = [os.path.join(folder, f) for f in files]
        key = files_key(paths)  # before the files are read
        entry = self._used.get(ident) or self._entries.get(ident)
        if entry is not None and entry[0] == tag and entry[1] == key:
            self._used[ident] = entry
            return entry[2]
        value = make()
        if keep() and files_key(paths) == key:
            self._used[ident] = (tag, key, value)
            self._dirty = True
        return value

    def save(self) -> None:
        """Write the values made by this run into the file (a locked read-modify-write; see
        the module docstring). A folder that cannot be written keeps its old file, if any."""
        if not self._dirty:
            return
        try:
            with locked(self.path):
                current = read_entries(self.path)
                for ident in self._used:
                    current.pop(ident, None)
                current.update(self._used)  # this run's entries last: kept first
                names = {name for _, name, _ in current}
                gone = {n for n in names if not os.path.isdir(os.path.join(self.child_dir, n))}
                kept = [(i, e) for i, e in current.items() if i[1] not in gone]
                atomic_write_bytes(self.path, encode(dict(kept[-MAX_ENTRIES:])))
        except (OSError, UsageError):
            pass  # read-only or full data folder, or a lock held too long: no cache
        self._dirty = False
