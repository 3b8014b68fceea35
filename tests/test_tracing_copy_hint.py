"""The copy step's hint (issue 13 point 8): the model beside the empty box, and a ghost finger
drawing the model's first stroke in the box, resting, fading, again after a few seconds with
nothing drawn; never part of the child's drawing.

Driven headless through the real input code (``ScriptedHand``) with a real recorder.
"""

from __future__ import annotations

import csv
import io
import os

import numpy as np
import pygame
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.tracing.lesson import Step  # noqa: E402
from games.tracing.scene import COPY_IDLE_S, TracingScene  # noqa: E402
from games.tracing.watch import (  # noqa: E402
    HINT_DRAW_S,
    HINT_FADE_S,
    HINT_HOLD_S,
    HINT_REPEAT_S,
    HintPlan,
)
from telemetry import schema  # noqa: E402
from telemetry.recorder import SessionRecorder  # noqa: E402

CHILD = "0123456789abcdef0123456789abcdef"
HINT_S = HINT_DRAW_S + HINT_HOLD_S + HINT_FADE_S


@pytest.fixture
def setup(tmp_path):
    made = []

    def make(gid="cross", settings: Settings | None = None):
        app = make_test_app(settings=settings or Settings(sound_on=False))
        rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=app.clock.now_ns,
                                    sample_flush_s=0.05)
        app.recorder = rec
        scene = TracingScene(CHILD, plan=[Step(gid, "copy", 0)], watch_first=True)
        app.stack.push(scene)
        hand = ScriptedHand(app)
        made.append(rec)
        return app, rec, scene, hand

    yield make
    for rec in made:
        if not rec.closed:
            rec.close()


def rows(rec: SessionRecorder, table: schema.Table) -> list[dict[str, str]]:
    rec.flush()
    path = rec.folder / table.filename
    raw = path.read_bytes().decode() if path.exists() else ""
    return list(csv.DictReader(io.StringIO(raw))) if raw else []


def changed_pixels(a: pygame.Surface, b: pygame.Surface) -> pygame.Rect | None:
    """The bounding rect of every pixel that differs between two frames (None: same)."""
    xa = pygame.surfarray.array3d(a).astype(int)
    xb = pygame.surfarray.array3d(b).astype(int)
    xs, ys = np.nonzero((xa != xb).any(axis=2))
    if len(xs) == 0:
        return None
    return pygame.Rect(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                       int(ys.max() - ys.min() + 1))


def test_the_hint_timeline_draws_the_stroke_in_its_direction() -> None:
    stroke = np.array([[800.0, 200.0], [800.0, 650.0]])  # 450 px, top to bottom
    plan = HintPlan(stroke)
    assert plan.duration == pytest.approx(HINT_S, abs=1e-12)
    f = plan.at(HINT_DRAW_S / 2)
    assert f.pos == pytest.approx((800.0, 425.0), abs=1e-9) and f.drawn == pytest.approx(225.0)
    assert f.alpha == 1.0
    rest = plan.at(HINT_DRAW_S + HINT_HOLD_S / 2)
    assert rest.pos == (800.0, 650.0) and rest.drawn == 450.0 and rest.alpha == 1.0
    fading = plan.at(HINT_DRAW_S + HINT_HOLD_S + HINT_FADE_S / 2)
    assert fading.alpha == pytest.approx(0.5, abs=1e-9)
    assert plan.at(HINT_S).done
    still = HintPlan(stroke, reduce_motion=True)
    for t in (0.0, 1.0, HINT_S - 0.01):
        assert still.at(t) == still.at(0.0)
        assert still.at(t).pos == (800.0, 200.0) and still.at(t).drawn == 450.0


def test_the_model_sits_beside_the_empty_box_and_the_hint_plays_inside_it(setup) -> None:
    app, rec, scene, hand = setup("cross")
    assert scene.trial_no == 1 and scene.watch is None  # copy: no beetle demo, the trial runs
    assert scene.box.right < scene.copy_box.left  # the model beside the box
    assert scene.hint is not None
    stroke = scene.hint_stroke()
    model0 = np.asarray(scene.model[0])
    assert np.array_equal(stroke - model0, np.broadcast_to(
        [scene.copy_box.x - scene.box.x, scene.copy_box.y - scene.box.y], model0.shape))
    canvas_before = pygame.image.tobytes(scene.canvas, "RGB")
    hand.wait(HINT_DRAW_S / 2)
    assert scene.hint_frame().drawn == pytest.approx(
        (scene.hint_t / HINT_DRAW_S) * float(np.hypot(*np.diff(stroke, axis=0).T).sum()))
    during = app.screen.copy()
    hand.wait(HINT_S)  # the hint has gone (it comes back after HINT_REPEAT_S)
    assert scene.hint is None
    after = app.screen.copy()
    changed = changed_pixels(during, after)
    assert changed is not None and changed.w > 20 and changed.h > 20
    inside = scene.hint_rect()
    assert inside.contains(changed), (changed, inside)  # drawn in the box only
    assert inside == scene.copy_box.inflate(-16, -16)
    for other in (scene.box, scene.watch_button.rect, scene.done_button.rect,
                  scene.exit_rect()):
        assert not changed.colliderect(other)
    # the ghost line is where the stroke's first half is: its middle point changed colour
    mid = stroke[0] + (stroke[-1] - stroke[0]) * 0.25
    assert during.get_at((round(mid[0]), round(mid[1]))) != after.get_at(
        (round(mid[0]), round(mid[1])))
    # the hint is drawn over the frame, never into the child's drawing (the canvas)
    assert pygame.image.tobytes(scene.canvas, "RGB") == canvas_before
    assert rows(rec, schema.SAMPLES) == []


def test_the_hint_comes_back_while_nothing_is_drawn(setup) -> None:
    app, rec, scene, hand = setup("circle")
    hand.wait(HINT_S + 0.05)
    assert scene.hint is None
    hand.wait(HINT_REPEAT_S - 0.2)
    assert scene.hint is None
    hand.wait(0.3)
    assert scene.hint is not None and scene.trial_no == 1  # again, gently; nothing finished
    hand.wait(HINT_S + HINT_REPEAT_S + 0.2)
    assert scene.hint is not None and scene.trial_no == 1  # and again: never stuck, never ended


def test_a_touch_stops_the_hint_and_draws_as_usual(setup) -> None:
    app, rec, scene, hand = setup("vertical")
    hand.wait(0.5)
    assert scene.hint is not None
    x = scene.copy_box.centerx
    drawn = hand.drag([(x, scene.copy_box.top + 40), (x + 10, scene.copy_box.bottom - 40)],
                      speed=600)
    assert scene.hint is None
    hand.wait(COPY_IDLE_S - 0.5)
    assert scene.hint is None and scene.trial_no == 1  # no hint over a drawing, ever
    hand.wait(1.0)  # the copy finishes by itself
    assert scene.trial_no is None
    stored = rows(rec, schema.SAMPLES)
    assert [(float(r["x"]), float(r["y"]), r["phase"]) for r in stored] == [
        (s.x, s.y, s.phase) for s in drawn]
    (trial,) = rows(rec, schema.TRIALS)
    assert trial["completed"] == "1"
    # the copy's time is the drawing's own, not the hint's
    assert float(trial["duration_ms"]) == round((drawn[-1].t_ns - drawn[0].t_ns) / 1e6, 4)


def test_the_eye_replays_the_hint_and_restarts_a_started_copy(setup) -> None:
    app, rec, scene, hand = setup("cross")
    hand.wait(HINT_S + 0.1)
    assert scene.hint is None
    hand.tap(scene.watch_button.rect.center)
    assert scene.hint is not None and scene.trial_no == 1 and scene.samples == []
    x, y = scene.copy_box.center
    hand.drag([(x, y - 100), (x, y + 100)], speed=600)
    hand.tap(scene.watch_button.rect.center)  # after drawing: the copy starts afresh
    assert scene.trial_no == 2 and scene.samples == [] and scene.hint is not None
    (first,) = rows(rec, schema.TRIALS)
    assert (first["trial"], first["completed"]) == ("1", "0")


def test_reduce_motion_hint_stands_still_then_goes(setup) -> None:
    calm = Settings(sound_on=False, reduce_motion=True)
    app, rec, scene, hand = setup("triangle", settings=calm)
    hand.wait(0.3)
    first = pygame.image.tobytes(app.screen, "RGB")
    assert scene.hint is not None
    hand.wait(1.5)
    assert pygame.image.tobytes(app.screen, "RGB") == first
    hand.wait(HINT_S)
    assert scene.hint is None
    assert pygame.image.tobytes(app.screen, "RGB") != first


@pytest.mark.parametrize("left", [False, True])
def test_the_ghost_hand_stays_inside_the_box_for_every_copy_shape(left) -> None:
    from games.tracing.glyphs import glyph, glyph_ids

    for gid in [g for g in glyph_ids() if glyph(g).copy_rule]:
        app = make_test_app(settings=Settings(sound_on=False, left_handed=left))
        scene = TracingScene(CHILD, plan=[Step(gid, "copy", 0)])
        app.stack.push(scene)
        hand = ScriptedHand(app)
        hand.wait(HINT_DRAW_S * 0.6)
        during = app.screen.copy()
        hand.wait(HINT_S)
        changed = changed_pixels(during, app.screen)
        assert changed is not None and scene.hint_rect().contains(changed), gid
