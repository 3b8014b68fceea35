"""The printable home programme: made from the plan, one page in a real browser, never over a
file finemotor did not write."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from test_report_browser import find_chromium

from games import cli
from games.registry import find_activity
from telemetry.children import ChildrenRegistry


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def planned(capsys, tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    ChildrenRegistry(data).add("Ada", "fox")
    d = ["--data-dir", str(data)]
    assert run(capsys, "children", "set", "Ada", "--hand", "left", "--minutes", "12", *d)[0] == 0
    assert run(capsys, "plan", "Ada", "set", "--on", "tracing", "--sets", "tracing=shapes,123",
               "--per-week", "3", "--review", "2027-02-01", *d)[0] == 0
    return data, tmp_path / "home.html"


def test_home_programme_says_what_how_often_how_long_and_how_to_help(capsys, planned) -> None:
    data, out = planned
    code, stdout, err = run(capsys, "plan", "Ada", "home", "--out", str(out), "--data-dir",
                            str(data))
    assert (code, err) == (0, "")
    assert stdout == f"home programme for Ada written to {out}\n"
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    page = out.read_text("utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "3 times a week, 12 minutes each time." in text
    assert "progress together on 01 February 2027" in text
    tracing = find_activity("tracing")
    labels = ", ".join(tracing.item_label(s) if tracing.item_label else s for s in
                       ("shapes", "123"))
    assert f"Play: {labels}" in text
    for tip in tracing.home_tips:
        assert tip.replace("\u201c", "&ldquo;") in page or tip in text
    assert "Ada uses the left hand: turn on the left-handed layout" in text
    assert "Praise the effort, not the score" in text
    assert page.count("<td></td>") == 28  # four weeks of tick boxes
    assert "http://" not in page and "<script" not in page


def test_an_existing_file_is_never_overwritten(capsys, planned) -> None:
    data, out = planned
    out.write_text("my own notes")
    code, stdout, err = run(capsys, "plan", "Ada", "home", "--out", str(out), "--data-dir",
                            str(data))
    assert code == 2 and stdout == ""
    assert err == (f"finemotor: error: {out} already exists: give a new file name (finemotor "
                   "never overwrites a file it did not write)\n")
    assert out.read_text() == "my own notes"


def test_home_programme_prints_on_one_page(capsys, planned, tmp_path: Path) -> None:
    browser = find_chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium for the print test (see .ci/run)")
        pytest.skip("no Chromium on this developer machine")
    data, out = planned
    run(capsys, "plan", "Ada", "home", "--out", str(out), "--data-dir", str(data))
    for paper in ("A4", "Letter"):
        pdf = tmp_path / f"home-{paper}.pdf"
        css = out.with_name(f"home-{paper}.html")
        css.write_text(out.read_text("utf-8").replace(
            "@page { size: auto;", f"@page {{ size: {paper};"), "utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", f"--user-data-dir={tmp_path / 'p'}",
                        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", css.as_uri()],
                       check=True, capture_output=True, timeout=120)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        assert pages == 1, f"{paper}: {pages} pages"
