"""The ``finemotor`` command line: the argument parser and ``main`` (the handlers are in
``games/commands.py``).

``finemotor`` alone is ``finemotor play``. Every mistake a person can make (a bad argument, an
unknown id, a bad size) ends with one line ``finemotor: error: ...`` on stderr and exit code 2,
never a traceback.

To add a subcommand: write ``cmd_NAME(args) -> int`` (in ``games/commands.py`` or a module of
its own), add its parser in ``build_parser`` and bind it with
``parser.set_defaults(handler=cmd_NAME)``; ``main`` calls ``args.handler(args)``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

# pygame-ce prints a banner on import; a command line tool's output must stay clean.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from games.cli_names import path_arg  # noqa: E402
from games.commands import (  # noqa: E402
    ALL_ITEMS,
    AUTO,
    EXIT_FAILURE,
    EXIT_USAGE,
    PROG,
    _data_dir,
    cmd_calibrate,
    cmd_children,
    cmd_demo_data,
    cmd_export,
    cmd_level,
    cmd_play,
    cmd_report,
)
from telemetry.avatars import AVATAR_NAMES  # noqa: E402
from telemetry.errors import UsageError, describe_os_error  # noqa: E402

MIN_WINDOW = (320, 200)



CHILD_HELP = ("the child: nickname, id, or the first 4 or more characters of the id "
              f"(see `{PROG} children list`)")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``finemotor: error: ...``, exit 2.

    A command's options may come before, between or after its positional arguments
    (``level ID --item 5 2`` is ``level ID 2 --item 5``): a parser without subcommands parses
    intermixed. A plain argparse parser stops filling positionals at the first option.
    """

    _parsing = False

    def error(self, message: str) -> NoReturn:
        print(f"{PROG}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    def _can_intermix(self) -> bool:
        """argparse refuses intermixed parsing with subcommands or a positional argument in
        a mutually exclusive group."""
        if any(isinstance(a, argparse._SubParsersAction) for a in self._actions):
            return False
        return not any(not a.option_strings for g in self._mutually_exclusive_groups
                       for a in g._group_actions)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse as argparse does, intermixed when the parser allows it (see the class)."""
        if self._parsing or not self._can_intermix():
            return super().parse_known_args(args, namespace)
        self._parsing = True  # parse_known_intermixed_args calls back here
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._parsing = False


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


# demo-data bounds: a large clinic's caseload, two years of weekly practice. Past them a demo
# runs for hours (99999999999999999999 children ran for 12 minutes writing nothing).
MAX_DEMO_CHILDREN = 200
MAX_DEMO_WEEKS = 104


def _at_most(limit: int, what: str) -> Callable[[str], int]:
    """An argument type: a whole number from 1 to ``limit``, else a one-line error."""

    def parse(text: str) -> int:
        value = _positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(
                f"{text!r} is too many: use 1 to {limit} {what}"
            )
        return value

    return parse


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None



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
        "--data-dir", metavar="DIR", type=path_arg, dest=dest,
        help="data folder (default: $FINEMOTOR_DATA, else the per-user data folder)",
    )


def _add_who(parser: argparse.ArgumentParser, anonymize_help: str) -> None:
    """What a report or an export covers: the data folder, ``--child ID ...`` or ``--all``,
    ``--since``/``--until`` and ``--anonymize``."""
    _add_data_dir(parser)
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--child", metavar="ID", nargs="+", action="extend", dest="child_ids",
                     help="only these children (nicknames, ids or id prefixes)")
    who.add_argument("--all", action="store_true", dest="all_children",
                     help="every child (the default)")
    parser.add_argument("--since", metavar="DATE", help="first day (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", metavar="DATE", help="last day, included (YYYY-MM-DD, UTC)")
    parser.add_argument("--anonymize", action="store_true", help=anonymize_help)


def _add_report_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``report`` command's arguments."""
    report = sub.add_parser("report", help="write the HTML progress reports and CSV summaries")
    report.set_defaults(handler=cmd_report, quick_exit=True)
    _add_who(report, "pseudonymous ids instead of nicknames")
    report.add_argument("--out", metavar="DIR", type=path_arg, required=True,
                        help="folder to write the report into: a new or empty folder, or one "
                             "an earlier report wrote (only its files are replaced)")
    report.add_argument("--overwrite", action="store_true",
                        help="write into a non-empty folder that holds no earlier report "
                             "(files with the report's names are replaced, nothing else)")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (exposed for tests and for ``--help`` text)."""
    from games.plan_commands import add_parsers as add_plan_parsers

    parser = _Parser(
        prog=PROG,
        description="Fine-motor therapy games for children, with progress reports for "
        "therapists. Without a command: play.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    from games.registry import load_activities

    activities = load_activities()
    play = sub.add_parser("play", help="start the games (the default)")
    _add_play_arguments(play, activities)
    play.set_defaults(handler=cmd_play)

    children = sub.add_parser("children", help="add, list, rename or delete children")
    children.set_defaults(handler=cmd_children)
    csub = children.add_subparsers(dest="children_command", metavar="ACTION",
                                   parser_class=_Parser)
    add = csub.add_parser("add", help="add a child")
    add.add_argument("nickname", metavar="NICKNAME",
                     help="what the child is called in the app (1 to 40 characters; quote it "
                     "if it has spaces)")
    add.add_argument("--picture", "--avatar", dest="avatar", metavar="NAME",
                     help=f"the child's picture, one of: {', '.join(AVATAR_NAMES)} "
                     "(default: the first one no child has yet)")
    _add_data_dir(add)
    lst = csub.add_parser("list", help="list the children (the default)")
    _add_data_dir(lst)
    ren = csub.add_parser("rename", help="give a child a new nickname")
    ren.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    ren.add_argument("nickname", metavar="NICKNAME", help="the new nickname (1 to 40 characters)")
    _add_data_dir(ren)
    dele = csub.add_parser("delete", help="delete a child and every file of that child")
    dele.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    dele.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    _add_data_dir(dele)
    # Also accepted before the action; its own dest, or the action's default would erase it.
    _add_data_dir(children, dest="parent_data_dir")
    add_plan_parsers(sub, csub, _add_data_dir)  # plan; children set|show

    _add_report_parser(sub)

    export = sub.add_parser(
        "export", help="write the checked data as Parquet for DuckDB, Spark or polars",
        description="Write the rows that passed the crc32 check as partitioned Parquet "
        "datasets (by activity and month) with a manifest.json. Run it again into the same "
        "folder to add only new or changed sessions.",
    )
    export.set_defaults(handler=cmd_export, quick_exit=True)
    _add_who(export, "no roster: no nicknames, pseudonymous child ids only")
    export.add_argument("--tables", metavar="LIST", default=None,
                        help="comma-separated tables: trials,metrics,samples,targets,sessions "
                        "(default: trials,metrics,sessions; samples are raw movement, the "
                        "most sensitive data)")
    export.add_argument("--format", metavar="FORMAT", default="parquet",
                        help="file format (parquet, the default and only one)")
    export.add_argument("--out", metavar="DIR", type=path_arg, required=True,
                        help="export folder (new, empty, or an earlier export to add to)")

    lvl = sub.add_parser(
        "level", help="show or pin a child's level in an activity (therapist setting)",
        description="Without LEVEL: show the child's levels. With a number: pin that level "
        "(the activity stops adapting it). With 'auto': let the activity adapt it again.",
    )
    lvl.set_defaults(handler=cmd_level)
    lvl.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    lvl.add_argument("level", metavar="LEVEL", nargs="?", type=_level_arg,
                     help="a level number to pin, or 'auto' to unpin")
    lvl.add_argument("--activity", metavar="NAME", default="tracing",
                     help="the activity (default: tracing)")
    lvl.add_argument("--item", metavar="ITEM", default=ALL_ITEMS,
                     help="one item, in any case: a shape, digit or letter, e.g. circle, 5 "
                          "(digit_5), B (upper_B) or b (lower_b); default: every item")
    _add_data_dir(lvl)

    cal = sub.add_parser(
        "calibrate", help="give the screen's physical width, so reports also show millimetres",
        description="Measure the width of the screen's lit picture area with a ruler, in "
        "millimetres, and give it here. Without WIDTH_MM: show the calibration; 'off' removes it.",
    )
    cal.set_defaults(handler=cmd_calibrate)
    cal.add_argument("width_mm", metavar="WIDTH_MM", nargs="?",
                     help="the screen's width in mm (e.g. 256), or 'off'")
    _add_data_dir(cal)

    demo = sub.add_parser("demo-data", help="write made-up children and sessions to try reports")
    demo.set_defaults(handler=cmd_demo_data)
    demo.add_argument("--children", metavar="N", default=6,
                      type=_at_most(MAX_DEMO_CHILDREN, "children"),
                      help=f"how many made-up children, 1 to {MAX_DEMO_CHILDREN} (default: 6)")
    demo.add_argument("--weeks", metavar="W", default=12, type=_at_most(MAX_DEMO_WEEKS, "weeks"),
                      help=f"weeks of made-up practice, 1 to {MAX_DEMO_WEEKS} (default: 12)")
    demo.add_argument("--seed", metavar="S", type=_int, default=0,
                      help="any whole number: the same seed writes the same data (default: 0)")
    demo.add_argument("--jobs", metavar="N", type=_at_most(64, "jobs"), default=None,
                      help="worker processes writing children at once (default: all cores); "
                           "the data are the same for any number")
    _add_data_dir(demo)
    # An activity adds its own subcommand through its Activity.cli hook (no edit here).
    for activity in activities:
        if activity.cli is not None:
            activity.cli(sub)
    return parser


def _add_play_arguments(play: argparse.ArgumentParser, activities: list[Any]) -> None:
    play.add_argument("--child", metavar="ID",
                      help="start with this child, skipping the pictures (nickname, id or id "
                           "prefix)")
    play.add_argument("--activity", metavar="NAME",
                      help=f"start this activity (needs --child): "
                           f"{', '.join(a.id for a in activities)}")
    ranges = ", ".join(f"{a.id} 1 to {a.levels}" for a in activities)
    play.add_argument("--level", metavar="N", type=_positive_int,
                      help=f"level to start at: {ranges}")
    _add_data_dir(play)
    screen = play.add_mutually_exclusive_group()
    screen.add_argument("--windowed", action="store_true", help="play in a window")
    screen.add_argument("--fullscreen", action="store_true",
                        help="play full screen (the default)")
    play.add_argument("--size", metavar="WxH", type=parse_size,
                      help="window size, e.g. 1280x800 (implies --windowed)")
    # For the start-up benchmark: print the time to the first presented frame and exit.
    play.add_argument("--exit-after-first-frame", action="store_true", help=argparse.SUPPRESS)


# -- entry point ----------------------------------------------------------------------------


def _known_data_dir(args: argparse.Namespace) -> Path | None:
    """The command's data folder, to name it in an error (None if it cannot be told)."""
    try:
        return _data_dir(args)
    except (UsageError, OSError, ImportError):
        return None


# Commands whose parser is built alone when they come first: a report is timed as a therapist
# runs it, and the whole parser (every command, every activity's hooks) costs about 30 ms.
_ALONE = {"report": _add_report_parser}


def parser_for(args: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``args``: the whole one, or for a command of ``_ALONE`` only that
    command's (its ``--help``, usage and errors read the same: they are the command's own)."""
    add = _ALONE.get(args[0]) if args else None
    if add is None:
        return build_parser()
    parser = _Parser(prog=PROG)
    add(parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = parser_for(args_list)
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list.insert(0, "play")  # `finemotor` and `finemotor --windowed` mean play
    args = parser.parse_args(args_list)
    try:
        code: int = args.handler(args)
        if code == 0 and getattr(args, "quick_exit", False):
            _batch_done[0] = True
        return code
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        # A folder that cannot be read or written: say which, in words, without a traceback.
        print(f"{PROG}: error: {describe_os_error(exc, _known_data_dir(args))}",
              file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


_batch_done = [False]  # a report or an export finished: every file written, synced, closed


def run() -> NoReturn:
    """The ``finemotor`` console script: :func:`main`, exiting with its code.

    After a report or an export has written, synced and closed every file, tearing the
    interpreter down (pandas' and numpy's modules and objects) costs about a tenth of a second
    and does nothing for the user: the process then ends as soon as its output is flushed
    (``os._exit``). Every other command, and any failure, exits the usual way.
    """
    code = main()
    if _batch_done[0]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
