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
  next stroke's start dot shows which); lifting the finger is allowed. With the strict
  setting, a stroke only advances from its start and forwards; lenient play accepts any start
  and direction and only counts the errors. A stroke is done when 90 % of it is covered
  (lenient) or its end is reached (strict);
* **copy**: the model sits on the side the hand does not cover, the child draws in the empty
  box and taps the big tick (or waits 4 s) to finish; scored with the Beery-VMI-like rules;
* the trial is scored with :func:`games.tracing.scoring.score_trace` / ``score_copy`` on the
  samples of the drawing pointer, finished on the recorder with all metric rows, the reward
  plays (stars, sound, a sticker for the session) and the shape's staircase moves.

Left-handed (``settings.left_handed``): the layout is mirrored, so the model thumbnail / the copy
model sit to the right, where a left hand does not cover them. The copy tick sits between the
model and the drawing box (never beside the box on the hand's side, where a resting palm would
press it).

What the child sees was checked on screenshots of every mode (issue 3): roads, models and
trails are drawn as even-width capsule chains (:func:`thick_polyline`), the pulsing start ring
is wider than the beetle parked on it, the current stroke's numbered start dot is drawn on top
of any other stroke starting at the same place, dot-to-dot puts a dot on every corner, copy mode
shows no beetle, and the worried beetle gets a sweat drop (a cue that is not only a colour).
Grown-ups leave by holding the house in the top corner for 3 s (the launcher's gear corner), so
a touch screen without Esc still has a way back and a child's tap does nothing.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from games.tracing.glyphs import Glyph, glyph, glyph_ids
from games.tracing.scoring import CopyScore, TraceScore, score_copy, score_trace
from games.tracing.staircase import (
    Level,
    TracingProgress,
    is_success,
    level,
    load_progress,
    save_progress,
)
from telemetry.schema import as_stored as _as_stored

ACTIVITY_ID = "tracing"
MODES = ("trace", "dots", "fade", "copy")
W, H = ui.LOGICAL_SIZE
TOP_BAR = 96  # stickers live up here
REWARD_S = 1.6  # the reward plays this long before the next trial
COPY_IDLE_S = 4.0  # a copy finishes by itself after this long without touching
COVER_DONE = 0.9  # lenient: a stroke is done at this share covered
OFFROAD_SOUND_GAP_S = 1.0  # at most one soft sound per second
ROAD = (236, 226, 200)
ARROW_SELF_GAP_PX = 60.0  # an arrow is left out within half this of another part of its stroke
ROAD_EDGE = (196, 180, 150)
ROAD_OFF = ui.lighter(ui.ORANGE, 0.55)
GUIDE_LINE = (190, 200, 220)
BEETLE_PX = 84  # side of the beetle sprite; it is drawn centred on the finger
START_RING_R = 50  # the pulsing start ring is wider than the beetle, so it shows around it
START_DOT_R = 18
END_STAR_R = 26
STICKER_PX = 56
STICKER_STEP = 60
MAX_STICKERS_SHOWN = 18  # the row stops short of the grown-ups' leave button
EXIT_PX = 72  # the grown-ups' leave button: small, in a top corner, held for EXIT_HOLD_S
EXIT_HOLD_S = 3.0
DONE_PX = 130  # the copy mode's tick
CORNER_DEG = 35.0  # dot-to-dot: a turn this sharp is a corner and always gets a dot


@dataclass(frozen=True)
class Step:
    """One trial of a lesson plan: which glyph, in which mode, and the repeat number."""

    glyph_id: str
    mode: str
    repeat: int = 0


def lesson_plan(glyph_ids_: Sequence[str], modes: Sequence[str] | None = None) -> list[Step]:
    """The default sequence for a list of glyphs: per glyph trace x2, dots, fade x3, copy.

    ``modes`` limits the plan to some modes (e.g. ``["copy"]``); copy is only planned for glyphs
    with a copy rule (the pre-writing shapes).
    """
    wanted = set(MODES if modes is None else modes)
    bad = wanted - set(MODES)
    if bad:
        raise ValueError(f"unknown tracing mode {sorted(bad)[0]!r}; expected one of {MODES}")
    plan: list[Step] = []
    for gid in glyph_ids_:
        g = glyph(gid)
        if "trace" in wanted:
            plan += [Step(gid, "trace", 0), Step(gid, "trace", 1)]
        if "dots" in wanted:
            plan.append(Step(gid, "dots", 0))
        if "fade" in wanted:
            plan += [Step(gid, "fade", r) for r in (1, 2, 3)]
        if "copy" in wanted and g.copy_rule:
            plan.append(Step(gid, "copy", 0))
    if not plan:
        raise ValueError("the lesson plan is empty (no glyph fits the modes asked for)")
    return plan


def _resample(poly: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` px along a polyline and their arc lengths."""
    seg = np.hypot(*np.diff(poly, axis=0).T)
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    n = max(2, int(math.ceil(cum[-1] / step)) + 1)
    s = np.linspace(0.0, cum[-1], n)
    return np.column_stack((np.interp(s, cum, poly[:, 0]), np.interp(s, cum, poly[:, 1]))), s


def thick_polyline(surface: pygame.Surface, colour: tuple[int, int, int],
                   points: Sequence[Sequence[float]], half: float) -> None:
    """A polyline of even width ``2 * half`` with round joins and ends (a chain of capsules).

    ``pygame.draw.lines`` measures a thick line's width along x or y, so a diagonal comes out
    ~30 % thinner and curves look scalloped: roads, models and trails use this instead.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    r = max(1, int(round(half)))
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        if length == 0.0:
            continue
        n = np.array([-d[1], d[0]]) * (half / length)
        quad = [tuple(a + n), tuple(b + n), tuple(b - n), tuple(a - n)]
        pygame.draw.polygon(surface, colour, quad)
    for p in pts:
        pygame.draw.circle(surface, colour, (float(p[0]), float(p[1])), r)


def dot_points(stroke: np.ndarray, spacing: float) -> list[tuple[float, float]]:
    """Dot-to-dot landmarks on a stroke: both ends, every corner (a turn of more than
    ``CORNER_DEG``), and evenly spaced dots at least ``spacing`` apart in between."""
    pts = np.asarray(stroke, dtype=float)
    cut = [0]
    for i in range(1, len(pts) - 1):
        u, v = pts[i] - pts[i - 1], pts[i + 1] - pts[i]
        nu, nv = float(np.hypot(*u)), float(np.hypot(*v))
        if nu == 0.0 or nv == 0.0:
            continue
        cos = float(np.clip(np.dot(u, v) / (nu * nv), -1.0, 1.0))
        if math.degrees(math.acos(cos)) > CORNER_DEG:
            cut.append(i)
    cut.append(len(pts) - 1)
    out: list[tuple[float, float]] = []
    for a, b in zip(cut[:-1], cut[1:], strict=True):
        part = pts[a:b + 1]
        cum = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(part, axis=0).T))))
        m = max(1, int(cum[-1] // spacing))
        for i in range(m):
            at = cum[-1] * i / m
            out.append((float(np.interp(at, cum, part[:, 0])),
                        float(np.interp(at, cum, part[:, 1]))))
    out.append((float(pts[-1][0]), float(pts[-1][1])))
    return out


def draw_beetle(surface: pygame.Surface, rect: pygame.Rect, worried: bool = False) -> None:
    """The friendly beetle the child drags (also the activity's icon): shell, face, wheels.

    Worried (off the road) it changes colour, mouth *and* gets a blue sweat drop, so the cue
    does not rest on telling vermillion from orange (colour-blind children)."""
    cx, cy = rect.center
    r = min(rect.w, rect.h) // 2 - 2
    shell = ui.VERMILLION if not worried else ui.ORANGE
    for dx in (-0.62, 0.62):  # wheels
        pygame.draw.circle(surface, ui.INK, (cx + int(dx * r), cy + int(0.55 * r)), int(r * 0.3))
    pygame.draw.circle(surface, ui.darker(shell, 0.75), (cx, cy + 2), r)
    pygame.draw.circle(surface, shell, (cx, cy), r)
    pygame.draw.line(surface, ui.darker(shell, 0.6), (cx, cy - r + 4), (cx, cy + r - 4), 3)
    for sx, sy in ((-0.45, 0.3), (0.45, 0.3), (-0.35, 0.65), (0.35, 0.65)):
        pygame.draw.circle(surface, ui.INK, (cx + int(sx * r), cy + int(sy * r)), int(r * 0.12))
    face = (cx, cy - int(r * 0.35))
    pygame.draw.circle(surface, ui.INK, face, int(r * 0.45))
    for ex in (-0.18, 0.18):
        pygame.draw.circle(surface, ui.WHITE, (face[0] + int(ex * r), face[1] - 2), int(r * 0.12))
        pygame.draw.circle(surface, ui.INK, (face[0] + int(ex * r), face[1] - 1), int(r * 0.05))
    mouth = pygame.Rect(0, 0, int(r * 0.36), int(r * 0.22))
    mouth.center = (face[0], face[1] + int(r * 0.2))
    if worried:
        pygame.draw.ellipse(surface, ui.WHITE, mouth.inflate(-mouth.w // 2, 0), 2)
    else:
        pygame.draw.arc(surface, ui.WHITE, mouth, math.pi * 1.1, math.pi * 1.9, 3)
    if worried:
        drop = (cx + int(r * 0.7), cy - int(r * 0.45))
        dr = max(3, int(r * 0.22))
        tip = (drop[0], drop[1] - 2 * dr)
        pygame.draw.polygon(surface, ui.SKY_BLUE,
                            [tip, (drop[0] - dr, drop[1]), (drop[0] + dr, drop[1])])
        pygame.draw.circle(surface, ui.SKY_BLUE, drop, dr)
        pygame.draw.circle(surface, ui.BLUE, drop, dr, 2)


def _star_points(cx: float, cy: float, r: float, spikes: int = 5) -> list[tuple[float, float]]:
    pts = []
    for i in range(spikes * 2):
        a = -math.pi / 2 + i * math.pi / spikes
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


class TracingScene(Scene):
    """Plays a lesson plan of tracing trials for one child (see the module docstring)."""

    pausable = True  # the engine's pause overlay comes up over it when the window loses focus

    def __init__(
        self,
        child_id: str,
        plan: Sequence[Step] | None = None,
        start_level: int = 1,
        progress_path: str | Path | None = None,
        use_staircase: bool = True,
    ) -> None:
        super().__init__()
        self.child_id = child_id
        self.plan = list(plan) if plan is not None else lesson_plan(glyph_ids("prewriting"))
        self.progress_path = Path(progress_path) if progress_path is not None else None
        self.progress = (load_progress(self.progress_path) if self.progress_path is not None
                         else TracingProgress())
        self.progress.start_level = max(1, min(6, int(start_level)))
        self.use_staircase = use_staircase
        self.step_index = 0
        self.stickers: list[tuple[int, str]] = []  # (colour index, glyph id)
        self.results: list[TraceScore | CopyScore] = []  # every finished trial's score
        self.time = 0.0
        # per-trial state (set by _start_trial)
        self.step: Step = self.plan[0]
        self.glyph: Glyph = glyph(self.step.glyph_id)
        self.level: Level = level(1)
        self.trial_no: int | None = None
        self.model: list[np.ndarray] = []
        self.dense: list[np.ndarray] = []
        self.dense_s: list[np.ndarray] = []
        self.all_dense = np.zeros((0, 2))
        self.covered: list[np.ndarray] = []
        self.current = 0
        self.progress_s = 0.0
        self.accepted = False
        self.samples: list[PointerSample] = []
        self.pointer: int | None = None
        self.pen_down = False
        self.last_pos: tuple[float, float] | None = None
        self.beetle_pos: tuple[float, float] = (W / 2, H / 2)
        self.offroad = False
        self.offroad_sound_t = -1e9
        self.trail_len = 0.0
        self.reward_t: float | None = None
        self.idle_t = 0.0
        self.box = pygame.Rect(0, 0, 1, 1)
        self.copy_box = pygame.Rect(0, 0, 1, 1)
        self.done_button: ui.PictureButton | None = None
        # the grown-ups' way back on a touch screen (Esc does the same with a keyboard)
        self.exit_button = ui.HoldButton(pygame.Rect(W - EXIT_PX - 20, 20, EXIT_PX, EXIT_PX),
                                         self._leave, EXIT_HOLD_S, draw_icon=ui.draw_back,
                                         color=ui.WHITE)
        self.numbered = False  # whether start dots carry stroke numbers this trial
        self.background: pygame.Surface | None = None
        self.canvas: pygame.Surface | None = None
        self.finished = False
        self.left = False  # a grown-up held the leave button
        self._beetles: dict[bool, pygame.Surface] = {}
        self._sticker_cache: dict[int, pygame.Surface] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def enter(self) -> None:
        """Start the first trial."""
        self._start_trial()

    def pause(self) -> None:
        """The pause overlay came up (the window lost focus, or P).

        A trial the child has started is begun afresh on resume, and the interrupted one is
        recorded abandoned: its completion and in-air times would otherwise include the
        interruption, which is not the child's (and the samples stay as they happened).
        """
        self.restart_on_resume = (
            self.trial_no is not None and self.reward_t is None and bool(self.samples)
        )

    def resume(self) -> None:
        """Back from the pause overlay: start the interrupted trial again (see :meth:`pause`)."""
        if getattr(self, "restart_on_resume", False):
            self.restart_on_resume = False
            rec = self.app.recorder
            if rec is not None:
                rec.abandon_trial()
            self._start_trial()

    def exit(self) -> None:
        """Leaving mid-trial records the trial as abandoned; progress is saved."""
        rec = self.app.recorder if self.app is not None else None
        if self.trial_no is not None and rec is not None:
            rec.abandon_trial()
        self.trial_no = None
        self._save()

    # -- layout ---------------------------------------------------------------------------------

    @property
    def left_handed(self) -> bool:
        """Whether the layout is mirrored for a left hand."""
        return bool(getattr(self.app.settings, "left_handed", False))

    @property
    def strict(self) -> bool:
        """Strict tracing: start point and direction block progress."""
        return bool(getattr(self.app.settings, "strict", False))

    def _place(self, rect: pygame.Rect) -> pygame.Rect:
        """A right-handed layout rect, mirrored for left-handers."""
        return ui.mirror_rect(rect) if self.left_handed else rect

    def exit_rect(self) -> pygame.Rect:
        """Where the grown-ups' leave button sits: the launcher's gear corner (top right, top
        left for a left-handed layout), so grown-ups find it in the same place everywhere."""
        return self._place(pygame.Rect(W - EXIT_PX - 20, 20, EXIT_PX, EXIT_PX))

    def thumbnail_rect(self) -> pygame.Rect:
        """The small picture of the whole model, on the side the hand does not cover."""
        return self._place(pygame.Rect(30, TOP_BAR + 20, 170, 170))

    def sticker_rects(self) -> list[pygame.Rect]:
        """Where the stickers shown now sit: along the top from the thumbnail's side, at most
        ``MAX_STICKERS_SHOWN`` (the newest), stopping short of the leave button."""
        n = min(len(self.stickers), MAX_STICKERS_SHOWN)
        return [self._place(pygame.Rect(20 + i * STICKER_STEP, 20, STICKER_PX, STICKER_PX))
                for i in range(n)]

    def _layout(self) -> None:
        size = int(self.level.size_px)
        avail_h = H - TOP_BAR - 20
        size = min(size, avail_h)
        self.exit_button.rect = self.exit_rect()
        self.exit_button.reset()
        if self.step.mode == "copy":
            size = min(size, 500)
            top = TOP_BAR + (avail_h - size) // 2
            # model on the side the writing hand does not cover (left for right-handers)
            model = pygame.Rect(40, top, size, size)
            draw = pygame.Rect(W - 60 - size, top, size, size)
            # the tick sits between the model and the box, at the box's bottom: away from the
            # palm, which rests beside and below the pen (a palm press must not end the copy)
            btn = pygame.Rect(0, 0, DONE_PX, DONE_PX)
            btn.centerx = (model.right + draw.left) // 2
            btn.bottom = draw.bottom
            self.box = self._place(model)
            self.copy_box = self._place(draw)
            self.done_button = ui.PictureButton(self._place(btn), ui.draw_check, self._finish_copy,
                                                color=ui.lighter(ui.GREEN, 0.5))
        else:
            # the glyph sits right of centre for right-handers, leaving the thumbnail of the
            # whole model visible on the left, away from the hand
            x = 230 + (W - 230 - size) // 2
            self.box = self._place(pygame.Rect(x, TOP_BAR + (avail_h - size) // 2, size, size))
            self.copy_box = pygame.Rect(0, 0, 1, 1)
            self.done_button = None

    # -- trials ---------------------------------------------------------------------------------

    def _start_trial(self) -> None:
        self.step = self.plan[self.step_index]
        self.glyph = glyph(self.step.glyph_id)
        self.level = level(self.progress.current_level(self.glyph.id))
        self._layout()
        # the model as targets.csv stores it (4 decimals): what is drawn, played and scored is
        # exactly what a re-scoring of the stored trial reads back
        self.model = [_as_stored(np.asarray(stroke, dtype=float))
                      for stroke in self.glyph.scaled(self.box.x, self.box.y, self.box.w)]
        tol = self.level.tolerance_px
        self.dense, self.dense_s = [], []
        for stroke in self.model:
            pts, s = _resample(stroke, 2.0)
            self.dense.append(pts)
            self.dense_s.append(s)
        self.all_dense = np.concatenate(self.dense)
        self.covered = [np.zeros(len(d), dtype=bool) for d in self.dense]
        self.current = 0
        self.progress_s = 0.0
        self.accepted = False
        self.samples = []
        self.pointer = None
        self.pen_down = False
        self.last_pos = None
        self.offroad = False
        self.trail_len = 0.0
        self.reward_t = None
        self.idle_t = 0.0
        first = self.model[0][0]
        self.beetle_pos = (float(first[0]), float(first[1]))
        rec = self.app.recorder
        if rec is not None:
            self.trial_no = rec.begin_trial(ACTIVITY_ID, self.level.number, self.glyph.id,
                                            self.step.mode)
            for k, stroke in enumerate(self.model):
                rec.add_targets("model_path", k, stroke)
            rec.add_targets("tolerance", 0, [(tol, tol)])
            if self.step.mode == "copy":
                b = self.copy_box
                rec.add_targets("copy_box", 0, [(b.left, b.top), (b.right, b.bottom)])
        else:
            self.trial_no = 0  # playing without recording still runs the same logic
        self.arrow_tris: list[list[list[tuple[float, float]]]] = []
        self.arrow_colour: tuple[int, int, int] = ui.BLUE
        self.background = self._render_background()
        self.canvas = self.background.copy()

    def _px_per_mm(self) -> float | None:
        mpp = getattr(getattr(self.app, "viewport", None), "mm_per_px", None)
        return 1.0 / mpp if mpp else None

    def _drawn_samples(self) -> list[PointerSample]:
        """The samples of the drawing pointer(s), one stroke per down..up: exactly the trial's
        rows in ``samples.csv`` (see :meth:`handle_pointer`)."""
        return self.samples

    def _scored_samples(self) -> Any:
        """The drawn samples as ``samples.csv`` stores them, for scoring.

        ``(t_ms / 1000, x, y, phase)`` with ``t_ms`` counted from the recorder's origin and
        ``t_ms``, ``x`` and ``y`` rounded to 4 decimals as the CSV writer rounds them: scoring
        has thresholds (the band's edge, the 100 Hz resampling's sample count) where a 0.1 us
        difference can tip a figure, so the trial is scored from the very numbers a re-scoring
        of the stored trial reads back. Without a recorder, the samples as they came.
        """
        samples = self._drawn_samples()
        origin = getattr(self.app.recorder, "origin_ns", None)
        if origin is None or not samples:
            return samples
        t_ms = _as_stored(np.array([s.t_ns - origin for s in samples], dtype=float) / 1e6)
        x = _as_stored(np.array([s.x for s in samples], dtype=float))
        y = _as_stored(np.array([s.y for s in samples], dtype=float))
        return t_ms / 1e3, x, y, np.array([s.phase for s in samples], dtype=object)

    def _finish_trial(self) -> None:
        if self.trial_no is None or self.reward_t is not None:
            return
        tol = self.level.tolerance_px
        samples = self._scored_samples()
        score: TraceScore | CopyScore
        if self.step.mode == "copy":
            score = score_copy(self.model, samples, tol, rule=self.glyph.copy_rule,
                               px_per_mm=self._px_per_mm())
            trace = score.trace
            formation_ok = bool(score.rule_passed) if score.rule_passed is not None else True
            errors = (0 if score.rule_passed in (None, True) else 1) + trace.exits
            success = is_success(trace.accuracy, True) and formation_ok
        else:
            score = score_trace(self.model, samples, tol, px_per_mm=self._px_per_mm())
            trace = score
            errors = score.errors
            success = is_success(score.accuracy, True, score.formation_errors == 0, self.strict)
        rec = self.app.recorder
        if rec is not None:
            rows = score.metric_rows()
            rows.append(("success", float(success), "bool"))
            rows.append(("strict", float(self.strict), "bool"))
            rec.finish_trial(accuracy=trace.accuracy, errors=errors, completed=True,
                             metrics=rows, duration_ms=trace.completion_ms)
        self.results.append(score)
        self.trial_no = None
        if self.use_staircase:
            self.progress.record(self.glyph.id, success)
            self._save()
        self.stickers.append((len(self.stickers) % len(ui.PALETTE), self.glyph.id))
        self.reward_t = 0.0
        self.app.sound.play("reward")

    def _finish_copy(self) -> None:
        if self.step.mode == "copy" and self._drawn_samples():
            self._finish_trial()

    def _next(self) -> None:
        self.step_index += 1
        if self.step_index >= len(self.plan):
            self.finished = True
            self.app.stack.pop()
            return
        self._start_trial()

    def _save(self) -> None:
        if self.progress_path is not None and self.use_staircase:
            # progress is a convenience; the trial itself is already recorded
            with contextlib.suppress(OSError):
                save_progress(self.progress_path, self.progress)

    # -- input ----------------------------------------------------------------------------------

    def _leave(self) -> None:
        """The leave button was held: back to the launcher (the trial is recorded abandoned)."""
        # the same pop as Esc: when a launcher's host wraps this scene, it pops the host
        if not self.left and self.app is not None and len(self.app.stack):
            self.left = True
            self.app.stack.pop()

    def handle_key(self, key: KeyPress) -> None:
        """Esc leaves the activity (grown-ups; the launcher's host also handles it)."""
        if key.key == pygame.K_ESCAPE:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        """Draw and record the drawing pointer's samples; ignore every other pointer.

        A sample is recorded only once it is known to belong to the drawing, so the trial's
        rows in ``samples.csv`` are exactly the samples it is scored from (``self.samples``)
        and the stored trial re-scores to the stored figures. Not recorded: a press on the
        copy tick or the leave button (its down, moves and up), a second finger while one
        draws (a resting palm), and anything between trials.
        """
        if self.exit_button.handle_pointer(sample):
            return  # held long enough: the scene has left
        if self.trial_no is None:
            return  # between trials (reward playing): nothing is recorded or drawn
        if self.done_button is not None and self.done_button.handle_pointer(sample):
            return  # the lift that completes a press on the tick (the press began on it)
        if sample.phase == "down":
            if self.pen_down:
                return  # another finger while drawing (a resting palm)
            if self.done_button is not None and self.done_button.contains(sample.x, sample.y):
                return  # a press on the tick, not a stroke
            if self.exit_button.rect.collidepoint(sample.x, sample.y):
                return  # a grown-up's hold (or a child's tap on the house), not a stroke
            # each stroke may come from a new touch finger: the first one down draws
            self.pointer = sample.pointer_id
            self.pen_down = True
        elif not self.pen_down or sample.pointer_id != self.pointer:
            return  # a pointer that is not drawing (tick, house, palm) moves or lifts
        rec = self.app.recorder
        if rec is not None:
            rec.add_pointer(sample)  # before the sample is used: its up may end the trial
        self.samples.append(sample)
        self.idle_t = 0.0
        pos = (sample.x, sample.y)
        if self.step.mode == "copy":
            self._copy_sample(sample, pos)
            return
        if sample.phase == "down":
            self.last_pos = pos
            self.accepted = self._accept_start(pos)
        self._progress(pos)
        self._paint(pos)
        self.beetle_pos = pos
        if sample.phase == "up":
            self.pen_down = False
            self.last_pos = None
            self.offroad = False
            if self.current >= len(self.model):
                self._finish_trial()
        else:
            self.last_pos = pos

    def _copy_sample(self, sample: PointerSample, pos: tuple[float, float]) -> None:
        if sample.phase == "down":
            self.last_pos = pos
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

    def update(self, dt: float) -> None:
        """Reward timing, the leave button's hold and the copy mode's idle finish."""
        self.time += dt
        if self.exit_button.tick(self.app.clock.now_ns()):
            return
        if self.reward_t is not None:
            self.reward_t += dt
            if self.reward_t >= REWARD_S:
                self._next()
            return
        if self.step.mode == "copy" and self.samples and not self.pen_down:
            self.idle_t += dt
            if self.idle_t >= COPY_IDLE_S:
                self._finish_copy()

    # -- drawing --------------------------------------------------------------------------------

    def _render_background(self) -> pygame.Surface:
        """Everything static in a trial, drawn once: backdrop, guide lines, road, arrows, dots,
        the thumbnail of the whole model and, in copy mode, the empty box."""
        surf = ui.backdrop().copy()
        tol = self.level.tolerance_px
        mode = self.step.mode
        if self.glyph.category in ("upper", "lower", "digit"):
            self._guide_lines(surf, self.box)
            if mode == "copy":
                self._guide_lines(surf, self.copy_box)
        if mode == "copy":
            pygame.draw.rect(surf, ui.WHITE, self.copy_box, border_radius=24)
            pygame.draw.rect(surf, ui.SKY_BLUE, self.copy_box, 6, border_radius=24)
            self._model_line(surf, width=10, colour=ui.INK)
            self.numbered = self.glyph.n_strokes > 1
            self._start_dots(surf)
            return surf.convert()
        alpha = 255
        if mode == "fade":
            alpha = int(255 * max(0.0, 1.0 - self.step.repeat / 3.0))
        if mode == "dots":
            self._dots(surf, tol)
        elif alpha > 0:
            layer = pygame.Surface((W, H), pygame.SRCALPHA)
            if self.level.road:
                for stroke in self.model:
                    self._road(layer, stroke, tol + 4, ROAD_EDGE)
                for stroke in self.model:
                    self._road(layer, stroke, tol, ROAD)
            self._model_line(layer, width=4 if self.level.road else 8,
                             colour=ui.WHITE if self.level.road else ui.GREY)
            if self.level.arrows:
                # Drawn per frame for the current stroke only: strokes that run back over
                # another (B's middle bar) would otherwise show arrows both ways.
                self.arrow_tris = [self._arrows(stroke) for stroke in self.model]
                self.arrow_colour = _blend(ui.BLUE, ROAD if self.level.road else ui.CREAM,
                                           alpha / 255)
            layer.set_alpha(alpha)
            surf.blit(layer, (0, 0))
        self.numbered = self.level.stroke_numbers and self.glyph.n_strokes > 1
        self._start_dots(surf)
        self._thumbnail(surf)
        return surf.convert()

    def _guide_lines(self, surf: pygame.Surface, box: pygame.Rect) -> None:
        # top line, dashed midline, baseline (and the descender line for lowercase)
        ys = (0.0, 0.4, 0.7, 1.0) if self.glyph.category == "lower" else (0.0, 0.5, 1.0)
        for i, fy in enumerate(ys):
            y = box.y + fy * box.h
            if i == 1:
                for x in range(box.left, box.right, 24):
                    pygame.draw.line(surf, GUIDE_LINE, (x, y), (min(x + 12, box.right), y), 2)
            else:
                pygame.draw.line(surf, GUIDE_LINE, (box.left, y), (box.right, y), 2)

    @staticmethod
    def _road(surf: pygame.Surface, stroke: np.ndarray, half: float, colour: tuple) -> None:
        thick_polyline(surf, colour, stroke, half)

    def _model_line(self, surf: pygame.Surface, width: int, colour: tuple) -> None:
        for stroke in self.model:
            thick_polyline(surf, colour, stroke, width / 2)

    @staticmethod
    def _arrows(stroke: np.ndarray) -> list[list[tuple[float, float]]]:
        """Direction arrows along ``stroke``: one triangle about every 140 px, none where the
        stroke runs back over itself (B's middle bar: two arrows there would point both ways)."""
        tris: list[list[tuple[float, float]]] = []
        pts, s = _resample(stroke, 2.0)
        total = float(s[-1])
        n = max(1, int(total // 140))
        for i in range(n):
            at = total * (i + 0.5) / n
            j = int(np.searchsorted(s, at))
            j = min(max(j, 1), len(pts) - 1)
            elsewhere = np.abs(s - s[j]) > ARROW_SELF_GAP_PX
            near = np.hypot(*(pts[elsewhere] - pts[j]).T) < ARROW_SELF_GAP_PX / 2
            if near.any():
                continue
            d = pts[j] - pts[j - 1]
            ang = math.atan2(d[1], d[0])
            c = pts[j]
            size = 14
            tip = (c[0] + size * math.cos(ang), c[1] + size * math.sin(ang))
            left = (c[0] + size * math.cos(ang + 2.5), c[1] + size * math.sin(ang + 2.5))
            right = (c[0] + size * math.cos(ang - 2.5), c[1] + size * math.sin(ang - 2.5))
            tris.append([tip, left, right])
        return tris

    def dot_centres(self) -> list[list[tuple[float, float]]]:
        """Dot-to-dot mode's dots, per stroke: ends, corners and even steps between."""
        spacing = max(50.0, 2.2 * self.level.tolerance_px)
        return [dot_points(stroke, spacing) for stroke in self.model]

    def _dots(self, surf: pygame.Surface, tol: float) -> None:
        for dots in self.dot_centres():
            for p in dots:
                pygame.draw.circle(surf, ui.BLUE, p, 13)
                pygame.draw.circle(surf, ui.WHITE, p, 5)

    def _start_dot(self, surf: pygame.Surface, k: int) -> None:
        p = tuple(self.model[k][0])
        pygame.draw.circle(surf, ui.GREEN, p, START_DOT_R)
        pygame.draw.circle(surf, ui.WHITE, p, START_DOT_R, 3)
        if self.numbered:
            ui.draw_text(surf, str(k + 1), 28, ui.WHITE, center=(round(p[0]), round(p[1])))

    def _start_dots(self, surf: pygame.Surface) -> None:
        # last stroke first: where strokes share a start (square, B...), "1" ends on top, and
        # draw() puts the current stroke's dot on top as the child goes
        for k in reversed(range(len(self.model))):
            self._start_dot(surf, k)

    def _thumbnail(self, surf: pygame.Surface) -> None:
        """The whole model, small, on the side away from the hand: what to aim for."""
        rect = self.thumbnail_rect()
        pygame.draw.rect(surf, ui.WHITE, rect, border_radius=20)
        pygame.draw.rect(surf, ui.LIGHT_GREY, rect, 3, border_radius=20)
        inner = rect.inflate(-30, -30)
        strokes = self.glyph.scaled(inner.x, inner.y, inner.w)
        for k, stroke in enumerate(strokes):
            thick_polyline(surf, ui.PALETTE[(k + 4) % len(ui.PALETTE)], stroke, 3)
        for stroke in reversed(strokes):
            pygame.draw.circle(surf, ui.GREEN, tuple(stroke[0]), 7)

    def _beetle(self, worried: bool) -> pygame.Surface:
        surf = self._beetles.get(worried)
        if surf is None:
            surf = pygame.Surface((BEETLE_PX, BEETLE_PX), pygame.SRCALPHA)
            draw_beetle(surf, surf.get_rect(), worried)
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()
            self._beetles[worried] = surf
        return surf

    def _sticker(self, colour: int) -> pygame.Surface:
        surf = self._sticker_cache.get(colour)
        if surf is None:
            surf = pygame.Surface((STICKER_PX, STICKER_PX), pygame.SRCALPHA)
            ui.draw_star(surf, surf.get_rect(), ui.PALETTE[colour])
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()
            self._sticker_cache[colour] = surf
        return surf

    def draw(self, surface: pygame.Surface) -> None:
        """Canvas (background + trail), current stroke's start and end, beetle, stickers."""
        if self.canvas is None:
            return
        surface.blit(self.canvas, (0, 0))
        reduce = bool(getattr(self.app.settings, "reduce_motion", False))
        if self.step.mode != "copy" and self.current < len(self.model) and self.reward_t is None:
            stroke = self.model[self.current]
            start = tuple(stroke[0])
            # the ring is wider than the beetle parked on the start, so it is never hidden
            r = START_RING_R * ui.pulse(self.time, 0.1, reduce_motion=reduce)
            pygame.draw.circle(surface, ui.GREEN, start, r, 6)
            if self.arrow_tris:
                for tri in self.arrow_tris[self.current]:
                    pygame.draw.polygon(surface, self.arrow_colour, tri)
            self._start_dot(surface, self.current)
            end = stroke[-1]
            star = _star_points(end[0], end[1], END_STAR_R)
            pygame.draw.polygon(surface, ui.YELLOW, star)
            pygame.draw.polygon(surface, ui.darker(ui.ORANGE, 0.8), star, 3)
        if self.done_button is not None:
            self.done_button.draw(surface)
        if self.step.mode != "copy":
            # copy is freehand: no beetle sitting on the model (it invites tracing it) nor
            # under the finger (it would hide the drawing)
            lift = 0.0 if self.last_pos is not None else ui.bounce(self.time, 6.0,
                                                                   reduce_motion=reduce)
            bx, by = self.beetle_pos
            half = BEETLE_PX // 2
            surface.blit(self._beetle(self.offroad), (bx - half, by - half - lift))
        # stickers earned this session, newest last, along the top
        shown = self.stickers[-MAX_STICKERS_SHOWN:]
        for (colour, _), rect in zip(shown, self.sticker_rects(), strict=True):
            surface.blit(self._sticker(colour), rect)
        self.exit_button.draw(surface)
        if self.reward_t is not None:
            self._draw_reward(surface, reduce)

    def _draw_reward(self, surface: pygame.Surface, reduce: bool) -> None:
        cx, cy = self.box.center
        t = self.reward_t or 0.0
        if reduce:
            pygame.draw.polygon(surface, ui.YELLOW, _star_points(cx, cy, 90))
            pygame.draw.polygon(surface, ui.ORANGE, _star_points(cx, cy, 90), 5)
            return
        grow = min(1.0, t / 0.4)
        for i in range(8):
            a = i * math.pi / 4 + t
            d = 60 + 220 * min(1.0, t / REWARD_S)
            pygame.draw.polygon(surface, ui.PALETTE[i % len(ui.PALETTE)],
                                _star_points(cx + d * math.cos(a), cy + d * math.sin(a), 24))
        pygame.draw.polygon(surface, ui.YELLOW, _star_points(cx, cy, 90 * grow + 1))
        pygame.draw.polygon(surface, ui.ORANGE, _star_points(cx, cy, 90 * grow + 1), 5)


def _blend(colour: tuple, under: tuple, alpha: float) -> tuple[int, int, int]:
    """``colour`` seen at ``alpha`` over ``under`` (the fading guide's arrows)."""
    return tuple(int(round(c * alpha + u * (1.0 - alpha))) for c, u in zip(colour, under,
                                                                           strict=False))[:3]


def data_dir_of(app: Any) -> Path | None:
    """The data folder, from ``app.data_dir`` or the recorder's session folder
    (``<data>/sessions/<child>/<date>_<id>``); None when neither is known."""
    d = getattr(app, "data_dir", None)
    if d is not None:
        return Path(d)
    folder = getattr(getattr(app, "recorder", None), "folder", None)
    if folder is not None:
        return Path(folder).parents[2]
    return None
