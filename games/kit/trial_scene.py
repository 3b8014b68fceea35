"""``TrialScene``: the base every activity's game scene extends (trials, pause, leaving, reward).

A game scene plays trials one after another for one child. What is the same in every activity
lives here, so an activity writes only its own layout, input and scoring:

* **trials through the recorder** (``app.recorder``): :meth:`TrialScene.begin_trial`,
  :meth:`~TrialScene.add_targets`, :meth:`~TrialScene.record_sample` (every sample the trial
  is scored from, and only those), :meth:`~TrialScene.finish_trial` (core figures + metric
  rows, then the reward and a sticker) and :meth:`~TrialScene.abandon_trial`. Outside a
  session ``app.recorder`` is an ``engine.record.NullSink``: the same logic runs, nothing is
  written;
* **samples scored exactly as stored**: :meth:`~TrialScene.stored_samples` gives the trial's
  samples as ``samples.csv`` stores them (``t_ms`` from the recorder's origin, 4 decimals), so a
  re-scoring of the stored trial gives the stored figures;
* **a pause restarts the trial** (``pausable``: the engine's pause overlay comes up when the
  window loses focus): a trial the child had started is recorded abandoned and begun afresh on
  resume, since its times would include the interruption, which is not the child's;
* **leaving abandons the trial**: the grown-ups' leave button, a house in the top corner held
  for :data:`EXIT_HOLD_S` (a child's tap does nothing; no key leaves, since a child at a
  laptop reaches the keys). It sits in the launcher's gear corner (top right; top left for a
  left-handed child);
* **the reward** (:mod:`games.kit.reward`): after each finished trial the star burst plays for
  :data:`~games.kit.reward.REWARD_S` (given ``stars``, one to three stars by the trial's
  accuracy, :func:`games.kit.stars.stars_for`), a sticker joins the row along the top, then
  :meth:`~TrialScene.reward_done` (default: the next trial);
* **settings** the scene reads: :attr:`~TrialScene.left_handed` (mirror the layout with
  :meth:`~TrialScene.place`), :attr:`~TrialScene.reduce_motion`, :attr:`~TrialScene.strict`.

A subclass implements :meth:`~TrialScene.start_trial` (lay out, call ``begin_trial`` and
``add_targets``) and :meth:`~TrialScene.handle_trial_pointer` (input while a trial runs: call
``record_sample`` for each sample it uses, ``finish_trial`` when done); it may override
:meth:`~TrialScene.update_trial`, :meth:`~TrialScene.reward_done`, :meth:`~TrialScene.on_exit`
and :meth:`~TrialScene.reward_center`, and calls :meth:`~TrialScene.draw_overlay` at the end of
its ``draw``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pygame

from engine import ui
from engine.pointer import PointerSample
from engine.scene import Scene
from games.kit.reward import REWARD_S, Stickers, draw_reward
from telemetry.schema import as_stored

W, H = ui.LOGICAL_SIZE
EXIT_PX = 72  # the grown-ups' leave button: small, in a top corner, held for EXIT_HOLD_S
EXIT_HOLD_S = 3.0

Metric = tuple[str, float, str]


class TrialScene(Scene):
    """Base of a game scene that plays trials for one child (see the module docstring)."""

    pausable = True  # the engine's pause overlay comes up over it when the window loses focus
    activity_id = ""  # the ``activity`` column of its trials (the Activity's id)
    reward_s = REWARD_S

    def __init__(self, child_id: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.time = 0.0
        self.trial_no: int | None = None  # the recorder's trial number while a trial runs
        self.samples: list[PointerSample] = []  # the samples of the running trial, as recorded
        self.reward_t: float | None = None  # seconds into the reward while it plays
        self.reward_stars: int | None = None  # the quality stars the reward shows (None: burst)
        self.stickers = Stickers()
        self.finished = False  # the scene played everything it had and ended itself
        self.left = False  # a grown-up held the leave button
        self.restart_on_resume = False
        self.exit_button = ui.HoldButton(pygame.Rect(W - EXIT_PX - 20, 20, EXIT_PX, EXIT_PX),
                                         self.leave, EXIT_HOLD_S, draw_icon=ui.draw_back,
                                         color=ui.WHITE)

    # -- what a subclass writes --------------------------------------------------------------

    def start_trial(self) -> None:
        """Lay out and begin the next trial (``begin_trial``, ``add_targets``)."""
        raise NotImplementedError

    def handle_trial_pointer(self, sample: PointerSample) -> None:
        """A pointer sample while a trial runs (not on the leave button)."""

    def update_trial(self, dt: float) -> None:
        """Per-frame logic while a trial runs (not during the reward)."""

    def reward_done(self) -> None:
        """The reward has played: the next trial (override to follow a plan or end)."""
        self.start_trial()

    def on_exit(self) -> None:
        """The scene is leaving the stack (after any running trial was abandoned)."""

    def reward_center(self) -> tuple[int, int]:
        """Where the reward plays (default: the middle of the screen)."""
        return (W // 2, H // 2)

    # -- settings ------------------------------------------------------------------------------

    @property
    def left_handed(self) -> bool:
        """Whether the layout is mirrored for a left hand."""
        return bool(getattr(self.app.settings, "left_handed", False))

    @property
    def reduce_motion(self) -> bool:
        """Whether animations are kept still (the grown-ups' setting)."""
        return bool(getattr(self.app.settings, "reduce_motion", False))

    @property
    def strict(self) -> bool:
        """Strict play: the activity's form rules (start, direction, order...) count."""
        return bool(getattr(self.app.settings, "strict", False))

    def place(self, rect: pygame.Rect) -> pygame.Rect:
        """A right-handed layout rect, mirrored for left-handers."""
        return ui.mirror_rect(rect) if self.left_handed else rect

    def exit_rect(self) -> pygame.Rect:
        """Where the grown-ups' leave button sits: the launcher's gear corner (top right, top
        left for a left-handed layout), so grown-ups find it in the same place everywhere."""
        return self.place(pygame.Rect(W - EXIT_PX - 20, 20, EXIT_PX, EXIT_PX))

    def sticker_rects(self) -> list[pygame.Rect]:
        """Where the stickers shown now sit (from the corner away from the leave button)."""
        return self.stickers.rects(self.left_handed)

    def reset_controls(self) -> None:
        """Put the leave button in its corner for the current hand, released (call from the
        subclass's layout)."""
        self.exit_button.rect = self.exit_rect()
        self.exit_button.reset()

    # -- the recorder ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A trial is under way (begun, not finished, no reward playing)."""
        return self.trial_no is not None and self.reward_t is None

    def begin_trial(self, level: int, item: str, mode: str = "") -> int:
        """Begin a trial on the recorder (clearing the samples and the reward); returns its
        number (outside a session the recorder is a NullSink: it numbers the trials too, the
        same logic runs, nothing is written)."""
        self.samples = []
        self.reward_t = None
        self.trial_no = self.app.recorder.begin_trial(self.activity_id, level, item, mode)
        return self.trial_no

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Store a piece of the trial's target geometry (``targets.csv``); the activity's
        ``record.py`` says which kinds and parts."""
        self.app.recorder.add_targets(kind, part, points)

    def record_sample(self, sample: PointerSample) -> None:
        """Record a sample of the trial and keep it for scoring. Record only the samples the
        trial is scored from, so the stored trial re-scores to the stored figures."""
        self.app.recorder.add_pointer(sample)  # before the sample is used: its up may end it
        self.samples.append(sample)

    def stored_samples(self, samples: Sequence[PointerSample] | None = None) -> Any:
        """The trial's samples as ``samples.csv`` stores them, for scoring.

        ``(t_ms / 1000, x, y, phase)`` with ``t_ms`` counted from the recorder's origin and
        ``t_ms``, ``x`` and ``y`` rounded to 4 decimals as the CSV writer rounds them: scoring
        has thresholds (a band's edge, the 100 Hz resampling's sample count) where a 0.1 us
        difference can tip a figure, so the trial is scored from the very numbers a re-scoring
        of the stored trial reads back. Without a recorder, the samples as they came.
        """
        samples = self.samples if samples is None else samples
        origin = self.app.recorder.origin_ns
        if origin is None or not samples:
            return samples
        t_ms = as_stored(np.array([s.t_ns - origin for s in samples], dtype=float) / 1e6)
        x = as_stored(np.array([s.x for s in samples], dtype=float))
        y = as_stored(np.array([s.y for s in samples], dtype=float))
        return t_ms / 1e3, x, y, np.array([s.phase for s in samples], dtype=object)

    def finish_trial(self, accuracy: float | None, errors: int, metrics: Sequence[Metric],
                     duration_ms: float | None, sticker: str = "",
                     completed: bool = True, stars: int | None = None) -> None:
        """Finish the running trial on the recorder, then play the reward and add a sticker
        (named ``sticker``, e.g. the item). ``stars`` (1..3, e.g. ``stars_for(accuracy)``)
        shows the trial's quality in the reward; None plays the plain star burst."""
        self.app.recorder.finish_trial(accuracy=accuracy, errors=errors, completed=completed,
                                       metrics=list(metrics), duration_ms=duration_ms)
        self.trial_no = None
        self.stickers.add(sticker)
        self.reward_t = 0.0
        self.reward_stars = stars
        self.app.sound.play("reward")

    def abandon_trial(self) -> None:
        """Record the running trial abandoned (nothing happens when none runs)."""
        if self.trial_no is not None and self.app is not None:
            self.app.recorder.abandon_trial()
        self.trial_no = None

    # -- lifecycle ------------------------------------------------------------------------------

    def enter(self) -> None:
        """Start the first trial."""
        self.start_trial()

    def pause(self) -> None:
        """The pause overlay came up: a trial the child has started will be begun afresh."""
        self.restart_on_resume = self.running and bool(self.samples)

    def resume(self) -> None:
        """Back from the pause overlay: the interrupted trial is recorded abandoned and
        started again (see the module docstring)."""
        if self.restart_on_resume:
            self.restart_on_resume = False
            self.abandon_trial()
            self.start_trial()

    def exit(self) -> None:
        """Leaving mid-trial records the trial as abandoned."""
        self.abandon_trial()
        self.on_exit()

    def leave(self) -> None:
        """Back to the launcher (the leave button was held); the trial is recorded abandoned.
        The same pop as Esc: when a launcher's host wraps this scene, it pops the host."""
        if not self.left and self.app is not None and len(self.app.stack):
            self.left = True
            self.app.stack.pop()

    def end(self) -> None:
        """The scene played everything it had: back to where it was started from."""
        self.finished = True
        self.app.stack.pop()

    # -- input and logic ------------------------------------------------------------------------

    def on_leave_button(self, x: float, y: float) -> bool:
        """Whether ``(x, y)`` is on the leave button (a press there is never play)."""
        return bool(self.exit_button.rect.collidepoint(x, y))

    def handle_pointer(self, sample: PointerSample) -> None:
        """The leave button first; then, while a trial runs, the subclass's input."""
        if self.exit_button.handle_pointer(sample):
            return  # held long enough: the scene has left
        if self.trial_no is None:
            return  # between trials (reward playing): nothing is recorded or played
        self.handle_trial_pointer(sample)

    def update(self, dt: float) -> None:
        """The leave button's hold, the reward's timing, then the subclass's logic."""
        self.time += dt
        if self.exit_button.tick(self.app.clock.now_ns()):
            return
        if self.reward_t is not None:
            self.reward_t += dt
            if self.reward_t >= self.reward_s:
                self.reward_t = None
                self.reward_done()
            return
        self.update_trial(dt)

    # -- drawing --------------------------------------------------------------------------------

    def draw_overlay(self, surface: pygame.Surface) -> None:
        """What every game shows over its own drawing: stickers, the leave button, the
        reward while it plays."""
        self.stickers.draw(surface, self.left_handed)
        self.exit_button.draw(surface)
        if self.reward_t is not None:
            draw_reward(surface, self.reward_center(), self.reward_t, self.reward_s,
                        self.reduce_motion, self.reward_stars)
