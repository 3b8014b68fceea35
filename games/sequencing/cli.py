"""``finemotor routines add | list | show | delete | choose``: sequencing's own subcommand.

Added to the shared parser through the Activity's ``cli(subparsers)`` hook; a person's mistake
raises :class:`UsageError` (one line, exit 2).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from telemetry.errors import UsageError


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        path = Path(args.data_dir).expanduser()
    else:
        from telemetry.storage import default_data_dir

        path = default_data_dir()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--data-dir is a file, not a folder: {path}")
    return path


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")[:40] or "routine"


def cmd_routines(args: argparse.Namespace) -> int:
    """Run ``finemotor routines ...``; returns the exit code."""
    from games.sequencing import custom

    data_dir = _data_dir(args)
    action = args.routines_action or "list"
    if action == "add":
        rid = args.id or _slug(Path(args.file).stem)
        routine = custom.add_routine(data_dir, Path(args.file), args.photos, rid)
        print(f"routine {routine.id!r} added: {len(routine.steps)} steps ({routine.title})")
    elif action == "list":
        routines = custom.all_routines(data_dir)
        for r in routines:
            kind = "custom" if r.custom else "built-in"
            print(f"{r.id:<16} {len(r.steps)} steps  {kind:<8}  {r.title}")
        for problem in custom.custom_routines(data_dir)[1]:
            print(f"(not playable) {problem}")
    elif action == "show":
        r = custom.find_routine(data_dir, _routine_id(data_dir, args.routine))
        print(f"{r.title} ({r.id}, {'custom' if r.custom else 'built-in'})")
        for i, s in enumerate(r.steps, 1):
            print(f"  {i}. {s.id}: {s.label}  [{s.picture}]")
        order = ", ".join(f"{a} before {b}" for a, b in r.before)
        print(f"  order: {order}")
        orders = _count_orders(r)
        print(f"  {orders} order{'s' if orders != 1 else ''} accepted")
    elif action == "delete":
        rid = args.routine
        if not (custom.routines_dir(data_dir) / rid).is_dir():
            rid = _routine_id(data_dir, rid)  # any case; a built-in one is refused below
        left = custom.delete_routine(data_dir, rid)
        print(f"routine {rid!r} deleted")
        if left:
            print(f"left in its folder (not written by finemotor): {', '.join(left)}")
    else:
        return _choose(args, data_dir)
    return 0


def _routine_id(data_dir: Path, text: str) -> str:
    """The routine id ``text`` names, in any case; else a "did you mean" and the ids."""
    from games.cli_names import match_name
    from games.sequencing import custom

    return match_name(text, [r.id for r in custom.all_routines(data_dir)], "routine")


def _count_orders(routine: object) -> int:
    from games.sequencing.score import Order

    r = routine
    return len(Order.from_pairs(r.step_ids, r.before).valid_orders())  # type: ignore[attr-defined]


def _choose(args: argparse.Namespace, data_dir: Path) -> int:
    from games.cli_names import resolve_child
    from games.sequencing import custom

    if args.all and args.routine:
        raise UsageError("give routine ids or --all, not both")
    child = resolve_child(data_dir, args.child)
    changes: dict[str, object] = {}
    if args.all:
        changes["routines"] = []
    elif args.routine:
        changes["routines"] = list(dict.fromkeys(_routine_id(data_dir, r) for r in args.routine))
    if args.prompting is not None:
        changes["prompting"] = args.prompting
    if args.input is not None:
        changes["input"] = args.input
    if changes:
        custom.update_child_settings(data_dir, child.child_id, **changes)
    now = custom.child_settings(data_dir, child.child_id)
    chosen = now["routines"]
    print(f"{child.nickname} plays: {', '.join(chosen) if chosen else 'every routine'}"  # type: ignore[arg-type]
          f"; prompting: {now['prompting']}; input: {now['input']}")
    return 0


def add_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add ``routines`` and its actions to the shared ``finemotor`` parser."""
    from games.cli_names import path_arg

    def data(p: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
        # SUPPRESS on the actions: their default must not hide a --data-dir given before them
        p.add_argument("--data-dir", metavar="DIR", type=path_arg, default=default,
                       help="the data folder (default: $FINEMOTOR_DATA or the usual place)")

    top = subparsers.add_parser("routines", help="sequencing routines: add your own photos")
    top.set_defaults(handler=cmd_routines, routines_action=None)
    data(top, None)
    sub = top.add_subparsers(dest="routines_action", parser_class=type(top))
    add = sub.add_parser("add", help="add a routine from a text file and a folder of photos")
    add.add_argument("file", type=path_arg, help="the routine file (title:, step:, before: lines)")
    add.add_argument("--photos", type=path_arg, default=None,
                     help="the folder with the photos (default: the file's folder)")
    add.add_argument("--id", default=None, help="the routine's id (default: from the file name)")
    data(add)
    lst = sub.add_parser("list", help="list the routines (the default)")
    data(lst)
    show = sub.add_parser("show", help="show a routine's steps and order")
    show.add_argument("routine", help="the routine's id, in any case (see `routines list`)")
    data(show)
    delete = sub.add_parser("delete", help="delete a custom routine and its photos")
    delete.add_argument("routine", help="the custom routine's id, in any case")
    data(delete)
    choose = sub.add_parser("choose", help="choose what a child plays (routines, prompting)")
    choose.add_argument("child", help="the child: nickname, id or id prefix")
    # Not a mutually exclusive group: argparse cannot parse one holding a positional
    # intermixed (`choose Ada --prompting none bath`); _choose refuses both instead.
    choose.add_argument("routine", nargs="*", default=[],
                        help="routine ids, in any case (none: show what the child plays)")
    choose.add_argument("--all", action="store_true",
                        help="play every routine again (not with routine ids)")
    choose.add_argument("--prompting", choices=("errorless", "after-error", "none"),
                        help="errorless: the right slot glows when a card is picked; "
                        "after-error: it glows after a mistake; none")
    choose.add_argument("--input", choices=("drag", "tap"),
                        help="tap: tap a card, then a slot (recorded as assisted)")
    data(choose)
