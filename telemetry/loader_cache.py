"""The loader's tables through the summary cache (``load_dataset(..., cache=True)``).

:func:`load_summaries` takes every session folder's entry from its child's cache file
(:mod:`telemetry.summary_cache`: unchanged sessions from one file per child, the others from
their files), with, per child, the typed blocks of its trial and metric rows
(:mod:`telemetry.typed_rows`) when they are current for every folder. :func:`table_from_cache`
builds a table's frame from them: rows out of the typed blocks without parsing text, rows
without a block (a child's changed sessions when the cache could not be written, a table
without blocks) parsed as :func:`telemetry.table_reader.parse_checked` parses them. Each
child and table is typed on its own, so a row that needs the lenient parse (a crc-right row
whose contents are not of their types) makes only its child's rows of that table go through
it (without the cache: the whole table's); the frames are equal either way (the bench data's
178,740 trial and 929,448 metric rows parse to the same bits).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from telemetry import schema, summary_ahead, summary_cache, typed_rows
from telemetry.summary_cache import Summary
from telemetry.table_reader import empty_frame, parse_checked

__all__ = ["CachedLoad", "load_summaries", "table_from_cache"]

_IO_THREADS = 4  # cache files read and folders stat'ed at once
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError)


@dataclass
class CachedLoad:
    """Every folder's cache entry (by folder path) and, per table name and folder whose child
    has a current typed block of that table, the block's rows and the folder's ``(start,
    end)`` rows in it."""

    entries: dict[str, Summary]
    typed: dict[str, dict[str, tuple[typed_rows.Piece, int, int]]] = field(
        default_factory=dict)


def load_summaries(folders: list[str]) -> CachedLoad:
    """Every folder's cache entry, child by child (one cache file per child folder)."""
    by_child: dict[str, list[str]] = {}
    for f in folders:
        by_child.setdefault(os.path.dirname(f), []).append(f)
    out = CachedLoad({})
    # The reading (cache files, the stat of 3 files per folder) in a few threads: on a cold
    # disk, stats of folders one after another wait on one read each (1.4 s for 6,000
    # folders); four at once take half that. The decoding stays here.
    with ThreadPoolExecutor(_IO_THREADS) as pool:
        ahead = [pool.submit(_prefetch, d, fs) for d, fs in by_child.items()]
        for (child_dir, fs), future in zip(by_child.items(), ahead, strict=True):
            _add_child(out, child_dir, fs, future.result())
    return out


def _prefetch(child_dir: str, folders: list[str]) -> summary_cache.Prefetched:
    """One child's cache file and keys, with what the helper found ahead if it ran."""
    found = summary_ahead.take(child_dir)
    if found is None:
        return summary_cache.prefetch(child_dir, folders)
    return summary_cache.prefetch(child_dir, folders, found.keys, found.whole)


def _add_child(out: CachedLoad, child_dir: str, folders: list[str],
               prefetched: summary_cache.Prefetched) -> None:
    """Add one child's entries and typed rows to ``out``."""
    got = summary_cache.summaries(child_dir, folders, typer=typed_rows.TABLES_TYPER,
                                  prefetched=prefetched)
    out.entries.update(got.entries)
    if got.typed is None:
        return
    try:
        tables = typed_rows.decode_tables(got.typed)
    except _DAMAGED:
        return  # (the file's crc32 was right: written wrong, not damaged) parse the text
    prefix = os.path.join(child_dir, "")  # the folders' paths, as the loader spells them
    for table, (piece, counts) in tables.items():
        if len(counts) != len(got.typed_names):
            continue
        spans = out.typed.setdefault(table, {})
        start = 0
        for name, count in zip(got.typed_names, counts, strict=True):
            spans[prefix + name] = (piece, start, start + count)
            start += count


def _take(piece: typed_rows.Piece, spans: list[tuple[int, int]]) -> typed_rows.Piece:
    """The rows of ``spans`` of ``piece``, in that order (a slice when they are one run)."""
    if all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1)):
        return piece.take(slice(spans[0][0], spans[-1][1]))
    return piece.take(np.concatenate([np.arange(a, b) for a, b in spans]))


def table_from_cache(
    loaded: CachedLoad, folders: list[str], table: schema.Table
) -> tuple[pd.DataFrame, int, list[str]]:
    """A table of ``folders`` (in that order) from the cache entries, as
    :func:`telemetry.table_reader.load_table` reads it from the files: the frame, rows
    skipped, torn files. Typed blocks where there are, the rows' text elsewhere."""
    entries = loaded.entries
    typed = loaded.typed.get(table.name, {})
    skipped = sum(entries[f].skipped[table.name] for f in folders)
    torn = [os.path.join(f, table.filename) for f in folders if entries[f].torn[table.name]]
    if not any(f in typed for f in folders):
        frame, bad = parse_checked(b"".join(entries[f].rows[table.name] for f in folders), table)
        return frame, skipped + bad, torn
    pieces: list[typed_rows.Piece] = []
    text: list[bytes | memoryview] = []
    spans: list[tuple[int, int]] = []
    current: typed_rows.Piece | None = None
    bad = 0

    def flush() -> int:
        """Add the run of typed rows or of text gathered so far; the rows dropped."""
        nonlocal current
        dropped = 0
        if current is not None:
            pieces.append(_take(current, spans))
            current = None
            spans.clear()
        if text:
            frame, dropped = parse_checked(b"".join(text), table)
            text.clear()
            piece = typed_rows.piece_of(frame, table)
            if piece is None:
                raise ValueError("rows of a kind the typed blocks do not keep")
            pieces.append(piece)
        return dropped

    try:
        for f in folders:
            hit = typed.get(f)
            if hit is None:
                if current is not None:
                    bad += flush()
                text.append(entries[f].rows[table.name])
                continue
            piece, start, end = hit
            if piece is not current:
                bad += flush()
                current = piece
            spans.append((start, end))
        bad += flush()
        frame = typed_rows.combine(pieces, table)
    except ValueError:  # never in practice: the whole text, parsed at once, as without blocks
        frame, bad = parse_checked(b"".join(entries[f].rows[table.name] for f in folders), table)
        return frame, skipped + bad, torn
    return (empty_frame(table) if frame is None else frame), skipped + bad, torn
