"""The launcher: a child picks their picture, then a game; grown-ups pass a 3 s hold gate.

Screens (scenes on the app's stack, bottom to top)::

    ChildPickerScene          avatar tiles with the nickname under them; a big "+" when empty
      ActivityPickerScene     big activity tiles; the house goes back (ends the session)
        ActivityHost          wraps the activity's own scene (home-mode session timer)
    GrownUpScene              settings, add child, close the app (behind the hold gate)
      AddChildScene           on-screen letter keyboard (or typed keys) + avatar choice
    RewardScene               the end of a timed home session

A session starts when a child is picked and ends when the activity picker closes: the child
goes back, the home session timer runs out, or the app closes. It is written to disk (a
:class:`telemetry.recorder.SessionRecorder`, set as ``app.recorder``) only when its first
trial begins (:class:`games.launcher.recording.PendingSession`): a visit without a trial leaves
no session folder. While the frame loop runs, starting and ending a session
never waits for the disk (the recorder's fsyncs take 20 ms each on a slow SD card): errors the
writer thread meets later are checked every frame and shown or logged as before.

Nothing a child can reach quits the app or changes settings: those sit behind the
press-and-hold gear (3 s) or the keyboard's Esc.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from engine import ui
from engine.app import App
from engine.record import NullSink, TrialSink
from engine.settings import Settings
from games.launcher.add_child import AddChildScene
from games.launcher.grown_up import GrownUpScene
from games.launcher.host import ActivityHost
from games.launcher.pickers import ActivityPickerScene, ChildPickerScene
from games.launcher.recording import PendingSession, app_version, window_mm
from games.launcher.reward import RewardScene
from games.registry import Activity, load_activities
from games.settings_store import DEFAULT_MODE, update_settings
from telemetry.children import Child, ChildrenRegistry
from telemetry.errors import UsageError, describe_os_error
from telemetry.plan import Plan, load_plan
from telemetry.profile import load_profile
from telemetry.recorder import SessionRecorder

_W, _H = ui.LOGICAL_SIZE
# How long a session's end waits for the trials the child finished to be durable (one write
# and fsync each, already done unless the disk is slower than the child: see end_session).
DURABLE_WAIT_S = 2.0


class Launcher:
    """The launcher's state and actions, shared by its scenes.

    ``data_dir`` holds ``children.csv``, ``settings.json`` and the session folders; ``mode``
    is ``home`` or ``clinic`` (only home sessions end by themselves); ``level`` is the level
    activities start at.
    """

    def __init__(
        self,
        app: App,
        data_dir: str | Path,
        activities: list[Activity] | None = None,
        mode: str = DEFAULT_MODE,
        level: int = 1,
    ) -> None:
        self.app = app
        self.data_dir = Path(data_dir)
        # Activities find the child's progress files here (a session folder may not exist
        # yet: it is written when the first trial begins).
        app.data_dir = self.data_dir  # type: ignore[attr-defined]
        self.roster = ChildrenRegistry(self.data_dir)
        self.activities = load_activities() if activities is None else list(activities)
        self.mode = mode  # the device's default mode; a child's profile may name its own
        self.level = level
        # The device's own settings (settings.json); ``app.settings`` is these with the
        # current child's own settings laid over them (telemetry.profile), see apply_child.
        settings = getattr(app, "settings", None)
        self.device = Settings.from_dict(settings.to_dict()) if settings is not None else None
        self.child_settings: dict[str, Any] = {}
        self.session_mode = mode
        # The settings as last read or written, so a save writes only what changed here.
        self._saved: tuple[dict[str, Any], str] = (
            settings.to_dict() if settings is not None else {}, mode
        )
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
        if level is None:  # the plan's start level for the activity, else the launcher's
            planned = self.plan_of(self.child.child_id).activities.get(activity.id)
            level = planned.level if planned is not None and planned.level else self.level
        lvl = max(1, min(activity.levels, level))
        scene = activity.make_scene(self.app, self.child.child_id, lvl)
        self.app.stack.push(ActivityHost(self, scene))

    def start_assessment(self, child: Child, activity: Activity) -> None:
        """Play ``activity``'s fixed assessment protocol for ``child`` in a session of mode
        ``assessment`` (the grown-up screens close first); back on the child picker after it."""
        if activity.assessment is None:
            raise UsageError(f"{activity.id} has no assessment protocol yet")
        self.back_to_picker()
        self.start_session(child, mode="assessment")
        scene = activity.assessment(self.app, child.child_id)
        self.app.stack.push(ActivityHost(self, scene, ends_session=True))

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

    def open_child_pages(self) -> None:
        """Show the list of children whose page (plan, own settings, assessments) to open."""
        from games.launcher.child_page import ChildListScene

        self.app.stack.push(ChildListScene(self))

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

    def plan_of(self, child_id: str) -> Plan:
        """The child's plan (an empty plan, and the reason shown to grown-ups, if the file
        is damaged: the child still plays)."""
        try:
            return load_plan(self.data_dir, child_id).plan
        except UsageError as exc:
            self.message = str(exc)
            return Plan()

    def offered_activities(self, child_id: str) -> list[Activity]:
        """The games the child's picker shows: in a home session the plan's activities that
        are on, in the plan's order (all of them when the plan names none); at the clinic
        every installed one (the therapist chooses)."""
        if self.session_mode != "home":
            return list(self.activities)
        plan = self.plan_of(child_id)
        if not plan.activities:
            return list(self.activities)
        by_id = {a.id: a for a in self.activities}
        return [by_id[a] for a, ap in plan.activities.items() if ap.on and a in by_id]

    def session_minutes(self, child_id: str) -> int:
        """How long the child's home session lasts: the plan's minutes per session, else the
        (child's or device's) session length setting."""
        planned = self.plan_of(child_id).minutes
        return int(planned) if planned else int(self.app.settings.session_minutes)

    def apply_child(self, child_id: str | None) -> None:
        """Play with the device's settings overlaid by ``child_id``'s own (None: the device's
        alone). ``app.settings`` is changed in place, so every screen and activity reads it."""
        profile = load_profile(self.data_dir, child_id) if child_id is not None else None
        own = dict(profile.settings) if profile is not None else {}
        self.child_settings = own
        self.session_mode = str(own.get("mode", self.mode))
        if self.device is None:
            return
        effective = Settings.from_dict({**self.device.to_dict(), **own})
        for key, value in effective.to_dict().items():
            setattr(self.app.settings, key, value)
        self._saved = (effective.to_dict(), self.mode)
        apply = getattr(self.app, "apply_settings", None)
        if apply is not None:
            apply()

    def start_session(self, child: Child, mode: str | None = None) -> None:
        """Begin ``child``'s session: ``app.recorder`` becomes a
        :class:`~games.launcher.recording.PendingSession`, which writes the session to disk
        when its first trial begins (:meth:`_open_recording`); a visit with no trial leaves
        nothing behind.

        The child's own settings are laid over the device's first (:meth:`apply_child`);
        ``mode`` (e.g. ``assessment``) overrides the child's home or clinic default. A home
        session's minutes count from now.
        """
        self.end_session()
        self.apply_child(child.child_id)
        if mode is not None:
            self.session_mode = mode
        self.child = child
        session_mode = self.session_mode  # as picked: settings changed meanwhile keep it
        self.app.recorder = PendingSession(
            lambda: self._open_recording(child, session_mode))
        minutes = self.session_minutes(child.child_id)
        if self.session_mode == "home" and minutes > 0:
            self.deadline_ns = self.app.clock.now_ns() + int(minutes * 60e9)
        else:
            self.deadline_ns = None

    def _open_recording(self, child: Child, mode: str) -> TrialSink:
        """Open ``child``'s recording session (its first trial is beginning) and make it
        ``app.recorder``; a :class:`NullSink` if the disk refuses (the grown-up is told).

        While the frame loop runs the recorder's folder set-up (its fsyncs) is not waited
        for; if it fails, :meth:`check_sessions` reports it on a following frame.
        """
        settings = self.app.settings
        screen_px = tuple(self.app.window.get_size()) if hasattr(self.app, "window") else (_W, _H)
        screen_mm = window_mm(settings.screen_width_mm, screen_px,
                              getattr(getattr(self.app, "viewport", None), "screen_width_px", None))
        if self._version is None:
            self._version = app_version()
        sink: TrialSink
        try:
            sink = SessionRecorder.start(
                self.data_dir,
                child.child_id,
                mode=mode,
                screen_px=screen_px,
                screen_mm=screen_mm,
                app_version=self._version,
                handedness="left" if settings.left_handed else "right",
                clock_ns=self.app.clock.now_ns,
                wait=not self._loop_running(),
            )
        except (OSError, UsageError) as exc:
            sink = NullSink()
            self._not_saving(exc)
        self.app.recorder = sink
        return sink

    def describe_error(self, exc: BaseException) -> str:
        """A file-system error in words, short enough for one line of the screen (read-only,
        disk full: :func:`telemetry.errors.describe_os_error` without the command-line advice)."""
        return describe_os_error(exc, self.data_dir, advice=False)

    def _not_saving(self, exc: BaseException) -> None:
        # Play goes on (the child is waiting); the grown-up sees why nothing is saved.
        self.message = f"Not saving this session: {self.describe_error(exc)}"
        print(f"finemotor: warning: {self.message}", file=sys.stderr)

    def end_session(self, wait: bool | None = None) -> None:
        """Close the session in progress, if any (``ended_at`` is written).

        Always, before it returns, every trial the child finished is durable (written and
        fsynced: :meth:`SessionRecorder.wait_durable`, at most ``DURABLE_WAIT_S``), so a
        session that has ended on screen (back to the pictures, the reward) has lost nothing
        to a crash or power cut after it. In play that wait is nothing: a trial is durable one
        write and fsync (a few ms) after it ends, and the child takes longer to reach the
        house. ``wait``: whether to also wait until the whole session (the abandoned trial in
        progress, ``ended_at``) is durable and report its errors now (also for sessions
        closed earlier without waiting); by default only when the frame loop is not running.
        Otherwise :meth:`check_sessions` reports them on a following frame, and the
        recorder's exit hook waits for them if the process ends.
        """
        recorder, self.app.recorder = self.app.recorder, NullSink()
        if isinstance(recorder, PendingSession):  # no trial began: nothing was written
            recorder.cancel()
        had_child = self.child is not None
        self.child = None
        self.deadline_ns = None
        if had_child:
            self.apply_child(None)  # the device's settings again (the picker, grown-ups)
        if isinstance(recorder, SessionRecorder):
            finished = recorder.last_finished  # before close() abandons the trial in progress
            try:
                recorder.close(wait=False)
                self._closing.append(recorder)
                if recorder.ready and not recorder.wait_durable(finished, DURABLE_WAIT_S):
                    print(f"finemotor: warning: the disk is slow: trial {finished} was not "
                          f"saved after {DURABLE_WAIT_S:g} s (it still is being saved)",
                          file=sys.stderr)
            except (OSError, UsageError) as exc:
                print("finemotor: warning: session not closed cleanly: "
                      f"{self.describe_error(exc)}", file=sys.stderr)
        self._reap(not self._loop_running() if wait is None else wait)

    def check_sessions(self) -> None:
        """Once a frame: report a session whose folder set-up failed on the recorder's writer
        thread (and stop recording to it), and the errors of sessions that finished closing."""
        recorder = self.app.recorder
        if (isinstance(recorder, SessionRecorder) and recorder.error is not None
                and not recorder.ready):
            self.app.recorder = NullSink()  # the game records on, into nothing
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
                    print("finemotor: warning: session not closed cleanly: "
                          f"{self.describe_error(exc)}", file=sys.stderr)
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
        """Write the settings and mode changed here to ``settings.json``; a failure is shown,
        not raised.

        Only what changed since the last read or write is written over the stored file, under
        its lock (:func:`games.settings_store.update_settings`), and the app takes what the
        file then holds: a ``finemotor calibrate`` run while the game is open is kept, and
        shows up here.
        """
        saved, saved_mode = self._saved
        changed = {k: v for k, v in self.app.settings.to_dict().items() if saved.get(k) != v}
        new_mode = self.mode if self.mode != saved_mode else None

        def change(stored: Settings, stored_mode: str) -> tuple[Settings, str]:
            return Settings.from_dict({**stored.to_dict(), **changed}), new_mode or stored_mode

        try:
            settings, mode = update_settings(self.data_dir, change)
            self.device = settings
            self.mode = mode
            # The file's values, with the current child's own settings still over them.
            self.apply_child(self.child.child_id if self.child is not None else None)
            return
        except (OSError, UsageError) as exc:
            self.message = f"Settings not saved: {self.describe_error(exc)}"
            print(f"finemotor: warning: {self.message}", file=sys.stderr)
        apply = getattr(self.app, "apply_settings", None)
        if apply is not None:
            apply()
