"""A table's parsed rows kept as numpy arrays, so a report does not parse the same text twice.

``pd.read_csv`` of a caseload's trial rows (178,000 rows, 27 MB of text) is 0.3 to 0.5 s of
every report, and of its metric rows (930,000 rows, 68 MB) over a second. The summary cache
(:mod:`telemetry.summary_cache`) keeps, beside each child's checked trial and metric rows,
those rows as :func:`telemetry.table_reader.parse_checked` typed them: per table
(:data:`TYPED_TABLES`), one array per column (category columns as their sorted categories and
int codes), in one block, with the number of rows of each session. The loader takes the rows
of the sessions it wants out of each child's block (:meth:`Piece.take`) and joins the
children's pieces into the frame (:func:`combine`): the frame ``parse_checked`` gives for
those rows, column types, category order (sorted, only categories in use) and values alike.

Only rows that parsed typed are kept (a child with a row that needed the lenient parse has
no block: its text is parsed each time). A block records the pandas version that parsed it;
the cache is rebuilt under another one (:data:`TAG`).

Layout: the blocks of :data:`TYPED_TABLES` one after another, each as its length in 16 ASCII
digits (0: that table's rows are not typed) and the block, padded to 8 bytes. A block: the
length of the header as 10 ASCII digits, the header (JSON ``{"rows": n, "counts": [rows per
session], "columns": [[name, dtype, offset, bytes, categories or null], ...]}``, then spaces
up to a multiple of 8 bytes from the block's start), then the arrays (native byte order, each
at a multiple of 8 bytes), offsets counted from the end of the header. The cache file puts
the blocks at a multiple of 8 bytes from its start, so the arrays are read in place.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from telemetry import schema
from telemetry.summary_cache import Typer
from telemetry.table_reader import parse_rows

__all__ = ["TABLES_TYPER", "TAG", "TYPED_TABLES", "Piece", "combine", "decode",
           "decode_tables", "encode", "piece_of"]

TYPED_TABLES = (schema.TRIALS, schema.METRICS)  # the tables typed, in their order in a file
# Who typed a file's blocks, and which tables: a file typed otherwise is typed again. The
# number goes up when the typing rules change (3: a bool other than 0 or 1 is not typed).
TAG = (f"blocks 3, {'+'.join(t.name for t in TYPED_TABLES)}; pandas {pd.__version__}, "
       f"numpy {np.__version__}, {sys.byteorder}")
_LENGTH_DIGITS = 16  # a multiple of 8: the blocks after it stay aligned
_UTC = "UTC"
_PLAIN = {"int64", "float64", "bool"}  # stored as they are


@dataclass
class Piece:
    """Rows of one table as arrays: ``values`` per column (codes for category columns, whose
    sorted categories are in ``categories``); ``dtypes`` the column's pandas dtype as text
    (``category``, ``int64``, ``float64``, ``bool``, ``datetime64[us, UTC]``...)."""

    rows: int
    values: dict[str, np.ndarray]
    dtypes: dict[str, str]
    categories: dict[str, np.ndarray] = field(default_factory=dict)

    def take(self, index: np.ndarray | slice) -> Piece:
        """The rows at ``index`` (an int array or a slice), in that order."""
        values = {k: v[index] for k, v in self.values.items()}
        return Piece(len(next(iter(values.values()))), values, self.dtypes,
                     self.categories)


def piece_of(frame: pd.DataFrame, table: schema.Table) -> Piece | None:
    """``frame`` (as :func:`telemetry.table_reader.parse_rows` types ``table``) as arrays;
    None when a column is not of a kind kept here (then the caller keeps only the text)."""
    values: dict[str, np.ndarray] = {}
    dtypes: dict[str, str] = {}
    categories: dict[str, np.ndarray] = {}
    for name in table.column_names:
        col = frame[name]
        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = col.cat.categories
            codes = col.cat.codes.to_numpy()
            if (codes < 0).any() or not cats.is_monotonic_increasing:
                return None  # a missing value, or categories in another order
            values[name] = codes.astype(np.int32)
            categories[name] = np.array(list(cats), dtype=object)
            dtypes[name] = "category"
        elif isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == _UTC:
            values[name] = col.array.asi8  # int64 counts of the dtype's unit; NaT is its min
            dtypes[name] = str(dtype)
        elif str(dtype) in _PLAIN:
            values[name] = col.to_numpy()
            dtypes[name] = str(dtype)
        else:
            return None
    return Piece(len(frame), values, dtypes, categories)


def encode(piece: Piece, counts: Sequence[int]) -> bytes:
    """The block of ``piece`` whose rows are, in order, ``counts[i]`` rows of session i."""
    if sum(counts) != piece.rows:
        raise ValueError("row counts do not add up to the rows")
    arrays: list[bytes] = []
    columns = []
    offset = 0
    for name, arr in piece.values.items():
        data = np.ascontiguousarray(arr).tobytes()
        cats = piece.categories.get(name)
        columns.append([name, piece.dtypes[name], offset, len(data),
                        None if cats is None else [str(c) for c in cats]])
        pad = -len(data) % 8
        arrays.append(data + b"\0" * pad)
        offset += len(data) + pad
    header = json.dumps({"rows": piece.rows, "counts": list(counts), "columns": columns},
                        separators=(",", ":")).encode("utf-8")
    # Spaces after the JSON put the arrays at a multiple of 8 bytes from the block's start,
    # so a block that starts aligned is read without copying.
    header += b" " * (-(10 + len(header)) % 8)
    return b"%010d" % len(header) + header + b"".join(arrays)


@functools.lru_cache(maxsize=16)  # the same few texts, once per child's block
def _unit(dtype: str) -> str:
    """The unit of a ``datetime64[<unit>, UTC]`` dtype's text (``ValueError`` otherwise)."""
    parsed = pd.api.types.pandas_dtype(dtype)
    if not isinstance(parsed, pd.DatetimeTZDtype) or str(parsed.tz) != _UTC:
        raise ValueError(f"unknown column type {dtype!r}")
    return str(parsed.unit)


def _array_dtype(dtype: str) -> np.dtype:
    if dtype == "category":
        return np.dtype(np.int32)
    if dtype in _PLAIN:
        return np.dtype(dtype)
    _unit(dtype)
    return np.dtype(np.int64)


def decode(data: bytes | memoryview, table: schema.Table) -> tuple[Piece, list[int]]:
    """The piece and row counts of a block of ``table``'s rows; ``ValueError`` when it is
    not one (arrays are views into ``data`` where it is aligned, else copies)."""
    view = memoryview(data)
    size = int(bytes(view[:10]))
    if not 0 < size <= len(view) - 10:
        raise ValueError("no header")
    header = json.loads(bytes(view[10:10 + size]))
    rows, counts, columns = header["rows"], header["counts"], header["columns"]
    if (type(rows) is not int or type(counts) is not list
            or not all(type(c) is int and c >= 0 for c in counts) or sum(counts) != rows):
        raise ValueError("bad row counts")
    blob = view[10 + size:]
    values: dict[str, np.ndarray] = {}
    dtypes: dict[str, str] = {}
    categories: dict[str, np.ndarray] = {}
    for name, dtype, offset, length, cats in columns:
        arr_dtype = _array_dtype(dtype)
        if not (type(offset) is int and type(length) is int and offset >= 0
                and offset + length <= len(blob) and length == rows * arr_dtype.itemsize):
            raise ValueError(f"bad span of column {name!r}")
        arr = np.frombuffer(blob, dtype=arr_dtype, count=rows, offset=offset)
        # A block written before the blocks were aligned (or handed over from elsewhere) may
        # sit anywhere: an unaligned array makes every reduction and take several times
        # slower than one copy.
        values[name] = arr if arr.flags.aligned else arr.copy()
        dtypes[name] = dtype
        if dtype == "category":
            if type(cats) is not list or not all(type(c) is str for c in cats):
                raise ValueError(f"bad categories of column {name!r}")
            codes = values[name]
            # one pass: a negative code read as unsigned is above any category count
            if rows and int(codes.view(np.uint32).max()) >= len(cats):
                raise ValueError(f"bad codes of column {name!r}")
            categories[name] = np.array(cats, dtype=object)
    if list(values) != list(table.column_names):
        raise ValueError("not the table's columns")
    return Piece(rows, values, dtypes, categories), counts


def _combine_categories(pieces: Sequence[Piece], name: str) -> pd.Categorical:
    """One categorical of the pieces' codes: sorted categories, only those in use."""
    used = []
    for p in pieces:
        seen = np.zeros(len(p.categories[name]), dtype=bool)
        seen[p.values[name]] = True
        used.append(seen)
    final = np.array(sorted({c for p, u in zip(pieces, used, strict=True)
                             for c in p.categories[name][u]}), dtype=object)
    codes = []
    for p, u in zip(pieces, used, strict=True):
        remap = np.zeros(len(u), dtype=np.int32)
        remap[u] = np.searchsorted(final, p.categories[name][u])
        codes.append(remap[p.values[name]])
    return pd.Categorical.from_codes(np.concatenate(codes), categories=pd.Index(list(final)))


_UNITS = ("s", "ms", "us", "ns")


def _combine_datetimes(pieces: Sequence[Piece], name: str) -> pd.Series:
    """The pieces' UTC times in the finest unit any of them has."""
    units = [_unit(p.dtypes[name]) for p in pieces]
    finest = max(units, key=_UNITS.index)
    arr = np.concatenate([p.values[name].view(f"M8[{u}]").astype(f"M8[{finest}]", copy=False)
                          for p, u in zip(pieces, units, strict=True)])
    return pd.Series(arr, copy=False).dt.tz_localize(_UTC)


def combine(pieces: Sequence[Piece], table: schema.Table) -> pd.DataFrame | None:
    """The frame of the pieces' rows, one after another; None when there are no rows."""
    pieces = [p for p in pieces if p.rows]
    if not pieces:
        return None
    columns: dict[str, object] = {}
    for name in table.column_names:
        dtype = pieces[0].dtypes[name]
        if any(p.dtypes[name] != dtype for p in pieces) and not dtype.startswith("datetime64["):
            raise ValueError(f"column {name!r} of different types")
        if dtype == "category":
            columns[name] = _combine_categories(pieces, name)
        elif dtype.startswith("datetime64["):
            columns[name] = _combine_datetimes(pieces, name).array
        else:
            columns[name] = np.concatenate([p.values[name] for p in pieces])
    return pd.DataFrame(columns)


def _type_rows(rows: Sequence[bytes | memoryview], table: schema.Table) -> bytes | None:
    """The block of a child's rows of ``table`` (one item per session), or None when they do
    not parse typed (a row that needs the lenient parse): then the text is parsed each time."""
    counts = [bytes(r).count(b"\n") for r in rows]
    try:
        frame = parse_rows(b"".join(rows), table)
    except (ValueError, TypeError, OverflowError):
        return None
    piece = piece_of(frame, table)
    return None if piece is None else encode(piece, counts)


def _type_tables(entries: Sequence[Mapping[str, bytes | memoryview]]) -> bytes | None:
    """The blocks of every table of :data:`TYPED_TABLES` of a child's entries (each entry's
    rows by table name, in folder name order); None when no table's rows could be typed."""
    blocks = [_type_rows([e.get(t.name, b"") for e in entries], t) for t in TYPED_TABLES]
    if all(b is None for b in blocks):
        return None
    parts = []
    for block in blocks:
        data = block or b""
        parts += [b"%0*d" % (_LENGTH_DIGITS, len(data)), data, b"\0" * (-len(data) % 8)]
    return b"".join(parts)


def decode_tables(data: bytes | memoryview) -> dict[str, tuple[Piece, list[int]]]:
    """The piece and row counts of each typed table in ``data`` (made by the cache's typer),
    by table name; ``ValueError`` when it is not such blocks."""
    view = memoryview(data)
    out: dict[str, tuple[Piece, list[int]]] = {}
    pos = 0
    for table in TYPED_TABLES:
        digits = bytes(view[pos:pos + _LENGTH_DIGITS])
        if len(digits) != _LENGTH_DIGITS or not digits.isdigit():
            raise ValueError("no block length")
        size = int(digits)
        pos += _LENGTH_DIGITS
        if pos + size > len(view):
            raise ValueError("a block cut short")
        if size:
            out[table.name] = decode(view[pos:pos + size], table)
        pos += size + (-size % 8)
    if pos != len(view):
        raise ValueError("bytes after the blocks")
    return out


TABLES_TYPER = Typer(TAG, _type_tables)  # what the loader passes to the summary cache
