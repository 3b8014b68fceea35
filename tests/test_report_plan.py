"""The report's "Plan and goals" section, caseload cells and CSVs, on sessions written by the
real recorder and plans written by the real CLI; every figure worked out by hand."""

from __future__ import annotations

import csv
import html
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from games import cli
from games.reporting import build_reports
from telemetry.children import ChildrenRegistry
from telemetry.plan import plan_path
from telemetry.recorder import SessionRecorder

NOW = datetime(2026, 12, 1, 12, tzinfo=timezone.utc)


def session(data: Path, cid: str, start: datetime, trials: list[tuple[str, int, float]],
            mode: str = "home", minutes: float = 10.0) -> None:
    """A closed session of ``minutes`` with tracing trials (item, level, accuracy)."""
    clock = iter(range(0, 10**13, 10**9))
    now = {"t": start}
    rec = SessionRecorder.start(data, cid, mode=mode, wall_clock=lambda: now["t"],
                                clock_ns=lambda: next(clock))
    for item, level, acc in trials:
        rec.begin_trial("tracing", level, item, "trace")
        rec.finish_trial(accuracy=acc, errors=0, completed=True, duration_ms=4000.0)
    now["t"] = start + timedelta(minutes=minutes)  # the session ends ``minutes`` after its start
    rec.close()


def cli_ok(capsys, *argv: str) -> None:
    assert cli.main(list(argv)) == 0, capsys.readouterr()
    capsys.readouterr()


@pytest.fixture
def caseload(tmp_path: Path, capsys) -> tuple[Path, str, str]:
    data = tmp_path / "data"
    roster = ChildrenRegistry(data)
    ada, bo = roster.add("Ada", "fox"), roster.add("Bo", "owl")
    mon = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)  # a Monday
    accs = [0.6, 0.85, 0.9, 0.82]
    for week, acc in enumerate(accs):
        session(data, ada.child_id, mon + timedelta(days=7 * week),
                [("circle", 4, acc), ("circle", 4, acc)], minutes=10)
    session(data, ada.child_id, datetime(2026, 10, 20, 9, tzinfo=timezone.utc),
            [("circle", 3, 0.4), ("cross", 3, 0.5)], mode="assessment", minutes=5)
    session(data, ada.child_id, datetime(2026, 11, 25, 9, tzinfo=timezone.utc),
            [("circle", 3, 0.9), ("cross", 3, 0.65)], mode="assessment", minutes=5)
    session(data, bo.child_id, mon, [("circle", 2, 0.5)], minutes=8)
    d = ["--data-dir", str(data)]
    cli_ok(capsys, "plan", "Ada", "set", "--on", "tracing", "--minutes", "10", "--per-week", "2",
           "--review", "2026-11-30", *d)
    cli_ok(capsys, "plan", "Ada", "goal", "add", "--activity", "tracing", "--item", "circle",
           "--metric", "accuracy", "--at-least", "0.8", "--level-from", "4", "--by", "2027-03-01",
           "--gas", "0.5,0.6,0.7,0.8,0.9", *d)
    cli_ok(capsys, "plan", "Ada", "goal", "add", "--activity", "tracing", "--metric",
           "duration_s", "--at-most", "3", "--by", "2026-11-20", *d)
    return data, ada.child_id, bo.child_id


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_goals_assessments_and_adherence_in_pages_and_csvs(caseload, tmp_path) -> None:
    data, ada, bo = caseload
    out = tmp_path / "out"
    res = build_reports(data, out, all_children=True, progress=False, now=NOW)
    goals = rows(out / "goals.csv")
    assert [(g["goal_id"], g["status"], g["baseline"], g["current"], g["met_on"],
             g["gas_level"], g["values"]) for g in goals] == [
        # circle L4 per session: 0.6, 0.85, 0.9, 0.82 -> third in a row on Nov 23;
        # baseline median(0.6, 0.85, 0.9), now median(0.85, 0.9, 0.82); GAS +1 at 0.85
        ("g1", "met", "0.85", "0.85", "2026-11-23", "1", "4"),
        # every trial took 4 s > 3 s and the target date 2026-11-20 has passed
        ("g2", "overdue", "4.0", "4.0", "", "", "4"),
    ]
    assert {g["child_id"] for g in goals} == {ada}
    page = res.child_pages[ada].read_text("utf-8")
    body = text(page)
    # The plan section comes first, right under "At a glance", before Practice.
    assert page.index("<section id='plan'>") < page.index("Practice")
    assert "Goals: 1 of 2 met, 1 overdue" in body
    assert "review 2026-11-30 (due)" in body
    assert "GAS T-score over 1 scaled goal: 60.0" in body  # 50 + 10 * 1 / sqrt(1)
    assert "Tracing circle: accuracy >= 0.8 (level 4+), 3 sessions in a row" in body
    # Assessments: first 2026-10-20 against latest 2026-11-25, item by item.
    assert "Assessments (2): first 2026-10-20, latest 2026-11-25" in body
    assess = rows(out / "assessments.csv")
    assert [(a["date"], a["item"], a["accuracy"]) for a in assess] == [
        ("2026-10-20", "circle", "0.4"), ("2026-10-20", "cross", "0.5"),
        ("2026-11-25", "circle", "0.9"), ("2026-11-25", "cross", "0.65")]
    assert "+0.50" in body and "+0.15" in body
    # Adherence: the 4 calendar weeks up to the report date's week (from Monday Nov 10).
    adh = rows(out / "adherence.csv")
    assert [(a["week"], a["home_sessions"], a["minutes"]) for a in adh] == [
        ("2026-11-09", "1", "10.0"), ("2026-11-16", "1", "10.0"), ("2026-11-23", "1", "10.0"),
        ("2026-11-30", "0", "0.0")]
    assert {a["planned_sessions"] for a in adh} == {"2"}
    # The caseload: one column per section title, the plan's flags with the others.
    index = text((out / "index.html").read_text("utf-8"))
    assert "Goals met Home practice (4 wk) Next review" in index
    assert "1 / 2 3 / 8 2026-11-30 (due)" in index
    assert "review due; goal overdue: g2" in index
    # Assessment trials stay out of the practice trends: with 4 practice sessions the baseline
    # is the median of the first two (0.6, 0.85 -> 0.725); with the first assessment (0.45 on
    # Oct 20) counted as practice it would be median(0.45, 0.6) = 0.525.
    trends = [r for r in rows(out / "activity_trends.csv") if r["child_id"] == ada]
    assert trends[0]["baseline_accuracy"] == "0.725"


def test_no_plan_no_section_and_a_damaged_plan_never_stops_the_report(caseload, tmp_path):
    data, ada, bo = caseload
    plan_path(data, ada).write_text("{broken", "utf-8")
    out = tmp_path / "out"
    res = build_reports(data, out, all_children=True, progress=False, now=NOW)
    assert "<section id='plan'>" not in res.child_pages[bo].read_text("utf-8")
    ada_page = text(res.child_pages[ada].read_text("utf-8"))
    assert "is damaged" in ada_page and "fix or move it away" in ada_page
    assert not (out / "goals.csv").exists()
