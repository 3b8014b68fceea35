"""Presenting: unchanged frames are not presented, input is read while a frame is being shown.

The present thread is driven with an injected ``show`` held shut behind a gate
(``threading.Event``), so "input is polled while a present is in progress" is proved without
clock thresholds: the present is provably still in progress when the input is read.
"""

from __future__ import annotations

import threading

import pygame
import pytest

from engine.app import App, AppConfig
from engine.clock import ManualClock
from engine.pointer import PointerSample
from engine.present import MAX_CONSECUTIVE_ERRORS, Presenter, threaded_present_safe
from engine.scene import Scene
from engine.testing import make_test_app

FRAME = 16_666_666
WAIT_S = 10.0  # generous: only reached if the worker is broken


class Still(Scene):
    """A scene that says when it changed; counts its draws and keeps the samples it gets."""

    redraw_every_frame = False

    def __init__(self, colour=(10, 120, 60)) -> None:
        super().__init__()
        self.colour = colour
        self.draws = 0
        self.got: list[PointerSample] = []

    def handle_pointer(self, sample: PointerSample) -> None:
        self.got.append(sample)

    def draw(self, surface: pygame.Surface) -> None:
        self.draws += 1
        surface.fill(self.colour)


class GatedShow:
    """A show that blocks until ``gate`` opens; remembers which thread ran each call."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.threads: list[str] = []

    def __call__(self) -> None:
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        assert self.gate.wait(WAIT_S)


def _app(clock: ManualClock, show, threaded: bool) -> App:
    app = App(AppConfig(present_thread=threaded), clock=clock, show=show)
    app.poll_input()  # drop the window's start-up events
    return app


def _press(pos=(300, 200)) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))


def test_unchanged_scene_is_not_drawn_nor_presented() -> None:
    clock = ManualClock()
    shows: list[int] = []
    app = _app(clock, lambda: shows.append(clock.now_ns()), threaded=False)
    scene = Still()
    app.stack.push(scene)
    for _ in range(5):
        clock.advance(FRAME)
        app.frame()
    assert (scene.draws, len(shows), app.presented, app.frames_unchanged) == (1, 1, 1, 4)
    assert app.frames == 5 and len(app.frame_cpu_ns) == 5

    scene.changed()
    clock.advance(FRAME)
    app.frame()
    clock.advance(FRAME)
    app.frame()
    assert (scene.draws, len(shows), app.frames_unchanged) == (2, 2, 5)
    assert pygame.display.get_surface().get_at((10, 10))[:3] == (10, 120, 60)


def test_stack_changes_and_exposure_redraw() -> None:
    clock = ManualClock()
    shows: list[int] = []
    app = _app(clock, lambda: shows.append(1), threaded=False)
    game = Still()
    app.stack.push(game)
    app.frame()
    app.frame()
    assert len(shows) == 1
    overlay = Still((200, 0, 0))
    overlay.opaque = False
    app.stack.push(overlay)
    app.frame()
    assert (game.draws, overlay.draws, len(shows)) == (2, 1, 2)
    app.stack.pop()
    app.frame()
    assert (game.draws, len(shows)) == (3, 3)
    pygame.event.post(pygame.event.Event(pygame.WINDOWEXPOSED))
    app.frame()
    assert (game.draws, len(shows)) == (4, 4)
    app.frame()
    assert len(shows) == 4


def test_scenes_that_do_not_say_redraw_every_frame() -> None:
    shows: list[int] = []
    app = _app(ManualClock(), lambda: shows.append(1), threaded=False)
    app.stack.push(Scene())
    for _ in range(3):
        app.frame()
    assert len(shows) == 3 and app.frames_unchanged == 0


def test_input_is_polled_and_stamped_while_a_present_is_in_progress() -> None:
    clock = ManualClock()
    show = GatedShow()
    app = _app(clock, show, threaded=True)
    scene = Still()
    app.stack.push(scene)
    app.frame()
    assert show.entered.wait(WAIT_S)
    assert app.presenter.busy

    # The present is held in progress: input is read and stamped at once all the same.
    _press()
    clock.advance(2_000_000)
    assert app.poll_input() == 1
    assert [(s.phase, s.t_ns) for s in scene.got] == [("down", clock.now_ns())]
    assert app.presenter.busy

    # A frame due meanwhile polls and runs logic but does not touch the window surface.
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(310, 200), rel=(10, 0),
                                         buttons=(1, 0, 0)))
    scene.changed()
    clock.advance(FRAME)
    app.frame()
    assert [(s.phase, s.t_ns) for s in scene.got][1:] == [("move", clock.now_ns())]
    assert (scene.draws, app.presented, app.frames_busy) == (1, 1, 1)

    show.gate.set()
    assert app.presenter.wait(WAIT_S)
    clock.advance(FRAME)
    app.frame()  # the change that had to wait is drawn now
    assert (scene.draws, app.presented) == (2, 2)
    assert app.presenter.wait(WAIT_S)
    assert show.threads == ["finemotor-present", "finemotor-present"]
    assert app.presenter.shown == 2
    app.close()
    assert app.presenter._thread is None


def test_main_thread_present_runs_show_here() -> None:
    show = GatedShow()
    show.gate.set()
    app = _app(ManualClock(), show, threaded=False)
    app.stack.push(Still())
    app.frame()
    assert show.threads == [threading.current_thread().name]
    assert not app.presenter.busy and app.presenter.shown == 1


def test_a_failed_present_redraws_and_a_lasting_failure_is_raised_here() -> None:
    clock = ManualClock()

    def failing() -> None:
        raise pygame.error("Window surface is invalid")

    app = _app(clock, failing, threaded=True)
    scene = Still()
    app.stack.push(scene)
    for i in range(MAX_CONSECUTIVE_ERRORS):
        app.frame()
        assert app.presenter.wait(WAIT_S)
        assert scene.draws == i + 1  # each failed frame is drawn again at the next deadline
    with pytest.raises(pygame.error, match="^Window surface is invalid$"):
        app.frame()
    assert app.presenter.errors == MAX_CONSECUTIVE_ERRORS
    app.close()


def test_resize_waits_for_the_frame_in_flight() -> None:
    order: list[str] = []
    show = GatedShow()
    app = _app(ManualClock(), show, threaded=True)
    app.stack.push(Still())
    app.frame()
    assert show.entered.wait(WAIT_S)
    original = app.presenter.wait

    def wait(timeout_s: float | None = None) -> bool:
        order.append("wait")
        show.gate.set()  # the frame in flight finishes only now
        ok = original(timeout_s)
        order.append("idle" if not app.presenter.busy else "busy")
        return ok

    app.presenter.wait = wait  # type: ignore[method-assign]
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1000, h=700, size=(1000, 700)))
    app.poll_input()
    assert order == ["wait", "idle"]
    # The dummy window keeps its size: the viewport follows the real surface, fetched afresh.
    assert app.window is pygame.display.get_surface()
    assert app.viewport.window_size == (1280, 800)
    app.close()


def test_platform_choice() -> None:
    assert threaded_present_safe("x11", True)
    assert not threaded_present_safe("x11", False)  # pygame's resize watch cannot be stopped
    for driver in ["cocoa", "windows", "wayland", "kmsdrm", "dummy"]:
        assert not threaded_present_safe(driver, True), driver
    app = make_test_app()  # the dummy driver: frames shown here, tests stay deterministic
    assert app.presenter.threaded is False


def test_presenter_close_is_idempotent_and_stops_the_worker() -> None:
    shows: list[str] = []
    p = Presenter(lambda: shows.append(threading.current_thread().name), threaded=True)
    assert p.present()
    assert p.wait(WAIT_S)
    p.close()
    p.close()
    assert shows == ["finemotor-present"] and p._thread is None


class GateClock(ManualClock):
    """A manual clock whose sleeps open the present gate at ``open_at`` and from then on
    let the present thread finish (so the test does not depend on thread timing)."""

    def __init__(self, show: GatedShow, open_at: int) -> None:
        super().__init__()
        self.show = show
        self.open_at = open_at
        self.app: App | None = None

    def sleep_ns(self, ns: int) -> None:
        super().sleep_ns(ns)
        if self.now_ns() >= self.open_at:
            self.show.gate.set()
            assert self.app is not None and self.app.presenter.wait(WAIT_S)


class DrawClock(Scene):
    """Draws every frame, keeps the clock time of each draw; quits after ``n`` draws."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n
        self.drawn_at: list[int] = []

    def update(self, dt: float) -> None:
        if len(self.drawn_at) >= self.n:
            self.app.quit()

    def draw(self, surface: pygame.Surface) -> None:
        self.drawn_at.append(self.app.clock.now_ns())


def test_a_frame_that_met_a_busy_present_is_shown_when_that_present_ends() -> None:
    show = GatedShow()
    start = 1_000_000_000
    clock = GateClock(show, open_at=start + FRAME + 5_000_000)
    app = _app(clock, show, threaded=True)
    clock.app = app
    scene = DrawClock(3)
    app.run(scene)
    # Drawn at the first deadline; the second deadline met the present still in flight; the
    # gate opened 5 ms later (seen at the next 2 ms poll, +6 ms): drawn then, not a frame later.
    t0 = scene.drawn_at[0]
    assert [t - t0 for t in scene.drawn_at[:3]] == [0, FRAME + 6_000_000, 2 * FRAME]
    assert app.frames_busy == 1


def test_threaded_present_composes_on_the_worker_letterboxed() -> None:
    # 800x600: the logical surface is scaled and letterboxed, on the present thread.
    seen: list[tuple[str, tuple[int, ...]]] = []

    def show() -> None:
        centre = tuple(pygame.display.get_surface().get_at((400, 300)))[:3]
        seen.append((threading.current_thread().name, centre))

    app = App(AppConfig(size=(800, 600), present_thread=True, smooth_scale=False),
              clock=ManualClock(), show=show)
    app.poll_input()
    composed_on: list[str] = []
    compose = app._compose

    def spy(plan) -> None:
        composed_on.append(threading.current_thread().name)
        compose(plan)

    app._compose = spy  # type: ignore[method-assign]
    app.stack.push(Still((200, 30, 30)))
    app.frame()
    assert app.presenter.wait(WAIT_S)
    assert composed_on == ["finemotor-present"]
    assert seen == [("finemotor-present", (200, 30, 30))]  # composed before it was shown
    win = pygame.display.get_surface()
    assert win.get_at((0, 0))[:3] == (0, 0, 0)  # top bar
    assert win.get_at((400, 599))[:3] == (0, 0, 0)  # bottom bar
    assert win.get_at((0, 50))[:3] == (200, 30, 30)
    app.close()
