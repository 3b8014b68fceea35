""""Watch me" (issue 13 point 4): the beetle walks the model's strokes in their taught order and
direction before a shape's first try and when the eye is tapped; nothing of it is recorded.

Driven headless through the real input code (``ScriptedHand``) with a real recorder; rows are
read back from disk. The demo's timeline is also checked on its own (pure, exact geometry).
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np
import pygame
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from engine import ui  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.kit.reward import MAX_STICKERS_SHOWN, STICKER_STEP  # noqa: E402
from games.kit.trial_scene import EXIT_HOLD_S  # noqa: E402
from games.tracing.glyphs import glyph, glyph_ids  # noqa: E402
from games.tracing.lesson import Step  # noqa: E402
from games.tracing.record import WATCH_PX  # noqa: E402
from games.tracing.road import arrow_triangles  # noqa: E402
from games.tracing.scene import TracingScene  # noqa: E402
from games.tracing.staircase import level  # noqa: E402
from games.tracing.view import END_STAR_R, START_RING_R  # noqa: E402
from games.tracing.watch import (  # noqa: E402
    END_S,
    GAP_S,
    LEAD_S,
    SPEED_PX_S,
    STILL_STROKE_S,
    WALK_MAX_S,
    WatchPlan,
)
from telemetry import schema  # noqa: E402
from telemetry.recorder import SessionRecorder  # noqa: E402

CHILD = "0123456789abcdef0123456789abcdef"
STEP_S = 1 / 120  # the app's logic step


@pytest.fixture
def setup(tmp_path):
    made = []

    def make(plan, settings: Settings | None = None, watch_first: bool = True):
        app = make_test_app(settings=settings or Settings(sound_on=False))
        rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns,
                                    sample_flush_s=0.05)
        app.recorder = rec
        scene = TracingScene(CHILD, plan=plan, watch_first=watch_first)
        app.stack.push(scene)
        hand = ScriptedHand(app)
        made.append(rec)
        return app, rec, scene, hand

    yield make
    for rec in made:
        if not rec.closed:
            rec.close()


def rows(folder: Path, table: schema.Table) -> list[dict[str, str]]:
    raw = (folder / table.filename).read_bytes() if (folder / table.filename).exists() else b""
    return list(csv.DictReader(io.StringIO(raw.decode()))) if raw else []


def pts(stroke: np.ndarray) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in stroke.tolist()]


# -- the timeline (pure) ----------------------------------------------------------------------


def test_the_timeline_walks_each_stroke_in_order_and_direction() -> None:
    down = np.array([[100.0, 100.0], [100.0, 500.0]])  # 400 px, top to bottom
    across = np.array([[0.0, 300.0], [200.0, 300.0]])  # 200 px, left to right
    plan = WatchPlan([down, across])
    assert plan.speed == SPEED_PX_S  # 600 px in all: 1.875 s of walking, under WALK_MAX_S
    walk1, walk2 = 400 / SPEED_PX_S, 200 / SPEED_PX_S
    assert plan.duration == pytest.approx(LEAD_S + walk1 + GAP_S + walk2 + END_S, abs=1e-12)
    expect = [
        (0.0, 0, (100.0, 100.0)),  # waiting on start dot 1
        (LEAD_S - 0.01, 0, (100.0, 100.0)),
        (LEAD_S + 0.5, 0, (100.0, 100.0 + 0.5 * SPEED_PX_S)),  # walking down
        (LEAD_S + walk1, 1, (0.0, 300.0)),  # hopped to start dot 2, waiting
        (LEAD_S + walk1 + GAP_S + 0.25, 1, (0.25 * SPEED_PX_S, 300.0)),  # walking right
        (plan.duration - 0.01, 1, (200.0, 300.0)),  # resting at the end
    ]
    for t, k, (x, y) in expect:
        f = plan.at(t)
        assert f.stroke == k and not f.done
        assert f.pos == pytest.approx((x, y), abs=1e-9), t
    end = plan.at(plan.duration)
    assert end.done and end.pos == (200.0, 300.0)
    assert plan.walking(LEAD_S + 0.5) and not plan.walking(0.1)
    assert not plan.walking(LEAD_S + walk1 + 0.1)  # waiting on the second start


def test_a_long_model_walks_faster_so_the_demo_stays_short() -> None:
    long_line = np.array([[0.0, 0.0], [2000.0, 0.0]])
    plan = WatchPlan([long_line])
    assert plan.speed == 2000.0 / WALK_MAX_S == 500.0
    assert plan.duration == pytest.approx(LEAD_S + WALK_MAX_S + END_S, abs=1e-12)
    for g in glyph_ids():  # every model at the biggest size: at most 8.5 s, most far less
        model = glyph(g).scaled(455, 108, 600)
        assert WatchPlan(model).duration <= LEAD_S + WALK_MAX_S + GAP_S * 3 + END_S + 1e-9


def test_reduce_motion_shows_each_stroke_whole_with_the_beetle_parked() -> None:
    down = np.array([[100.0, 100.0], [100.0, 500.0]])
    across = np.array([[0.0, 300.0], [200.0, 300.0]])
    plan = WatchPlan([down, across], reduce_motion=True)
    assert plan.duration == pytest.approx(2 * STILL_STROKE_S + END_S, abs=1e-12)
    for t in (0.0, 0.7, STILL_STROKE_S - 0.01):
        f = plan.at(t)
        assert (f.stroke, f.pos, f.walked) == (0, (100.0, 100.0), 400.0)
        assert not plan.walking(t)
    f = plan.at(STILL_STROKE_S + 0.3)
    assert (f.stroke, f.pos, f.walked) == (1, (0.0, 300.0), 200.0)


# -- in the scene, through the real input code ---------------------------------------------------


def test_the_beetle_walks_the_model_in_taught_order_before_the_first_try(setup) -> None:
    app, rec, scene, hand = setup([Step("cross", "trace", 0), Step("cross", "trace", 1)])
    vertical, horizontal = (m.copy() for m in scene.model)
    (x0, y0), (_, y1) = vertical[0], vertical[-1]
    hx0, hy = horizontal[0]
    plan = scene.watch
    assert plan is not None and scene.trial_no is None  # no trial while the demo plays
    speed = plan.speed
    walk1 = (y1 - y0) / speed
    seen = []
    for t in (0.5, LEAD_S + 0.4, LEAD_S + 0.9, LEAD_S + walk1 + 0.3, LEAD_S + walk1 + GAP_S + 0.4):
        hand.wait(t - scene.watch_t)
        assert abs(scene.watch_t - t) <= STEP_S + 1e-9
        ti = scene.watch_t
        bx, by = scene.beetle_pos
        if ti < LEAD_S:  # on start dot 1
            assert (bx, by) == (x0, y0)
        elif ti < LEAD_S + walk1:  # stroke 1, top to bottom: exactly where the clock says
            assert (bx, by) == pytest.approx((x0, y0 + (ti - LEAD_S) * speed), abs=1e-6)
        elif ti < LEAD_S + walk1 + GAP_S:  # hopped to start dot 2
            assert (bx, by) == (hx0, hy)
        else:  # stroke 2, left to right
            walked = (ti - LEAD_S - walk1 - GAP_S) * speed
            assert (bx, by) == pytest.approx((hx0 + walked, hy), abs=1e-6)
        seen.append(scene.watch_frame().stroke)
    assert seen == [0, 0, 0, 1, 1]
    assert scene.trial_no is None
    hand.wait(plan.duration - scene.watch_t + 2 * STEP_S)  # the demo plays out by itself
    assert scene.watch is None and scene.trial_no == 1
    assert scene.beetle_pos == (x0, y0)  # back on the first start, ready
    # the child traces: the trial's times are the child's own
    drawn = hand.drag(pts(vertical), speed=600) + hand.drag(pts(horizontal), speed=600)
    assert scene.reward_t is not None
    score = scene.results[0]
    assert score.completion_ms == pytest.approx((drawn[-1].t_ns - drawn[0].t_ns) / 1e6,
                                                abs=1e-3)
    # the second try of the same shape starts at once: the demo is once per shape
    hand.wait(2.0)
    assert scene.step.repeat == 1 and scene.watch is None and scene.trial_no == 2


def test_taps_during_the_demo_write_no_samples_and_end_it(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    top, bottom = pts(scene.model[0])
    hand.wait(1.0)
    assert scene.watch is not None
    # a drag from the start dot while the beetle walks: the touch ends the demo at once, the
    # rest of it is neither drawn nor recorded, the child is not stuck
    hand.drag([top, bottom], speed=600)
    assert scene.watch is None and scene.trial_no == 1
    assert scene.samples == [] and scene.current == 0 and scene.reward_t is None
    tap = hand.tap((640, 780))  # a tap now is the trial's (a miss far off the road), as in play
    drawn = hand.drag([top, bottom], speed=600)
    assert scene.reward_t is not None
    rec.flush()
    (trial,) = rows(rec.folder, schema.TRIALS)
    assert trial["completed"] == "1"
    stored = [(float(r["t_ms"]), float(r["x"]), float(r["y"]), r["phase"])
              for r in rows(rec.folder, schema.SAMPLES)]
    origin = rec.origin_ns
    assert stored == [(round((p.t_ns - origin) / 1e6, 4), p.x, p.y, p.phase) for p in tap + drawn]
    assert len(hand.samples) > len(stored)  # the demo's drag is not there


def test_taps_in_a_demo_that_ends_by_itself_write_nothing(setup) -> None:
    app, rec, scene, hand = setup([Step("vertical", "trace", 0)])
    plan = scene.watch
    hand.wait(0.3)
    hand.tap((640, 780))  # ends it
    assert scene.watch is None
    rec.flush()
    assert rows(rec.folder, schema.SAMPLES) == []
    assert plan is not None


def test_the_eye_replays_the_demo_without_recording_twice(setup) -> None:
    app, rec, scene, hand = setup([Step("square", "trace", 0)], watch_first=False)
    assert scene.watch is None and scene.trial_no == 1
    eye = scene.watch_button.rect
    assert eye.w >= 96 and eye.h >= 96
    hand.tap(eye.center)  # before the first touch: the open trial waits, nothing recorded
    assert scene.watch is not None and scene.trial_no == 1 and scene.samples == []
    hand.wait(scene.watch.duration + 0.1)
    assert scene.watch is None and scene.trial_no == 1
    first = pts(scene.model[0])
    hand.drag(first[:3], speed=500)  # part of stroke 1, then the eye again
    assert scene.samples
    hand.tap(eye.center)
    assert scene.watch is not None and scene.trial_no is None
    hand.tap((640, 780))
    assert scene.trial_no == 2 and scene.samples == [] and scene.current == 0
    rec.flush()
    (abandoned,) = rows(rec.folder, schema.TRIALS)
    assert (abandoned["trial"], abandoned["completed"]) == ("1", "0")  # as after a pause


def test_the_grown_ups_house_works_during_the_demo(setup) -> None:
    app, rec, scene, hand = setup([Step("circle", "trace", 0)])
    assert scene.watch is not None
    hand.hold(scene.exit_rect().center, 0.5)  # a child's tap on the house: the demo goes on
    assert scene.watch is not None
    hand.hold(scene.exit_rect().center, EXIT_HOLD_S + 0.2)
    assert len(app.stack) == 0 and scene.left
    rec.flush()
    assert rows(rec.folder, schema.TRIALS) == []  # no trial had begun: nothing to record


def test_reduce_motion_demo_stands_still_within_a_stroke(setup) -> None:
    calm = Settings(sound_on=False, reduce_motion=True)
    app, rec, scene, hand = setup([Step("cross", "trace", 0)], settings=calm)
    vertical, horizontal = scene.model
    hand.wait(0.3)
    assert scene.beetle_pos == tuple(map(float, vertical[0]))
    frame = pygame.image.tobytes(app.screen, "RGB")
    hand.wait(0.6)
    assert pygame.image.tobytes(app.screen, "RGB") == frame  # nothing moves or pulses
    hand.wait(STILL_STROKE_S - 0.9 + 0.1)
    assert scene.beetle_pos == tuple(map(float, horizontal[0]))  # stroke 2's turn
    # stroke 2 is shown whole in the thumbnail's colour for it
    # (35 px before its end: clear of its arrows and its end star)
    (ax, ay), (ex, ey) = horizontal[-2], horizontal[-1]
    f = 35.0 / math.hypot(ex - ax, ey - ay)
    probe = (round(ex + (ax - ex) * f), round(ey + (ay - ey) * f))
    colour = ui.PALETTE[(1 + 4) % len(ui.PALETTE)]
    assert tuple(app.screen.get_at(probe))[:3] == colour


# -- where the eye sits ----------------------------------------------------------------------------


def laid_out(gid: str, mode: str, number: int, left: bool) -> TracingScene:
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
@pytest.mark.parametrize("number", [1, 3, 6])
def test_the_eye_is_big_and_never_covers_a_marker(number, left) -> None:
    for gid in glyph_ids():
        for mode in ("trace", "copy") if glyph(gid).copy_rule else ("trace",):
            scene = laid_out(gid, mode, number, left)
            eye = scene.watch_button.rect
            assert eye.size == (WATCH_PX, WATCH_PX) and WATCH_PX >= 96
            assert pygame.Rect(0, 0, 1280, 800).contains(eye)
            clear = [scene.exit_rect()]
            n = min(MAX_STICKERS_SHOWN, 18)
            clear.append(scene.place(pygame.Rect(20, 20, (n - 1) * STICKER_STEP + 56, 56)))
            tol = scene.level.tolerance_px
            for stroke in scene.model:
                clear.append(bounds(np.asarray(stroke), max(tol + 4, START_RING_R * 1.1)))
                for tri in arrow_triangles(np.asarray(stroke)):
                    clear.append(bounds(np.asarray(tri), 0))
                clear.append(bounds(np.asarray(stroke[-1:]), END_STAR_R))
            if mode == "copy":
                clear += [scene.box, scene.copy_box, scene.done_button.rect]
            else:
                clear.append(scene.thumbnail_rect())
            hits = [r for r in clear if r.colliderect(eye)]
            assert hits == [], (gid, mode, number, left)
            # on the side away from the writing hand, mirrored for a left hand
            twin = laid_out(gid, mode, number, not left).watch_button.rect
            assert twin == ui.mirror_rect(eye)
            if mode == "trace":
                assert (eye.centerx < 640) != left
