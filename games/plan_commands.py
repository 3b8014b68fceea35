"""The ``plan`` and ``children set|show`` commands: parsers and handlers (see ``plan_cli``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from games.plan_cli import _on_off, add_goal_options, build_goal, parse_day, plan_set_changes
from telemetry.avatars import AVATAR_NAMES, check_avatar
from telemetry.errors import UsageError

SETTING_FLAGS = (  # option, profile key, parser
    ("--left-handed", "left_handed", _on_off),
    ("--strict", "strict", _on_off),
    ("--sound", "sound_on", _on_off),
    ("--minutes", "session_minutes", int),
    ("--mode", "mode", str),
    ("--assisted", "assisted_input", _on_off),
    ("--prompting", "prompting", str),
)


def add_parsers(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                children_sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                add_data_dir: Callable[..., None]) -> None:
    """Add ``plan`` to the top-level commands and ``set``/``show`` to ``children``."""
    from games.cli import CHILD_HELP
    from games.cli_names import path_arg

    plan = sub.add_parser("plan", help="show or change a child's plan and goals")
    plan.set_defaults(handler=cmd_plan)
    plan.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    add_data_dir(plan, "parent_data_dir")
    psub = plan.add_subparsers(dest="plan_command", metavar="ACTION", parser_class=type(plan))
    show = psub.add_parser("show", help="the plan and where each goal stands (the default)")
    show.add_argument("--as-of", metavar="DATE", help="evaluate the goals on this day")
    add_data_dir(show)
    pset = psub.add_parser("set", help="activities, sets, levels, minutes, sessions a week, review")
    pset.add_argument("--on", metavar="ACTIVITY", action="append", help="turn an activity on")
    pset.add_argument("--off", metavar="ACTIVITY", action="append", help="turn an activity off")
    pset.add_argument("--sets", metavar="ACTIVITY=A,B", action="append",
                      help="the sets or routines an activity plays (empty: all)")
    pset.add_argument("--start-level", metavar="ACTIVITY=N", action="append",
                      help="the level new items start at (auto: the activity adapts)")
    pset.add_argument("--minutes", metavar="N", type=int, help="minutes per session")
    pset.add_argument("--per-week", metavar="N", type=int, help="home sessions a week")
    pset.add_argument("--review", metavar="DATE", help="review date (YYYY-MM-DD, or none)")
    add_data_dir(pset)
    home = psub.add_parser("home", help="write the printable one-page home programme (HTML)")
    home.add_argument("--out", metavar="FILE", type=path_arg, required=True,
                      help="the HTML file to write (must not exist yet)")
    add_data_dir(home)
    goal = psub.add_parser("goal", help="add, edit or close a goal")
    add_data_dir(goal, "goal_data_dir")  # its own dest: the action's default must not erase it
    gsub = goal.add_subparsers(dest="goal_command", metavar="ACTION", required=True,
                               parser_class=type(plan))
    gadd = gsub.add_parser("add", help="add a measurable goal")
    add_goal_options(gadd)
    add_data_dir(gadd)
    gedit = gsub.add_parser("edit", help="change a goal (only the options given)")
    gedit.add_argument("goal_id", metavar="GOAL", help="the goal's id, e.g. g1 (see `plan ID`)")
    add_goal_options(gedit)
    add_data_dir(gedit)
    gclose = gsub.add_parser("close", help="close a goal (it stays in the history)")
    gclose.add_argument("goal_id", metavar="GOAL", help="the goal's id, e.g. g1 (see `plan ID`)")
    add_data_dir(gclose)

    cset = children_sub.add_parser("set", help="a child's details and own settings")
    cset.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    cset.add_argument("--birth", metavar="YYYY-MM", help="birth month and year (none: forget)")
    cset.add_argument("--hand", choices=("left", "right", "not-settled", "none"),
                      help="dominant hand")
    cset.add_argument("--picture", metavar="NAME",
                      help=f"the child's picture, one of: {', '.join(AVATAR_NAMES)}")
    for flag, _key, kind in SETTING_FLAGS:
        cset.add_argument(flag, type=kind, metavar="VALUE",
                          help=f"this child's {flag[2:]} setting")
    cshow = children_sub.add_parser("show", help="a child's details and own settings")
    cshow.add_argument("child_id", metavar="ID", help=CHILD_HELP)
    for leaf in (cset, cshow):
        leaf.set_defaults(handler=cmd_children_set)
        add_data_dir(leaf)


def _child(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from games.commands import _data_dir, resolve_child

    data = _data_dir(args)
    return data, resolve_child(data, args.child_id)


def cmd_plan(args: argparse.Namespace) -> int:
    """``finemotor plan ID [show|set|goal add|edit|close]``."""
    from games.registry import load_activities
    from telemetry.plan import load_plan, update_plan
    from telemetry.recorder import utc_now

    data, child = _child(args)
    action = args.plan_command or "show"
    today = utc_now().date()
    installed = [a.id for a in load_activities()]
    if action == "set":
        pf = update_plan(data, child.child_id, lambda p: plan_set_changes(p, args, installed))
        print(f"plan for {child.nickname}: {pf.history[-1].change if pf.history else 'no change'}")
        return 0
    if action == "goal":
        if args.goal_command == "add":
            def add(p):  # type: ignore[no-untyped-def]
                g = build_goal(args, p.next_goal_id(), today)
                return replace(p, goals=(*p.goals, g)), f"goal {g.goal_id} added: {g.describe()}"
            pf = update_plan(data, child.child_id, add)
        else:
            def edit(p):  # type: ignore[no-untyped-def]
                old = p.goal(args.goal_id)
                if args.goal_command == "close":
                    if old.closed is not None:
                        raise UsageError(f"goal {old.goal_id} is already closed")
                    new = replace(old, closed=today)
                    what = f"goal {old.goal_id} closed"
                else:
                    new = build_goal(args, old.goal_id, today, old=old)
                    what = f"goal {old.goal_id} changed: {new.describe()}"
                goals = tuple(new if g is old else g for g in p.goals)
                return replace(p, goals=goals), what
            pf = update_plan(data, child.child_id, edit)
        print(pf.history[-1].change)
        return 0
    if action == "home":
        return _write_home_programme(data, child, args.out, today)
    as_of = parse_day(args.as_of, "--as-of") if getattr(args, "as_of", None) else today
    print(show_plan(data, child, load_plan(data, child.child_id), as_of, installed))
    return 0


def show_plan(data, child, pf, as_of: date, installed: list[str]) -> str:  # type: ignore[no-untyped-def]
    """The plan in words, with each open goal's standing."""
    plan = pf.plan
    lines = [f"Plan for {child.nickname}"
             + (f" (since {pf.history[0].at[:10]}, {len(pf.history)} "
                f"change{'' if len(pf.history) == 1 else 's'})" if pf.history
                else " (nothing planned yet: every activity is on)")]
    acts = []
    for a in plan.planned_activities(installed):
        ap = plan.activities.get(a)
        extra = []
        if ap and ap.sets:
            extra.append("sets " + ", ".join(ap.sets))
        if ap and ap.level:
            extra.append(f"start level {ap.level}")
        acts.append(a + (f" ({'; '.join(extra)})" if extra else ""))
    lines.append(f"  activities: {', '.join(acts) or 'none'}")
    lines.append(f"  minutes per session: {plan.minutes or 'device setting'}")
    lines.append(f"  home sessions a week: {plan.home_sessions_per_week or 'not set'}")
    if plan.review_date:
        due = " (due)" if plan.review_date <= as_of else ""
        lines.append(f"  review: {plan.review_date.isoformat()}{due}")
    goals = plan.open_goals()
    if goals:
        from telemetry.goal_values import goal_status
        from telemetry.loader import load_dataset

        sessions = data / "sessions"
        played = sessions.is_dir() and any(p.is_dir() for p in sessions.iterdir())
        # Before any session (a plan written at the first visit) there is nothing to load.
        ds = load_dataset(data, child_ids=[child.child_id]) if played else None
        lines.append("Goals")
        for g in goals:
            lines.append(f"  {g.goal_id}  {g.describe()}")
            if ds is None:
                lines.append("      not yet: no sessions played yet")
                continue
            st = goal_status(g, ds.trials, ds.metrics, ds.sessions, as_of)
            lines.append("      " + status_words(st))
    closed = [g for g in plan.goals if g.closed is not None]
    if closed:
        lines.append("Closed goals: " + ", ".join(
            f"{g.goal_id} ({g.closed.isoformat()})" for g in closed if g.closed))
    return "\n".join(lines)


def status_words(st) -> str:  # type: ignore[no-untyped-def]
    """'met on 2026-11-20' / 'progressing: baseline 0.62, now 0.78, 2 of the last 3 reach it'."""
    text = f"met on {st.met_on.isoformat()}" if st.status == "met" and st.met_on else st.status
    if st.baseline is not None and st.current is not None:
        unit = "weeks" if st.goal.is_practice else "sessions"
        text += (f": baseline {st.baseline:.3g}, now {st.current:.3g}, {st.passing_in_window} of"
                 f" the last {min(st.goal.window, st.values)} {unit} reach it")
    if st.gas_level is not None:
        text += f"; GAS level {st.gas_level:+d}"
    return text


def cmd_children_set(args: argparse.Namespace) -> int:
    """``finemotor children set ID [--birth] [--hand] [settings...]`` and ``children show``."""
    from telemetry.children import ChildrenRegistry
    from telemetry.profile import check_birth_month, load_profile, update_profile
    from telemetry.recorder import utc_now

    data, child = _child(args)
    if args.children_command == "show":
        prof = load_profile(data, child.child_id)
        print(f"{child.nickname} ({child.child_id})")
        print(f"  birth month: {prof.birth_month or 'not given'}")
        print(f"  hand: {prof.hand or 'not given'}")
        for _flag, key, _kind in SETTING_FLAGS:
            value = prof.settings.get(key)
            shown = "device setting" if value is None else (
                ("on" if value else "off") if isinstance(value, bool) else value)
            print(f"  {key}: {shown}")
        return 0
    if args.picture is not None:  # checked before anything is written
        check_avatar(args.picture)
    clear: list[str] = []
    birth = None
    if args.birth is not None:
        if args.birth == "none":
            clear.append("birth_month")
        else:
            birth = check_birth_month(args.birth, utc_now().date())
    hand = None
    if args.hand == "none":
        clear.append("hand")
    elif args.hand is not None:
        hand = args.hand.replace("-", " ")
    settings = {key: getattr(args, flag[2:].replace("-", "_")) for flag, key, _ in SETTING_FLAGS
                if getattr(args, flag[2:].replace("-", "_")) is not None}
    update_profile(data, child.child_id, birth_month=birth, hand=hand, settings=settings,
                   clear=tuple(clear))
    if args.picture is not None:
        ChildrenRegistry(data).set_avatar(child.child_id, args.picture)
    print(f"saved {child.nickname}'s details")
    return 0


def _write_home_programme(data: Path, child, out: Path, today: date) -> int:  # type: ignore[no-untyped-def]
    """Write the home programme page to ``out`` (owner-only; never over an existing file)."""
    from games.cli_names import check_outside_data
    from games.home_programme import render_home_programme
    from games.registry import load_activities
    from games.settings_store import load_settings
    from telemetry.plan import load_plan
    from telemetry.profile import load_profile
    from telemetry.storage import atomic_write_bytes

    out = out.expanduser()
    check_outside_data(out, data, "the home programme")
    if out.exists():
        raise UsageError(f"{out} already exists: give a new file name (finemotor never "
                         "overwrites a file it did not write)")
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist")
    profile = load_profile(data, child.child_id)
    device, _mode = load_settings(data)
    minutes = profile.settings.get("session_minutes", device.session_minutes)
    page = render_home_programme(child.nickname, load_plan(data, child.child_id).plan,
                                 load_activities(), profile, today, minutes)
    atomic_write_bytes(out, page.encode("utf-8"))
    print(f"home programme for {child.nickname} written to {out}")
    return 0
