"""Sequencing routines as data: the built-ins are valid, bad routines are refused with reasons."""

from __future__ import annotations

import pytest

from games.kit.pictures import has_picture
from games.sequencing.levels import LEVELS, level, pick_routine, routine_for_level
from games.sequencing.routines import (
    BUILT_IN,
    DISTRACTORS,
    Routine,
    RoutineError,
    Step,
    built_in,
    distractor_for,
    pairs_text,
    parse_pairs,
    reduce_pairs,
    validate,
)


def openmoji_exists(picture: str) -> bool:
    kind, _, name = picture.partition(":")
    return kind == "openmoji" and has_picture(name)


def test_built_ins_cover_the_daily_routines_and_are_valid() -> None:
    ids = [r.id for r in BUILT_IN]
    assert len(ids) == len(set(ids)) >= 8
    for wanted in ("wash-hands", "brush-teeth", "get-dressed", "breakfast", "bath", "bedtime",
                   "going-out", "tidy-up"):
        assert wanted in ids
    lengths = sorted({len(r.steps) for r in BUILT_IN})
    assert lengths == [2, 3, 4, 5, 6]
    for r in BUILT_IN:
        assert validate(r, openmoji_exists) is r
        assert r.is_valid_order(r.step_ids)
    for d in DISTRACTORS:
        assert openmoji_exists(d)


def test_dressing_accepts_shirt_either_side_but_shoes_after_socks() -> None:
    r = built_in("get-dressed")
    assert r.is_valid_order(("shirt", "pants", "socks", "trousers", "shoes"))
    assert r.is_valid_order(("pants", "trousers", "shirt", "socks", "shoes"))
    assert not r.is_valid_order(("pants", "trousers", "shoes", "socks", "shirt"))
    assert not r.is_valid_order(("pants", "trousers", "socks", "shoes"))  # one missing
    assert r.closure() == {
        ("pants", "trousers"), ("trousers", "shoes"), ("pants", "shoes"), ("socks", "shoes"),
    }


def _r(steps: list[str], before: list[tuple[str, str]], pic: str = "openmoji:1F9FC") -> Routine:
    return Routine("mine", "Mine", tuple(Step(s, s.title(), pic) for s in steps), tuple(before))


@pytest.mark.parametrize(
    ("routine", "message"),
    [
        (_r(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]),
         "routine 'mine': the order goes round in a circle: a < b < c < a"),
        (_r(["a", "b"], [("a", "b")], "openmoji:ZZZ9"),
         "routine 'mine': step 'a': openmoji picture 'ZZZ9' is not a hexcode like 1F9FC"),
        (_r(["a", "b"], [("a", "b")], "openmoji:1F9FF0"),
         "routine 'mine': step 'a': unknown picture 'openmoji:1F9FF0'"),
        (_r(["a", "b"], [("a", "b")], "drawn:unicorn"),
         "routine 'mine': step 'a': unknown drawn picture 'unicorn' (known: towel, pyjamas)"),
        (_r(["a", "b"], [("a", "b")], "soap.png"),
         "routine 'mine': step 'a': picture 'soap.png' is not openmoji:<hexcode>, "
         "drawn:<name> or photo:<file>"),
        (_r(["a", "b"], [("a", "z")]), "routine 'mine': the order names 'z', which is not a step"),
        (_r(["a"], []), "routine 'mine': a routine has 2 to 6 steps, this one has 1"),
        (_r(["a", "a"], []), "routine 'mine': step 'a' is listed twice"),
        (_r(["b", "a"], [("a", "b")]),
         "routine 'mine': list the steps in an order that works: 'a' must come before 'b'"),
        (_r(["a", "b"], [("a", "a")]), "routine 'mine': step 'a' cannot come before itself"),
    ],
)
def test_bad_routines_are_refused_with_the_reason(routine: Routine, message: str) -> None:
    with pytest.raises(RoutineError) as err:
        validate(routine, openmoji_exists)
    assert str(err.value) == message


def test_shortened_keeps_the_longest_chain_first() -> None:
    dressed = built_in("get-dressed")
    two = dressed.shortened(2)
    assert two.step_ids == ("pants", "trousers") and two.before == (("pants", "trousers"),)
    three = dressed.shortened(3)
    assert three.step_ids == ("pants", "trousers", "shoes")
    assert three.before == (("pants", "trousers"), ("trousers", "shoes"))
    four = dressed.shortened(4)
    assert four.step_ids == ("pants", "socks", "trousers", "shoes")
    assert set(four.before) == {("pants", "trousers"), ("trousers", "shoes"), ("socks", "shoes")}
    assert dressed.shortened(5) is dressed
    bed = built_in("bedtime").shortened(2)
    assert bed.step_ids == ("pyjamas", "bed")


def test_pairs_text_round_trip_and_reduction() -> None:
    pairs = (("a", "b"), ("b", "c"), ("a", "c"))
    assert reduce_pairs("abc", pairs) == (("a", "b"), ("b", "c"))
    assert pairs_text(pairs) == "a<b a<c b<c"
    assert parse_pairs("a<b a<c b<c") == (("a", "b"), ("a", "c"), ("b", "c"))
    with pytest.raises(ValueError, match="an order pair is written first<then, got 'a-b'"):
        parse_pairs("a-b")


def test_distractor_is_never_a_step_of_the_routine() -> None:
    for r in BUILT_IN:
        pics = {s.picture for s in r.steps}
        for i in range(6):
            assert distractor_for(r, i) not in pics
    assert distractor_for(built_in("going-out"), 4) != "openmoji:1F697"  # the car is a step


def test_levels_grow_steps_fade_hints_and_add_a_distractor_on_top() -> None:
    assert [(lv.steps, lv.slot_hint, lv.distractor) for lv in LEVELS] == [
        (2, "picture", False), (2, "number", False), (3, "picture", False),
        (3, "number", False), (4, "number", False), (4, "none", False),
        (6, "none", False), (6, "none", True),
    ]
    assert [lv.slot_hint_level for lv in LEVELS[:3]] == [2, 1, 2]
    with pytest.raises(ValueError, match="sequencing levels are 1 to 8, got 9"):
        level(9)
    wash = built_in("wash-hands")
    assert len(routine_for_level(wash, level(1)).steps) == 2
    assert len(routine_for_level(wash, level(7)).steps) == 5
    short = [built_in("toilet"), built_in("tidy-up")]
    assert pick_routine(short, level(7), 0).id == "tidy-up"  # none long enough: the longest
    mixed = [built_in("toilet"), built_in("bath"), built_in("bedtime")]
    assert [pick_routine(mixed, level(8), t).id for t in range(3)] == ["bath", "bedtime", "bath"]
    assert [pick_routine(mixed, level(1), t).id for t in range(3)] == [
        "toilet", "bath", "bedtime"]
