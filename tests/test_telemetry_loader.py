"""Loader: typed round trip, torn and corrupt rows skipped and counted, versions, filters."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from telemetry import schema
from telemetry.children import ChildrenRegistry
from telemetry.errors import SchemaVersionError, UsageError
from telemetry.loader import check_lines, load_dataset, load_session_table
from telemetry.recorder import SessionRecorder

A = "a" * 32
B = "b" * 32


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _session(
    data: Path,
    child: str,
    start: datetime,
    trials: int = 2,
    close: bool = True,
    samples: int = 3,
) -> SessionRecorder:
    ns = [1_000_000_000]
    rec = SessionRecorder.start(
        data, child, wall_clock=lambda: start, clock_ns=lambda: ns[0], mode="clinic"
    )
    for n in range(1, trials + 1):
        rec.begin_trial("tracing" if n % 2 else "pinch", n, f"item{n}", "trace")
        rec.add_targets("model_path", 0, [(n, 1), (n, 2)])
        for i in range(samples):
            rec.add_sample(ns[0] + i * 500_000, i, 2 * i, 0, "move", "touch")
        ns[0] += 250_000_000
        rec.finish_trial(
            accuracy=n / 10,
            errors=n,
            completed=n % 2 == 1,
            metrics=[("mean_deviation", n * 1.25, "px"), ("lifts", n, "count")],
        )
    if close:
        rec.close()
    else:
        rec.flush()
    return rec


def test_round_trip_typed_values(tmp_path: Path) -> None:
    reg = ChildrenRegistry(tmp_path)
    child = reg.add("Ana", "owl")
    start = datetime(2025, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
    rec = _session(tmp_path, child.child_id, start)
    ds = load_dataset(tmp_path)
    sid = rec.session_id
    assert ds.sessions.to_dict("records") == [
        {
            "session_id": sid,
            "child_id": child.child_id,
            "folder": str(rec.folder),
            "started_at": _ts("2025-05-06T07:08:09.123456Z"),
            "ended_at": _ts("2025-05-06T07:08:09.123456Z"),
            "mode": "clinic",
            "app_version": "0.1.0",
            "schema_version": 1,
            "screen_width_px": 1280,
            "screen_height_px": 800,
            "screen_width_mm": pytest.approx(float("nan"), nan_ok=True),
            "screen_height_mm": pytest.approx(float("nan"), nan_ok=True),
            "handedness": "right",
        }
    ]
    trials = ds.trials
    assert list(trials.columns) == list(schema.TRIALS.column_names)
    assert trials.to_dict("records") == [
        {
            "session_id": sid,
            "child_id": child.child_id,
            "activity": "tracing",
            "level": 1,
            "trial": 1,
            "item": "item1",
            "mode": "trace",
            "started_at": _ts("2025-05-06T07:08:09.123456Z"),
            "duration_ms": 250.0,
            "accuracy": 0.1,
            "errors": 1,
            "completed": True,
        },
        {
            "session_id": sid,
            "child_id": child.child_id,
            "activity": "pinch",
            "level": 2,
            "trial": 2,
            "item": "item2",
            "mode": "trace",
            "started_at": _ts("2025-05-06T07:08:09.123456Z"),
            "duration_ms": 250.0,
            "accuracy": 0.2,
            "errors": 2,
            "completed": False,
        },
    ]
    assert str(trials["started_at"].dtype) == "datetime64[us, UTC]"
    assert trials["completed"].dtype == bool
    assert trials["level"].dtype == "int64"
    assert isinstance(trials["activity"].dtype, pd.CategoricalDtype)
    assert ds.metrics.to_dict("records") == [
        {"session_id": sid, "trial": 1, "activity": "tracing", "metric": "mean_deviation",
         "value": 1.25, "unit": "px"},
        {"session_id": sid, "trial": 1, "activity": "tracing", "metric": "lifts",
         "value": 1.0, "unit": "count"},
        {"session_id": sid, "trial": 2, "activity": "pinch", "metric": "mean_deviation",
         "value": 2.5, "unit": "px"},
        {"session_id": sid, "trial": 2, "activity": "pinch", "metric": "lifts",
         "value": 2.0, "unit": "count"},
    ]
    assert ds.children.to_dict("records") == [
        {"child_id": child.child_id, "nickname": "Ana", "avatar": "owl",
         "created_at": _ts(child.created_at)}
    ]
    assert ds.samples is None and ds.targets is None
    assert ds.quality.skipped_rows == {"trials": 0, "metrics": 0}
    assert ds.quality.torn_files == []
    assert ds.quality.sessions_without_end == 0

    samples, skipped = load_session_table(rec.folder, "samples", trials=[2])
    assert skipped == 0
    assert samples.to_dict("records") == [
        {"session_id": sid, "trial": 2, "t_ms": 250.0 + i * 0.5, "x": float(i), "y": 2.0 * i,
         "pointer": 0, "phase": "move", "source": "touch"}
        for i in range(3)
    ]
    targets, _ = load_session_table(rec.folder, "targets")
    cols = (targets["trial"], targets["seq"], targets["x"], targets["y"])
    assert list(zip(*cols, strict=True)) == [
        (1, 0, 1.0, 1.0), (1, 1, 1.0, 2.0), (2, 0, 2.0, 1.0), (2, 1, 2.0, 2.0)
    ]


def test_torn_last_row_at_every_byte_offset(tmp_path: Path) -> None:
    rec = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc), trials=3)
    path = rec.folder / "trials.csv"
    whole = path.read_bytes()
    lines = whole.splitlines(keepends=True)
    last = lines[-1]
    good = load_dataset(tmp_path).trials
    for cut in range(len(last)):  # cut == len(last) would be the whole row again
        path.write_bytes(b"".join(lines[:-1]) + last[:cut])
        ds = load_dataset(tmp_path)
        pd.testing.assert_frame_equal(ds.trials, good.iloc[:2], check_categorical=False)
        assert ds.quality.skipped_rows["trials"] == (1 if cut else 0)
        assert ds.quality.torn_files == ([str(path)] if cut else [])


def test_cut_row_inside_a_file_is_skipped_rest_loads(tmp_path: Path) -> None:
    rec = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc), trials=3)
    path = rec.folder / "trials.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    for cut in range(len(rows[1]) - 1):  # every prefix missing at least one character
        body = rows[0] + rows[1][:cut] + b"\n" + rows[2]
        valid, skipped, torn = check_lines(body)
        assert (valid, skipped, torn) == (rows[0] + rows[2], 1, False)
    path.write_bytes(header + rows[0] + rows[1][:40] + b"\n" + rows[2])
    ds = load_dataset(tmp_path)
    assert list(ds.trials["trial"]) == [1, 3]
    assert ds.quality.skipped_rows["trials"] == 1


def test_flipped_byte_fails_the_check(tmp_path: Path) -> None:
    rec = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc), trials=2)
    path = rec.folder / "metrics.csv"
    data = bytearray(path.read_bytes())
    pos = data.index(b"mean_deviation,1.25") + len("mean_deviation,")
    data[pos] = ord("7")  # 1.25 -> 7.25: a plausible number pandas would happily accept
    path.write_bytes(bytes(data))
    ds = load_dataset(tmp_path)
    assert ds.quality.skipped_rows["metrics"] == 1
    assert list(ds.metrics["value"]) == [1.0, 2.5, 2.0]


def test_missing_and_empty_folders(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        load_dataset(tmp_path / "nope")
    assert str(err.value) == f"data folder not found: {tmp_path / 'nope'}"
    with pytest.raises(UsageError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"no sessions in data folder {tmp_path}: play a session first, or copy session "
        f"folders into {tmp_path / 'sessions'}"
    )
    with pytest.raises(UsageError) as err:
        load_session_table(tmp_path / "x", "samples")
    assert str(err.value) == f"session folder not found: {tmp_path / 'x'}"
    with pytest.raises(UsageError) as err:
        load_session_table(tmp_path, "children")
    assert str(err.value) == "unknown table: children (one of trials, metrics, samples, targets)"


def test_unknown_schema_version_in_session_json(tmp_path: Path) -> None:
    rec = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc))
    path = rec.folder / "session.json"
    meta = json.loads(path.read_text())
    meta["schema_version"] = 7
    path.write_text(json.dumps(meta))
    with pytest.raises(SchemaVersionError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"{path}: written with schema version 7; this finemotor reads version(s) 1: "
        "update finemotor to read it"
    )


def test_unknown_schema_version_in_a_row(tmp_path: Path) -> None:
    rec = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc))
    path = rec.folder / "metrics.csv"
    with open(path, "ab") as fh:  # a well-formed row (good crc) from a future version
        fh.write(schema.encode_row((rec.session_id, 3, "tracing", "x", 1.0, "px"), version=2))
    with pytest.raises(SchemaVersionError) as err:
        load_dataset(tmp_path)
    assert str(err.value) == (
        f"{path}: written with schema version 2; this finemotor reads version(s) 1: "
        "update finemotor to read it"
    )
    # Not asked for: not read, so no error.
    assert len(load_dataset(tmp_path, tables=("trials",)).trials) == 2


def test_sessions_without_end_and_unreadable(tmp_path: Path) -> None:
    _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc))
    open_rec = _session(tmp_path, A, datetime(2025, 1, 2, tzinfo=timezone.utc), close=False)
    broken = _session(tmp_path, B, datetime(2025, 1, 3, tzinfo=timezone.utc))
    (broken.folder / "session.json").write_text("{not json")
    try:
        ds = load_dataset(tmp_path)
        assert ds.quality.sessions_without_end == 1
        assert ds.quality.unreadable_sessions == [str(broken.folder)]
        # The broken session has a stand-in row (from its trials; its end is unknown), which
        # is not counted again among the sessions without an end.
        assert list(ds.sessions["ended_at"].isna()) == [False, True, True]
        assert list(ds.sessions["mode"]) == ["clinic", "clinic", "unknown"]
        # The broken session's rows still load: every row names its session and child.
        assert sorted(set(ds.trials["session_id"])) == sorted(
            {ds.sessions["session_id"][0], open_rec.session_id, broken.session_id}
        )
        assert len(ds.trials) == 6
    finally:
        open_rec.close()


@pytest.mark.parametrize(
    "change",
    [
        {"started_at": "last tuesday"},
        {"started_at": None},
        {"ended_at": "2025-13-40T00:00:00Z"},
        {"ended_at": 17},
        {"session_id": ""},
        {"child_id": None},
        {"screen": [1280, 800]},
        {"screen": {"width_px": "abc", "height_px": 800}},
        {"screen": {"width_px": 1280.5, "height_px": 800}},
        {"screen": {"width_px": 1280, "height_px": 800, "width_mm": "wide"}},
    ],
)
def test_damaged_session_json_counts_as_unreadable(tmp_path: Path, change: dict) -> None:
    good = _session(tmp_path, A, datetime(2025, 1, 1, tzinfo=timezone.utc))
    damaged = _session(tmp_path, B, datetime(2025, 1, 2, tzinfo=timezone.utc))
    path = damaged.folder / "session.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    ds = load_dataset(tmp_path)
    assert ds.quality.unreadable_sessions == [str(damaged.folder)]
    assert list(ds.sessions["session_id"]) == [good.session_id, damaged.session_id]
    assert list(ds.sessions["mode"]) == ["clinic", "unknown"]
    assert len(ds.trials) == 4
    # Without the trials loaded there is nothing to make a stand-in from: counted only.
    ds = load_dataset(tmp_path, tables=("metrics",))
    assert list(ds.sessions["session_id"]) == [good.session_id]


def test_filters_by_child_and_date(tmp_path: Path) -> None:
    day = datetime(2025, 2, 27, 23, 59, tzinfo=timezone.utc)
    recs = [
        _session(tmp_path, A, day),
        _session(tmp_path, A, day + timedelta(days=2)),
        _session(tmp_path, B, day + timedelta(days=1)),
    ]
    ChildrenRegistry(tmp_path).add("X")
    ds = load_dataset(tmp_path, child_ids=[A])
    assert list(ds.sessions["session_id"]) == [recs[0].session_id, recs[1].session_id]
    assert set(ds.trials["child_id"]) == {A}
    assert ds.children.empty
    ds = load_dataset(tmp_path, since="2025-02-28", until=date(2025, 3, 1))
    # sorted by child, then start
    assert list(ds.sessions["session_id"]) == [recs[1].session_id, recs[2].session_id]
    ds = load_dataset(tmp_path, since=datetime(2025, 3, 1, 5, tzinfo=timezone.utc))
    assert list(ds.sessions["session_id"]) == [recs[1].session_id]
    assert list(ds.trials["session_id"].astype(str)) == [recs[1].session_id] * 2
    ds = load_dataset(tmp_path, since="2030-01-01")
    assert ds.sessions.empty and ds.trials.empty and ds.metrics.empty
    assert list(ds.trials.columns) == list(schema.TRIALS.column_names)
    with pytest.raises(UsageError) as err:
        load_dataset(tmp_path, since="soon")
    assert str(err.value) == "invalid since date: 'soon' (use YYYY-MM-DD)"
    with pytest.raises(UsageError) as err:
        load_dataset(tmp_path, tables=("trials", "bogus"))
    assert str(err.value) == "unknown table: bogus (one of trials, metrics, samples, targets)"


def test_all_tables_and_quoted_text(tmp_path: Path) -> None:
    with SessionRecorder.start(tmp_path, A) as rec:
        rec.begin_trial("sequencing", 1, 'morning, "school"', "order")
        rec.add_sample(rec.origin_ns, 1, 2, 0, "down", "pen")
        rec.finish_trial(accuracy=1, errors=0, completed=True, metrics=[("a,b", 1, 'u"')])
    ds = load_dataset(tmp_path, tables=("trials", "metrics", "samples", "targets"))
    assert ds.trials["item"][0] == 'morning, "school"'
    assert (ds.metrics["metric"][0], ds.metrics["unit"][0]) == ("a,b", 'u"')
    assert ds.samples is not None and len(ds.samples) == 1
    assert ds.targets is not None and ds.targets.empty
    assert ds.quality.skipped_rows == {"trials": 0, "metrics": 0, "samples": 0, "targets": 0}



def test_block_size_does_not_change_the_result(tmp_path: Path, monkeypatch) -> None:
    from telemetry import table_reader

    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    recs = [_session(tmp_path, A, start + timedelta(days=i), trials=3) for i in range(5)]
    torn = recs[1].folder / "metrics.csv"
    torn.write_bytes(torn.read_bytes()[:-3])
    bad = recs[3].folder / "metrics.csv"
    data = bytearray(bad.read_bytes())
    data[data.index(b"lifts")] = ord("L")
    bad.write_bytes(bytes(data))
    results = []
    for block in (1, 300, 1 << 22):
        monkeypatch.setattr(table_reader, "BLOCK_BYTES", block)
        results.append(load_dataset(tmp_path))
    for ds in results:
        pd.testing.assert_frame_equal(ds.metrics, results[0].metrics)
        assert ds.quality == results[0].quality
    assert results[0].quality.skipped_rows == {"trials": 0, "metrics": 2}
    assert results[0].quality.torn_files == [str(torn)]
    # File order is kept: rows come session by session.
    assert list(results[0].metrics["session_id"].astype(str).drop_duplicates()) == [
        r.session_id for r in recs
    ]
    assert len(results[0].metrics) == 5 * 6 - 2
