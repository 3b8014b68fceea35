"""The pinch scene: carry every berry, bead or bug into its cup, cell or hole.

One trial is one board (:mod:`games.pinch.levels`). Per board:

* the layout for the child's level (the kit's staircase, or a pinned level) is drawn, mirrored
  for a left hand, and stored with the trial (:func:`games.pinch.record.write_board`, with the
  moment it appeared on the samples' clock);
* every sample of every finger (or of the mouse/pen) goes to the recorder, and through the
  engine's :class:`engine.pinch.PinchDetector` to a :class:`games.pinch.play.BoardPlay`: an
  object is gripped when two fingers start apart and close on it, follows their midpoint, and
  is let go when they open (or, with a mouse or pen, while the button is held). A landing plays
  a bright sound, a drop or a wrong cup a gentle one: never a punishment. Rings show where the
  fingers touch, so a pinch that "doesn't register" is visible;
* with the grown-ups' ``assisted_input`` setting the child taps an object, then a target
  (single-pointer alternative; the trial is marked ``assisted``);
* with ``timed_rounds`` the board ends after 60 s (how many objects in a minute, as in the Box
  and Block test); off by default, so children work at their own pace;
* when the board is done (or the minute is up) the trial is scored from the samples exactly as
  stored (:func:`games.pinch.score.score_round`), finished with every metric row, the reward
  plays, and the staircase moves (not for assisted boards: tapping is not pinching).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pygame

from engine.pinch import PinchDetector, PinchEvent
from engine.pinch_replay import PHASE_CODES, SOURCE_CODES
from engine.pointer import PointerSample
from games.kit.pictures import picture
from games.kit.progress import data_dir_of
from games.kit.staircase import TrialOutcome
from games.kit.trial_scene import TrialScene, as_stored
from games.pinch import draw
from games.pinch.board import Board
from games.pinch.levels import LEVELS, Level, layout
from games.pinch.play import BoardPlay
from games.pinch.record import write_board
from games.pinch.rescore import TIMED_MS
from games.pinch.score import Samples, score_round, trial_metrics

ITEM = "board"  # pinch has one ladder of levels: the staircase's one item


class PinchScene(TrialScene):
    """Boards one after another for one child (see the module docstring).

    ``level`` fixes the level (tests, screenshots); otherwise the level comes from the child's
    staircase in ``progress`` (a :class:`games.kit.progress.ProgressFile`) under the data
    folder (a therapist's pin honoured), a child who never played starting at ``start_level``.
    ``seed`` makes the layouts repeatable.
    """

    activity_id = "pinch"

    def __init__(self, child_id: str, start_level: int = 1, *, level: int | None = None,
                 progress: Any = None, data_dir: Path | None = None,
                 seed: int | None = None) -> None:
        super().__init__(child_id)
        self.start_level = start_level
        self.fixed_level = level
        self.progress = progress
        self.data_dir = data_dir
        self.rng = np.random.default_rng(seed)
        self.level: Level = LEVELS[0]
        self.board: Board | None = None
        self.play: BoardPlay | None = None
        self.detector = PinchDetector()
        self.shown_ms = 0.0
        self.assisted = False
        self.timed = False
        self.bg: pygame.Surface | None = None
        self.images: list[pygame.Surface] = []
        self.decoy_image: pygame.Surface | None = None
        self.boards_done = 0

    # -- settings -------------------------------------------------------------------------------

    def _setting(self, name: str) -> bool:
        return bool(getattr(self.app.settings, name, False))

    def _px_per_mm(self) -> float | None:
        mm_per_px = getattr(self.app.viewport, "mm_per_px", None)
        return 1.0 / mm_per_px if mm_per_px else None

    def _progress_path(self) -> Path | None:
        data = self.data_dir if self.data_dir is not None else data_dir_of(self.app)
        if self.progress is None or data is None:
            return None
        return Path(self.progress.path(data, self.child_id))

    def current_level(self) -> int:
        """The level of the next board: fixed, pinned, the staircase's, or the start level."""
        if self.fixed_level is not None:
            return self.fixed_level
        path = self._progress_path()
        if path is None:
            return self.start_level
        stairs = self.progress.load(path)
        stairs.start_level = stairs.clamp(self.start_level)
        return int(stairs.current_level(ITEM))

    # -- the clock the samples are stored on ----------------------------------------------------

    def _origin_ns(self) -> int:
        origin = getattr(self.app.recorder, "origin_ns", None)
        return int(origin) if origin is not None else 0

    def now_ms(self) -> float:
        """Now on the samples' clock, at the precision samples.csv stores."""
        return float(as_stored(np.array([(self.app.clock.now_ns() - self._origin_ns()) / 1e6]))[0])

    # -- trials ---------------------------------------------------------------------------------

    def start_trial(self) -> None:
        """Lay out the next board and begin its trial."""
        self.reset_controls()
        self.level = LEVELS[max(1, min(len(LEVELS), self.current_level())) - 1]
        self.assisted = self._setting("assisted_input")
        self.timed = self._setting("timed_rounds")
        seed = int(self.rng.integers(0, 2**31))
        self.board = layout(self.level, seed, self.left_handed, self._px_per_mm())
        self.detector = PinchDetector()
        self.begin_trial(self.level.number, self.level.board, "tap" if self.assisted else "pinch")
        self.shown_ms = self.now_ms()
        write_board(self, self.board, self.shown_ms)
        self.play = BoardPlay(self.board, self.shown_ms, self.assisted)
        self.bg = draw.background(self.board, self.level)
        self.images = [draw.piece_surface(self.level, p.r, p.colour) for p in self.board.objects]
        side = int(draw.PICTURE_SCALE * self.board.decoys[0].r) if self.board.decoys else 0
        self.decoy_image = picture(draw.MUSHROOM, (side, side)) if side else None
    def handle_trial_pointer(self, sample: PointerSample) -> None:
        """Every sample is recorded and played (pinch, or taps when assisted)."""
        if self.play is None:
            return
        self.record_sample(sample)
        t = (sample.t_ns - self._origin_ns()) / 1e6
        if self.assisted:
            if sample.phase == "down":
                self._tapped(sample.x, sample.y, t)
            return
        for e in self.detector.feed(sample):
            self._apply(e)

    def update_trial(self, dt: float) -> None:
        """Confirm a debounced release; end a timed board after its minute."""
        if self.play is None or not self.running:
            return
        for e in self.detector.poll(self.app.clock.now_ns()):
            self._apply(e)
        if self.timed and self.running and self.now_ms() - self.shown_ms >= TIMED_MS:
            self._finish(end_ms=self.shown_ms + TIMED_MS)

    def _tapped(self, x: float, y: float, t: float) -> None:
        assert self.play is not None
        holding = self.play.held >= 0
        outcome, _ = self.play.tap(x, y, t)
        if holding:
            self._landed(outcome)
        elif outcome == "object":
            self.app.sound.play("tap")

    def _apply(self, e: PinchEvent) -> None:
        play = self.play
        if play is None or not self.running:
            return
        t = (e.t_ns - self._origin_ns()) / 1e6
        if e.kind == "miss":
            play.miss()
        elif e.kind == "grip":
            kind, _ = play.grip(e.x, e.y, t)
            if kind == "object":
                self.app.sound.play("tap")
        elif e.kind == "release":
            holding = play.held >= 0
            outcome, _ = play.release(e.x, e.y, t)
            if holding:
                self._landed(outcome)

    def _landed(self, outcome: str) -> None:
        assert self.play is not None
        if outcome == "placed":
            self.app.sound.play("success")
            if self.play.done:
                self._finish()
        elif outcome in ("drop", "wrong"):
            self.app.sound.play("soft_error")

    def scored_samples(self) -> Samples:
        """The trial's samples as samples.csv stores them (t_ms from the recorder's origin, 4
        decimals), so the stored board re-scores to the stored figures."""
        s = self.samples
        origin = self._origin_ns()
        return Samples(
            as_stored(np.array([p.t_ns - origin for p in s], float) / 1e6),
            as_stored(np.array([p.x for p in s], float)),
            as_stored(np.array([p.y for p in s], float)),
            np.array([p.pointer_id for p in s], np.int64),
            np.array([PHASE_CODES[p.phase] for p in s], np.int64),
            np.array([SOURCE_CODES[p.source] for p in s], np.int64),
        )

    def _finish(self, end_ms: float | None = None) -> None:
        assert self.board is not None
        score = score_round(self.scored_samples(), self.board, self.shown_ms,
                            assisted=self.assisted, end_ms=end_ms)
        rows = trial_metrics(score, self.board, px_per_mm=self._px_per_mm(),
                             left_hand=self.left_handed, timed=self.timed)
        self.finish_trial(score.accuracy, score.errors, rows, score.duration_ms,
                          sticker=draw.object_picture(self.level) or draw.STRAWBERRY,
                          completed=score.completed or self.timed)
        self.boards_done += 1
        path = self._progress_path()
        if self.fixed_level is None and not self.assisted and path is not None:
            outcome = TrialOutcome(score.accuracy, score.completed)

            def record(stairs: Any) -> Any:
                stairs.start_level = stairs.clamp(self.start_level)
                return stairs.record_outcome(ITEM, outcome)

            self.progress.update(path, record)

    # -- drawing --------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The board, the objects (the carried one lifted), the fingers, the overlay."""
        if self.bg is not None:
            surface.blit(self.bg, (0, 0))
        play, board = self.play, self.board
        if play is not None and board is not None:
            t = (self.app.clock.now_ns() - self._origin_ns()) / 1e6
            pos = play.positions(t)
            for d in board.decoys:
                if self.decoy_image is not None:
                    draw.draw_piece(surface, self.decoy_image, d.x, d.y, d.r)
            held = play.held
            order = np.argsort(~play.free)  # placed ones first, so free ones sit on top
            for i in order.tolist():
                if i != held:
                    draw.draw_piece(surface, self.images[i], pos[i, 0], pos[i, 1],
                                    board.objects[i].r)
            if held >= 0:
                x, y = self._held_xy(pos[held])
                if self.assisted:
                    pygame.draw.circle(surface, (255, 200, 40), (int(x), int(y)),
                                       int(board.objects[held].r + 12), 6)
                draw.draw_piece(surface, self.images[held], x, y, board.objects[held].r,
                                lifted=not self.assisted)
            draw.draw_fingers(surface, self.detector.points, self.detector.gripping)
            draw.draw_progress(surface, int((~play.free).sum()), len(board.objects),
                               self.left_handed)
        self.draw_overlay(surface)

    def _held_xy(self, fallback: np.ndarray) -> tuple[float, float]:
        if not self.assisted and self.detector.gripping and self.detector.centre is not None:
            return self.detector.centre
        return float(fallback[0]), float(fallback[1])
