"""The scripted-input harness: real events through the real input code, exact times and places."""

from __future__ import annotations

import pytest

from engine.app import App
from engine.clock import ManualClock, SystemClock
from engine.pointer import PointerSample
from engine.scene import Scene
from engine.testing import ScriptedHand, make_test_app, polyline_points

INTERVAL = 8_333_333  # round(1e9 / 120)


class Collect(Scene):
    """Keeps the samples it is handed and counts updates."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[PointerSample] = []
        self.updates = 0

    def handle_pointer(self, sample: PointerSample) -> None:
        self.got.append(sample)

    def update(self, dt: float) -> None:
        self.updates += 1


def test_polyline_points() -> None:
    assert polyline_points([(0, 0), (10, 0)], 5) == [(0, 0), (5, 0), (10, 0)]
    assert polyline_points([(0, 0), (3, 0), (3, 4)], 2) == [
        (0, 0), (2, 0), (3, 1), (3, 3), (3, 4)
    ]
    assert polyline_points([(1, 1)], 2) == [(1, 1)]
    with pytest.raises(ValueError, match="step must be positive, got 0"):
        polyline_points([(0, 0), (1, 1)], 0)


def test_tap_exact() -> None:
    app = make_test_app()
    scene = Collect()
    app.stack.push(scene)
    hand = ScriptedHand(app)
    t0 = app.clock.now_ns()
    got = hand.tap((100, 200))
    assert got == [
        PointerSample(t0, 100.0, 200.0, 0, "down", "mouse"),
        PointerSample(t0 + 80_000_000, 100.0, 200.0, 0, "up", "mouse"),
    ]
    assert scene.got == got
    assert hand.samples == got


@pytest.mark.parametrize("source", ["mouse", "touch"])
def test_drag_exact_samples_and_times(source: str) -> None:
    app = make_test_app()
    scene = Collect()
    app.stack.push(scene)
    hand = ScriptedHand(app)
    t0 = app.clock.now_ns()
    got = hand.drag([(100, 100), (200, 100)], speed=600.0, source=source)  # type: ignore[arg-type]
    pid = 1 if source == "touch" else 0
    assert [s.phase for s in got] == ["down"] + ["move"] * 20 + ["up"]
    assert {s.pointer_id for s in got} == {pid} and {s.source for s in got} == {source}
    assert [s.x for s in got[:-1]] == pytest.approx([100.0 + 5 * i for i in range(21)])
    assert [s.y for s in got] == pytest.approx([100.0] * 22)
    assert [s.t_ns for s in got] == [t0 + i * INTERVAL for i in range(22)]
    # Frames ran in between: 21 intervals (175 ms), then up to the next frame (183.3 ms), at
    # 120 logic steps a second.
    assert scene.updates == 22


def test_drag_in_a_letterboxed_window() -> None:
    app = make_test_app(size=(1920, 1080))
    app.stack.push(Collect())
    hand = ScriptedHand(app)
    mouse = hand.drag([(0, 0), (1279, 799)], speed=3000.0)
    touch = hand.drag([(10, 10), (500, 300)], speed=3000.0, source="touch")
    # Mouse positions are whole window pixels: within half a pixel (/1.35) of the script.
    assert (mouse[0].x, mouse[0].y) == (0.0, 0.0)
    assert mouse[-1].x == pytest.approx(1279, abs=0.5 / 1.35)
    assert mouse[-1].y == pytest.approx(799, abs=0.5 / 1.35)
    # Touch coordinates are fractions of the window: exact up to float rounding.
    assert (touch[-1].x, touch[-1].y) == pytest.approx((500.0, 300.0), abs=1e-9)


def test_pen_drag_is_labelled_pen() -> None:
    app = make_test_app()
    hand = ScriptedHand(app)
    got = hand.drag([(10, 10), (20, 10)], source="pen")
    assert {s.source for s in got} == {"pen"} and {s.pointer_id for s in got} == {0}
    assert {s.source for s in hand.tap((5, 5))} == {"mouse"}


def test_hold_for_the_grown_up_gate() -> None:
    app = make_test_app()
    scene = Collect()
    app.stack.push(scene)
    hand = ScriptedHand(app)
    got = hand.hold((1200, 60), 3.0, source="touch")
    assert [s.phase for s in got] == ["down", "up"]
    assert got[1].t_ns - got[0].t_ns == 3_000_000_000
    assert scene.updates == 362  # 3 s at 120 Hz, then the frame that follows the release


def test_step_runs_frames() -> None:
    app = make_test_app()
    scene = Collect()
    app.stack.push(scene)
    hand = ScriptedHand(app)
    frames = app.frames
    hand.step(30)
    assert app.frames - frames == 30
    assert scene.updates == 60


def test_pinch_gesture_shape() -> None:
    app = make_test_app()
    app.stack.push(Collect())
    hand = ScriptedHand(app)
    got = hand.pinch((300, 400), (700, 400), open_aperture=240, closed_aperture=60)
    a = [s for s in got if s.pointer_id == 1]
    b = [s for s in got if s.pointer_id == 2]
    assert a[0].phase == "down" and a[-1].phase == "up"
    assert b[0].phase == "down" and b[-1].phase == "up"
    assert (a[0].x, b[0].x) == pytest.approx((180.0, 420.0))
    assert (a[-1].x, b[-1].x) == pytest.approx((580.0, 820.0))
    gaps = [sb.x - sa.x for sa, sb in zip(a, b, strict=True)]
    assert min(gaps) == pytest.approx(60.0)


def test_needs_a_manual_clock() -> None:
    app = make_test_app()
    app.clock = SystemClock()
    with pytest.raises(TypeError, match="ScriptedHand needs an App built with a ManualClock"):
        ScriptedHand(app)
    assert isinstance(make_test_app(ManualClock(5)).clock, ManualClock)
    assert isinstance(make_test_app(), App)
