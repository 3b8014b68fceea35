"""The pinch scene through the real input code: scripted two-finger pinches play whole boards,
the rows on disk re-score exactly, misses and drops count, assisted taps, left hand, timed
rounds, the staircase, and the activity contract."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.pinch import ACTIVITY, LEVELS, PROGRESS  # noqa: E402
from games.pinch.levels import LEVELS as LEVEL_TABLE  # noqa: E402
from games.pinch.record import read_board  # noqa: E402
from games.pinch.scene import PinchScene  # noqa: E402
from games.pinch.score import Samples, score_round, trial_metrics  # noqa: E402
from telemetry.loader import load_session_table  # noqa: E402
from telemetry.recorder import SessionRecorder  # noqa: E402

CHILD = "c" * 32


@pytest.fixture
def rig(tmp_path: Path):  # noqa: ANN201
    """An app with a recorder on its manual clock; ``start(scene)`` pushes a scene."""
    made = []

    def start(scene: PinchScene, settings: Settings | None = None):  # noqa: ANN202
        app = make_test_app(settings=settings)
        app.data_dir = tmp_path
        rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns)
        app.recorder = rec
        app.stack.push(scene)
        made.append(rec)
        return app, ScriptedHand(app), rec

    yield start
    for rec in made:
        rec.close()


def pinch_board(hand: ScriptedHand, scene: PinchScene, speed: float = 500.0) -> None:
    """Carry every object into the target that takes it (first free one), pinching."""
    board = scene.board
    assert board is not None and scene.play is not None
    used = [0] * len(board.targets)
    t_ms = (scene.app.clock.now_ns() - scene._origin_ns()) / 1e6
    pos = scene.play.positions(t_ms)
    for k, p in enumerate(board.objects):
        j = next(j for j, t in enumerate(board.targets)
                 if t.takes(p.colour) and used[j] < t.capacity)
        used[j] += 1
        tgt = board.targets[j]
        hand.pinch((float(pos[k, 0]), float(pos[k, 1])), (tgt.x, tgt.y), speed=speed,
                   open_aperture=160, closed_aperture=60)
        hand.wait(0.2)


def stored(rec: SessionRecorder) -> tuple:  # noqa: ANN001
    rec.flush()
    folder = rec.folder
    return tuple(load_session_table(folder, t)[0] for t in ("trials", "metrics", "samples",
                                                             "targets"))


@pytest.mark.parametrize("number", [1, 6, 8])  # a cup, carton cells, sorting
def test_a_scripted_two_finger_pinch_plays_a_whole_board(rig, number: int) -> None:  # noqa: ANN001
    scene = PinchScene(CHILD, level=number, seed=11)
    app, hand, rec = rig(scene)
    pinch_board(hand, scene)
    assert scene.reward_t is not None and scene.boards_done == 1
    trials, metrics, samples, targets = stored(rec)
    row = trials.iloc[0]
    assert (row.activity, row.level, row["item"], row["mode"]) == (
        "pinch", number, LEVEL_TABLE[number - 1].board, "pinch")
    assert (row.accuracy, row.errors, bool(row.completed)) == (1.0, 0, True)
    m = {(r.metric, r.unit): r.value for r in metrics.itertuples()}
    n = LEVEL_TABLE[number - 1].objects
    assert m[("objects_placed", "count")] == n and m[("drops", "count")] == 0
    assert m[("source_touch", "bool")] == 1.0 and m[("assisted", "bool")] == 0.0
    assert m[("aperture_at_grip", "px")] < 100
    assert set(samples.pointer) == {1, 2} and set(samples.source) == {"touch"}
    # Re-scored from disk: the very figures stored.
    board, shown = read_board(targets[targets.trial == 1])
    assert board == scene.board
    again = score_round(Samples.from_rows(samples[samples.trial == 1]), board, shown)
    rows = trial_metrics(again, board)
    assert [(nm, round(v, 4), u) for nm, v, u in rows] == [  # as the CSV keeps them
        (r.metric, r.value, r.unit) for r in metrics.itertuples()]
    # duration_ms: the first touch to the last placement (completion_time runs from the
    # board appearing), both on the samples' clock
    first_touch = samples[samples.phase == "down"].t_ms.min()
    assert row.duration_ms == round(shown + m[("completion_time", "ms")] - first_touch, 4)
    assert row.duration_ms <= m[("completion_time", "ms")]


def test_fingers_landing_closed_count_a_failed_grasp_and_a_drop_is_gentle(rig) -> None:  # noqa: ANN001
    scene = PinchScene(CHILD, level=1, seed=3)
    app, hand, rec = rig(scene)
    played: list[str] = []
    app.sound.play = played.append  # type: ignore[method-assign]
    berry, cup = scene.board.objects[0], scene.board.targets[0]
    # Two fingers put down 40 px apart on the berry: a miss, nothing lifts.
    a = hand.press((berry.x - 20, berry.y), "touch")
    b = hand.press((berry.x + 20, berry.y), "touch")
    hand.wait(0.1)
    hand.release((berry.x - 20, berry.y), "touch", a)
    hand.release((berry.x + 20, berry.y), "touch", b)
    hand.step()
    assert scene.play.failed == 1 and scene.play.held == -1
    # Carried half way and let go on the table: a drop, a gentle sound, the berry lies there.
    mid = ((berry.x + cup.x) / 2, 180.0)
    hand.pinch((berry.x, berry.y), mid, open_aperture=160, closed_aperture=60)
    hand.step(10)
    assert scene.play.drops == 1 and played[-1] == "soft_error"
    lying = scene.play.pos[0]
    assert abs(lying[0] - mid[0]) < 2 and abs(lying[1] - mid[1]) < 2
    hand.pinch((float(lying[0]), float(lying[1])), (cup.x, cup.y), open_aperture=160,
               closed_aperture=60)
    hand.step(2)
    assert played[-2:] == ["success", "reward"]
    trials, metrics, _, _ = stored(rec)
    row = trials.iloc[0]
    assert (row.accuracy, row.errors) == (0.0, 2)  # first release was a drop; miss + drop
    m = {(r.metric, r.unit): r.value for r in metrics.itertuples()}
    assert (m[("failed_grasps", "count")], m[("drops", "count")],
            m[("regrasps", "count")]) == (1.0, 1.0, 1.0)


def test_assisted_taps_play_a_board_and_mark_the_trial(rig) -> None:  # noqa: ANN001
    scene = PinchScene(CHILD, level=3, seed=5)
    app, hand, rec = rig(scene, Settings(assisted_input=True))
    for p in scene.board.objects:
        hand.tap((p.x, p.y))
        hand.tap((scene.board.targets[0].x, scene.board.targets[0].y))
    assert scene.boards_done == 1
    trials, metrics, _, _ = stored(rec)
    assert (trials.iloc[0]["mode"], trials.iloc[0].accuracy) == ("tap", 1.0)
    names = set(metrics.metric)
    assert metrics[metrics.metric == "assisted"].value.tolist() == [1.0]
    assert "path_efficiency" not in names and "throughput" not in names


def test_left_hand_mirrors_the_board(rig) -> None:  # noqa: ANN001
    right = PinchScene(CHILD, level=12, seed=9)
    rig(right)
    left = PinchScene(CHILD, level=12, seed=9)
    _, hand, rec = rig(left, Settings(left_handed=True))
    assert [round(1280 - p.x, 2) for p in left.board.objects] == [
        p.x for p in right.board.objects]
    pinch_board(hand, left)
    _, metrics, _, _ = stored(rec)
    assert metrics[metrics.metric == "left_hand"].value.tolist() == [1.0]


def test_a_timed_round_ends_after_a_minute(rig) -> None:  # noqa: ANN001
    scene = PinchScene(CHILD, level=3, seed=2)
    app, hand, rec = rig(scene, Settings(timed_rounds=True))
    board = scene.board
    hand.pinch((board.objects[0].x, board.objects[0].y), (board.targets[0].x,
               board.targets[0].y), open_aperture=160, closed_aperture=60)
    assert scene.reward_t is None
    hand.wait(59.9 - (scene.now_ms() - scene.shown_ms) / 1000)
    assert scene.reward_t is None
    hand.wait(0.2)
    assert scene.reward_t is not None
    trials, metrics, _, _ = stored(rec)
    m = {(r.metric, r.unit): r.value for r in metrics.itertuples()}
    assert (m[("timed", "bool")], m[("objects_placed", "count")]) == (1.0, 1.0)
    assert m[("completion_time", "ms")] == 60000.0
    assert m[("objects_per_minute", "1/min")] == 1.0
    assert bool(trials.iloc[0].completed)


def test_the_staircase_moves_up_after_two_good_boards_and_a_pin_holds(rig, tmp_path) -> None:  # noqa: ANN001
    scene = PinchScene(CHILD, start_level=2, progress=PROGRESS)
    app, hand, rec = rig(scene)
    assert scene.level.number == 2  # a new child starts at the launcher's level
    for _ in range(2):
        pinch_board(hand, scene)
        hand.wait(3.0)  # the reward, then the next board
    assert scene.level.number == 3
    assert ACTIVITY.read_levels(tmp_path, CHILD) == {"board": (3, False)}
    ACTIVITY.pin_level(tmp_path, CHILD, "*", 7)
    pinch_board(hand, scene)
    hand.wait(3.0)
    assert scene.level.number == 7


def test_the_activity_contract() -> None:
    assert (ACTIVITY.id, ACTIVITY.levels, LEVELS) == ("pinch", 12, len(LEVEL_TABLE))
    assert ACTIVITY.items() == ["board"] and ACTIVITY.label("board") == "pinch boards"
    surf = pygame.Surface((200, 200))
    surf.fill((0, 0, 0))
    ACTIVITY.draw_icon(surf, surf.get_rect())
    assert surf.get_at((120, 132))[:3] != (0, 0, 0)  # the cup is drawn


def test_finemotor_level_pins_pinch_and_the_scene_plays_it(capsys, tmp_path: Path) -> None:  # noqa: ANN001
    from games import cli
    from telemetry.children import ChildrenRegistry

    cid = ChildrenRegistry(tmp_path).add("Sam", "cat").child_id

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    assert run("level", cid, "9", "--activity", "pinch", "--data-dir", str(tmp_path)) == (
        0, "pinch, every item: pinned at level 9 for Sam\n", "")
    code, out, err = run("level", cid, "13", "--activity", "pinch", "--data-dir", str(tmp_path))
    assert (code, err) == (2, "finemotor: error: level 13 is out of range for pinch (1 to 12)\n")
    app = make_test_app()
    app.data_dir = tmp_path
    app.stack.push(ACTIVITY.make_scene(app, cid, 1))
    assert app.stack.top.level.number == 9 and app.stack.top.level.board == "sort"
    assert run("level", cid, "auto", "--activity", "pinch", "--data-dir", str(tmp_path))[1] == (
        "pinch, every item: level adapts to Sam again\n")
