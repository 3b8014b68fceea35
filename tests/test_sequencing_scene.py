"""The sequencing scene played by scripted drags and taps through the real input code; the
rows it leaves are read back from disk and re-score to the figures scored in play."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from engine.settings import Settings
from engine.testing import ScriptedHand, make_test_app
from games.sequencing.board import centre
from games.sequencing.record import read_targets, rescore
from games.sequencing.routines import built_in
from games.sequencing.scene import Options, SequencingScene
from games.sequencing.score import DISTRACTOR
from telemetry import schema
from telemetry.recorder import SessionRecorder

CHILD = "0123456789abcdef0123456789abcdef"


def read_table(folder: Path, table: schema.Table) -> list[dict[str, str]]:
    raw = (folder / table.filename).read_bytes().splitlines(keepends=True)
    assert raw[0] == table.header_line()
    assert all(schema.row_is_valid(line) for line in raw[1:])
    return list(csv.DictReader(io.StringIO(b"".join(raw).decode())))


@pytest.fixture
def setup(tmp_path):
    made = []

    def make(options: Options, start_level: int = 1, **kw):
        app = make_test_app(settings=Settings(sound_on=False))
        rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns,
                                    sample_flush_s=0.05)
        app.recorder = rec
        scene = SequencingScene(CHILD, options, start_level, seed=5, **kw)
        app.stack.push(scene)
        made.append(rec)
        return app, rec, scene, ScriptedHand(app)

    yield make
    for rec in made:
        if not rec.closed:
            rec.close()


def drag_card(hand: ScriptedHand, scene: SequencingScene, card: str, slot: int) -> None:
    board = scene.board
    start = centre(board.rect_of(card))
    end = centre(board.layout.slots[slot])
    mid = ((start[0] + end[0]) / 2 + 40, (start[1] + end[1]) / 2)
    hand.drag([start, mid, (end[0] + 6, end[1] - 4)], speed=700)


def _metrics(folder: Path, trial: int) -> dict[str, float]:
    return {r["metric"]: float(r["value"]) for r in read_table(folder, schema.METRICS)
            if r["trial"] == str(trial)}


def _trial_samples(folder: Path, trial: int) -> list[tuple[float, float, float, int, str]]:
    return [(float(r["t_ms"]), float(r["x"]), float(r["y"]), int(r["pointer"]), r["phase"])
            for r in read_table(folder, schema.SAMPLES) if r["trial"] == str(trial)]


def _targets(folder: Path, trial: int) -> list[tuple[str, int, int, float, float]]:
    return [(r["kind"], int(r["part"]), int(r["seq"]), float(r["x"]), float(r["y"]))
            for r in read_table(folder, schema.TARGETS) if r["trial"] == str(trial)]


def test_a_whole_routine_by_scripted_drags_records_and_rescores(setup) -> None:
    dressed = built_in("get-dressed")
    app, rec, scene, hand = setup(Options([dressed], prompting="after-error"), start_level=8)
    assert scene.routine is dressed and scene.board.cards[-1] == DISTRACTOR
    # a wrong first arrangement: shoes first, the distractor in the middle
    for card, slot in (("shoes", 0), ("pants", 1), (DISTRACTOR, 2), ("trousers", 3),
                       ("socks", 4)):
        drag_card(hand, scene, card, slot)
    assert scene.board.attempts == [("shoes", "pants", DISTRACTOR, "trousers", "socks")]
    assert scene.board.placed == [None, "pants", None, "trousers", None]  # the rest went back
    hand.wait(1.0)  # they glide back
    for card, slot in (("socks", 0), ("shirt", 2), ("shoes", 4)):
        drag_card(hand, scene, card, slot)
    assert scene.board.done and scene.reward_t is not None and scene.lit_slot() == 0
    live, first_played, first_moves = scene.results[0], scene.played, scene.board.moves
    assert (live.first_try, live.attempts, live.completed) == (False, 2, True)
    hand.wait(5 * 0.7 + 1.7)  # the story, then the reward, then the next trial
    assert scene.trial_no == 2 and scene.reward_t is None
    rec.flush()
    folder = rec.folder
    trial = read_table(folder, schema.TRIALS)[0]
    assert (trial["activity"], trial["level"], trial["item"], trial["mode"], trial["completed"]) \
        == ("sequencing", "8", "get-dressed", "drag", "1")
    # 4 pairs: pants<trousers (right), pants<shoes, trousers<shoes, socks<shoes (wrong)
    assert float(trial["accuracy"]) == live.accuracy == 0.25
    # wrong drops: shoes in slot 0, the distractor, socks in the last slot; one wrong arrangement
    assert int(trial["errors"]) == live.errors == live.wrong_drops + 1 == 4
    metrics = _metrics(folder, 1)
    for name, value, _unit in live.metrics():
        assert metrics[name] == round(value, 4), name
    assert metrics["assisted"] == 0.0 and metrics["prompt_level"] == 1.0
    assert metrics["drags"] == 8.0
    assert 0.8 < metrics["drag_path_efficiency"] < 1.0
    assert metrics["drag_release_error"] == pytest.approx((6**2 + 4**2) ** 0.5, abs=0.01)
    assert metrics["drag_velocity_peaks"] >= 1.0 and metrics["drag_sparc"] < 0
    played = read_targets(_targets(folder, 1))
    assert played.routine_id == "get-dressed" and played == first_played
    again, again_metrics, moves = rescore(played, _trial_samples(folder, 1), tap=False,
                           prompting="after-error", slot_hint=0)
    assert again == live and moves == first_moves
    assert {n: round(v, 4) for n, v, _ in again_metrics} == metrics


def test_tap_then_tap_is_marked_assisted(setup) -> None:
    app, rec, scene, hand = setup(Options([built_in("toilet")], prompting="errorless",
                                          tap=True))
    for card, slot in (("toilet", 0), ("wash", 1)):
        hand.tap(centre(scene.board.rect_of(card)))
        assert scene.board.hint_slots() == {slot}
        hand.tap(centre(scene.board.layout.slots[slot]))
    assert scene.results[0].first_try and scene.results[0].hints == 2
    rec.flush()
    metrics = _metrics(rec.folder, 1)
    assert (metrics["assisted"], metrics["drags"], metrics["prompt_level"]) == (1.0, 0.0, 2.0)
    assert "drag_sparc" not in metrics
    assert read_table(rec.folder, schema.TRIALS)[0]["mode"] == "tap"


def test_leaving_mid_trial_records_it_abandoned(setup) -> None:
    app, rec, scene, hand = setup(Options([built_in("tidy-up")]), start_level=3)
    drag_card(hand, scene, "pick", 0)
    app.stack.pop()
    rec.flush()
    (trial,) = read_table(rec.folder, schema.TRIALS)
    assert (trial["completed"], trial["accuracy"], trial["item"]) == ("0", "", "tidy-up")


def test_a_pause_plays_the_same_routine_again(setup) -> None:
    app, rec, scene, hand = setup(Options([built_in("tidy-up"), built_in("bath")]),
                                  start_level=3)
    assert scene.routine.id == "tidy-up"
    drag_card(hand, scene, "pick", 0)
    scene.pause()
    scene.resume()
    assert scene.routine.id == "tidy-up" and scene.trial_no == 2
    assert scene.board.placed == [None, None, None] and scene.board.moves == []
    rec.flush()
    (trial,) = read_table(rec.folder, schema.TRIALS)
    assert (trial["trial"], trial["completed"], trial["item"]) == ("1", "0", "tidy-up")
