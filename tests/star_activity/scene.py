"""The star's scene: the kit's TrialScene with a star to tap."""

from __future__ import annotations

import pygame

from engine import ui
from engine.pointer import PointerSample
from games.kit.trial_scene import TrialScene
from star_activity import ITEMS
from star_activity.record import star_at, write_targets
from star_activity.score import score


class StarScene(TrialScene):
    """Tap the star; three stars, left to right, then the scene ends."""

    activity_id = "star"

    def __init__(self, child_id: str, level: int) -> None:
        super().__init__(child_id)
        self.level = level
        self.index = 0
        self.star = (0.0, 0.0, 1.0)

    def start_trial(self) -> None:
        self.reset_controls()
        item = ITEMS[self.index]
        self.star = star_at(item, self.level)
        self.begin_trial(self.level, item)
        write_targets(self.add_targets, self.star)

    def handle_trial_pointer(self, sample: PointerSample) -> None:
        if sample.phase == "down" and (self.samples or self.on_leave_button(sample.x, sample.y)):
            return
        if not self.samples and sample.phase != "down":
            return
        self.record_sample(sample)
        if sample.phase == "up":
            f = score(self.stored_samples(), self.star)
            self.finish_trial(f.accuracy, f.errors, f.metrics, f.metrics[1][1],
                              sticker=ITEMS[self.index])

    def reward_done(self) -> None:
        self.index += 1
        if self.index >= len(ITEMS):
            self.end()
        else:
            self.start_trial()

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(ui.backdrop(), (0, 0))
        x, y, r = self.star
        ui.draw_star(surface, pygame.Rect(x - r, y - r, 2 * r, 2 * r), ui.YELLOW)
        self.draw_overlay(surface)
