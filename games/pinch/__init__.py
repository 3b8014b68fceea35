"""Pinch activity: carry small objects into cups with a tweezer-style two-finger pinch.

``ACTIVITY`` is what the registry lists. Importing this package stays light (no scene, no numpy
scoring): the scene, levels and scoring modules are imported only when a scene is made.
Progress (the child's level on one staircase, item ``board``) is kept in
``<data>/children/<child_id>/pinch.json`` by the kit's progress file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from games.kit.progress import ProgressFile
from games.kit.staircase import accuracy_at_least
from games.registry import Activity

if TYPE_CHECKING:
    import pygame

    from engine.scene import Scene

LEVELS = 12  # len(games.pinch.levels.LEVELS), kept here so importing stays light (tested)
ITEMS = ("board",)
# A board counts as a success when it is finished with at least 80 % of the objects placed by
# their first release (so at most one slip in five).
PROGRESS = ProgressFile("pinch", n_levels=LEVELS, success_rule=accuracy_at_least(0.8))


def _draw_icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A blue cup with a strawberry above it, two finger rings pinching it."""
    import pygame

    from games.kit.pictures import picture

    w, h = rect.w, rect.h
    cup = (rect.x + int(w * 0.6), rect.y + int(h * 0.66))
    r = int(min(w, h) * 0.28)
    pygame.draw.circle(surface, (70, 110, 170), (cup[0], cup[1] + 4), r)
    pygame.draw.circle(surface, (120, 170, 220), cup, r)
    pygame.draw.circle(surface, (170, 210, 250), cup, int(r * 0.75))
    size = int(min(w, h) * 0.42)
    berry = picture("1F353", (size, size))
    centre = (rect.x + int(w * 0.32), rect.y + int(h * 0.34))
    surface.blit(berry, berry.get_rect(center=centre))
    for dx in (-1, 1):
        pygame.draw.circle(surface, (255, 255, 255),
                           (centre[0] + dx * int(size * 0.62), centre[1]), max(3, w // 16), 3)


def _make_scene(app: Any, child_id: str, level: int) -> Scene:
    """The pinch boards for ``child_id``: the child's staircase level (a pin honoured), new
    children starting at ``level``; progress is saved when the data folder is known."""
    from games.pinch.scene import PinchScene

    return PinchScene(child_id, start_level=level, progress=PROGRESS)


def _simulate(trial: Any) -> None:
    """One made-up board for ``finemotor demo-data`` (see ``games/pinch/demo.py``)."""
    from games.pinch.demo import simulate

    simulate(trial)


def _assessment(app: Any, child_id: str) -> Scene:
    """The fixed assessment protocol's scene (``games/pinch/assessment.py``)."""
    from games.pinch.assessment import make_assessment

    return make_assessment(app, child_id)


# The protocol as data (``assessment.STEPS``, here so importing the package stays light; a
# test checks they agree): a warm-up cup board at level 3, then the 9-hole board twice.
ASSESSMENT_STEPS: tuple[tuple[str, int, str], ...] = (
    ("cup", 3, "pinch"), ("holes", 7, "pinch"), ("holes", 7, "pinch"))


def _report_sections() -> list[Any]:
    """Pinch's report section (``games/pinch/report.py``)."""
    from games.pinch.report import report_sections

    return report_sections()


def _rescore(trial: Any) -> Any:
    """A stored board's figures computed again from disk (``games/pinch/rescore.py``)."""
    from games.pinch.rescore import rescore

    return rescore(trial)


def _items() -> list[str]:
    """Pinch has one ladder of levels: one item, ``board``."""
    return list(ITEMS)


def _label(item: str) -> str:
    return "pinch boards" if item == "board" else item


ACTIVITY = Activity(
    id="pinch",
    title="Pinch",
    draw_icon=_draw_icon,
    levels=LEVELS,
    make_scene=_make_scene,
    items=_items,
    item_label=_label,
    read_levels=PROGRESS.read_levels,
    pin_level=PROGRESS.pin_level,
    simulate=_simulate,
    report_sections=_report_sections,
    rescore=_rescore,
    assessment_steps=ASSESSMENT_STEPS,
    assessment=_assessment,
)
