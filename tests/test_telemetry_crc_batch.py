"""The numpy block check agrees with the row-by-row crc32 check on valid and damaged rows."""

from __future__ import annotations

import random
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from telemetry import schema
from telemetry.crc_batch import block_is_valid
from telemetry.loader import check_lines

SID = "5" * 32


def _rows(n: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return b"".join(
        schema.encode_row((SID, i, "tracing", f"m{rng.randint(0, 99)}", rng.random(), "px"))
        for i in range(n)
    )


def test_valid_blocks_pass() -> None:
    for n in (1, 2, 3, 7, 64, 1001):
        assert block_is_valid(_rows(n, seed=n))
        assert block_is_valid(_rows(n, seed=n), b"1,")
    # Rows of any text (quotes, commas, non-ASCII) and of very different lengths.
    block = schema.encode_row(("x",)) + schema.encode_row(('a "b", c' * 50, "é")) + _rows(3)
    assert block_is_valid(block)


def test_prefix_must_match_every_row() -> None:
    block = _rows(5) + schema.encode_row((SID, 9, "t", "m", 1.0, "px"), version=2)
    assert block_is_valid(block)
    assert not block_is_valid(block, b"1,")


def test_every_single_byte_change_is_caught() -> None:
    block = _rows(3)
    for pos in range(len(block)):
        for delta in (1, 0x20, 0x80):
            damaged = bytearray(block)
            damaged[pos] ^= delta
            assert not block_is_valid(bytes(damaged)), (pos, delta)


def test_truncation_and_junk_are_caught() -> None:
    block = _rows(4)
    ends = {i + 1 for i, b in enumerate(block) if b == ord("\n")}
    for cut in range(1, len(block)):
        # Cut anywhere: valid only at a row boundary.
        assert block_is_valid(block[:cut]) == (cut in ends), cut
        # Cut, then a newline: valid only if the cut removed nothing but a newline.
        assert block_is_valid(block[:cut] + b"\n") == (cut + 1 in ends), cut
    assert not block_is_valid(b"")
    assert not block_is_valid(b"\n")
    assert not block_is_valid(b"short\n")
    body = b"1,abc"
    assert not block_is_valid(body + b",%08X\n" % zlib.crc32(body))  # upper-case hex


# Field text as the recorder allows it: anything but line breaks and lone surrogates.
_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)),
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(_TEXT, min_size=1, max_size=4), min_size=1, max_size=12),
    damage=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), max_size=3),
)
def test_agrees_with_row_by_row_check(rows: list[list[str]], damage: list[tuple[int, int]]) -> None:
    block = bytearray(b"".join(schema.encode_row(r) for r in rows))
    for pos, delta in damage:
        block[pos % len(block)] ^= delta
    data = bytes(block)
    if not data.endswith(b"\n"):
        assert not block_is_valid(data)
        return
    valid, skipped, torn = check_lines(data)
    assert block_is_valid(data) == (valid == data and skipped == 0 and not torn)
