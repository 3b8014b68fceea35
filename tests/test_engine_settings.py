"""Settings: defaults, dictionary round trip, unknown keys and bad values."""

from __future__ import annotations

import json

from engine.settings import Settings


def test_defaults() -> None:
    s = Settings()
    assert s.to_dict() == {
        "sound_on": True,
        "left_handed": False,
        "reduce_motion": False,
        "strict": False,
        "session_minutes": 10,
        "screen_width_mm": None,
        "stylus": False,
        "assisted_input": False,
        "timed_rounds": False,
        "prompting": "after_error",
    }


def test_round_trip_through_json() -> None:
    s = Settings(sound_on=False, left_handed=True, reduce_motion=True, strict=True,
                 session_minutes=15, screen_width_mm=217.5, stylus=True, assisted_input=True,
                 timed_rounds=True, prompting="errorless")
    assert Settings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_unknown_keys_ignored() -> None:
    s = Settings.from_dict({"sound_on": False, "colour": "red", "version": 9})
    assert s == Settings(sound_on=False)


def test_bad_values_fall_back_to_defaults() -> None:
    s = Settings.from_dict({
        "sound_on": "false",  # a string is not a bool
        "left_handed": 1,
        "reduce_motion": None,
        "strict": True,
        "session_minutes": 0,
        "screen_width_mm": "wide",
        "stylus": "yes",
        "assisted_input": 1,
        "timed_rounds": "on",
    })
    assert s == Settings(strict=True)
    assert Settings.from_dict({"session_minutes": 121}).session_minutes == 10
    assert Settings.from_dict({"session_minutes": 7.5}).session_minutes == 10
    assert Settings.from_dict({"session_minutes": True}).session_minutes == 10
    assert Settings.from_dict({"session_minutes": 120}).session_minutes == 120
    assert Settings.from_dict({"screen_width_mm": float("nan")}).screen_width_mm is None
    assert Settings.from_dict({"screen_width_mm": -3}).screen_width_mm is None
    assert Settings.from_dict({"screen_width_mm": 5000}).screen_width_mm is None
    assert Settings.from_dict({"screen_width_mm": 300}).screen_width_mm == 300.0


def test_not_a_dict_gives_defaults() -> None:
    assert Settings.from_dict(None) == Settings()
    assert Settings.from_dict([1, 2]) == Settings()


def test_prompting_is_one_of_three() -> None:
    assert Settings.from_dict({"prompting": "none"}).prompting == "none"
    assert Settings.from_dict({"prompting": "after-error"}).prompting == "after_error"
    assert Settings.from_dict({"prompting": True}).prompting == "after_error"
