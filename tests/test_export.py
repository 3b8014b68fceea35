"""finemotor export: Parquet that DuckDB and polars read, with exactly the report's figures.

The data: ``test_report_data.write_known`` (hand-computed figures, a bad-crc row and a torn
row in S2, a session without an end) and a folder of random sessions (``write_random``).
The DuckDB and polars queries are taken from docs/data-format.md, so the recipes people copy
are the ones tested.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl
import pytest
from test_report_data import NICK_A, NICK_B, WallClock, _session, write_known

from games import cli
from telemetry import schema
from telemetry.children import ChildrenRegistry
from telemetry.errors import UsageError
from telemetry.export import ALL_TABLES, export_dataset
from telemetry.report import build_reports

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"
NOW = datetime(2026, 3, 23, tzinfo=timezone.utc)
PRACTICE = ["sessions", "minutes", "clinic_sessions", "home_sessions", "clinic_minutes",
            "home_minutes"]
ACTIVITY = ["activity_sessions", "trials", "accuracy", "duration_s", "level"]


def _recipe(engine: str, out: Path) -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- recipe: {engine} -->\n```\w+\n(.*?)```", text, re.S)
    assert m, engine
    return m.group(1).replace("/path/to/export", str(out))


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _text(value: object) -> str:
    """A value as pandas' to_csv writes it (floats by repr, no value empty, dates ISO)."""
    if value is None or value != value:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return repr(value) if isinstance(value, float) else str(value)


def _figures(rows: list[dict[str, object]]) -> tuple[set[tuple], set[tuple]]:
    """(weekly practice rows, activity-week rows) of a recipe's output, as CSV text."""
    practice, activity = set(), set()
    for r in rows:
        key = (r["child_id"], _text(r["week_start"]))
        if r["sessions"] is not None:
            practice.add(key + tuple(_text(r[c]) for c in PRACTICE))
        if r["activity"] is not None:
            activity.add((key[0], r["activity"], key[1]) + tuple(_text(r[c]) for c in ACTIVITY))
    return practice, activity


def _report_figures(report_dir: Path) -> tuple[set[tuple], set[tuple]]:
    practice = {
        (r["child_id"], r["week_start"], *(r[c] for c in PRACTICE))
        for r in _csv(report_dir / "weekly_practice.csv") if r["sessions"] != "0"
    }
    activity = {
        (r["child_id"], r["activity"], r["week_start"], r["sessions"],
         *(r[c] for c in ACTIVITY[1:]))
        for r in _csv(report_dir / "activity_weekly.csv")
    }
    return practice, activity


def _duckdb_rows(out: Path) -> list[dict[str, object]]:
    con = duckdb.connect()
    cur = con.execute(_recipe("duckdb", out))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _polars_rows(out: Path) -> list[dict[str, object]]:
    scope: dict[str, object] = {}
    exec(_recipe("polars", out), scope)  # noqa: S102 - the documented recipe, run as written
    frame = scope["caseload"]
    assert isinstance(frame, pl.DataFrame)
    return frame.to_dicts()


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory):
    return write_known(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def exported(known, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("export") / "out"
    return export_dataset(known.data, out, tables=ALL_TABLES)


def write_random(data: Path, seed: int = 5, children: int = 8, sessions: int = 60) -> None:
    """Random sessions written with the recorder's row codec (fast, unlike demo-data's fsyncs).

    Durations with 4 decimals and accuracies with 4 make many medians and minutes land on a
    rounding tie; some sessions have no end (a crash), some no trials, some trials are
    abandoned (no accuracy).
    """
    rng = random.Random(seed)
    reg = ChildrenRegistry(data)
    with_trials = data
    headers = {t.name: t.header_line() for t in schema.SESSION_TABLES}
    for c in range(children):
        cid = reg.add(f"Kid {c}", "cat").child_id
        for _ in range(sessions):
            start = datetime(2026, 1, 5, tzinfo=timezone.utc) + timedelta(
                days=rng.randint(0, 90), hours=rng.randint(6, 20), seconds=rng.random() * 3600)
            sid = f"{rng.getrandbits(128):032x}"
            folder = data / "sessions" / cid / f"{start.date()}_{sid}"
            folder.mkdir(parents=True)
            rows = [headers["trials"]]
            t = start
            for trial in range(1, rng.randint(0, 8) + 1):
                done = rng.random() > 0.15
                acc = round(rng.random(), 4) if done else None
                dur = round(rng.uniform(1000, 20000), 4)
                rows.append(schema.encode_row((
                    sid, cid, rng.choice(["tracing", "pinch"]), rng.randint(1, 5), trial, "x",
                    "trace", t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), dur, acc, 0, done)))
                t += timedelta(milliseconds=dur + rng.uniform(0, 5000))
            (folder / "trials.csv").write_bytes(b"".join(rows))
            if len(rows) > 1:
                with_trials = folder
            end = None if rng.random() < 0.1 else t + timedelta(seconds=rng.uniform(0, 120))
            (folder / "session.json").write_text(json.dumps({
                "schema_version": 1, "session_id": sid, "child_id": cid,
                "started_at": start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "ended_at": end.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if end else None,
                "mode": rng.choice(["clinic", "home"]), "app_version": "0.1.0",
                "screen": {"width_px": 1280, "height_px": 800, "width_mm": None,
                           "height_mm": None},
                "handedness": "right",
            }))
        # A row with a right crc32 but a level of "abc" (a file edited by another tool).
        with open(folder / "trials.csv", "ab") as fh:
            fh.write(schema.encode_row((sid, cid, "pinch", "abc", 99, "x", "trace",
                                        start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), 1.0, 0.5, 0,
                                        True)))
    # A damaged session.json: the report gives the session a stand-in row from its trials.
    (with_trials / "session.json").write_text("{not json")


@pytest.fixture(scope="module")
def randomized(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("random")
    write_random(data)
    out = tmp_path_factory.mktemp("random-export") / "out"
    export_dataset(data, out)
    report = tmp_path_factory.mktemp("random-report")
    build_reports(data, report, progress=False, now=NOW)
    return data, out, report


# ------------------------------------------------------------------ figures equal the report's


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_recipe_gives_the_report_figures_on_known_data(known, exported, tmp_path, engine):
    report = tmp_path / "report"
    build_reports(known.data, report, progress=False, now=NOW)
    rows = _duckdb_rows(exported.out_dir) if engine == "duckdb" else _polars_rows(
        exported.out_dir)
    practice, activity = _figures(rows)
    want_practice, want_activity = _report_figures(report)
    assert practice == want_practice
    assert activity == want_activity
    # The hand-computed figures (test_report_data): A's first week, with the crashed S3.
    assert (known.a, "2026-03-02", "3", "43.17", "1", "2", "20.0", "23.17") in practice
    assert (known.a, "tracing", "2026-03-16", "3", "10", "0.9", "7.0", "2") in activity


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_recipe_gives_the_report_figures_on_random_data(randomized, engine):
    _data, out, report = randomized
    rows = _duckdb_rows(out) if engine == "duckdb" else _polars_rows(out)
    practice, activity = _figures(rows)
    want_practice, want_activity = _report_figures(report)
    assert len(want_activity) > 150
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["unreadable_sessions"] == 1
    stand_in = duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{out}/sessions/**/*.parquet') WHERE mode = 'unknown'"
    ).fetchone()
    assert stand_in == (1,)
    assert manifest["tables"]["trials"]["skipped_rows"] == 8  # the 8 rows of level "abc"
    assert practice == want_practice
    assert activity == want_activity
    # Sessions and minutes per child, as the report's sessions.csv has them.
    sessions = _csv(report / "sessions.csv")
    for child in {r["child_id"] for r in sessions}:
        mine = [r for r in sessions if r["child_id"] == child]
        assert sum(int(p[2]) for p in practice if p[0] == child) == len(mine)


# ------------------------------------------------------------------ only checked rows


def test_torn_and_bad_crc_rows_never_reach_the_export(known, exported):
    out = exported.out_dir
    con = duckdb.connect()
    s2 = known.folders["S2"].name.split("_", 1)[1]
    rows = con.execute(
        f"SELECT trial, accuracy FROM read_parquet('{out}/trials/**/*.parquet') "
        f"WHERE session_id = '{s2}' ORDER BY trial"
    ).fetchall()
    # S2's trials.csv holds 5 rows: 3 good, a copy of trial 1 with a wrong crc32, a torn one.
    assert rows == [(1, 0.6), (2, 0.7), (3, 0.8)]
    assert con.execute(
        f"SELECT count(*) FROM read_parquet('{out}/trials/**/*.parquet')"
    ).fetchone() == (28,)
    m = exported.manifest
    assert m["tables"]["trials"]["rows"] == 28
    assert m["tables"]["trials"]["skipped_rows"] == 2
    assert m["sessions"] == 9 and m["children"] == 2
    assert m["time_range"]["first_session"] == "2026-02-02T10:00:00.000000Z"
    assert m["time_range"]["last_session"] == "2026-03-20T10:00:00.000000Z"


def test_tables_typed_as_the_schema_and_partitioned(exported):
    out = exported.out_dir
    con = duckdb.connect()
    described = {
        r[0]: r[1] for r in con.execute(
            f"DESCRIBE SELECT * FROM read_parquet('{out}/trials/**/*.parquet')").fetchall()
    }
    assert described == {
        "schema_version": "INTEGER", "session_id": "VARCHAR", "child_id": "VARCHAR",
        "activity": "VARCHAR", "level": "BIGINT", "trial": "BIGINT", "item": "VARCHAR",
        "mode": "VARCHAR", "started_at": "TIMESTAMP WITH TIME ZONE", "duration_ms": "DOUBLE",
        "accuracy": "DOUBLE", "errors": "BIGINT", "completed": "BOOLEAN", "month": "VARCHAR",
    }
    parts = sorted(p.parent.relative_to(out).as_posix()
                   for p in (out / "trials").rglob("*.parquet"))
    assert parts == ["trials/activity=pinch/month=2026-03",
                     "trials/activity=tracing/month=2026-02",
                     "trials/activity=tracing/month=2026-03"]
    meta = con.execute(
        f"SELECT DISTINCT key::VARCHAR, value::VARCHAR FROM "
        f"parquet_kv_metadata('{out}/*/**/*.parquet')"
    ).fetchall()
    assert ("finemotor_schema_version", str(schema.SCHEMA_VERSION)) in meta
    # Samples carry their trial's activity; the abandoned trial's samples are there too.
    assert con.execute(
        f"SELECT DISTINCT activity FROM read_parquet('{out}/samples/**/*.parquet')"
    ).fetchall() == [("tracing",)]
    assert exported.manifest["tables"]["samples"]["rows_left_out"] == 0
    for root, dirs, files in os.walk(out):
        assert os.stat(root).st_mode & 0o777 == 0o700, root
        for f in files:
            assert os.stat(os.path.join(root, f)).st_mode & 0o777 == 0o600, f
        assert ".staging" not in dirs


# ------------------------------------------------------------------ privacy


def _all_text(out: Path) -> str:
    """Every text value of every Parquet file, and every other file's bytes, as text."""
    con = duckdb.connect()
    parts = []
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        parts.append(path.read_bytes().decode("latin-1"))
        if path.suffix == ".parquet":
            rows = con.execute(
                f"SELECT * FROM read_parquet('{path}', hive_partitioning = false)").fetchall()
            parts.append(repr(rows))
    return "\n".join(parts)


def test_anonymized_export_holds_no_nickname(known, exported, tmp_path):
    out = tmp_path / "anon"
    result = export_dataset(known.data, out, tables=ALL_TABLES, anonymize=True)
    assert not (out / "children.parquet").exists()
    assert result.manifest["anonymized"] is True and result.manifest["roster"] is None
    text = _all_text(out)
    for nick in (NICK_A, NICK_B, "Mia", "Leo"):
        assert nick not in text
    assert known.a in text  # pseudonymous ids stay
    # The same search finds the nicknames in the roster of a plain export.
    assert NICK_A in _all_text(exported.out_dir)


# ------------------------------------------------------------------ incremental


def _snapshot(out: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in out.rglob("*.parquet")
    }


def test_second_export_writes_only_the_new_session(tmp_path):
    known = write_known(tmp_path / "data")
    out = tmp_path / "out"
    export_dataset(known.data, out, tables=ALL_TABLES)
    before = _snapshot(out)
    model = [(100.0 + 10 * k, 200.0) for k in range(5)]
    folder = _session(known.data, known.b, WallClock(), "2026-03-21", "home",
                      [("tracing", 3, "vertical", .95, 4000, True)], model)
    new_id = folder.name.split("_", 1)[1]

    result = export_dataset(known.data, out, tables=ALL_TABLES)
    assert (result.sessions_added, result.sessions_replaced, result.sessions_unchanged) == (
        1, 0, 9)
    after = _snapshot(out)
    for rel, snap in before.items():
        assert after[rel] == snap, rel  # untouched: same inode, mtime and bytes
    written = sorted(set(after) - set(before))
    assert written == sorted(result.files_written)
    # (The new session's trial has no metric rows, so no metrics file.)
    assert written == [
        "samples/activity=tracing/month=2026-03/b000002_0.parquet",
        "sessions/month=2026-03/b000002_0.parquet",
        "targets/activity=tracing/month=2026-03/b000002_0.parquet",
        "trials/activity=tracing/month=2026-03/b000002_0.parquet",
    ]
    con = duckdb.connect()
    for rel in written:
        ids = con.execute(
            f"SELECT DISTINCT session_id FROM read_parquet('{out / rel}')").fetchall()
        assert ids == [(new_id,)], rel
    m = json.loads((out / "manifest.json").read_text())
    assert m["sessions"] == 10 and m["tables"]["trials"]["rows"] == 29
    assert [r["sessions_added"] for r in m["exports"]] == [9, 1]

    # Nothing new: nothing written.
    again = export_dataset(known.data, out, tables=ALL_TABLES)
    assert again.files_written == [] and again.sessions_unchanged == 10
    assert _snapshot(out) == after


def test_changed_session_is_replaced_and_recopied_one_is_not(tmp_path):
    known = write_known(tmp_path / "data")
    out = tmp_path / "out"
    export_dataset(known.data, out)
    # S4 gets one more trial row (appended as the recorder writes it).
    s4 = known.folders["S4"]
    sid = s4.name.split("_", 1)[1]
    row = (sid, known.a, "tracing", 2, 4, "circle", "trace", "2026-03-16T10:05:00.000000Z",
           5000.0, 0.7, 0, True)
    with open(s4 / "trials.csv", "ab") as fh:
        fh.write(schema.encode_row(row))
    # S1 is copied again: new modification times, same bytes.
    for f in known.folders["S1"].iterdir():
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 5_000_000_000))

    result = export_dataset(known.data, out)
    assert (result.sessions_added, result.sessions_replaced) == (0, 1)
    con = duckdb.connect()
    src = f"read_parquet('{out}/trials/**/*.parquet')"
    assert con.execute(
        f"SELECT count(*) FROM {src} WHERE session_id = '{sid}'").fetchone() == (4,)
    assert con.execute(
        f"SELECT count(*) FROM (SELECT session_id, trial FROM {src} GROUP BY ALL "
        "HAVING count(*) > 1)").fetchone() == (0,)
    assert con.execute(f"SELECT count(*) FROM {src}").fetchone() == (29,)
    assert result.manifest["tables"]["trials"]["rows"] == 29
    # The changed session's new rows are in this run's files only.
    assert con.execute(
        f"SELECT DISTINCT filename LIKE '%b000002_%' FROM read_parquet("
        f"'{out}/trials/**/*.parquet', filename = true) WHERE session_id = '{sid}'"
    ).fetchall() == [(True,)]
    assert export_dataset(known.data, out).files_written == []


def test_a_run_cut_short_is_cleaned_up(tmp_path):
    known = write_known(tmp_path / "data")
    out = tmp_path / "out"
    export_dataset(known.data, out)
    # A later run died after moving a file in, before its index was written.
    src = next((out / "trials").rglob("b000001_0.parquet"))
    shutil.copy(src, src.with_name("b000002_0.parquet"))
    (out / ".staging").mkdir()
    result = export_dataset(known.data, out)
    assert result.files_written == []
    assert not src.with_name("b000002_0.parquet").exists()
    assert not (out / ".staging").exists()
    assert duckdb.connect().execute(
        f"SELECT count(*) FROM read_parquet('{out}/trials/**/*.parquet')").fetchone() == (28,)


# ------------------------------------------------------------------ bad arguments


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and stderr of ``finemotor export ...`` (argparse errors exit, others return)."""
    try:
        code = cli.main(["export", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--child", "x", "--all"], "argument --all: not allowed with argument --child"),
        (["--tables", "trials,bogus"], "unknown table: bogus (one or more of "
         "trials,metrics,samples,targets,sessions, separated by commas)"),
        (["--since", "2026-02-30"], "invalid --since date: '2026-02-30' (use YYYY-MM-DD)"),
        (["--since", "2026-03-02", "--until", "2026-03-01"],
         "--since must not be after --until"),
        (["--format", "csv"], "unknown --format: csv (one of parquet)"),
        (["--child", "nobody"],
         "no child 'nobody': see `finemotor children list` for nicknames and ids"),
        (["--since", "2030-01-01"], "no sessions to export in {data} for that period"),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(known, tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    code, err = _cli(["--data-dir", str(known.data), "--out", str(out), *argv], capsys)
    assert code == 2
    assert err == f"finemotor: error: {message.format(data=known.data)}\n"
    assert not out.exists()


def test_bad_export_folders_are_one_line_errors(known, exported, tmp_path, capsys):
    def run(*argv: str) -> str:
        code, err = _cli(["--data-dir", str(known.data), *argv], capsys)
        assert code == 2
        return err

    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert run("--out", str(a_file)) == (
        f"finemotor: error: --out is a file, not a folder: {a_file}\n")
    inside = known.data / "export"
    assert run("--out", str(inside)) == (
        f"finemotor: error: --out must be a folder outside the data folder: {inside}\n")
    assert not inside.exists()
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"\xff")
    assert run("--out", str(other)) == (
        f"finemotor: error: --out folder is not empty and holds no finemotor export: {other} "
        "(it has holiday.jpg); give a new or empty folder\n")
    assert sorted(p.name for p in other.iterdir()) == ["holiday.jpg"]
    out = exported.out_dir
    before = _snapshot(out)
    assert run("--out", str(out), "--tables", "trials,metrics,samples,targets,sessions",
               "--anonymize") == (
        f"finemotor: error: {out} holds an export of tables "
        "trials,metrics,samples,targets,sessions, with the roster; this run asks for tables "
        "trials,metrics,samples,targets,sessions, anonymized: give the same options or a new "
        "folder\n")
    assert _snapshot(out) == before


def test_api_refuses_child_and_all(known, tmp_path):
    with pytest.raises(UsageError, match=r"^give either --child ID \.\.\. or --all, not both$"):
        export_dataset(known.data, tmp_path / "out", child_ids=[known.a], all_children=True)
    assert not (tmp_path / "out").exists()
