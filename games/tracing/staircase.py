"""Tracing levels and the per-child, per-shape 2-up/1-down staircase (pure Python, no pygame).

Levels grade three things at once: the road's width (the tolerance band), the model's size and
how much guide is shown. Level 3 is the first "narrow road" (the milestone rule in
``telemetry/milestones.py`` counts accuracy at level 3 or above).

The staircase (Levitt's transformed up-down method): two successes in a row move the child one
level up, one miss moves one level down. It converges where P(success)^2 = 0.5, i.e. about 71 %
success, so the child keeps succeeding most of the time while still being stretched. Each shape
has its own staircase. A therapist can pin a level per shape (or for every shape with ``"*"``):
the pinned level is played and the staircase keeps counting but does not move the level.

A shape is *mastered* (:meth:`TracingProgress.is_mastered`) once the child made it twice in a
row at the top level (``MAX_LEVEL``: the narrowest road, thin line only), i.e. where the
staircase would move the child up if there were a level above. A miss at the top level takes
it away again (the staircase also drops the shape a level then). Mastery only chooses where a
set of shapes starts (``games/tracing/sets.py``): every shape stays playable.

The staircase itself is the kit's (:mod:`games.kit.staircase`, any number of levels, an
injected success rule); this module gives it tracing's six levels and success rule. State is a
small JSON document per child: ``<data>/children/<child_id>/tracing.json``
(:mod:`games.kit.progress`), written atomically with owner-only permissions.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from games.kit.progress import ProgressFile
from games.kit.staircase import (
    ALL_ITEMS,
    ItemState,
    Staircase,
    SuccessRule,
    TrialOutcome,
)

SUCCESS_ACCURACY = 0.8  # a trial counts as a success at this time-weighted accuracy or more
ALL_SHAPES = ALL_ITEMS


@dataclass(frozen=True)
class Level:
    """One difficulty level of the tracing activity."""

    number: int
    tolerance_px: float  # half-width of the road, logical px
    size_px: float  # side of the glyph box, logical px
    arrows: bool  # direction arrows along the strokes
    stroke_numbers: bool  # numbered start dots for multi-stroke glyphs
    road: bool  # the road is drawn (at higher levels only a thin model line)


LEVELS: tuple[Level, ...] = (
    Level(1, 48.0, 600.0, True, True, True),
    Level(2, 38.0, 580.0, True, True, True),
    Level(3, 30.0, 540.0, True, True, True),
    Level(4, 24.0, 500.0, True, False, True),
    Level(5, 18.0, 460.0, False, False, True),
    Level(6, 14.0, 420.0, False, False, False),
)
MIN_LEVEL = 1
MAX_LEVEL = len(LEVELS)


def level(number: int) -> Level:
    """The level with this number (clamped into 1..MAX_LEVEL)."""
    return LEVELS[min(MAX_LEVEL, max(MIN_LEVEL, int(number))) - 1]


def is_success(accuracy: float, completed: bool, formation_ok: bool = True,
               strict: bool = False) -> bool:
    """Whether a trial counts as a success for the staircase.

    Completed with accuracy of at least ``SUCCESS_ACCURACY``; in strict mode the formation
    (start point, direction, stroke order) must also be right.
    """
    if not completed or accuracy != accuracy:
        return False
    return accuracy >= SUCCESS_ACCURACY and (formation_ok or not strict)


def tracing_success(outcome: TrialOutcome) -> bool:
    """Tracing's success rule for the kit's staircase (see :func:`is_success`)."""
    return is_success(outcome.accuracy, outcome.completed, outcome.form_ok, outcome.strict)


ShapeState = ItemState  # one shape's staircase (the kit's per-item state)


@dataclass
class TracingProgress(Staircase):
    """A child's tracing progress: the kit's staircase over tracing's six levels, one per
    shape, stored under ``"shapes"`` as tracing always has."""

    n_levels: int = MAX_LEVEL
    success_rule: SuccessRule = field(default=tracing_success, compare=False, repr=False)
    items_key: str = field(default="shapes", compare=False, repr=False)

    @property
    def shapes(self) -> dict[str, ItemState]:
        """The per-shape staircases (the kit's ``items``)."""
        return self.items

    @classmethod
    def from_dict(cls, data: Any) -> TracingProgress:
        """Rebuild from :meth:`to_dict` output; unknown or bad entries are dropped, levels
        clamped, so a hand-edited file never stops a child from playing."""
        return cls().fill(data)


PROGRESS = ProgressFile("tracing", MAX_LEVEL, tracing_success, "shapes", factory=TracingProgress)


def progress_path(data_dir: str | Path, child_id: str) -> Path:
    """Where a child's tracing progress lives: ``<data>/children/<child_id>/tracing.json``."""
    return PROGRESS.path(data_dir, child_id)


def load_progress(path: str | Path) -> TracingProgress:
    """Read progress; a missing or unreadable file gives a fresh start (never an error)."""
    progress = PROGRESS.load(path)
    assert isinstance(progress, TracingProgress)
    return progress


def save_progress(path: str | Path, progress: TracingProgress) -> None:
    """Write progress atomically, owner-only (the folder is created 0700 if needed)."""
    PROGRESS.save(path, progress)


def pin_level(data_dir: str | Path, child_id: str, shape: str, number: int | None) -> Path:
    """Pin (or with ``None`` unpin) a child's tracing level for ``shape`` (``"*"``: every
    shape) in the progress file; returns the file's path. For the grown-up side (CLI, settings
    screen): the staircase keeps counting but no longer moves a pinned level."""
    return PROGRESS.pin_level(data_dir, child_id, shape, number)


def record_trial(path: Path | None, progress: TracingProgress, shape: str,
                 success: bool) -> TracingProgress:
    """Move ``shape``'s staircase after a trial, in the file too when there is one (under its
    lock, so a pin a grown-up set meanwhile is kept; the child's start level is carried over);
    returns the progress to play on. A file that cannot be written is not a reason to fail:
    the trial itself is already recorded."""
    if path is None:
        progress.record(shape, success)
        return progress
    start = progress.start_level

    def change(p: Any) -> Any:
        p.start_level = start
        p.record(shape, success)
        return p

    try:
        updated = PROGRESS.update(path, change)
    except OSError:
        progress.record(shape, success)
        return progress
    assert isinstance(updated, TracingProgress)
    return updated


def save_start_level(path: Path, start_level: int) -> None:
    """Keep the child's start level in the progress file (under its lock; never fails)."""

    def change(p: Any) -> None:
        p.start_level = start_level

    with contextlib.suppress(OSError):
        PROGRESS.update(path, change)
