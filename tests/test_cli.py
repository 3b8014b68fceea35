"""The command line: children commands, play argument checks, errors as one line and exit 2."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import subprocess
import sys
from pathlib import Path

import pytest

from games import cli, commands
from games.registry import Activity, load_activities, register, unregister
from telemetry.children import ChildrenRegistry

ROOT = Path(__file__).resolve().parent.parent
TRACING_ITEMS = [a for a in load_activities() if a.id == "tracing"][0].items()  # type: ignore[misc]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; argparse's own errors raise SystemExit, which we unwrap."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _no_icon(surface, rect) -> None:
    pass


@pytest.fixture
def dots():
    activity = register(Activity("dots", "Dots", _no_icon, 3, lambda app, c, lvl: None))
    yield activity
    unregister("dots")


# -- children -------------------------------------------------------------------------------


def test_children_add_list_rename_delete(capsys, tmp_path):
    d = str(tmp_path)
    code, out, err = run(capsys, "children", "add", "Anna", "--data-dir", d)
    assert code == 0 and err == ""
    (anna,) = ChildrenRegistry(tmp_path).list()
    assert out == f"added Anna (cat): {anna.child_id}\n"
    code, out, _ = run(capsys, "children", "add", "  Ben  ", "--avatar", "owl", "--data-dir", d)
    ben = next(c for c in ChildrenRegistry(tmp_path).list() if c.nickname == "Ben")
    assert out == f"added Ben (owl): {ben.child_id}\n"
    # Without --avatar, the first picture nobody has: cat is Anna's, so dog.
    run(capsys, "children", "add", "Cleo", "--data-dir", d)
    assert ChildrenRegistry(tmp_path).list()[2].avatar == "dog"

    code, out, _ = run(capsys, "children", "list", "--data-dir", d)
    day = anna.created_at[:10]
    assert code == 0
    assert out.splitlines() == [
        "ID                                NICKNAME  AVATAR  ADDED",
        f"{anna.child_id}  Anna      cat     {day}",
        f"{ben.child_id}  Ben       owl     {day}",
        f"{ChildrenRegistry(tmp_path).list()[2].child_id}  Cleo      dog     {day}",
    ]
    # A longer picture name widens its column, so the dates stay in line.
    run(capsys, "children", "add", "Dev", "--avatar", "butterfly", "--data-dir", d)
    dev = ChildrenRegistry(tmp_path).list()[3]
    assert run(capsys, "children", "list", "--data-dir", d)[1].splitlines() == [
        "ID                                NICKNAME  AVATAR     ADDED",
        f"{anna.child_id}  Anna      cat        {day}",
        f"{ben.child_id}  Ben       owl        {day}",
        f"{ChildrenRegistry(tmp_path).list()[2].child_id}  Cleo      dog        {day}",
        f"{dev.child_id}  Dev       butterfly  {day}",
    ]
    run(capsys, "children", "delete", dev.child_id, "--yes", "--data-dir", d)
    # `children` alone lists too, and --data-dir may come before the action.
    assert run(capsys, "children", "--data-dir", d)[1] == out
    assert run(capsys, "children", "--data-dir", d, "list")[1] == out

    # A nickname in any case names the child (so does an id prefix, below).
    code, out, _ = run(capsys, "children", "rename", "BEN", "Benji", "--data-dir", d)
    assert (code, out) == (0, f"renamed Ben ({ben.child_id}) to Benji\n")
    assert ChildrenRegistry(tmp_path).get(ben.child_id).nickname == "Benji"

    session = tmp_path / "sessions" / ben.child_id / "2025-01-01_x"
    session.mkdir(parents=True)
    (session / "trials.csv").write_text("x\n", encoding="utf-8")
    code, out, err = run(capsys, "children", "delete", "benji", "--data-dir", d)
    assert code == 2 and out == ""
    assert err == (
        f"finemotor: error: deleting Benji ({ben.child_id}) removes all of their sessions and "
        "cannot be undone; add --yes to confirm\n"
    )
    assert session.exists()
    code, out, _ = run(capsys, "children", "delete", ben.child_id[:6].upper(), "--yes",
                       "--data-dir", d)
    assert (code, out) == (0, f"deleted Benji ({ben.child_id}) and all of their files\n")
    assert not (tmp_path / "sessions" / ben.child_id).exists()
    assert [c.nickname for c in ChildrenRegistry(tmp_path).list()] == ["Anna", "Cleo"]


def test_children_list_when_empty_and_data_dir_from_the_environment(capsys, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv("FINEMOTOR_DATA", str(tmp_path / "env-data"))
    code, out, _ = run(capsys, "children", "list")
    assert (code, out) == (0, "no children yet: add one with `finemotor children add NICKNAME`\n")
    run(capsys, "children", "add", "Anna")
    assert (tmp_path / "env-data" / "children.csv").exists()


NOPE = "no child 'nope': see `finemotor children list` for nicknames and ids"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["children", "rename", "nope", "x"], NOPE),
        (["children", "delete", "nope"], NOPE),
        (["children", "delete", "nope", "--yes"], NOPE),
        (["children", "add", "   "],
         "nickname is empty: give the child a nickname of 1 to 40 characters"),
        (["children", "add", "Anna", "--avatar", "zebra"],
         "unknown picture 'zebra': choose one of cat, dog, bear, bunny, frog, owl, fox, "
         "panda, lion, pig, penguin, elephant, unicorn, ladybird, whale, monkey, chick, turtle, "
         "butterfly, octopus, giraffe, cow, bee, mouse, snail, fish, parrot, dinosaur"),
        (["children", "add"], "the following arguments are required: NICKNAME"),
        (["play", "--size", "abc"],
         "argument --size: bad size 'abc': use WIDTHxHEIGHT, e.g. 1280x800"),
        (["play", "--size", "100x100"], "argument --size: size '100x100' is too small: "
         "at least 320x200"),
        (["play", "--level", "0"], "argument --level: '0' must be 1 or more"),
        (["play", "--level", "two"], "argument --level: 'two' is not a whole number"),
        (["play", "--windowed", "--fullscreen"],
         "argument --fullscreen: not allowed with argument --windowed"),
        (["play", "--child", "nope"], NOPE),
        (["--child", "nope"], NOPE),
        (["report", "--out", "x", "--all", "--child", "a"],
         "argument --child: not allowed with argument --all"),
        (["report"], "the following arguments are required: --out"),
        (["demo-data", "--children", "0"], "argument --children: '0' must be 1 or more"),
        (["demo-data", "--children", "99999999999999999999"],
         "argument --children: '99999999999999999999' is too many: use 1 to 200 children"),
        (["demo-data", "--children", "201"],
         "argument --children: '201' is too many: use 1 to 200 children"),
        (["demo-data", "--weeks", "105"],
         "argument --weeks: '105' is too many: use 1 to 104 weeks"),
    ],
)
def test_errors_are_one_line_and_exit_2(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, *argv, "--data-dir", str(tmp_path))
    assert code == 2
    assert out == ""
    assert err == f"finemotor: error: {message}\n"


def test_unknown_command_is_one_line(capsys):
    code, out, err = run(capsys, "dance")
    assert code == 2 and out == ""
    # argparse quotes the choices differently across Python versions: check the stable part.
    assert err.startswith("finemotor: error: argument COMMAND: invalid choice: 'dance'")
    assert err.count("\n") == 1


def test_unknown_activity_lists_the_known_ones(capsys, tmp_path, dots):
    ChildrenRegistry(tmp_path).add("Anna")
    known = ", ".join(a.id for a in load_activities())
    assert "dots" in known.split(", ")
    code, out, err = run(capsys, "play", "--activity", "nope", "--data-dir", str(tmp_path))
    assert code == 2
    assert err == f"finemotor: error: unknown activity 'nope' (known: {known})\n"


def test_activity_needs_a_child_and_a_level_in_range(capsys, tmp_path, dots):
    code, _, err = run(capsys, "play", "--activity", "dots", "--data-dir", str(tmp_path))
    assert (code, err) == (2, "finemotor: error: --activity needs --child ID (the child who "
                              "plays)\n")
    child = ChildrenRegistry(tmp_path).add("Anna")
    code, _, err = run(capsys, "play", "--activity", "dots", "--child", child.child_id,
                       "--level", "4", "--data-dir", str(tmp_path))
    assert (code, err) == (2, "finemotor: error: level 4 is out of range for dots (1 to 3)\n")


def test_report_errors_come_from_the_report_builder_without_traceback(capsys, tmp_path):
    missing = tmp_path / "nothing-here"
    code, out, err = run(capsys, "report", "--data-dir", str(missing), "--out",
                         str(tmp_path / "out"))
    assert code == 2
    assert err == f"finemotor: error: data folder not found: {missing}\n"


def test_parse_size():
    assert cli.parse_size("1280x800") == (1280, 800)
    assert cli.parse_size("1024X768") == (1024, 768)


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "play" in out and "children" in out and "report" in out and "demo-data" in out
    assert "exit-after-first-frame" not in out


def test_avatar_names_match_the_ui_kit():
    from games.launcher.avatars import AVATAR_IDS

    assert commands.AVATAR_NAMES == AVATAR_IDS


def _subprocess(args: list[str], env_extra: dict[str, str] | None = None):
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "games", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def test_subprocess_error_has_no_traceback(tmp_path):
    proc = _subprocess(["children", "rename", "nope", "x"], {"FINEMOTOR_DATA": str(tmp_path)})
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"finemotor: error: {NOPE}\n"


def test_no_display_gives_a_clear_message(tmp_path):
    proc = _subprocess(["play", "--windowed", "--data-dir", str(tmp_path)],
                       {"SDL_VIDEODRIVER": "no-such-driver"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("finemotor: error: cannot open a window (No display found: ")
    assert lines[0].endswith("playing needs a screen (reports work without one: "
                             "`finemotor report`)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland variables")
def test_no_display_on_linux_is_one_line_before_sdl_starts(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = subprocess.run([sys.executable, "-m", "games", "play", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr == (
        "finemotor: error: cannot open a window (no display: neither DISPLAY nor "
        "WAYLAND_DISPLAY is set); playing needs a screen (reports work without one: "
        "`finemotor report`)\n"
    )


def test_data_dir_that_is_a_file_is_a_usage_error(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    proc = _subprocess(["children", "list", "--data-dir", str(afile)])
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"finemotor: error: --data-dir is a file, not a folder: {afile}\n"
    proc = _subprocess(["report", "--out", str(tmp_path / "r")], {"FINEMOTOR_DATA": str(afile)})
    assert proc.returncode == 2
    assert proc.stderr == f"finemotor: error: FINEMOTOR_DATA is a file, not a folder: {afile}\n"


def test_play_shows_the_first_frame_and_leaves_no_empty_session(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    proc = _subprocess(["play", "--windowed", "--data-dir", str(tmp_path), "--child",
                        child.child_id, "--exit-after-first-frame"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("first frame after ")
    # The child's games screen, and no game played: a session is written with its first trial.
    assert not (tmp_path / "sessions").exists()


def test_demo_data_then_report_end_to_end(capsys, tmp_path):
    data = tmp_path / "data"
    code, out, _ = run(capsys, "demo-data", "--children", "2", "--weeks", "1", "--seed", "3",
                       "--data-dir", str(data))
    assert code == 0
    assert out.startswith(f"demo data written to {data}: ")
    assert len(ChildrenRegistry(data).list()) == 2
    out_dir = tmp_path / "report"
    code, out, _ = run(capsys, "report", "--data-dir", str(data), "--out", str(out_dir))
    assert code == 0
    assert out == f"report written: {out_dir / 'index.html'} (open it in a browser)\n"
    assert (out_dir / "index.html").is_file()


def test_report_process_ends_quickly_with_its_output_flushed(tmp_path):
    """A report run as the console script ends with ``os._exit`` once every file is written:
    its line still reaches a pipe, every file is complete, and a failure exits the usual way."""
    data = tmp_path / "data"
    assert cli.main(["demo-data", "--children", "2", "--weeks", "1", "--seed", "3",
                     "--data-dir", str(data)]) == 0
    out_dir = tmp_path / "report"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-m", "games.cli", "report", "--data-dir", str(data),
                           "--out", str(out_dir)], capture_output=True, text=True, env=env,
                          check=False)
    assert (proc.returncode, proc.stdout) == (
        0, f"report written: {out_dir / 'index.html'} (open it in a browser)\n")
    pages = sorted(p.name for p in out_dir.glob("*.html"))
    assert len(pages) == 3 and "index.html" in pages
    for page in pages:
        assert (out_dir / page).read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    bad = subprocess.run([sys.executable, "-m", "games.cli", "report", "--data-dir", str(data),
                          "--out", str(tmp_path / "r2"), "--child", "nobody"],
                         capture_output=True, text=True, env=env, check=False)
    assert bad.returncode == 2
    assert bad.stderr.startswith("finemotor: error: ")
    assert "nobody" in bad.stderr


def test_progress_bar_only_on_a_terminal(tmp_path):
    """Redirected to a file there is no bar (its redraws would fill a log); on a terminal the
    bar counts the children."""
    import pty

    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "games", "demo-data", "--children", "2", "--weeks", "1",
           "--data-dir", str(data)]
    piped = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    report = [sys.executable, "-m", "games", "report", "--data-dir", str(data), "--out",
              str(tmp_path / "r")]
    proc = subprocess.run(report, stdout=subprocess.DEVNULL, stderr=follower, timeout=120)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child's end is closed and everything is read
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode == 0
    assert seen.decode().endswith(f"[{'#' * 30}] 2/2 children\r\n")


# -- level pinning --------------------------------------------------------------------------


def test_level_pin_show_and_unpin(capsys, tmp_path):
    from games.tracing.staircase import load_progress, progress_path

    d = str(tmp_path)
    child = ChildrenRegistry(tmp_path).add("Sam", "cat")
    cid = child.child_id
    code, out, err = run(capsys, "level", cid, "--data-dir", d)
    assert (code, err) == (0, "")
    assert out == ("Sam has not played tracing yet and nothing is pinned "
                   "(new items start at level 1)\n")

    assert run(capsys, "level", cid, "3", "--data-dir", d)[1] == (
        "tracing, every item: pinned at level 3 for Sam\n")
    assert run(capsys, "level", cid, "2", "--item", "circle", "--data-dir", d)[1] == (
        "tracing, circle: pinned at level 2 for Sam\n")
    progress = load_progress(progress_path(tmp_path, cid))
    assert progress.pinned == {"*": 3, "circle": 2}
    assert progress.current_level("circle") == 2
    assert progress.current_level("upper_B") == 3
    assert oct(progress_path(tmp_path, cid).stat().st_mode & 0o777) == "0o600"

    code, out, _ = run(capsys, "level", cid, "--data-dir", d)
    assert out == ("ITEM        LEVEL  PINNED\n"
                   "every item      3  yes\n"
                   "circle          2  yes\n")

    assert run(capsys, "level", cid, "auto", "--data-dir", d)[1] == (
        "tracing, every item: level adapts to Sam again\n")
    assert load_progress(progress_path(tmp_path, cid)).pinned == {"circle": 2}


def test_level_item_accepts_a_bare_digit_or_letter(capsys, tmp_path):
    from games.tracing.staircase import load_progress, progress_path

    d = str(tmp_path)
    cid = ChildrenRegistry(tmp_path).add("Sam", "cat").child_id
    for typed, item in (("5", "digit_5"), ("B", "upper_B"), ("b", "lower_b")):
        assert run(capsys, "level", cid, "4", "--item", typed, "--data-dir", d)[1] == (
            f"tracing, {item}: pinned at level 4 for Sam\n")
    assert load_progress(progress_path(tmp_path, cid)).pinned == {
        "digit_5": 4, "upper_B": 4, "lower_b": 4}
    code, _, err = run(capsys, "level", cid, "4", "--item", "?", "--data-dir", d)
    assert code == 2 and err.startswith("finemotor: error: unknown tracing item '?' ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["9"], "finemotor: error: level 9 is out of range for tracing (1 to 6)\n"),
        (["x"], "finemotor: error: argument LEVEL: 'x' is not a level: give a number "
                "(1 or more) or 'auto'\n"),
        (["2", "--item", "zz"], "finemotor: error: unknown tracing item 'zz' (known: "
                                f"{', '.join(TRACING_ITEMS)}; '*' for every item)\n"),
        (["2", "--item", "circel"], "finemotor: error: unknown tracing item 'circel': did you "
                                    f"mean circle? (known: {', '.join(TRACING_ITEMS)}; '*' for "
                                    "every item)\n"),
        (["2", "--activity", "nope"], "finemotor: error: unknown activity 'nope' "
                                      "(known: tracing, pinch, sequencing)\n"),
    ],
)
def test_level_errors_are_one_line_and_exit_2(capsys, tmp_path, argv, message):
    cid = ChildrenRegistry(tmp_path).add("Sam", "cat").child_id
    code, out, err = run(capsys, "level", cid, *argv, "--data-dir", str(tmp_path))
    assert (code, out, err) == (2, "", message)
    assert not (tmp_path / "children" / cid).exists()  # nothing written on a bad command


def test_level_unknown_child_and_activity_without_levels(capsys, tmp_path, dots):
    code, _, err = run(capsys, "level", "nobody", "2", "--data-dir", str(tmp_path))
    assert (code, err) == (2, "finemotor: error: no child 'nobody': see `finemotor children "
                              "list` for nicknames and ids\n")
    cid = ChildrenRegistry(tmp_path).add("Sam", "cat").child_id
    code, _, err = run(capsys, "level", cid, "2", "--activity", "dots",
                       "--data-dir", str(tmp_path))
    assert (code, err) == (2, "finemotor: error: dots has no per-child levels to pin\n")


def test_pinned_level_holds_against_the_staircase(tmp_path):
    from games.tracing import ACTIVITY
    from games.tracing.staircase import load_progress, progress_path

    cid = ChildrenRegistry(tmp_path).add("Sam", "cat").child_id
    assert cli.main(["level", cid, "4", "--item", "circle", "--data-dir", str(tmp_path)]) == 0
    progress = load_progress(progress_path(tmp_path, cid))
    # Two successes would move an unpinned staircase up; a pinned one stays.
    progress.record("circle", True)
    assert progress.record("circle", True) == 4
    assert ACTIVITY.read_levels(tmp_path, cid) == {"circle": (4, True)}


# -- calibration ----------------------------------------------------------------------------


def test_calibrate_set_show_and_remove(capsys, tmp_path):
    import json

    from engine.settings import Settings
    from games.settings_store import load_settings, save_settings

    d = str(tmp_path)
    save_settings(tmp_path, Settings(left_handed=True), "clinic")
    assert run(capsys, "calibrate", "--data-dir", d) == (
        0, "not calibrated: figures are in screen pixels only "
           "(set it with `finemotor calibrate WIDTH_MM`)\n", "")
    assert run(capsys, "calibrate", "256.5", "--data-dir", d) == (
        0, f"screen width set to 256.5 mm (saved in {tmp_path / 'settings.json'})\n", "")
    settings, mode = load_settings(tmp_path)
    # The other settings and the mode are kept.
    assert (settings.screen_width_mm, settings.left_handed, mode) == (256.5, True, "clinic")
    assert json.loads((tmp_path / "settings.json").read_text())["screen_width_mm"] == 256.5
    assert oct((tmp_path / "settings.json").stat().st_mode & 0o777) == "0o600"
    assert run(capsys, "calibrate", "--data-dir", d)[1] == "screen width: 256.5 mm\n"
    assert run(capsys, "calibrate", "off", "--data-dir", d)[1] == (
        "calibration removed: figures are in screen pixels only\n")
    assert load_settings(tmp_path)[0].screen_width_mm is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5", "finemotor: error: a screen 5 mm wide is not plausible: measure the lit picture "
              "area with a ruler, in millimetres\n"),
        ("abc", "finemotor: error: 'abc' is not a width: give millimetres, e.g. 256, or 'off'\n"),
        ("nan", "finemotor: error: a screen nan mm wide is not plausible: measure the lit "
                "picture area with a ruler, in millimetres\n"),
    ],
)
def test_calibrate_rejects_implausible_widths(capsys, tmp_path, value, message):
    assert run(capsys, "calibrate", value, "--data-dir", str(tmp_path)) == (2, "", message)
    assert not (tmp_path / "settings.json").exists()


@pytest.mark.parametrize("argv", [
    ["report", "--help"],
    ["report", "--out"],
    ["report", "--bogus", "x"],
    ["report", "--child", "a", "--all", "--out", "r"],
    ["report"],
])
def test_report_alone_parses_and_fails_as_the_whole_parser(capsys, argv):
    """``report`` is parsed by its own parser (faster to build): the same help, usage and
    errors, word for word, as the whole parser's."""
    seen = []
    for parser in (cli.build_parser(), cli.parser_for(argv)):
        with pytest.raises(SystemExit) as exc:
            parser.parse_args(argv)
        out = capsys.readouterr()
        seen.append((exc.value.code, out.out, out.err))
    assert seen[0] == seen[1]
    code, out, err = seen[0]
    assert code == 0 and "usage: finemotor report" in out if argv[-1] == "--help" else (
        code == 2 and err.startswith("finemotor: error: ") and err.count("\n") == 1)
    ok = ["report", "--out", "r", "--child", "a", "b", "--until", "2026-01-31"]
    whole, alone = cli.build_parser().parse_args(ok), cli.parser_for(ok).parse_args(ok)
    assert vars(whole) == vars(alone)
    assert alone.child_ids == ["a", "b"] and alone.handler is cli.cmd_report
