"""``report --out DIR`` touches only what a report wrote (issue 14 point 2): a manifest lists
the files, a foreign non-empty folder is refused unless ``--overwrite``, and the mode of a
folder finemotor did not create is never changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_report_data import UNTIL, Known, write_known

from games import cli
from games.reporting import build_reports
from telemetry.errors import UsageError
from telemetry.report_out import MANIFEST

USER_PAGE = "0123456789abcdef0123456789abcdef.html"  # a user's own 32-hex-named page
USER_FILES = {"index.html": "my index", "sessions.csv": "my,sessions\n",
              "caseload.csv": "my,caseload\n", USER_PAGE: "my page"}


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Known:
    return write_known(tmp_path_factory.mktemp("data"))


def _users_folder(path: Path) -> Path:
    path.mkdir(mode=0o755)
    os.chmod(path, 0o755)  # whatever the umask
    for name, text in USER_FILES.items():
        (path / name).write_text(text)
    return path


def _snapshot(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir()}


def test_a_foreign_folder_is_refused_and_left_as_it_was(known: Known, tmp_path: Path) -> None:
    out = _users_folder(tmp_path / "mine")
    before = _snapshot(out)
    with pytest.raises(UsageError) as err:
        build_reports(known.data, out, until=UNTIL, progress=False)
    assert str(err.value) == (
        f"--out folder {out} is not empty and holds no earlier report: choose a new or empty "
        "folder, or add --overwrite to write into it (files with the report's names are "
        "replaced, nothing else is touched)"
    )
    assert _snapshot(out) == before
    assert os.stat(out).st_mode & 0o777 == 0o755


def test_the_cli_refuses_in_one_line(known: Known, tmp_path: Path, capsys) -> None:
    out = _users_folder(tmp_path / "mine")
    try:
        code = cli.main(["report", "--data-dir", str(known.data), "--until", UNTIL,
                         "--out", str(out)])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1 and "holds no earlier report" in captured.err
    assert _snapshot(out) == {n: t.encode() for n, t in USER_FILES.items()}


def test_overwrite_replaces_only_the_reports_names(known: Known, tmp_path: Path) -> None:
    out = _users_folder(tmp_path / "mine")
    (out / "notes.txt").write_text("keep me")
    build_reports(known.data, out, until=UNTIL, progress=False, overwrite=True)
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / USER_PAGE).read_text() == "my page"  # not a page of this report
    assert (out / "index.html").read_text() != "my index"  # a report's name: replaced
    assert os.stat(out).st_mode & 0o777 == 0o755  # finemotor did not create it
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["created_folder"] is False
    assert "notes.txt" not in manifest["files"] and USER_PAGE not in manifest["files"]
    # Once it holds a report, the next report needs no --overwrite, and still keeps theirs.
    build_reports(known.data, out, child_ids=[known.a], until=UNTIL, progress=False)
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / USER_PAGE).read_text() == "my page"
    assert not (out / f"{known.b}.html").exists()
    assert os.stat(out).st_mode & 0o777 == 0o755


def test_only_files_in_the_manifest_are_removed(known: Known, tmp_path: Path) -> None:
    out = tmp_path / "new" / "report"
    build_reports(known.data, out, until=UNTIL, progress=False)
    assert os.stat(out).st_mode & 0o777 == 0o700  # finemotor made it: owner-only
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["created_folder"] is True
    assert sorted(manifest["files"]) == sorted(
        p.name for p in out.iterdir() if p.name != MANIFEST)
    # Files a person put there afterwards, even with a report-like name, stay.
    later = "fedcba9876543210fedcba9876543210.html"
    (out / later).write_text("theirs")
    (tmp_path / "outside.txt").write_text("outside")
    # A manifest edited to name a file outside the folder reaches nothing.
    manifest["files"].append("../outside.txt")
    (out / MANIFEST).write_text(json.dumps(manifest))
    build_reports(known.data, out, child_ids=[known.b], until=UNTIL, progress=False)
    assert (out / later).read_text() == "theirs"
    assert (tmp_path / "outside.txt").read_text() == "outside"
    assert not (out / f"{known.a}.html").exists() and (out / f"{known.b}.html").exists()
    assert json.loads((out / MANIFEST).read_text())["created_folder"] is True


def test_an_empty_folder_keeps_its_mode(known: Known, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    os.chmod(out, 0o750)
    build_reports(known.data, out, until=UNTIL, progress=False)
    assert os.stat(out).st_mode & 0o777 == 0o750
    assert (out / "index.html").exists()
    for p in out.iterdir():
        assert os.stat(p).st_mode & 0o777 == 0o600, p.name
