"""Tap the star's player: one tap on the star."""

from __future__ import annotations

from engine.testing import ScriptedHand


def play_one_trial(app, hand: ScriptedHand) -> None:
    scene = app.stack.top
    hand.tap(scene.star[:2])
