"""Pinch detector: start apart, grip, follow, hysteresis and debounced release, misses, finger
lift, mouse grip, replay equals live, harness pinch."""

from __future__ import annotations

import random

import numpy as np
import pytest

from engine.pinch import PinchDetector, PinchEvent
from engine.pinch_replay import PHASE_CODES, SOURCE_CODES, _replay_slow, replay
from engine.pointer import PointerSample
from engine.testing import ScriptedHand, make_test_app


def touch(t: int, pid: int, x: float, y: float, phase: str = "move") -> PointerSample:
    return PointerSample(t, x, y, pid, phase, "touch")  # type: ignore[arg-type]


def test_two_fingers_grip_follow_and_release_with_hysteresis() -> None:
    d = PinchDetector(grip_distance=100, release_distance=140, release_debounce_ms=0)
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
    d.feed(touch(2, 2, 520, 400, "down"))
    assert d.feed(touch(3, 2, 450, 400))[0].kind == "grip"
    assert d.gripping and d.centre == (425.0, 400.0)
    assert d.feed(touch(4, 2, 470, 420, "up")) == [PinchEvent("release", 4, 425.0, 400.0, 50.0)]
    assert d.feed(touch(5, 1, 420, 400)) == []  # one finger alone never grips


def test_third_finger_is_ignored() -> None:
    d = PinchDetector()
    d.feed(touch(1, 1, 400, 400, "down"))
    d.feed(touch(2, 2, 520, 400, "down"))
    d.feed(touch(3, 2, 450, 400))
    assert d.feed(touch(4, 3, 900, 100, "down")) == []
    assert d.feed(touch(5, 3, 950, 100)) == []
    assert d.feed(touch(6, 3, 950, 100, "up")) == []
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
    d.feed(touch(2, 2, 520, 400, "down"))
    d.feed(touch(3, 2, 450, 400))
    assert d.gripping
    assert d.feed(PointerSample(4, 0, 0, 0, "down", "mouse")) == []
    assert d.centre == (425.0, 400.0)


def test_bad_distances() -> None:
    with pytest.raises(ValueError) as err:
        PinchDetector(grip_distance=150, release_distance=100)
    assert str(err.value) == (
        "need 0 < grip_distance <= release_distance, got 150 and 100"
    )
    with pytest.raises(ValueError) as err:
        PinchDetector(release_debounce_ms=-1)
    assert str(err.value) == "release_debounce_ms must be 0 or more, got -1"


MS = 1_000_000


def test_fingers_landing_closed_grip_nothing_and_miss_once() -> None:
    d = PinchDetector(grip_distance=100, release_distance=140)
    assert d.feed(touch(1 * MS, 1, 400, 400, "down")) == []
    # The second finger lands 60 px away: already closed, a failed attempt, said once.
    assert d.feed(touch(2 * MS, 2, 460, 400, "down")) == [
        PinchEvent("miss", 2 * MS, 430.0, 400.0, 60.0)
    ]
    assert d.feed(touch(3 * MS, 2, 450, 400)) == []  # still closed: nothing, no second miss
    assert not d.gripping
    # Opening to 100 arms the pair; closing below 100 then grips.
    assert d.feed(touch(4 * MS, 2, 500, 400)) == []
    assert d.feed(touch(5 * MS, 2, 470, 400)) == [PinchEvent("grip", 5 * MS, 435.0, 400.0, 70.0)]


def test_a_trembling_opening_shorter_than_the_debounce_keeps_the_grip() -> None:
    d = PinchDetector(grip_distance=100, release_distance=140, release_debounce_ms=80)
    d.feed(touch(0, 1, 300, 300, "down"))
    d.feed(touch(0, 2, 500, 300, "down"))
    assert d.feed(touch(10 * MS, 2, 380, 300))[0].kind == "grip"
    # Open past 140 for 50 ms, then close again: a tremble.
    assert d.feed(touch(20 * MS, 2, 450, 300))[0].kind == "move"  # 150 apart
    assert d.feed(touch(70 * MS, 2, 455, 300))[0].kind == "move"
    assert d.feed(touch(90 * MS, 2, 420, 300))[0].kind == "move"  # 120: closed again
    assert d.poll(1000 * MS) == [] and d.gripping
    # Open for good: the release is dated and placed where the opening began.
    assert d.feed(touch(1100 * MS, 2, 460, 300))[0].kind == "move"  # 160 apart, centre 380
    assert d.feed(touch(1150 * MS, 2, 470, 300))[0].kind == "move"
    assert d.poll(1179 * MS) == []
    assert d.poll(1180 * MS) == [PinchEvent("release", 1100 * MS, 380.0, 300.0, 160.0)]
    assert not d.gripping and d.poll(2000 * MS) == []


def test_a_new_sample_after_the_debounce_confirms_the_release_before_it_counts() -> None:
    d = PinchDetector(grip_distance=100, release_distance=140, release_debounce_ms=80)
    d.feed(touch(0, 1, 300, 300, "down"))
    d.feed(touch(0, 2, 500, 300, "down"))
    d.feed(touch(10 * MS, 2, 380, 300))
    d.feed(touch(20 * MS, 2, 460, 300))  # opens (160) and then no event for 200 ms
    # The fingers close again: the release came first, then a new grip.
    assert d.feed(touch(220 * MS, 2, 370, 300)) == [
        PinchEvent("release", 20 * MS, 380.0, 300.0, 160.0),
        PinchEvent("grip", 220 * MS, 335.0, 300.0, 70.0),
    ]


def test_replaying_the_samples_gives_the_events_the_live_game_saw() -> None:
    rng = random.Random(7)
    samples = [touch(0, 1, 300, 300, "down"), touch(0, 2, 500, 300, "down")]
    t, gap = 0, 200.0
    for _ in range(400):
        t += rng.choice((4, 8, 30, 120)) * MS
        gap = min(260.0, max(20.0, gap + rng.uniform(-45, 45)))
        samples.append(touch(t, 2, 300 + gap, 300 + rng.uniform(-3, 3)))
    samples.append(touch(t + MS, 2, 300 + gap, 300, "up"))
    live, d = [], PinchDetector()
    frame = 0
    for s in samples:
        while frame + 16 * MS <= s.t_ns:  # frames poll between the samples
            frame += 16 * MS
            live.extend(d.poll(frame))
        live.extend(d.feed(s))
    replay = PinchDetector().feed_all(samples)
    assert live == replay
    kinds = [e.kind for e in replay]
    assert kinds.count("grip") == kinds.count("release") > 3


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


def _random_two_finger_stream(seed: int) -> list[PointerSample]:
    """Two fingers landing, closing, opening, trembling and lifting at random."""
    rng = random.Random(seed)
    out: list[PointerSample] = []
    t = 0
    down: dict[int, tuple[float, float]] = {}
    for _ in range(300):
        t += rng.choice((0, 4, 8, 30, 90)) * MS
        pid = rng.choice((1, 2))
        if pid not in down:
            if rng.random() < 0.5:
                other = down.get(3 - pid)
                base = other if other else (rng.uniform(200, 900), rng.uniform(200, 600))
                pos = (base[0] + rng.choice((-1, 1)) * rng.uniform(20, 260), base[1])
                down[pid] = pos
                out.append(touch(t, pid, *pos, "down"))
            continue
        if rng.random() < 0.04:
            out.append(touch(t, pid, *down.pop(pid), "up"))
            continue
        x, y = down[pid]
        pos = (x + rng.uniform(-40, 40), y + rng.uniform(-8, 8))
        down[pid] = pos
        out.append(touch(t, pid, *pos))
    return out


def _arrays(samples: list[PointerSample]) -> tuple[np.ndarray, ...]:
    return (
        np.array([s.t_ns for s in samples], np.int64),
        np.array([s.x for s in samples]),
        np.array([s.y for s in samples]),
        np.array([s.pointer_id for s in samples]),
        np.array([PHASE_CODES[s.phase] for s in samples]),
        np.array([SOURCE_CODES[s.source] for s in samples]),
    )


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("debounce", [0.0, 80.0])
def test_fast_replay_gives_the_detectors_events_and_carry(seed: int, debounce: float) -> None:
    samples = _random_two_finger_stream(seed)
    if seed % 5 == 4:  # some streams are a mouse
        samples = [PointerSample(s.t_ns, s.x, s.y, 0, s.phase, "mouse") for s in samples
                   if s.pointer_id == 1]
    arrays = _arrays(samples)
    fast = replay(*arrays, detector=PinchDetector(release_debounce_ms=debounce))
    slow = _replay_slow(*arrays, PinchDetector(release_debounce_ms=debounce))
    d = PinchDetector(release_debounce_ms=debounce)
    live = [e for e in d.feed_all(samples) if e.kind != "move"] + d.poll(1 << 62)
    assert fast.events == slow.events == live
    assert fast.index == slow.index
    np.testing.assert_array_equal(fast.cx, slow.cx)
    np.testing.assert_array_equal(fast.cy, slow.cy)
    kinds = [e.kind for e in live]
    assert len(kinds) > 0


def test_a_third_finger_is_replayed_by_the_detector_itself() -> None:
    samples = [touch(0, 1, 300, 300, "down"), touch(0, 2, 500, 300, "down"),
               touch(1 * MS, 3, 900, 300, "down"), touch(2 * MS, 2, 380, 300),
               touch(3 * MS, 3, 950, 300), touch(4 * MS, 2, 420, 300),
               touch(5 * MS, 1, 300, 300, "up")]
    track = replay(*_arrays(samples))
    assert [e.kind for e in track.events] == ["grip", "release"]
    assert track.index == [3, 6]
    np.testing.assert_array_equal(track.cx, [np.nan, np.nan, np.nan, 340, 340, 360, 360])


def test_points_are_the_pair_or_the_held_mouse() -> None:
    d = PinchDetector()
    assert d.points == []
    d.feed(touch(1, 1, 100, 300, "down"))
    d.feed(touch(2, 2, 300, 300, "down"))
    d.feed(touch(3, 3, 900, 300, "down"))  # a third finger is not part of the pinch
    assert d.points == [(100.0, 300.0), (300.0, 300.0)]
    d.feed(touch(4, 1, 100, 300, "up"))
    assert d.points == [(300.0, 300.0), (900.0, 300.0)]
    d.reset()
    d.feed(PointerSample(5, 40, 50, 0, "down", "mouse"))
    assert d.points == [(40.0, 50.0)]
