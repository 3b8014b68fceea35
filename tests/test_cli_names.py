"""The names a grown-up types (issue 13 point 11): a child by nickname, id prefix or id in every
command, item names in any case with a "did you mean", ``report --out`` kept out of the data
folder, options in any order, and help on every option. Real data folders, no mocks."""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from datetime import datetime, timezone
from pathlib import Path

import pytest

from games import cli
from games.registry import load_activities
from telemetry.children import ChildrenRegistry
from telemetry.plan import load_plan
from telemetry.recorder import SessionRecorder

TRACING_ITEMS = [a for a in load_activities() if a.id == "tracing"][0].items()  # type: ignore[misc]
WHO = "see `finemotor children list` for nicknames and ids"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The CLI in-process: (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes (lock files aside: taking a lock makes one)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def record(data: Path, child_id: str) -> None:
    """One finished tracing session of two trials on 2026-11-02."""
    day = datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    clock = iter(range(0, 10**12, 10**9))
    rec = SessionRecorder.start(data, child_id, wall_clock=lambda: day,
                                clock_ns=lambda: next(clock))
    for acc in (0.7, 0.8):
        rec.begin_trial("tracing", 2, "circle", "trace")
        rec.finish_trial(accuracy=acc, errors=0, completed=True, duration_ms=4000.0)
    rec.close()


@pytest.fixture
def roster(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A data folder with Ada, Bo, and two children both called Sam."""
    data = tmp_path / "data"
    reg = ChildrenRegistry(data)
    ids = {name: reg.add(name).child_id for name in ("Ada", "Bo")}
    ids["Sam1"] = reg.add("Sam").child_id
    ids["Sam2"] = reg.add("sam").child_id
    return data, ids


# -- one resolver for every command ----------------------------------------------------------

# Every command that asks for a child, with the child's place marked CHILD.
CHILD_COMMANDS = [
    ["children", "rename", "CHILD", "Newname"],
    ["children", "delete", "CHILD", "--yes"],
    ["children", "set", "CHILD", "--hand", "left"],
    ["children", "show", "CHILD"],
    ["level", "CHILD", "2"],
    ["plan", "CHILD"],
    ["plan", "CHILD", "set", "--minutes", "10"],
    ["plan", "CHILD", "goal", "add", "--activity", "tracing", "--metric", "accuracy",
     "--at-least", "0.8"],
    ["plan", "CHILD", "home", "--out", "OUT/home.html"],
    ["report", "--child", "CHILD", "--out", "OUT/report"],
    ["export", "--child", "CHILD", "--out", "OUT/export"],
    ["routines", "choose", "CHILD", "bath"],
    ["play", "--child", "CHILD", "--windowed"],
]


def _argv(template: list[str], child: str, out: Path) -> list[str]:
    return [child if a == "CHILD" else a.replace("OUT", str(out)) for a in template]


@pytest.mark.parametrize("template", CHILD_COMMANDS, ids=lambda t: " ".join(t[:2]))
def test_an_unknown_child_says_so_and_points_to_the_list(capsys, roster, tmp_path, template):
    data, ids = roster
    record(data, ids["Ada"])
    before = snapshot(data)
    code, out, err = run(capsys, *_argv(template, "Zed", tmp_path), "--data-dir", str(data))
    assert (code, out, err) == (2, "", f"finemotor: error: no child 'Zed': {WHO}\n")
    assert snapshot(data) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing written outside


@pytest.mark.parametrize("template", CHILD_COMMANDS, ids=lambda t: " ".join(t[:2]))
def test_an_ambiguous_child_lists_the_matches(capsys, roster, tmp_path, template):
    data, ids = roster
    record(data, ids["Ada"])
    before = snapshot(data)
    code, out, err = run(capsys, *_argv(template, "SAM", tmp_path), "--data-dir", str(data))
    sam1, sam2 = ids["Sam1"], ids["Sam2"]
    listed = sorted([(sam1, "Sam"), (sam2, "sam")])  # the roster's order: nickname, then id
    shown = ", ".join(f"{name} ({cid[:8]})" for cid, name in listed)
    assert (code, out) == (2, "")
    assert err == (f"finemotor: error: 'SAM' could be more than one child: {shown}; give more "
                   "of the id\n")
    assert snapshot(data) == before


def test_nickname_id_prefix_and_whole_id_name_the_same_child(capsys, roster):
    data, ids = roster
    d = ["--data-dir", str(data)]
    ada = ids["Ada"]
    for name in ("Ada", "aDA", " ada ", ada[:4], ada[:4].upper(), ada, ada.upper()):
        assert run(capsys, "level", name, *d) == (
            0, "Ada has not played tracing yet and nothing is pinned (new items start at "
               "level 1)\n", "")
    # Two children called Sam: an id prefix tells them apart.
    sam2 = ids["Sam2"]
    assert run(capsys, "level", sam2[:8], "3", *d)[1] == (
        "tracing, every item: pinned at level 3 for sam\n")


def test_a_short_id_prefix_is_refused_with_the_reason(capsys, roster):
    data, ids = roster
    code, out, err = run(capsys, "level", ids["Bo"][:3], "--data-dir", str(data))
    assert (code, out) == (2, "")
    assert err == (f"finemotor: error: no child {ids['Bo'][:3]!r}: an id prefix needs at least 4 "
                   f"characters ({WHO})\n")


def test_commands_act_on_the_child_the_nickname_names(capsys, roster, tmp_path):
    data, ids = roster
    d = ["--data-dir", str(data)]
    ada, bo = ids["Ada"], ids["Bo"]
    record(data, ada)
    assert run(capsys, "children", "set", "bo", "--hand", "left", *d)[0] == 0
    assert run(capsys, "plan", "BO", "set", "--minutes", "7", *d)[1] == (
        "plan for Bo: 7 minutes per session\n")
    assert load_plan(data, bo).plan.minutes == 7
    assert run(capsys, "routines", "choose", "ada", "bath", *d)[1] == (
        "Ada plays: bath; prompting: after-error; input: drag\n")
    code, out, err = run(capsys, "report", "--child", "ada", "--out", str(tmp_path / "r"), *d)
    assert (code, err) == (0, "")
    pages = sorted(p.name for p in (tmp_path / "r").glob("*.html"))
    assert pages == sorted(["index.html", f"{ada}.html"])
    code, out, err = run(capsys, "export", "--child", ada[:5], "--out", str(tmp_path / "x"), *d)
    assert (code, err) == (0, "")
    assert "1 sessions added" in out
    code, out, _ = run(capsys, "children", "delete", "Bo", "--yes", *d)
    assert out == f"deleted Bo ({bo}) and all of their files\n"
    assert sorted(c.child_id for c in ChildrenRegistry(data).list()) == sorted(
        [ada, ids["Sam1"], ids["Sam2"]])


def test_a_whole_id_with_files_but_no_roster_row_still_works(capsys, tmp_path):
    """Sessions copied from another device: the id is known by its folder, not the roster."""
    data = tmp_path / "data"
    ChildrenRegistry(data).add("Ada")
    stray = "0123456789abcdef0123456789abcdef"
    record(data, stray)
    code, out, err = run(capsys, "children", "delete", stray, "--data-dir", str(data))
    assert (code, out) == (2, "")
    assert err == (f"finemotor: error: deleting child {stray} removes all of their sessions "
                   "and cannot be undone; add --yes to confirm\n")
    assert run(capsys, "children", "delete", stray, "--yes", "--data-dir", str(data))[1] == (
        f"deleted child {stray} and all of their files\n")
    assert not (data / "sessions" / stray).exists()


# -- item names ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "item"), [
    ("CIRCLE", "circle"), ("Circle", "circle"), ("circle", "circle"), ("upper_b", "upper_B"),
    ("LOWER_B", "lower_b"), ("B", "upper_B"), ("b", "lower_b"), ("5", "digit_5"),
    ("Diag_Left", "diag_left"),
])
def test_level_items_in_any_case(capsys, roster, typed, item):
    data, _ = roster
    assert run(capsys, "level", "Ada", "2", "--item", typed, "--data-dir", str(data)) == (
        0, f"tracing, {item}: pinned at level 2 for Ada\n", "")


def test_an_unknown_item_gets_a_did_you_mean_and_the_list(capsys, roster):
    data, ids = roster
    known = ", ".join(TRACING_ITEMS)
    code, out, err = run(capsys, "level", "Ada", "2", "--item", "Triangel",
                         "--data-dir", str(data))
    assert (code, out) == (2, "")
    assert err == ("finemotor: error: unknown tracing item 'Triangel': did you mean triangle? "
                   f"(known: {known}; '*' for every item)\n")
    code, _, err = run(capsys, "level", "Ada", "2", "--activity", "pinch", "--item", "bord",
                       "--data-dir", str(data))
    assert err == ("finemotor: error: unknown pinch item 'bord': did you mean board? "
                   "(known: board; '*' for every item)\n")
    assert not (data / "children" / ids["Ada"]).exists()


def test_goal_items_in_any_case_and_did_you_mean(capsys, roster):
    data, ids = roster
    d = ["--data-dir", str(data)]
    goal = ["--activity", "tracing", "--metric", "accuracy", "--at-least", "0.8"]
    assert run(capsys, "plan", "Ada", "goal", "add", *goal, "--item", "SQUARE", *d) == (
        0, "goal g1 added: tracing square: accuracy >= 0.8, 3 sessions in a row\n", "")
    assert load_plan(data, ids["Ada"]).plan.goal("g1").item == "square"
    code, _, err = run(capsys, "plan", "Ada", "goal", "add", *goal, "--item", "sqare", *d)
    assert code == 2
    assert err == ("finemotor: error: unknown tracing item 'sqare': did you mean square? "
                   f"(known: {', '.join(TRACING_ITEMS)}; '*' for every item)\n")
    assert len(load_plan(data, ids["Ada"]).plan.goals) == 1


def test_routine_names_in_any_case_and_did_you_mean(capsys, roster):
    from games.sequencing.routines import BUILT_IN

    data, ids = roster
    d = ["--data-dir", str(data)]
    code, out, _ = run(capsys, "routines", "show", "BATH", *d)
    assert (code, out.splitlines()[0]) == (0, "Bath time (bath, built-in)")
    assert run(capsys, "routines", "choose", "Bo", "Bath", "BEDTIME", *d)[1] == (
        "Bo plays: bath, bedtime; prompting: after-error; input: drag\n")
    known = ", ".join(r.id for r in BUILT_IN)
    code, out, err = run(capsys, "routines", "show", "bedtme", *d)
    assert (code, out) == (2, "")
    assert err == (f"finemotor: error: unknown routine 'bedtme': did you mean bedtime? "
                   f"(known: {known})\n")
    before = snapshot(data)
    code, _, err = run(capsys, "routines", "choose", "Bo", "bath", "bathh", *d)
    assert (code, err) == (2, f"finemotor: error: unknown routine 'bathh': did you mean bath? "
                              f"(known: {known})\n")
    assert snapshot(data) == before


# -- report --out outside the data folder ----------------------------------------------------


def test_report_out_into_the_data_folder_is_refused(capsys, roster, tmp_path):
    data, ids = roster
    record(data, ids["Ada"])
    (tmp_path / "link").symlink_to(data)
    before = snapshot(data)
    session = next((data / "sessions" / ids["Ada"]).iterdir())
    for out in (data, data / "reports", data / "children" / ids["Bo"], session,
                tmp_path / "link" / "r"):
        code, stdout, err = run(capsys, "report", "--out", str(out), "--data-dir", str(data))
        assert (code, stdout) == (2, "")
        assert err == (f"finemotor: error: --out {out} is inside the data folder {data}: the "
                       "report would mix with the children's data; choose a folder outside "
                       "it\n")
    assert snapshot(data) == before
    assert not (data / "reports").exists() and not (data / "children" / ids["Bo"]).exists()


def test_home_programme_out_into_the_data_folder_is_refused(capsys, roster):
    data, _ = roster
    out = data / "home.html"
    code, _, err = run(capsys, "plan", "Ada", "home", "--out", str(out), "--data-dir", str(data))
    assert (code, err) == (2, f"finemotor: error: --out {out} is inside the data folder {data}: "
                              "the home programme would mix with the children's data; choose "
                              "a folder outside it\n")
    assert not out.exists()


# -- options in any order --------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["level", "Ada", "2", "--item", "5"],
    ["level", "Ada", "--item", "5", "2"],
    ["level", "--item", "5", "Ada", "2"],
    ["level", "--data-dir", "DATA", "Ada", "--item", "5", "2"],
])
def test_level_options_before_or_after_the_level(capsys, roster, argv):
    from games.tracing.staircase import load_progress, progress_path

    data, ids = roster
    argv = [str(data) if a == "DATA" else a for a in argv]
    if "--data-dir" not in argv:
        argv += ["--data-dir", str(data)]
    assert run(capsys, *argv) == (0, "tracing, digit_5: pinned at level 2 for Ada\n", "")
    assert load_progress(progress_path(data, ids["Ada"])).pinned == {"digit_5": 2}


def test_a_stray_argument_is_still_a_usage_error(capsys, roster):
    data, ids = roster
    code, out, err = run(capsys, "level", "Ada", "--item", "5", "2", "3", "--data-dir", str(data))
    assert (code, out, err) == (2, "", "finemotor: error: unrecognized arguments: 3\n")
    assert not (data / "children" / ids["Ada"]).exists()


def test_play_level_out_of_every_range_is_refused(capsys, tmp_path):
    ranges = ", ".join(f"{a.id} 1 to {a.levels}" for a in load_activities())
    code, out, err = run(capsys, "play", "--level", "99", "--data-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"finemotor: error: level 99 is out of range for every activity ({ranges})\n"


# -- help ------------------------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser, path: str):
    """Every (command path, parser) of the tree, depth first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {a.dest for a in action._choices_actions}
            for name, sub in action.choices.items():
                assert name in helped, f"`{path} {name}` has no help line"
                yield from _parsers(sub, f"{path} {name}")


def test_every_option_of_every_command_has_help():
    missing = []
    seen = 0
    for path, parser in _parsers(cli.build_parser(), "finemotor"):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            seen += 1
            if not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
    assert seen > 100  # the walk reached the subcommands' options


def test_help_gives_play_levels_and_demo_data_options(capsys):
    ranges = ", ".join(f"{a.id} 1 to {a.levels}" for a in load_activities())
    code, out, _ = run(capsys, "play", "--help")
    assert code == 0
    assert f"level to start at: {ranges}" in " ".join(out.split())
    code, out, _ = run(capsys, "demo-data", "--help")
    flat = " ".join(out.split())
    assert "how many made-up children, 1 to 200 (default: 6)" in flat
    assert "weeks of made-up practice, 1 to 104 (default: 12)" in flat
    assert "the same seed writes the same data (default: 0)" in flat


def test_routines_choose_takes_options_before_the_routines(capsys, roster):
    data, ids = roster
    d = ["--data-dir", str(data)]
    assert run(capsys, "routines", "choose", "Ada", "--prompting", "none", "BATH", *d) == (
        0, "Ada plays: bath; prompting: none; input: drag\n", "")
    before = snapshot(data)
    assert run(capsys, "routines", "choose", "Ada", "bath", "--all", *d) == (
        2, "", "finemotor: error: give routine ids or --all, not both\n")
    assert snapshot(data) == before


# -- activity names and other bad input ------------------------------------------------------


def test_activity_names_in_any_case_and_did_you_mean(capsys, roster):
    data, ids = roster
    d = ["--data-dir", str(data)]
    assert run(capsys, "level", "Ada", "3", "--activity", "PINCH", *d) == (
        0, "pinch, every item: pinned at level 3 for Ada\n", "")
    assert run(capsys, "plan", "Ada", "set", "--on", "Tracing", *d)[1] == (
        "plan for Ada: tracing on\n")
    planned = load_plan(data, ids["Ada"]).plan.activities
    assert [name for name, a in planned.items() if a.on] == ["tracing"]  # stored as its id
    code, out, err = run(capsys, "level", "Ada", "--activity", "tracng", *d)
    assert (code, out, err) == (2, "", "finemotor: error: unknown activity 'tracng': did you "
                                       "mean tracing? (known: tracing, pinch, sequencing)\n")


@pytest.mark.parametrize(("argv", "message"), [
    (["plan", "Ada", "show", "--as-of", "someday"],
     "--as-of must be a date like 2027-03-01, got 'someday'"),
    (["plan", "Ada", "goal", "add", "--activity", "tracing", "--metric", "accuracy",
      "--at-least", "0.5", "--level-from", "0"], "--level-from takes a tracing level, 1 to 6, "
                                                 "got 0"),
    (["plan", "Ada", "goal", "add", "--activity", "pinch", "--metric", "accuracy",
      "--at-least", "0.5", "--level-from", "13"], "--level-from takes a pinch level, 1 to 12, "
                                                  "got 13"),
    (["level", "Ada", "2", "3"], "unrecognized arguments: 3"),
    (["level", "Ada", "--item"], "argument --item: expected one argument"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(capsys, roster, argv, message):
    data, ids = roster
    record(data, ids["Ada"])
    before = snapshot(data)
    assert run(capsys, *argv, "--data-dir", str(data)) == (2, "", f"finemotor: error: {message}\n")
    assert snapshot(data) == before


def test_play_with_a_nickname_starts_that_childs_session(tmp_path):
    import subprocess
    import sys

    data = tmp_path / "data"
    ada = ChildrenRegistry(data).add("Ada").child_id
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-m", "games", "play", "--windowed", "--child", "ADA",
                           "--exit-after-first-frame", "--data-dir", str(data)],
                          capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("first frame after ")
    # Whether or not a session is written before its first trial, none is anyone else's.
    sessions = data / "sessions"
    assert [p.name for p in sessions.iterdir()] in ([], [ada]) if sessions.exists() else True


def test_plan_goal_takes_the_data_folder_before_its_action(capsys, roster):
    data, ids = roster
    goal = ["--activity", "tracing", "--metric", "accuracy", "--at-least", "0.5"]
    assert run(capsys, "plan", "Ada", "goal", "--data-dir", str(data), "add", *goal) == (
        0, "goal g1 added: tracing: accuracy >= 0.5, 3 sessions in a row\n", "")
    assert run(capsys, "plan", "Ada", "goal", "--data-dir", str(data)) == (
        2, "", "finemotor: error: the following arguments are required: ACTION\n")


def test_plan_show_with_goals_before_any_session(capsys, roster):
    data, ids = roster
    d = ["--data-dir", str(data)]
    run(capsys, "plan", "Ada", "goal", "add", "--activity", "tracing", "--metric", "accuracy",
        "--at-least", "0.5", *d)
    code, out, err = run(capsys, "plan", "Ada", *d)
    assert (code, err) == (0, "")
    day = load_plan(data, ids["Ada"]).history[0].at[:10]
    assert out.splitlines() == [
        f"Plan for Ada (since {day}, 1 change)",
        "  activities: tracing, pinch, sequencing",
        "  minutes per session: device setting",
        "  home sessions a week: not set",
        "Goals",
        "  g1  tracing: accuracy >= 0.5, 3 sessions in a row",
        "      not yet: no sessions played yet",
    ]


@pytest.mark.parametrize("argv", [
    ["report", "--out", "r\x00"], ["export", "--out", "x\x00"],
    ["plan", "Ada", "home", "--out", "h\x00.html"], ["routines", "add", "r\x00.txt"],
])
def test_a_path_with_a_nul_character_is_a_usage_error(capsys, roster, argv):
    data, _ = roster
    before = snapshot(data)
    code, out, err = run(capsys, *argv, "--data-dir", str(data))
    name = [a for a in argv if "\x00" in a][0]
    option = "FILE" if argv[0] == "routines" else "--out"
    assert (code, out) == (2, "")
    assert err == (f"finemotor: error: argument {'file' if option == 'FILE' else option}: "
                   f"{name!r} is not a path: it holds a NUL character\n")
    assert snapshot(data) == before
