"""Scoring an arrangement of picture cards against a partial order (pure Python).

An *arrangement* is the tuple of card ids in the slots, first to last (``None`` for an empty
slot). Card ids are step ids; :data:`DISTRACTOR` is the card that belongs to no step. The
order is the routine's "must come before" pairs *as played* (read back from targets.csv), so
a trial re-scores the same after the routine file changes.

Definitions (docs/data-format.md repeats them for therapists):

- *right*: every slot filled, no distractor, every pair in order;
- *ordered-pairs share* (the Kendall-tau analogue): of the ordered pairs ``a < b`` (the
  closure of the stated pairs), the share with both cards placed and ``a`` left of ``b``;
- *longest ordered chain*: the most cards of the arrangement that are in order with each other
  (no pair among them reversed), the partial-order version of the longest increasing run;
- *positions right*: the most slots that agree with one valid order;
- a *wrong drop*: a card put in a slot no valid order gives it (the distractor: any slot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, permutations

DISTRACTOR = "+distractor"
Arrangement = Sequence[str | None]


@dataclass(frozen=True)
class Order:
    """The steps of a routine as played and the closure of its pairs."""

    steps: tuple[str, ...]
    closure: frozenset[tuple[str, str]]

    @classmethod
    def from_pairs(cls, steps: Sequence[str], pairs: Sequence[tuple[str, str]]) -> Order:
        """An order from the steps and the stated (not necessarily closed) pairs."""
        from games.sequencing.routines import transitive_closure

        return cls(tuple(steps), transitive_closure(steps, pairs))

    def valid_orders(self) -> tuple[tuple[str, ...], ...]:
        """Every order of the steps that satisfies the pairs (at most 720 for 6 steps)."""
        return _valid_orders(self.steps, self.closure)

    def allowed_slots(self, card: str) -> frozenset[int]:
        """The slots ``card`` takes in some valid order (none for the distractor)."""
        return frozenset(o.index(card) for o in self.valid_orders() if card in o)

    def is_right(self, arrangement: Arrangement) -> bool:
        """True if ``arrangement`` fills every slot with the steps in a valid order."""
        return tuple(arrangement) in set(self.valid_orders())

    def best_order(self, arrangement: Arrangement) -> tuple[str, ...]:
        """The valid order agreeing with the most slots (the first such in listed order)."""
        return max(self.valid_orders(), key=lambda o: _agreement(o, arrangement))

    def positions_right(self, arrangement: Arrangement) -> int:
        """The most slots that agree with one valid order."""
        return _agreement(self.best_order(arrangement), arrangement)

    def out_of_place(self, arrangement: Arrangement) -> tuple[int, ...]:
        """The slots whose card the best valid order does not put there (they go back)."""
        best = self.best_order(arrangement)
        return tuple(
            i for i, c in enumerate(arrangement) if c is not None and c != best[i]
        )

    def pairs_share(self, arrangement: Arrangement) -> float:
        """The share of ordered pairs with both cards placed and in order (1 if no pairs)."""
        if not self.closure:
            return 1.0
        pos = {c: i for i, c in enumerate(arrangement) if c is not None}
        ok = sum(1 for a, b in self.closure if a in pos and b in pos and pos[a] < pos[b])
        return ok / len(self.closure)

    def longest_chain(self, arrangement: Arrangement) -> int:
        """The most placed steps with no ordered pair among them reversed."""
        cards = [c for c in arrangement if c is not None and c in self.steps]
        for size in range(len(cards), 0, -1):
            for subset in combinations(cards, size):
                if not any((b, a) in self.closure for a, b in combinations(subset, 2)):
                    return size
        return 0

    def is_wrong_drop(self, card: str, slot: int) -> bool:
        """True if no valid order puts ``card`` in ``slot`` (always for the distractor)."""
        return slot not in self.allowed_slots(card)

    def hint_slots(self, card: str, arrangement: Arrangement) -> frozenset[int]:
        """Where the errorless glow points ``card``: its slot in the valid orders agreeing most
        with the other placed cards."""
        others = [None if c == card else c for c in arrangement]
        orders = self.valid_orders()
        if card not in self.steps:
            return frozenset()
        top = max(_agreement(o, others) for o in orders)
        return frozenset(o.index(card) for o in orders if _agreement(o, others) == top)


@lru_cache(maxsize=64)
def _valid_orders(
    steps: tuple[str, ...], closure: frozenset[tuple[str, str]]
) -> tuple[tuple[str, ...], ...]:
    out = []
    for perm in permutations(steps):
        pos = {c: i for i, c in enumerate(perm)}
        if all(pos[a] < pos[b] for a, b in closure):
            out.append(perm)
    return tuple(out)


def _agreement(order: Sequence[str], arrangement: Arrangement) -> int:
    return sum(1 for a, b in zip(order, arrangement, strict=True) if a == b)


@dataclass(frozen=True)
class Move:
    """One card put somewhere: into slot ``to`` (None: back to the tray) from ``origin``.

    ``down``/``up`` are the pointer positions and times (ms) that picked and dropped it;
    ``release_error`` is the card centre's distance from the slot centre at the drop (px,
    None for the tray); ``wrong`` marks a wrong drop; ``hinted`` a pick the glow answered;
    ``dragged`` is False for the tap-then-tap alternative.
    """

    card: str
    origin: int | None
    to: int | None
    t_down_ms: float
    t_up_ms: float
    down: tuple[float, float]
    up: tuple[float, float]
    release_error: float | None
    wrong: bool
    hinted: bool
    dragged: bool


@dataclass(frozen=True)
class TrialScore:
    """The figures of one sequencing trial (see the module docstring for definitions)."""

    n_steps: int
    first_try: bool
    pairs_share: float | None
    longest_chain: int | None
    positions_right: int | None
    moves: int
    wrong_drops: int
    attempts: int
    hints: int
    prompt_level: int
    slot_hint: int
    total_ms: float | None
    completed: bool

    @property
    def accuracy(self) -> float | None:
        """trials.csv ``accuracy``: the ordered-pairs share of the first complete arrangement."""
        return self.pairs_share

    @property
    def errors(self) -> int:
        """trials.csv ``errors``: wrong drops plus complete arrangements that were not right."""
        return self.wrong_drops + self.attempts - (1 if self.completed else 0)

    @property
    def ms_per_card(self) -> float | None:
        """Time per card: first touch to the right arrangement, over the number of steps."""
        return None if self.total_ms is None else self.total_ms / self.n_steps

    def metrics(self) -> list[tuple[str, float, str]]:
        """The metrics.csv rows (name, value, unit) of the trial."""
        rows: list[tuple[str, float, str]] = [
            ("steps", self.n_steps, "count"),
            ("first_try", float(self.first_try), "bool"),
            ("moves", self.moves, "count"),
            ("wrong_drops", self.wrong_drops, "count"),
            ("attempts", self.attempts, "count"),
            ("hints", self.hints, "count"),
            ("prompt_level", self.prompt_level, "level"),
            ("slot_hint", self.slot_hint, "level"),
        ]
        if self.pairs_share is not None:
            rows += [
                ("pairs_share", self.pairs_share, "0..1"),
                ("longest_chain", self.longest_chain or 0, "count"),
                ("positions_right", self.positions_right or 0, "count"),
            ]
        if self.ms_per_card is not None:
            rows.append(("ms_per_card", self.ms_per_card, "ms"))
        return rows


def score_trial(
    order: Order,
    moves: Sequence[Move],
    attempts: Sequence[tuple[str | None, ...]],
    *,
    prompt_level: int,
    slot_hint: int,
    completed: bool,
) -> TrialScore:
    """Score a trial from its moves and its complete arrangements (in the order made).

    The first complete arrangement gives first-try, the ordered-pairs share, the longest chain
    and the positions right; with none (left early) those are None and first-try is False.
    ``total_ms`` runs from the first pick to the drop that completed the right arrangement.
    """
    first = attempts[0] if attempts else None
    total = None
    if completed and moves:
        total = moves[-1].t_up_ms - moves[0].t_down_ms
    return TrialScore(
        n_steps=len(order.steps),
        first_try=first is not None and order.is_right(first),
        pairs_share=None if first is None else order.pairs_share(first),
        longest_chain=None if first is None else order.longest_chain(first),
        positions_right=None if first is None else order.positions_right(first),
        moves=len(moves),
        wrong_drops=sum(1 for m in moves if m.wrong),
        attempts=len(attempts),
        hints=sum(1 for m in moves if m.hinted),
        prompt_level=prompt_level,
        slot_hint=slot_hint,
        total_ms=total,
        completed=completed,
    )
