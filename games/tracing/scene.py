"""The tracing scene: drag a friendly beetle along a road shaped like a stroke, shape or letter.

One scene plays a *lesson plan*: for each glyph a few trials in the four modes, e.g. trace the
road twice, dot-to-dot once, then three trials whose guide fades, then (pre-writing shapes) one
freehand copy. Per trial:

* the model is laid out for the level (road width = tolerance band, size, guide) and stored
  with the trial (``recorder.add_targets("model_path", stroke, points)``, logical coordinates);
* the pointer that touched first draws; only its samples (every motion event, from its down
  to its up) go to the recorder, the very samples the trial is scored from, so the stored
  trial re-scores to the stored figures. Presses on the copy tick or the leave button and a
  second finger while one draws (a resting palm) are neither drawn nor recorded;
* **trace / dots / fade**: the child drags the beetle; the trail is painted incrementally onto a
  cached canvas (never redrawn point by point). Leaving the road turns the beetle worried and
  the trail grey, with a soft sound: a cue, never a stop. Strokes must be done in order (the
  next stroke's start dot shows which); lifting the finger on the road is a pause. Lifting it
  with the stroke not done after leaving the road (or at the stroke's end) is a *miss*: the
  soft sound plays, the stroke's trail fades away and the beetle goes back to its start (the
  samples stay recorded and scored: a miss is shown, never erased from the data). With the strict
  setting, a stroke only advances from its start and forwards; lenient play accepts any start
  and direction and only counts the errors. A stroke is done when 90 % of it is covered
  (lenient) or its end is reached (strict);
* **copy**: the model sits on the side the hand does not cover, the child draws in the empty
  box and taps the big tick (or waits 4 s) to finish; scored with the Beery-VMI-like rules; a
  ghost finger hints what to do in the empty box (``watching.py``, as "watch me" is:
  the beetle walking the model before a shape's first try and when the eye is tapped);
* the trial is scored with :func:`games.tracing.scoring.score_trace` / ``score_copy`` on the
  samples of the drawing pointer, finished on the recorder with all metric rows, the reward
  plays (one to three stars by the stored accuracy, :func:`games.kit.stars.stars_for`: a
  bigger celebration for a better trace, never fewer than one star; sound; a sticker for the
  session) and the shape's staircase moves.

Left-handed (``settings.left_handed``): the layout is mirrored, so the model thumbnail / the copy
model sit to the right, where a left hand does not cover them. The copy tick sits between the
model and the drawing box (never beside the box on the hand's side, where a resting palm would
press it).

What the child sees was checked on screenshots of every mode (issue 3): roads, models and
trails are drawn as even-width capsule chains (:func:`thick_polyline`), the pulsing start ring
is wider than the beetle parked on it, the current stroke's numbered start dot is drawn on top
of any other stroke starting at the same place, dot-to-dot puts a dot on every corner, copy mode
shows no beetle, and the worried beetle gets a sweat drop (a cue that is not only a colour).
The trial plumbing (recorder, pause restarts the trial, leaving abandons it, the grown-ups'
3 s leave-hold house, reward and stickers, samples scored as stored) is the kit's
:class:`games.kit.trial_scene.TrialScene`; the layout and the stored targets are ``record.py``'s,
the road's geometry ``road.py``'s, the pictures ``draw.py``'s and the plans ``lesson.py``'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pygame

from engine import ui
from engine.pointer import PointerSample
from games.kit.stars import stars_for
from games.tracing.draw import thick_polyline
from games.tracing.figures import trial_figures
from games.tracing.glyphs import Glyph, glyph, glyph_ids
from games.tracing.lesson import Step, lesson_plan
from games.tracing.record import layout, stored_model, write_targets
from games.tracing.road import resample_polyline
from games.tracing.scoring import CopyScore, TraceScore, score_copy, score_trace
from games.tracing.staircase import (
    Level,
    TracingProgress,
    level,
    load_progress,
    record_trial,
    save_start_level,
)
from games.tracing.view import MISS_FADE_S
from games.tracing.watching import WatchingView

ACTIVITY_ID = "tracing"
COPY_IDLE_S = 4.0  # a copy finishes by itself after this long without touching
COVER_DONE = 0.9  # lenient: a stroke is done at this share covered
OFFROAD_SOUND_GAP_S = 1.0  # at most one soft sound per second
DONE_PX = 130  # the copy mode's tick
W, H = ui.LOGICAL_SIZE


class TracingScene(WatchingView):
    """Plays a lesson plan of tracing trials for one child (see the module docstring)."""

    activity_id = ACTIVITY_ID

    def __init__(
        self,
        child_id: str,
        plan: Sequence[Step] | None = None,
        start_level: int = 1,
        progress_path: str | Path | None = None,
        use_staircase: bool = True,
        watch_first: bool = False,
    ) -> None:
        super().__init__(child_id, watch_first)
        self.plan = list(plan) if plan is not None else lesson_plan(glyph_ids("prewriting"))
        self.progress_path = Path(progress_path) if progress_path is not None else None
        self.progress = (load_progress(self.progress_path) if self.progress_path is not None
                         else TracingProgress())
        self.progress.start_level = self.progress.clamp(start_level)
        self.use_staircase = use_staircase
        self.step_index = 0
        self.results: list[TraceScore | CopyScore] = []  # every finished trial's score
        # per-trial state (set by start_trial)
        self.step: Step = self.plan[0]
        self.glyph: Glyph = glyph(self.step.glyph_id)
        self.level: Level = level(1)
        self.model: list[np.ndarray] = []
        self.dense: list[np.ndarray] = []
        self.dense_s: list[np.ndarray] = []
        self.all_dense = np.zeros((0, 2))
        self.covered: list[np.ndarray] = []
        self.current = 0
        self.progress_s = 0.0
        self.accepted = False
        self.pointer: int | None = None
        self.pen_down = False
        self.last_pos: tuple[float, float] | None = None
        self.beetle_pos: tuple[float, float] = (W / 2, H / 2)
        self.offroad = False
        self.offroad_sound_t = -1e9
        self.trail_len = 0.0
        self.idle_t = 0.0
        self.box = pygame.Rect(0, 0, 1, 1)
        self.copy_box = pygame.Rect(0, 0, 1, 1)
        self.done_button: ui.PictureButton | None = None
        self.numbered = False  # whether start dots carry stroke numbers this trial
        self.arrow_tris: list[list[list[tuple[float, float]]]] = []
        self.arrow_colour: tuple[int, int, int] = ui.BLUE
        self.background: pygame.Surface | None = None
        self.canvas: pygame.Surface | None = None
        self.stroke_canvas: pygame.Surface | None = None  # the canvas when this stroke began
        self.fading: pygame.Surface | None = None  # a missed try's trail, fading away
        self.fade_t = 0.0
        self.left_road = False  # the finger left the road during this touch
        self.misses = 0  # missed tries this trial (the stroke started over)
        self._beetles: dict[bool, pygame.Surface] = {}

    # -- layout ---------------------------------------------------------------------------------

    def _place(self, rect: pygame.Rect) -> pygame.Rect:
        """A right-handed layout rect, mirrored for left-handers."""
        return self.place(rect)

    def _layout(self) -> None:
        self.reset_controls()
        parts = layout(self.level, self.step.mode, self.left_handed, DONE_PX)
        self.box = pygame.Rect(parts.box)
        self.copy_box = pygame.Rect(parts.copy_box)
        self.done_button = None
        if parts.done is not None:
            self.done_button = ui.PictureButton(pygame.Rect(parts.done), ui.draw_check,
                                                self._finish_copy,
                                                color=ui.lighter(ui.GREEN, 0.5))
        self.place_watch_button(parts.watch)

    # -- trials ---------------------------------------------------------------------------------

    def start_trial(self, watch: bool = False) -> None:
        """Lay out the plan's next step at the shape's level, draw its background and begin
        it on the recorder with its targets; the shape's first try (or ``watch``) shows the
        "watch me" demo first and begins after it (copy: begins with the hint)."""
        self.step = self.plan[self.step_index]
        self.glyph = glyph(self.step.glyph_id)
        self.level = level(self.progress.current_level(self.glyph.id))
        self._layout()
        self.model = stored_model(self.glyph, (self.box.x, self.box.y, self.box.w, self.box.h))
        self.dense, self.dense_s = [], []
        for stroke in self.model:
            pts, s = resample_polyline(stroke, 2.0)
            self.dense.append(pts)
            self.dense_s.append(s)
        self.all_dense = np.concatenate(self.dense)
        self.covered = [np.zeros(len(d), dtype=bool) for d in self.dense]
        self.current = 0
        self.progress_s = 0.0
        self.accepted = False
        self.pointer = None
        self.pen_down = False
        self.last_pos = None
        self.offroad = False
        self.trail_len = 0.0
        self.idle_t = 0.0
        first = self.model[0][0]
        self.beetle_pos = (float(first[0]), float(first[1]))
        self.arrow_tris = []
        self.arrow_colour = ui.BLUE
        self.background = self._render_background()
        self.canvas = self.background.copy()
        self.stroke_canvas = self.canvas.copy()
        self.fading = None
        self.left_road = False
        self.misses = 0
        self.watch = self.hint = None
        if self.step.mode == "copy":
            self.begin()
            self.start_hint()  # the copy step's hint always plays at its start
        elif watch or self.wants_watch():
            self.start_watch()  # the trial begins when the demo ends
        else:
            self.begin()

    def begin(self) -> None:
        """Begin the laid-out trial on the recorder with its targets."""
        self.begin_trial(self.level.number, self.glyph.id, self.step.mode)
        b = self.copy_box
        write_targets(self.add_targets, self.model, self.level.tolerance_px,
                      (b.x, b.y, b.w, b.h) if self.step.mode == "copy" else None)

    def _px_per_mm(self) -> float | None:
        mpp = getattr(getattr(self.app, "viewport", None), "mm_per_px", None)
        return 1.0 / mpp if mpp else None

    def _finish_trial(self) -> None:
        if self.trial_no is None or self.reward_t is not None:
            return
        tol = self.level.tolerance_px
        samples = self.stored_samples()
        score: TraceScore | CopyScore
        if self.step.mode == "copy":
            score = score_copy(self.model, samples, tol, rule=self.glyph.copy_rule,
                               px_per_mm=self._px_per_mm())
        else:
            score = score_trace(self.model, samples, tol, px_per_mm=self._px_per_mm())
        figures, success = trial_figures(score, self.strict)
        self.results.append(score)
        if self.use_staircase:
            self._record_progress(success)
        duration = score.trace.completion_ms if isinstance(score, CopyScore) else (
            score.completion_ms)
        self.finish_trial(figures.accuracy, figures.errors, figures.metrics, duration,
                          sticker=self.glyph.id, stars=stars_for(figures.accuracy))

    def _record_progress(self, success: bool) -> None:
        """Move the shape's staircase, in the file too (``staircase.record_trial``)."""
        self.progress = record_trial(self.progress_path, self.progress, self.glyph.id, success)

    def _finish_copy(self) -> None:
        if self.step.mode == "copy" and self.samples:
            self._finish_trial()

    def reward_done(self) -> None:
        """The next step of the plan; the scene ends after the last one."""
        self.step_index += 1
        if self.step_index >= len(self.plan):
            self.end()
            return
        self.start_trial()

    def on_exit(self) -> None:
        """Leaving saves the child's start level with the progress (played trials are saved
        as they finish)."""
        if self.progress_path is not None and self.use_staircase:
            save_start_level(self.progress_path, self.progress.start_level)

    # -- input ----------------------------------------------------------------------------------

    def handle_trial_pointer(self, sample: PointerSample) -> None:
        """Draw and record the drawing pointer's samples; ignore every other pointer.

        A sample is recorded only once it is known to belong to the drawing, so the trial's
        rows in ``samples.csv`` are exactly the samples it is scored from (``self.samples``)
        and the stored trial re-scores to the stored figures. Not recorded: a press on the
        copy tick or the leave button (its down, moves and up), a second finger while one
        draws (a resting palm), and anything between trials.
        """
        if self.done_button is not None and self.done_button.handle_pointer(sample):
            return  # the lift that completes a press on the tick (the press began on it)
        if self.on_watch_button(sample):
            return  # a press on the eye: the demo, not a stroke
        if sample.phase == "down":
            if self.pen_down:
                return  # another finger while drawing (a resting palm)
            if self.done_button is not None and self.done_button.contains(sample.x, sample.y):
                return  # a press on the tick, not a stroke
            if self.on_leave_button(sample.x, sample.y):
                return  # a grown-up's hold (or a child's tap on the house), not a stroke
            # each stroke may come from a new touch finger: the first one down draws
            self.pointer = sample.pointer_id
            self.pen_down = True
        elif not self.pen_down or sample.pointer_id != self.pointer:
            return  # a pointer that is not drawing (tick, house, palm) moves or lifts
        self.record_sample(sample)
        self.idle_t = 0.0
        pos = (sample.x, sample.y)
        if self.step.mode == "copy":
            self._copy_sample(sample, pos)
            return
        if sample.phase == "down":
            self.last_pos = pos
            self.accepted = self._accept_start(pos)
            self.left_road = False
        self._progress(pos)
        self._paint(pos)
        self.beetle_pos = pos
        self.left_road |= self.offroad
        if sample.phase == "up":
            self.pen_down = False
            self.last_pos = None
            self.offroad = False
            if self.current >= len(self.model):
                self._finish_trial()
            elif self._missed():
                self._try_again()
        else:
            self.last_pos = pos

    def _missed(self) -> bool:
        """A lift that leaves the stroke undone after the finger left the road or ran on to
        the stroke's end: a miss. A lift on the road part-way is a pause: the child goes on
        from there."""
        k = self.current
        total = float(self.dense_s[k][-1])
        return self.left_road or self.progress_s >= total - self.level.tolerance_px

    def _try_again(self) -> None:
        """After a miss the stroke starts over, gently: its trail fades away, the beetle goes
        back to the stroke's start and the soft "try again" sound plays (nothing is lost:
        every sample stays recorded and counts in the score)."""
        k = self.current
        self.misses += 1
        self.covered[k][:] = False
        self.progress_s = 0.0
        self.accepted = False
        self.left_road = False
        if self.canvas is not None and self.stroke_canvas is not None:
            self.fading = None if self.reduce_motion else self.canvas
            self.fade_t = 0.0
            self.canvas = self.stroke_canvas.copy()
        first = self.model[k][0]
        self.beetle_pos = (float(first[0]), float(first[1]))
        self.app.sound.play("soft_error")

    def _copy_sample(self, sample: PointerSample, pos: tuple[float, float]) -> None:
        if sample.phase == "down":
            self.last_pos = pos
            self.stop_hint()
        self._paint(pos)
        self.beetle_pos = pos
        self.last_pos = None if sample.phase == "up" else pos
        if sample.phase == "up":
            self.pen_down = False

    def _accept_start(self, pos: tuple[float, float]) -> bool:
        """Strict play: a stroke only counts when started at its start (or where it was left)."""
        if self.current >= len(self.model):
            return False
        if not self.strict:
            return True
        tol = self.level.tolerance_px
        k = self.current
        idx = int(np.searchsorted(self.dense_s[k], self.progress_s))
        idx = min(idx, len(self.dense[k]) - 1)
        resume = self.dense[k][idx]
        return math.dist(pos, tuple(resume)) <= 1.5 * tol

    def _progress(self, pos: tuple[float, float]) -> None:
        tol = self.level.tolerance_px
        p = np.asarray(pos)
        d_all = np.hypot(*(self.all_dense - p).T).min()
        was_off = self.offroad
        self.offroad = bool(d_all > tol)
        if self.offroad and not was_off and self.time - self.offroad_sound_t > OFFROAD_SOUND_GAP_S:
            self.offroad_sound_t = self.time
            self.app.sound.play("soft_error")
        if self.current >= len(self.model) or not self.accepted:
            return
        k = self.current
        pts, s = self.dense[k], self.dense_s[k]
        d = np.hypot(*(pts - p).T)
        near = d <= tol
        if self.strict:
            # only forwards from where the stroke was left, within a short look-ahead
            near &= (s >= self.progress_s - tol) & (s <= self.progress_s + 2.0 * tol)
        if not near.any():
            return
        self.covered[k] |= near
        self.progress_s = max(self.progress_s, float(s[near].max()))
        total = float(s[-1])
        done = (self.progress_s >= total - 0.5 * tol) if self.strict else (
            self.covered[k].mean() >= COVER_DONE and self.progress_s >= total - tol)
        if done:
            self.covered[k][:] = True
            self.current += 1
            self.progress_s = 0.0
            self.accepted = False
            if self.canvas is not None:
                self.stroke_canvas = self.canvas.copy()
            self.app.sound.play("success" if self.current >= len(self.model) else "tap")

    def _paint(self, pos: tuple[float, float]) -> None:
        """Paint the trail segment onto the cached canvas (incremental: one segment a sample)."""
        if self.canvas is None:
            return
        width = max(6, int(min(self.level.tolerance_px * 0.5, 18)))
        prev = self.last_pos or pos
        seg = math.dist(prev, pos)
        self.trail_len += seg
        if self.offroad:
            colour = ui.GREY
        else:
            colour = ui.PALETTE[int(self.trail_len // 90) % len(ui.PALETTE)]
        thick_polyline(self.canvas, colour, [prev, pos] if seg > 0 else [pos], width / 2)

    # -- logic ----------------------------------------------------------------------------------

    def update_trial(self, dt: float) -> None:
        """The demo, the copy hint, the copy mode's idle finish and the fading of a missed
        try's trail."""
        if self.update_watch(dt):
            return
        self.update_hint(dt)
        if self.fading is not None:
            self.fade_t += dt
            if self.fade_t >= MISS_FADE_S:
                self.fading = None
        if self.step.mode == "copy" and self.samples and not self.pen_down:
            self.idle_t += dt
            if self.idle_t >= COPY_IDLE_S:
                self._finish_copy()

    def reward_center(self) -> tuple[int, int]:
        """The reward plays over the model."""
        return (self.box.centerx, self.box.centery)
