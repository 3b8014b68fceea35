"""The application: window, main loop, scene stack and the services scenes use.

Loop (:meth:`App.run`)::

    until quit() or the stack is empty:
        if the frame deadline has come:   frame()
        else:                              poll input and dispatch it at once; sleep <= 2 ms

    frame():  poll input + dispatch  ->  fixed logic steps  ->  if anything changed and no
              frame is in flight: draw visible scenes, compose the window, present
              (a changed frame that met a present in flight runs as soon as it ends)

* **Input** is polled every ``poll_interval_ms`` between frames, not once a frame: pygame events
  carry no timestamp, so a sample is stamped when it leaves the queue, and polling often keeps
  that stamp within a few ms of the real event. Samples are dispatched to the top scene as
  soon as they are read.
* **Logic** runs in fixed steps of ``1 / logic_hz`` seconds, as many as the elapsed time asks
  for, at most ``max_catchup_steps`` per frame; a longer stall (a slow disk, a debugger) is
  dropped rather than replayed in a burst.
* **Rendering** is paced by the loop's own 60 Hz deadline. We do not ask for a blocking vsync:
  a ``flip()`` that waits up to a frame for the display would stop input polling for that
  long and blur the sample times the telemetry depends on.
* **Only changed frames are drawn and presented**: a scene with ``redraw_every_frame = False``
  says when it changed (:meth:`engine.scene.Scene.changed`); the stack changing, a resize or
  the window being uncovered also redraw. Other scenes are drawn every frame.
* **Presenting is off the input path where the platform allows it** (:mod:`engine.present`):
  on X11 a worker thread shows the composed frame while this thread keeps polling input every
  2 ms; elsewhere (macOS, Windows, Wayland) the present runs here, and samples queued during
  it are stamped when it returns. On X11 the app asks SDL for its native (XShm) window
  framebuffer rather than an OpenGL texture: 0.2-0.7 ms a present instead of 9-20 ms under
  Mesa's software renderer, and no GL context tied to one thread.
* Scenes draw on :attr:`App.screen`, a logical 1280x800 surface; it is shown at 1:1 when the
  window has that size, else scaled (aspect kept) and letterboxed.

The clock is injectable: tests build the app with :class:`engine.clock.ManualClock` (see
:func:`engine.testing.make_test_app`) and drive it with :meth:`App.frame` and
:meth:`App.poll_input`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from engine.clock import Clock, SystemClock
from engine.input import FocusLost, PointerInput, QuitRequest, WindowExposed, WindowResized
from engine.pointer import KeyPress, PointerSample
from engine.present import Presenter, threaded_present_safe
from engine.record import NullSink, TrialSink
from engine.scene import Scene, SceneStack
from engine.settings import Settings
from engine.sound import SoundPlayer
from engine.viewport import LOGICAL_SIZE, Viewport
from engine.window import ComposePlan, Compositor, compose_plan, open_window
from engine.window import DisplayUnavailable as DisplayUnavailable  # re-exported: callers catch it

_FRAME_STATS_KEPT = 100_000  # about 28 minutes at 60 Hz


@dataclass
class AppConfig:
    """How to open the window and pace the loop.

    ``size`` is the window size in pixels (the logical surface is always 1280x800);
    ``max_catchup_steps`` caps the fixed logic steps run in one frame; ``smooth_scale`` uses
    bilinear scaling for windows of another size (nicer, slower than nearest-pixel).
    ``present_thread``: None chooses by platform (:func:`engine.present.threaded_present_safe`);
    True forces the worker thread (tests and benchmarks), False keeps presents on this thread.
    ``native_framebuffer``: on X11, ask SDL for its XShm framebuffer rather than an OpenGL
    texture (False only to measure SDL's default as a baseline).
    """

    size: tuple[int, int] = LOGICAL_SIZE
    fullscreen: bool = False
    title: str = "finemotor"
    fps: int = 60
    logic_hz: int = 120
    poll_interval_ms: float = 2.0
    max_catchup_steps: int = 8
    smooth_scale: bool = True
    resizable: bool = True
    present_thread: bool | None = None
    native_framebuffer: bool = True


class App:
    """The running program: window, clock, viewport, input, scenes and services.

    Attributes scenes may use: ``clock``, ``viewport``, ``stack``, ``settings``, ``sound``,
    ``recorder`` (a :class:`~engine.record.TrialSink`: the session recorder the games layer
    sets, else a :class:`~engine.record.NullSink`; never None), ``screen``
    (the logical surface), ``running``. ``on_quit`` is called once when the app closes
    (window closed, :meth:`quit`, or the last scene popped), after every scene has exited.
    ``show`` replaces what puts a composed window surface on screen (tests inject a slow or
    failing one); by default pygame's ``display.flip`` (``display.update`` of the window's rect
    on the present thread, which never rebuilds the window surface).
    """

    def __init__(
        self,
        config: AppConfig | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
        sound: SoundPlayer | None = None,
        show: Callable[[], None] | None = None,
    ) -> None:
        self.config = config if config is not None else AppConfig()
        if self.config.fps <= 0 or self.config.logic_hz <= 0:
            raise ValueError("fps and logic_hz must be positive")
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.settings: Settings = settings if settings is not None else Settings()
        self.sound: SoundPlayer = sound if sound is not None else SoundPlayer(self.settings)
        self.recorder: TrialSink = NullSink()
        self.on_quit: Callable[[], None] | None = None
        self.running = False
        self._closed = False

        self.window = self._open_window()
        threaded = self._choose_present_thread()
        self._window_rect = self.window.get_rect()
        default_show = self._update_window if threaded else pygame.display.flip
        self._show = show if show is not None else default_show
        self._plan: ComposePlan | None = None
        # Threaded, the worker composes too (scaling to a full screen of another size is the
        # costly part: pygame's scale and smoothscale release the GIL while they run).
        self.presenter = Presenter(self._compose_and_show if threaded else self._show, threaded)
        self._dirty = True
        self.viewport = Viewport(self.window.get_size(), LOGICAL_SIZE)
        self._apply_calibration()
        # convert() once: blits between surfaces of the display's format are the fast path.
        self.screen: pygame.Surface = pygame.Surface(LOGICAL_SIZE).convert()
        self._compositor = Compositor()
        self.input = PointerInput(self.clock, self.viewport)
        self._apply_pointer_source()
        self.stack = SceneStack(self)
        self._observers: list[Callable[[PointerSample], None]] = []

        self.frame_ns = 1_000_000_000 // self.config.fps
        self.step_ns = 1_000_000_000 // self.config.logic_hz
        self.poll_ns = int(self.config.poll_interval_ms * 1_000_000)
        self._last_logic_ns = self.clock.now_ns()
        self._accumulator_ns = 0
        self.frames = 0
        self.updates = 0
        self.dropped_steps = 0
        self.frame_cpu_ns: deque[int] = deque(maxlen=_FRAME_STATS_KEPT)
        # perf_counter_ns when each presented frame was handed to the presenter.
        self.present_at_ns: deque[int] = deque(maxlen=_FRAME_STATS_KEPT)
        self.presented = 0
        self.frames_unchanged = 0  # frame deadlines where nothing had changed
        self.frames_busy = 0  # deadlines met while the previous frame was still being shown
        self._deferred = False  # a changed frame waits for the present in flight to end

    # -- window ---------------------------------------------------------------------------------

    def _open_window(self) -> pygame.Surface:
        c = self.config
        return open_window(c.size, fullscreen=c.fullscreen, resizable=c.resizable,
                           native_framebuffer=c.native_framebuffer, title=c.title)

    def _choose_present_thread(self) -> bool:
        """Decide where frames are shown; turn pygame's resize watch off for the worker.

        pygame rebuilds the window surface from inside the event pump when the window is
        resized; with a frame in flight on the worker that would free the image being sent.
        Off, the surface is rebuilt by :meth:`_on_resize` once the worker is idle.
        """
        stop_autoresize = getattr(pygame.display, "_set_autoresize", None)
        wanted = self.config.present_thread
        if wanted is None:
            wanted = threaded_present_safe(pygame.display.get_driver(),
                                           stop_autoresize is not None)
        if wanted and stop_autoresize is not None:
            stop_autoresize(False)
        return bool(wanted)

    def _update_window(self) -> None:
        # The rect composed last (main thread); update() never rebuilds the window surface,
        # and SDL clips it to the window, so a resize racing with it cannot overrun the image.
        pygame.display.update([self._window_rect])

    def invalidate(self) -> None:
        """Draw and present the next frame even if no scene says it changed."""
        self._dirty = True

    def _apply_calibration(self) -> None:
        """Give the viewport the screen's physical width from the settings, if calibrated."""
        if self.settings.screen_width_mm is None:
            self.viewport.calibrate(None)
            return
        try:
            desktop_w = pygame.display.get_desktop_sizes()[0][0]
        except (pygame.error, IndexError):
            desktop_w = None
        self.viewport.calibrate(self.settings.screen_width_mm, desktop_w)

    def _apply_pointer_source(self) -> None:
        # pygame-ce has no pen events: a stylus arrives as the mouse, labelled by the setting.
        self.input.mouse_source = "pen" if self.settings.stylus else "mouse"

    def apply_settings(self) -> None:
        """Re-read settings that affect the engine (call after a grown-up changed them)."""
        self._apply_calibration()
        self._apply_pointer_source()

    def set_fullscreen(self, on: bool) -> None:
        """Switch between full screen and a window of the configured size."""
        self.presenter.wait()
        if on:
            self.window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            flags = pygame.RESIZABLE if self.config.resizable else 0
            self.window = pygame.display.set_mode(self.config.size, flags)
        self.config.fullscreen = on
        self._on_resize()

    def _on_resize(self) -> None:
        self.presenter.wait()  # the worker must not be sending the surface being replaced
        surface = pygame.display.get_surface()
        if surface is not None:
            self.window = surface
        self.viewport.resize(self.window.get_size())
        self._apply_calibration()
        self._compositor.forget()
        self._window_rect = self.window.get_rect()
        self.invalidate()

    def logical_to_window(self, x: float, y: float) -> tuple[float, float]:
        """Logical coordinates to window pixels (see :class:`engine.viewport.Viewport`)."""
        return self.viewport.logical_to_window(x, y)

    def window_to_logical(self, x: float, y: float) -> tuple[float, float]:
        """Window pixels to logical coordinates."""
        return self.viewport.window_to_logical(x, y)

    # -- input ----------------------------------------------------------------------------------

    def add_pointer_observer(self, fn: Callable[[PointerSample], None]) -> None:
        """Call ``fn`` with every pointer sample, before the top scene gets it."""
        self._observers.append(fn)

    def remove_pointer_observer(self, fn: Callable[[PointerSample], None]) -> None:
        """Stop calling ``fn``."""
        self._observers.remove(fn)

    def poll_input(self) -> int:
        """Read the event queue once and dispatch everything; return the number of events."""
        events = self.input.poll()
        for ev in events:
            if isinstance(ev, PointerSample):
                for fn in self._observers:
                    fn(ev)
                top = self.stack.top
                if top is not None:
                    top.handle_pointer(ev)
            elif isinstance(ev, KeyPress):
                top = self.stack.top
                if ev.key in (pygame.K_p, pygame.K_PAUSE) and self.pause_game(ev.t_ns):
                    continue
                if top is not None:
                    top.handle_key(ev)
            elif isinstance(ev, QuitRequest):
                self.quit()
            elif isinstance(ev, WindowResized):
                self._on_resize()
            elif isinstance(ev, WindowExposed):
                self.invalidate()
            elif isinstance(ev, FocusLost):
                self.pause_game(ev.t_ns)
        return len(events)

    def pause_game(self, t_ns: int | None = None) -> bool:
        """Push the pause overlay over a ``pausable`` top scene (see ``engine.overlays``).

        Held pointers are released first, so the game sees its stroke end where it was rather
        than a finger that never lifts. Returns whether it paused.
        """
        from engine.overlays import PauseOverlay, should_pause

        top = self.stack.top
        if top is None or not should_pause(top):
            return False
        for sample in self.input.release_all(self.clock.now_ns() if t_ns is None else t_ns):
            for fn in self._observers:
                fn(sample)
            top.handle_pointer(sample)
        self.stack.push(PauseOverlay())
        return True

    # -- loop -----------------------------------------------------------------------------------

    def frame(self) -> None:
        """One frame: poll input, run the due fixed logic steps, and if anything changed draw,
        compose and present (unless the previous frame is still being shown: then the next
        deadline draws it)."""
        t0 = time.perf_counter_ns()
        self.poll_input()
        self._run_updates()
        if self.presenter.take_error() is not None:
            self._dirty = True  # that frame never reached the screen
        visible = self.stack.visible()
        self._deferred = False
        if not (self._dirty or any(s.wants_draw() for s in visible)):
            self.frames_unchanged += 1
        elif self.presenter.busy:
            self.frames_busy += 1
            self._deferred = True
        else:
            for scene in visible:
                scene.draw(self.screen)
                scene.mark_drawn()
            self._dirty = False
            plan = compose_plan(self.viewport, self.config.smooth_scale)
            if self.presenter.threaded:
                self._plan = plan  # the worker reads it once present() has handed it over
            else:
                self._compose(plan)
            self.present_at_ns.append(time.perf_counter_ns())
            self.presenter.present()
            self.presented += 1
        self.frames += 1
        self.frame_cpu_ns.append(time.perf_counter_ns() - t0)

    def _run_updates(self) -> None:
        now = self.clock.now_ns()
        self._accumulator_ns += now - self._last_logic_ns
        self._last_logic_ns = now
        steps = self._accumulator_ns // self.step_ns
        if steps > self.config.max_catchup_steps:
            # Too far behind: run the cap, drop the rest of the backlog (keep the phase).
            self.dropped_steps += steps - self.config.max_catchup_steps
            steps = self.config.max_catchup_steps
            self._accumulator_ns %= self.step_ns
        else:
            self._accumulator_ns -= steps * self.step_ns
        dt = 1.0 / self.config.logic_hz
        for _ in range(steps):
            scenes = self.stack.updating()
            if not scenes:
                break
            for scene in scenes:
                scene.update(dt)
            self.updates += 1

    def _compose(self, plan: ComposePlan) -> None:
        self._compositor.compose(self.screen, self.window, plan)

    def _compose_and_show(self) -> None:
        # On the present thread: the main thread touches neither the logical surface nor the
        # window surface until this returns (it draws only when the presenter is idle).
        assert self._plan is not None
        self._compose(self._plan)
        self._show()

    @property
    def deferred_frame_due(self) -> bool:
        """A changed frame met a present in flight, and that present has ended: show it now
        rather than at the next deadline (a slow present costs one late frame, not two)."""
        return self._deferred and not self.presenter.busy

    def reset_timing(self) -> None:
        """Forget elapsed logic time (after a long pause, or when a test moves the clock)."""
        self._last_logic_ns = self.clock.now_ns()
        self._accumulator_ns = 0

    def run(self, first_scene: Scene | None = None) -> None:
        """Run the loop until :meth:`quit` or the scene stack is empty, then :meth:`close`."""
        if first_scene is not None:
            self.stack.push(first_scene)
        self.running = True
        self.reset_timing()
        clock = self.clock
        next_frame = clock.now_ns()
        try:
            while self.running and len(self.stack):
                now = clock.now_ns()
                if now >= next_frame:
                    self.frame()
                    next_frame += self.frame_ns
                    if next_frame <= now:
                        # Missed whole frames: start afresh rather than render a burst.
                        next_frame = now + self.frame_ns
                elif self.deferred_frame_due:
                    self.frame()
                else:
                    self.poll_input()
                    wait = min(self.poll_ns, next_frame - clock.now_ns())
                    if wait > 0:
                        clock.sleep_ns(wait)
        finally:
            self.running = False
            self.close()

    def quit(self) -> None:
        """Ask the loop to stop after the current iteration."""
        self.running = False

    def close(self) -> None:
        """Exit every scene (top first), then call ``on_quit`` once. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.running = False
        try:
            self.presenter.close()
            self.stack.clear()
        finally:
            if self.on_quit is not None:
                self.on_quit()

    # -- stats ----------------------------------------------------------------------------------

    def frame_times_ms(self) -> list[float]:
        """Build time of each recent frame in milliseconds: poll + update + draw + compose,
        plus the present itself only where it runs on this thread (never the worker's wait)."""
        return [ns / 1e6 for ns in self.frame_cpu_ns]

    def present_times_ms(self) -> list[float]:
        """How long each recent present took (on whichever thread showed it), in ms."""
        return [ns / 1e6 for ns in self.presenter.present_ns]
