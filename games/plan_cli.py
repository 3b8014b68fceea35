"""``finemotor plan`` and ``finemotor children set|show``: a child's details, plan and goals.

The therapist's side of the therapy cycle on the command line: show the plan with where each
goal stands, turn activities on or off, set minutes, home sessions a week and the review date,
and add, edit or close measurable goals. Every mistake is one line naming what was wrong
(a metric that does not exist, a threshold out of range, an activity not installed).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import replace
from datetime import date
from typing import Any

from games.registry import Activity, find_activity, load_activities
from telemetry.errors import UsageError
from telemetry.goals import PRACTICE_METRICS, Goal

# Metrics every activity has (trials.csv columns), with their range; ``level`` is 1..levels.
TRIAL_METRICS: dict[str, tuple[str, float, float]] = {
    "accuracy": ("0..1", 0.0, 1.0),
    "errors": ("count", 0.0, math.inf),
    "duration_s": ("s", 0.0, math.inf),
    "level": ("level", 1.0, math.inf),
}
PRACTICE_RANGES: dict[str, tuple[str, float, float]] = {
    "sessions_per_week": ("sessions", 0.0, 14.0),
    "home_sessions_per_week": ("sessions", 0.0, 14.0),
    "minutes_per_week": ("minutes", 0.0, 7 * 24 * 60.0),
}


def goal_metrics(activity: Activity) -> dict[str, tuple[str, float, float]]:
    """Every metric a goal on ``activity`` can name: name -> (unit, lowest, highest)."""
    metrics = {**TRIAL_METRICS, **activity.goal_metrics}
    metrics["level"] = ("level", 1.0, float(activity.levels))
    return metrics


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD date, or a one-line error naming ``what``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} must be a date like 2027-03-01, got {text!r}") from None


def _on_off(text: str) -> bool:
    value = text.strip().lower()
    if value in ("on", "yes", "true", "1"):
        return True
    if value in ("off", "no", "false", "0"):
        return False
    raise argparse.ArgumentTypeError(f"use on or off, not {text!r}")


def _rule(args: argparse.Namespace) -> tuple[int, int]:
    """(window, needed) from --in-a-row N or --k-of-n K/N (default 3 in a row)."""
    if args.k_of_n:
        try:
            k_text, n_text = args.k_of_n.split("/")
            k, n = int(k_text), int(n_text)
        except ValueError:
            raise UsageError(f"--k-of-n takes K/N, e.g. 3/5, got {args.k_of_n!r}") from None
        if not 1 <= k <= n <= 50:
            raise UsageError(f"--k-of-n needs 1 <= K <= N <= 50, got {k}/{n}")
        return n, k
    n = args.in_a_row if args.in_a_row is not None else 3
    if not 1 <= n <= 50:
        raise UsageError(f"--in-a-row takes 1 to 50, got {n}")
    return n, n


def build_goal(args: argparse.Namespace, goal_id: str, today: date,
               old: Goal | None = None) -> Goal:
    """The goal the options describe (on top of ``old`` when editing), checked."""
    activity_id = args.activity or (old.activity if old else None)
    metric = args.metric or (old.metric if old else None)
    if metric is None:
        raise UsageError("a goal needs --metric (e.g. accuracy, duration_s, sessions_per_week)")
    if metric in PRACTICE_METRICS:
        activity_id, ranges = "*", PRACTICE_RANGES[metric]
    else:
        if activity_id is None or activity_id == "*":
            raise UsageError(f"a goal on {metric} needs --activity (installed: "
                             f"{', '.join(a.id for a in load_activities())})")
        activity = find_activity(activity_id)
        activity_id = activity.id  # as typed in any case: stored as the activity's id
        known = goal_metrics(activity)
        if metric not in known:
            raise UsageError(f"{activity.id} has no metric {metric!r} (goals can use: "
                             f"{', '.join(sorted(known))}, or {', '.join(PRACTICE_METRICS)})")
        ranges = known[metric]
        if args.level_from is not None and not 1 <= args.level_from <= activity.levels:
            raise UsageError(f"--level-from takes a {activity.id} level, 1 to "
                             f"{activity.levels}, got {args.level_from}")
        if args.item:
            from games.cli_names import find_item

            args.item = find_item(activity, args.item)  # any case; "did you mean" if unknown
    if args.at_least is not None and args.at_most is not None:
        raise UsageError("give --at-least or --at-most, not both")
    if args.at_least is not None:
        op, threshold = ">=", args.at_least
    elif args.at_most is not None:
        op, threshold = "<=", args.at_most
    elif old is not None:
        op, threshold = old.op, old.threshold
    else:
        raise UsageError("a goal needs a threshold: --at-least X or --at-most X")
    unit, low, high = ranges
    if not low <= threshold <= high:
        raise UsageError(f"{metric} is {unit}: the threshold must be between {low:g} and "
                         f"{high:g}, got {threshold:g}")
    window, needed = (_rule(args) if (args.in_a_row is not None or args.k_of_n or not old)
                      else (old.window, old.needed))
    target = parse_day(args.by, "--by") if args.by else (old.target_date if old else None)
    gas: Any = old.gas if old else None
    if args.gas:
        try:
            gas = tuple(float(x) for x in args.gas.split(","))
        except ValueError:
            raise UsageError(f"--gas takes five numbers for -2,-1,0,+1,+2, got {args.gas!r}") \
                from None
    try:
        return Goal(
            goal_id=goal_id, activity=activity_id, metric=metric, op=op, threshold=threshold,
            window=window, needed=needed,
            item=(args.item or (old.item if old else "*")) if activity_id != "*" else "*",
            min_level=args.level_from if args.level_from is not None else (
                old.min_level if old else None),
            agg="best" if args.best else (old.agg if old else "median"),
            unit="" if metric in TRIAL_METRICS or metric in PRACTICE_METRICS else unit,
            target_date=target, gas=gas, created=old.created if old else today,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def add_goal_options(p: argparse.ArgumentParser) -> None:
    """The options that describe a goal (shared by ``goal add`` and ``goal edit``)."""
    p.add_argument("--activity", metavar="NAME", help="the activity the goal is about")
    p.add_argument("--item", metavar="ITEM",
                   help="one item (shape, routine...); default every item")
    p.add_argument("--metric", metavar="NAME",
                   help="accuracy, errors, duration_s, level, an activity's own metric, or "
                        "sessions_per_week / home_sessions_per_week / minutes_per_week")
    p.add_argument("--at-least", metavar="X", type=float, help="met when the figure is >= X")
    p.add_argument("--at-most", metavar="X", type=float, help="met when the figure is <= X")
    p.add_argument("--level-from", metavar="N", type=int,
                   help="only trials at level N or above count")
    p.add_argument("--best", action="store_true",
                   help="a session's figure is its best trial (default: the median trial)")
    p.add_argument("--in-a-row", metavar="N", type=int,
                   help="met after N sessions (weeks for practice goals) in a row (default 3)")
    p.add_argument("--k-of-n", metavar="K/N", help="met when K of the last N sessions reach it")
    p.add_argument("--by", metavar="DATE", help="target date (YYYY-MM-DD)")
    p.add_argument("--gas", metavar="A,B,C,D,E",
                   help="Goal Attainment Scaling: the figure for levels -2,-1,0,+1,+2")


def plan_set_changes(plan: Any, args: argparse.Namespace, installed: list[str]) -> tuple[Any, str]:
    """The plan after ``plan set`` options, and the change in words."""
    from telemetry.plan import MAX_MINUTES, MAX_SESSIONS_PER_WEEK, ActivityPlan

    words: list[str] = []
    acts = dict(plan.activities)
    if not acts and args.off and not args.on:
        # A plan naming no activity plays them all: "--off X" keeps the others on...
        acts = {a: ActivityPlan() for a in installed}
    elif not acts and args.on:
        # ...while a first "--on X" writes the plan as "X" (the others are not planned).
        acts = {a: ActivityPlan(on=False) for a in installed}
    for name in args.on or ():
        name = find_activity(name).id
        acts[name] = replace(acts.get(name, ActivityPlan()), on=True)
        words.append(f"{name} on")
    for name in args.off or ():
        name = find_activity(name).id
        acts[name] = replace(acts.get(name, ActivityPlan()), on=False)
        words.append(f"{name} off")
    for spec in args.sets or ():
        name, _, sets = spec.partition("=")
        name = find_activity(name).id
        chosen = tuple(s for s in sets.split(",") if s)
        acts[name] = replace(acts.get(name, ActivityPlan()), sets=chosen)
        words.append(f"{name} sets {', '.join(chosen) or 'all'}")
    for spec in args.start_level or ():
        name, _, text = spec.partition("=")
        activity = find_activity(name)
        name = activity.id
        level = None if text == "auto" else int(text) if text.isdigit() else -1
        if level is not None and not 1 <= level <= activity.levels:
            raise UsageError(f"{name} levels are 1 to {activity.levels} or auto, got {text!r}")
        acts[name] = replace(acts.get(name, ActivityPlan()), level=level)
        words.append(f"{name} start level {text}")
    changes: dict[str, Any] = {"activities": acts}
    if args.minutes is not None:
        if not 1 <= args.minutes <= MAX_MINUTES:
            raise UsageError(f"minutes per session must be 1 to {MAX_MINUTES}, got {args.minutes}")
        changes["minutes"] = args.minutes
        words.append(f"{args.minutes} minutes per session")
    if args.per_week is not None:
        if not 0 <= args.per_week <= MAX_SESSIONS_PER_WEEK:
            raise UsageError(f"home sessions a week must be 0 to {MAX_SESSIONS_PER_WEEK}, "
                             f"got {args.per_week}")
        changes["home_sessions_per_week"] = args.per_week
        words.append(f"{args.per_week} home sessions a week")
    if args.review is not None:
        changes["review_date"] = None if args.review == "none" else parse_day(args.review,
                                                                              "--review")
        words.append(f"review {args.review}")
    return replace(plan, **changes), "; ".join(words) or "no change"
