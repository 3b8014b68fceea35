"""The tracing scene, played by the engine's scripted hand through the real input code.

The CSV rows the recorder leaves are read back from disk and every completed trial is
re-scored from its stored samples and model path alone (:func:`rescore_from_disk`): the figures
must equal the stored ``trials.csv`` / ``metrics.csv`` values, also when the child tapped the
copy tick, tapped the house mid-trial or rested a palm on the screen while drawing.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pygame
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from engine.pointer import PointerSample  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.tracing import ACTIVITY  # noqa: E402
from games.tracing.draw import ROAD  # noqa: E402
from games.tracing.glyphs import glyph  # noqa: E402
from games.tracing.lesson import Step, lesson_plan  # noqa: E402
from games.tracing.scene import TracingScene  # noqa: E402
from games.tracing.scoring import CopyScore, TraceScore, score_copy, score_trace  # noqa: E402
from games.tracing.staircase import level, progress_path  # noqa: E402
from games.tracing.view import MISS_FADE_S  # noqa: E402
from telemetry import schema  # noqa: E402
from telemetry.loader import load_session_table  # noqa: E402
from telemetry.recorder import SessionRecorder  # noqa: E402

CHILD = "0123456789abcdef0123456789abcdef"


def read_table(folder: Path, table: schema.Table) -> list[dict[str, str]]:
    """Rows of a session table, each checked with its crc32."""
    raw = (folder / table.filename).read_bytes().splitlines(keepends=True)
    assert raw[0] == table.header_line()
    for line in raw[1:]:
        assert schema.row_is_valid(line)
    return list(csv.DictReader(io.StringIO(b"".join(raw).decode())))


@pytest.fixture
def setup(tmp_path):
    """An app with a recorder on the app's manual clock, and a factory for scenes."""
    made = []

    def make(plan, settings: Settings | None = None, **kw):
        app = make_test_app(settings=settings or Settings(sound_on=False))
        rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns,
                                    sample_flush_s=0.05)
        app.recorder = rec
        path = progress_path(tmp_path, CHILD)
        scene = TracingScene(CHILD, plan=plan, progress_path=path, **kw)
        app.stack.push(scene)
        hand = ScriptedHand(app)
        made.append(rec)
        return app, rec, scene, hand

    yield make
    for rec in made:
        if not rec.closed:
            rec.close()


def pts(stroke: np.ndarray) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in stroke.tolist()]


def same_rows(a: list[tuple[str, float, str]], b: list[tuple[str, float, str]]) -> bool:
    """Metric rows equal to the last bit (NaN equal to NaN)."""
    return len(a) == len(b) and all(
        (na, ua) == (nb, ub) and (va == vb or (math.isnan(va) and math.isnan(vb)))
        for (na, va, ua), (nb, vb, ub) in zip(a, b, strict=True))


def rescore_from_disk(folder: Path, played: list[TraceScore | CopyScore] | None = None
                      ) -> dict[int, TraceScore | CopyScore]:
    """Re-score every completed trial of a session from its files alone and check each against
    what the scene stored.

    The model is rebuilt from ``targets.csv`` (``model_path`` parts, the ``tolerance`` row), the
    samples are the trial's ``samples.csv`` rows and the copy rule is the item's; the trial is
    scored with :func:`score_trace` / :func:`score_copy` as the scene does (times in seconds
    are ``t_ms / 1000``). The scene scores the samples at the precision they are stored with, so
    every metric row must equal ``metrics.csv`` exactly (as the CSV rounds it, to 4 decimals)
    and accuracy, errors and duration must equal ``trials.csv``; given the scores of the trials
    as played (``scene.results``), the re-scored rows must equal them to the last bit.
    """
    tables = {}
    for name in ("trials", "metrics", "samples", "targets"):
        tables[name], skipped = load_session_table(folder, name)
        assert skipped == 0, name
    trials, metrics, samples, targets = (tables[n] for n in ("trials", "metrics", "samples",
                                                             "targets"))
    out: dict[int, TraceScore | CopyScore] = {}
    for row in trials[trials["completed"]].itertuples(index=False):
        tg = targets[targets["trial"] == row.trial]
        paths = tg[tg["kind"] == "model_path"]
        model = [g.sort_values("seq")[["x", "y"]].to_numpy()
                 for _, g in paths.groupby("part", sort=True)]
        (tol,) = tg.loc[tg["kind"] == "tolerance", "x"].tolist()
        s = samples[samples["trial"] == row.trial]
        arrays = (s["t_ms"].to_numpy() / 1e3, s["x"].to_numpy(), s["y"].to_numpy(),
                  s["phase"].astype(str).to_numpy())
        score: TraceScore | CopyScore
        if row.mode == "copy":
            assert (tg["kind"] == "copy_box").any()
            score = score_copy(model, arrays, tol, rule=glyph(str(row.item)).copy_rule)
            trace = score.trace
            errors = (0 if score.rule_passed in (None, True) else 1) + trace.exits
        else:
            score = trace = score_trace(model, arrays, tol)
            errors = score.errors
        m = metrics[metrics["trial"] == row.trial]
        stored = {(str(r.metric), "" if pd.isna(r.unit) else str(r.unit)): r.value
                  for r in m.itertuples(index=False)}
        rows = score.metric_rows()
        assert set(stored) - {("success", "bool"), ("strict", "bool")} == {
            (n, u) for n, _, u in rows}
        for name, value, unit in rows:
            want = round(value, 4)
            got = stored[(name, unit)]
            assert got == want or (math.isnan(got) and math.isnan(want)), (row.trial, name, unit)
        assert row.accuracy == round(trace.accuracy, 4)
        assert row.errors == errors
        assert row.duration_ms == round(trace.completion_ms, 4)
        out[int(row.trial)] = score
    if played is not None:
        assert len(played) == len(out)
        for a, b in zip(played, out.values(), strict=True):
            assert same_rows(a.metric_rows(), b.metric_rows())
    return out


def stored_samples(folder: Path) -> list[tuple[float, float, float, str]]:
    """The session's ``samples.csv`` rows as (t_ms, x, y, phase), read back from disk."""
    return [(float(r["t_ms"]), float(r["x"]), float(r["y"]), r["phase"])
            for r in read_table(folder, schema.SAMPLES)]


def as_rows(samples: list[PointerSample], origin_ns: int) -> list[tuple[float, float, float,
                                                                         str]]:
    """Pointer samples as they are stored in ``samples.csv`` (t_ms to 0.1 us)."""
    return [(round((s.t_ns - origin_ns) / 1e6, 4), round(s.x, 4), round(s.y, 4), s.phase)
            for s in samples]


def test_scripted_trial_rows_match_direct_scores(setup, tmp_path) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0)])
    model = [m.copy() for m in scene.model]
    assert scene.level.number == 1 and scene.level.tolerance_px == 48.0
    # the vertical stroke, then the horizontal one, a little off the line
    hand.drag([(p[0] + 4, p[1]) for p in pts(model[0])], speed=500)
    assert scene.current == 1
    hand.wait(0.4)
    hand.drag([(p[0], p[1] - 6) for p in pts(model[1])], speed=500)
    assert scene.current == 2
    assert scene.reward_t is not None and len(scene.stickers) == 1
    direct = scene.results[0]
    hand.wait(2.0)  # the reward plays, then the one-step plan ends and the scene leaves
    assert len(app.stack) == 0
    rec.flush()
    folder = rec.folder

    (trial,) = read_table(folder, schema.TRIALS)
    assert (trial["activity"], trial["level"], trial["item"], trial["mode"]) == (
        "tracing", "1", "cross", "trace")
    assert trial["completed"] == "1"
    assert float(trial["accuracy"]) == round(direct.accuracy, 4) == 1.0
    assert int(trial["errors"]) == direct.errors == 0

    targets = read_table(folder, schema.TARGETS)
    model_rows = [r for r in targets if r["kind"] == "model_path"]
    stored = [np.array([[float(r["x"]), float(r["y"])] for r in model_rows if r["part"] == str(k)])
              for k in range(2)]
    for a, b in zip(stored, model, strict=True):
        assert np.allclose(a, b, atol=1e-4)

    samples = read_table(folder, schema.SAMPLES)
    assert [s["phase"] for s in samples].count("down") == 2
    t = np.array([float(s["t_ms"]) for s in samples]) / 1e3
    # every sample the hand posted is recorded, at its exact (manual clock) time
    hand_t = np.array([s.t_ns for s in hand.samples]) / 1e9
    assert len(samples) == len(hand.samples)
    assert np.allclose(np.diff(t), np.diff(hand_t), atol=1e-6)
    assert stored_samples(folder) == as_rows(hand.samples, rec.origin_ns)

    # the files alone give the stored figures, the very ones scored in play
    (rescored,) = rescore_from_disk(folder, scene.results).values()
    assert rescored.accuracy == direct.accuracy == 1.0
    metrics = {(r["metric"], r["unit"]): float(r["value"]) for r in read_table(folder,
                                                                                schema.METRICS)}
    for name, value, unit in direct.metric_rows():  # stored exactly as scored in play
        assert metrics[(name, unit)] == round(value, 4), name
    assert metrics[("mean_deviation", "px")] == pytest.approx(5.0, abs=0.6)
    assert metrics[("success", "bool")] == 1.0
    assert metrics[("pen_lifts", "count")] == 1.0
    assert metrics[("in_air_time", "ms")] == pytest.approx(400.0 + 1000 / 60, abs=20.0)

    saved = json.loads(progress_path(tmp_path, CHILD).read_text())
    assert saved["shapes"]["cross"] == {"level": 1, "streak": 1, "trials": 1, "successes": 1}


def test_leaving_the_road_is_a_cue_not_a_stop(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    top, bottom = pts(scene.model[0])
    mid = (top[0], (top[1] + bottom[1]) / 2)
    finger = hand.press(top)
    for y in np.linspace(top[1], mid[1], 20)[1:]:
        hand.wait(1 / 120)
        hand._mouse(pygame.MOUSEMOTION, (top[0], float(y)), None)
    hand.wait(1 / 120)
    hand._mouse(pygame.MOUSEMOTION, (top[0] + 150, mid[1]), None)  # far off the road
    assert scene.offroad is True
    assert scene.trial_no is not None  # the trial goes on
    for y in np.linspace(mid[1], bottom[1], 20):
        hand.wait(1 / 120)
        hand._mouse(pygame.MOUSEMOTION, (top[0], float(y)), None)
    assert scene.offroad is False
    hand.release(bottom, finger=finger)
    assert scene.current == 1
    score = scene.results[0]
    assert score.exits == 1
    assert 0.0 < score.accuracy < 1.0


def test_strict_blocks_a_wrong_start_and_lenient_counts_it(setup) -> None:
    strict = Settings(sound_on=False, strict=True)
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)], settings=strict)
    top, bottom = pts(scene.model[0])
    hand.drag([bottom, top], speed=600)  # bottom to top: wrong start and direction
    assert scene.current == 0 and scene.trial_no is not None
    hand.drag([top, bottom], speed=600)
    assert scene.current == 1
    assert scene.results[0].start_errors == 1 and scene.results[0].direction_errors == 1

    app2, rec2, scene2, hand2 = setup([Step("vertical", "trace", 0)])
    hand2.drag([bottom, top], speed=600)
    assert scene2.current == 1  # lenient: done, the errors are only counted
    s = scene2.results[0]
    assert (s.start_correct, s.direction_correct) == (False, False)
    rec2.flush()
    (trial,) = read_table(rec2.folder, schema.TRIALS)
    assert trial["errors"] == "2"


def test_strokes_must_be_done_in_order(setup) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0)])
    vertical, horizontal = (pts(m) for m in scene.model)
    hand.drag(horizontal, speed=600)  # the second stroke first: no progress
    assert scene.current == 0
    hand.drag(vertical, speed=600)
    hand.drag(horizontal, speed=600)
    assert scene.current == 2
    s = scene.results[0]
    assert s.stroke_match == (1, 0, 1) and s.order_errors == 1 and not s.order_correct


def test_copy_mode_with_the_tick_button(setup) -> None:
    app, rec, scene, hand = setup([Step("circle", "copy", 0)])
    assert scene.box.centerx < scene.copy_box.centerx  # model left of the box (right hand)
    cx, cy = scene.copy_box.center
    a = np.radians(np.linspace(90, 450, 60))
    circle = [(cx + 150 * np.cos(t), cy - 140 * np.sin(t)) for t in a]
    drawn = hand.drag(circle, speed=700)
    assert scene.trial_no is not None  # a copy waits for the tick (or 4 s idle)
    tick = hand.tap(scene.done_button.rect.center)
    assert tick and scene.trial_no is None and scene.reward_t is not None
    score = scene.results[0]
    assert score.rule_passed is True and score.reason == "closed circle, 1.1:1"
    assert score.trace.strokes_drawn == 1
    rec.flush()
    (trial,) = read_table(rec.folder, schema.TRIALS)
    assert (trial["mode"], trial["item"], trial["completed"]) == ("copy", "circle", "1")
    metrics = {r["metric"]: float(r["value"]) for r in read_table(rec.folder, schema.METRICS)}
    assert metrics["copy_rule_passed"] == 1.0
    # the tap on the tick is not part of the drawing: samples.csv holds the circle only, and
    # re-scoring the stored trial gives the stored figures (before the fix, the tap made a
    # second stroke: strokes 1 -> 2, accuracy 1.0 -> 0.463, "circle not closed")
    assert stored_samples(rec.folder) == as_rows(drawn, rec.origin_ns)
    (again,) = rescore_from_disk(rec.folder, scene.results).values()
    assert isinstance(again, CopyScore)
    assert again.rule_passed is True and again.trace.strokes_drawn == 1
    assert again.accuracy == score.accuracy


def test_copy_finishes_by_itself_after_idle(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "copy", 0)])
    x = scene.copy_box.centerx
    hand.drag([(x, scene.copy_box.top + 40), (x + 20, scene.copy_box.bottom - 40)], speed=600)
    hand.wait(3.5)
    assert scene.trial_no is not None
    hand.wait(1.0)
    assert scene.trial_no is None
    assert scene.results[0].rule_passed is True


def test_left_handed_layout_is_mirrored(setup) -> None:
    lefty = Settings(sound_on=False, left_handed=True)
    app, rec, scene, hand = setup([Step("square", "copy", 0)], settings=lefty)
    assert scene.box.centerx > scene.copy_box.centerx  # model on the right of a left hand
    # the tick sits between the box and the model, away from the palm beside the box
    assert scene.copy_box.right < scene.done_button.rect.left
    assert scene.done_button.rect.right < scene.box.left
    app2, rec2, scene2, hand2 = setup([Step("square", "trace", 0)])
    app3, rec3, scene3, hand3 = setup([Step("square", "trace", 0)], settings=lefty)
    assert scene3.box.centerx == 1280 - scene2.box.centerx


def test_leaving_mid_trial_records_an_abandoned_trial(setup) -> None:
    app, rec, scene, hand = setup([Step("circle", "trace", 0)])
    hand.drag(pts(scene.model[0])[:5], speed=500)
    app.stack.pop()
    rec.flush()
    (trial,) = read_table(rec.folder, schema.TRIALS)
    assert (trial["completed"], trial["accuracy"]) == ("0", "")


def test_staircase_moves_the_level_between_trials(setup, tmp_path) -> None:
    plan = [Step("horizontal", "trace", 0), Step("horizontal", "trace", 1),
            Step("horizontal", "dots", 0)]
    app, rec, scene, hand = setup(plan)
    for _ in range(2):
        assert scene.level.number == 1
        hand.drag(pts(scene.model[0]), speed=600)
        hand.wait(2.0)
    assert scene.step.mode == "dots"
    assert scene.level == level(2)  # two successes: one level up, a narrower road
    saved = json.loads(progress_path(tmp_path, CHILD).read_text())
    assert saved["shapes"]["horizontal"]["level"] == 2
    rec.flush()
    rows = read_table(rec.folder, schema.TRIALS)
    assert [r["level"] for r in rows] == ["1", "1"]
    tol = [r for r in read_table(rec.folder, schema.TARGETS) if r["kind"] == "tolerance"]
    assert [float(r["x"]) for r in tol] == [48.0, 48.0, 38.0]


def test_pinned_level_is_played(setup, tmp_path) -> None:
    path = progress_path(tmp_path, CHILD)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pinned": {"circle": 5}}))
    app, rec, scene, hand = setup([Step("circle", "trace", 0)])
    assert scene.level.number == 5 and scene.level.tolerance_px == 18.0


def test_each_mode_draws_its_guide(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0), Step("vertical", "fade", 3)])
    hand.step()
    top, bottom = pts(scene.model[0])
    probe = (int(top[0]) + 30, int((top[1] + bottom[1]) / 2))  # on the road, off the centre line
    assert tuple(app.screen.get_at(probe))[:3] == ROAD
    hand.drag([top, bottom], speed=800)
    hand.wait(2.0)
    assert scene.step.mode == "fade"
    hand.step()
    assert tuple(app.screen.get_at(probe))[:3] != ROAD  # the guide has faded away


def test_activity_entry_point(tmp_path) -> None:
    assert ACTIVITY.id == "tracing" and ACTIVITY.levels == 6
    app = make_test_app(settings=Settings(sound_on=False))
    with SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns) as rec:
        app.recorder = rec
        # the activity opens the set picker (tests/test_tracing_sets.py); its shapes tile
        # starts this scene
        picker = ACTIVITY.make_scene(app, CHILD, 3)
        app.stack.push(picker)
        scene = picker.start("prewriting")
        assert isinstance(scene, TracingScene) and app.stack.top is scene
        assert scene.progress_path == tmp_path / "children" / CHILD / "tracing.json"
        assert scene.level.number == 3
        assert scene.plan == lesson_plan(
            ["vertical", "horizontal", "circle", "cross", "square", "diag_right", "diag_left",
             "x", "triangle", "diamond"])
        icon = pygame.Surface((160, 160), pygame.SRCALPHA)
        ACTIVITY.draw_icon(icon, icon.get_rect())
        app.stack.pop()
        assert app.stack.top is picker
        app.stack.pop()
    with pytest.raises(ValueError, match="unknown tracing mode 'paint'"):
        lesson_plan(["circle"], ["paint"])
    assert [s.mode for s in lesson_plan(["circle"])] == [
        "trace", "trace", "dots", "fade", "fade", "fade", "copy"]
    assert [s.mode for s in lesson_plan(["upper_A"])] == [
        "trace", "trace", "dots", "fade", "fade", "fade"]


def test_touch_strokes_from_new_fingers_and_a_resting_palm(setup) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0)])
    vertical, horizontal = (pts(m) for m in scene.model)
    palm = hand.press((1200.0, 700.0), "touch")  # a lone touch in a corner: a stroke
    hand.release((1200.0, 700.0), "touch", palm)
    hand.drag(vertical, speed=600, source="touch")
    # the next stroke with a new finger, while a palm comes to rest in the corner
    finger = hand.press(horizontal[0], "touch")
    palm = hand.press((1200.0, 700.0), "touch")
    last = None
    for x in np.linspace(horizontal[0][0], horizontal[1][0], 60):
        hand.wait(1 / 120)
        last = hand._finger(pygame.FINGERMOTION, finger, (float(x), horizontal[0][1]), last)
    hand.release(horizontal[1], "touch", finger)
    hand.release((1200.0, 700.0), "touch", palm)
    assert scene.current == 2
    s = scene.results[0]
    # the lone palm tap is a stroke of its own (off the road); the resting palm is ignored
    assert s.strokes_drawn == 3 and s.stroke_match == (-1, 0, 1)
    assert s.order_correct
    rec.flush()
    rows = read_table(rec.folder, schema.SAMPLES)
    palm_rows = [r for r in rows if (float(r["x"]), float(r["y"])) == (1200.0, 700.0)]
    # the lone tap is a stroke and recorded; the resting palm is neither drawn nor recorded
    assert [r["phase"] for r in palm_rows] == ["down", "up"]
    assert len({r["pointer"] for r in palm_rows}) == 1  # one finger: the lone tap
    assert stored_samples(rec.folder) == as_rows(scene.samples, rec.origin_ns)
    # so the stored trial re-scores to the stored figures (before the fix the palm's down
    # split the horizontal stroke: one stroke more than scored)
    (again,) = rescore_from_disk(rec.folder, scene.results).values()
    assert again.strokes_drawn == 3 and again.stroke_match == (-1, 0, 1) and again.order_correct
    assert {r["source"] for r in rows} == {"touch"}


# -- what the child sees (issue 3: screenshots of every mode, fixed geometry) -------------------

from engine import ui  # noqa: E402
from games.kit.reward import MAX_STICKERS_SHOWN, STICKER_STEP  # noqa: E402
from games.tracing.draw import draw_beetle  # noqa: E402
from games.tracing.glyphs import glyph_ids  # noqa: E402
from games.tracing.road import dot_points  # noqa: E402
from games.tracing.view import BEETLE_PX, END_STAR_R, START_RING_R  # noqa: E402

SCREEN = pygame.Rect(0, 0, 1280, 800)
ALL_GLYPHS = glyph_ids()


def layout_of(gid: str, mode: str, number: int, left: bool) -> TracingScene:
    """A scene laid out for one glyph/mode/level without playing it (geometry only)."""
    app = make_test_app(settings=Settings(sound_on=False, left_handed=left))
    scene = TracingScene(CHILD, plan=[Step(gid, mode, 0)], start_level=number)
    scene.app = app
    scene.step, scene.glyph, scene.level = scene.plan[0], glyph(gid), level(number)
    scene._layout()
    scene.model = scene.glyph.scaled(scene.box.x, scene.box.y, scene.box.w)
    return scene


def bounds(points: np.ndarray, pad: float) -> pygame.Rect:
    lo = np.floor(points.min(axis=0) - pad).astype(int)
    hi = np.ceil(points.max(axis=0) + pad).astype(int)
    return pygame.Rect(int(lo[0]), int(lo[1]), int(hi[0] - lo[0]), int(hi[1] - lo[1]))


@pytest.mark.parametrize("left", [False, True])
@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_every_glyph_road_and_beetle_stay_on_screen_and_clear_of_the_chrome(number, left):
    for gid in ALL_GLYPHS:
        scene = layout_of(gid, "trace", number, left)
        tol = scene.level.tolerance_px
        pts = np.concatenate(scene.model)
        assert scene.box.collidelist([SCREEN]) == 0 and SCREEN.contains(scene.box), gid
        assert bounds(pts, 0).w <= scene.box.w and scene.box.contains(bounds(pts, 0)), gid
        road = bounds(pts, tol + 4)
        # the beetle rides on any model point (and hops 6 px up when resting); the start ring
        # pulses 10 % wider than START_RING_R around every stroke's start; the end star
        beetle = bounds(pts, BEETLE_PX / 2).inflate(0, 12)
        starts = np.array([m[0] for m in scene.model])
        ring = bounds(starts, START_RING_R * 1.1 + 3)
        star = bounds(np.array([m[-1] for m in scene.model]), END_STAR_R + 2)
        for what, rect in (("road", road), ("beetle", beetle), ("ring", ring), ("star", star)):
            assert SCREEN.contains(rect), (gid, number, left, what, rect)
            # nothing the child aims at sits under the chrome
            assert not rect.colliderect(scene.exit_rect()), (gid, what)
            assert not rect.colliderect(scene.thumbnail_rect()), (gid, what)
        full_row = scene._place(pygame.Rect(20, 20, (MAX_STICKERS_SHOWN - 1) * STICKER_STEP + 56,
                                            56))
        assert not road.colliderect(full_row) and not ring.colliderect(full_row), gid


def test_glyph_box_and_chrome_exact_geometry() -> None:
    right = layout_of("upper_B", "trace", 1, False)
    lefty = layout_of("upper_B", "trace", 1, True)
    assert right.box == pygame.Rect(455, 138, 600, 600)
    assert lefty.box == pygame.Rect(225, 138, 600, 600)
    assert right.exit_rect() == pygame.Rect(1188, 20, 72, 72)
    assert lefty.exit_rect() == pygame.Rect(20, 20, 72, 72)
    assert right.thumbnail_rect() == pygame.Rect(30, 116, 170, 170)
    assert lefty.thumbnail_rect() == pygame.Rect(1080, 116, 170, 170)
    # lowercase descenders reach the bottom line of the box: road and beetle still fit
    g = layout_of("lower_g", "trace", 1, False)
    assert max(float(m[:, 1].max()) for m in g.model) + 48 + 4 <= 800
    assert max(float(m[:, 1].max()) for m in g.model) + BEETLE_PX / 2 <= 800


@pytest.mark.parametrize("number", [1, 3, 5, 6])
def test_copy_layout_fits_and_left_handed_mirrors_it(number) -> None:
    for gid in [g for g in ALL_GLYPHS if glyph(g).copy_rule]:
        right = layout_of(gid, "copy", number, False)
        lefty = layout_of(gid, "copy", number, True)
        rects = [right.box, right.copy_box, right.done_button.rect, right.exit_rect()]
        for a in rects:
            assert SCREEN.contains(a), (gid, a)
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not a.colliderect(b), (gid, a, b)
        # model left, tick between, box right (right hand); the other way round for a left hand
        assert right.box.right < right.done_button.rect.left
        assert right.done_button.rect.right < right.copy_box.left
        assert lefty.box == ui.mirror_rect(right.box)
        assert lefty.copy_box == ui.mirror_rect(right.copy_box)
        assert lefty.done_button.rect == ui.mirror_rect(right.done_button.rect)
        assert lefty.exit_rect() == ui.mirror_rect(right.exit_rect())
        assert right.done_button.rect.bottom == right.copy_box.bottom
        assert right.box.contains(bounds(np.concatenate(right.model), 0))
    sq = layout_of("square", "copy", 1, False)
    assert (sq.box, sq.copy_box, sq.done_button.rect) == (
        pygame.Rect(40, 188, 500, 500), pygame.Rect(720, 188, 500, 500),
        pygame.Rect(565, 558, 130, 130))


def test_dot_to_dot_puts_a_dot_on_every_corner() -> None:
    scene = layout_of("square", "dots", 1, False)
    left_side, rest = scene.dot_centres()
    assert left_side == [(515.0, y) for y in (198.0, 318.0, 438.0, 558.0, 678.0)]
    assert rest == [(515.0, 198.0), (635.0, 198.0), (755.0, 198.0), (875.0, 198.0),
                    (995.0, 198.0), (995.0, 318.0), (995.0, 438.0), (995.0, 558.0),
                    (995.0, 678.0), (875.0, 678.0), (755.0, 678.0), (635.0, 678.0),
                    (515.0, 678.0)]
    # a triangle's three corners are dots too; a smooth circle gets no extra ones
    tri = np.array([[0.0, 100.0], [50.0, 0.0], [100.0, 100.0], [0.0, 100.0]])
    dots = dot_points(tri, 1000.0)
    assert dots == [(0.0, 100.0), (50.0, 0.0), (100.0, 100.0), (0.0, 100.0)]
    circle = np.array(glyph("circle").strokes[0]) * 500
    assert len(dot_points(circle, 100.0)) == int(np.hypot(*np.diff(circle, axis=0).T).sum()
                                                 // 100) + 1


def test_diagonal_road_is_as_wide_as_a_straight_one(setup) -> None:
    app, rec, scene, hand = setup([Step("diag_right", "trace", 0)])
    hand.step()
    a, b = scene.model[0][0], scene.model[0][-1]
    mid = (a + b) / 2
    d = (b - a) / np.hypot(*(b - a))
    normal = np.array([-d[1], d[0]])
    for side in (1, -1):
        inside = mid + side * normal * (scene.level.tolerance_px - 3)
        assert tuple(app.screen.get_at(tuple(int(round(v)) for v in inside)))[:3] == ROAD
        outside = mid + side * normal * (scene.level.tolerance_px + 8)
        assert tuple(app.screen.get_at(tuple(int(round(v)) for v in outside)))[:3] != ROAD


def test_start_ring_shows_around_the_parked_beetle(setup) -> None:
    calm = Settings(sound_on=False, reduce_motion=True)
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)], settings=calm)
    hand.step()
    sx, sy = (int(v) for v in scene.model[0][0])
    assert scene.beetle_pos == (sx, sy)
    for dx, dy in ((0, -(START_RING_R - 3)), (START_RING_R - 3, 0), (-(START_RING_R - 3), 0)):
        assert tuple(app.screen.get_at((sx + dx, sy + dy)))[:3] == ui.GREEN
    # the beetle itself is drawn over the start
    assert tuple(app.screen.get_at((sx, sy + 30)))[:3] != ui.GREEN


def test_copy_mode_shows_no_beetle_on_the_model(setup) -> None:
    app, rec, scene, hand = setup([Step("circle", "copy", 0)])
    hand.step()
    start = tuple(int(v) for v in scene.model[0][0])
    assert tuple(app.screen.get_at(start))[:3] == ui.GREEN  # the start dot, not a beetle
    assert tuple(app.screen.get_at((start[0], start[1] + 30)))[:3] == ui.CREAM


def test_worried_beetle_has_a_cue_beyond_colour() -> None:
    calm = pygame.Surface((BEETLE_PX, BEETLE_PX), pygame.SRCALPHA)
    worried = pygame.Surface((BEETLE_PX, BEETLE_PX), pygame.SRCALPHA)
    draw_beetle(calm, calm.get_rect())
    draw_beetle(worried, worried.get_rect(), worried=True)

    def sky(surf: pygame.Surface) -> int:
        return sum(1 for x in range(BEETLE_PX) for y in range(BEETLE_PX)
                   if tuple(surf.get_at((x, y)))[:3] == ui.SKY_BLUE)

    assert sky(calm) == 0
    assert sky(worried) > 40  # the sweat drop


def test_grown_up_holds_the_house_to_leave_and_a_tap_does_nothing(setup) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0)])
    exit_centre = scene.exit_rect().center
    hand.tap(exit_centre, hold=0.5)  # a child's tap: nothing happens, nothing is drawn
    assert len(app.stack) == 1 and scene.samples == [] and not scene.pen_down
    hand.hold(exit_centre, 3.2)
    assert len(app.stack) == 0 and scene.left
    rec.flush()
    (trial,) = read_table(rec.folder, schema.TRIALS)
    assert trial["completed"] == "0"


def test_a_tap_on_the_house_mid_trial_is_not_recorded(setup) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0)])
    vertical, horizontal = (pts(m) for m in scene.model)
    first = hand.drag(vertical, speed=600)
    assert scene.current == 1
    tap = hand.tap(scene.exit_rect().center, hold=0.3)  # a child's tap, not the 3 s hold
    assert len(tap) == 2 and len(app.stack) == 1 and scene.trial_no is not None
    second = hand.drag(horizontal, speed=600)
    assert scene.current == 2
    direct = scene.results[0]
    assert (direct.strokes_drawn, direct.pen_lifts, direct.accuracy) == (2, 1, 1.0)
    rec.flush()
    # samples.csv holds the two strokes only, and the stored trial re-scores to the stored
    # figures (before the fix the tap was a stroke on disk: accuracy 1.0 -> 0.858)
    assert stored_samples(rec.folder) == as_rows(first + second, rec.origin_ns)
    (again,) = rescore_from_disk(rec.folder, scene.results).values()
    assert (again.strokes_drawn, again.pen_lifts, again.accuracy) == (2, 1, 1.0)
    assert again.in_air_ms == direct.in_air_ms


def test_the_current_strokes_start_dot_is_on_top(setup) -> None:
    # the square's two strokes share a start: "1" shows first, then "2" once stroke 1 is done
    calm = Settings(sound_on=False, reduce_motion=True)
    app, rec, scene, hand = setup([Step("square", "trace", 0)], settings=calm)
    assert scene.numbered
    start = tuple(int(v) for v in scene.model[0][0])

    def dot_matches(k: int) -> bool:
        ref = pygame.Surface((1280, 800))
        ref.fill(ui.CREAM)
        scene._start_dot(ref, k)
        return all(ref.get_at((start[0] + x, start[1] + y))[:3]
                   == app.screen.get_at((start[0] + x, start[1] + y))[:3]
                   for x in range(-12, 13) for y in range(-12, 13) if x * x + y * y <= 14 * 14)

    hand.drag([(start[0] + 300.0, 450.0), (start[0] + 301.0, 450.0)], speed=100)  # park it
    hand.step()
    assert dot_matches(0) and not dot_matches(1)
    hand.drag(pts(scene.model[0]), speed=900)
    assert scene.current == 1
    hand.drag([(start[0] + 300.0, 450.0), (start[0] + 301.0, 450.0)], speed=100)
    hand.step()
    assert dot_matches(1) and not dot_matches(0)


def _arrow_heading(tri: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Where an arrow sits (its base centre) and the unit vector it points along."""
    tip, left, right = (np.asarray(p, dtype=float) for p in tri)
    base = (left + right) / 2
    d = tip - base
    return base, d / np.hypot(*d)


def test_arrows_follow_the_current_stroke_and_never_point_both_ways(setup) -> None:
    app, _rec, scene, hand = setup([Step("square", "trace", 0)])
    # The square's first stroke goes straight down: every arrow points down, on x of the stroke.
    first = scene.model[0]
    assert len(scene.arrow_tris[0]) == 3
    for tri in scene.arrow_tris[0]:
        base, d = _arrow_heading(tri)
        assert d.round(6).tolist() == [0.0, 1.0]
        assert abs(base[0] - first[0][0]) < 1e-6
    # Only the current stroke's arrows are on screen: none on the right side of the square yet.
    right_x = int(scene.model[1][:, 0].max())
    mid_y = int((scene.model[1][:, 1].min() + scene.model[1][:, 1].max()) / 2)
    colour = tuple(app.screen.get_at((right_x, mid_y)))[:3]
    assert colour != tuple(scene.arrow_colour)

    # B's bump stroke runs along the middle bar and back: no arrows on that bar at all.
    app, _rec, scene, hand = setup([Step("upper_B", "trace", 0)])
    bar_y = float(np.median(scene.model[1][:, 1]))
    stroke = scene.model[1]
    bar = stroke[np.abs(stroke[:, 1] - bar_y) < 1.0]
    assert len(bar) >= 2  # the model does run along a bar there
    for tri in scene.arrow_tris[1]:
        base, _ = _arrow_heading(tri)
        assert abs(base[1] - bar_y) > 20 or base[0] > bar[:, 0].max() + 20
    assert len(scene.arrow_tris[1]) >= 4  # the bumps keep theirs


def test_window_losing_focus_mid_stroke_pauses_and_restarts_the_trial(setup) -> None:
    from engine.overlays import PauseOverlay

    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    line = pts(scene.model[0])
    top, bottom = line[0], line[-1]
    mid = (top[0], (top[1] + bottom[1]) / 2)
    hand.press(top)
    for k in range(1, 21):  # down the first half of the line, the finger still on the glass
        wx, wy = app.viewport.logical_to_window(top[0], top[1] + (mid[1] - top[1]) * k / 20)
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(round(wx), round(wy)),
                                             rel=(0, 1), buttons=(1, 0, 0), touch=False,
                                             which=0))
    pygame.event.post(pygame.event.Event(pygame.WINDOWFOCUSLOST))
    hand.step(1)
    assert isinstance(app.stack.top, PauseOverlay)
    # The stroke ended at the finger's last place, as if it had lifted there.
    assert [(s.phase, s.y) for s in hand.samples[-2:]] == [("move", mid[1]), ("up", mid[1])]
    hand.wait(5.0)
    assert scene.current == 0 and scene.reward_t is None  # frozen, nothing scored meanwhile
    hand.tap((640, 400))  # the play button
    assert app.stack.top is scene
    # The interrupted trial is recorded abandoned and the same line starts afresh, so no
    # time of the interruption gets into a trial's figures.
    assert scene.samples == [] and scene.current == 0 and scene.trial_no == 2
    hand.drag([top, bottom], speed=500)
    assert scene.current == 1 and scene.reward_t is not None
    rec.flush()
    rows = [(r["trial"], r["item"], r["completed"]) for r in read_table(rec.folder, schema.TRIALS)]
    assert rows == [("1", "vertical", "0"), ("2", "vertical", "1")]
    assert scene.results[-1].completion_ms < 2000


def test_a_miss_fades_the_trail_and_brings_the_beetle_back(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    played: list[str] = []
    app.sound.play = lambda name: played.append(name) or False  # type: ignore[method-assign]
    hand.step()
    top, bottom = pts(scene.model[0])
    clean = tuple(app.screen.get_at((int(top[0]) + 160, int((top[1] + bottom[1]) / 2))))
    # a zigzag far off the road down to the end, then the finger lifts: a miss
    mid = (top[1] + bottom[1]) / 2
    hand.drag([top, (top[0] + 160, mid), bottom], speed=600)
    assert scene.current == 0 and scene.trial_no is not None and scene.reward_t is None
    assert scene.misses == 1 and played[-1] == "soft_error"
    assert scene.beetle_pos == (top[0], top[1])  # back at the start
    assert not scene.covered[0].any()
    hand.step()
    assert scene.fading is not None  # the messy trail is still fading
    hand.wait(MISS_FADE_S + 0.1)
    assert scene.fading is None
    off = (int(top[0]) + 160, int(mid))
    assert tuple(app.screen.get_at(off)) == clean  # the trail has gone
    # a good try then finishes the trial; every sample of both tries was recorded
    hand.drag([top, bottom], speed=600)
    assert scene.current == 1 and scene.reward_t is not None
    assert scene.results[0].exits >= 1
    rec.flush()
    rescore_from_disk(rec.folder, scene.results)


def test_a_lift_on_the_road_part_way_is_a_pause_not_a_miss(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    top, bottom = pts(scene.model[0])
    mid = (top[0], (top[1] + bottom[1]) / 2)
    hand.drag([top, mid], speed=600)
    assert scene.misses == 0 and scene.beetle_pos == mid and scene.progress_s > 0
    hand.drag([mid, bottom], speed=600)
    assert scene.current == 1


def test_start_dots_are_never_covered_by_the_beetle_or_an_arrow(setup) -> None:
    # capital A: the beetle parks on dots 1 and 2 (one shared start), an arrow of stroke 1
    # runs over dot 3 (the bar's start); every dot still to do shows whole, "1" on top
    calm = Settings(sound_on=False, reduce_motion=True)
    app, rec, scene, hand = setup([Step("upper_A", "trace", 0)], settings=calm)
    hand.step()
    assert scene.numbered and scene.arrow_tris
    assert scene.beetle_pos == tuple(float(v) for v in scene.model[0][0])

    def dots_show(first: int) -> bool:
        ref = pygame.Surface((1280, 800))
        ref.fill(ui.CREAM)
        for k in reversed(range(first, len(scene.model))):
            scene._start_dot(ref, k)
        return all(ref.get_at((cx + x, cy + y))[:3] == app.screen.get_at((cx + x, cy + y))[:3]
                   for cx, cy in (tuple(int(v) for v in m[0]) for m in scene.model[first:])
                   for x in range(-14, 15) for y in range(-14, 15) if x * x + y * y <= 14 * 14)

    assert dots_show(0)
    # the arrows of stroke 1 do pass over dot 3
    bar = np.asarray(scene.model[2][0])
    assert min(np.hypot(*(np.mean(t, axis=0) - bar)) for t in scene.arrow_tris[0]) < 40
    hand.drag(pts(scene.model[0]), speed=900)  # stroke 1 done: the beetle parks on dot 2
    assert scene.current == 1
    hand.step()
    assert dots_show(1)
