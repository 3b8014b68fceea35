"""Pinch's player: two fingers pinch every object of the board into its target."""

from __future__ import annotations

from engine.testing import ScriptedHand


def play_one_trial(app, hand: ScriptedHand) -> None:
    scene = app.stack.top
    board = scene.board
    used = [0] * len(board.targets)
    for p in board.objects:
        j = next(j for j, t in enumerate(board.targets)
                 if t.takes(p.colour) and used[j] < t.capacity)
        used[j] += 1
        t = board.targets[j]
        hand.pinch((p.x, p.y), (t.x, t.y), speed=500.0, open_aperture=160, closed_aperture=60)
        hand.wait(0.2)
    assert scene.trial_no is None and scene.reward_t is not None  # finished, reward playing
