"""Quality shown gently (issue 13 point 6): one to three stars from a trial's stored accuracy.

:func:`games.kit.stars.stars_for` is pure (no pygame) and its thresholds are exact on the
accuracy as ``trials.csv`` stores it (4 decimals). Through the real input code, a 0.67-accuracy
zigzag and a near-perfect line finish with 1 and 3 stars, and their rewards look different on
screen; a finished trial never shows zero stars.
"""

from __future__ import annotations

import math
import os

import pygame
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from engine import ui  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.kit.reward import quality_star_spots, star_points  # noqa: E402
from games.kit.stars import THREE_STARS_AT, TWO_STARS_AT, stars_for  # noqa: E402
from games.tracing.lesson import Step  # noqa: E402
from games.tracing.scene import TracingScene  # noqa: E402


@pytest.mark.parametrize(("accuracy", "stars"), [
    (1.0, 3), (0.9, 3), (0.90004, 3), (0.89996, 3),  # 0.89996 is stored as 0.9000
    (0.89994, 2), (0.8999, 2), (0.8, 2), (0.7, 2), (0.69996, 2),
    (0.69994, 1), (0.6999, 1), (0.67, 1), (0.3, 1), (0.0, 1),
    (None, 1), (math.nan, 1),
])
def test_stars_for_exact_thresholds(accuracy, stars) -> None:
    assert stars_for(accuracy) == stars


def test_thresholds_are_the_documented_ones() -> None:
    assert (TWO_STARS_AT, THREE_STARS_AT) == (0.70, 0.90)
    assert stars_for(0.5, two_at=0.5, three_at=0.6) == 2
    with open("docs/therapist-guide.md", encoding="utf-8") as f:
        guide = f.read()
    assert "0.90 or more: three stars" in guide and "0.70 to 0.8999: two stars" in guide


def zigzag(scene: TracingScene, amp: float) -> list[tuple[float, float]]:
    """A zigzag along the horizontal line, ``amp`` px either side, a corner every 40 px."""
    (x0, y0), (x1, _) = scene.model[0][0], scene.model[0][-1]
    pts, x, s = [(float(x0), float(y0))], float(x0), 1
    while x < x1:
        x = min(float(x1), x + 40.0)
        pts.append((x, y0 + s * amp if x < x1 else float(y0)))
        s = -s
    return pts


def play(amp: float, reduce_motion: bool = False):
    app = make_test_app(settings=Settings(sound_on=False, reduce_motion=reduce_motion))
    scene = TracingScene("c" * 32, plan=[Step("horizontal", "trace", 0)], use_staircase=False)
    app.stack.push(scene)
    hand = ScriptedHand(app)
    hand.drag(zigzag(scene, amp), speed=500)
    return app, scene, hand


def yellow_pixels(surface: pygame.Surface, rect: pygame.Rect | None = None) -> int:
    """How many pixels of ``rect`` (default: the frame), every second one each way, are the
    reward stars' yellow."""
    r = rect or surface.get_rect()
    return sum(1 for x in range(r.left, r.right, 2) for y in range(r.top, r.bottom, 2)
               if tuple(surface.get_at((x, y)))[:3] == ui.YELLOW)


def test_a_zigzag_and_a_near_perfect_line_look_different() -> None:
    app_z, zig, hand_z = play(72.0)
    app_l, line, hand_l = play(2.0)
    assert round(zig.results[0].accuracy, 4) == 0.6723
    assert round(line.results[0].accuracy, 4) == 1.0
    assert (zig.reward_stars, line.reward_stars) == (1, 3)
    # a second into the reward every star has popped in: one big star against three
    hand_z.wait(1.0)
    hand_l.wait(1.0)
    assert zig.reward_t is not None and line.reward_t is not None
    spots_z = quality_star_spots(zig.reward_center(), 1)
    spots_l = quality_star_spots(line.reward_center(), 3)
    assert len(spots_z) == 1 and len(spots_l) == 3
    for (x, y, _r), app in [(s, app_l) for s in spots_l] + [(s, app_z) for s in spots_z]:
        assert tuple(app.screen.get_at((round(x), round(y))))[:3] == ui.YELLOW
    # where the one-star reward has no star the three-star one has its outer stars
    # the rewards alone (each scene's own overlay drawn on a blank sheet: the trail is
    # coloured too): three big stars against one
    sheets = []
    for scene in (zig, line):
        sheet = pygame.Surface(ui.LOGICAL_SIZE)
        sheet.fill(ui.WHITE)
        scene.draw_overlay(sheet)
        sheets.append(sheet)
    lx, ly, _ = spots_l[0]
    box = pygame.Rect(round(lx) - 25, round(ly) - 25, 50, 50)
    assert yellow_pixels(sheets[1], box) == 625  # the whole middle of a big star
    assert yellow_pixels(sheets[0], box) < 200  # at most a small flying star passing
    assert yellow_pixels(sheets[1]) > 2 * yellow_pixels(sheets[0])


def test_reduce_motion_shows_the_same_stars_standing_still() -> None:
    app, scene, hand = play(2.0, reduce_motion=True)
    assert scene.reward_stars == 3
    hand.step()
    first = pygame.image.tobytes(app.screen, "RGB")
    for x, y, _r in quality_star_spots(scene.reward_center(), 3):
        assert tuple(app.screen.get_at((round(x), round(y))))[:3] == ui.YELLOW
    hand.wait(0.5)
    assert scene.reward_t is not None
    assert pygame.image.tobytes(app.screen, "RGB") == first  # nothing moves


def test_the_star_points_helper_is_unchanged() -> None:
    pts = star_points(0.0, 0.0, 10.0)
    assert len(pts) == 10 and pts[0] == pytest.approx((0.0, -10.0))
