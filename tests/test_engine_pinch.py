"""Pinch detector: grip, follow, hysteresis release, finger lift, mouse grip, harness pinch."""

from __future__ import annotations

import pytest

from engine.pinch import PinchDetector, PinchEvent
from engine.pointer import PointerSample
from engine.testing import ScriptedHand, make_test_app


def touch(t: int, pid: int, x: float, y: float, phase: str = "move") -> PointerSample:
    return PointerSample(t, x, y, pid, phase, "touch")  # type: ignore[arg-type]


def test_two_fingers_grip_follow_and_release_with_hysteresis() -> None:
    d = PinchDetector(grip_distance=100, release_distance=140)
    assert d.feed(touch(1, 1, 100, 300, "down")) == []
    assert d.feed(touch(2, 2, 300, 300, "down")) == []  # 200 apart: open
    assert not d.gripping and d.aperture == 200.0 and d.centre == (200.0, 300.0)
    assert d.feed(touch(3, 1, 160, 300)) == []  # 140 apart
    assert d.feed(touch(4, 2, 250, 300)) == [PinchEvent("grip", 4, 205.0, 300.0, 90.0)]
    assert d.gripping
    assert d.feed(touch(5, 1, 180, 300)) == [PinchEvent("move", 5, 215.0, 300.0, 70.0)]
    # Opening to 130 (between grip and release distances) keeps the grip.
    assert d.feed(touch(6, 2, 310, 300)) == [PinchEvent("move", 6, 245.0, 300.0, 130.0)]
    assert d.feed(touch(7, 1, 160, 300)) == [PinchEvent("release", 7, 235.0, 300.0, 150.0)]
    assert not d.gripping
    # Closing again grips again.
    assert d.feed(touch(8, 1, 240, 300))[0].kind == "grip"


def test_lifting_a_finger_releases_where_the_object_is() -> None:
    d = PinchDetector()
    d.feed(touch(1, 1, 400, 400, "down"))
    d.feed(touch(2, 2, 450, 400, "down"))
    assert d.gripping and d.centre == (425.0, 400.0)
    assert d.feed(touch(3, 2, 470, 420, "up")) == [PinchEvent("release", 3, 425.0, 400.0, 50.0)]
    assert d.feed(touch(4, 1, 420, 400)) == []  # one finger alone never grips


def test_third_finger_is_ignored() -> None:
    d = PinchDetector()
    d.feed(touch(1, 1, 400, 400, "down"))
    d.feed(touch(2, 2, 450, 400, "down"))
    assert d.feed(touch(3, 3, 900, 100, "down")) == []
    assert d.feed(touch(4, 3, 950, 100)) == []
    assert d.feed(touch(5, 3, 950, 100, "up")) == []
    assert d.gripping and d.centre == (425.0, 400.0)


def test_mouse_button_held_is_a_grip() -> None:
    d = PinchDetector()
    m = lambda t, x, y, ph: PointerSample(t, x, y, 0, ph, "mouse")  # noqa: E731
    assert d.feed(m(1, 10, 20, "down")) == [PinchEvent("grip", 1, 10, 20, 0.0)]
    assert d.feed(m(2, 15, 25, "move")) == [PinchEvent("move", 2, 15, 25, 0.0)]
    assert d.feed(m(3, 15, 25, "up")) == [PinchEvent("release", 3, 15, 25, 0.0)]
    assert d.feed(m(4, 30, 30, "move")) == []
    pen = PointerSample(5, 1, 2, 0, "down", "pen")
    assert d.feed(pen)[0].kind == "grip"


def test_one_finger_grip_option() -> None:
    d = PinchDetector(one_finger_grip=True)
    assert d.feed(touch(1, 1, 50, 60, "down")) == [PinchEvent("grip", 1, 50, 60, 0.0)]
    assert d.feed(touch(2, 1, 55, 60)) == [PinchEvent("move", 2, 55, 60, 0.0)]
    assert d.feed(touch(3, 1, 55, 60, "up")) == [PinchEvent("release", 3, 55, 60, 0.0)]


def test_mouse_ignored_while_fingers_grip() -> None:
    d = PinchDetector()
    d.feed(touch(1, 1, 400, 400, "down"))
    d.feed(touch(2, 2, 450, 400, "down"))
    assert d.feed(PointerSample(3, 0, 0, 0, "down", "mouse")) == []
    assert d.centre == (425.0, 400.0)


def test_bad_distances() -> None:
    with pytest.raises(ValueError) as err:
        PinchDetector(grip_distance=150, release_distance=100)
    assert str(err.value) == (
        "need 0 < grip_distance <= release_distance, got 150 and 100"
    )


def test_scripted_pinch_through_the_real_input() -> None:
    app = make_test_app(size=(1920, 1080))
    hand = ScriptedHand(app)
    samples = hand.pinch((300, 400), (700, 500), open_aperture=240, closed_aperture=60)
    events = PinchDetector(grip_distance=100, release_distance=140).feed_all(samples)
    kinds = [e.kind for e in events]
    assert kinds[0] == "grip" and kinds[-1] == "release"
    assert kinds.count("grip") == 1 and kinds.count("release") == 1
    assert set(kinds[1:-1]) == {"move"}
    grip, release = events[0], events[-1]
    # The fingers' events come one after the other, so the midpoint lags by half a finger step
    # (400 px/s / 120 Hz / 2 per finger) when the grip happens.
    assert (grip.x, grip.y) == pytest.approx((300.0, 400.0), abs=400 / 120 / 4 + 1e-6)
    assert grip.aperture < 100
    assert (release.x, release.y) == pytest.approx((700.0, 500.0), abs=400 / 120 / 4 + 1e-6)
    assert release.aperture > 140
