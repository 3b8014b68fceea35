"""The card board: where slots, tray and cards are, and what a pointer does to them (pure).

The scene feeds every pointer sample of a trial to :meth:`Board.pointer`; re-scoring feeds the
same samples read back from samples.csv with the geometry read back from targets.csv, so the
moves, the arrangements and the score come out the same. Drawing, sound and animation are
the scene's; nothing here imports pygame.

Rules: a card is picked by pressing on it (drag) or tapping it (the tap-then-tap alternative);
it lands in the slot its centre is over (a slot catches a little beyond its edge), swapping
with a card already there; anywhere else it goes back to its place in the tray. When every
slot is filled the arrangement is checked: right ends the trial; not right sends the cards
out of place back to the tray, and input rests for :data:`SEND_BACK_MS` while they glide.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from games.sequencing.score import Move, Order

Rect = tuple[float, float, float, float]  # left, top, width, height (logical px)
WIDTH, HEIGHT = 1280, 800
SEND_BACK_MS = 700.0
CATCH = 0.3  # a slot catches a card centre up to 30% of the card size beyond its edge
PROMPTINGS = ("errorless", "after-error", "none")
PROMPT_LEVEL = {"errorless": 2, "after-error": 1, "none": 0}


@dataclass(frozen=True)
class Layout:
    """Slots (reading order), the tray, and each card's home place in the tray."""

    slots: tuple[Rect, ...]
    tray: Rect
    homes: tuple[Rect, ...]  # homes[k] is card k's place

    @property
    def card_size(self) -> float:
        """The side of a (square) card."""
        return self.slots[0][2]


def make_layout(n_slots: int, n_cards: int, shuffle_seed: int) -> Layout:
    """Slots in one row under the title; the cards shuffled in one row in the tray below.

    The shuffle never leaves the tray in the listed order (a freebie), except for one card.
    """
    margin, gap = 50.0, 24.0
    fit = (WIDTH - 2 * margin - (max(n_slots, n_cards) - 1) * gap) / max(n_slots, n_cards)
    size = float(min(220.0, math.floor(fit)))

    def row(n: int, top: float) -> list[Rect]:
        left = (WIDTH - (n * size + (n - 1) * gap)) / 2
        return [(left + i * (size + gap), top, size, size) for i in range(n)]

    slots = tuple(row(n_slots, 150.0))
    tray_top = 450.0
    tray = (margin / 2, tray_top, WIDTH - margin, HEIGHT - tray_top - 30.0)
    places = row(n_cards, tray_top + (tray[3] - size) / 2)
    order = list(range(n_cards))
    rng = random.Random(shuffle_seed)
    while True:
        rng.shuffle(order)
        if n_cards < 2 or order != sorted(order):
            break
    return Layout(slots, tray, tuple(places[order[k]] for k in range(n_cards)))


def centre(rect: Rect) -> tuple[float, float]:
    """The centre of ``rect``."""
    return rect[0] + rect[2] / 2, rect[1] + rect[3] / 2


def contains(rect: Rect, x: float, y: float, grow: float = 0.0) -> bool:
    """True if (x, y) is in ``rect`` grown by ``grow`` px on every side."""
    return rect[0] - grow <= x <= rect[0] + rect[2] + grow and (
        rect[1] - grow <= y <= rect[1] + rect[3] + grow
    )


@dataclass
class Board:
    """The state of one trial's cards; :meth:`pointer` applies one pointer sample."""

    order: Order
    cards: tuple[str, ...]  # card k's id (steps, then the distractor if any)
    layout: Layout
    tap: bool = False
    prompting: str = "none"
    placed: list[str | None] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    attempts: list[tuple[str | None, ...]] = field(default_factory=list)
    held: str | None = None
    held_at: tuple[float, float] = (0.0, 0.0)  # the held card's centre now
    done: bool = False
    rest_until_ms: float = -math.inf
    _pointer: int | None = None
    _grab: tuple[float, float] = (0.0, 0.0)
    _down: tuple[float, float, float] = (0.0, 0.0, 0.0)
    _hint_armed: bool = False
    _hinted: bool = False
    events: list[tuple[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.prompting not in PROMPTINGS:
            raise ValueError(f"prompting is one of {', '.join(PROMPTINGS)}, got {self.prompting!r}")
        if not self.placed:
            self.placed = [None] * len(self.layout.slots)

    def slot_of(self, card: str) -> int | None:
        """The slot ``card`` is in, or None (tray or held from the tray)."""
        return self.placed.index(card) if card in self.placed else None

    def rect_of(self, card: str) -> Rect:
        """Where ``card`` rests now: its slot or its home in the tray."""
        slot = self.slot_of(card)
        if slot is not None:
            return self.layout.slots[slot]
        return self.layout.homes[self.cards.index(card)]

    def hint_slots(self) -> frozenset[int]:
        """The slots to glow for the held (or selected) card, if the prompting shows one now."""
        if self.held is None or not self._hinted:
            return frozenset()
        return self.order.hint_slots(self.held, self.placed)

    def take_events(self) -> list[tuple[str, object]]:
        """The events since the last call: ("pick", card), ("move", Move), ("back", slots),
        ("right", arrangement), ("drop-back", card)."""
        out, self.events = self.events, []
        return out

    def pointer(self, phase: str, x: float, y: float, t_ms: float, pointer: int = 0) -> None:
        """Apply one pointer sample (phase ``down``, ``move`` or ``up``)."""
        if self.done:
            return
        if phase == "down":
            if self._pointer is not None or t_ms < self.rest_until_ms:
                return
            self._pointer = pointer
            if self.tap:
                self._tap(x, y, t_ms)
            else:
                self._press(x, y, t_ms)
        elif pointer == self._pointer:
            if phase == "move" and self.held is not None and not self.tap:
                self.held_at = (x + self._grab[0], y + self._grab[1])
            elif phase == "up":
                self._pointer = None
                if not self.tap and self.held is not None:
                    self._drop(x, y, t_ms, dragged=True)

    def _card_at(self, x: float, y: float) -> str | None:
        for card in sorted(self.cards, key=lambda c: self.slot_of(c) is None):
            if contains(self.rect_of(card), x, y):
                return card
        return None

    def _pick(self, card: str, x: float, y: float, t_ms: float) -> None:
        self.held = card
        self._down = (x, y, t_ms)
        self._hinted = card in self.order.steps and (
            self.prompting == "errorless" or (self.prompting == "after-error" and self._hint_armed)
        )
        if self._hinted:
            self._hint_armed = False
        self.events.append(("pick", card))

    def _press(self, x: float, y: float, t_ms: float) -> None:
        card = self._card_at(x, y)
        if card is None:
            return
        cx, cy = centre(self.rect_of(card))
        self._grab = (cx - x, cy - y)
        self.held_at = (cx, cy)
        self._pick(card, x, y, t_ms)

    def _tap(self, x: float, y: float, t_ms: float) -> None:
        if self.held is not None:
            grow = CATCH * self.layout.card_size
            if any(contains(s, x, y, grow) for s in self.layout.slots) or contains(
                self.layout.tray, x, y
            ):
                self.held_at = (x, y)
                self._drop(x, y, t_ms, dragged=False)
                return
        card = self._card_at(x, y)
        if card is not None and card != self.held:
            self.held_at = centre(self.rect_of(card))
            self._pick(card, x, y, t_ms)
        elif card is not None:
            self.held = None  # tapping the chosen card again lets it go

    def _target_slot(self, cx: float, cy: float) -> int | None:
        grow = CATCH * self.layout.card_size
        best = None
        for i, s in enumerate(self.layout.slots):
            if contains(s, cx, cy, grow):
                d = math.dist(centre(s), (cx, cy))
                if best is None or d < best[0]:
                    best = (d, i)
        return None if best is None else best[1]

    def _drop(self, x: float, y: float, t_ms: float, *, dragged: bool) -> None:
        card, self.held = self.held, None
        assert card is not None
        cx, cy = self.held_at
        origin = self.slot_of(card)
        to = self._target_slot(cx, cy) if dragged else self._target_slot(x, y)
        if to == origin:
            self.events.append(("drop-back", card))
            return
        if origin is not None:
            self.placed[origin] = None
        if to is not None:
            other = self.placed[to]
            self.placed[to] = card
            if other is not None and origin is not None:
                self.placed[origin] = other
        wrong = to is not None and self.order.is_wrong_drop(card, to)
        if wrong:
            self._hint_armed = True
        error = None
        if to is not None and dragged:
            error = math.dist(centre(self.layout.slots[to]), (cx, cy))
        move = Move(
            card, origin, to, self._down[2], t_ms, self._down[:2], (x, y), error, wrong,
            self._hinted, dragged,
        )
        self.moves.append(move)
        self.events.append(("move", move))
        if all(c is not None for c in self.placed):
            self._check(t_ms)

    def _check(self, t_ms: float) -> None:
        arrangement = tuple(self.placed)
        self.attempts.append(arrangement)
        if self.order.is_right(arrangement):
            self.done = True
            self.events.append(("right", arrangement))
            return
        back = self.order.out_of_place(arrangement)
        for i in back:
            self.placed[i] = None
        self._hint_armed = True
        self.rest_until_ms = t_ms + SEND_BACK_MS
        self.events.append(("back", back))


def replay(board: Board, samples: Sequence[tuple[float, float, float, int, str]]) -> Board:
    """Feed ``samples`` (t_ms, x, y, pointer, phase) to ``board`` in order; returns it."""
    for t_ms, x, y, pointer, phase in samples:
        board.pointer(phase, x, y, t_ms, pointer)
    return board
