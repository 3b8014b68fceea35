"""The ``finemotor`` subcommands: one ``cmd_*`` function per command (the parser is in
``games/cli.py``).

Each handler takes the parsed ``argparse.Namespace`` and returns the exit code; a person's
mistake is raised as ``UsageError`` (``main`` prints it as one line, exit 2). Heavy modules are
imported inside the handlers: ``play`` never imports pandas or matplotlib, ``children`` never
imports pygame.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from games.cli_names import (
    check_outside_data,
    find_item,
    resolve_child,
    resolve_child_id,
    resolve_child_ids,
)
from telemetry.avatars import AVATAR_NAMES  # noqa: F401  (re-exported: the one list of pictures)
from telemetry.errors import UsageError

__all__ = ["resolve_child"]  # the one child resolver (games/cli_names.py), for every command

PROG = "finemotor"
EXIT_USAGE = 2
EXIT_FAILURE = 1

AUTO = 0  # the LEVEL argument 'auto': unpin
ALL_ITEMS = "*"


def _data_dir(args: argparse.Namespace) -> Path:
    """The data folder from ``--data-dir``, ``$FINEMOTOR_DATA`` or the platform default; a path
    that is a file is a usage error (one line), not an OSError deep in the recorder."""
    source = "--data-dir"
    path = None
    for name in ("data_dir", "goal_data_dir", "parent_data_dir"):
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


def cmd_children(args: argparse.Namespace) -> int:
    """``finemotor children add|list|rename|delete``."""
    from telemetry.children import ChildrenRegistry

    roster = ChildrenRegistry(_data_dir(args))
    action = args.children_command or "list"
    if action == "add":
        from telemetry.avatars import check_avatar

        # Unknown pictures are refused before anything is read or written; none given: the
        # roster gives the first picture nobody has (under its lock).
        avatar = "" if args.avatar is None else check_avatar(args.avatar)
        twins = roster.same_nickname(args.nickname)
        child = roster.add(args.nickname, avatar)
        print(f"added {child.nickname} ({child.avatar}): {child.child_id}")
        if twins:
            others = ", ".join(f"{c.nickname} ({c.child_id[:8]}, {c.avatar})" for c in twins)
            print(f"{PROG}: warning: another child is called {child.nickname} too: {others}",
                  file=sys.stderr)
    elif action == "list":
        children = roster.list()
        if not children:
            print(f"no children yet: add one with `{PROG} children add NICKNAME`")
            return 0
        width = max(len("NICKNAME"), *(len(c.nickname) for c in children))
        pic = max(len("AVATAR"), *(len(c.avatar) for c in children))  # "butterfly" is 9
        print(f"{'ID':<32}  {'NICKNAME':<{width}}  {'AVATAR':<{pic}}  ADDED")
        for c in children:
            print(f"{c.child_id:<32}  {c.nickname:<{width}}  {c.avatar:<{pic}}  "
                  f"{c.created_at[:10]}")
    elif action == "rename":
        old = resolve_child(roster.data_dir, args.child_id)
        child = roster.rename(old.child_id, args.nickname)
        print(f"renamed {old.nickname} ({child.child_id}) to {child.nickname}")
    elif action == "delete":
        # An unknown name says so, rather than asking to confirm; a whole id with files but
        # no roster row (copied from another device) can be deleted too.
        child_id = resolve_child_id(roster.data_dir, args.child_id)
        named = {c.child_id: c.nickname for c in roster.list()}.get(child_id)
        who = f"{named} ({child_id})" if named else f"child {child_id}"
        if not args.yes:
            raise UsageError(
                f"deleting {who} removes all of their sessions and cannot be undone; "
                "add --yes to confirm"
            )
        roster.delete(child_id)
        print(f"deleted {who} and all of their files")
    return 0


# -- level pinning ------------------------------------------------------------------------


def cmd_level(args: argparse.Namespace) -> int:
    """``finemotor level ID [LEVEL|auto] [--activity NAME] [--item ITEM]``."""
    from games.registry import find_activity

    data_dir = _data_dir(args)
    child = resolve_child(data_dir, args.child_id)
    activity = find_activity(args.activity)
    if activity.pin_level is None or activity.read_levels is None:
        raise UsageError(f"{activity.id} has no per-child levels to pin")
    item = find_item(activity, args.item)
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
    from games.settings_store import load_settings, settings_path, update_settings

    data_dir = _data_dir(args)

    def set_width(width: float | None) -> None:
        # Only this field, read-modify-written under the lock: a running game's change of
        # another setting meanwhile is kept.
        def change(stored: Settings, stored_mode: str) -> tuple[Settings, str]:
            stored.screen_width_mm = width
            return stored, stored_mode

        update_settings(data_dir, change)

    settings, mode = load_settings(data_dir)
    if args.width_mm is None:
        if settings.screen_width_mm is None:
            print("not calibrated: figures are in screen pixels only "
                  f"(set it with `{PROG} calibrate WIDTH_MM`)")
        else:
            print(f"screen width: {settings.screen_width_mm:g} mm")
        return 0
    if args.width_mm.strip().lower() == "off":
        set_width(None)
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
    set_width(checked)
    print(f"screen width set to {checked:g} mm (saved in {settings_path(data_dir)})")
    return 0


# -- report / demo data ---------------------------------------------------------------------


def _progress_wanted() -> bool:
    """Draw the progress bar only on a terminal: redirected to a log, its ``\r`` redraws are
    noise."""
    return sys.stderr.isatty()


def cmd_report(args: argparse.Namespace) -> int:
    """``finemotor report``: the HTML reports and CSV summaries (imports pandas, lazily)."""
    from telemetry import summary_ahead

    data_dir = _data_dir(args)
    check_outside_data(args.out, data_dir)
    child_ids = resolve_child_ids(data_dir, args.child_ids)
    # The folders' keys and the caches' checks on the other core while pandas imports.
    summary_ahead.start(data_dir, child_ids, args.since, args.until)
    try:
        from games.reporting import build_reports

        result = build_reports(
            data_dir,
            args.out,
            child_ids=child_ids,
            all_children=args.all_children,
            since=args.since,
            until=args.until,
            anonymize=args.anonymize,
            progress=_progress_wanted(),
            overwrite=getattr(args, "overwrite", False),
        )
    finally:
        summary_ahead.discard()
    index = getattr(result, "index", None)
    print(f"report written: {index if index is not None else args.out} (open it in a browser)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """``finemotor export``: checked rows as Parquet for DuckDB, Spark, polars (lazy imports)."""
    from telemetry.export import export_dataset

    data_dir = _data_dir(args)
    result = export_dataset(
        data_dir,
        args.out,
        child_ids=resolve_child_ids(data_dir, args.child_ids),
        all_children=args.all_children,
        since=args.since,
        until=args.until,
        anonymize=args.anonymize,
        tables=args.tables,
        fmt=args.format,
    )
    m = result.manifest
    rows = ", ".join(f"{t['rows']} {name}" for name, t in m["tables"].items())
    print(
        f"export written: {result.out_dir} ({result.sessions_added} sessions added, "
        f"{result.sessions_replaced} replaced, {result.sessions_unchanged} unchanged; "
        f"now {m['sessions']} sessions: {rows}; see manifest.json)"
    )
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    """``finemotor demo-data``: made-up children and sessions (imports numpy, lazily); Ctrl-C
    stops after the session being written and says what was kept (exit code 130)."""
    from games.demo_data import DemoInterrupted, write_demo_data

    data_dir = _data_dir(args)
    try:
        result = write_demo_data(data_dir, children=args.children, weeks=args.weeks,
                                 seed=args.seed, progress=_progress_wanted(),
                                 jobs=args.jobs or os.cpu_count() or 1)
    except DemoInterrupted as stopped:
        print(f"\n{PROG}: {stopped}", file=sys.stderr)
        return 130
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
    elif args.level is not None and all(args.level > a.levels for a in activities):
        ranges = ", ".join(f"{a.id} 1 to {a.levels}" for a in activities)
        raise UsageError(f"level {args.level} is out of range for every activity ({ranges})")
    child_id = None if args.child is None else resolve_child(data_dir, args.child).child_id
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
        launcher.start(child_id, activity, args.level)
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
