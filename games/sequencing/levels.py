"""The sequencing levels: how many steps, how much the slots show, and a distractor card.

Steps grow 2 ("first, then"), 3, 4, then 5 to 6; at each length the slot hint fades from a
numbered slot with a faint picture of the right card, to the number only, to nothing; the top
level adds a card that belongs to no step. A routine longer than a level plays cut short
(:meth:`Routine.shortened`); a shorter one plays at its own length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from games.sequencing.routines import Routine

SLOT_HINTS = ("none", "number", "picture")  # index = the slot_hint level recorded


@dataclass(frozen=True)
class Level:
    """One level: the most steps, the slot hint (see :data:`SLOT_HINTS`), a distractor."""

    number: int
    steps: int
    slot_hint: str
    distractor: bool = False

    @property
    def slot_hint_level(self) -> int:
        """The slot hint as recorded: 2 picture, 1 number, 0 none."""
        return SLOT_HINTS.index(self.slot_hint)


LEVELS: tuple[Level, ...] = (
    Level(1, 2, "picture"),
    Level(2, 2, "number"),
    Level(3, 3, "picture"),
    Level(4, 3, "number"),
    Level(5, 4, "number"),
    Level(6, 4, "none"),
    Level(7, 6, "none"),
    Level(8, 6, "none", distractor=True),
)


def level(number: int) -> Level:
    """Level ``number`` (1-based); a ValueError naming the range otherwise."""
    if not 1 <= number <= len(LEVELS):
        raise ValueError(f"sequencing levels are 1 to {len(LEVELS)}, got {number}")
    return LEVELS[number - 1]


def routine_for_level(routine: Routine, lvl: Level) -> Routine:
    """``routine`` as played at ``lvl``: cut to the level's steps when it is longer."""
    return routine.shortened(lvl.steps)


def pick_routine(routines: Sequence[Routine], lvl: Level, turn: int) -> Routine:
    """The routine for trial ``turn`` at ``lvl``: the chosen routines long enough for the level
    (5 or more steps for "5 to 6") in turn; if none is, the longest (played at its length)."""
    if not routines:
        raise ValueError("no routine to play: choose at least one")
    least = 5 if lvl.steps >= 5 else lvl.steps
    fit = [r for r in routines if len(r.steps) >= least]
    if not fit:
        return max(routines, key=lambda r: len(r.steps))
    return fit[turn % len(fit)]


def is_success(first_try: bool) -> bool:
    """The staircase's success rule: the first complete arrangement was right."""
    return first_try
