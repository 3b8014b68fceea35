"""The launcher: a child picks their picture, then a game; grown-ups pass a 3 s hold gate.

Screens (scenes on the app's stack, bottom to top)::

    ChildPickerScene          avatar tiles with the nickname under them; a big "+" when empty
      ActivityPickerScene     big activity tiles; the house goes back (ends the session)
        ActivityHost          wraps the activity's own scene (home-mode session timer)
    GrownUpScene              settings, add child, close the app (behind the hold gate)
      AddChildScene           on-screen letter keyboard (or typed keys) + avatar choice
    RewardScene               the end of a timed home session

A session (:class:`telemetry.recorder.SessionRecorder`, set as ``app.recorder``) starts when a
child is picked and ends when the activity picker closes: the child goes back, the home session
timer runs out, or the app closes. While the frame loop runs, starting and ending a session
never waits for the disk (the recorder's fsyncs take 20 ms each on a slow SD card): errors the
writer thread meets later are checked every frame and shown or logged as before.

Nothing a child can reach quits the app or changes settings: those sit behind the
press-and-hold gear (3 s) or the keyboard's Esc.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from games.registry import Activity, load_activities
from games.settings_store import DEFAULT_MODE, save_settings
from telemetry.children import Child, ChildrenRegistry
from telemetry.errors import UsageError
from telemetry.recorder import SessionRecorder

GATE_SECONDS = 3.0
GATE_SIZE = 72  # small and in a corner: grown-ups find it, children ignore it
REWARD_AUTO_CLOSE_S = 12.0
SETTLE_S = 0.3  # new presses are ignored this long after a screen appears
REWARD_MIN_S = 1.0  # taps during the first second (the last tap of the game) do not close it
MINUTE_CHOICES = (1, 2, 3, 5, 10, 15, 20, 25, 30, 45, 60)
CHILDREN_PER_PAGE = 10

_W, _H = ui.LOGICAL_SIZE


def _app_version() -> str:
    """The installed finemotor version (for session.json)."""
    try:
        from importlib.metadata import version

        return version("finemotor")
    except Exception:  # running from a source tree without metadata
        return "0.0.0"


class Launcher:
    """The launcher's state and actions, shared by its scenes.

    ``data_dir`` holds ``children.csv``, ``settings.json`` and the session folders; ``mode``
    is ``home`` or ``clinic`` (only home sessions end by themselves); ``level`` is the level
    activities start at.
    """

    def __init__(
        self,
        app: Any,
        data_dir: str | Path,
        activities: list[Activity] | None = None,
        mode: str = DEFAULT_MODE,
        level: int = 1,
    ) -> None:
        self.app = app
        self.data_dir = Path(data_dir)
        self.roster = ChildrenRegistry(self.data_dir)
        self.activities = load_activities() if activities is None else list(activities)
        self.mode = mode
        self.level = level
        self.child: Child | None = None
        self.deadline_ns: int | None = None
        self.message: str | None = None  # a problem to show the grown-up (e.g. disk full)
        self._version: str | None = None
        # Sessions closed without waiting whose writer may still be busy: checked every frame
        # (and waited for when the loop stops) so their errors are still reported.
        self._closing: list[SessionRecorder] = []

    # -- scenes -----------------------------------------------------------------------------

    def start(self, child_id: str | None = None, activity: Activity | None = None,
              level: int | None = None) -> None:
        """Push the child picker, and go straight to a child and an activity when given."""
        self.app.stack.push(ChildPickerScene(self))
        if child_id is not None:
            self.pick_child(self.roster.get(child_id))
            if activity is not None:
                self.launch(activity, level)

    def pick_child(self, child: Child) -> None:
        """Start the child's session and show the activity picker."""
        self.start_session(child)
        self.app.stack.push(ActivityPickerScene(self, child))

    def launch(self, activity: Activity, level: int | None = None) -> None:
        """Start ``activity`` for the current child (at ``level``, default the launcher's)."""
        if self.child is None:
            raise UsageError("pick a child before starting an activity")
        lvl = self.level if level is None else level
        lvl = max(1, min(activity.levels, lvl))
        scene = activity.make_scene(self.app, self.child.child_id, lvl)
        self.app.stack.push(ActivityHost(self, scene))

    def back_to_picker(self) -> None:
        """Close every screen above the child picker (ending the session on the way)."""
        stack = self.app.stack
        while len(stack) > 1 and not isinstance(stack.top, ChildPickerScene):
            stack.pop()
        if not len(stack):
            stack.push(ChildPickerScene(self))
        self.end_session()

    def open_grown_up(self) -> None:
        """Show the grown-up settings (called when the hold gate opens)."""
        self.app.sound.play("tap")
        self.app.stack.push(GrownUpScene(self))

    def open_add_child(self) -> None:
        """Show the add-a-child screen."""
        self.app.stack.push(AddChildScene(self))

    def quit(self) -> None:
        """Close the app (grown-up only): the session ends as the scenes exit."""
        self.end_session(wait=True)  # the app is closing: no frame left to stall
        self.app.quit()

    # -- session ----------------------------------------------------------------------------

    def _loop_running(self) -> bool:
        # Waiting for the disk only stalls something while the frame loop runs. Before
        # App.run (``play --child``), when it has stopped (closing) and in tests driving frames
        # by hand, waiting is harmless and makes errors and files appear at once.
        return bool(getattr(self.app, "running", False))

    def start_session(self, child: Child) -> None:
        """Open a recording session for ``child`` and set it as ``app.recorder``.

        While the frame loop runs the recorder's folder set-up (its fsyncs) is not waited
        for; if it fails, :meth:`check_sessions` reports it on a following frame.
        """
        self.end_session()
        self.child = child
        settings = self.app.settings
        screen_px = tuple(self.app.window.get_size()) if hasattr(self.app, "window") else (_W, _H)
        screen_mm = window_mm(settings.screen_width_mm, screen_px,
                              getattr(getattr(self.app, "viewport", None), "screen_width_px", None))
        if self._version is None:
            self._version = _app_version()
        try:
            self.app.recorder = SessionRecorder.start(
                self.data_dir,
                child.child_id,
                mode=self.mode,
                screen_px=screen_px,
                screen_mm=screen_mm,
                app_version=self._version,
                handedness="left" if settings.left_handed else "right",
                clock_ns=self.app.clock.now_ns,
                wait=not self._loop_running(),
            )
        except (OSError, UsageError) as exc:
            self.app.recorder = None
            self._not_saving(exc)
        minutes = settings.session_minutes
        if self.mode == "home" and minutes > 0:
            self.deadline_ns = self.app.clock.now_ns() + int(minutes * 60e9)
        else:
            self.deadline_ns = None

    def _not_saving(self, exc: BaseException) -> None:
        # Play goes on (the child is waiting); the grown-up sees why nothing is saved.
        self.message = f"Not saving this session: {exc}"
        print(f"finemotor: warning: {self.message}", file=sys.stderr)

    def end_session(self, wait: bool | None = None) -> None:
        """Close the session in progress, if any (``ended_at`` is written).

        ``wait``: whether to wait until the session is durable on disk and report its
        errors now (also for sessions closed earlier without waiting); by default only when
        the frame loop is not running. Otherwise :meth:`check_sessions` reports them on a
        following frame, and the recorder's exit hook waits for them if the process ends.
        """
        recorder, self.app.recorder = self.app.recorder, None
        self.child = None
        self.deadline_ns = None
        if recorder is not None:
            try:
                recorder.close(wait=False)
                self._closing.append(recorder)
            except (OSError, UsageError) as exc:
                print(f"finemotor: warning: session not closed cleanly: {exc}", file=sys.stderr)
        self._reap(not self._loop_running() if wait is None else wait)

    def check_sessions(self) -> None:
        """Once a frame: report a session whose folder set-up failed on the recorder's writer
        thread (and stop recording to it), and the errors of sessions that finished closing."""
        recorder = self.app.recorder
        if recorder is not None and recorder.error is not None and not recorder.ready:
            self.app.recorder = None  # games check app.recorder, so they stop recording
            self._not_saving(recorder.error)
            with contextlib.suppress(OSError, UsageError):  # reported just now
                recorder.close(wait=False)
        if self._closing:
            self._reap(wait=False)

    def _reap(self, wait: bool) -> None:
        """Report closed sessions that finished (all of them, waiting, if ``wait``)."""
        busy = []
        for recorder in self._closing:
            if not wait and not recorder.done:
                busy.append(recorder)
                continue
            try:
                recorder.join()
            except (OSError, UsageError) as exc:
                if recorder.ready:
                    print(f"finemotor: warning: session not closed cleanly: {exc}",
                          file=sys.stderr)
                else:  # its set-up failed before a frame could report it
                    self._not_saving(recorder.error or exc)
        self._closing = busy

    def time_up(self) -> bool:
        """Whether a timed home session has run its minutes."""
        return self.deadline_ns is not None and self.app.clock.now_ns() >= self.deadline_ns

    def finish_with_reward(self) -> None:
        """End the timed session now, and show the reward.

        Over a game the reward is an overlay: the child's last drawing stays visible (dimmed,
        frozen) under the sun and stars, and closing the reward goes back to the child picker.
        The session ends at once either way, so its recorded length is the planned one.
        """
        # Closing the activity resumes the activity picker, which checks time_up() too: clear
        # the deadline first so the reward is shown once.
        self.deadline_ns = None
        over_game = isinstance(self.app.stack.top, ActivityHost)
        if over_game:
            self.end_session()  # the recorder records the trial in progress as abandoned
        else:
            self.back_to_picker()
        self.app.sound.play("reward")
        self.app.stack.push(RewardScene(self, over_game=over_game))

    # -- settings ---------------------------------------------------------------------------

    def save_settings(self) -> None:
        """Write the settings and mode to ``settings.json``; a failure is shown, not raised."""
        try:
            save_settings(self.data_dir, self.app.settings, self.mode)
        except (OSError, UsageError) as exc:
            self.message = f"Settings not saved: {exc}"
            print(f"finemotor: warning: {self.message}", file=sys.stderr)
        apply = getattr(self.app, "apply_settings", None)
        if apply is not None:
            apply()


def window_mm(
    screen_width_mm: float | None, window_px: tuple[int, int], desktop_width_px: int | None
) -> tuple[float, float] | None:
    """The window's physical size in mm, from the screen's calibrated width (None if not).

    The calibration is the whole screen's width; a window is a part of it: scale by the
    window's share of the desktop's pixels (a full-screen window is the whole width).
    """
    if screen_width_mm is None or window_px[0] <= 0:
        return None
    mm_per_px = float(screen_width_mm) / float(desktop_width_px or window_px[0])
    return (round(window_px[0] * mm_per_px, 2), round(window_px[1] * mm_per_px, 2))


def _gate_rect(left_handed: bool) -> pygame.Rect:
    """The grown-up gear: top-right corner (top-left for a left-handed child's layout)."""
    return ui.place(pygame.Rect(_W - GATE_SIZE - 20, 20, GATE_SIZE, GATE_SIZE), left_handed)


def _is_escape(key: KeyPress) -> bool:
    return key.key == pygame.K_ESCAPE


class _LauncherScene(Scene):
    """Shared plumbing: buttons get pointer samples, the gate ticks, presses reset on pause."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__()
        self.launcher = launcher
        self.buttons: list[ui.PictureButton] = []
        self.holds: list[ui.HoldButton] = []
        self.t = 0.0  # seconds on screen, for gentle animation
        self._ready_ns = 0

    @property
    def reduce_motion(self) -> bool:
        return bool(self.app.settings.reduce_motion)

    def _arm(self) -> None:
        """Start ignoring new presses for :data:`SETTLE_S` (the screen just changed)."""
        self._ready_ns = self.app.clock.now_ns() + int(SETTLE_S * 1e9)

    def handle_pointer(self, sample: PointerSample) -> None:
        # A child's double tap must not pick a child and then, with the same finger, the game
        # that appeared under it: presses starting right after a screen change are ignored.
        if sample.phase == "down" and sample.t_ns < self._ready_ns:
            return
        for hold in list(self.holds):
            if hold.handle_pointer(sample):
                return
        for button in list(self.buttons):
            if button.handle_pointer(sample):
                return

    def handle_key(self, key: KeyPress) -> None:
        if key.key == pygame.K_F11:  # grown-ups with a keyboard: window <-> full screen
            set_fullscreen = getattr(self.app, "set_fullscreen", None)
            if set_fullscreen is not None:
                set_fullscreen(not self.app.config.fullscreen)
            return
        self.on_key(key)

    def on_key(self, key: KeyPress) -> None:
        """A key other than F11 (Esc, typing)."""

    def update(self, dt: float) -> None:
        self.launcher.check_sessions()
        self.t += dt
        now = self.app.clock.now_ns()
        for hold in list(self.holds):
            if hold.tick(now):
                return

    def _reset_controls(self) -> None:
        for b in self.buttons:
            b.reset()
        for h in self.holds:
            h.reset()

    def enter(self) -> None:
        self._arm()
        self.refresh()

    def pause(self) -> None:
        self._reset_controls()

    def resume(self) -> None:
        self._reset_controls()
        self._arm()
        self.refresh()

    def refresh(self) -> None:
        """Lay the screen out again: on entering it and on coming back to it (after a game,
        the settings or "add child", something it shows may have changed)."""
        self._layout()

    def _layout(self) -> None:
        """Build this screen's buttons for the current settings (left-handed mirrors them)."""


class ChildPickerScene(_LauncherScene):
    """Who is playing? One avatar tile per child; the gear (hold 3 s) for grown-ups."""

    TILE = (200, 240)

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.children: list[Child] = []
        self.page = 0
        self.gate: ui.HoldButton | None = None
        self.add_button: ui.HoldButton | None = None
        self.tiles: list[ui.PictureButton] = []

    def refresh(self) -> None:
        """Re-read the roster and lay the screen out again (after settings or add child)."""
        try:
            self.children = self.launcher.roster.list()
        except UsageError as exc:
            self.children = []
            self.launcher.message = str(exc)
        pages = max(1, -(-len(self.children) // CHILDREN_PER_PAGE))
        self.page = min(self.page, pages - 1)
        self._layout()

    def _layout(self) -> None:
        left = bool(self.app.settings.left_handed)
        self.gate = ui.HoldButton(_gate_rect(left), self.launcher.open_grown_up, GATE_SECONDS,
                                  draw_icon=ui.draw_gear, color=None)
        self.holds = [self.gate]
        self.buttons = []
        self.tiles = []
        self.add_button = None
        if not self.children:
            rect = pygame.Rect(0, 0, 260, 260)
            rect.center = (_W // 2, _H // 2 - 20)
            self.add_button = ui.HoldButton(rect, self.launcher.open_add_child, GATE_SECONDS,
                                            draw_icon=ui.draw_plus, color=ui.WHITE)
            self.holds.append(self.add_button)
            return
        first = self.page * CHILDREN_PER_PAGE
        shown = self.children[first:first + CHILDREN_PER_PAGE]
        area = pygame.Rect(40, 110, _W - 80, 540)
        for child, rect in zip(shown, ui.grid_layout(len(shown), self.TILE, 40, area),
                               strict=True):
            label = ui.fit_text(child.nickname, 36, self.TILE[0] - 20)
            tile = ui.tile_for_avatar(rect, child.avatar, self._picker(child), label=label)
            self.tiles.append(tile)
        self.buttons.extend(self.tiles)
        pages = -(-len(self.children) // CHILDREN_PER_PAGE)
        if pages > 1:
            if self.page > 0:
                self.buttons.append(ui.PictureButton(pygame.Rect(40, 680, 110, 110),
                                                     _draw_arrow_left, self._turn(-1)))
            if self.page < pages - 1:
                self.buttons.append(ui.PictureButton(pygame.Rect(_W - 150, 680, 110, 110),
                                                     _draw_arrow_right, self._turn(1)))

    def _picker(self, child: Child) -> Callable[[], None]:
        def pick() -> None:
            self.app.sound.play("tap")
            self.launcher.pick_child(child)
        return pick

    def _turn(self, delta: int) -> Callable[[], None]:
        def turn() -> None:
            self.page += delta
            self._layout()
        return turn

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.add_button is not None:
            lift = ui.bounce(self.t, 6.0, 1.6, self.reduce_motion)
            self.add_button.rect.centery = _H // 2 - 20 - round(lift)

    def on_key(self, key: KeyPress) -> None:
        if _is_escape(key):
            self.launcher.quit()

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(ui.backdrop(), (0, 0))
        if self.add_button is not None:
            self.add_button.draw(surface)
            ui.draw_text(surface, "Grown-ups: hold the + to add a child", 40, ui.INK,
                         center=(_W // 2, _H // 2 + 170))
        else:
            ui.draw_text(surface, "Who is playing?", 56, ui.INK, center=(_W // 2, 62))
            for tile in self.buttons:
                tile.draw(surface)
        if self.launcher.message:
            ui.draw_text(surface, ui.fit_text(self.launcher.message, 28, _W - 200), 28,
                         ui.VERMILLION, center=(_W // 2, _H - 24))
        assert self.gate is not None
        self.gate.draw(surface)


def _draw_arrow_right(surface: pygame.Surface, rect: pygame.Rect) -> None:
    c = rect.center
    s = min(rect.w, rect.h)
    pygame.draw.circle(surface, ui.SKY_BLUE, c, s * 42 // 100)
    pts = [(c[0] - s * 0.15, c[1] - s * 0.22), (c[0] + s * 0.22, c[1]),
           (c[0] - s * 0.15, c[1] + s * 0.22)]
    pygame.draw.polygon(surface, ui.WHITE, pts)


def _draw_arrow_left(surface: pygame.Surface, rect: pygame.Rect) -> None:
    c = rect.center
    s = min(rect.w, rect.h)
    pygame.draw.circle(surface, ui.SKY_BLUE, c, s * 42 // 100)
    pts = [(c[0] + s * 0.15, c[1] - s * 0.22), (c[0] - s * 0.22, c[1]),
           (c[0] + s * 0.15, c[1] + s * 0.22)]
    pygame.draw.polygon(surface, ui.WHITE, pts)


class ActivityPickerScene(_LauncherScene):
    """Pick a game: one big picture tile per activity; the house goes back to the children."""

    TILE = (320, 340)

    def __init__(self, launcher: Launcher, child: Child) -> None:
        super().__init__(launcher)
        self.child = child
        self.tiles: list[ui.PictureButton] = []
        self.back: ui.PictureButton | None = None
        self.gate: ui.HoldButton | None = None

    def resume(self) -> None:
        super().resume()
        if self.launcher.time_up():
            self.launcher.finish_with_reward()

    def exit(self) -> None:
        self.launcher.end_session()

    def _layout(self) -> None:
        left = bool(self.app.settings.left_handed)
        self.back = ui.PictureButton(ui.place(pygame.Rect(20, 20, 112, 112), left),
                                     ui.draw_back, self._go_back, color=ui.WHITE)
        self.gate = ui.HoldButton(_gate_rect(left), self.launcher.open_grown_up, GATE_SECONDS,
                                  draw_icon=ui.draw_gear, color=None)
        self.holds = [self.gate]
        area = pygame.Rect(40, 160, _W - 80, 600)
        acts = self.launcher.activities
        self.tiles = [
            ui.PictureButton(rect, act.draw_icon, self._starter(act), label=act.title,
                             color=ui.WHITE, icon_key=("activity", act.id), label_size=44)
            for act, rect in zip(acts, ui.grid_layout(len(acts), self.TILE, 48, area),
                                 strict=True)
        ]
        self.buttons = [self.back, *self.tiles]

    def _go_back(self) -> None:
        self.app.sound.play("tap")
        self.launcher.back_to_picker()

    def _starter(self, activity: Activity) -> Callable[[], None]:
        def start() -> None:
            self.app.sound.play("tap")
            self.launcher.launch(activity)
        return start

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.launcher.time_up() and self.app.stack.top is self:
            self.launcher.finish_with_reward()

    def on_key(self, key: KeyPress) -> None:
        if _is_escape(key):
            self.launcher.back_to_picker()

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(ui.backdrop(), (0, 0))
        av = ui.avatar(self.child.avatar)
        me = pygame.Rect(0, 0, 96, 96)
        me.center = (_W // 2 - 120, 76)
        pygame.draw.circle(surface, av.color, me.center, 56)
        surface.blit(ui.icon_surface(av.draw, me.size, ("avatar", av.id)), me)
        ui.draw_text(surface, ui.fit_text(self.child.nickname, 56, 420), 56, ui.INK,
                     topleft=(me.right + 30, me.centery - 20))
        assert self.back is not None and self.gate is not None
        self.back.draw(surface)
        if not self.tiles:
            sun = pygame.Rect(0, 0, 300, 300)
            sun.center = (_W // 2, _H // 2 + 10)
            sun.y -= round(ui.bounce(self.t, 8.0, 2.0, self.reduce_motion))
            surface.blit(ui.icon_surface(ui.draw_sun, sun.size), sun)
            ui.draw_text(surface, "No games here yet", 48, ui.INK,
                         center=(_W // 2, _H // 2 + 200))
        for tile in self.tiles:
            tile.draw(surface)
        self.gate.draw(surface)


class ActivityHost(Scene):
    """Holds an activity's scene in the stack and ends a timed home session when it is due.

    Every lifecycle call, input and draw goes straight to the activity's scene; the host only
    adds the session timer check after each logic step, and Esc for activities that do not
    handle keys themselves. When the activity pops itself, it pops the host (same stack slot).
    """

    def __init__(self, launcher: Launcher, scene: Scene) -> None:
        super().__init__()
        self.launcher = launcher
        self.scene = scene
        self.opaque = scene.opaque
        self.updates_below = scene.updates_below
        self.pausable = bool(getattr(scene, "pausable", False))

    def nest(self, scene: Scene) -> Scene:
        """``scene`` in a host of its own: an activity's screen starting its game (the kit's
        set picker) keeps the home session timer running while the game covers it."""
        return ActivityHost(self.launcher, scene)

    def enter(self) -> None:
        self.scene.app = self.app
        self.scene.enter()

    def exit(self) -> None:
        self.scene.exit()

    def pause(self) -> None:
        self.scene.pause()

    def resume(self) -> None:
        self.scene.resume()

    def handle_pointer(self, sample: PointerSample) -> None:
        self.scene.handle_pointer(sample)

    def handle_key(self, key: KeyPress) -> None:
        if _is_escape(key) and type(self.scene).handle_key is Scene.handle_key:
            self.app.stack.pop()
            return
        self.scene.handle_key(key)

    def update(self, dt: float) -> None:
        self.scene.update(dt)
        self.launcher.check_sessions()
        if self.launcher.time_up() and self.app.stack.top is self:
            self.launcher.finish_with_reward()

    def draw(self, surface: pygame.Surface) -> None:
        self.scene.draw(surface)


class GrownUpScene(_LauncherScene):
    """Grown-up settings: toggles, session length, mode, add a child, close the app."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.controls: dict[str, ui.PictureButton] = {}

    def _layout(self) -> None:
        s = self.app.settings
        lx, rx, w, h = 80, 680, 520, 96
        toggles = [
            ("sound_on", "Sound"),
            ("left_handed", "Left-handed"),
            ("reduce_motion", "Reduce motion"),
            ("strict", "Strict tracing"),
        ]
        self.controls = {}
        for i, (name, title) in enumerate(toggles):
            on = bool(getattr(s, name))
            self.controls[name] = ui.PictureButton(
                pygame.Rect(lx, 140 + i * 116, w, h), None, self._toggler(name),
                label=f"{title}: {'on' if on else 'off'}",
                color=ui.lighter(ui.GREEN, 0.55) if on else ui.LIGHT_GREY, label_size=44)
        clinic = self.launcher.mode == "clinic"
        self.controls["mode"] = ui.PictureButton(
            pygame.Rect(rx, 140, w, h), None, self._toggle_mode,
            label=f"Mode: {'clinic' if clinic else 'home'}",
            color=ui.lighter(ui.SKY_BLUE, 0.5), label_size=44)
        self.controls["minutes_down"] = ui.PictureButton(
            pygame.Rect(rx, 256, 96, 96), None, self._minutes(-1), label="-", label_size=64)
        self.controls["minutes_up"] = ui.PictureButton(
            pygame.Rect(rx + w - 96, 256, 96, 96), None, self._minutes(1), label="+",
            label_size=64)
        stylus = bool(s.stylus)
        self.controls["stylus"] = ui.PictureButton(
            pygame.Rect(rx, 372, w, h), None, self._toggler("stylus"),
            label=f"Stylus: {'on' if stylus else 'off'}",
            color=ui.lighter(ui.GREEN, 0.55) if stylus else ui.LIGHT_GREY, label_size=44)
        self.controls["add_child"] = ui.PictureButton(
            pygame.Rect(rx, 488, w, h), None, self._add_child, label="Add a child",
            color=ui.lighter(ui.ORANGE, 0.55), label_size=44)
        self.controls["quit"] = ui.PictureButton(
            pygame.Rect(lx, 640, 400, 110), None, self.launcher.quit,
            label="Close finemotor", color=ui.LIGHT_GREY, label_size=44)
        self.controls["done"] = ui.PictureButton(
            pygame.Rect(_W - 80 - 400, 640, 400, 110), None, self._done,
            label="Done", color=ui.lighter(ui.GREEN, 0.4), label_size=52)
        self.buttons = list(self.controls.values())

    def _toggler(self, name: str) -> Callable[[], None]:
        def toggle() -> None:
            setattr(self.app.settings, name, not getattr(self.app.settings, name))
            self.launcher.save_settings()
            self.app.sound.play("tap")
            self._layout()
        return toggle

    def _toggle_mode(self) -> None:
        self.launcher.mode = "home" if self.launcher.mode == "clinic" else "clinic"
        self.launcher.save_settings()
        self._layout()

    def _minutes(self, delta: int) -> Callable[[], None]:
        def change() -> None:
            current = self.app.settings.session_minutes
            if delta > 0:
                bigger = [m for m in MINUTE_CHOICES if m > current]
                new = bigger[0] if bigger else current
            else:
                smaller = [m for m in MINUTE_CHOICES if m < current]
                new = smaller[-1] if smaller else current
            self.app.settings.session_minutes = new
            self.launcher.save_settings()
            self._layout()
        return change

    def _add_child(self) -> None:
        self.launcher.open_add_child()

    def _done(self) -> None:
        self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        if _is_escape(key):
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Grown-up settings", 60, ui.INK, center=(_W // 2, 64))
        for b in self.buttons:
            b.draw(surface)
        minutes = self.app.settings.session_minutes
        ui.draw_text(surface, f"Session: {minutes} min", 44, ui.INK, center=(680 + 260, 304))
        note = ("Home sessions end by themselves with a reward." if self.launcher.mode == "home"
                else "Clinic sessions run until you go back.")
        ui.draw_text(surface, ui.fit_text(note, 28, 560), 28, ui.INK, center=(680 + 260, 612))
        ui.draw_text(surface, ui.fit_text(f"Data folder: {self.launcher.data_dir}", 26, 560),
                     26, ui.GREY, center=(80 + 260, 612))
        if self.launcher.message:
            ui.draw_text(surface, ui.fit_text(self.launcher.message, 28, _W - 80), 28,
                         ui.VERMILLION, center=(_W // 2, 775))


KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
KEY_SIZE = 96
KEY_GAP = 10
MAX_TYPED = 20  # the registry allows 40; 20 fits the screen and is plenty for a nickname


def _draw_backspace(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A "delete one letter" key: an arrow-shaped tag with an x."""
    c = rect.center
    s = min(rect.w, rect.h)
    h = s * 0.28
    pts = [(c[0] - s * 0.42, c[1]), (c[0] - s * 0.18, c[1] - h), (c[0] + s * 0.42, c[1] - h),
           (c[0] + s * 0.42, c[1] + h), (c[0] - s * 0.18, c[1] + h)]
    pygame.draw.polygon(surface, ui.GREY, pts)
    d = s * 0.1
    cx = c[0] + s * 0.1
    pygame.draw.line(surface, ui.WHITE, (cx - d, c[1] - d), (cx + d, c[1] + d), max(2, s // 20))
    pygame.draw.line(surface, ui.WHITE, (cx + d, c[1] - d), (cx - d, c[1] + d), max(2, s // 20))


class AddChildScene(_LauncherScene):
    """Add a child: type a nickname on the big on-screen keyboard (or a real one), pick a picture.

    Built for a grown-up without a keyboard (a tablet): 96 px keys, QWERTY order.
    """

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.nickname = ""
        self.avatar = ui.DEFAULT_AVATAR
        self.error: str | None = None
        self.keys: dict[str, ui.PictureButton] = {}
        self.avatar_tiles: dict[str, ui.PictureButton] = {}
        self.done: ui.PictureButton | None = None
        self.cancel: ui.PictureButton | None = None

    def enter(self) -> None:
        try:
            used = {c.avatar for c in self.launcher.roster.list()}
        except UsageError:
            used = set()
        free = [a for a in ui.AVATAR_IDS if a not in used]
        self.avatar = free[0] if free else ui.DEFAULT_AVATAR
        super().enter()

    def _layout(self) -> None:
        self.keys = {}
        for r, row in enumerate(KEY_ROWS):
            extra = 1 if r == 2 else 0  # the delete key ends the last row
            width = (len(row) + extra) * (KEY_SIZE + KEY_GAP) - KEY_GAP + (KEY_SIZE if extra else 0)
            x0 = (_W - width) // 2
            y = 290 + r * (KEY_SIZE + KEY_GAP)
            for i, letter in enumerate(row):
                rect = pygame.Rect(x0 + i * (KEY_SIZE + KEY_GAP), y, KEY_SIZE, KEY_SIZE)
                self.keys[letter] = ui.PictureButton(rect, None, self._typer(letter),
                                                     label=letter, label_size=56)
            if extra:
                rect = pygame.Rect(x0 + len(row) * (KEY_SIZE + KEY_GAP), y,
                                   2 * KEY_SIZE, KEY_SIZE)
                self.keys["DELETE"] = ui.PictureButton(rect, _draw_backspace, self.backspace,
                                                       color=ui.LIGHT_GREY)
        space = pygame.Rect(0, 0, 5 * KEY_SIZE, KEY_SIZE)
        space.midtop = (_W // 2, 290 + 3 * (KEY_SIZE + KEY_GAP))
        self.keys["SPACE"] = ui.PictureButton(space, None, self._typer(" "), label="space",
                                              label_size=40)
        self.avatar_tiles = {}
        area = pygame.Rect(40, 150, _W - 80, 112)
        for av_id, rect in zip(ui.AVATAR_IDS,
                               ui.grid_layout(len(ui.AVATAR_IDS), (112, 112), 16, area),
                               strict=True):
            self.avatar_tiles[av_id] = ui.tile_for_avatar(rect, av_id, self._chooser(av_id))
        self.cancel = ui.PictureButton(pygame.Rect(40, 660, 120, 120), ui.draw_cross,
                                       self._cancel)
        self.done = ui.PictureButton(pygame.Rect(_W - 160, 660, 120, 120), ui.draw_check,
                                     self.submit)
        self.buttons = [*self.keys.values(), *self.avatar_tiles.values(), self.cancel, self.done]

    def _typer(self, letter: str) -> Callable[[], None]:
        def type_() -> None:
            self.type_text(letter)
        return type_

    def _chooser(self, avatar_id: str) -> Callable[[], None]:
        def choose() -> None:
            self.avatar = avatar_id
        return choose

    def type_text(self, text: str) -> None:
        """Add typed characters; each word starts with a capital, the rest is lower case."""
        for ch in text:
            if len(self.nickname) >= MAX_TYPED:
                break
            if ch == " ":
                if self.nickname and not self.nickname.endswith(" "):
                    self.nickname += " "
                continue
            if not (ch.isalnum() or ch in "-'."):
                continue
            start = not self.nickname or self.nickname.endswith(" ")
            self.nickname += ch.upper() if start else ch.lower()
        self.error = None

    def backspace(self) -> None:
        """Delete the last character."""
        self.nickname = self.nickname[:-1]
        self.error = None

    def submit(self) -> None:
        """Add the child to the roster and go back to the picker; show what is wrong if not."""
        try:
            self.launcher.roster.add(self.nickname, self.avatar)
        except UsageError as exc:
            self.error = "Type a name first" if not self.nickname.strip() else str(exc)
            self.app.sound.play("soft_error")
            return
        except OSError as exc:
            self.error = f"Could not save: {exc}"
            return
        self.app.sound.play("success")
        self.launcher.back_to_picker()

    def _cancel(self) -> None:
        self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        if _is_escape(key):
            self._cancel()
        elif key.key == pygame.K_BACKSPACE:
            self.backspace()
        elif key.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit()
        elif key.text:
            self.type_text(key.text)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Add a child: type a nickname, pick a picture", 40, ui.INK,
                     center=(_W // 2, 30))
        box = pygame.Rect(240, 56, _W - 480, 80)
        pygame.draw.rect(surface, ui.WHITE, box, border_radius=16)
        pygame.draw.rect(surface, ui.GREY, box, 3, border_radius=16)
        shown = self.nickname + ("|" if int(self.t * 2) % 2 == 0 else " ")
        ui.draw_text(surface, shown, 64, ui.INK, center=box.center)
        for tile_id, tile in self.avatar_tiles.items():
            if tile_id == self.avatar:
                pygame.draw.rect(surface, ui.BLUE, tile.rect.inflate(16, 16), 6,
                                 border_radius=24)
            tile.draw(surface)
        for b in self.keys.values():
            b.draw(surface)
        assert self.cancel is not None and self.done is not None
        self.cancel.draw(surface)
        self.done.draw(surface)
        if self.error:
            ui.draw_text(surface, ui.fit_text(self.error, 34, _W - 400), 34, ui.VERMILLION,
                         center=(_W // 2, 740))


REWARD_WASH_ALPHA = 200  # of 255: over a game, the drawing shows faintly behind the sun


class RewardScene(_LauncherScene):
    """The end of a timed home session: a smiling sun and stars; a tap goes back to the picker.

    ``over_game``: pushed as an overlay on the game that was playing (not opaque, the game gets
    no logic steps); closing it goes back to the child picker.
    """

    updates_below = False

    def __init__(self, launcher: Launcher, over_game: bool = False) -> None:
        super().__init__(launcher)
        self.over_game = over_game
        self.opaque = not over_game
        self._wash: pygame.Surface | None = None

    def _close(self) -> None:
        if self.app.stack.top is not self:
            return
        if self.over_game:
            self.launcher.back_to_picker()
        else:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        if sample.phase == "up" and self.t >= REWARD_MIN_S:
            self._close()

    def on_key(self, key: KeyPress) -> None:
        self._close()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.t >= REWARD_AUTO_CLOSE_S:
            self._close()

    def draw(self, surface: pygame.Surface) -> None:
        if self.over_game:
            if self._wash is None:
                self._wash = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
                self._wash.fill((*ui.CREAM, REWARD_WASH_ALPHA))
            surface.blit(self._wash, (0, 0))
        else:
            surface.blit(ui.backdrop(), (0, 0))
        still = self.reduce_motion
        for i, (x, y) in enumerate(((220, 200), (1060, 200), (160, 520), (1120, 520),
                                    (420, 120), (860, 120))):
            lift = ui.bounce(self.t + i * 0.2, 10.0, 1.4, still)
            star = pygame.Rect(0, 0, 110, 110)
            star.center = (x, round(y - lift))
            surface.blit(ui.icon_surface(ui.draw_star, star.size), star)
        sun = pygame.Rect(0, 0, 380, 380)
        sun.center = (_W // 2, 330 - round(ui.bounce(self.t, 12.0, 1.8, still)))
        surface.blit(ui.icon_surface(ui.draw_sun, sun.size), sun)
        ui.draw_text(surface, "Well done!", 110, ui.INK, center=(_W // 2, 620))
