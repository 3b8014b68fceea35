"""Scripted input for tests: drive a real :class:`engine.app.App` headless, as a hand would.

:class:`ScriptedHand` posts real pygame events (``MOUSEBUTTONDOWN``/``MOUSEMOTION``/
``MOUSEBUTTONUP`` or ``FINGERDOWN``/``FINGERMOTION``/``FINGERUP``) in window coordinates
computed from the app's viewport, and moves the app's :class:`engine.clock.ManualClock`
between them. After each event it lets the app poll its queue, so the real input code
(:mod:`engine.input`) converts, stamps and dispatches it, exactly as in play; whenever the
clock passes a frame deadline it runs :meth:`engine.app.App.frame` (logic steps, drawing).

Time is exact: an event posted at manual time ``t`` is stamped ``t``. Every gesture returns
the :class:`engine.pointer.PointerSample` list the app delivered during it, and
:attr:`ScriptedHand.samples` keeps them all.

Use with the SDL dummy drivers (``SDL_VIDEODRIVER=dummy``, ``SDL_AUDIODRIVER=dummy``)::

    app = make_test_app()
    app.stack.push(MyScene())
    hand = ScriptedHand(app)
    hand.drag([(100, 100), (400, 100)], speed=600.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pygame

from engine.app import App, AppConfig
from engine.clock import ManualClock
from engine.pointer import PointerSample, Source
from engine.settings import Settings
from engine.sound import SoundPlayer

Point = tuple[float, float]

DEFAULT_EVENT_HZ = 120.0  # a typical touch screen / mouse report rate
_TOUCH_ID = 1  # the scripted touch device


def make_test_app(
    clock: ManualClock | None = None,
    size: tuple[int, int] = (1280, 800),
    settings: Settings | None = None,
) -> App:
    """An :class:`App` with a :class:`ManualClock` and a window of ``size`` (dummy driver)."""
    clock = clock if clock is not None else ManualClock()
    settings = settings if settings is not None else Settings()
    app = App(AppConfig(size=size), clock=clock, settings=settings, sound=SoundPlayer(settings))
    # Drop what opening the window queued (window shown, focus...): tests start from silence.
    app.poll_input()
    return app


def polyline_points(points: Sequence[Point], step: float) -> list[Point]:
    """Points every ``step`` along a polyline, first and last included (the last step shorter)."""
    if not points:
        raise ValueError("a polyline needs at least one point")
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    out: list[Point] = [(float(points[0][0]), float(points[0][1]))]
    carry = 0.0  # distance already travelled since the last emitted point
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        seg = math.hypot(x1 - x0, y1 - y0)
        if seg == 0:
            continue
        d = step - carry
        while d < seg - 1e-9:
            f = d / seg
            out.append((x0 + (x1 - x0) * f, y0 + (y1 - y0) * f))
            d += step
        carry = seg - (d - step)
    last = (float(points[-1][0]), float(points[-1][1]))
    if out[-1] != last:
        out.append(last)
    return out


class ScriptedHand:
    """Feeds scripted mouse or touch gestures through the real input code of an app."""

    def __init__(self, app: App, event_hz: float = DEFAULT_EVENT_HZ) -> None:
        if not isinstance(app.clock, ManualClock):
            raise TypeError("ScriptedHand needs an App built with a ManualClock")
        self.app = app
        self.clock: ManualClock = app.clock
        self.event_hz = event_hz
        self.samples: list[PointerSample] = []
        self._next_frame = self.clock.now_ns() + app.frame_ns
        self._next_finger = 1
        app.reset_timing()
        app.add_pointer_observer(self.samples.append)

    # -- time -----------------------------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Let ``seconds`` pass, running every frame that falls due."""
        self._advance(int(round(seconds * 1e9)))

    def step(self, frames: int = 1) -> None:
        """Run ``frames`` whole frames (the clock moves one frame period each)."""
        for _ in range(frames):
            self._advance(max(0, self._next_frame - self.clock.now_ns()))

    def _advance(self, ns: int) -> None:
        target = self.clock.now_ns() + ns
        while self._next_frame <= target:
            self.clock.advance(max(0, self._next_frame - self.clock.now_ns()))
            self.app.frame()
            self._next_frame += self.app.frame_ns
        self.clock.advance(target - self.clock.now_ns())

    # -- events ---------------------------------------------------------------------------------

    def _post(self, type_: int, **attrs: Any) -> None:
        pygame.event.post(pygame.event.Event(type_, **attrs))
        self.app.poll_input()

    def _window_px(self, pos: Point) -> tuple[int, int]:
        wx, wy = self.app.viewport.logical_to_window(pos[0], pos[1])
        return (int(round(wx)), int(round(wy)))

    def _mouse(self, type_: int, pos: Point, last: tuple[int, int] | None) -> tuple[int, int]:
        px = self._window_px(pos)
        if type_ == pygame.MOUSEMOTION:
            rel = (px[0] - last[0], px[1] - last[1]) if last else (0, 0)
            self._post(type_, pos=px, rel=rel, buttons=(1, 0, 0), touch=False, which=0)
        else:
            self._post(type_, pos=px, button=1, touch=False, which=0)
        return px

    def _finger(self, type_: int, finger: int, pos: Point, last: Point | None) -> Point:
        nx, ny = self.app.viewport.logical_to_normalized(pos[0], pos[1])
        dx, dy = (nx - last[0], ny - last[1]) if last else (0.0, 0.0)
        # pressure is set as SDL does (from dy), to prove the engine never reads it.
        self._post(type_, touch_id=_TOUCH_ID, finger_id=finger, x=nx, y=ny, dx=dx, dy=dy,
                   pressure=dy)
        return (nx, ny)

    def _collect(self, start: int) -> list[PointerSample]:
        return self.samples[start:]

    # -- gestures -------------------------------------------------------------------------------

    def press(self, pos: Point, source: Source = "mouse") -> int:
        """Put a finger (or press the mouse button) down at ``pos``; return its finger id.

        ``source="pen"`` presses the mouse button with the input layer labelling it a pen."""
        if source == "touch":
            finger = self._next_finger
            self._next_finger += 1
            self._finger(pygame.FINGERDOWN, finger, pos, None)
            return finger
        # SDL 2 has no pen events: a stylus arrives as the mouse, labelled by the input layer.
        self.app.input.mouse_source = source
        self._mouse(pygame.MOUSEBUTTONDOWN, pos, None)
        return 0

    def release(self, pos: Point, source: Source = "mouse", finger: int = 0) -> None:
        """Lift the finger ``finger`` (or release the mouse button) at ``pos``."""
        if source == "touch":
            self._finger(pygame.FINGERUP, finger, pos, None)
        else:
            self._mouse(pygame.MOUSEBUTTONUP, pos, None)

    def tap(self, pos: Point, source: Source = "mouse", hold: float = 0.08) -> list[PointerSample]:
        """Press and release at ``pos`` (held ``hold`` seconds), then run one more frame."""
        start = len(self.samples)
        finger = self.press(pos, source)
        self.wait(hold)
        self.release(pos, source, finger)
        self.step()
        return self._collect(start)

    def hold(self, pos: Point, seconds: float, source: Source = "mouse") -> list[PointerSample]:
        """Press at ``pos`` and keep still for ``seconds`` (e.g. the grown-up gate), release."""
        return self.tap(pos, source, hold=seconds)

    def drag(
        self,
        points: Sequence[Point],
        speed: float = 600.0,
        source: Source = "mouse",
        event_hz: float | None = None,
    ) -> list[PointerSample]:
        """Press at the first point, move along the polyline at ``speed`` logical px/s with one
        motion event every ``1/event_hz`` s, release at the last point; then run one frame."""
        if speed <= 0:
            raise ValueError(f"speed must be positive, got {speed}")
        hz = event_hz or self.event_hz
        path = polyline_points(points, speed / hz)
        start = len(self.samples)
        interval = 1.0 / hz
        finger = self.press(path[0], source)
        last_m = self._window_px(path[0])
        last_f = self.app.viewport.logical_to_normalized(*path[0])
        for p in path[1:]:
            self.wait(interval)
            if source == "touch":
                last_f = self._finger(pygame.FINGERMOTION, finger, p, last_f)
            else:
                last_m = self._mouse(pygame.MOUSEMOTION, p, last_m)
        self.wait(interval)
        self.release(path[-1], source, finger)
        self.step()
        return self._collect(start)

    def pinch(
        self,
        start: Point,
        end: Point,
        speed: float = 400.0,
        open_aperture: float = 240.0,
        closed_aperture: float = 60.0,
        event_hz: float | None = None,
    ) -> list[PointerSample]:
        """Two fingers land ``open_aperture`` apart (horizontally) around ``start``, close to
        ``closed_aperture``, carry their midpoint to ``end``, open again and lift."""
        hz = event_hz or self.event_hz
        interval = 1.0 / hz
        step = speed / hz
        begin = len(self.samples)
        sx, sy = start
        ex, ey = end
        half_open, half_closed = open_aperture / 2, closed_aperture / 2
        # The three phases as (centre path, half-aperture) pairs, sampled at the same step.
        closing = _lerp_steps(half_open, half_closed, step / 2)
        carry = polyline_points([start, end], step)
        opening = _lerp_steps(half_closed, half_open, step / 2)
        frames: list[tuple[Point, float]] = [((sx, sy), h) for h in closing]
        frames += [(c, half_closed) for c in carry[1:]]
        frames += [((ex, ey), h) for h in opening[1:]]

        def fingers(c: Point, h: float) -> tuple[Point, Point]:
            return (c[0] - h, c[1]), (c[0] + h, c[1])

        a0, b0 = fingers(*frames[0])
        fa = self.press(a0, "touch")
        fb = self.press(b0, "touch")
        last_a = self.app.viewport.logical_to_normalized(*a0)
        last_b = self.app.viewport.logical_to_normalized(*b0)
        for centre, h in frames[1:]:
            self.wait(interval)
            a, b = fingers(centre, h)
            last_a = self._finger(pygame.FINGERMOTION, fa, a, last_a)
            last_b = self._finger(pygame.FINGERMOTION, fb, b, last_b)
        self.wait(interval)
        a, b = fingers(*frames[-1])
        self.release(a, "touch", fa)
        self.release(b, "touch", fb)
        self.step()
        return self._collect(begin)


def _lerp_steps(a: float, b: float, step: float) -> list[float]:
    """Values from ``a`` to ``b`` (both included) in steps of at most ``step``."""
    n = max(1, math.ceil(abs(b - a) / step))
    return [a + (b - a) * i / n for i in range(n + 1)]
