"""The tracing scene: drag a friendly beetle along a road shaped like a stroke, shape or letter.

One scene plays a *lesson plan*: for each glyph a few trials in the four modes, e.g. trace the
road twice, dot-to-dot once, then three trials whose guide fades, then (pre-writing shapes) one
freehand copy. Per trial:

* the model is laid out for the level (road width = tolerance band, size, guide) and stored
  with the trial (``recorder.add_targets("model_path", stroke, points)``, logical coordinates);
* every pointer sample goes to the recorder; the pointer that touched first draws;
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
model sit to the right, where a left hand does not cover them.
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

ACTIVITY_ID = "tracing"
MODES = ("trace", "dots", "fade", "copy")
W, H = ui.LOGICAL_SIZE
TOP_BAR = 96  # stickers live up here
REWARD_S = 1.6  # the reward plays this long before the next trial
COPY_IDLE_S = 4.0  # a copy finishes by itself after this long without touching
COVER_DONE = 0.9  # lenient: a stroke is done at this share covered
OFFROAD_SOUND_GAP_S = 1.0  # at most one soft sound per second
ROAD = (236, 226, 200)
ROAD_EDGE = (196, 180, 150)
ROAD_OFF = ui.lighter(ui.ORANGE, 0.55)
GUIDE_LINE = (190, 200, 220)


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


def draw_beetle(surface: pygame.Surface, rect: pygame.Rect, worried: bool = False) -> None:
    """The friendly beetle the child drags (also the activity's icon): shell, face, wheels."""
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


def _star_points(cx: float, cy: float, r: float, spikes: int = 5) -> list[tuple[float, float]]:
    pts = []
    for i in range(spikes * 2):
        a = -math.pi / 2 + i * math.pi / spikes
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


class TracingScene(Scene):
    """Plays a lesson plan of tracing trials for one child (see the module docstring)."""

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
        self.background: pygame.Surface | None = None
        self.canvas: pygame.Surface | None = None
        self.finished = False
        self._beetles: dict[bool, pygame.Surface] = {}
        self._sticker_cache: dict[int, pygame.Surface] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    def enter(self) -> None:
        """Start the first trial."""
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

    def _layout(self) -> None:
        size = int(self.level.size_px)
        avail_h = H - TOP_BAR - 20
        size = min(size, avail_h)
        if self.step.mode == "copy":
            size = min(size, 500)
            # model on the side the writing hand does not cover (left for right-handers)
            model = pygame.Rect(40, TOP_BAR + (avail_h - size) // 2, size, size)
            draw = pygame.Rect(W - 40 - size - 130, TOP_BAR + (avail_h - size) // 2, size, size)
            self.box = self._place(model)
            self.copy_box = self._place(draw)
            btn = pygame.Rect(W - 150, H - 170, 130, 130)
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
        self.model = self.glyph.scaled(self.box.x, self.box.y, self.box.w)
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
        self.background = self._render_background()
        self.canvas = self.background.copy()

    def _px_per_mm(self) -> float | None:
        mpp = getattr(getattr(self.app, "viewport", None), "mm_per_px", None)
        return 1.0 / mpp if mpp else None

    def _drawn_samples(self) -> list[PointerSample]:
        """The samples of the drawing pointer(s): one stroke per down..up."""
        return self.samples

    def _finish_trial(self) -> None:
        if self.trial_no is None or self.reward_t is not None:
            return
        tol = self.level.tolerance_px
        samples = self._drawn_samples()
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

    def handle_key(self, key: KeyPress) -> None:
        """Esc leaves the activity (grown-ups; the launcher's host also handles it)."""
        if key.key == pygame.K_ESCAPE:
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        """Record every sample; the first pointer down draws, others are recorded only."""
        rec = self.app.recorder
        if self.trial_no is None:
            return  # between trials (reward playing): nothing is recorded or drawn
        if rec is not None:
            rec.add_pointer(sample)
        if self.done_button is not None and self.done_button.handle_pointer(sample):
            return
        if sample.phase == "down":
            if self.pen_down:
                return  # another finger while drawing (a resting palm): recorded only
            if self.done_button is not None and self.done_button.contains(sample.x, sample.y):
                return
            # each stroke may come from a new touch finger: the first one down draws
            self.pointer = sample.pointer_id
            self.pen_down = True
        elif not self.pen_down or sample.pointer_id != self.pointer:
            return
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
        if seg > 0:
            pygame.draw.line(self.canvas, colour, prev, pos, width)
        pygame.draw.circle(self.canvas, colour, pos, width // 2)

    # -- logic ----------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Reward timing and the copy mode's idle finish."""
        self.time += dt
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
            self._start_dots(surf, numbers=self.glyph.n_strokes > 1)
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
                for stroke in self.model:
                    self._arrows(layer, stroke)
            layer.set_alpha(alpha)
            surf.blit(layer, (0, 0))
        self._start_dots(surf, numbers=self.level.stroke_numbers and self.glyph.n_strokes > 1)
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
        pts = [tuple(p) for p in stroke.tolist()]
        r = int(round(half))
        pygame.draw.lines(surf, colour, False, pts, 2 * r)
        for p in pts:
            pygame.draw.circle(surf, colour, p, r)

    def _model_line(self, surf: pygame.Surface, width: int, colour: tuple) -> None:
        for stroke in self.model:
            pts = [tuple(p) for p in stroke.tolist()]
            pygame.draw.lines(surf, colour, False, pts, width)

    def _arrows(self, surf: pygame.Surface, stroke: np.ndarray) -> None:
        pts, s = _resample(stroke, 2.0)
        total = float(s[-1])
        n = max(1, int(total // 140))
        for i in range(n):
            at = total * (i + 0.5) / n
            j = int(np.searchsorted(s, at))
            j = min(max(j, 1), len(pts) - 1)
            d = pts[j] - pts[j - 1]
            ang = math.atan2(d[1], d[0])
            c = pts[j]
            size = 14
            tip = (c[0] + size * math.cos(ang), c[1] + size * math.sin(ang))
            left = (c[0] + size * math.cos(ang + 2.5), c[1] + size * math.sin(ang + 2.5))
            right = (c[0] + size * math.cos(ang - 2.5), c[1] + size * math.sin(ang - 2.5))
            pygame.draw.polygon(surf, ui.BLUE, [tip, left, right])

    def _dots(self, surf: pygame.Surface, tol: float) -> None:
        for stroke in self.model:
            pts, s = _resample(stroke, 2.0)
            total = float(s[-1])
            n = max(2, int(total // max(50.0, 2.2 * tol)) + 1)
            for i in range(n):
                j = min(len(pts) - 1, int(np.searchsorted(s, total * i / (n - 1))))
                pygame.draw.circle(surf, ui.BLUE, tuple(pts[j]), 13)
                pygame.draw.circle(surf, ui.WHITE, tuple(pts[j]), 5)

    def _start_dots(self, surf: pygame.Surface, numbers: bool) -> None:
        for k, stroke in enumerate(self.model):
            p = tuple(stroke[0])
            pygame.draw.circle(surf, ui.GREEN, p, 16)
            pygame.draw.circle(surf, ui.WHITE, p, 16, 3)
            if numbers:
                ui.draw_text(surf, str(k + 1), 24, ui.WHITE, center=(int(p[0]), int(p[1])))

    def _thumbnail(self, surf: pygame.Surface) -> None:
        """The whole model, small, on the side away from the hand: what to aim for."""
        rect = self._place(pygame.Rect(30, TOP_BAR + 20, 170, 170))
        pygame.draw.rect(surf, ui.WHITE, rect, border_radius=20)
        pygame.draw.rect(surf, ui.LIGHT_GREY, rect, 3, border_radius=20)
        inner = rect.inflate(-30, -30)
        for k, stroke in enumerate(self.glyph.scaled(inner.x, inner.y, inner.w)):
            pts = [tuple(p) for p in stroke.tolist()]
            pygame.draw.lines(surf, ui.PALETTE[(k + 4) % len(ui.PALETTE)], False, pts, 6)
            pygame.draw.circle(surf, ui.GREEN, pts[0], 7)

    def _beetle(self, worried: bool) -> pygame.Surface:
        surf = self._beetles.get(worried)
        if surf is None:
            surf = pygame.Surface((84, 84), pygame.SRCALPHA)
            draw_beetle(surf, surf.get_rect(), worried)
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()
            self._beetles[worried] = surf
        return surf

    def _sticker(self, colour: int) -> pygame.Surface:
        surf = self._sticker_cache.get(colour)
        if surf is None:
            surf = pygame.Surface((56, 56), pygame.SRCALPHA)
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
            r = 20 * ui.pulse(self.time, 0.15, reduce_motion=reduce)
            pygame.draw.circle(surface, ui.GREEN, start, r, 5)
            end = stroke[-1]
            pygame.draw.polygon(surface, ui.YELLOW, _star_points(end[0], end[1], 22))
            pygame.draw.polygon(surface, ui.ORANGE, _star_points(end[0], end[1], 22), 3)
        if self.done_button is not None:
            self.done_button.draw(surface)
        lift = 0.0 if self.last_pos is not None else ui.bounce(self.time, 6.0,
                                                               reduce_motion=reduce)
        beetle = self._beetle(self.offroad)
        bx, by = self.beetle_pos
        surface.blit(beetle, (bx - 42, by - 42 - lift))
        # stickers earned this session, newest last, along the top
        x0 = 20 if not self.left_handed else W - 20 - 56
        step = 60 if not self.left_handed else -60
        for i, (colour, _) in enumerate(self.stickers[-20:]):
            surface.blit(self._sticker(colour), (x0 + i * step, 20))
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
