""""Watch me" in the tracing scene (issue 13 point 4).

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

The eye (:data:`games.tracing.record.WATCH_PX`, laid out by ``record.layout``) sits on the side
away from the writing hand, clear of every marker (tested on every model, level and hand).
Copy mode has no demo (no beetle on a model the child copies freehand) and shows no eye.
"""

from __future__ import annotations

import pygame

from engine import ui
from engine.pointer import PointerSample
from games.tracing.draw import draw_eye, thick_polyline
from games.tracing.road import arrow_triangles
from games.tracing.view import TracingView
from games.tracing.watch import WatchFrame, WatchPlan, partial_stroke


class WatchingView(TracingView):
    """The tracing scene's "watch me" demo (module docstring)."""

    pen_down: bool
    samples: list[PointerSample]
    beetle_pos: tuple[float, float]

    def __init__(self, child_id: str, watch_first: bool = False) -> None:
        super().__init__(child_id)
        self.watch_first = watch_first
        self.watched: set[str] = set()  # shapes demonstrated in this visit
        self.watch: WatchPlan | None = None  # the demo playing (no input is recorded)
        self.watch_t = 0.0
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
        """Start the demo of the laid-out model (trace modes; none in copy mode)."""
        self.watched.add(self.glyph.id)
        if self.step.mode == "copy":
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
        """Feed the eye a sample; True when the sample is a press on it (not a stroke).
        Copy mode shows no eye."""
        if self.step.mode == "copy":
            return False
        if self.watch_button.handle_pointer(sample):
            return True
        return sample.phase == "down" and not self.pen_down and self.watch_button.contains(
            sample.x, sample.y)

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
