"""Read-only folders and full disks are said in words (issue 14, point 10), on real disks.

A tiny tmpfs in a private mount namespace (``helpers_small_disk``) really is full, or really
read-only: the command line must say so in one line naming the folder, without "[Errno 30]"
or a temporary file's name, and must lose nothing that was already saved.
"""

from __future__ import annotations

from pathlib import Path

from helpers_small_disk import run_on_small_disk

READ_ONLY = (
    "finemotor: error: the data folder {data} is read-only: finemotor cannot save there "
    "(make it writable, or use another folder with --data-dir)\n"
)
FULL = (
    "finemotor: error: the disk is full: finemotor could not save in the data folder {data} "
    "(free some space and try again)\n"
)
# Run the CLI in-process, one command per line of ARGS; print each exit code and error.
RUN = """
import contextlib, io, json, sys
from games.cli import main
for args in ARGS:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(args)
    print(json.dumps([code, err.getvalue(), out.getvalue()]))
"""


def _run(folder: Path, args: list[list[str]], **kw) -> list[list]:
    import json

    result = run_on_small_disk(folder, f"ARGS = {args!r}\n" + RUN, **kw)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_read_only_data_folder_is_said_in_words(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    data = disk / "data"
    prepare = (
        "from telemetry.children import ChildrenRegistry\n"
        "ChildrenRegistry(FOLDER + '/data').add('Ana')\n"
    )
    out = _run(disk, [
        ["children", "add", "Ben", "--data-dir", str(data)],
        ["children", "list", "--data-dir", str(data)],
        ["calibrate", "300", "--data-dir", str(data)],
        ["demo-data", "--children", "1", "--weeks", "1", "--data-dir", str(disk / "demo")],
    ], read_only=True, prepare=prepare)
    assert out[0][:2] == [1, READ_ONLY.format(data=data)]
    assert out[1][:2] == [0, ""] and "Ana" in out[1][2]  # reading still works
    assert out[2][:2] == [1, READ_ONLY.format(data=data)]
    assert out[3][:2] == [1, READ_ONLY.format(data=disk / "demo")]
    for _, err, _ in out:
        assert "Errno" not in err and ".tmp" not in err


def test_a_full_disk_is_said_in_words_and_loses_no_child(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    data = disk / "data"
    adds = [["children", "add", f"Child number {i:03d}", "--data-dir", str(data)]
            for i in range(200)]
    out = _run(disk, [*adds, ["children", "list", "--data-dir", str(data)]], size_kb=16)
    codes = [code for code, _, _ in out[:-1]]
    failed = codes.index(1)
    assert failed > 10 and set(codes[failed:]) == {1}
    assert out[failed][1] == FULL.format(data=data)
    # Every child added before the disk filled up is still in the roster.
    code, err, listing = out[-1]
    assert (code, err) == (0, "")
    assert listing.count("Child number ") == failed
    assert f"Child number {failed - 1:03d}" in listing
