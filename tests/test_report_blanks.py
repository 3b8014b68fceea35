"""Issue 12, report points 1-5, on a hand-built folder written through the real recorder.

* Ada traced ``vertical`` 11 times on 2026-03-02 (ten at 1.0, one at 0.5; median 1.0), and
  ``diag_left`` twice (0.8, 0.6); ``cross`` first abandoned, then 0.7; ``square`` only
  abandoned. Then two short sessions (03-09, 03-10) with one abandoned ``vertical`` each.
* Bram: one finished trial on 02-24, 02-27, 03-03 and 03-24. The report is dated
  ``--until 2026-03-25`` (a Wednesday): the 28 days up to it start on 02-26, so 02-27, 03-03
  and 03-24 are in them (3 sessions, 60 minutes); the last 4 calendar weeks (from Monday
  03-02) would give 2.
* Nia was added on 2026-03-20 and Otto on 2026-02-01; neither has played.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from test_report_data import WallClock, _session

from games.reporting import build_reports
from telemetry.children import ChildrenRegistry

UNTIL = "2026-03-25"
MODEL = [(100.0 + 10 * k, 200.0) for k in range(11)]


def _t(item, acc, done=True, level=1):
    return ("tracing", level, item, acc if done else None, 5000, done)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("data")
    reg = ChildrenRegistry(data)
    ids = {n: reg.add(n, "fox").child_id for n in ("Ada", "Bram", "Nia", "Otto")}
    # Back-date the roster's created_at (the registry stamps "now").
    roster = data / "children.csv"
    text = roster.read_text(encoding="utf-8")
    for name, day in (("Ada", "2026-01-05"), ("Bram", "2026-01-05"), ("Nia", "2026-03-20"),
                      ("Otto", "2026-02-01")):
        text = re.sub(rf"({ids[name]},{name},fox,)[^\n]*", rf"\g<1>{day}T09:00:00Z", text)
    roster.write_text(text, encoding="utf-8")
    clock = WallClock()
    first = [_t("vertical", 1.0)] * 10 + [_t("vertical", 0.5)]
    first += [_t("diag_left", 0.8), _t("diag_left", 0.6)]
    first += [_t("cross", None, done=False), _t("cross", 0.7), _t("square", None, done=False)]
    _session(data, ids["Ada"], clock, "2026-03-02", "clinic", first, MODEL)
    for day in ("2026-03-09", "2026-03-10"):
        _session(data, ids["Ada"], clock, day, "home", [_t("vertical", None, done=False)], MODEL)
    for day in ("2026-02-24", "2026-02-27", "2026-03-03", "2026-03-24"):
        _session(data, ids["Bram"], clock, day, "home", [_t("circle", 0.9)], MODEL)
    out = tmp_path_factory.mktemp("report")
    build_reports(data, out, until=UNTIL, progress=False)
    return ids, out


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _text(path: Path) -> str:
    html = re.sub(r"<style>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    html = re.sub(r"<span class='date'>([^<]*)</span>", r"\1", html)  # inline: no space
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_short_sessions_do_not_blank_out_the_progress(made) -> None:
    ids, out = made
    tr = {r["child_id"]: r for r in _rows(out / "activity_trends.csv")}[ids["Ada"]]
    assert (tr["sessions"], tr["sessions_used"], tr["window"]) == ("3", "1", "0")
    # The one session with completed trials: median of 10 x 1.0, 0.5, 0.8, 0.6, 0.7 = 1.0.
    assert (tr["baseline_accuracy"], tr["latest_accuracy"], tr["baseline_level"],
            tr["latest_level"]) == ("1.0", "1.0", "1", "1")
    page = _text(out / f"{ids['Ada']}.html")
    assert "Accuracy 1.00 1.00 +0.00" in page
    assert "The one session with completed trials (3 played)" in page
    assert "Tracing 1.00 → 1.00 (+0.00, about the same)" in page
    assert "1 of 3" in page  # the glance says how many sessions the medians cover
    # Per item: the figures of the latest session with completed trials, dated.
    items = {r["item"]: r for r in _rows(out / "items_latest.csv")
             if r["child_id"] == ids["Ada"]}
    v = items["vertical"]
    assert (v["last_date"], v["figures_date"], v["trials"], v["accuracy"],
            v["total_trials"]) == ("2026-03-10", "2026-03-02", "11", "1.0", "13")
    assert items["square"]["accuracy"] == ""  # never finished: nothing to show
    assert "vertical 2026-03-10 2026-03-02 1 11 1.00 5.0 0 13" in page
    index = _text(out / "index.html")
    assert "Tracing 1.00 → 1.00" in index


def test_one_last_4_weeks_everywhere(made) -> None:
    ids, out = made
    case = {r["child_id"]: r for r in _rows(out / "caseload.csv")}
    assert (case[ids["Bram"]]["sessions_4w"], case[ids["Bram"]]["minutes_4w"]) == ("3", "60.0")
    page = _text(out / f"{ids['Bram']}.html")
    assert ("last 4 weeks: 3 sessions, 60 minutes (the 28 days up to the report date, "
            "2026-02-26 to 2026-03-25).") in page
    assert ("Last 4 weeks: the 28 days up to the report date, 2026-02-26 to 2026-03-25."
            in _text(out / "index.html"))


def test_a_new_child_is_not_started_yet_and_flagged_only_after_14_days(made) -> None:
    ids, out = made
    case = {r["child_id"]: r for r in _rows(out / "caseload.csv")}
    # Report date 2026-03-26 00:00: Nia was added 5 days before, Otto 52.
    assert (case[ids["Nia"]]["flags"], case[ids["Nia"]]["status"]) == ("", "not started yet")
    assert (case[ids["Otto"]]["flags"], case[ids["Otto"]]["status"]) == (
        "not started, added 52 days ago", "not started yet")
    index = _text(out / "index.html")
    attention = index[index.index("Needs attention"):index.index("Last session")]
    assert "Otto : not started, added 52 days ago" in attention
    assert "Nia" not in attention
    assert "Nia – – 0 0 – not started yet" in index
    nia = _text(out / f"{ids['Nia']}.html")
    assert "Not started yet: no session so far." in nia
    assert "Flags" not in nia


def test_items_have_peoples_names_on_every_page(made) -> None:
    ids, out = made
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "diag_left" not in html, page.name
    assert "diag left 2026-03-02 2026-03-02 1 2 0.70" in _text(out / f"{ids['Ada']}.html")
    # Ids stay in the CSV.
    assert "diag_left" in {r["item"] for r in _rows(out / "items_latest.csv")}


def test_first_drawn_trial_is_a_finished_one_or_says_not_finished(made) -> None:
    ids, out = made
    page = _text(out / f"{ids['Ada']}.html")
    # cross: the abandoned first try is passed over: its one finished trial is drawn once.
    assert ("cross cross, only trial 2026-03-02: 1 stroke(s) over the model path only "
            "2026-03-02, level 1, accuracy 0.70 square") in page
    # square was never finished: its first try is drawn and says so.
    assert ("square square, only trial 2026-03-02: 1 stroke(s) over the model path only "
            "2026-03-02, not finished, level 1 diag left") in page
    # vertical: the latest finished trial (0.5), not the abandoned one of 03-10.
    assert ("first 2026-03-02, level 1, accuracy 1.00 vertical, latest trial 2026-03-02: 1 "
            "stroke(s) over the model path latest 2026-03-02, level 1, accuracy 0.50") in page


def _print_pages(html: Path, size: str, tmp: Path) -> list[str]:
    """The text of each page of ``html`` printed by headless Chromium on ``size`` paper."""
    import shutil
    import subprocess

    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                    "google-chrome"))), None)
    assert chromium and shutil.which("pdftotext"), "chromium and pdftotext are needed"
    sized = tmp / f"{html.stem}-{size}.html"
    sized.write_text(html.read_text(encoding="utf-8").replace(
        "@page { margin:", f"@page {{ size: {size}; margin:"), encoding="utf-8")
    pdf = tmp / f"{html.stem}-{size}.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp / 'profile'}", f"--print-to-pdf={pdf}",
                    sized.as_uri()], check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_printed_pages_end_on_content_and_keep_dates_whole(made, tmp_path: Path) -> None:
    ids, out = made
    page = (out / f"{ids['Ada']}.html").read_text(encoding="utf-8")
    # The notes come before the activities' own sections, so a page never ends on them.
    assert page.index("id='data-quality'") < page.index("id='strokes'")
    assert "Report date <span class='date'>2026-03-26</span> (UTC)." in page
    for name in (f"{ids['Ada']}.html", "index.html"):
        for size in ("A4", "Letter"):
            pages = _print_pages(out / name, size, tmp_path)
            last = pages[-1].strip()
            assert not last.startswith(("Data quality", "How to read")), (name, size, last)
            split = [ln for p in pages for ln in p.splitlines()
                     if re.search(r"\b\d{4}-(\d{2}-?)?$", ln.rstrip())]
            assert split == [], (name, size, split)
