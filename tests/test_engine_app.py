"""App: fixed-step updates with a catch-up cap, drawing, letterbox, quit paths, polling loop."""

from __future__ import annotations

import os

import pygame
import pytest

from engine.app import App, AppConfig, DisplayUnavailable
from engine.clock import ManualClock
from engine.pointer import PointerSample
from engine.record import NullSink
from engine.scene import Scene
from engine.testing import make_test_app

FRAME = 16_666_666  # 1e9 // 60
STEP = 8_333_333  # 1e9 // 120


class Counting(Scene):
    """Counts updates and draws a solid colour (or a square when it is an overlay)."""

    def __init__(self, colour=(200, 30, 30), opaque: bool = True, quit_after: int = 0,
                 pop_after: int = 0) -> None:
        super().__init__()
        self.colour = colour
        self.opaque = opaque
        self.updates = 0
        self.draws = 0
        self.dts: set[float] = set()
        self.quit_after = quit_after
        self.pop_after = pop_after
        self.exited = False
        self.got: list[PointerSample] = []

    def update(self, dt: float) -> None:
        self.updates += 1
        self.dts.add(dt)
        if self.quit_after and self.updates == self.quit_after:
            self.app.quit()
        if self.pop_after and self.updates == self.pop_after:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        self.got.append(sample)

    def draw(self, surface: pygame.Surface) -> None:
        if self.opaque:
            surface.fill(self.colour)
        else:
            surface.fill(self.colour, (600, 380, 80, 40))

    def exit(self) -> None:
        self.exited = True


def test_service_attributes() -> None:
    app = make_test_app()
    assert app.screen.get_size() == (1280, 800)
    assert app.stack.app is app
    assert isinstance(app.recorder, NullSink)
    assert app.settings.sound_on is True
    assert app.sound.settings is app.settings
    assert app.viewport.window_size == (1280, 800)
    assert app.frame_ns == FRAME and app.step_ns == STEP
    assert not app.running


def test_fixed_steps_per_frame() -> None:
    clock = ManualClock()
    app = make_test_app(clock)
    scene = Counting()
    app.stack.push(scene)
    app.reset_timing()
    for _ in range(10):
        clock.advance(FRAME)
        app.frame()
    # 10 frames of 16.67 ms at 120 Hz logic: exactly 2 steps each.
    assert scene.updates == 20
    assert scene.dts == {1 / 120}
    assert app.frames == 10
    clock.advance(STEP - 1)
    app.frame()
    assert scene.updates == 20  # not yet a whole step (20 frames' leftovers are 20 ns)
    clock.advance(1 + 60)
    app.frame()
    assert scene.updates == 21


def test_catch_up_is_capped() -> None:
    clock = ManualClock()
    app = make_test_app(clock)
    scene = Counting()
    app.stack.push(scene)
    app.reset_timing()
    clock.advance(1_000_000_000)  # a one-second stall
    app.frame()
    assert scene.updates == 8  # max_catchup_steps
    assert app.dropped_steps == 120 - 8
    # The backlog is gone: the next frame runs its normal two steps.
    clock.advance(FRAME)
    app.frame()
    assert scene.updates == 10


def test_custom_rates_and_cap() -> None:
    clock = ManualClock()
    app = App(AppConfig(fps=30, logic_hz=60, max_catchup_steps=3), clock=clock)
    scene = Counting()
    app.stack.push(scene)
    app.reset_timing()
    clock.advance(1_000_000_000 // 30)
    app.frame()
    assert scene.updates == 2
    clock.advance(500_000_000)
    app.frame()
    assert scene.updates == 5


def test_overlay_freezes_game_and_both_are_drawn() -> None:
    clock = ManualClock()
    app = make_test_app(clock)
    game = Counting((200, 30, 30))
    overlay = Counting((30, 30, 200), opaque=False)
    app.stack.push(game)
    app.stack.push(overlay)
    app.reset_timing()
    clock.advance(FRAME)
    app.frame()
    assert (game.updates, overlay.updates) == (0, 2)
    win = pygame.display.get_surface()
    assert win.get_at((10, 10))[:3] == (200, 30, 30)
    assert win.get_at((640, 400))[:3] == (30, 30, 200)


def test_opaque_scene_hides_the_one_below() -> None:
    app = make_test_app()
    below, top = Counting((200, 30, 30)), Counting((20, 160, 40))
    below.draw = lambda surface: pytest.fail("hidden scene drawn")  # type: ignore[method-assign]
    app.stack.push(below)
    app.stack.push(top)
    app.frame()
    assert pygame.display.get_surface().get_at((10, 10))[:3] == (20, 160, 40)


@pytest.mark.parametrize("smooth", [False, True])
def test_letterboxed_present_at_800x600(smooth: bool) -> None:
    app = App(AppConfig(size=(800, 600), smooth_scale=smooth), clock=ManualClock())
    app.stack.push(Counting((200, 30, 30)))
    app.frame()
    win = pygame.display.get_surface()
    assert win.get_size() == (800, 600)
    assert win.get_at((0, 0))[:3] == (0, 0, 0)  # top bar
    assert win.get_at((400, 599))[:3] == (0, 0, 0)  # bottom bar
    # smoothscale's filter rounds a flat colour down by up to 2 levels; nearest is exact.
    tol = 2 if smooth else 0
    for pos in [(400, 300), (0, 50), (799, 549)]:
        got = win.get_at(pos)[:3]
        assert all(abs(a - b) <= tol for a, b in zip(got, (200, 30, 30), strict=True)), pos


def test_quit_event_stops_and_close_runs_on_quit_once() -> None:
    app = make_test_app()
    scene = Counting()
    app.stack.push(scene)
    calls = []
    app.on_quit = lambda: calls.append(len(app.stack))
    app.running = True
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    app.frame()
    assert not app.running
    app.close()
    app.close()
    # Scenes exit first (they can finish their trial), then on_quit.
    assert scene.exited
    assert calls == [0]


def test_run_until_quit_with_manual_clock() -> None:
    clock = ManualClock()
    app = make_test_app(clock)
    scene = Counting(quit_after=20)
    calls = []
    app.on_quit = lambda: calls.append(True)
    app.run(scene)
    assert scene.updates == 20
    assert scene.exited and calls == [True]
    assert len(app.stack) == 0
    assert 10 <= app.frames <= 11


def test_run_ends_when_the_stack_is_empty() -> None:
    app = make_test_app()
    scene = Counting(pop_after=4)
    app.run(scene)
    assert scene.exited and scene.updates == 4


class PostingClock(ManualClock):
    """A manual clock that puts a mouse press in the queue when time passes ``at``."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at
        self.posted = False
        self.sleeps: list[int] = []

    def sleep_ns(self, ns: int) -> None:
        self.sleeps.append(ns)
        super().sleep_ns(ns)
        if not self.posted and self.now_ns() >= self.at:
            self.posted = True
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1))


def test_run_polls_between_frames_and_stamps_at_poll_time() -> None:
    start = 1_000_000_000
    at = start + 5_100_000  # 5.1 ms after the first frame: between two polls
    clock = PostingClock(at)
    app = make_test_app(clock)
    scene = Counting(quit_after=6)  # three frames
    app.run(scene)
    # Between frames the loop sleeps at most 2 ms at a time, then the rest of the frame.
    assert clock.sleeps[:9] == [2_000_000] * 8 + [FRAME - 16_000_000]
    # The press was read at the first poll after it was queued (6 ms), not at the next
    # frame (16.7 ms).
    assert [s.t_ns for s in scene.got] == [start + 6_000_000]


def test_display_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    pygame.display.quit()
    monkeypatch.setenv("SDL_VIDEODRIVER", "no_such_driver")
    try:
        with pytest.raises(DisplayUnavailable) as err:
            App()
        assert str(err.value) == "No display found: no_such_driver not available"
    finally:
        monkeypatch.setenv("SDL_VIDEODRIVER", os.environ.get("SDL_VIDEODRIVER", "dummy"))
        pygame.display.quit()


def test_frame_times_recorded() -> None:
    app = make_test_app()
    app.stack.push(Counting())
    for _ in range(5):
        app.frame()
    times = app.frame_times_ms()
    assert len(times) == 5 and all(t > 0 for t in times)


def test_set_fullscreen_updates_the_viewport() -> None:
    app = make_test_app()
    app.set_fullscreen(True)
    assert app.viewport.window_size == pygame.display.get_surface().get_size()
    app.set_fullscreen(False)
    assert app.viewport.window_size == (1280, 800)


def test_calibration_from_settings() -> None:
    app = make_test_app()
    assert app.viewport.mm_per_px is None
    app.settings.screen_width_mm = 300.0
    app.apply_settings()
    desktop_w = pygame.display.get_desktop_sizes()[0][0]
    assert app.viewport.mm_per_px == pytest.approx(300.0 / desktop_w)


def test_whole_number_scale_at_2560x1600() -> None:
    app = App(AppConfig(size=(2560, 1600)), clock=ManualClock())

    class Dot(Scene):
        def draw(self, surface: pygame.Surface) -> None:
            surface.fill((255, 255, 255))
            surface.fill((10, 20, 30), (10, 10, 1, 1))

    app.stack.push(Dot())
    app.frame()
    win = pygame.display.get_surface()
    # One logical pixel becomes exactly a 2x2 block of window pixels.
    assert [win.get_at(p)[:3] for p in [(20, 20), (21, 21), (19, 20), (22, 21)]] == [
        (10, 20, 30), (10, 20, 30), (255, 255, 255), (255, 255, 255)
    ]
