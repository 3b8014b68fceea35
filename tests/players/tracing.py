"""Tracing's player: the shapes tile of the set picker, a tap that ends the "watch me" demo,
then the first model traced."""

from __future__ import annotations

from engine.testing import ScriptedHand
from games.kit.set_picker import SETTLE_S


def play_one_trial(app, hand: ScriptedHand) -> None:
    picker = app.stack.top
    hand.wait(SETTLE_S)
    hand.tap(picker.tiles["prewriting"].rect.center)
    scene = app.stack.top
    hand.tap((640, 780))  # the shape's "watch me" demo plays first: a tap ends it
    assert scene.watch is None and scene.trial_no is not None
    for stroke in [m.copy() for m in scene.model]:
        hand.drag([(float(x), float(y)) for x, y in stroke.tolist()], speed=900)
        hand.wait(0.2)
    assert scene.trial_no is None and scene.reward_t is not None  # finished, reward playing
