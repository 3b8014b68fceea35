""""Watch me" and the copy hint in the tracing scene (issue 13 points 4 and 8).

:class:`WatchingView` sits between the drawing half (:class:`games.tracing.view.TracingView`)
and the scene (:class:`games.tracing.scene.TracingScene`); the timelines are
:mod:`games.tracing.watch`'s (pure).

**Watch me** (trace, dots, fade). Before the first try of each shape in a visit to the game
(the first step of that shape in the lesson plan the scene plays, when the scene is made with
``watch_first``: the set picker and the assessment do) and whenever the child taps the eye
button, the beetle walks the model stroke by stroke in the taught order and direction, the
stroke's start dot pulsing while it waits there, a coloured line growing behind it (the
thumbnail's colour for that stroke), then the trial begins.

* **No trial runs during the demo**: a demo before a try plays before ``begin_trial``, so the
  trial, its ``started_at`` and every sample start after it. Touches during it are never
  recorded and never count as an attempt: a touch anywhere (but the grown-ups' house) ends
  the demo at once, and the rest of that touch is ignored, so a child is never stuck.
* **Timing stays the child's**: every timing metric (completion time, in-air time, speeds) is
  measured from the samples, so it cannot include a demo watched before the first touch. A
  tap on the eye after the child has started the try records that try as not completed (as
  the pause overlay does) and begins it afresh after the demo; before the first touch the
  open trial simply waits (nothing is recorded twice, no empty trial is left behind).
* **Reduce motion**: nothing walks or pulses; each stroke is shown whole in turn with its
  arrows, end star and the beetle parked on its start.

**The copy hint** (copy mode). The model already sits beside the empty box; when the copy
trial starts, a ghost finger draws the model's first stroke inside the box (in the stroke's
direction), rests, then fades; it plays again after :data:`~games.tracing.watch.HINT_REPEAT_S`
with nothing drawn, and when the eye is tapped. It is drawn over the frame, never into the
child's drawing, and only while the box is empty: the first touch stops it (that touch is the
child's drawing, recorded as usual; the copy's times are measured from its samples, so a hint
never counts in them). With reduce motion the whole stroke and the finger show still, then go.
Tapping the eye after drawing starts the copy afresh (that try recorded as not completed) so
the hint plays in an empty box.

The eye (:data:`games.tracing.record.WATCH_PX`, laid out by ``record.layout``) sits on the side
away from the writing hand, clear of every marker (tested on every model, level and hand).
"""

from __future__ import annotations

import numpy as np
import pygame

from engine import ui
from engine.pointer import PointerSample
from games.tracing.draw import draw_eye, draw_ghost_finger, thick_polyline
from games.tracing.road import arrow_triangles
from games.tracing.view import TracingView
from games.tracing.watch import (
    HINT_REPEAT_S,
    HintFrame,
    HintPlan,
    WatchFrame,
    WatchPlan,
    partial_stroke,
)

GHOST = ui.SKY_BLUE  # the copy hint's finger and line
HINT_ALPHA = 190  # the hint is a ghost: see-through even at its strongest
GHOST_FINGER_PX = 130.0  # the ghost hand's size


class WatchingView(TracingView):
    """The tracing scene's "watch me" demo and copy hint (module docstring)."""

    pen_down: bool
    samples: list[PointerSample]
    beetle_pos: tuple[float, float]

    def __init__(self, child_id: str, watch_first: bool = False) -> None:
        super().__init__(child_id)
        self.watch_first = watch_first
        self.watched: set[str] = set()  # shapes demonstrated in this visit
        self.watch: WatchPlan | None = None  # the demo playing (no input is recorded)
        self.watch_t = 0.0
        self.hint: HintPlan | None = None  # the copy hint playing
        self.hint_t = 0.0
        self.hint_idle = 0.0  # seconds with the copy box empty since the last hint
        self.hint_from_left = False  # the ghost hand comes from the left (see start_hint)
        self._hint_surface: pygame.Surface | None = None
        self._demo_arrows: tuple[tuple[int, int], list[list[tuple[float, float]]]] = ((0, -1), [])
        self.watch_button = ui.PictureButton(pygame.Rect(0, 0, 130, 130), draw_eye,
                                             self.watch_again, color=ui.WHITE)

    # -- what the scene provides -------------------------------------------------------------

    def begin(self) -> None:
        """Begin the laid-out trial on the recorder (the scene's)."""
        raise NotImplementedError

    def start_trial(self, watch: bool = False) -> None:
        """Lay out the plan's step; ``watch``: demonstrate it first (the scene's)."""
        raise NotImplementedError

    # -- watch me ------------------------------------------------------------------------------

    def place_watch_button(self, rect: tuple[int, int, int, int]) -> None:
        """Put the eye where the layout says, released."""
        self.watch_button.rect = pygame.Rect(rect)
        self.watch_button.reset()

    def wants_watch(self) -> bool:
        """Whether this trial starts with a demo: the shape's first try in this visit."""
        return self.watch_first and self.glyph.id not in self.watched

    def start_watch(self) -> None:
        """Start the demo of the laid-out model (trace modes) or the copy hint (copy)."""
        self.watched.add(self.glyph.id)
        if self.step.mode == "copy":
            self.start_hint()
            return
        self.watch = WatchPlan(self.model, self.reduce_motion)
        self.watch_t = 0.0

    def end_watch(self) -> None:
        """The demo is over (played out, or a touch ended it): the beetle sits on the first
        start and the trial begins (unless it was already open and untouched)."""
        self.watch = None
        first = self.model[0][0]
        self.beetle_pos = (float(first[0]), float(first[1]))
        if self.trial_no is None:
            self.begin()

    def watch_again(self) -> None:
        """The eye was tapped: show the model being made again (module docstring)."""
        if self.reward_t is not None or self.pen_down or self.watch is not None:
            return
        if self.trial_no is not None and self.samples:
            self.abandon_trial()  # the try so far would hold the demo's time: begun afresh
            self.start_trial(watch=True)
            return
        self.start_watch()

    def watch_frame(self) -> WatchFrame | None:
        """Where the demo is now (None when none plays)."""
        return self.watch.at(self.watch_t) if self.watch is not None else None

    def watch_walking(self) -> bool:
        """Whether the demo's beetle is walking now (it does not hop while it walks)."""
        return self.watch is not None and self.watch.walking(self.watch_t)

    def update_watch(self, dt: float) -> bool:
        """Advance the demo; True while it plays (the trial's own logic waits)."""
        if self.watch is None:
            return False
        self.watch_t += dt
        if self.watch_t >= self.watch.duration:
            self.end_watch()
            return False
        self.beetle_pos = self.watch.at(self.watch_t).pos
        return True

    def handle_pointer(self, sample: PointerSample) -> None:
        """During a demo a touch ends it (nothing recorded); otherwise the trial's input."""
        if self.watch is None:
            super().handle_pointer(sample)
            return
        if self.exit_button.handle_pointer(sample):
            return
        if sample.phase == "down" and not self.on_leave_button(sample.x, sample.y):
            self.end_watch()  # the rest of this touch is no stroke: the scene ignores it

    def on_watch_button(self, sample: PointerSample) -> bool:
        """Feed the eye a sample; True when the sample is a press on it (not a stroke)."""
        if self.watch_button.handle_pointer(sample):
            return True
        return sample.phase == "down" and not self.pen_down and self.watch_button.contains(
            sample.x, sample.y)

    # -- the copy hint -----------------------------------------------------------------------

    def hint_stroke(self) -> np.ndarray:
        """The model's first stroke placed in the copy box (same size as the model's box)."""
        shift = np.array([self.copy_box.x - self.box.x, self.copy_box.y - self.box.y], float)
        return np.asarray(self.model[0], dtype=float) + shift

    def hint_rect(self) -> pygame.Rect:
        """Where the hint may draw: inside the copy box's border."""
        return self.copy_box.inflate(-16, -16)

    def start_hint(self) -> None:
        """Play the copy hint (only into an empty box)."""
        if self.samples or self.pen_down:
            return
        self.hint = HintPlan(self.hint_stroke(), self.reduce_motion)
        self.hint_t = 0.0
        self.hint_idle = 0.0
        # the ghost hand comes from the writing hand's side, unless the stroke runs too close
        # to that edge of the box for the hand to show: then from the other side
        xs = self.hint.stroke[:, 0]
        rect, reach = self.hint_rect(), 0.6 * GHOST_FINGER_PX
        if self.left_handed:
            self.hint_from_left = float(xs.min()) - rect.left >= reach
        else:
            self.hint_from_left = rect.right - float(xs.max()) < reach

    def stop_hint(self) -> None:
        """The child touched the box: the hint goes at once."""
        self.hint = None
        self.hint_idle = 0.0

    def update_hint(self, dt: float) -> None:
        """Advance the hint; with the box still empty, play it again after a while."""
        if self.step.mode != "copy" or self.samples or self.pen_down:
            return
        if self.hint is not None:
            self.hint_t += dt
            if self.hint_t >= self.hint.duration:
                self.hint = None
            return
        self.hint_idle += dt
        if self.hint_idle >= HINT_REPEAT_S:
            self.start_hint()

    def hint_frame(self) -> HintFrame | None:
        """Where the hint is now (None when none plays)."""
        return self.hint.at(self.hint_t) if self.hint is not None else None

    # -- drawing -------------------------------------------------------------------------------

    def trail_width(self) -> float:
        """Half-width of a drawn trail (the child's, the demo's)."""
        return max(6, int(min(self.level.tolerance_px * 0.5, 18))) / 2

    def draw_watch_trail(self, surface: pygame.Surface, frame: WatchFrame) -> None:
        """The demo's line: the strokes shown so far whole, the current one as far as the
        beetle walked, each in the thumbnail's colour for that stroke."""
        assert self.watch is not None
        half = self.trail_width()
        for k in range(frame.stroke + 1):
            colour = ui.PALETTE[(k + 4) % len(ui.PALETTE)]
            if k < frame.stroke:
                thick_polyline(surface, colour, self.model[k], half)
            elif frame.walked > 0:
                thick_polyline(surface, colour, partial_stroke(
                    self.model[k], frame.walked, self.watch.cums[k]), half)

    def demo_arrows(self, k: int) -> list[list[tuple[float, float]]]:
        """The direction arrows the demo shows on stroke ``k``, at every level (also where the
        level shows none: the demo is about direction)."""
        key = (id(self.model), k)
        if self._demo_arrows[0] != key:
            self._demo_arrows = (key, arrow_triangles(self.model[k]))
        return self._demo_arrows[1]

    def watch_dot_scale(self) -> float:
        """The demo's start dot grows and shrinks while the beetle waits on it (still under
        reduce motion)."""
        if self.watch is None or self.reduce_motion or self.watch.walking(self.watch_t):
            return 1.0
        return ui.pulse(self.watch_t, 0.35, period=0.8)

    def draw_hint(self, surface: pygame.Surface) -> None:
        """The copy hint: a ghost line and finger inside the box (never into the drawing)."""
        frame = self.hint_frame()
        if frame is None or frame.alpha <= 0.0 or self.hint is None:
            return
        rect = self.hint_rect()
        layer = self._hint_surface
        if layer is None or layer.get_size() != rect.size:
            layer = pygame.Surface(rect.size, pygame.SRCALPHA)
            self._hint_surface = layer
        layer.fill((0, 0, 0, 0))
        off = np.array([rect.x, rect.y], dtype=float)
        if frame.drawn > 0:
            line = partial_stroke(self.hint.stroke, frame.drawn, self.hint.cum) - off
            thick_polyline(layer, ui.lighter(GHOST, 0.2), line, 8)
        tip = (frame.pos[0] - off[0], frame.pos[1] - off[1])
        draw_ghost_finger(layer, tip, GHOST_FINGER_PX, GHOST, self.hint_from_left)
        layer.set_alpha(int(HINT_ALPHA * frame.alpha))
        surface.blit(layer, rect.topleft)

