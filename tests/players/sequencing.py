"""Sequencing's player: the routine's cards dragged into the slots in its listed order."""

from __future__ import annotations

from engine.testing import ScriptedHand
from games.sequencing.board import centre


def play_one_trial(app, hand: ScriptedHand) -> None:
    scene = app.stack.top
    for i, card in enumerate(scene.routine.step_ids):
        hand.drag([centre(scene.board.rect_of(card)), centre(scene.board.layout.slots[i])],
                  speed=900)
    assert scene.trial_no is None and scene.reward_t is not None  # finished, story playing
