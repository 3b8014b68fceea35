"""Tracing activity: strokes, shapes, digits and letters along a path.

``ACTIVITY`` is what the registry lists; its scene is the set picker (``sets.py``), which starts
the tracing scene (``scene.py``) for the set the child taps. Importing this package stays light
(no scene, no numpy scoring): those modules are imported only when a scene is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from games.registry import Activity

if TYPE_CHECKING:
    from pathlib import Path

    import pygame

    from engine.scene import Scene
    from games.kit.demo import SimTrial
    from games.kit.rescore import Figures, StoredTrial

LEVELS = 6


def _draw_icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A road curving across the tile with the beetle on it."""
    import math

    import pygame

    from engine import ui
    from games.tracing.draw import draw_beetle

    w, h = rect.w, rect.h
    # A brush of discs along a dense curve: pygame's thick lines thin out on diagonals and
    # notch at bends, which looks broken at tile size.
    n = 160
    pts = [
        (rect.x + w * (0.1 + 0.8 * i / n), rect.y + h * (0.6 + 0.2 * math.sin(i * 2 * math.pi / n)))
        for i in range(n + 1)
    ]
    for colour, radius in (((196, 180, 150), max(3, w // 14)), ((236, 226, 200), max(2, w // 18))):
        for p in pts:
            pygame.draw.circle(surface, colour, p, radius)
    pygame.draw.lines(surface, ui.WHITE, False, pts, 2)
    beetle = pygame.Rect(0, 0, w // 2, h // 2)
    beetle.center = (rect.x + int(w * 0.35), rect.y + int(h * 0.38))
    draw_beetle(surface, beetle)


def _make_scene(app: Any, child_id: str, level: int) -> Scene:
    """The tracing set picker for ``child_id`` (shapes, digits, capitals, small letters); the
    set tapped plays from the child's first model not mastered yet, new models starting at
    ``level``. Progress is kept in ``<data>/children/<child_id>/tracing.json`` when the data
    folder is known (see ``games/tracing/sets.py``)."""
    from games.kit.progress import data_dir_of
    from games.tracing.sets import SetPickerScene
    from games.tracing.staircase import progress_path

    data = data_dir_of(app)
    path = progress_path(data, child_id) if data is not None else None
    return SetPickerScene(child_id, start_level=level, progress_path=path)


def _assessment(app: Any, child_id: str) -> Scene:
    """The fixed assessment protocol's scene (``games/tracing/assessment.py``)."""
    from games.tracing.assessment import make_assessment

    return make_assessment(app, child_id)


# The protocol as data (``assessment.STEPS``, kept here so importing the package stays light;
# a test checks they agree): (shape, level, mode) per trial.
ASSESSMENT_STEPS: tuple[tuple[str, int, str], ...] = tuple(
    (s, 3, "trace") for s in ("vertical", "horizontal", "circle", "cross", "square", "triangle"))


def _items() -> list[str]:
    """Every model a level can be pinned for, in teaching order."""
    from games.tracing.glyphs import glyph_ids

    return glyph_ids()


def _read_levels(data_dir: Path, child_id: str) -> dict[str, tuple[int, bool]]:
    """``{shape: (level to play next, pinned)}`` for the shapes the child played or that a
    grown-up pinned (``"*"``: a pin for every shape)."""
    from games.tracing.staircase import load_progress, progress_path

    progress = load_progress(progress_path(data_dir, child_id))
    shapes = sorted(set(progress.shapes) | set(progress.pinned))
    return {s: (progress.current_level(s), progress.is_pinned(s)) for s in shapes}


def _pin_level(data_dir: Path, child_id: str, shape: str, number: int | None) -> Path:
    """Pin (None: unpin) the child's tracing level for ``shape`` or ``"*"``."""
    from games.tracing.staircase import pin_level

    return pin_level(data_dir, child_id, shape, number)


def _item_label(item: str) -> str:
    """People's name for a model id: ``diag_left`` → "diag left"."""
    return item.replace("_", " ")


def _report_sections() -> list[Any]:
    """Tracing's report sections: strokes, then the pre-writing milestones."""
    from games.tracing.report import report_sections

    return report_sections()


def _simulate(trial: SimTrial) -> None:
    """One made-up tracing trial for ``finemotor demo-data`` (``games/tracing/demo.py``)."""
    from games.tracing.demo import simulate

    simulate(trial)


def _rescore(trial: StoredTrial) -> Figures:
    """A stored tracing trial's figures from its samples and targets (``figures.py``)."""
    from games.tracing.figures import rescore

    return rescore(trial)


ACTIVITY = Activity(
    id="tracing",
    title="Tracing",
    draw_icon=_draw_icon,
    levels=LEVELS,
    make_scene=_make_scene,
    items=_items,
    read_levels=_read_levels,
    pin_level=_pin_level,
    item_label=_item_label,
    report_sections=_report_sections,
    simulate=_simulate,
    rescore=_rescore,
    assessment_steps=ASSESSMENT_STEPS,
    assessment=_assessment,
    goal_metrics={
        "coverage": ("%", 0.0, 100.0),
        "exits": ("count", 0.0, 1000.0),
        "mean_deviation": ("px", 0.0, 1000.0),
        "completion_time": ("ms", 0.0, 600_000.0),
        "pen_lifts": ("count", 0.0, 100.0),
        "start_errors": ("count", 0.0, 100.0),
        "direction_errors": ("count", 0.0, 100.0),
        "order_errors": ("count", 0.0, 100.0),
        "mean_speed": ("px/s", 0.0, 10_000.0),
        "velocity_peaks_per_stroke": ("count", 0.0, 1000.0),
        "sparc": ("", -100.0, 0.0),
    },
    home_tips=(
        "Point to the green start dot first: every shape starts there and follows the arrows.",
        "Use one finger (or a chunky stylus) of the writing hand; the other hand holds the "
        "screen steady.",
        "Go slowly: staying on the road matters more than being fast.",
    ),
)
