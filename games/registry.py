"""The activity registry: the one list the launcher and the CLI read to know what can be played.

Each game package registers itself by exposing ``ACTIVITY`` (an :class:`Activity`, the kit's
contract in :mod:`games.kit.activity`, re-exported here) in its
``__init__`` or by calling :func:`register`. :func:`load_activities` imports the packages in
:data:`ACTIVITY_PACKAGES` and returns the activities that registered, in that order; a package
without an activity yet is skipped (the launcher never shows a placeholder tile).
"""

from __future__ import annotations

import importlib

from games.kit.activity import Activity
from telemetry.errors import UsageError

__all__ = ["ACTIVITY_PACKAGES", "Activity", "find_activity", "load_activities", "register",
           "unregister"]

ACTIVITY_PACKAGES: tuple[str, ...] = ("games.tracing", "games.pinch", "games.sequencing")


_registered: dict[str, Activity] = {}


def register(activity: Activity) -> Activity:
    """Add ``activity`` (or replace the one with the same id); returns it, so it can decorate."""
    _registered[activity.id] = activity
    return activity


def unregister(activity_id: str) -> None:
    """Remove a registered activity (tests use this to clean up)."""
    _registered.pop(activity_id, None)


def load_activities(packages: tuple[str, ...] | None = None) -> list[Activity]:
    """Import the activity packages and return every registered activity, in package order.

    A package's ``ACTIVITY`` comes first, then activities registered with :func:`register`
    that no package exposes (in registration order). Ids are unique: the first one wins.
    """
    found: dict[str, Activity] = {}
    for name in ACTIVITY_PACKAGES if packages is None else packages:
        module = importlib.import_module(name)
        activity = getattr(module, "ACTIVITY", None)
        if isinstance(activity, Activity) and activity.id not in found:
            found[activity.id] = activity
    for activity in _registered.values():
        found.setdefault(activity.id, activity)
    return list(found.values())


def find_activity(activity_id: str, activities: list[Activity] | None = None) -> Activity:
    """The activity with ``activity_id`` (in any case); a :class:`UsageError` with a "did you
    mean" and the known ones if none."""
    pool = load_activities() if activities is None else activities
    for activity in pool:
        if activity.id == activity_id:
            return activity
    if not pool:
        raise UsageError(f"unknown activity {activity_id!r} (known: none installed yet)")
    from games.cli_names import match_name

    # In any case ("Tracing"); else a "did you mean" and the installed ones.
    wanted = match_name(activity_id, [a.id for a in pool], "activity")
    return next(a for a in pool if a.id == wanted)
