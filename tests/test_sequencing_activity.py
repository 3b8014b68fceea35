"""The sequencing ACTIVITY: light to import, plays the child's settings, the staircase moves
and a pinned level holds; a custom routine with two photos round-trips through 'routines add'
and play."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pygame

from engine.settings import Settings
from engine.testing import ScriptedHand, make_test_app
from games.sequencing import ACTIVITY, N_LEVELS, PROGRESS
from games.sequencing.board import centre
from games.sequencing.cli import cmd_routines
from games.sequencing.levels import LEVELS
from games.sequencing.record import read_targets
from telemetry import schema
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder


def test_import_is_light_and_levels_agree() -> None:
    code = ("import sys, games.sequencing; heavy = {'pygame', 'numpy', 'games.sequencing.scene'}"
            " & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
    assert N_LEVELS == len(LEVELS) == ACTIVITY.levels
    assert ACTIVITY.items() == ["routines"] and ACTIVITY.label("routines") == "every routine"


def _play(data: Path, child: str, start_level: int = 1):
    app = make_test_app(settings=Settings(sound_on=False))
    rec = SessionRecorder.start(data, child, clock_ns=app.clock.now_ns, sample_flush_s=0.05)
    app.recorder = rec
    scene = ACTIVITY.make_scene(app, child, start_level)
    app.stack.push(scene)
    return app, rec, scene, ScriptedHand(app)


def _solve(hand: ScriptedHand, scene) -> None:
    """Drag the cards in the routine's listed order (a valid one) into the slots."""
    for i, card in enumerate(scene.routine.step_ids):
        hand.drag([centre(scene.board.rect_of(card)), centre(scene.board.layout.slots[i])],
                  speed=900)


def test_the_staircase_moves_and_a_pin_holds(tmp_path: Path) -> None:
    child = ChildrenRegistry(tmp_path).add("Sam").child_id
    app, rec, scene, hand = _play(tmp_path, child)
    assert scene.level.number == 1 and len(scene.routine.steps) == 2
    _solve(hand, scene)
    hand.wait(3.5)
    _solve(hand, scene)
    assert scene.level.number == 2  # two right first tries: up one level
    assert ACTIVITY.read_levels(tmp_path, child) == {"routines": (2, False)}
    rec.close()
    ACTIVITY.pin_level(tmp_path, child, "routines", 5)
    app, rec, scene, hand = _play(tmp_path, child)
    assert scene.level.number == 5 and len(scene.routine.steps) == 4
    _solve(hand, scene)
    assert scene.level.number == 5
    rec.close()
    assert PROGRESS.load(PROGRESS.path(tmp_path, child)).items["routines"].trials == 3


def test_a_custom_photo_routine_round_trips_through_add_and_play(tmp_path: Path) -> None:
    import argparse

    data = tmp_path / "data"
    photos = tmp_path / "photos"
    photos.mkdir()
    for name, colour in (("jacket.png", (200, 60, 60)), ("bag.jpg", (60, 60, 200))):
        s = pygame.Surface((640, 480))
        s.fill(colour)
        pygame.image.save(s, str(photos / name))
    (photos / "school.txt").write_text(
        "title: School run\nstep: jacket | Jacket on | jacket.png\nstep: bag | Bag | bag.jpg\n",
        "utf-8")
    args = argparse.Namespace(data_dir=data, routines_action="add", file=photos / "school.txt",
                              photos=None, id=None)
    assert cmd_routines(args) == 0
    child = ChildrenRegistry(data).add("Ada").child_id
    args = argparse.Namespace(data_dir=data, routines_action="choose", child=child,
                              routine=["school"], all=False, prompting="none", input=None)
    assert cmd_routines(args) == 0
    app, rec, scene, hand = _play(data, child)
    assert scene.routine.id == "school" and scene.options.prompting == "none"
    app.frame()  # draws the photo cards
    _solve(hand, scene)
    assert scene.results[0].first_try
    rec.close()
    folder = rec.folder
    with open(folder / "targets.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    played = read_targets([(r["kind"], int(r["part"]), int(r["seq"]), float(r["x"]),
                            float(r["y"])) for r in rows])
    assert played.routine_id == "school" and played.steps == ("jacket", "bag")
    assert played.before == (("jacket", "bag"),)
    with open(folder / schema.TRIALS.filename, newline="") as fh:
        (trial,) = list(csv.DictReader(fh))
    assert (trial["item"], trial["completed"], trial["accuracy"]) == ("school", "1", "1.0")


def test_grown_ups_hold_the_gear_to_choose_routines_and_prompting(tmp_path: Path) -> None:
    from games.sequencing.chooser import RoutineChooserScene
    from games.sequencing.custom import child_settings

    child = ChildrenRegistry(tmp_path).add("Kim").child_id
    app, rec, scene, hand = _play(tmp_path, child)
    hand.tap(scene.gear.rect.center)  # a child's tap does nothing
    assert app.stack.top is scene
    hand.hold(scene.gear.rect.center, 3.2)
    chooser = app.stack.top
    assert isinstance(chooser, RoutineChooserScene)
    app.frame()  # draws the tiles
    hand.tap(chooser.tile_of["bath"].center)
    hand.tap(chooser.tile_of["bedtime"].center)
    hand.tap(chooser.tile_of["bath"].center)  # and un-ticks it again
    hand.tap(chooser.buttons[len(chooser.tile_of)].rect.center)  # errorless
    hand.tap(chooser.buttons[-1].rect.center)  # the tick: save and back
    assert app.stack.top is scene
    assert child_settings(tmp_path, child) == {"routines": ["bedtime"],
                                               "prompting": "errorless", "input": "drag"}
    assert scene.routine.id == "bedtime" and scene.board.prompting == "errorless"
    rec.close()
