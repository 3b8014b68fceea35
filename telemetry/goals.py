"""Measurable goals and Goal Attainment Scaling: pure rules, no I/O, no pandas.

A goal names what is measured (an activity, an item or ``*``, a metric, optionally the lowest
level that counts), a threshold with a direction, how many of the last sessions must reach it
(``needed`` of ``window``: ``needed == window`` is "n sessions in a row") and a target date.
Practice goals (``sessions_per_week``, ``home_sessions_per_week``, ``minutes_per_week``) are
counted per calendar week (Monday to Sunday, UTC) instead of per session.

:func:`evaluate` walks the goal's values in time order and says where the goal stands:

* **met**: at some point the last ``window`` values held at least ``needed`` that reach the
  threshold; ``met_on`` is the date of the value that made it (the third session in a row for
  "3 in a row"). A met goal stays met.
* **overdue**: not met and the target date has passed.
* **progressing**: not met, not overdue, and either a value in the current window reaches the
  threshold or the current value (median of the last three) is better than the baseline
  (median of the first three).
* **not yet**: none of the above (including no value at all).

GAS (Kiresuk and Sherman 1968): the therapist gives five thresholds of the goal's metric for
the levels -2..+2; a goal's level is the highest level whose threshold the current value
reaches (-2 when it reaches none), and the summary T-score over goals with unit weights is
``50 + 10 * sum(x) / sqrt((1 - rho) * n + rho * n**2)`` with the usual inter-goal correlation
``rho = 0.3``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import median

GAS_RHO = 0.3
GAS_LEVELS = (-2, -1, 0, 1, 2)
OPS = (">=", "<=")
AGGS = ("median", "best")
PRACTICE_METRICS = ("sessions_per_week", "home_sessions_per_week", "minutes_per_week")
STATUSES = ("met", "progressing", "not yet", "overdue")


@dataclass(frozen=True)
class Goal:
    """One measurable goal of a child's plan (see the module docstring for the rule)."""

    goal_id: str
    activity: str  # an activity id, or "*" for practice goals
    metric: str
    op: str  # ">=" (higher is better) or "<=" (lower is better)
    threshold: float
    window: int = 3  # the last n sessions (weeks for practice goals)...
    needed: int = 3  # ...of which this many must reach the threshold
    item: str = "*"
    min_level: int | None = None  # only trials at this level or above count
    agg: str = "median"  # a session's value: the median of its trials, or their "best"
    unit: str = ""  # for a metrics.csv metric stored in several units (px and mm): which one
    target_date: date | None = None
    gas: tuple[float, float, float, float, float] | None = None  # thresholds of -2..+2
    created: date | None = None
    closed: date | None = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(
                f"a goal's comparison must be one of {', '.join(OPS)}, got {self.op!r}")
        if not 1 <= self.needed <= self.window:
            raise ValueError(
                f"a goal needs 1 <= sessions needed <= sessions looked at, got {self.needed} of "
                f"{self.window}"
            )
        if self.agg not in AGGS:
            raise ValueError(f"a goal's session value must be one of {', '.join(AGGS)}, "
                             f"got {self.agg!r}")
        if not math.isfinite(self.threshold):
            raise ValueError(f"a goal's threshold must be a number, got {self.threshold!r}")
        if self.gas is not None:
            if len(self.gas) != 5 or not all(math.isfinite(t) for t in self.gas):
                raise ValueError("GAS needs five numeric thresholds, for levels -2, -1, 0, +1, +2")
            steps = [b - a for a, b in zip(self.gas, self.gas[1:], strict=False)]
            better_up = self.op == ">="
            if not all((s > 0) if better_up else (s < 0) for s in steps):
                order = "rising" if better_up else "falling"
                raise ValueError(
                    f"GAS thresholds must be {order} from -2 to +2 for a goal with {self.op}"
                )

    @property
    def is_practice(self) -> bool:
        """Whether the goal counts practice per week rather than a figure per session."""
        return self.metric in PRACTICE_METRICS

    def reaches(self, value: float) -> bool:
        """Whether ``value`` reaches the threshold in the goal's direction."""
        return value >= self.threshold if self.op == ">=" else value <= self.threshold

    def describe(self) -> str:
        """The goal in words, e.g. 'drawing circle: accuracy >= 0.8 (level 4+), 3 sessions in
        a row, by 2027-03-01'."""
        what = "practice" if self.activity == "*" else self.activity
        if self.item != "*":
            what += f" {self.item}"
        level = f" (level {self.min_level}+)" if self.min_level else ""
        unit = "weeks" if self.is_practice else "sessions"
        rule = (
            f"{self.window} {unit} in a row"
            if self.needed == self.window
            else f"{self.needed} of the last {self.window} {unit}"
        )
        by = f", by {self.target_date.isoformat()}" if self.target_date else ""
        return f"{what}: {self.metric} {self.op} {_num(self.threshold)}{level}, {rule}{by}"


@dataclass(frozen=True)
class GoalStatus:
    """Where a goal stands on ``as_of``."""

    goal: Goal
    status: str
    baseline: float | None  # median of the first three values
    current: float | None  # median of the last three values
    met_on: date | None
    values: int  # how many session (or week) values there are
    passing_in_window: int  # of the last ``window`` values, how many reach the threshold
    gas_level: int | None = None
    points: list[tuple[date, float]] = field(default_factory=list)


def _num(x: float) -> str:
    return f"{x:g}"


def evaluate(goal: Goal, points: Sequence[tuple[date, float]], as_of: date) -> GoalStatus:
    """Where ``goal`` stands on ``as_of``, from its ``(date, value)`` points (any order).

    Points after ``as_of`` are ignored. A value of -inf (for ``>=``) or +inf (``<=``) is a
    session that cannot reach the goal (it played the item below the goal's level): it counts
    in the rule but not in the baseline and current figures. See the module docstring.
    """
    series = sorted((d, float(v)) for d, v in points if d <= as_of and v == v)
    values = [v for _, v in series]
    finite = [v for v in values if math.isfinite(v)]
    met_on: date | None = None
    for i in range(len(series)):
        window = values[max(0, i + 1 - goal.window) : i + 1]
        if sum(goal.reaches(v) for v in window) >= goal.needed:
            met_on = series[i][0]
            break
    baseline = median(finite[:3]) if finite else None
    current = median(finite[-3:]) if finite else None
    passing = sum(goal.reaches(v) for v in values[-goal.window :])
    if met_on is not None:
        status = "met"
    elif goal.target_date is not None and as_of > goal.target_date:
        status = "overdue"
    elif passing > 0 or (
        baseline is not None and current is not None and len(finite) > 1
        and _better(goal, current, baseline)
    ):
        status = "progressing"
    else:
        status = "not yet"
    level = gas_level(goal, current) if goal.gas is not None and current is not None else None
    return GoalStatus(goal, status, baseline, current, met_on, len(values), passing, level,
                      series)


def _better(goal: Goal, a: float, b: float) -> bool:
    return a > b if goal.op == ">=" else a < b


def gas_level(goal: Goal, value: float) -> int:
    """The GAS level (-2..+2) that ``value`` attains on ``goal``'s five thresholds."""
    if goal.gas is None:
        raise ValueError(f"goal {goal.goal_id} has no GAS levels")
    attained = -2
    for level, threshold in zip(GAS_LEVELS, goal.gas, strict=True):
        if (value >= threshold) if goal.op == ">=" else (value <= threshold):
            attained = level
    return attained


def gas_t_score(levels: Sequence[int], weights: Sequence[float] | None = None,
                rho: float = GAS_RHO) -> float:
    """Kiresuk and Sherman's summary T-score of GAS ``levels`` (weights default to 1).

    ``T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w**2) + rho * sum(w)**2)``; 50 means the
    goals were met as expected on average. Raises on no levels or a level outside -2..+2.
    """
    if not levels:
        raise ValueError("a GAS T-score needs at least one scaled goal")
    if any(x not in GAS_LEVELS for x in levels):
        raise ValueError(f"GAS levels are -2..+2, got {list(levels)}")
    w = [1.0] * len(levels) if weights is None else [float(x) for x in weights]
    if len(w) != len(levels):
        raise ValueError("one weight per goal")
    num = sum(wi * xi for wi, xi in zip(w, levels, strict=True))
    den = math.sqrt((1 - rho) * sum(wi * wi for wi in w) + rho * sum(w) ** 2)
    return 50 + 10 * num / den
