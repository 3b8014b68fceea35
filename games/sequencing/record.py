"""The one owner of sequencing's targets.csv geometry: written by the scene, read back by the
report, the demo and re-scoring.

Rows per trial (``kind``, ``part``, points; ``seq`` numbers a part's points from 0):

- ``routine:<routine id>``, part 0: one point (steps, cards);
- ``card:<card id>``, part k: card k's home place in the tray, two points (left, top),
  (right, bottom); card ids are step ids in the routine's listed order, then
  ``+distractor`` if the trial had one;
- ``slot``, part i: slot i (reading order), two points as above;
- ``tray``, part 0: the tray, two points as above;
- ``before``, part m: one point (k_a, k_b): card k_a must come before card k_b. These are the
  pairs *as played*, so the trial re-scores the same after its routine file changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from games.sequencing.board import Layout, Rect
from games.sequencing.score import DISTRACTOR, Move, Order, TrialScore


class TargetSink(Protocol):
    """What :func:`write_targets` needs of a recorder (``TrialSink.add_targets``)."""

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Record one part's points."""


@dataclass(frozen=True)
class Played:
    """A trial's routine as played: id, cards, the order pairs and the geometry."""

    routine_id: str
    cards: tuple[str, ...]
    before: tuple[tuple[str, str], ...]
    layout: Layout

    @property
    def steps(self) -> tuple[str, ...]:
        """The cards that are steps (all but the distractor), in listed order."""
        return tuple(c for c in self.cards if c != DISTRACTOR)

    def order(self) -> Order:
        """The order to score against."""
        return Order.from_pairs(self.steps, self.before)


def _corners(rect: Rect) -> list[tuple[float, float]]:
    left, top, w, h = rect
    return [(left, top), (left + w, top + h)]


def write_targets(sink: TargetSink, played: Played) -> None:
    """Record ``played`` as the trial's targets.csv rows."""
    sink.add_targets(f"routine:{played.routine_id}", 0, [(len(played.steps), len(played.cards))])
    for k, (card, home) in enumerate(zip(played.cards, played.layout.homes, strict=True)):
        sink.add_targets(f"card:{card}", k, _corners(home))
    for i, slot in enumerate(played.layout.slots):
        sink.add_targets("slot", i, _corners(slot))
    sink.add_targets("tray", 0, _corners(played.layout.tray))
    index = {c: k for k, c in enumerate(played.cards)}
    for m, (a, b) in enumerate(played.before):
        sink.add_targets("before", m, [(index[a], index[b])])


def read_targets(rows: Iterable[tuple[str, int, int, float, float]]) -> Played:
    """The :class:`Played` of one trial from its targets rows (kind, part, seq, x, y).

    Raises ValueError naming what is missing or malformed.
    """
    points: dict[tuple[str, int], dict[int, tuple[float, float]]] = {}
    for kind, part, seq, x, y in rows:
        points.setdefault((str(kind), int(part)), {})[int(seq)] = (float(x), float(y))

    def rect(key: tuple[str, int]) -> Rect:
        pts = points[key]
        if sorted(pts) != [0, 1]:
            raise ValueError(f"targets {key[0]!r} part {key[1]} needs two points, has {len(pts)}")
        (x0, y0), (x1, y1) = pts[0], pts[1]
        return (x0, y0, x1 - x0, y1 - y0)

    routine = [k for k in points if k[0].startswith("routine:")]
    if len(routine) != 1:
        raise ValueError(f"targets need one routine row, found {len(routine)}")
    cards_by_part = sorted((p, k[5:]) for k, p in points if k.startswith("card:"))
    cards = tuple(c for _, c in cards_by_part)
    if [p for p, _ in cards_by_part] != list(range(len(cards))):
        raise ValueError("targets' cards are not numbered 0, 1, 2, ...")
    n_slots = sum(1 for k, _ in points if k == "slot")
    layout = Layout(
        slots=tuple(rect(("slot", i)) for i in range(n_slots)),
        tray=rect(("tray", 0)),
        homes=tuple(rect((f"card:{c}", k)) for k, c in enumerate(cards)),
    )
    before = []
    for m in range(sum(1 for k, _ in points if k == "before")):
        ka, kb = points[("before", m)][0]
        before.append((cards[int(ka)], cards[int(kb)]))
    return Played(routine[0][0][len("routine:") :], cards, tuple(before), layout)


def rescore(
    played: Played,
    samples: Iterable[tuple[float, float, float, int, str]],
    *,
    tap: bool,
    prompting: str,
    slot_hint: int,
) -> tuple[TrialScore, list[tuple[str, float, str]], list[Move]]:
    """Replay a stored trial's samples (t_ms, x, y, pointer, phase) on its stored geometry and
    order and score it: the score, every metric row and the moves, from the files alone."""
    from games.sequencing.board import Board, replay
    from games.sequencing.measures import trial_figures

    rows = list(samples)
    board = replay(Board(played.order(), played.cards, played.layout, tap=tap,
                         prompting=prompting), rows)
    score, metrics = trial_figures(board, slot_hint, rows)
    return score, metrics, board.moves
