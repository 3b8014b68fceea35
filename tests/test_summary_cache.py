"""The report's summary cache: the same data as reading every file, changes picked up, a damaged
cache rebuilt, owner-only, and two processes writing it at once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from test_telemetry_loader import _session

from telemetry import summary_cache
from telemetry.children import ChildrenRegistry
from telemetry.loader import Dataset, load_dataset
from telemetry.recorder import SessionRecorder

START = datetime(2025, 3, 3, 16, 0, tzinfo=timezone.utc)
TABLES = ("trials", "metrics")


def _data(tmp_path: Path) -> tuple[Path, list[str], list[SessionRecorder]]:
    """Two children, five sessions; one torn metrics file, one row with a bad crc32, one
    damaged session.json."""
    reg = ChildrenRegistry(tmp_path)
    kids = [reg.add("Ana", "owl").child_id, reg.add("Bo", "fox").child_id]
    recs = [_session(tmp_path, kids[i % 2], START + timedelta(days=i), trials=3)
            for i in range(5)]
    torn = recs[1].folder / "metrics.csv"
    torn.write_bytes(torn.read_bytes()[:-3])
    bad = recs[2].folder / "trials.csv"
    data = bytearray(bad.read_bytes())
    data[data.index(b"item2")] = ord("I")
    bad.write_bytes(bytes(data))
    (recs[3].folder / "session.json").write_text("{not json", encoding="utf-8")
    return tmp_path, kids, recs


def _same(a: Dataset, b: Dataset) -> None:
    for name in ("sessions", "trials", "metrics", "children"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.quality == b.quality


def _from_cache(ds: Dataset) -> dict[str, bool]:
    """Per folder name: True when its entry came from the cache file (rows are views into it),
    False when it was read from the session's files in this load."""
    assert ds.summaries is not None
    return {os.path.basename(f): isinstance(s.rows["trials"], memoryview)
            for f, s in ds.summaries.items()}


def test_cache_gives_the_same_data_as_the_files(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    plain = load_dataset(data, tables=TABLES)
    first = load_dataset(data, tables=TABLES, cache=True)
    second = load_dataset(data, tables=TABLES, cache=True)
    _same(plain, first)
    _same(plain, second)
    assert set(_from_cache(first).values()) == {False}
    assert set(_from_cache(second).values()) == {True}
    # The figures themselves: 15 trials less the bad row, 30 metric rows less the torn one.
    assert len(second.trials) == 14
    assert len(second.metrics) == 29
    assert second.quality.skipped_rows == {"trials": 1, "metrics": 1}
    assert second.quality.torn_files == [str(recs[1].folder / "metrics.csv")]
    assert second.quality.unreadable_sessions == [str(recs[3].folder)]
    assert sorted(second.sessions["session_id"]) == sorted(r.session_id for r in recs)
    # One cache file per child, holding each of its sessions.
    for i, kid in enumerate(kids):
        cached = summary_cache.read_cache(data / "sessions" / kid / summary_cache.FILE_NAME)
        assert cached is not None
        assert sorted(cached) == sorted(r.folder.name for r in recs[i::2])


def test_changed_added_and_removed_sessions_are_picked_up(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    open_rec = _session(data, kids[0], START + timedelta(days=10), trials=1, close=False)
    load_dataset(data, tables=TABLES, cache=True)
    # Changed: a trial more in an open session, and one byte edited in a closed one.
    open_rec.begin_trial("tracing", 1, "late", "trace")
    open_rec.finish_trial(accuracy=0.5, errors=0, completed=True, metrics=[("lifts", 1, "count")])
    open_rec.close()
    edited = recs[4].folder / "trials.csv"
    text = edited.read_bytes()
    edited.write_bytes(text.replace(b",item1,", b",itemX,"))  # same size, bad crc32 now
    # Added and removed.
    added = _session(data, kids[1], START + timedelta(days=11), trials=2)
    shutil.rmtree(recs[0].folder)
    ds = load_dataset(data, tables=TABLES, cache=True)
    _same(load_dataset(data, tables=TABLES), ds)
    hits = _from_cache(ds)
    assert {n for n, hit in hits.items() if not hit} == {
        open_rec.folder.name, recs[4].folder.name, added.folder.name}
    assert recs[0].folder.name not in hits
    assert list(ds.trials.loc[ds.trials["session_id"] == open_rec.session_id, "item"]) == [
        "item1", "late"]
    assert added.session_id in set(ds.sessions["session_id"])
    assert recs[0].session_id not in set(ds.sessions["session_id"])
    assert ds.quality.skipped_rows == {"trials": 2, "metrics": 1}
    cached = summary_cache.read_cache(data / "sessions" / kids[0] / summary_cache.FILE_NAME)
    assert cached is not None and recs[0].folder.name not in cached
    # And now every entry is current again.
    assert set(_from_cache(load_dataset(data, tables=TABLES, cache=True)).values()) == {True}


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty", "other format",
                                    "wrong shape"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    data, kids, _ = _data(tmp_path)
    plain = load_dataset(data, tables=TABLES)
    load_dataset(data, tables=TABLES, cache=True)
    path = data / "sessions" / kids[0] / summary_cache.FILE_NAME
    good = path.read_bytes()
    first, _, rest = good.partition(b"\n")
    if damage == "garbage":
        bad = b"\x00\xffnot a cache at all"
    elif damage == "truncated":
        bad = good[: len(good) // 2]
    elif damage == "flipped":
        bad = good[:-5] + bytes([good[-5] ^ 0x01]) + good[-4:]
    elif damage == "empty":
        bad = b""
    elif damage == "other format":
        bad = first.replace(b" %d " % summary_cache.FORMAT, b" 99 ", 1) + b"\n" + rest
    else:  # a right crc32 over a header of the wrong shape (format 1's sessions object)
        body = (b'{"format":%d,"schema_version":1,"readable":[1],"sessions":{"%s":'
                b'{"key":[],"meta":null,"tables":{}}}}' % (summary_cache.FORMAT, b"x" * 5))
        bad = b"finemotor-summaries %d %08x %d\n" % (
            summary_cache.FORMAT, zlib.crc32(body), len(body)) + body
    path.write_bytes(bad)
    assert summary_cache.read_cache(path) is None
    ds = load_dataset(data, tables=TABLES, cache=True)
    _same(plain, ds)
    assert summary_cache.read_cache(path) is not None  # written again
    assert set(_from_cache(load_dataset(data, tables=TABLES, cache=True)).values()) == {True}


def test_cache_file_is_owner_only(tmp_path: Path) -> None:
    data, kids, _ = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    folder = data / "sessions" / kids[0]
    for name in (summary_cache.FILE_NAME, f".{summary_cache.FILE_NAME}.lock"):
        assert os.stat(folder / name).st_mode & 0o777 == 0o600, name
    assert sorted(p.name for p in folder.iterdir() if not p.is_dir()) == sorted(
        [summary_cache.FILE_NAME, f".{summary_cache.FILE_NAME}.lock"])


_WRITER = textwrap.dedent("""
    import os, sys
    import pandas as pd
    from telemetry import summary_cache
    from telemetry.loader import load_dataset
    data, kid = sys.argv[1], sys.argv[2]
    path = os.path.join(data, "sessions", kid, summary_cache.FILE_NAME)
    plain = load_dataset(data, tables=("trials", "metrics"))
    for i in range(25):
        if i % 2 == 0:
            try:
                os.unlink(path)  # the next load writes the whole file again
            except FileNotFoundError:
                pass
        ds = load_dataset(data, tables=("trials", "metrics"), cache=True)
        pd.testing.assert_frame_equal(ds.trials, plain.trials)
        pd.testing.assert_frame_equal(ds.metrics, plain.metrics)
        assert ds.quality == plain.quality
    print("ok")
""")


def test_two_processes_writing_at_once_never_corrupt_it(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(data), kids[0]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert (p.returncode, out.strip()) == (0, "ok"), err
    folder = data / "sessions" / kids[0]
    cached = summary_cache.read_cache(folder / summary_cache.FILE_NAME)
    # Each process's last step wrote the file after its last unlink: it is there and whole.
    assert cached is not None
    assert sorted(cached) == sorted(r.folder.name for r in recs[0::2])
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
    _same(load_dataset(data, tables=TABLES), load_dataset(data, tables=TABLES, cache=True))


def test_report_through_the_cache_is_the_report_without_it(tmp_path: Path) -> None:
    from test_report_data import UNTIL, write_known

    from games.reporting import build_reports

    known = write_known(tmp_path / "data")
    outs = {}
    for run in ("files", "cache built", "from cache"):
        out = tmp_path / run.replace(" ", "-")
        build_reports(known.data, out, until=UNTIL, progress=False, cache=run != "files")
        outs[run] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert outs["files"] == outs["cache built"] == outs["from cache"]
    assert "pinch_sessions.csv" in outs["files"]  # pinch's figures read from metric rows
    for kid in (known.a, known.b):
        assert (known.data / "sessions" / kid / summary_cache.FILE_NAME).is_file()


def test_folder_key_is_the_stat_of_each_file_flat(tmp_path: Path) -> None:
    data, _, recs = _data(tmp_path)
    folder = recs[0].folder
    (folder / "metrics.csv").unlink()
    st = [os.stat(folder / name) for name in ("session.json", "trials.csv")]
    assert summary_cache.folder_key(str(folder)) == (
        st[0].st_size, st[0].st_mtime_ns, st[0].st_ctime_ns, st[0].st_ino,
        st[1].st_size, st[1].st_mtime_ns, st[1].st_ctime_ns, st[1].st_ino,
        -1, -1, -1, -1,
    )


def test_a_format_1_cache_is_rebuilt_not_misread(tmp_path: Path) -> None:
    """A whole, crc-right cache of the earlier layout (format 1, keys nested per file, one
    object per session) is not read: the report reads the files and writes the current one."""
    data, kids, recs = _data(tmp_path)
    plain = load_dataset(data, tables=TABLES)
    path = data / "sessions" / kids[0] / summary_cache.FILE_NAME
    sessions = {}
    for rec in recs[0::2]:
        key = summary_cache.folder_key(str(rec.folder))
        sessions[rec.folder.name] = {"key": [list(key[i:i + 4]) for i in range(0, 12, 4)],
                                     "meta": None, "tables": {"trials": [0, 0, 0, False],
                                                              "metrics": [0, 0, 0, False]}}
    body = json.dumps({"format": 1, "schema_version": 1, "readable": [1],
                       "sessions": sessions}, separators=(",", ":")).encode()
    path.write_bytes(b"finemotor-summaries 1 %08x %d\n" % (zlib.crc32(body), len(body)) + body)
    assert summary_cache.read_cache(path) is None
    ds = load_dataset(data, tables=TABLES, cache=True)
    _same(plain, ds)
    assert set(_from_cache(ds).values()) == {False}
    assert path.read_bytes().startswith(b"finemotor-summaries %d " % summary_cache.FORMAT)
    assert set(_from_cache(load_dataset(data, tables=TABLES, cache=True)).values()) == {True}


def test_a_removed_folder_alone_is_dropped_and_a_period_rewrites_nothing(
        tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    path = data / "sessions" / kids[0] / summary_cache.FILE_NAME
    before = path.read_bytes()
    st = os.stat(path)
    # A period leaves sessions out: their entries stay, the file is not written again.
    ds = load_dataset(data, tables=TABLES, cache=True, since="2025-03-05", until="2025-03-05")
    assert list(ds.sessions["session_id"]) == [recs[2].session_id]
    assert path.read_bytes() == before
    assert os.stat(path).st_ino == st.st_ino
    # A folder removed (nothing else changed): its entry is dropped.
    shutil.rmtree(recs[2].folder)
    load_dataset(data, tables=TABLES, cache=True)
    cached = summary_cache.read_cache(path)
    assert cached is not None
    assert sorted(cached) == sorted(r.folder.name for r in (recs[0], recs[4]))
