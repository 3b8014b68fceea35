"""Typed trial and metric rows in the summary cache: the block round trip, frames joined from
blocks equal to one parse of the text, and the cache's typed blocks (made, used, left out for
rows the typed parse cannot read, rebuilt under another tag or when damaged)."""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_summary_cache import START, TABLES, _data, _same

from telemetry import schema, summary_cache, summary_file, typed_rows
from telemetry.loader import load_dataset
from telemetry.loader_cache import load_summaries
from telemetry.table_reader import parse_rows

TRIALS = schema.TRIALS


def _row(*fields: str) -> bytes:
    body = ",".join(fields).encode()
    return body + b",%08x\n" % zlib.crc32(body)


def _trial(session: str, child: str, trial: int, item: str, at: str,
           level: str = "1") -> bytes:
    return _row("1", session, child, "tracing", level, str(trial), item, "trace", at, "12.5",
                "0.25", "2", "1")


ROWS = [
    _trial("s1", "kid-b", 1, "zig", "2025-03-03T16:00:00.000001Z"),
    _trial("s1", "kid-b", 2, "arc", "2025-03-03T16:00:01.5Z"),
    _trial("s2", "kid-a", 1, "zig", "2025-03-04T09:30:00Z"),
]


def test_a_block_gives_back_the_parsed_rows_exactly() -> None:
    frame = parse_rows(b"".join(ROWS), TRIALS)
    piece = typed_rows.piece_of(frame, TRIALS)
    assert piece is not None
    block = typed_rows.encode(piece, [2, 1])
    back, counts = typed_rows.decode(block, TRIALS)
    assert counts == [2, 1]
    assert back.rows == 3
    assert list(back.categories["item"]) == ["arc", "zig"]
    assert list(back.values["item"]) == [1, 0, 1]
    assert list(back.values["level"]) == [1, 1, 1]
    assert back.dtypes["started_at"] == "datetime64[us, UTC]"
    pd.testing.assert_frame_equal(typed_rows.combine([back], TRIALS), frame)


def test_joined_pieces_are_one_parse_of_their_rows() -> None:
    """Categories sorted and only those in use, rows in the order taken, times in the finest
    unit of the pieces (a nanosecond time in the second piece)."""
    a = [_trial("s1", "kid-b", t, item, f"2025-03-03T16:00:0{t}.000001Z")
         for t, item in ((1, "zig"), (2, "arc"), (3, "moon"))]
    b = [_trial("s2", "kid-a", 1, "arc", "2025-03-04T09:30:00.123456789Z")]
    pa = typed_rows.piece_of(parse_rows(b"".join(a), TRIALS), TRIALS)
    pb = typed_rows.piece_of(parse_rows(b"".join(b), TRIALS), TRIALS)
    assert pa is not None and pb is not None
    assert pb.dtypes["started_at"] == "datetime64[ns, UTC]"
    joined = typed_rows.combine([pa.take(np.array([2, 0])), pb], TRIALS)
    expected = parse_rows(a[2] + a[0] + b[0], TRIALS)
    pd.testing.assert_frame_equal(joined, expected)
    assert list(joined["item"].cat.categories) == ["arc", "moon", "zig"]
    # Without the second piece, 'arc' is in no row: not a category.
    alone = typed_rows.combine([pa.take(slice(2, 3)), pa.take(np.array([0]))], TRIALS)
    assert alone is not None
    assert list(alone["item"].cat.categories) == ["moon", "zig"]
    assert typed_rows.combine([pa.take(np.array([], dtype=int))], TRIALS) is None


@pytest.mark.parametrize("damage", ["header length", "counts", "span", "codes", "columns"])
def test_a_malformed_block_raises_value_error(damage: str) -> None:
    piece = typed_rows.piece_of(parse_rows(b"".join(ROWS), TRIALS), TRIALS)
    assert piece is not None
    block = typed_rows.encode(piece, [2, 1])
    size = int(block[:10])
    header = json.loads(block[10:10 + size])
    if damage == "header length":
        bad = b"9999999999" + block[10:]
    else:
        if damage == "counts":
            header["counts"] = [2, 2]
        elif damage == "span":
            header["columns"][3][3] += 8
        elif damage == "codes":
            header["columns"][5][4] = ["zig"]  # item: codes up to 1, one category
        else:
            header["columns"] = header["columns"][:-1]
        text = json.dumps(header).encode()
        bad = b"%010d" % len(text) + text + block[10 + size:]
    with pytest.raises(ValueError):
        typed_rows.decode(bad, TRIALS)


def test_a_negative_category_code_raises_value_error() -> None:
    piece = typed_rows.piece_of(parse_rows(b"".join(ROWS), TRIALS), TRIALS)
    assert piece is not None
    piece.values["item"] = np.array([0, -1, 1], dtype=np.int32)
    with pytest.raises(ValueError, match="bad codes of column 'item'"):
        typed_rows.decode(typed_rows.encode(piece, [2, 1]), TRIALS)


def _typed_span(data: Path, kid: str) -> list[object]:
    raw = (data / "sessions" / kid / summary_cache.FILE_NAME).read_bytes()
    first, _, body = raw.partition(b"\n")
    header = json.loads(body[: int(first.split(b" ")[3])])
    span: list[object] = header["typed"]
    return span


def test_the_cache_keeps_typed_trials_and_the_next_load_uses_them(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    plain = load_dataset(data, tables=TABLES)
    first = load_dataset(data, tables=TABLES, cache=True)
    for kid in kids:
        tag, offset, length = _typed_span(data, kid)
        assert tag == typed_rows.TAG and offset >= 0 and length > 0
    folders = [str(r.folder) for r in recs]
    loaded = load_summaries(folders)
    assert sorted(loaded.typed) == ["metrics", "trials"]
    assert sorted(loaded.typed["trials"]) == sorted(loaded.typed["metrics"]) == sorted(folders)
    # Row spans per session: 3 trials each, but recs[2]'s row with a bad crc32.
    spans = loaded.typed["trials"].values()
    assert sorted(end - start for _, start, end in spans) == [2, 3, 3, 3, 3]
    # The blocks sit at a multiple of 8 bytes in the file: every array is read in place.
    for table in ("trials", "metrics"):
        for piece, _, _ in loaded.typed[table].values():
            assert all(v.flags.aligned and not v.flags.owndata for v in piece.values.values())
    spans = loaded.typed["metrics"].values()
    assert sorted(end - start for _, start, end in spans) == sorted(
        len(first.metrics[first.metrics["session_id"] == r.session_id]) for r in recs)
    second = load_dataset(data, tables=TABLES, cache=True)
    _same(plain, first)
    _same(plain, second)
    # A period: sessions taken out of the middle of a child's block.
    for since, until in (("2025-03-04", "2025-03-06"), ("2025-03-05", "2025-03-05")):
        pd.testing.assert_frame_equal(
            load_dataset(data, tables=("trials",), cache=True, since=since, until=until).trials,
            load_dataset(data, tables=("trials",), since=since, until=until).trials)


def test_rows_that_need_the_lenient_parse_get_no_block(tmp_path: Path) -> None:
    """A crc-right row whose level is not a number: that child's trials are parsed from the
    text each time (the row dropped and counted); its metric rows and the other child keep
    their blocks."""
    data, kids, recs = _data(tmp_path)
    with open(recs[0].folder / "trials.csv", "ab") as fh:
        fh.write(_trial(recs[0].session_id, kids[0], 9, "late",
                        (START + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        level="abc"))
    plain = load_dataset(data, tables=TABLES)
    assert plain.quality.skipped_rows == {"trials": 2, "metrics": 1}
    for _ in range(2):
        _same(plain, load_dataset(data, tables=TABLES, cache=True))
        assert _typed_span(data, kids[0])[1] != -1
        assert _typed_span(data, kids[1])[1] != -1
    loaded = load_summaries([str(r.folder) for r in recs])
    assert sorted(loaded.typed["trials"]) == sorted(str(r.folder) for r in recs[1::2])
    assert sorted(loaded.typed["metrics"]) == sorted(str(r.folder) for r in recs)


def test_a_block_of_another_tag_is_made_again(tmp_path: Path) -> None:
    """A cache typed by another pandas (another tag) is not used: it is rewritten."""
    data, kids, _ = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    path = data / "sessions" / kids[0] / summary_cache.FILE_NAME
    whole = summary_cache.read_cache_file(path)
    assert whole is not None and whole.typed is not None
    path.write_bytes(summary_file.encode(whole.entries, "pandas 0.1", bytes(whole.typed)))
    got = summary_cache.summaries(str(path.parent), sorted(
        str(p) for p in path.parent.iterdir() if p.is_dir()), typer=typed_rows.TABLES_TYPER)
    assert got.typed is not None
    assert _typed_span(data, kids[0])[0] == typed_rows.TAG
    _same(load_dataset(data, tables=TABLES), load_dataset(data, tables=TABLES, cache=True))


def test_a_wrong_block_in_a_whole_file_means_parsing_the_text(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    path = data / "sessions" / kids[0] / summary_cache.FILE_NAME
    whole = summary_cache.read_cache_file(path)
    assert whole is not None
    path.write_bytes(summary_file.encode(whole.entries, typed_rows.TAG, b"0000000002{}"))
    loaded = load_summaries([str(r.folder) for r in recs])
    assert sorted(loaded.typed["trials"]) == sorted(str(r.folder) for r in recs[1::2])
    assert sorted(loaded.typed["metrics"]) == sorted(str(r.folder) for r in recs[1::2])
    _same(load_dataset(data, tables=TABLES), load_dataset(data, tables=TABLES, cache=True))


def test_a_changed_session_gets_a_new_block_in_the_same_load(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    with open(recs[4].folder / "trials.csv", "ab") as fh:
        fh.write(_trial(recs[4].session_id, kids[0], 4, "late",
                        datetime(2025, 3, 7, 16, 30, tzinfo=timezone.utc)
                        .strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
    loaded = load_summaries([str(r.folder) for r in recs])
    assert sorted(loaded.typed["trials"]) == sorted(str(r.folder) for r in recs)
    piece, start, end = loaded.typed["trials"][str(recs[4].folder)]
    assert end - start == 4
    assert list(piece.categories["item"][piece.values["item"][start:end]]) == [
        "item1", "item2", "item3", "late"]
    _same(load_dataset(data, tables=TABLES), load_dataset(data, tables=TABLES, cache=True))


def test_tables_blocks_round_trip_and_refuse_damage() -> None:
    """The typer's blocks: one per table, a table that cannot be typed left out (length 0),
    every length checked."""
    metric = _row("1", "s1", "1", "tracing", "accuracy", "0.5", "ratio")
    made = typed_rows.TABLES_TYPER.make([{"trials": ROWS[0], "metrics": metric},
                                         {"trials": ROWS[1] + ROWS[2], "metrics": b""}])
    assert made is not None
    tables = typed_rows.decode_tables(made)
    assert sorted(tables) == ["metrics", "trials"]
    assert tables["trials"][1] == [1, 2] and tables["metrics"][1] == [1, 0]
    assert list(tables["metrics"][0].values["value"]) == [0.5]
    # A metric value that is not a number: the metric rows are not typed, the trials are.
    bad = _row("1", "s1", "1", "tracing", "accuracy", "half", "ratio")
    made = typed_rows.TABLES_TYPER.make([{"trials": ROWS[0], "metrics": bad}])
    assert made is not None
    size = int(made[:16])
    assert made[16 + size + -size % 8:] == b"0" * 16  # the metrics' length: none
    assert sorted(typed_rows.decode_tables(made)) == ["trials"]
    assert typed_rows.TABLES_TYPER.make([{"trials": b"x,y\n", "metrics": bad}]) is None
    for cut in (b"", made[:15], made[:-8], made + b"\0" * 8, b"x" * 16 + made[16:]):
        with pytest.raises(ValueError):
            typed_rows.decode_tables(cut)


def test_parsed_categories_are_sorted_whatever_the_order_met() -> None:
    """The blocks join children's categories sorted: one parse sorts them too (pandas 2
    joined its chunks' categories in the order met)."""
    rows = [_trial(f"s{9 - i}", "kid", 1, item, "2025-03-03T16:00:00Z")
            for i, item in enumerate(["zeta", "mid", "alpha", "zeta"])]
    frame = parse_rows(b"".join(rows), TRIALS)
    assert list(frame["item"].cat.categories) == ["alpha", "mid", "zeta"]
    assert list(frame["session_id"].cat.categories) == ["s6", "s7", "s8", "s9"]
    assert list(frame["item"]) == ["zeta", "mid", "alpha", "zeta"]
