"""The kit's staircase and progress file with a made-up activity: 3 levels, its own rule."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path

import pytest

from games.kit.progress import ProgressFile
from games.kit.staircase import Staircase, TrialOutcome, accuracy_at_least


def strict_half(outcome: TrialOutcome) -> bool:
    """A made-up rule: half right is enough, the form always counts."""
    return outcome.completed and outcome.accuracy >= 0.5 and outcome.form_ok


STARS = ProgressFile("stars", n_levels=3, success_rule=strict_half)


def test_any_number_of_levels_and_mastery_at_the_top() -> None:
    s = STARS.fresh()
    assert s.n_levels == 3 and s.current_level("red") == 1
    levels = [s.record("red", True) for _ in range(6)]
    assert levels == [1, 2, 2, 3, 3, 3]  # capped at 3
    assert s.is_mastered("red")  # two in a row at the top level
    assert s.record("red", False) == 2 and not s.is_mastered("red")
    with pytest.raises(ValueError, match=r"level must be within 1\.\.3, got 4"):
        s.pin("red", 4)
    with pytest.raises(ValueError, match="a staircase needs at least 1 level, got 0"):
        Staircase(n_levels=0)


def test_the_injected_rule_judges_outcomes() -> None:
    s = STARS.fresh()
    assert s.record_outcome("red", TrialOutcome(0.5, True)) == (True, 1)
    assert s.record_outcome("red", TrialOutcome(0.6, True)) == (True, 2)
    assert s.record_outcome("red", TrialOutcome(0.9, True, form_ok=False)) == (False, 1)
    default = accuracy_at_least()
    assert default(TrialOutcome(0.8, True)) and not default(TrialOutcome(0.79, True))
    assert not default(TrialOutcome(math.nan, True)) and not default(TrialOutcome(1.0, False))
    assert default(TrialOutcome(0.9, True, form_ok=False))  # form counts only when strict
    assert not default(TrialOutcome(0.9, True, form_ok=False, strict=True))


def test_progress_file_round_trip_pins_and_levels(tmp_path: Path) -> None:
    path = STARS.path(tmp_path, "c1")
    assert path == tmp_path / "children" / "c1" / "stars.json"
    assert STARS.read_levels(tmp_path, "c1") == {}  # no file: a fresh start
    assert STARS.pin_level(tmp_path, "c1", "blue", 3) == path
    STARS.update(path, lambda s: [s.record("red", True) for _ in range(2)])
    assert STARS.read_levels(tmp_path, "c1") == {"blue": (3, True), "red": (2, False)}
    assert json.loads(path.read_text()) == {
        "format": 1, "start_level": 1, "pinned": {"blue": 3},
        "items": {"red": {"level": 2, "streak": 0, "trials": 2, "successes": 2}},
    }
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(ValueError):
        STARS.pin_level(tmp_path, "c1", "blue", 9)
    assert STARS.read_levels(tmp_path, "c1")["blue"] == (3, True)  # nothing written
    STARS.pin_level(tmp_path, "c1", "*", 2)
    assert STARS.read_levels(tmp_path, "c1") == {"*": (2, True), "blue": (3, True),
                                                 "red": (2, True)}


def test_a_hand_edited_file_never_stops_play(tmp_path: Path) -> None:
    path = STARS.path(tmp_path, "c1")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"start_level": 7, "pinned": {"a": True, "b": 0},
                                "items": {"x": {"level": "9", "streak": 5, "trials": -2}}}))
    s = STARS.load(path)
    assert (s.start_level, s.pinned, s.items["x"].level, s.items["x"].streak,
            s.items["x"].trials) == (3, {"b": 1}, 3, 1, 0)
    path.write_text("{not json")
    assert STARS.load(path).items == {}
