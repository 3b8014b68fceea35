"""Tap the star: a test-only activity that proves the kit (tests/test_activity_contract.py).

A star shows at one of three places; the child taps it. Everything an activity needs, and
nothing else: this package is what a new activity costs when its play is this simple.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from games.kit.activity import Activity
from games.kit.progress import ProgressFile

if TYPE_CHECKING:
    import pygame

    from engine.scene import Scene

ITEMS = ("left", "middle", "right")
RADII = (120.0, 80.0, 50.0)  # the star's radius per level: smaller is harder
PROGRESS = ProgressFile("star", n_levels=len(RADII))


def _icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
    from engine import ui

    ui.draw_star(surface, rect, ui.YELLOW)


def _make_scene(app: Any, child_id: str, level: int) -> Scene:
    from star_activity.scene import StarScene

    return StarScene(child_id, level)


def _sections() -> list[Any]:
    from star_activity.report import StarSection

    return [StarSection()]


def _simulate(trial: Any) -> None:
    from star_activity.demo import simulate

    simulate(trial)


def _rescore(trial: Any) -> Any:
    from star_activity.score import rescore

    return rescore(trial)


ACTIVITY = Activity(
    id="star", title="Tap the star", draw_icon=_icon, levels=len(RADII),
    make_scene=_make_scene, items=lambda: list(ITEMS), item_label=lambda i: f"star {i}",
    read_levels=PROGRESS.read_levels, pin_level=PROGRESS.pin_level,
    report_sections=_sections, simulate=_simulate, rescore=_rescore,
)
