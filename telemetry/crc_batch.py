"""Check the crc32 of every row of a block of rows at once, with numpy instead of a Python loop.

The loader's simple check costs one Python-level ``zlib.crc32`` call per row (about 0.5 us),
which is most of the time of loading a clinic (2.5 M metric rows). This module checks a whole
block of rows (many files' worth) in a handful of numpy operations, using two facts about CRC-32:

1. **Combining.** ``crc(X + Y) == shift(crc(X), len(Y)) ^ crc(Y)``, where ``shift(v, n)`` (feed
   ``n`` zero bytes to the raw register, zlib's ``crc32_combine``) is linear over GF(2): it is
   four 256-entry table look-ups, one per byte of ``v``.
2. **Rows carry their own crc.** A row is ``body + "," + 8 hex digits + "\\n"`` where the digits
   claim ``crc(body)``. From the claimed value alone, ``crc(row)`` follows: it is an affine
   function of the 8 hex characters (8 more table look-ups).

So from the claimed crcs and the row lengths, a tree of pairwise combinations predicts the
crc32 of the whole block; ``zlib.crc32`` of the block (C speed) gives the real one. They agree
exactly when every claim is right (up to the usual 2**-32 chance for random damage, the same
odds as the per-row check). When they disagree, the caller falls back to checking row by row,
which finds the bad rows. Pure numpy; no pandas, no pygame.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

_POLY = 0xEDB88320  # CRC-32 (zlib), reflected
_MASK8 = np.uint32(0xFF)
_HEX_DIGITS = b"0123456789abcdef"
_MAX_BLOCK = 1 << 32  # shift() handles lengths below 256**4


def _apply(tables: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Apply the linear map given by 4x256 byte tables to every value of ``v`` (uint32)."""
    out: np.ndarray = (
        tables[0][v & _MASK8]
        ^ tables[1][(v >> np.uint32(8)) & _MASK8]
        ^ tables[2][(v >> np.uint32(16)) & _MASK8]
        ^ tables[3][v >> np.uint32(24)]
    )
    return out


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.uint32]:
    """Build (once per process, ~30 ms) the look-up tables.

    Returns (shift tables: ``[p, d]`` = 4x256 tables of "feed d * 256**p zero bytes", flattened
    per ``p``; hex validity per byte; the 8x256 row tables; the row constant).
    """
    crc_table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ _POLY if c & 1 else c >> 1
        crc_table[i] = c
    basis = np.arange(256, dtype=np.uint32)[None, :] << (
        np.uint32(8) * np.arange(4, dtype=np.uint32)
    )[:, None]
    one_zero = (basis >> np.uint32(8)) ^ crc_table[basis & _MASK8]
    digits = np.empty((4, 256, 4, 256), dtype=np.uint32)
    step = one_zero  # feed 256**p zero bytes
    for p in range(4):
        digits[p, 0] = basis
        for d in range(1, 256):
            digits[p, d] = _apply(step, digits[p, d - 1])
        step = _apply(step, digits[p, 255])
    shift_tables = digits.reshape(4, 256 * 4 * 256)

    hex_value = np.full(256, 0xFF, dtype=np.uint32)
    for i, ch in enumerate(_HEX_DIGITS):
        hex_value[ch] = i
    # Raw-register contribution of byte b at position j of a 10-byte suffix ",hhhhhhhh\n".
    contrib = np.zeros((10, 256), dtype=np.uint32)
    for j in range(10):
        w = crc_table.copy()
        for _ in range(9 - j):
            w = (w >> np.uint32(8)) ^ crc_table[w & _MASK8]
        contrib[j] = w
    row_tables = np.zeros((8, 256), dtype=np.uint32)
    valid = np.where(hex_value <= 15, hex_value, 0).astype(np.uint32)
    for j in range(8):
        claimed = valid << np.uint32(4 * (7 - j))  # this digit's share of crc(body)
        row_tables[j] = contrib[j + 1] ^ _shift(shift_tables, claimed, np.full(256, 10))
    constant = np.uint32(zlib.crc32(b"\0" * 10)) ^ contrib[0][ord(",")] ^ contrib[9][ord("\n")]
    return shift_tables, hex_value, row_tables, constant


def _shift(shift_tables: np.ndarray, v: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``shift(v[i], n[i])`` for every i: feed n[i] zero bytes to the raw register v[i]."""
    n = n.astype(np.int64)
    for p in range(4):
        rest = n >> (8 * p)
        if not rest.any():
            break
        d = rest & 255
        base = d * 1024
        tab = shift_tables[p]
        v = (
            tab[base + (v & _MASK8)]
            ^ tab[base + 256 + ((v >> np.uint32(8)) & _MASK8)]
            ^ tab[base + 512 + ((v >> np.uint32(16)) & _MASK8)]
            ^ tab[base + 768 + (v >> np.uint32(24))]
        )
    return v


_COLS = np.arange(-8, 0)
_ROWS8 = np.arange(8)


def block_is_valid(block: bytes, prefix: bytes = b"") -> bool:
    """True if every line of ``block`` is a whole row whose crc32 field matches its body.

    ``block`` is rows only (no header); every row must end in a newline, and start with
    ``prefix`` (e.g. the current ``schema_version`` and its comma). False means "at least one
    row is bad, or not like that": check row by row to find out. Rows ending in CRLF (a file
    saved on Windows) are checked as if they ended in LF: the crc32 is over the row without its
    line end.
    """
    if b"\r" in block:
        block = block.replace(b"\r\n", b"\n")  # a CR elsewhere stays and fails the check
    if not block or not block.endswith(b"\n") or len(block) >= _MAX_BLOCK:
        return False
    shift_tables, hex_value, row_tables, constant = _tables()
    a = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(a == 10)
    lengths = np.diff(ends, prepend=-1)  # each row with its newline
    if (lengths < 10 + len(prefix)).any() or (a[ends - 9] != ord(",")).any():
        return False
    starts = ends - lengths + 1
    for k, ch in enumerate(prefix):
        if (a[starts + k] != ch).any():
            return False
    hex_chars = a[ends[:, None] + _COLS]
    if (hex_value[hex_chars] > 15).any():
        return False
    # crc32 of each whole row, predicted from its claimed crc32(body)
    vals = constant ^ np.bitwise_xor.reduce(row_tables[_ROWS8, hex_chars], axis=1)
    # Combine neighbours pairwise until one value predicts crc32 of the whole block.
    while len(vals) > 1:
        tail_v = tail_n = None
        if len(vals) % 2:
            tail_v, tail_n = vals[-1:], lengths[-1:]
            vals, lengths = vals[:-1], lengths[:-1]
        vals = _shift(shift_tables, vals[0::2], lengths[1::2]) ^ vals[1::2]
        lengths = lengths[0::2] + lengths[1::2]
        if tail_v is not None:
            vals = np.concatenate([vals, tail_v])
            lengths = np.concatenate([lengths, tail_n])
    return int(vals[0]) == zlib.crc32(block)
