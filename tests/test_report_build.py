"""The report on a data folder with hand-computed figures: CSV summaries, HTML, errors, privacy.

The data and the arithmetic behind every expected figure are in ``test_report_data.py``.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from test_report_data import NICK_A, NICK_B, UNTIL, Known, write_known

from games.reporting import build_reports
from telemetry.errors import UsageError
from telemetry.report import CSV_FILES, Progress, parse_date


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Known:
    return write_known(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def report(known: Known, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report")
    return build_reports(known.data, out, until=UNTIL, progress=False)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _lines(path: Path, known: Known) -> list[str]:
    """The file's lines with the random child ids replaced by A and B."""
    text = path.read_text(encoding="utf-8").replace(known.a, "A").replace(known.b, "B")
    return text.splitlines()


def test_writes_every_file_owner_only(report, known: Known) -> None:
    out = report.out_dir
    names = sorted(p.name for p in out.iterdir())
    # milestones.csv: tracing's section; pinch_sessions.csv: pinch's (child A played pinch).
    expected = sorted([*CSV_FILES.values(), "milestones.csv", "pinch_sessions.csv", "index.html",
                       f"{known.a}.html", f"{known.b}.html", ".finemotor-report.json"])
    assert names == expected
    assert os.stat(out).st_mode & 0o777 == 0o700
    for p in out.iterdir():
        assert os.stat(p).st_mode & 0o777 == 0o600, p.name
    assert report.children == 2
    assert report.sessions == 9
    assert report.trials == 28


def test_weekly_practice_csv_exact(report, known: Known) -> None:
    lines = _lines(report.out_dir / "weekly_practice.csv", known)
    assert lines[0] == (
        "child_id,week_start,sessions,minutes,clinic_sessions,home_sessions,"
        "clinic_minutes,home_minutes"
    )
    a_lines = [ln for ln in lines if ln.startswith("A,")]
    assert a_lines == [
        "A,2026-03-02,3,43.17,1,2,20.0,23.17",
        "A,2026-03-09,0,0.0,0,0,0.0,0.0",
        "A,2026-03-16,3,60.0,1,2,20.0,40.0",
    ]
    b_lines = [ln for ln in lines if ln.startswith("B,")]
    # B practised in the first week only; the empty weeks run up to the report week.
    assert b_lines[0] == "B,2026-02-02,3,60.0,3,0,60.0,0.0"
    assert len(b_lines) == 7
    assert b_lines[-1] == "B,2026-03-16,0,0.0,0,0,0.0,0.0"


def test_activity_trends_csv_exact(report, known: Known) -> None:
    lines = _lines(report.out_dir / "activity_trends.csv", known)
    assert lines[0] == (
        "child_id,activity,sessions,sessions_used,window,first_date,last_date,baseline_accuracy,"
        "latest_accuracy,accuracy_change,previous_accuracy,baseline_duration_s,"
        "latest_duration_s,duration_change_s,baseline_level,latest_level,trend,level_drop,"
        "decline,decline_reason"
    )
    body = sorted(lines[1:])
    # level_drop: A's circle went from its best 1 to a median 2 (-1); pinch beads 1 -> 1 (0);
    # B's vertical and horizontal 3 -> 3 in the last session (0; circle is not in it).
    assert body == [
        "A,pinch,2,2,1,2026-03-18,2026-03-20,0.5,0.4,-0.1,0.5,4.0,5.0,1.0,1,1,down,0.0,True,"
        "accuracy",
        "A,tracing,6,6,3,2026-03-02,2026-03-20,0.6,0.9,0.3,0.6,10.0,7.0,-3.0,1,2,up,-1.0,False,",
        "B,tracing,3,3,1,2026-02-02,2026-02-06,0.85,0.85,0.0,0.8,5.0,5.0,0.0,3,3,up,0.0,False,",
    ]


def test_sessions_csv(report, known: Known) -> None:
    rows = [r for r in _rows(report.out_dir / "sessions.csv") if r["child_id"] == known.a]
    got = [
        (r["date"], r["mode"], r["minutes"], r["trials"], r["completed_trials"], r["has_end"],
         r["activities"], r["started_at"])
        for r in rows
    ]
    assert got == [
        ("2026-03-02", "clinic", "20.0", "3", "3", "True", "tracing", "2026-03-02T10:00:00Z"),
        ("2026-03-04", "home", "20.0", "3", "3", "True", "tracing", "2026-03-04T10:00:00Z"),
        ("2026-03-06", "home", "3.17", "3", "3", "False", "tracing", "2026-03-06T10:00:00Z"),
        ("2026-03-16", "home", "20.0", "3", "3", "True", "tracing", "2026-03-16T10:00:00Z"),
        ("2026-03-18", "home", "20.0", "4", "4", "True", "pinch;tracing",
         "2026-03-18T10:00:00Z"),
        ("2026-03-20", "clinic", "20.0", "5", "4", "True", "pinch;tracing",
         "2026-03-20T10:00:00Z"),
    ]
    assert rows[2]["ended_at"] == ""


def test_activity_sessions_and_weekly_csv(report, known: Known) -> None:
    rows = [
        r
        for r in _rows(report.out_dir / "activity_sessions.csv")
        if r["child_id"] == known.a and r["activity"] == "tracing"
    ]
    assert [(r["session_index"], r["accuracy"], r["duration_s"], r["level"]) for r in rows] == [
        ("1", "0.6", "12.0", "1"),
        ("2", "0.7", "10.0", "1"),
        ("3", "0.5", "9.0", "1"),
        ("4", "0.8", "8.0", "2"),
        ("5", "0.9", "7.0", "2"),
        ("6", "0.95", "6.0", "2"),
    ]
    # The abandoned trial of S6 counts as a trial but not in the medians.
    assert (rows[5]["trials"], rows[5]["completed"]) == ("4", "3")
    weekly = _lines(report.out_dir / "activity_weekly.csv", known)
    assert weekly[0] == "child_id,activity,week_start,sessions,trials,accuracy,duration_s,level"
    assert sorted(weekly[1:]) == [
        "A,pinch,2026-03-16,2,2,0.45,4.5,1",
        "A,tracing,2026-03-02,3,9,0.6,10.0,1",
        "A,tracing,2026-03-16,3,10,0.9,7.0,2",
        "B,tracing,2026-02-02,3,7,0.85,5.0,3",
    ]


def test_caseload_csv_exact(report, known: Known) -> None:
    lines = _lines(report.out_dir / "caseload.csv", known)
    assert lines[0] == (
        "child_id,nickname,last_session,days_since_last,sessions_total,sessions_4w,"
        "minutes_4w,trends,flags,status"
    )
    assert sorted(lines[1:]) == [
        f"A,{NICK_A},2026-03-20,2,6,6,103.2,pinch ↓; tracing ↑,decline in pinch,",
        f"B,{NICK_B},2026-02-06,44,3,0,0.0,tracing ↑,no practice for 44 days,",
    ]


def test_items_and_milestones_csv(report, known: Known) -> None:
    items = sorted(_lines(report.out_dir / "items_latest.csv", known)[1:])
    assert items == [
        "A,pinch,beads,2026-03-20,2026-03-20,1,1,0.4,5.0,0,2",
        "A,tracing,circle,2026-03-20,2026-03-20,2,4,0.95,6.0,0,19",
        "B,tracing,circle,2026-02-02,2026-02-02,1,1,0.5,5.0,0,1",
        "B,tracing,horizontal,2026-02-06,2026-02-06,3,1,0.9,5.0,0,3",
        "B,tracing,vertical,2026-02-06,2026-02-06,3,1,0.8,5.0,0,3",
    ]
    rows = _rows(report.out_dir / "milestones.csv")
    b = {r["milestone_id"]: (r["status"], r["best_run"], r["latest_accuracy"])
         for r in rows if r["child_id"] == known.b}
    assert b["vertical_line"] == ("met", "3", "0.8")
    assert b["horizontal_line"] == ("emerging", "1", "0.9")
    assert b["circle"] == ("not yet", "0", "0.5")
    assert b["diamond"] == ("not yet", "0", "")
    a = {r["milestone_id"]: r["status"] for r in rows if r["child_id"] == known.a}
    # Circle reached 0.8+ only at levels 1-2, never at the narrow road (level 3).
    assert a["circle"] == "emerging"
    assert [r["milestone_id"] for r in rows if r["child_id"] == known.a] == [
        "vertical_line", "horizontal_line", "circle", "cross", "square", "diagonals", "x_cross",
        "triangle", "diamond",
    ]


def _text(html: str) -> str:
    """Visible text of a page, roughly: tags removed, whitespace collapsed (a date's no-wrap
    span is inline: removed without a space)."""
    html = re.sub(r"<span class='date'>([^<]*)</span>", r"\1", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_child_page_shows_the_figures(report, known: Known) -> None:
    page = (report.out_dir / f"{known.a}.html").read_text(encoding="utf-8")
    text = _text(page)
    assert f"{NICK_A}: progress report" in text
    assert (
        "6 sessions, 103 minutes in all (2 at the clinic, 4 at home). Practice in 2 of 3 weeks; "
        "last 4 weeks: 6 sessions, 103 minutes (the 28 days up to the report date, 2026-02-23 "
        "to 2026-03-22)." in text
    )
    # Baseline / latest / change rows of the tracing summary table.
    assert "Accuracy 0.60 0.90 +0.30" in text
    assert "Time per trial (s) 10.0 7.0 -3.0" in text
    assert "Level 1 2 +1" in text
    assert "Medians of the first and last 3 of 6 session(s) with completed trials" in text
    assert "circle 2026-03-20 2026-03-20 2 4 0.95 6.0 0 19" in text
    assert "Decline flagged." in text
    assert "Flags: decline in pinch" in text
    # Strokes: a first and a latest drawing of the circle, each with the model and a stroke.
    assert "circle, first trial 2026-03-02: 1 stroke(s) over the model path" in page
    assert "circle, latest trial 2026-03-20: 1 stroke(s) over the model path" in page
    # Milestones and the plain statement that this is not a diagnosis.
    assert "0 met, 1 emerging, 8 not yet" in text
    assert "not a diagnosis and not a standardised score" in text
    assert "littlefieldpt.com/pre-writing-shapes/" in text
    # Data quality: the two bad rows of S2 and this child's session without an end.
    assert "2 row(s) were skipped as torn or malformed (2 in trials)" in text
    assert "1 session(s) have no recorded end" in text
    # On paper the folded numbers are left out; a printed line says where they are.
    assert ("<p class='print-only muted'>Numbers: 6 sessions: in the on-screen report and in "
            "activity_sessions.csv beside it.</p>") in page
    assert ("The figures come from the trial rows (trials.csv); raw samples are read, and "
            "checked row by row, only for the strokes drawn.") in text
    # Every chart has alt text; the accuracy chart states its medians.
    # One <title> per chart, plus the page's own.
    assert page.count("<svg") == page.count("<title>") - 1 == page.count('role="img"') == 9
    assert 'aria-label="Accuracy (0 to 1, median per session): 6 sessions, baseline median ' \
           '0.6, latest median 0.9"' in page


def test_child_page_is_self_contained(report, known: Known) -> None:
    for path in report.out_dir.glob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "<script" not in page
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page), path.name
        assert "@import" not in page and "url(" not in page
        assert "@media print" in page


def test_index_lists_the_caseload(report, known: Known) -> None:
    page = (report.out_dir / "index.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "2 children, 2 flagged." in text
    assert f"{NICK_B} 2026-02-06 44 0 0" in text
    assert f"{NICK_A} 2026-03-20 2 6 103" in text
    assert "no practice for 44 days" in text
    assert f"href='{known.a}.html'" in page
    # Flagged children first, then by name: both are flagged, so Leo before Mia.
    assert text.index(NICK_B) < text.index(NICK_A)
    assert "2 row(s) were skipped as torn or malformed" in text


def test_anonymize_leaves_no_nickname_anywhere(known: Known, tmp_path: Path) -> None:
    res = build_reports(known.data, tmp_path / "anon", until=UNTIL, anonymize=True,
                        progress=False)
    assert not (res.out_dir / "children.csv").exists()
    for path in res.out_dir.iterdir():
        data = path.read_bytes().lower()
        for nick in (NICK_A, NICK_B):
            for word in nick.lower().split():
                assert word.encode() not in data, (path.name, word)
    header = (res.out_dir / "caseload.csv").read_text().splitlines()[0]
    assert "nickname" not in header
    page = (res.out_dir / f"{known.a}.html").read_text()
    assert f"child {known.a[:8]}: progress report" in page


def test_anonymize_into_a_folder_with_a_named_report(known: Known, tmp_path: Path) -> None:
    out = tmp_path / "mixed"
    build_reports(known.data, out, until=UNTIL, progress=False)
    (out / "notes.txt").write_text("the therapist's own file")
    res = build_reports(known.data, out, child_ids=[known.a], until=UNTIL, anonymize=True,
                        progress=False)
    # The named pages of the first run are gone (B's too), the therapist's own file is kept.
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*CSV_FILES.values(), "milestones.csv", "pinch_sessions.csv", "index.html",
         f"{known.a}.html", "notes.txt", ".finemotor-report.json"])
    for path in res.out_dir.iterdir():
        if path.name != "notes.txt":
            data = path.read_bytes().lower()
            for nick in (NICK_A, NICK_B):
                assert nick.lower().split()[0].encode() not in data, path.name


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    data = tmp_path / "data"
    known = write_known(data)
    from telemetry.children import ChildrenRegistry

    ChildrenRegistry(data).rename(known.a, "=HYPERLINK(1)")
    res = build_reports(data, tmp_path / "out", until=UNTIL, progress=False)
    rows = {r["child_id"]: r for r in _rows(res.out_dir / "caseload.csv")}
    assert rows[known.a]["nickname"] == "'=HYPERLINK(1)"
    assert rows[known.b]["nickname"] == NICK_B
    # Numbers keep their sign: only text cells are escaped.
    trend = [r for r in _rows(res.out_dir / "activity_trends.csv") if r["activity"] == "pinch"]
    assert trend[0]["accuracy_change"] == "-0.1"


def test_milestones_count_sessions_before_the_period(known: Known, tmp_path: Path) -> None:
    # Only B's last session (02-06) is in the period, but "met" needs and had 3 sessions in a
    # row (02-02 to 02-06): met stays met; the session tables cover the period only.
    res = build_reports(known.data, tmp_path / "p", child_ids=[known.b], since="2026-02-05",
                        until=UNTIL, progress=False)
    rows = {r["milestone_id"]: (r["status"], r["best_run"], r["sessions_practised"])
            for r in _rows(res.out_dir / "milestones.csv")}
    assert rows["vertical_line"] == ("met", "3", "3")
    assert rows["circle"] == ("not yet", "0", "1")
    assert [r["date"] for r in _rows(res.out_dir / "sessions.csv")] == ["2026-02-06"]
    page = (res.out_dir / f"{known.b}.html").read_text()
    assert "also any before the period of this report." in page


def test_one_child_and_a_period(known: Known, tmp_path: Path) -> None:
    res = build_reports(known.data, tmp_path / "one", child_ids=[known.a], since="2026-03-16",
                        until="2026-03-18", progress=False)
    assert list(res.child_pages) == [known.a]
    rows = _rows(res.out_dir / "sessions.csv")
    assert [r["date"] for r in rows] == ["2026-03-16", "2026-03-18"]


def test_progress_bar(known: Known, tmp_path: Path) -> None:
    stream = io.StringIO()
    bar = Progress(4, "children", True, stream)
    for _ in range(4):
        bar.step()
    assert stream.getvalue().split("\r")[1:] == [
        "[#######                       ] 1/4 children",
        "[###############               ] 2/4 children",
        "[######################        ] 3/4 children",
        "[##############################] 4/4 children\n",
    ]
    quiet = io.StringIO()
    Progress(4, "children", False, quiet).step()
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"child_ids": ["nope"]}, "unknown child: nope (list the children with `finemotor "
                                  "children`)"),
        ({"child_ids": ["x"], "all_children": True}, "give either --child ID ... or --all, "
                                                     "not both"),
        ({"since": "2026-13-01"}, "--since: '2026-13-01' is not a date; use YYYY-MM-DD, e.g. "
                                  "2026-03-31"),
        ({"since": "2026-03-10", "until": "2026-03-01"}, "--since must be before --until"),
    ],
)
def test_usage_errors(known: Known, tmp_path: Path, kwargs, message: str) -> None:
    with pytest.raises(UsageError) as err:
        build_reports(known.data, tmp_path / "out", progress=False, **kwargs)
    assert str(err.value) == message


def test_missing_and_empty_data_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        build_reports(tmp_path / "nothing", tmp_path / "out", progress=False)
    assert str(err.value) == f"data folder not found: {tmp_path / 'nothing'}"
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError) as err:
        build_reports(tmp_path / "empty", tmp_path / "out", progress=False)
    assert str(err.value).startswith(f"no sessions in data folder {tmp_path / 'empty'}")


def test_parse_date() -> None:
    assert parse_date("2026-03-22", "--until", end=True).isoformat() == (
        "2026-03-23T00:00:00+00:00"
    )
    assert parse_date("2026-03-22", "--since").isoformat() == "2026-03-22T00:00:00+00:00"
    assert parse_date(None, "--since") is None


def test_child_without_sessions_and_empty_period(known: Known, tmp_path: Path) -> None:
    import shutil

    from telemetry.children import ChildrenRegistry

    data = tmp_path / "data"
    shutil.copytree(known.data, data)
    new = ChildrenRegistry(data).add("Zoe Nosessions").child_id
    res = build_reports(data, tmp_path / "out", until=UNTIL, progress=False)
    page = (res.out_dir / f"{new}.html").read_text(encoding="utf-8")
    # Added after the report date: not started yet, and not flagged (test_report_blanks.py
    # has the 14-day rule).
    assert "Not started yet: no session so far." in page
    rows = {r["child_id"]: r for r in _rows(res.out_dir / "caseload.csv")}
    assert (rows[new]["sessions_total"], rows[new]["flags"], rows[new]["status"]) == (
        "0", "", "not started yet")
    with pytest.raises(UsageError) as err:
        build_reports(data, tmp_path / "late", since="2027-01-01", progress=False)
    assert str(err.value) == (
        f"no sessions in {data} for that period: play a session first, or try "
        "`finemotor demo-data`"
    )


def _body_text(html: str) -> str:
    """Visible text of a page without its style sheet."""
    return _text(re.sub(r"<style>.*?</style>", "", html, flags=re.S))


def test_index_says_who_needs_attention_and_change_since_baseline(report, known: Known) -> None:
    page = (report.out_dir / "index.html").read_text(encoding="utf-8")
    text = _body_text(page)
    # The flagged children are named first, with their reason, before the table.
    assert (
        f"Needs attention (2 of 2): {NICK_B} : no practice for 44 days {NICK_A} : decline in "
        "pinch" in text
    )
    assert text.index("Needs attention") < text.index("Last session")
    # Per activity: baseline → latest accuracy, the recent arrow, and a level change.
    assert "Pinch 0.50 → 0.40 ↓" in text
    assert "Tracing 0.60 → 0.90 ↑ level 1→2" in text
    assert "Tracing 0.85 → 0.85 ↑" in text
    assert "Sessions per week: one bar per week, a red dash is a week without practice." in text
    # "Click a child" makes no sense on paper.
    assert "<span class='screen-only'> Click a child for the full report.</span>" in page


def test_child_page_at_a_glance(report, known: Known) -> None:
    text = _body_text((report.out_dir / f"{known.a}.html").read_text(encoding="utf-8"))
    glance = text[text.index("At a glance") : text.index("Practice 6 sessions")]
    assert glance == (
        "At a glance Flags: decline in pinch Baseline → latest: medians of the first and the "
        "last 3 sessions with completed trials (fewer when an activity has under 6) Activity "
        "Accuracy (0-1) Time per trial (s) Level Recent trend Sessions with completed trials "
        "Pinch 0.50 → 0.40 (-0.10, lower) 4.0 → 5.0 (+1.0 s, slower) 1 → 1 ↓ declining 2 "
        "Tracing 0.60 → 0.90 (+0.30, better) 10.0 → 7.0 (-3.0 s, faster) 1 → 2 ↑ improving 6 "
        "Pre-writing milestones: 0 met , 1 emerging, 8 not yet (practice guidance, not a "
        "diagnosis or standardised score). Data quality: 2 row(s) skipped in the whole data "
        "folder; 1 session(s) of this child without a recorded end (see the data-quality note "
        "below). "
    )
    b = _body_text((report.out_dir / f"{known.b}.html").read_text(encoding="utf-8"))
    assert "Tracing 0.85 → 0.85 (+0.00, about the same) 5.0 → 5.0 (+0.0 s, about the same) " \
           "3 → 3 ↑ improving 3" in b
    assert "Pre-writing milestones: 1 met (Vertical line), 1 emerging, 7 not yet" in b


def test_child_page_activity_words_strokes_and_milestones(report, known: Known) -> None:
    text = _body_text((report.out_dir / f"{known.a}.html").read_text(encoding="utf-8"))
    # The summary table says which way each change goes.
    assert "Accuracy 0.60 0.90 +0.30 better Time per trial (s) 10.0 7.0 -3.0 faster " \
           "Level 1 2 +1 harder" in text
    assert ("Recent trend ↓ declining : accuracy 0.40 in the last 1 session(s), 0.50 in the 1 "
            "before. Decline flagged.") in text
    assert ("Recent trend ↑ improving : accuracy 0.90 in the last 3 session(s), 0.60 in the 3 "
            "before.") in text
    assert "Lower is faster." in text
    # Strokes: each drawing names its trial's date, level and accuracy (the latest trial of
    # the circle was abandoned: the latest finished one is drawn).
    assert "first 2026-03-02, level 1, accuracy 0.50" in text
    assert "latest 2026-03-20, level 2, accuracy 1.00" in text
    # Milestones: the statement and the rule come before the table, which shows the run.
    m = text[text.index("Pre-writing milestones These") :]
    assert m.index("not a diagnosis and not a standardised score") < m.index("Shape Typical")
    assert ("Rule: Met: median accuracy at least 0.8 at the narrow road (level 3 or above) in 3 "
            "sessions in a row.") in m
    assert "Shape Typical age (range) Status Sessions Latest accuracy Best run (3 needed) " \
           "Sources Vertical line 2 y 10 m to 3 y not yet 0 – 0 littlefieldpt.com" in m
    b = _body_text((report.out_dir / f"{known.b}.html").read_text(encoding="utf-8"))
    assert "Vertical line 2 y 10 m to 3 y met 3 0.80 3 littlefieldpt.com" in b


def test_recent_trend_explains_a_dip_without_a_flag() -> None:
    import pandas as pd

    from telemetry import analytics
    from telemetry.report_activity import recent_text as _recent_text

    rule = analytics.TrendRule()
    row = pd.Series({"trend": "down", "window": 3, "latest_accuracy": 0.67,
                     "previous_accuracy": 0.75, "decline": False})
    assert _recent_text(row, rule) == (
        "Recent trend <span class='down' title='declining'>↓</span> <b>declining</b>: accuracy "
        "0.67 in the last 3 session(s), 0.75 in the 3 before. A dip under 0.1 is not flagged "
        "as a decline."
    )
    level_up = row.copy()
    level_up["latest_accuracy"] = 0.6
    assert _recent_text(level_up, rule).endswith(
        "0.60 in the last 3 session(s), 0.75 in the 3 before. The level went up: accuracy "
        "usually dips when the road narrows, so this is not flagged as a decline."
    )


def test_print_layout_rules(report, known: Known) -> None:
    page = (report.out_dir / f"{known.a}.html").read_text(encoding="utf-8")
    print_css = page[page.index("@media print") :]
    # Three trend charts to a row and two shapes to a row on paper; headings stay with what
    # follows; long source URLs may wrap.
    assert ".charts { display: grid; grid-template-columns: repeat(3, 1fr);" in print_css
    assert ".pair svg.strokes { width: 150px; height: 150px; }" in print_css
    assert "h2, h2 + p, h3, .legend { break-after: avoid; }" in print_css
    assert ".src { font-size: 11px; color: var(--muted); overflow-wrap: anywhere; }" in page
