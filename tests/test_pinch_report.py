"""Pinch's report section: per-session figures, baseline against latest (medians of three),
paths over the board, milestones with sources, assisted boards out of the motor figures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from games.kit.demo import SimClock, SimTrial
from games.pinch import ACTIVITY
from games.pinch.levels import layout, level
from games.pinch.record import write_board
from games.pinch.report import STATEMENT, PinchSection, board_figures, decode_board
from games.reporting import build_reports
from telemetry import schema
from telemetry.children import ChildrenRegistry
from telemetry.loader import load_dataset
from telemetry.recorder import SessionRecorder
from telemetry.report_html import QualityNote
from telemetry.report_sections import ChildContext, Period, ReportContext
from telemetry.trial_cache import read_entries

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One child: 4 weekly sessions of 3 simulated pinch boards, then one assisted board."""
    folder = tmp_path_factory.mktemp("data")
    child = ChildrenRegistry(folder).add("Mia", "cat")
    state: dict = {}
    rng = np.random.default_rng(3)
    for week in range(4):
        clock = SimClock(START + timedelta(weeks=week))
        rec = SessionRecorder.start(folder, child.child_id, clock_ns=clock.mono_ns,
                                    wall_clock=clock.wall_now)
        for _ in range(3):
            ACTIVITY.simulate(SimTrial(rec, clock, rng, wobble_px=10.0, speed_px_s=400.0,
                                       weeks_in=week * 4.0, weeks=12, state=state))
        if week == 3:  # an assisted board, very fast: it must not count
            rec.begin_trial("pinch", 1, "cup", "tap")
            write_board(rec, layout(level(1), 0), 0.0)
            rec.finish_trial(accuracy=1.0, errors=0, completed=True,
                             metrics=[("assisted", 1.0, "bool"), ("time_per_object", 10.0, "ms"),
                                      ("drops", 0.0, "count")])
        rec.close()
    return folder, child.child_id


def test_the_pinch_section_in_a_real_report(data: tuple[Path, str], tmp_path: Path) -> None:
    folder, child_id = data
    build_reports(folder, tmp_path / "r", until=START + timedelta(weeks=5),
                        progress=False)
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "r").rglob("*.html"))
    assert "<section id='pinch'>" in html
    assert STATEMENT.split(":")[0] in html  # "A screen score is its own measure"
    assert "No age norm exists for tweezer use" in html
    assert "Baseline against latest" in html and "Medians of the first 3" in html
    assert html.count("<polyline") >= 2  # the carries of the first and latest board
    assert "no age norm found for tweezers" in html and "cheshire.k12.ct.us" in html
    assert "1 board(s) played with the single-pointer alternative" in html
    sessions = pd.read_csv(next((tmp_path / "r").rglob("pinch_sessions.csv")))
    assert sessions["boards"].tolist() == [3, 3, 3, 3]  # the assisted board is not counted
    assert (sessions["time_per_object_s"] > 0.5).all()  # 10 ms of the assisted one never shows
    # time per object in s is the stored ms / 1000 at the stored precision (4 decimals of ms):
    # the median of a session's three boards, written without float noise
    stored = pd.concat(pd.read_csv(p) for p in sorted(folder.rglob("metrics.csv")))
    tpo = stored[(stored.metric == "time_per_object") & (stored.unit == "ms")].value
    medians = [round(float(np.median(tpo.iloc[i:i + 3])) / 1000.0, 7) for i in range(0, 12, 3)]
    assert sessions["time_per_object_s"].tolist() == medians
    text = next((tmp_path / "r").rglob("pinch_sessions.csv")).read_text(encoding="utf-8")
    assert all(len(line.split(",")[4].partition(".")[2]) <= 7 for line in text.splitlines()[1:])


def test_boards_drawn_from_the_trial_cache_are_those_drawn_from_the_files(
        data: tuple[Path, str], tmp_path: Path) -> None:
    folder, child_id = data
    pages = []
    for out, cache in (("a", True), ("b", True), ("plain", False)):
        build_reports(folder, tmp_path / out, until=START + timedelta(weeks=5), progress=False,
                      cache=cache)
        pages.append((tmp_path / out / f"{child_id}.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1] == pages[2]
    entries = read_entries(str(folder / "sessions" / child_id / ".trials.cache"))
    boards = {i: decode_board(e[2]) for i, e in entries.items() if i[0] == "pinch.paths"}
    assert len(boards) == 2  # the first and the latest board
    for board in boards.values():
        assert board is not None and len(board.targets) >= 1 and len(board.paths) >= 1
        assert pages[0].count(f"r='{board.targets[0, 2] * 300 / 1280:.1f}'") >= 1


def test_baseline_and_latest_are_medians_of_three_boards() -> None:
    section = PinchSection()
    motor = pd.DataFrame({
        "level": [1, 1, 2, 2, 3, 3, 4],
        "time_per_object_s": [9.0, 5.0, 7.0, 4.0, 3.0, 2.0, 2.5],
        "objects_per_minute": [6.0, 12.0, 9.0, 15, 20, 30, 24],
        "drops": [3.0, 1, 2, 0, 1, 0, 0], "failed_grasps": [2.0, 2, 1, 0, 0, 0, 1],
        "path_efficiency": [0.6, 0.7, 0.8, 0.9, 0.9, 0.95, 0.9],
        "throughput_bps": [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 3.2],
    })
    html = section._baseline(motor)
    assert "Level (harder boards take longer)</td><td class=num>1</td><td class=num>3</td>" in html
    # time per object: baseline median(9, 5, 7) = 7.00, latest median(3, 2, 2.5) = 2.50
    assert "<td class=num>7.00</td><td class=num>2.50</td><td class=num>-4.50</td><td>better" \
        in html
    # drops: baseline median(3, 1, 2) = 2, latest median(1, 0, 0) = 0
    assert "<td class=num>2</td><td class=num>0</td><td class=num>-2</td><td>better" in html


def _child(folder: Path, trials: pd.DataFrame) -> ChildContext:
    """A child's context whose one session ``s1`` is in ``folder`` (the real reader)."""
    period = Period(None, None, START, START)
    empty = pd.DataFrame()
    report = ReportContext([], trials, trials, empty, period, anonymize=False)
    return ChildContext("c1", "Mia", report, trials, empty, empty, empty, empty, empty, None,
                        QualityNote(), folders={"s1": str(folder)})


@pytest.mark.parametrize("source", ["files", "report"])
def test_board_figures_read_each_boards_checked_metric_rows(tmp_path: Path, source: str) -> None:
    """Exact values per board from metrics.csv: a later row of a metric wins, mm and empty
    values are no figure, a damaged row is skipped, an unknown metric is ignored, assisted
    only when stored non-zero. The same whether the section reads the child's files or the
    report hands it the loaded rows (``ChildContext.metrics``)."""
    rows = [
        ("s1", 1, "pinch", "time_per_object", 3347.4524, "ms"),
        ("s1", 1, "pinch", "drops", 2.0, "count"),
        ("s1", 2, "pinch", "drops", 1.0, "count"),  # merged: trial 2 between trial 1's rows
        ("s1", 1, "pinch", "drops", 3.0, "count"),  # a later row of the same metric wins
        ("s1", 1, "pinch", "path_efficiency", 120.0, "mm"),  # millimetres: not a figure
        ("s1", 1, "pinch", "throughput", None, "bits/s"),  # empty: not a figure
        ("s1", 1, "pinch", "grip_span", 31.0, "px"),  # not one of the figures
        ("s1", 2, "pinch", "assisted", 1.0, "bool"),
        ("s1", 2, "pinch", "time_per_object", 1512.955, "ms"),
        ("s1", 3, "pinch", "assisted", 0.0, "bool"),
        ("s1", 3, "pinch", "objects_per_minute", 40.5, "count"),
    ]
    lines = [schema.encode_row(r) for r in rows]
    bad = bytearray(schema.encode_row(("s1", 3, "pinch", "drops", 9.0, "count")))
    bad[-3] = ord("0") if bad[-3] != ord("0") else ord("1")  # a flipped crc digit
    data = tmp_path / "data"
    tmp_path = data / "sessions" / "c1" / "2026-03-02_s1"
    tmp_path.mkdir(parents=True)
    (tmp_path / "metrics.csv").write_bytes(schema.METRICS.header_line() + b"".join(lines)
                                           + bytes(bad))
    when = pd.to_datetime(["2026-03-02T09:00:00Z", "2026-03-02T09:01:00Z",
                           "2026-03-02T09:02:00Z", "2026-03-02T09:03:00Z"], utc=True)
    trials = pd.DataFrame({"session_id": ["s1", "s1", "s1", "s9"], "trial": [1, 2, 3, 1],
                           "started_at": when, "level": [1, 1, 2, 2]})
    child = _child(tmp_path, trials)
    if source == "report":
        child.metrics = load_dataset(data, tables=("metrics",), cache=True).metrics
    got = board_figures(child, trials)
    # s9 has no folder: a board without figures
    assert not got["assisted"][3] and got.iloc[3, 5:].isna().all()
    got = got.iloc[:3]
    assert got.columns.tolist() == [
        "session_id", "trial", "started_at", "level", "assisted", "time_per_object_s",
        "objects_per_minute", "drops", "failed_grasps", "path_efficiency", "throughput_bps"]
    assert got["session_id"].tolist() == ["s1"] * 3 and got["trial"].tolist() == [1, 2, 3]
    assert got["started_at"].tolist() == when[:3].tolist() and got["level"].tolist() == [1, 1, 2]
    assert got["assisted"].tolist() == [False, True, False]
    assert got["time_per_object_s"].tolist()[:2] == [3.3474524, 1.512955]  # stored ms / 1000
    assert got["drops"].tolist()[:2] == [3.0, 1.0] and np.isnan(got["drops"][2])
    assert np.isnan(got["objects_per_minute"].tolist()[:2]).all()
    assert got["objects_per_minute"][2] == 40.5
    for col in ("failed_grasps", "path_efficiency", "throughput_bps"):
        assert got[col].isna().all(), col


def test_sessions_table_per_session_medians_and_totals(tmp_path: Path) -> None:
    """Sessions in the order of their first board; medians skip NaN (an even count: the mean
    of the middle two; none: NaN); totals count NaN as 0; the date is the first board's."""
    nan = float("nan")
    when = pd.to_datetime(["2026-03-03T23:30:00Z", "2026-03-02T09:00:00Z",
                           "2026-03-04T00:10:00Z", "2026-03-02T09:05:00Z",
                           "2026-03-02T09:07:00Z"], utc=True)
    motor = pd.DataFrame({
        "session_id": ["b", "a", "b", "a", "a"], "trial": [1, 1, 2, 2, 3], "started_at": when,
        "level": [1, 1, 1, 1, 1], "assisted": [False] * 5,
        "time_per_object_s": [2.0, 1.0, 3.5, nan, 4.0],
        "objects_per_minute": [nan, 10.0, nan, 20.0, 40.0],
        "drops": [1.0, nan, 2.0, nan, nan], "failed_grasps": [0.0, 1.0, 0.0, 2.0, 3.0],
        "path_efficiency": [0.5, 0.6, 0.7, 0.8, 0.9], "throughput_bps": [nan] * 5,
    }, index=[7, 3, 9, 4, 5])
    s = PinchSection()._sessions(_child(tmp_path, motor), motor)
    assert s["session_id"].tolist() == ["b", "a"]
    assert s["date"].tolist() == ["2026-03-03", "2026-03-02"]
    assert s["boards"].tolist() == [2, 3]
    assert s["time_per_object_s"].tolist() == [2.75, 2.5]
    assert np.isnan(s["objects_per_minute"][0]) and s["objects_per_minute"][1] == 20.0
    assert s["drops"].tolist() == [3.0, 0.0] and s["failed_grasps"].tolist() == [0.0, 6.0]
    assert s["path_efficiency"].tolist() == [0.6, 0.8]
    assert s["throughput_bps"].isna().all() and (s["child_id"] == "c1").all()
