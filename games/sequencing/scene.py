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

import pygame

from engine import ui
from engine.pointer import PointerSample
from games.kit.reward import REWARD_S, draw_reward
from games.kit.trial_scene import EXIT_HOLD_S, TrialScene
from games.sequencing import draw
from games.sequencing.board import Board, centre, make_layout
from games.sequencing.levels import Level, level, pick_routine, routine_for_level
from games.sequencing.measures import trial_figures
from games.sequencing.record import Played, write_targets
from games.sequencing.routines import Routine, distractor_for
from games.sequencing.score import DISTRACTOR, TrialScore

ACTIVITY_ID = "sequencing"
GEAR_PX = 72
STORY_STEP_S = 0.7  # each card of the finished routine lights this long, then the reward


@dataclass
class Options:
    """What a grown-up chose for the child: the routines, prompting, drag or tap."""

    routines: Sequence[Routine]
    prompting: str = "after-error"
    tap: bool = False
    folder_of: Callable[[Routine], Path | None] = lambda r: None
    # The grown-ups' screen (gear held 3 s): every routine to choose from, and how to save
    # the child's choice; without ``save`` there is no gear.
    choices: Sequence[Routine] = ()
    save: Callable[[dict[str, object]], None] | None = None


class SequencingScene(TrialScene):
    """Plays sequencing trials for one child until a grown-up leaves (module docstring).

    The kit's :class:`TrialScene` records the trials, restarts one on a pause, abandons one
    on leaving and plays the reward; here the reward's time starts with the story (each card
    lights in turn), and the stars come after it.
    """

    activity_id = ACTIVITY_ID

    def __init__(self, child_id: str, options: Options, start_level: int = 1,
                 on_result: Callable[[Level, TrialScore], int] | None = None,
                 seed: int | None = None) -> None:
        super().__init__(child_id)
        self.options = options
        self.level = level(start_level)
        self.on_result = on_result  # the staircase: returns the next level
        self.rng = random.Random(seed)
        self.turn = -1
        self.results: list[TrialScore] = []
        self.board: Board | None = None
        self.routine: Routine | None = None
        self.played: Played | None = None
        self.scored: list[tuple[float, float, float, int, str]] = []  # as samples.csv stores
        self.shown: dict[str, tuple[float, float]] = {}  # each card's centre as drawn
        self.pointer: int | None = None
        self.story_s = 0.0
        self.settings_changed = False
        self.gear = ui.HoldButton(pygame.Rect(1280 - GEAR_PX - 20, 800 - GEAR_PX - 20, GEAR_PX,
                                              GEAR_PX), self.open_chooser, EXIT_HOLD_S,
                                  draw_icon=ui.draw_gear, color=ui.WHITE)

    # -- trials ---------------------------------------------------------------------------------

    def resume(self) -> None:
        """Back from the pause overlay: an interrupted trial is played again, same routine.
        Back from the grown-ups' screen with new settings: a fresh routine with them."""
        if self.settings_changed:
            self.settings_changed = False
            self.restart_on_resume = False
            if self.running:
                self.abandon_trial()
                self.start_trial()
            return
        self._again = self.restart_on_resume
        super().resume()

    # -- the grown-ups' screen ------------------------------------------------------------------

    def open_chooser(self) -> None:
        """The gear was held: the routines, prompting and input screen."""
        from games.sequencing.chooser import RoutineChooserScene

        o = self.options
        current = {"routines": [r.id for r in o.routines] if o.routines != o.choices else [],
                   "prompting": o.prompting, "input": "tap" if o.tap else "drag"}
        self.app.stack.push(RoutineChooserScene(o.choices or o.routines, current, self.apply,
                                                o.folder_of))

    def apply(self, settings: dict[str, object]) -> None:
        """Use and save the grown-ups' choice (called by the chooser's tick)."""
        o = self.options
        ids = list(settings.get("routines") or [])  # type: ignore[call-overload]
        pool = o.choices or o.routines
        o.routines = [r for r in pool if r.id in ids] or list(pool)
        o.prompting = str(settings["prompting"])
        o.tap = settings["input"] == "tap"
        if o.save is not None:
            o.save(settings)
        self.settings_changed = True

    def start_trial(self) -> None:
        """Lay out the next routine (or the same one again after a pause) and begin it."""
        if not getattr(self, "_again", False) or self.routine is None:
            self.turn += 1
            whole = pick_routine(self.options.routines, self.level, self.turn)
            self.routine = routine_for_level(whole, self.level)
        self._again = False
        self.story_s = 0.0
        routine = self.routine
        assert routine is not None
        cards = list(routine.step_ids)
        if self.level.distractor:
            cards.append(DISTRACTOR)
        self.distractor_picture = distractor_for(routine, self.turn)
        layout = make_layout(len(routine.steps), len(cards), self.rng.randrange(1 << 30))
        self.played = Played(routine.id, tuple(cards), routine.before, layout)
        self.board = Board(self.played.order(), tuple(cards), layout, tap=self.options.tap,
                           prompting=self.options.prompting)
        self.scored = []
        self.pointer = None
        self.shown = {c: centre(self.board.rect_of(c)) for c in cards}
        self.reset_controls()
        self.begin_trial(self.level.number, routine.id, "tap" if self.options.tap else "drag")
        write_targets(self, self.played)

    def picture_of(self, card: str) -> str:
        """The picture reference of ``card`` in this trial."""
        assert self.routine is not None
        return self.distractor_picture if card == DISTRACTOR else self.routine.step(card).picture

    def _stored(self, sample: PointerSample) -> tuple[float, float, float]:
        """(t_ms, x, y) as samples.csv stores them (4 decimals, ms from the recorder's origin)."""
        origin = getattr(self.app.recorder, "origin_ns", None) or 0
        return (round((sample.t_ns - origin) / 1e6, 4), round(sample.x, 4), round(sample.y, 4))

    def _finish(self) -> None:
        board = self.board
        assert board is not None
        score, metrics = trial_figures(board, self.level.slot_hint_level, self.scored)
        rec = self.app.recorder
        if rec is not None:
            rec.finish_trial(accuracy=score.accuracy, errors=score.errors, completed=True,
                             metrics=metrics, duration_ms=score.total_ms)
        # The kit's finish_trial, with the reward's sound held back until the story is told.
        self.trial_no = None
        self.stickers.add(board.order.steps[0])
        self.story_s = STORY_STEP_S * len(board.placed)
        self.reward_s = self.story_s + REWARD_S
        self.reward_t = 0.0
        self.app.sound.play("tap")  # the first card of the story lights
        self.results.append(score)
        if self.on_result is not None:
            self.level = level(self.on_result(self.level, score))

    # -- input ----------------------------------------------------------------------------------

    def handle_pointer(self, sample: PointerSample) -> None:
        """The grown-ups' gear first (when there is one), then the kit's handling."""
        if self.options.save is not None and self.gear.handle_pointer(sample):
            return
        super().handle_pointer(sample)

    def handle_trial_pointer(self, sample: PointerSample) -> None:
        """Record the playing pointer's samples and feed them to the board."""
        board = self.board
        if board is None or board.done:
            return
        if sample.phase == "down":
            on_gear = self.options.save is not None and self.gear.rect.collidepoint(sample.x,
                                                                                    sample.y)
            if self.pointer is not None or self.on_leave_button(sample.x, sample.y) or on_gear:
                return  # a second finger, or a grown-up's hold on the house or the gear
            self.pointer = sample.pointer_id
        elif sample.pointer_id != self.pointer:
            return
        elif sample.phase == "up":
            self.pointer = None
        self.record_sample(sample)
        t_ms, x, y = self._stored(sample)
        self.scored.append((t_ms, x, y, sample.pointer_id, sample.phase))
        board.pointer(sample.phase, x, y, t_ms, sample.pointer_id)
        for kind, _ in board.take_events():
            if kind == "move":
                self.app.sound.play("tap")
            elif kind == "back":
                self.app.sound.play("soft_error")
        if board.done:
            self._finish()

    # -- time and drawing -----------------------------------------------------------------------

    def update(self, dt: float) -> None:
        """Glide the cards to their places; tell the story (a sound per card), then the
        stars (the kit plays the reward's time and then starts the next trial)."""
        before = self.reward_t
        if self.options.save is not None and self.gear.tick(self.app.clock.now_ns()):
            return
        super().update(dt)
        board = self.board
        if board is None:
            return
        ease = 1.0 if self.reduce_motion else 1.0 - math.exp(-dt * 9.0)
        for card in board.cards:
            if card == board.held and not board.tap:
                target = board.held_at
            else:
                target = centre(board.rect_of(card))
            x, y = self.shown[card]
            self.shown[card] = (x + (target[0] - x) * ease, y + (target[1] - y) * ease)
        after = self.reward_t
        if before is None or after is None:
            return
        if int(after / STORY_STEP_S) != int(before / STORY_STEP_S) and after < self.story_s:
            self.app.sound.play("tap")
        if before < self.story_s <= after:
            self.app.sound.play("reward")

    def lit_slot(self) -> int | None:
        """The slot lit by the story now, if it is being told."""
        if self.reward_t is None or self.board is None or self.reward_t >= self.story_s:
            return None
        return int(self.reward_t / STORY_STEP_S)

    def draw(self, surface: pygame.Surface) -> None:
        """The routine, slots, tray, cards, glow and story; stickers, the house, the stars."""
        draw.draw_scene(self, surface)
        self.stickers.draw(surface, self.left_handed)
        self.exit_button.draw(surface)
        if self.options.save is not None:
            self.gear.draw(surface)
        if self.reward_t is not None and self.reward_t >= self.story_s:
            draw_reward(surface, (640, 610), self.reward_t - self.story_s, REWARD_S,
                        self.reduce_motion)
