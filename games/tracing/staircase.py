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

State is a small JSON document per child: ``<data>/children/<child_id>/tracing.json``, written
atomically with owner-only permissions (``telemetry.storage.atomic_write_json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telemetry.storage import atomic_write_json, ensure_private_dir

FORMAT_VERSION = 1
SUCCESS_ACCURACY = 0.8  # a trial counts as a success at this time-weighted accuracy or more
ALL_SHAPES = "*"


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


@dataclass
class ShapeState:
    """Staircase state of one shape for one child."""

    level: int = MIN_LEVEL
    streak: int = 0  # successes in a row at the current level
    trials: int = 0
    successes: int = 0
    mastered: bool = False  # two successes in a row at MAX_LEVEL (see the module docstring)


@dataclass
class TracingProgress:
    """A child's tracing progress: one staircase per shape and the therapist's pinned levels."""

    shapes: dict[str, ShapeState] = field(default_factory=dict)
    pinned: dict[str, int] = field(default_factory=dict)
    start_level: int = MIN_LEVEL

    def state(self, shape: str) -> ShapeState:
        """The staircase of ``shape`` (created at ``start_level`` on first use)."""
        if shape not in self.shapes:
            self.shapes[shape] = ShapeState(level=self.start_level)
        return self.shapes[shape]

    def current_level(self, shape: str) -> int:
        """The level to play next: the pinned one if any, else the staircase's."""
        if shape in self.pinned:
            return self.pinned[shape]
        if ALL_SHAPES in self.pinned:
            return self.pinned[ALL_SHAPES]
        return self.shapes[shape].level if shape in self.shapes else self.start_level

    def is_pinned(self, shape: str) -> bool:
        """True if a therapist pinned this shape's level (or every shape's)."""
        return shape in self.pinned or ALL_SHAPES in self.pinned

    def is_mastered(self, shape: str) -> bool:
        """True once the child made ``shape`` twice in a row at the top level (and has not
        missed it at the top level since)."""
        st = self.shapes.get(shape)
        return st is not None and st.mastered

    def pin(self, shape: str, number: int | None) -> None:
        """Pin ``shape`` (or ``"*"``) to a level; ``None`` unpins it."""
        if number is None:
            self.pinned.pop(shape, None)
            return
        if not MIN_LEVEL <= int(number) <= MAX_LEVEL:
            raise ValueError(f"level must be within {MIN_LEVEL}..{MAX_LEVEL}, got {number}")
        self.pinned[shape] = int(number)

    def record(self, shape: str, success: bool) -> int:
        """Count one trial of ``shape`` and move its staircase (2 up / 1 down); returns the
        level to play next."""
        st = self.state(shape)
        # the level this trial was played at (a pin's, or the staircase's): mastery is about
        # what the child actually did, whoever chose the level
        top = self.current_level(shape) >= MAX_LEVEL
        st.trials += 1
        if success:
            st.successes += 1
            st.streak += 1
            if st.streak >= 2:
                st.streak = 0
                st.mastered = st.mastered or top
                if not self.is_pinned(shape):
                    st.level = min(MAX_LEVEL, st.level + 1)
        else:
            st.streak = 0
            if top:
                st.mastered = False
            if not self.is_pinned(shape):
                st.level = max(MIN_LEVEL, st.level - 1)
        return self.current_level(shape)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "format": FORMAT_VERSION,
            "start_level": self.start_level,
            "pinned": dict(sorted(self.pinned.items())),
            "shapes": {k: _shape_dict(v) for k, v in sorted(self.shapes.items())},
        }

    @classmethod
    def from_dict(cls, data: Any) -> TracingProgress:
        """Rebuild from :meth:`to_dict` output; unknown or bad entries are dropped, levels
        clamped, so a hand-edited file never stops a child from playing."""
        prog = cls()
        if not isinstance(data, dict):
            return prog
        prog.start_level = _clamp_level(data.get("start_level", MIN_LEVEL))
        pinned = data.get("pinned", {})
        if isinstance(pinned, dict):
            for k, v in pinned.items():
                if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool):
                    prog.pinned[k] = _clamp_level(v)
        shapes = data.get("shapes", {})
        if isinstance(shapes, dict):
            for k, v in shapes.items():
                if not (isinstance(k, str) and isinstance(v, dict)):
                    continue
                prog.shapes[k] = ShapeState(
                    level=_clamp_level(v.get("level", MIN_LEVEL)),
                    streak=_nonneg(v.get("streak", 0)) % 2,
                    trials=_nonneg(v.get("trials", 0)),
                    successes=_nonneg(v.get("successes", 0)),
                    mastered=v.get("mastered", False) is True,
                )
        return prog


def _shape_dict(st: ShapeState) -> dict[str, Any]:
    """One shape's JSON entry; ``mastered`` is written only once earned, so files of children
    who have mastered nothing keep the layout older versions wrote (and read)."""
    out: dict[str, Any] = {"level": st.level, "streak": st.streak, "trials": st.trials,
                           "successes": st.successes}
    if st.mastered:
        out["mastered"] = True
    return out


def _clamp_level(value: Any) -> int:
    try:
        return min(MAX_LEVEL, max(MIN_LEVEL, int(value)))
    except (TypeError, ValueError):
        return MIN_LEVEL


def _nonneg(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def is_success(accuracy: float, completed: bool, formation_ok: bool = True,
               strict: bool = False) -> bool:
    """Whether a trial counts as a success for the staircase.

    Completed with accuracy of at least ``SUCCESS_ACCURACY``; in strict mode the formation
    (start point, direction, stroke order) must also be right.
    """
    if not completed or accuracy != accuracy:
        return False
    return accuracy >= SUCCESS_ACCURACY and (formation_ok or not strict)


def progress_path(data_dir: str | Path, child_id: str) -> Path:
    """Where a child's tracing progress lives: ``<data>/children/<child_id>/tracing.json``."""
    return Path(data_dir) / "children" / child_id / "tracing.json"


def load_progress(path: str | Path) -> TracingProgress:
    """Read progress; a missing or unreadable file gives a fresh start (never an error)."""
    try:
        with open(path, encoding="utf-8") as fh:
            return TracingProgress.from_dict(json.load(fh))
    except (OSError, ValueError):
        return TracingProgress()


def save_progress(path: str | Path, progress: TracingProgress) -> None:
    """Write progress atomically, owner-only (the folder is created 0700 if needed)."""
    ensure_private_dir(Path(path).parent)
    atomic_write_json(path, progress.to_dict())


def pin_level(data_dir: str | Path, child_id: str, shape: str, number: int | None) -> Path:
    """Pin (or with ``None`` unpin) a child's tracing level for ``shape`` (``"*"``: every
    shape) in the progress file; returns the file's path. For the grown-up side (CLI, settings
    screen): the staircase keeps counting but no longer moves a pinned level."""
    path = progress_path(data_dir, child_id)
    progress = load_progress(path)
    progress.pin(shape, number)
    save_progress(path, progress)
    return path
