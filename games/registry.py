"""The activity registry: the one list the launcher and the CLI read to know what can be played.

Each game package registers itself by exposing ``ACTIVITY`` (an :class:`Activity`) in its
``__init__`` or by calling :func:`register`. :func:`load_activities` imports the packages in
:data:`ACTIVITY_PACKAGES` and returns the activities that registered, in that order; a package
without an activity yet is skipped (the launcher never shows a placeholder tile).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telemetry.errors import UsageError

if TYPE_CHECKING:
    import pygame

    from engine.scene import Scene

ACTIVITY_PACKAGES: tuple[str, ...] = ("games.tracing", "games.pinch", "games.sequencing")


@dataclass(frozen=True)
class Activity:
    """One playable activity.

    ``id`` is what telemetry stores in the ``activity`` column and what ``--activity`` takes;
    ``draw_icon(surface, rect)`` draws its tile picture (pure function of the rect, it is
    cached); ``levels`` is the number of levels (1..levels); ``make_scene(app, child_id, level)``
    builds the scene to push.

    Activities that adapt their level per child also give the grown-up side its levels:
    ``items()`` lists the item ids a level can be pinned for (shapes, letters...);
    ``read_levels(data_dir, child_id)`` returns ``{item: (level, pinned)}`` for the items the
    child has played or that are pinned (``"*"`` stands for every item); ``pin_level(data_dir,
    child_id, item, level_or_None)`` pins an item (``"*"``: every item) or, with None, hands
    it back to the activity's own adaptation.
    """

    id: str
    title: str
    draw_icon: Callable[[pygame.Surface, pygame.Rect], None]
    levels: int
    make_scene: Callable[[Any, str, int], Scene]
    items: Callable[[], list[str]] | None = None
    read_levels: Callable[[Path, str], dict[str, tuple[int, bool]]] | None = None
    pin_level: Callable[[Path, str, str, int | None], Any] | None = None

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"activity id must be letters, digits, '-' or '_', got {self.id!r}")
        if self.levels < 1:
            raise ValueError(f"activity {self.id!r} needs at least 1 level, got {self.levels}")


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
    """The activity with ``activity_id``; a :class:`UsageError` listing the known ones if none."""
    pool = load_activities() if activities is None else activities
    for activity in pool:
        if activity.id == activity_id:
            return activity
    known = ", ".join(a.id for a in pool) if pool else "none installed yet"
    raise UsageError(f"unknown activity {activity_id!r} (known: {known})")
