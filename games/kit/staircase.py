"""The per-item adaptive staircase every activity can use (pure Python, no pygame).

Levitt's transformed up-down method, 2-up/1-down: two successes in a row move the child one
level up, one miss moves one level down. It converges where P(success)^2 = 0.5, i.e. about 71 %
success, so the child keeps succeeding most of the time while still being stretched. Each item
(a shape, a letter, a routine...) has its own staircase over ``1..n_levels``. A therapist can
pin a level per item (or for every item with ``"*"``): the pinned level is played and the
staircase keeps counting but does not move the level.

An item is *mastered* (:meth:`Staircase.is_mastered`) once the child made it twice in a row at
the top level, i.e. where the staircase would move the child up if there were a level above. A
miss at the top level takes it away again (the staircase also drops the item a level then).

What counts as a success is the activity's: it passes a :data:`SuccessRule` (a function of the
trial's :class:`TrialOutcome`, the same figures every activity writes to ``trials.csv``), or
calls :meth:`Staircase.record` with its own verdict.

The JSON layout (:meth:`Staircase.to_dict`) is the one tracing has always written to
``<data>/children/<id>/tracing.json``; only the name of the per-item table is the activity's
(``items_key``: tracing keeps ``"shapes"``). Reading and writing the file is
:mod:`games.kit.progress`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

FORMAT_VERSION = 1
ALL_ITEMS = "*"
MIN_LEVEL = 1
DEFAULT_SUCCESS_ACCURACY = 0.8


@dataclass(frozen=True)
class TrialOutcome:
    """What a staircase judges a trial on: the trial's ``trials.csv`` core figures plus the
    activity's own form check.

    ``form_ok``: the activity's form rules passed (tracing: start point, direction and stroke
    order; copy: the Beery rule); ``strict``: the grown-up asked for form to count.
    """

    accuracy: float
    completed: bool
    form_ok: bool = True
    strict: bool = False


SuccessRule = Callable[[TrialOutcome], bool]


def accuracy_at_least(threshold: float = DEFAULT_SUCCESS_ACCURACY) -> SuccessRule:
    """The usual rule: completed, accuracy of at least ``threshold`` (NaN never succeeds), and
    in strict mode the form right too."""

    def rule(outcome: TrialOutcome) -> bool:
        acc = outcome.accuracy
        if not outcome.completed or acc != acc:
            return False
        return acc >= threshold and (outcome.form_ok or not outcome.strict)

    return rule


@dataclass
class ItemState:
    """Staircase state of one item for one child."""

    level: int = MIN_LEVEL
    streak: int = 0  # successes in a row at the current level
    trials: int = 0
    successes: int = 0
    mastered: bool = False  # two successes in a row at the top level


S = TypeVar("S", bound="Staircase")


@dataclass
class Staircase:
    """A child's progress in one activity: one 2-up/1-down staircase per item over
    ``1..n_levels`` and the therapist's pinned levels."""

    n_levels: int = 1
    items: dict[str, ItemState] = field(default_factory=dict)
    pinned: dict[str, int] = field(default_factory=dict)
    start_level: int = MIN_LEVEL
    success_rule: SuccessRule = field(default=accuracy_at_least(), compare=False, repr=False)
    items_key: str = field(default="items", compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.n_levels < 1:
            raise ValueError(f"a staircase needs at least 1 level, got {self.n_levels}")

    def clamp(self, value: Any) -> int:
        """``value`` as a level within ``1..n_levels`` (anything unreadable: level 1)."""
        try:
            return min(self.n_levels, max(MIN_LEVEL, int(value)))
        except (TypeError, ValueError):
            return MIN_LEVEL

    def state(self, item: str) -> ItemState:
        """The staircase of ``item`` (created at ``start_level`` on first use)."""
        if item not in self.items:
            self.items[item] = ItemState(level=self.start_level)
        return self.items[item]

    def current_level(self, item: str) -> int:
        """The level to play next: the pinned one if any, else the staircase's."""
        if item in self.pinned:
            return self.pinned[item]
        if ALL_ITEMS in self.pinned:
            return self.pinned[ALL_ITEMS]
        return self.items[item].level if item in self.items else self.start_level

    def is_pinned(self, item: str) -> bool:
        """True if a therapist pinned this item's level (or every item's)."""
        return item in self.pinned or ALL_ITEMS in self.pinned

    def is_mastered(self, item: str) -> bool:
        """True once the child made ``item`` twice in a row at the top level (and has not
        missed it at the top level since)."""
        st = self.items.get(item)
        return st is not None and st.mastered

    def pin(self, item: str, number: int | None) -> None:
        """Pin ``item`` (or ``"*"``) to a level; ``None`` unpins it."""
        if number is None:
            self.pinned.pop(item, None)
            return
        if not MIN_LEVEL <= int(number) <= self.n_levels:
            raise ValueError(f"level must be within {MIN_LEVEL}..{self.n_levels}, got {number}")
        self.pinned[item] = int(number)

    def record(self, item: str, success: bool) -> int:
        """Count one trial of ``item`` and move its staircase (2 up / 1 down); returns the
        level to play next."""
        st = self.state(item)
        # the level this trial was played at (a pin's, or the staircase's): mastery is about
        # what the child actually did, whoever chose the level
        top = self.current_level(item) >= self.n_levels
        st.trials += 1
        if success:
            st.successes += 1
            st.streak += 1
            if st.streak >= 2:
                st.streak = 0
                st.mastered = st.mastered or top
                if not self.is_pinned(item):
                    st.level = min(self.n_levels, st.level + 1)
        else:
            st.streak = 0
            if top:
                st.mastered = False
            if not self.is_pinned(item):
                st.level = max(MIN_LEVEL, st.level - 1)
        return self.current_level(item)

    def record_outcome(self, item: str, outcome: TrialOutcome) -> tuple[bool, int]:
        """Judge a trial with the activity's :attr:`success_rule` and :meth:`record` it;
        returns (success, the level to play next)."""
        success = self.success_rule(outcome)
        return success, self.record(item, success)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the per-item table under :attr:`items_key`)."""
        return {
            "format": FORMAT_VERSION,
            "start_level": self.start_level,
            "pinned": dict(sorted(self.pinned.items())),
            self.items_key: {k: _item_dict(v) for k, v in sorted(self.items.items())},
        }

    def fill(self: S, data: Any) -> S:
        """Load :meth:`to_dict` output into this (fresh) staircase and return it; unknown or
        bad entries are dropped and levels clamped, so a hand-edited file never stops a child
        from playing."""
        if not isinstance(data, dict):
            return self
        self.start_level = self.clamp(data.get("start_level", MIN_LEVEL))
        pinned = data.get("pinned", {})
        if isinstance(pinned, dict):
            for k, v in pinned.items():
                if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool):
                    self.pinned[k] = self.clamp(v)
        items = data.get(self.items_key, {})
        if isinstance(items, dict):
            for k, v in items.items():
                if not (isinstance(k, str) and isinstance(v, dict)):
                    continue
                self.items[k] = ItemState(
                    level=self.clamp(v.get("level", MIN_LEVEL)),
                    streak=_nonneg(v.get("streak", 0)) % 2,
                    trials=_nonneg(v.get("trials", 0)),
                    successes=_nonneg(v.get("successes", 0)),
                    mastered=v.get("mastered", False) is True,
                )
        return self


def _item_dict(st: ItemState) -> dict[str, Any]:
    """One item's JSON entry; ``mastered`` is written only once earned, so files of children
    who have mastered nothing keep the layout older versions wrote (and read)."""
    out: dict[str, Any] = {"level": st.level, "streak": st.streak, "trials": st.trials,
                           "successes": st.successes}
    if st.mastered:
        out["mastered"] = True
    return out


def _nonneg(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0
