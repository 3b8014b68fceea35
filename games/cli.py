"""The ``finemotor`` command line: play, manage children, build reports, write demo data.

``finemotor`` alone is ``finemotor play``. Every mistake a person can make (a bad argument, an
unknown id, a bad size) ends with one line ``finemotor: error: ...`` on stderr and exit code 2,
never a traceback. Heavy modules are imported inside the handlers: ``play`` never imports
pandas or matplotlib, ``children`` never imports pygame.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

# pygame-ce prints a banner on import; a command line tool's output must stay clean.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from telemetry.errors import UsageError  # noqa: E402

PROG = "finemotor"
EXIT_USAGE = 2
EXIT_FAILURE = 1
MIN_WINDOW = (320, 200)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``finemotor: error: ...``, exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parse_size(text: str) -> tuple[int, int]:
    """``WxH`` (e.g. ``1280x800``) as a pair of ints; a clear error otherwise."""
    parts = text.lower().replace("*", "x").split("x")
    try:
        if len(parts) != 2:
            raise ValueError
        w, h = int(parts[0]), int(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"bad size {text!r}: use WIDTHxHEIGHT, e.g. 1280x800"
        ) from None
    if w < MIN_WINDOW[0] or h < MIN_WINDOW[1]:
        raise argparse.ArgumentTypeError(
            f"size {text!r} is too small: at least {MIN_WINDOW[0]}x{MIN_WINDOW[1]}"
        )
    return w, h


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


AUTO = 0  # the LEVEL argument 'auto': unpin
ALL_ITEMS = "*"


def _level_arg(text: str) -> int:
    if text.strip().lower() == "auto":
        return AUTO
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a level: give a number (1 or more) or 'auto'") from None


def _add_data_dir(parser: argparse.ArgumentParser, dest: str = "data_dir") -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", type=Path, dest=dest,
        help="data folder (default: $FINEMOTOR_DATA, else the per-user data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (exposed for tests and for ``--help`` text)."""
    parser = _Parser(
        prog=PROG,
        description="Fine-motor therapy games for children, with progress reports for "
        "therapists. Without a command: play.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    play = sub.add_parser("play", help="start the games (the default)")
    _add_play_arguments(play)

    children = sub.add_parser("children", help="add, list, rename or delete children")
    csub = children.add_subparsers(dest="children_command", metavar="ACTION",
                                   parser_class=_Parser)
    add = csub.add_parser("add", help="add a child")
    add.add_argument("nickname", metavar="NICKNAME")
    add.add_argument("--avatar", metavar="NAME", help="picture: cat, dog, bear, bunny, frog, "
                     "owl, fox or panda (default: the first one not taken)")
    _add_data_dir(add)
    lst = csub.add_parser("list", help="list the children (the default)")
    _add_data_dir(lst)
    ren = csub.add_parser("rename", help="give a child a new nickname")
    ren.add_argument("child_id", metavar="ID")
    ren.add_argument("nickname", metavar="NICKNAME")
    _add_data_dir(ren)
    dele = csub.add_parser("delete", help="delete a child and every file of that child")
    dele.add_argument("child_id", metavar="ID")
    dele.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    _add_data_dir(dele)
    # Also accepted before the action; its own dest, or the action's default would erase it.
    _add_data_dir(children, dest="parent_data_dir")

    report = sub.add_parser("report", help="write the HTML progress reports and CSV summaries")
    _add_data_dir(report)
    who = report.add_mutually_exclusive_group()
    who.add_argument("--child", metavar="ID", nargs="+", action="extend", dest="child_ids",
                     help="only these children")
    who.add_argument("--all", action="store_true", dest="all_children",
                     help="every child (the default)")
    report.add_argument("--since", metavar="DATE", help="first day (YYYY-MM-DD)")
    report.add_argument("--until", metavar="DATE", help="last day, included (YYYY-MM-DD)")
    report.add_argument("--anonymize", action="store_true",
                        help="pseudonymous ids instead of nicknames")
    report.add_argument("--out", metavar="DIR", type=Path, required=True,
                        help="folder to write the report into")

    lvl = sub.add_parser(
        "level", help="show or pin a child's level in an activity (therapist setting)",
        description="Without LEVEL: show the child's levels. With a number: pin that level "
        "(the activity stops adapting it). With 'auto': let the activity adapt it again.",
    )
    lvl.add_argument("child_id", metavar="ID")
    lvl.add_argument("level", metavar="LEVEL", nargs="?", type=_level_arg,
                     help="a level number to pin, or 'auto' to unpin")
    lvl.add_argument("--activity", metavar="NAME", default="tracing",
                     help="the activity (default: tracing)")
    lvl.add_argument("--item", metavar="ITEM", default=ALL_ITEMS,
                     help="one shape, digit or letter, e.g. circle, 5 (digit_5), B (upper_B) or b "
                          "(lower_b); default: every item")
    _add_data_dir(lvl)

    cal = sub.add_parser(
        "calibrate", help="give the screen's physical width, so reports also show millimetres",
        description="Measure the width of the screen's lit picture area with a ruler, in "
        "millimetres, and give it here. Without WIDTH_MM: show the calibration; 'off' removes it.",
    )
    cal.add_argument("width_mm", metavar="WIDTH_MM", nargs="?",
                     help="the screen's width in mm (e.g. 256), or 'off'")
    _add_data_dir(cal)

    demo = sub.add_parser("demo-data", help="write made-up children and sessions to try reports")
    demo.add_argument("--children", metavar="N", type=_positive_int, default=6)
    demo.add_argument("--weeks", metavar="W", type=_positive_int, default=12)
    demo.add_argument("--seed", metavar="S", type=_int, default=0)
    _add_data_dir(demo)
    return parser


def _add_play_arguments(play: argparse.ArgumentParser) -> None:
    play.add_argument("--child", metavar="ID", help="start with this child (skip the picker)")
    play.add_argument("--activity", metavar="NAME", help="start this activity (needs --child)")
    play.add_argument("--level", metavar="N", type=_positive_int, help="level to start at")
    _add_data_dir(play)
    screen = play.add_mutually_exclusive_group()
    screen.add_argument("--windowed", action="store_true", help="play in a window")
    screen.add_argument("--fullscreen", action="store_true",
                        help="play full screen (the default)")
    play.add_argument("--size", metavar="WxH", type=parse_size,
                      help="window size, e.g. 1280x800 (implies --windowed)")
    # For the start-up benchmark: print the time to the first presented frame and exit.
    play.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)


def _data_dir(args: argparse.Namespace) -> Path:
    """The data folder from ``--data-dir``, ``$FINEMOTOR_DATA`` or the platform default; a path
    that is a file is a usage error (one line), not an OSError deep in the recorder."""
    source = "--data-dir"
    path = None
    for name in ("data_dir", "parent_data_dir"):
        given = getattr(args, name, None)
        if given is not None:
            path = Path(given).expanduser()
            break
    if path is None:
        from telemetry.storage import DATA_ENV, default_data_dir

        path = default_data_dir()
        source = DATA_ENV if os.environ.get(DATA_ENV, "").strip() else "the default data folder"
    if path.exists() and not path.is_dir():
        raise UsageError(f"{source} is a file, not a folder: {path}")
    return path


# -- children -------------------------------------------------------------------------------

AVATAR_NAMES = ("cat", "dog", "bear", "bunny", "frog", "owl", "fox", "panda")  # engine.ui.AVATARS


def cmd_children(args: argparse.Namespace) -> int:
    """``finemotor children add|list|rename|delete``."""
    from telemetry.children import ChildrenRegistry

    roster = ChildrenRegistry(_data_dir(args))
    action = args.children_command or "list"
    if action == "add":
        avatar = args.avatar
        if avatar is None:
            used = {c.avatar for c in roster.list()}
            avatar = next((a for a in AVATAR_NAMES if a not in used), AVATAR_NAMES[0])
        elif avatar not in AVATAR_NAMES:
            raise UsageError(f"unknown avatar {avatar!r} (known: {', '.join(AVATAR_NAMES)})")
        child = roster.add(args.nickname, avatar)
        print(f"added {child.nickname} ({child.avatar}): {child.child_id}")
    elif action == "list":
        children = roster.list()
        if not children:
            print(f"no children yet: add one with `{PROG} children add NICKNAME`")
            return 0
        width = max(len("NICKNAME"), *(len(c.nickname) for c in children))
        print(f"{'ID':<32}  {'NICKNAME':<{width}}  {'AVATAR':<6}  ADDED")
        for c in children:
            print(f"{c.child_id:<32}  {c.nickname:<{width}}  {c.avatar:<6}  {c.created_at[:10]}")
    elif action == "rename":
        child = roster.rename(args.child_id, args.nickname)
        print(f"renamed {child.child_id} to {child.nickname}")
    elif action == "delete":
        if not args.yes:
            roster.get(args.child_id)  # an unknown id says so, rather than asking to confirm
            raise UsageError(
                f"deleting child {args.child_id} removes all of their sessions and cannot be "
                "undone; add --yes to confirm"
            )
        roster.delete(args.child_id)
        print(f"deleted child {args.child_id} and all of their files")
    return 0


# -- level pinning ------------------------------------------------------------------------


def cmd_level(args: argparse.Namespace) -> int:
    """``finemotor level ID [LEVEL|auto] [--activity NAME] [--item ITEM]``."""
    from games.registry import find_activity
    from telemetry.children import ChildrenRegistry

    data_dir = _data_dir(args)
    child = ChildrenRegistry(data_dir).get(args.child_id)
    activity = find_activity(args.activity)
    if activity.pin_level is None or activity.read_levels is None:
        raise UsageError(f"{activity.id} has no per-child levels to pin")
    item = _item_alias(args.item, activity.items() if activity.items is not None else None)
    if item != ALL_ITEMS and activity.items is not None and item not in activity.items():
        raise UsageError(f"unknown {activity.id} item {item!r} "
                         f"(e.g. {', '.join(activity.items()[:4])}; '*' for every item)")
    if args.level is not None:
        if args.level > activity.levels:
            raise UsageError(
                f"level {args.level} is out of range for {activity.id} (1 to {activity.levels})"
            )
        what = "every item" if item == ALL_ITEMS else item
        if args.level == AUTO:
            activity.pin_level(data_dir, child.child_id, item, None)
            print(f"{activity.id}, {what}: level adapts to {child.nickname} again")
        else:
            activity.pin_level(data_dir, child.child_id, item, args.level)
            print(f"{activity.id}, {what}: pinned at level {args.level} for {child.nickname}")
        return 0
    levels = activity.read_levels(data_dir, child.child_id)
    if not levels:
        print(f"{child.nickname} has not played {activity.id} yet and nothing is pinned "
              f"(new items start at level 1)")
        return 0
    rows = [("every item" if name == ALL_ITEMS else name, number, pinned)
            for name, (number, pinned) in levels.items()]
    width = max(len("ITEM"), *(len(shown) for shown, _, _ in rows))
    print(f"{'ITEM':<{width}}  LEVEL  PINNED")
    for shown, number, pinned in rows:
        print(f"{shown:<{width}}  {number:>5}  {'yes' if pinned else 'no'}")
    return 0


# -- calibration ----------------------------------------------------------------------------


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``finemotor calibrate [WIDTH_MM | off]``: the screen width behind mm figures."""
    from engine.settings import Settings
    from games.settings_store import load_settings, save_settings

    data_dir = _data_dir(args)
    settings, mode = load_settings(data_dir)
    if args.width_mm is None:
        if settings.screen_width_mm is None:
            print("not calibrated: figures are in screen pixels only "
                  f"(set it with `{PROG} calibrate WIDTH_MM`)")
        else:
            print(f"screen width: {settings.screen_width_mm:g} mm")
        return 0
    if args.width_mm.strip().lower() == "off":
        settings.screen_width_mm = None
        save_settings(data_dir, settings, mode)
        print("calibration removed: figures are in screen pixels only")
        return 0
    try:
        width = float(args.width_mm)
    except ValueError:
        raise UsageError(f"{args.width_mm!r} is not a width: give millimetres, e.g. 256, "
                         "or 'off'") from None
    checked = Settings.from_dict({"screen_width_mm": width}).screen_width_mm
    if checked is None:
        raise UsageError(f"a screen {width:g} mm wide is not plausible: measure the lit "
                         "picture area with a ruler, in millimetres")
    settings.screen_width_mm = checked
    path = save_settings(data_dir, settings, mode)
    print(f"screen width set to {checked:g} mm (saved in {path})")
    return 0


# -- report / demo data ---------------------------------------------------------------------


def _item_alias(item: str, known: list[str] | None) -> str:
    """A bare digit or letter as a therapist types it (``5``, ``B``, ``b``) to its item id
    (``digit_5``, ``upper_B``, ``lower_b``) when the activity has such an item."""
    if known is None or item in known or len(item) != 1:
        return item
    kind = "digit" if item.isdigit() else "upper" if item.isupper() else "lower"
    alias = f"{kind}_{item}"
    return alias if alias in known else item


def _progress_wanted() -> bool:
    """Draw the progress bar only on a terminal: redirected to a log, its ``\r`` redraws are
    noise."""
    return sys.stderr.isatty()


def cmd_report(args: argparse.Namespace) -> int:
    """``finemotor report``: the HTML reports and CSV summaries (imports pandas, lazily)."""
    from telemetry.report import build_reports

    result = build_reports(
        _data_dir(args),
        args.out,
        child_ids=args.child_ids,
        all_children=args.all_children,
        since=args.since,
        until=args.until,
        anonymize=args.anonymize,
        progress=_progress_wanted(),
    )
    index = getattr(result, "index", None)
    print(f"report written: {index if index is not None else args.out} (open it in a browser)")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    """``finemotor demo-data``: made-up children and sessions (imports numpy, lazily)."""
    from games.demo_data import write_demo_data

    data_dir = _data_dir(args)
    result = write_demo_data(data_dir, children=args.children, weeks=args.weeks,
                             seed=args.seed, progress=_progress_wanted())
    sessions = getattr(result, "sessions", None)
    trials = getattr(result, "trials", None)
    counts = f": {sessions} sessions, {trials} trials" if sessions is not None else ""
    print(f"demo data written to {data_dir}{counts}")
    return 0


# -- play -----------------------------------------------------------------------------------


def _process_start_age_s() -> float | None:
    """Seconds since this process was created (Linux /proc), or None elsewhere."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 "starttime", counted after the ")" field
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


_IMPORTED_AT = time.perf_counter()


def _no_display_reason() -> str | None:
    """Why there is surely no screen (Linux without X11 or Wayland), else None.

    Said before SDL starts: SDL would otherwise add lines of its own (``XDG_RUNTIME_DIR is
    invalid``) to the one-line message. An explicit ``SDL_VIDEODRIVER`` is left to SDL.
    """
    env = os.environ
    if not sys.platform.startswith("linux") or env.get("SDL_VIDEODRIVER"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return "no display: neither DISPLAY nor WAYLAND_DISPLAY is set"


def cmd_play(args: argparse.Namespace) -> int:
    """``finemotor play``: check the arguments, open the window and run the launcher."""
    from games.registry import find_activity, load_activities
    from games.settings_store import load_settings
    from telemetry.children import ChildrenRegistry

    data_dir = _data_dir(args)
    activities = load_activities()
    activity = None
    if args.activity is not None:
        activity = find_activity(args.activity, activities)
        if args.child is None:
            raise UsageError("--activity needs --child ID (the child who plays)")
        if args.level is not None and args.level > activity.levels:
            raise UsageError(
                f"level {args.level} is out of range for {activity.id} (1 to {activity.levels})"
            )
    if args.child is not None:
        ChildrenRegistry(data_dir).get(args.child)
    settings, mode = load_settings(data_dir)

    from engine.app import App, AppConfig, DisplayUnavailable
    from games.launcher import Launcher

    no_screen = _no_display_reason()
    if no_screen:
        print(f"{PROG}: error: cannot open a window ({no_screen}); playing needs a screen "
              f"(reports work without one: `{PROG} report`)", file=sys.stderr)
        return EXIT_FAILURE

    windowed = args.windowed or args.size is not None
    config = AppConfig(size=args.size or (1280, 800), fullscreen=not windowed)
    try:
        app = App(config, settings=settings)
    except DisplayUnavailable as exc:
        print(f"{PROG}: error: cannot open a window ({exc}); playing needs a screen "
              f"(reports work without one: `{PROG} report`)", file=sys.stderr)
        return EXIT_FAILURE
    launcher = Launcher(app, data_dir, activities=activities, mode=mode,
                        level=args.level or 1)
    app.on_quit = launcher.end_session
    try:
        launcher.start(args.child, activity, args.level)
        if args.exit_after_first_frame:
            app.frame()
            age = _process_start_age_s()
            since_import = time.perf_counter() - _IMPORTED_AT
            shown = age if age is not None else since_import
            print(f"first frame after {shown * 1000:.1f} ms", flush=True)
            app.close()
            return 0
        app.run()
    finally:
        app.close()
        launcher.end_session()
        import pygame

        from engine import ui

        pygame.quit()
        ui.clear_caches()  # fonts die with pygame.quit(); a later App must not reuse them
    return 0


# -- entry point ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list.insert(0, "play")  # `finemotor` and `finemotor --windowed` mean play
    args = parser.parse_args(args_list)
    handlers = {
        "play": cmd_play,
        "children": cmd_children,
        "report": cmd_report,
        "demo-data": cmd_demo_data,
        "level": cmd_level,
        "calibrate": cmd_calibrate,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        # A folder that cannot be read or written: say which, without a traceback.
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
