"""Pinch's fixed assessment protocol: the same three boards, at fixed levels, every time.

A warm-up board of five beads into a cup (level 3), then the 9-hole board twice (level 7, the
closest to the Nine-Hole Peg Test therapists know). The boards are laid out from one fixed
seed, so the same objects sit in the same places each time (on the same screen size and
calibration); the timed round is off and the staircase and progress file are never touched.
A child whose own settings ask for tap-then-tap plays the boards that way (the trial's mode
says ``tap``).
"""

from __future__ import annotations

from typing import Any

from games.pinch.scene import PinchScene

SEED = 20261201  # fixed: the same boards every time
STEPS: tuple[tuple[str, int, str], ...] = (
    ("cup", 3, "pinch"), ("holes", 7, "pinch"), ("holes", 7, "pinch"))


class AssessmentScene(PinchScene):
    """The pinch scene playing :data:`STEPS` and then ending (module docstring)."""

    def __init__(self, child_id: str) -> None:
        # A fixed level also keeps PinchScene from recording any progress.
        super().__init__(child_id, level=STEPS[0][1], progress=None, seed=SEED)
        self.protocol_index = 0

    def current_level(self) -> int:
        """The level of the protocol's current board."""
        return STEPS[min(self.protocol_index, len(STEPS) - 1)][1]

    def _setting(self, name: str) -> bool:
        return False if name == "timed_rounds" else super()._setting(name)

    def reward_done(self) -> None:
        """The protocol's next board; the scene ends after the last one."""
        self.protocol_index += 1
        if self.protocol_index >= len(STEPS):
            self.end()
            return
        self.start_trial()


def make_assessment(app: Any, child_id: str) -> AssessmentScene:
    """The assessment scene for ``child_id`` (the Activity's ``assessment`` hook)."""
    return AssessmentScene(child_id)
