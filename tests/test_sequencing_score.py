"""Sequencing scoring on exact permutations, the board's rules, and targets.csv round trips."""

from __future__ import annotations

import pytest

from games.sequencing.board import SEND_BACK_MS, Board, centre, make_layout, replay
from games.sequencing.record import Played, read_targets, write_targets
from games.sequencing.routines import built_in
from games.sequencing.score import DISTRACTOR, Move, Order, score_trial

DRESSED = Order.from_pairs(*(lambda r: (r.step_ids, r.before))(built_in("get-dressed")))
TIDY = Order.from_pairs(("pick", "basket", "sweep"), (("pick", "basket"), ("basket", "sweep")))


def test_several_valid_orders_are_all_right() -> None:
    # shoes last, pants before trousers, socks anywhere before shoes, shirt anywhere: 3 x 5
    assert len(DRESSED.valid_orders()) == 15
    for arrangement in [
        ("shirt", "pants", "socks", "trousers", "shoes"),
        ("pants", "trousers", "shirt", "socks", "shoes"),
        ("socks", "pants", "trousers", "shoes", "shirt"),
    ]:
        assert DRESSED.is_right(arrangement)
        assert DRESSED.pairs_share(arrangement) == 1.0
        assert DRESSED.longest_chain(arrangement) == 5
        assert DRESSED.positions_right(arrangement) == 5
        assert DRESSED.out_of_place(arrangement) == ()


def test_a_wrong_dressing_scores_partial_credit_exactly() -> None:
    arrangement = ("shoes", "pants", "socks", "shirt", "trousers")
    assert not DRESSED.is_right(arrangement)
    # 4 ordered pairs; only pants<trousers holds
    assert DRESSED.pairs_share(arrangement) == 0.25
    assert DRESSED.longest_chain(arrangement) == 4  # all but the shoes
    assert DRESSED.positions_right(arrangement) == 2
    # the first valid order (listed order first) that agrees in two slots
    assert DRESSED.best_order(arrangement) == ("pants", "trousers", "socks", "shirt", "shoes")
    assert DRESSED.out_of_place(arrangement) == (0, 1, 4)
    assert DRESSED.allowed_slots("shoes") == {3, 4}  # the shirt may come after the shoes
    assert DRESSED.allowed_slots("shirt") == {0, 1, 2, 3, 4}
    assert DRESSED.allowed_slots("trousers") == {1, 2, 3}
    assert DRESSED.is_wrong_drop("trousers", 0)
    assert not DRESSED.is_wrong_drop("trousers", 3)


def test_reversed_total_order_has_no_pair_right() -> None:
    assert TIDY.pairs_share(("sweep", "basket", "pick")) == 0.0
    assert TIDY.longest_chain(("sweep", "basket", "pick")) == 1
    assert TIDY.positions_right(("sweep", "basket", "pick")) == 1  # basket is in the middle
    assert TIDY.pairs_share(("basket", "pick", "sweep")) == pytest.approx(2 / 3)
    assert TIDY.longest_chain(("basket", "pick", "sweep")) == 2


def test_a_distractor_in_a_slot_is_never_right() -> None:
    arrangement = ("pick", DISTRACTOR, "sweep")
    assert not TIDY.is_right(arrangement)
    assert TIDY.pairs_share(arrangement) == pytest.approx(1 / 3)  # only pick<sweep is placed
    assert TIDY.longest_chain(arrangement) == 2
    assert TIDY.positions_right(arrangement) == 2
    assert TIDY.out_of_place(arrangement) == (1,)
    assert all(TIDY.is_wrong_drop(DISTRACTOR, s) for s in range(3))
    assert TIDY.hint_slots(DISTRACTOR, arrangement) == frozenset()


def test_hint_slots_follow_the_cards_already_placed() -> None:
    assert TIDY.hint_slots("basket", (None, None, None)) == {1}
    assert DRESSED.hint_slots("shirt", ("pants", "trousers", None, None, None)) == {2, 3, 4}
    assert DRESSED.hint_slots("socks", ("pants", "trousers", None, None, None)) == {2, 3}


def _move(card: str, to: int | None, t0: float, t1: float, wrong: bool = False,
          hinted: bool = False) -> Move:
    return Move(card, None, to, t0, t1, (0.0, 0.0), (1.0, 1.0), 2.0, wrong, hinted, True)


def test_score_trial_first_try_and_errors() -> None:
    moves = [_move("pick", 0, 0, 900), _move("basket", 1, 1000, 1900),
             _move("sweep", 2, 2000, 3000)]
    s = score_trial(TIDY, moves, [("pick", "basket", "sweep")], prompt_level=0, slot_hint=1,
                    completed=True)
    assert (s.first_try, s.accuracy, s.errors, s.moves, s.attempts) == (True, 1.0, 0, 3, 1)
    assert (s.total_ms, s.ms_per_card, s.longest_chain, s.positions_right) == (3000, 1000, 3, 3)
    assert dict((n, v) for n, v, _ in s.metrics()) == {
        "steps": 3, "first_try": 1.0, "moves": 3, "wrong_drops": 0, "attempts": 1, "hints": 0,
        "prompt_level": 0, "slot_hint": 1, "pairs_share": 1.0, "longest_chain": 3,
        "positions_right": 3, "ms_per_card": 1000.0,
    }
    moves2 = [_move("sweep", 0, 0, 500, wrong=True), _move("basket", 1, 600, 900),
              _move("pick", 2, 1000, 1500, wrong=True), _move("pick", 0, 2000, 2500, hinted=True),
              _move("sweep", 2, 2600, 3100, hinted=True)]
    s2 = score_trial(TIDY, moves2, [("sweep", "basket", "pick"), ("pick", "basket", "sweep")],
                     prompt_level=1, slot_hint=0, completed=True)
    assert (s2.first_try, s2.accuracy, s2.errors, s2.hints, s2.longest_chain) == (
        False, 0.0, 3, 2, 1)  # 2 wrong drops + 1 wrong arrangement
    left = score_trial(TIDY, moves2[:2], [], prompt_level=2, slot_hint=2, completed=False)
    assert (left.first_try, left.accuracy, left.total_ms, left.errors) == (False, None, None, 1)
    assert "pairs_share" not in {n for n, _, _ in left.metrics()}


def _drag(board: Board, card: str, slot: int | None, t: float, dx: float = 0.0) -> float:
    """Press on ``card``'s centre, move in 3 steps, release over ``slot`` (or the tray)."""
    x0, y0 = centre(board.rect_of(card))
    x1, y1 = centre(board.layout.slots[slot]) if slot is not None else (640.0, 760.0)
    x1 += dx
    board.pointer("down", x0, y0, t)
    for i in (1, 2, 3):
        board.pointer("move", x0 + (x1 - x0) * i / 3, y0 + (y1 - y0) * i / 3, t + 100 * i)
    board.pointer("up", x1, y1, t + 350)
    return t + 500


def test_board_drags_swaps_sends_back_and_completes() -> None:
    layout = make_layout(3, 4, shuffle_seed=7)
    b = Board(TIDY, ("pick", "basket", "sweep", DISTRACTOR), layout, prompting="after-error")
    t = _drag(b, "sweep", 0, 0.0, dx=30.0)
    assert b.placed == ["sweep", None, None] and b.moves[-1].wrong
    assert b.moves[-1].release_error == pytest.approx(30.0)
    t = _drag(b, "pick", 0, t)  # swap: sweep goes back to the tray (it came from the tray)
    assert b.placed == ["pick", None, None]
    assert b.moves[-1].hinted  # the pick after the wrong drop got the glow
    t = _drag(b, DISTRACTOR, 1, t)
    t = _drag(b, "sweep", 2, t)
    assert b.attempts == [("pick", DISTRACTOR, "sweep")]
    assert b.placed == ["pick", None, "sweep"] and not b.done
    b.pointer("down", *centre(b.rect_of("basket")), t)  # resting: ignored
    b.pointer("up", *centre(layout.slots[1]), t + 10)
    assert b.placed == ["pick", None, "sweep"]
    t = _drag(b, "basket", 1, t + SEND_BACK_MS)
    assert b.done and b.attempts[-1] == ("pick", "basket", "sweep")
    assert [m.card for m in b.moves] == ["sweep", "pick", DISTRACTOR, "sweep", "basket"]
    s = score_trial(TIDY, b.moves, b.attempts, prompt_level=1, slot_hint=0, completed=True)
    # hinted: the picks after the two wrong drops and after the wrong arrangement
    assert (s.first_try, s.wrong_drops, s.errors, s.hints) == (False, 2, 3, 3)


def test_tap_then_tap_places_without_dragging() -> None:
    layout = make_layout(2, 2, shuffle_seed=1)
    order = Order.from_pairs(("toilet", "wash"), (("toilet", "wash"),))
    b = Board(order, ("toilet", "wash"), layout, tap=True, prompting="errorless")
    for i, (card, slot) in enumerate((("wash", 0), ("toilet", 0), ("wash", 1))):
        t = i * 1000.0
        b.pointer("down", *centre(b.rect_of(card)), t)
        b.pointer("up", *centre(b.rect_of(card)), t + 80)
        assert b.held == card and b.hint_slots() == ({0} if card == "toilet" else {1})
        b.pointer("down", *centre(layout.slots[slot]), t + 500)
        b.pointer("up", *centre(layout.slots[slot]), t + 580)
    # toilet tapped into wash's slot sends wash back to the tray (where toilet came from)
    assert b.done and b.attempts == [("toilet", "wash")]
    assert [(m.card, m.origin, m.to, m.dragged, m.release_error) for m in b.moves] == [
        ("wash", None, 0, False, None), ("toilet", None, 0, False, None),
        ("wash", None, 1, False, None)]


def test_targets_round_trip_and_replay_rescore_the_same() -> None:
    layout = make_layout(3, 4, shuffle_seed=3)
    cards = ("pick", "basket", "sweep", DISTRACTOR)
    played = Played("tidy-up", cards, (("pick", "basket"), ("basket", "sweep")), layout)
    rows: list[tuple[str, int, int, float, float]] = []

    class Sink:
        def add_targets(self, kind: str, part: int, points: list) -> None:
            rows.extend((kind, part, i, float(x), float(y)) for i, (x, y) in enumerate(points))

    write_targets(Sink(), played)
    assert rows[:2] == [("routine:tidy-up", 0, 0, 3.0, 4.0),
                        ("card:pick", 0, 0, layout.homes[0][0], layout.homes[0][1])]
    assert ("before", 1, 0, 1.0, 2.0) in rows
    back = read_targets(reversed(rows))
    assert back == played and back.steps == ("pick", "basket", "sweep")
    samples = []
    b = Board(played.order(), cards, layout)
    for card, slot in (("basket", 0), ("pick", 1), ("sweep", 2), ("pick", 0), ("basket", 1),
                       ("sweep", 2)):
        if b.done:
            break
        x0, y0 = centre(b.rect_of(card))
        x1, y1 = centre(layout.slots[slot])
        t = len(samples) * 100.0 + (1000.0 if b.attempts else 0.0)
        for sample in ((t, x0, y0, 0, "down"), (t + 50, x1, y1, 0, "move"),
                       (t + 90, x1, y1, 0, "up")):
            samples.append(sample)
            b.pointer(sample[4], sample[1], sample[2], sample[0], 0)
    again = replay(Board(back.order(), back.cards, back.layout), samples)
    assert again.moves == b.moves and again.attempts == b.attempts and again.done == b.done
    with pytest.raises(ValueError, match="targets need one routine row, found 0"):
        read_targets([r for r in rows if not r[0].startswith("routine:")])
