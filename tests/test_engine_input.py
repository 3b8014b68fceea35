"""Pointer input: mouse, touch, synthetic-mouse dedupe, keys, every motion kept, time stamps."""

from __future__ import annotations

import pygame
import pytest

from engine.clock import ManualClock
from engine.input import (
    TOUCH_MOUSEID,
    PointerInput,
    QuitRequest,
    WindowResized,
)
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from engine.testing import make_test_app
from engine.viewport import Viewport

E = pygame.event.Event
T = 5_000_000


def _input(size: tuple[int, int] = (1280, 800)) -> PointerInput:
    return PointerInput(ManualClock(), Viewport(size))


def _down(pos, button=1, **kw):
    return E(pygame.MOUSEBUTTONDOWN, pos=pos, button=button, **kw)


def _up(pos, button=1, **kw):
    return E(pygame.MOUSEBUTTONUP, pos=pos, button=button, **kw)


def _move(pos, **kw):
    return E(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0), **kw)


def _finger(kind, fid, x, y, touch_id=7):
    return E(kind, touch_id=touch_id, finger_id=fid, x=x, y=y, dx=0.0, dy=0.0, pressure=0.0)


def test_mouse_stroke_and_hover_ignored() -> None:
    inp = _input()
    out = inp.translate(
        [_move((5, 5)), _down((10, 20)), _move((11, 21)), _move((12, 22)), _up((13, 23)),
         _move((50, 50))],
        T,
    )
    assert out == [
        PointerSample(T, 10.0, 20.0, 0, "down", "mouse"),
        PointerSample(T, 11.0, 21.0, 0, "move", "mouse"),
        PointerSample(T, 12.0, 22.0, 0, "move", "mouse"),
        PointerSample(T, 13.0, 23.0, 0, "up", "mouse"),
    ]
    assert inp.pointers_down == ()


def test_mouse_buttons_combine_and_wheel_is_ignored() -> None:
    inp = _input()
    out = inp.translate(
        [_down((1, 1), button=4), _up((1, 1), button=4),  # wheel
         _down((2, 2), button=3), _down((3, 3), button=1), _up((4, 4), button=3),
         _move((5, 5)), _up((6, 6), button=1), _up((7, 7), button=1)],
        T,
    )
    assert [(s.phase, s.x) for s in out] == [("down", 2.0), ("move", 5.0), ("up", 6.0)]


def test_mouse_maps_to_logical_in_letterboxed_window() -> None:
    inp = _input((1920, 1080))
    out = inp.translate([_down((960, 540)), _up((96, 0))], T)
    assert [(s.x, s.y) for s in out] == [(640.0, 400.0), (0.0, 0.0)]


def test_touch_synthesised_mouse_events_are_dropped() -> None:
    inp = _input()
    out = inp.translate(
        [
            _finger(pygame.FINGERDOWN, 11, 0.5, 0.5),
            _down((640, 400), touch=True),
            _move((641, 400), touch=True),
            _down((640, 400), which=TOUCH_MOUSEID),
            _move((642, 400), which=TOUCH_MOUSEID),
            _up((642, 400), which=TOUCH_MOUSEID),
            _finger(pygame.FINGERUP, 11, 0.5, 0.5),
            _up((640, 400), touch=True),
        ],
        T,
    )
    assert out == [
        PointerSample(T, 640.0, 400.0, 1, "down", "touch"),
        PointerSample(T, 640.0, 400.0, 1, "up", "touch"),
    ]


def test_mouse_synthesised_finger_events_are_dropped() -> None:
    inp = _input()
    out = inp.translate(
        [_down((10, 10)), _finger(pygame.FINGERDOWN, 0, 0.1, 0.1, touch_id=-1),
         _finger(pygame.FINGERUP, 0, 0.1, 0.1, touch_id=-1), _up((10, 10))],
        T,
    )
    assert [(s.source, s.phase) for s in out] == [("mouse", "down"), ("mouse", "up")]


def test_touch_fingers_get_small_reused_ids() -> None:
    inp = _input((1920, 1080))
    out = inp.translate(
        [
            _finger(pygame.FINGERDOWN, 900, 0.5, 0.5),
            _finger(pygame.FINGERDOWN, 901, 0.05, 0.0),
            _finger(pygame.FINGERMOTION, 900, 0.55, 0.5),
            _finger(pygame.FINGERUP, 900, 0.55, 0.5),
            _finger(pygame.FINGERDOWN, 902, 0.95, 1.0),
        ],
        T,
    )
    assert [(s.pointer_id, s.phase) for s in out] == [
        (1, "down"), (2, "down"), (1, "move"), (1, "up"), (1, "down"),
    ]
    assert (out[0].x, out[0].y) == (640.0, 400.0)
    assert (out[1].x, out[1].y) == pytest.approx((0.0, 0.0), abs=1e-9)
    assert out[2].x == pytest.approx((0.55 * 1920 - 96) / 1.35)
    assert (out[4].x, out[4].y) == pytest.approx((1280.0, 800.0))
    assert inp.pointers_down == (1, 2)


def test_same_finger_id_on_two_devices_is_two_pointers() -> None:
    inp = _input()
    out = inp.translate(
        [_finger(pygame.FINGERDOWN, 0, 0.1, 0.1, touch_id=1),
         _finger(pygame.FINGERDOWN, 0, 0.2, 0.2, touch_id=2)],
        T,
    )
    assert [s.pointer_id for s in out] == [1, 2]


def test_stray_finger_events() -> None:
    inp = _input()
    # An up without a down ends nothing; a motion without a down starts a stroke.
    out = inp.translate(
        [_finger(pygame.FINGERUP, 3, 0.5, 0.5), _finger(pygame.FINGERMOTION, 4, 0.5, 0.5)], T
    )
    assert [(s.pointer_id, s.phase) for s in out] == [(1, "down")]


class _NoPressure:
    """A finger event whose ``pressure`` must never be read (SDL fills it from dy)."""

    def __init__(self, kind: int) -> None:
        self.type = kind
        self.touch_id, self.finger_id, self.x, self.y, self.dx, self.dy = 1, 1, 0.25, 0.5, 0, 0.1

    @property
    def pressure(self) -> float:
        raise AssertionError("finger pressure read")


def test_finger_pressure_is_never_read() -> None:
    inp = _input()
    out = inp.translate([_NoPressure(pygame.FINGERDOWN), _NoPressure(pygame.FINGERMOTION)], T)
    assert [s.phase for s in out] == ["down", "move"]
    assert not hasattr(out[0], "pressure")


def test_keys_quit_and_resize() -> None:
    inp = _input()
    out = inp.translate(
        [
            E(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b"),
            E(pygame.KEYDOWN, key=pygame.K_a, mod=pygame.KMOD_LSHIFT, unicode="A"),
            E(pygame.KEYUP, key=pygame.K_a, mod=0),
            E(pygame.VIDEORESIZE, w=1920, h=1080, size=(1920, 1080)),
            E(pygame.WINDOWSIZECHANGED, x=1920, y=1080),  # the same size again: no event
            _down((960, 540)),
            E(pygame.QUIT),
        ],
        T,
    )
    assert out == [
        KeyPress(T, pygame.K_ESCAPE, 0, "\x1b"),
        KeyPress(T, pygame.K_a, pygame.KMOD_LSHIFT, "A"),
        WindowResized(T, 1920, 1080),
        PointerSample(T, 640.0, 400.0, 0, "down", "mouse"),  # mapped with the new size
        QuitRequest(T),
    ]
    assert inp.viewport.window_size == (1920, 1080)


def test_pen_label_for_the_mouse_stream() -> None:
    inp = PointerInput(ManualClock(), Viewport(), mouse_source="pen")
    out = inp.translate([_down((1, 2))], T)
    assert out == [PointerSample(T, 1.0, 2.0, 0, "down", "pen")]


def test_release_all() -> None:
    inp = _input()
    inp.translate([_down((1, 1)), _finger(pygame.FINGERDOWN, 5, 0.5, 0.5)], T)
    ups = inp.release_all(T + 1)
    assert [(s.pointer_id, s.phase, s.source) for s in ups] == [
        (0, "up", "mouse"), (1, "up", "touch")
    ]
    assert inp.pointers_down == ()
    # Each ends where it was last seen: the mouse at (1, 1), the finger at the middle.
    assert [(s.x, s.y) for s in ups] == [(1.0, 1.0), (640.0, 400.0)]


class Collect(Scene):
    """Keeps every sample it is handed."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[PointerSample] = []
        self.keys: list[KeyPress] = []

    def handle_pointer(self, sample: PointerSample) -> None:
        self.got.append(sample)

    def handle_key(self, key: KeyPress) -> None:
        self.keys.append(key)


def test_every_queued_motion_is_kept_within_one_frame() -> None:
    app = make_test_app()
    scene = Collect()
    app.stack.push(scene)
    pygame.event.post(_down((100, 100)))
    for i in range(1, 201):
        pygame.event.post(_move((100 + i, 100 + i // 2)))
    pygame.event.post(_up((300, 200)))
    app.frame()
    assert len(scene.got) == 202
    assert [s.phase for s in scene.got] == ["down"] + ["move"] * 200 + ["up"]
    assert [s.x for s in scene.got[1:-1]] == [100.0 + i for i in range(1, 201)]
    # One poll read them all: they share its stamp.
    assert {s.t_ns for s in scene.got} == {app.clock.now_ns()}


def test_real_queue_stamps_at_poll_time_and_monotonic() -> None:
    clock = ManualClock()
    app = make_test_app(clock)
    scene = Collect()
    app.stack.push(scene)
    stamps = []
    pygame.event.post(_down((10, 10)))
    app.poll_input()
    stamps.append(clock.now_ns())
    for i in range(20):
        clock.advance(2_000_000 + 37 * i)
        pygame.event.post(_move((10 + i, 10)))
        app.poll_input()
        stamps.append(clock.now_ns())
    assert [s.t_ns for s in scene.got] == stamps
    assert all(b > a for a, b in zip(stamps, stamps[1:], strict=False))


def test_keys_go_to_the_top_scene() -> None:
    app = make_test_app()
    below, top = Collect(), Collect()
    app.stack.push(below)
    app.stack.push(top)
    pygame.event.post(E(pygame.KEYDOWN, key=pygame.K_F11, mod=0, unicode=""))
    pygame.event.post(_down((5, 5)))
    app.poll_input()
    assert [k.key for k in top.keys] == [pygame.K_F11]
    assert len(top.got) == 1
    assert below.keys == [] and below.got == []


def test_stylus_setting_labels_the_mouse_stream_pen() -> None:
    from engine.settings import Settings

    settings = Settings(stylus=True)
    app = make_test_app(settings=settings)
    scene = Collect()
    app.stack.push(scene)
    pygame.event.post(_down((100, 100)))
    pygame.event.post(_up((110, 100)))
    app.frame()
    assert [(s.phase, s.source) for s in scene.got] == [("down", "pen"), ("up", "pen")]
    settings.stylus = False  # a grown-up turned it off: applied without a restart
    app.apply_settings()
    pygame.event.post(_down((100, 100)))
    app.frame()
    assert scene.got[-1].source == "mouse"
