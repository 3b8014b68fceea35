"""The sequencing game: put a routine's picture cards in order (trial flow and input).

Slots stand in reading order under the routine; the cards lie shuffled in the tray below. The
child drags a card into a slot (or, with the tap-then-tap alternative, taps a card then a
slot); cards can be moved again until every slot is filled. Right: each card lights in turn
with a sound, as a small story, then the reward. Not right: the cards out of place glide back
to the tray and the child goes on; nothing punishes.

The rules live in :mod:`games.sequencing.board` (pure): every pointer sample the scene records
is the sample the board is fed, at the precision samples.csv stores, so a stored trial
replays to the same moves and score. Drawing is here (:mod:`games.sequencing.draw`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from games.sequencing import draw
from games.sequencing.board import Board, centre, make_layout
from games.sequencing.levels import Level, level, pick_routine, routine_for_level
from games.sequencing.measures import trial_figures
from games.sequencing.record import Played, write_targets
from games.sequencing.routines import Routine, distractor_for
from games.sequencing.score import DISTRACTOR, TrialScore

ACTIVITY_ID = "sequencing"
STORY_STEP_S = 0.7  # each card of the finished routine lights this long
REWARD_S = 1.6
EXIT_PX, EXIT_HOLD_S = 96, 3.0


@dataclass
class Options:
    """What a grown-up chose for the child: the routines, prompting, drag or tap."""

    routines: Sequence[Routine]
    prompting: str = "after-error"
    tap: bool = False
    folder_of: Callable[[Routine], Path | None] = lambda r: None


class SequencingScene(Scene):
    """Plays sequencing trials for one child until a grown-up leaves (module docstring)."""

    pausable = True

    def __init__(self, child_id: str, options: Options, start_level: int = 1,
                 on_result: Callable[[Level, TrialScore], int] | None = None,
                 seed: int | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.options = options
        self.level = level(start_level)
        self.on_result = on_result  # the staircase: returns the next level
        self.rng = random.Random(seed)
        self.turn = 0
        self.results: list[TrialScore] = []
        self.trial_no: int | None = None
        self.board: Board | None = None
        self.routine: Routine | None = None
        self.samples: list[tuple[float, float, float, int, str]] = []
        self.shown: dict[str, tuple[float, float]] = {}  # each card's centre as drawn
        self.story_t: float | None = None
        self.reward_t: float | None = None
        self.time = 0.0
        self.left = False
        self.exit_button = ui.HoldButton(
            pygame.Rect(1280 - EXIT_PX - 20, 20, EXIT_PX, EXIT_PX), self._leave, EXIT_HOLD_S,
            draw_icon=ui.draw_back, color=ui.WHITE)

    # -- lifecycle ------------------------------------------------------------------------------

    def enter(self) -> None:
        """Start the first trial."""
        self._start_trial()

    def pause(self) -> None:
        """The pause overlay came up: a trial under way starts afresh on resume."""
        self.restart_on_resume = self.story_t is None and bool(self.samples)

    def resume(self) -> None:
        """Back from the pause overlay (see :meth:`pause`)."""
        if getattr(self, "restart_on_resume", False):
            self.restart_on_resume = False
            self._recorder().abandon_trial()
            self._start_trial(same=True)

    def exit(self) -> None:
        """Leaving mid-trial records the trial abandoned."""
        if self.trial_no is not None and self.story_t is None:
            self._recorder().abandon_trial()
        self.trial_no = None

    def _recorder(self) -> Any:
        rec = getattr(self.app, "recorder", None)
        return rec if rec is not None else _NoRecorder()

    @property
    def reduce_motion(self) -> bool:
        """Whether animations stand still (a grown-up setting)."""
        return bool(getattr(getattr(self.app, "settings", None), "reduce_motion", False))

    # -- trials ---------------------------------------------------------------------------------

    def _start_trial(self, same: bool = False) -> None:
        if not same or self.routine is None:
            whole = pick_routine(self.options.routines, self.level, self.turn)
            self.routine = routine_for_level(whole, self.level)
        routine = self.routine
        cards = list(routine.step_ids)
        if self.level.distractor:
            cards.append(DISTRACTOR)
        self.distractor_picture = distractor_for(routine, self.turn)
        layout = make_layout(len(routine.steps), len(cards), self.rng.randrange(1 << 30))
        self.played = Played(routine.id, tuple(cards), routine.before, layout)
        self.board = Board(self.played.order(), tuple(cards), layout, tap=self.options.tap,
                           prompting=self.options.prompting)
        self.samples = []
        self.pointer: int | None = None
        self.story_t = None
        self.reward_t = None
        self.shown = {c: centre(self.board.rect_of(c)) for c in cards}
        rec = self._recorder()
        mode = "tap" if self.options.tap else "drag"
        self.trial_no = rec.begin_trial(ACTIVITY_ID, self.level.number, routine.id, mode)
        write_targets(rec, self.played)

    def picture_of(self, card: str) -> str:
        """The picture reference of ``card`` in this trial."""
        assert self.routine is not None
        return self.distractor_picture if card == DISTRACTOR else self.routine.step(card).picture

    def _stored(self, sample: PointerSample) -> tuple[float, float, float]:
        """(t_ms, x, y) as samples.csv stores them (4 decimals, ms from the recorder's origin)."""
        origin = getattr(self._recorder(), "origin_ns", None) or 0
        return (round((sample.t_ns - origin) / 1e6, 4), round(sample.x, 4), round(sample.y, 4))

    def _finish(self) -> None:
        board = self.board
        assert board is not None
        score, metrics = trial_figures(board, self.level.slot_hint_level, self.samples)
        self._recorder().finish_trial(accuracy=score.accuracy, errors=score.errors,
                                      completed=True, metrics=metrics,
                                      duration_ms=score.total_ms)
        self.trial_no = None
        self.results.append(score)
        if self.on_result is not None:
            self.level = level(self.on_result(self.level, score))
        self.story_t = 0.0
        self.app.sound.play("tap")  # the first card of the story lights

    def _next(self) -> None:
        self.turn += 1
        self._start_trial()

    # -- input ----------------------------------------------------------------------------------

    def _leave(self) -> None:
        if not self.left and self.app is not None and len(self.app.stack):
            self.left = True
            self.app.stack.pop()

    def handle_key(self, key: KeyPress) -> None:
        """Esc leaves the activity (grown-ups)."""
        if key.key == pygame.K_ESCAPE:
            self._leave()

    def handle_pointer(self, sample: PointerSample) -> None:
        """Record the playing pointer's samples and feed them to the board."""
        if self.exit_button.handle_pointer(sample):
            return
        board = self.board
        if board is None or self.trial_no is None or board.done:
            return
        if sample.phase == "down":
            if self.pointer is not None or self.exit_button.rect.collidepoint(sample.x, sample.y):
                return  # a second finger, or a grown-up's hold on the house
            self.pointer = sample.pointer_id
        elif sample.pointer_id != self.pointer:
            return
        elif sample.phase == "up":
            self.pointer = None
        self._recorder().add_pointer(sample)
        t_ms, x, y = self._stored(sample)
        self.samples.append((t_ms, x, y, sample.pointer_id, sample.phase))
        board.pointer(sample.phase, x, y, t_ms, sample.pointer_id)
        for kind, _ in board.take_events():
            if kind in ("move", "pick"):
                self.app.sound.play("tap") if kind == "move" else None
            elif kind == "back":
                self.app.sound.play("soft_error")
        if board.done:
            self._finish()

    # -- time and drawing -----------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Glide cards to their places; play the story, then the reward, then the next trial."""
        self.time += dt
        if self.exit_button.tick(getattr(self.app.clock, "now_ns", lambda: 0)()):
            return
        board = self.board
        if board is None:
            return
        ease = 1.0 if self.reduce_motion else 1.0 - math.exp(-dt * 9.0)
        for card in board.cards:
            if card == board.held:
                target = board.held_at if not board.tap else centre(board.rect_of(card))
            else:
                target = centre(board.rect_of(card))
            x, y = self.shown[card]
            self.shown[card] = (x + (target[0] - x) * ease, y + (target[1] - y) * ease)
        if self.story_t is not None:
            before = int(self.story_t / STORY_STEP_S)
            self.story_t += dt
            after = int(self.story_t / STORY_STEP_S)
            n = len(board.placed)
            if after != before and after < n:
                self.app.sound.play("tap")
            if before < n <= after:
                self.app.sound.play("reward")
                self.reward_t = 0.0
            if self.reward_t is not None:
                self.reward_t += dt
                if self.reward_t >= REWARD_S:
                    self._next()

    def lit_slot(self) -> int | None:
        """The slot lit by the story now, if it is playing."""
        if self.story_t is None or self.board is None:
            return None
        k = int(self.story_t / STORY_STEP_S)
        return k if k < len(self.board.placed) else None

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the routine, slots, tray, cards, glow, story and reward."""
        draw.draw_scene(self, surface)
        self.exit_button.draw(surface)


class _NoRecorder:
    """Stands in when no recorder is attached (playing without recording)."""

    origin_ns = 0

    def begin_trial(self, *args: Any) -> int:
        return 0

    def add_targets(self, *args: Any) -> None:
        return None

    def add_pointer(self, sample: Any) -> None:
        return None

    def finish_trial(self, **kwargs: Any) -> None:
        return None

    def abandon_trial(self) -> None:
        return None
