"""The tracing levels, the 2-up/1-down staircase, pinned levels and the progress file."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from games.tracing.staircase import (
    LEVELS,
    MAX_LEVEL,
    TracingProgress,
    is_success,
    level,
    load_progress,
    progress_path,
    save_progress,
)


def test_levels_narrow_the_road_and_shrink_the_model() -> None:
    tols = [lv.tolerance_px for lv in LEVELS]
    sizes = [lv.size_px for lv in LEVELS]
    assert tols == sorted(tols, reverse=True) and len(set(tols)) == len(tols)
    assert sizes == sorted(sizes, reverse=True)
    assert [lv.number for lv in LEVELS] == list(range(1, MAX_LEVEL + 1))
    assert level(0).number == 1 and level(99).number == MAX_LEVEL


def test_two_up_one_down() -> None:
    p = TracingProgress()
    assert p.current_level("circle") == 1
    assert p.record("circle", True) == 1  # one success: stay
    assert p.record("circle", True) == 2  # two in a row: up
    assert p.record("circle", True) == 2
    assert p.record("circle", False) == 1  # one miss: down (and the streak restarts)
    assert p.record("circle", True) == 1
    assert p.record("circle", True) == 2
    assert p.record("circle", False) == 1
    assert p.record("circle", False) == 1  # never below level 1
    st = p.state("circle")
    assert (st.trials, st.successes, st.streak) == (8, 5, 0)
    assert p.current_level("square") == 1  # every shape has its own staircase


def test_staircase_converges_near_71_percent() -> None:
    """Simulated child whose success falls with the level: the staircase settles where it
    succeeds about 71 % of the time."""
    rng = np.random.default_rng(3)
    p_success = {1: 0.98, 2: 0.93, 3: 0.82, 4: 0.62, 5: 0.35, 6: 0.1}
    prog = TracingProgress()
    outcomes = []
    for _ in range(4000):
        lv = prog.current_level("x")
        ok = bool(rng.random() < p_success[lv])
        outcomes.append(ok)
        prog.record("x", ok)
    rate = float(np.mean(outcomes[500:]))
    assert 0.66 <= rate <= 0.76


def test_top_level_and_pinning() -> None:
    p = TracingProgress()
    for _ in range(2 * MAX_LEVEL + 4):
        p.record("vertical", True)
    assert p.current_level("vertical") == MAX_LEVEL
    p.pin("vertical", 3)
    assert p.current_level("vertical") == 3 and p.is_pinned("vertical")
    p.record("vertical", False)
    assert p.current_level("vertical") == 3  # pinned: the level does not move
    assert p.state("vertical").level == MAX_LEVEL  # and the staircase is left where it was
    p.pin("vertical", None)
    assert p.current_level("vertical") == MAX_LEVEL
    p.pin("*", 2)
    assert p.current_level("circle") == 2 and p.current_level("vertical") == 2
    with pytest.raises(ValueError, match="level must be within 1..6, got 7"):
        p.pin("circle", 7)


def test_success_rule() -> None:
    assert is_success(0.8, True)
    assert not is_success(0.79, True)
    assert not is_success(0.95, False)
    assert not is_success(float("nan"), True)
    assert is_success(0.9, True, formation_ok=False, strict=False)
    assert not is_success(0.9, True, formation_ok=False, strict=True)


def test_progress_file_round_trip_and_permissions(tmp_path) -> None:
    path = progress_path(tmp_path, "c0ffee")
    assert path == tmp_path / "children" / "c0ffee" / "tracing.json"
    assert load_progress(path).to_dict() == TracingProgress().to_dict()  # missing: fresh start
    p = TracingProgress()
    p.record("circle", True)
    p.record("circle", True)
    p.pin("square", 4)
    save_progress(path, p)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert json.loads(path.read_text()) == {
        "format": 1,
        "start_level": 1,
        "pinned": {"square": 4},
        "shapes": {"circle": {"level": 2, "streak": 0, "trials": 2, "successes": 2}},
    }
    back = load_progress(path)
    assert back.to_dict() == p.to_dict()


def test_bad_progress_file_never_stops_play(tmp_path) -> None:
    path = tmp_path / "tracing.json"
    path.write_text("{not json")
    assert load_progress(path).to_dict() == TracingProgress().to_dict()
    path.write_text(json.dumps({"start_level": 40, "pinned": {"a": "x", "b": 9},
                                "shapes": {"c": {"level": -3, "trials": "many"}, "d": 5}}))
    p = load_progress(path)
    assert p.start_level == 6
    assert p.pinned == {"b": 6}
    assert p.to_dict()["shapes"] == {"c": {"level": 1, "streak": 0, "trials": 0,
                                           "successes": 0}}


def test_pin_level_in_the_progress_file(tmp_path) -> None:
    from games.tracing.staircase import pin_level

    path = pin_level(tmp_path, "c0ffee", "circle", 4)
    assert json.loads(path.read_text())["pinned"] == {"circle": 4}
    assert load_progress(path).current_level("circle") == 4
    pin_level(tmp_path, "c0ffee", "circle", None)
    assert json.loads(path.read_text())["pinned"] == {}
