"""Sequencing activity: put the picture cards of a daily routine in order.

``ACTIVITY`` is what the registry lists. Importing this package stays light (no pygame scene,
no numpy): the hooks import their modules when called. The level adapts per child on one
staircase for every routine (item ``routines``), kept in ``<data>/children/<id>/
sequencing.json`` and pinnable with ``finemotor level ID LEVEL --activity sequencing``; the
routines, the prompting and drag or tap-then-tap are the child's sequencing settings
(``finemotor routines choose``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from games.kit.activity import Activity
from games.kit.progress import ProgressFile, data_dir_of

if TYPE_CHECKING:
    import pygame

    from engine.scene import Scene

ITEM = "routines"
N_LEVELS = 8  # games/sequencing/levels.py LEVELS (a test checks they agree)
PROGRESS = ProgressFile("sequencing", n_levels=N_LEVELS)


def _draw_icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """Three picture cards of a routine in a row (toothbrush, tooth, smile), an arrow under."""
    import pygame

    from engine import ui
    from games.kit.pictures import picture

    w = round(rect.w * 0.28)
    for i, code in enumerate(("1FAA5", "1F9B7", "1F601")):
        card = pygame.Rect(0, 0, w, w)
        card.center = (round(rect.x + rect.w * (0.2 + 0.3 * i)), round(rect.y + rect.h * 0.42))
        radius = max(3, rect.w // 30)
        pygame.draw.rect(surface, ui.WHITE, card, border_radius=radius)
        pygame.draw.rect(surface, ui.GREY, card, max(2, rect.w // 60), border_radius=radius)
        pic = picture(code, round(w * 0.78))
        surface.blit(pic, pic.get_rect(center=card.center))
    y = rect.y + rect.h * 0.8
    pygame.draw.line(surface, ui.INK, (rect.x + rect.w * 0.15, y), (rect.x + rect.w * 0.8, y),
                     max(3, rect.w // 30))
    tip = rect.x + rect.w * 0.88
    pygame.draw.polygon(surface, ui.INK, [(tip, y), (tip - rect.w * 0.1, y - rect.h * 0.07),
                                          (tip - rect.w * 0.1, y + rect.h * 0.07)])


def _make_scene(app: Any, child_id: str, level: int) -> Scene:
    """The sequencing scene for the child's routines, prompting and input, at the child's
    level (``level`` for a child who has not played yet); each trial moves the staircase."""
    from games.sequencing import custom
    from games.sequencing.scene import Options, SequencingScene

    data = data_dir_of(app)
    settings = custom.child_settings(data, child_id) if data is not None else {}
    base = custom.routines_dir(data) if data is not None else None

    def save(chosen: dict[str, object]) -> None:
        assert data is not None
        custom.update_child_settings(data, child_id, **chosen)

    options = Options(
        custom.routines_for_child(data, child_id),
        prompting=str(settings.get("prompting", "after-error")),
        tap=settings.get("input") == "tap",
        folder_of=lambda r: base / r.id if r.custom and base is not None else None,
        choices=custom.all_routines(data),
        save=save if data is not None else None,
    )
    if data is None:
        return SequencingScene(child_id, options, level)
    path = PROGRESS.path(data, child_id)
    progress = PROGRESS.load(path)
    progress.start_level = max(1, min(N_LEVELS, level))
    start = progress.current_level(ITEM)

    def on_result(_lvl: Any, score: Any) -> int:
        def change(s: Any) -> int:
            s.start_level = progress.start_level
            return s.record(ITEM, bool(score.first_try))

        return int(PROGRESS.update(path, change))

    return SequencingScene(child_id, options, start, on_result=on_result)


def _items() -> list[str]:
    return [ITEM]


def _label(item: str) -> str:
    """People's name for an item: the staircase's item, or a built-in routine's title."""
    if item == ITEM:
        return "every routine"
    from games.sequencing.routines import BUILT_IN

    return next((r.title for r in BUILT_IN if r.id == item), item)


def _sections() -> list[Any]:
    from games.sequencing.report import sections

    return sections()


def _simulate(trial: Any) -> None:
    from games.sequencing.demo import simulate

    simulate(trial)


def _cli(subparsers: Any) -> None:
    from games.sequencing.cli import add_cli

    add_cli(subparsers)


def _rescore(trial: Any) -> Any:
    """A stored trial's figures from its samples and targets alone (the contract's check)."""
    from games.kit.rescore import Figures
    from games.sequencing.board import PROMPT_LEVEL
    from games.sequencing.record import read_targets, rescore

    if not trial.completed:
        return Figures(None, 0, [])  # an abandoned trial stores no figures
    t_s, x, y, phase = trial.samples
    # The scene records only the playing pointer's samples: one pointer, id 0 or a finger's.
    rows = [(round(float(t) * 1000.0, 4), float(a), float(b), 0, str(p))
            for t, a, b, p in zip(t_s, x, y, phase, strict=True)]
    names = {v: k for k, v in PROMPT_LEVEL.items()}
    prompting = names[int(trial.metric("prompt_level", "level") or 0)]
    slot_hint = int(trial.metric("slot_hint", "level") or 0)
    score, metrics, _ = rescore(read_targets(trial.targets), rows, tap=trial.mode == "tap",
                                prompting=prompting, slot_hint=slot_hint)
    return Figures(score.accuracy, score.errors, metrics)


ACTIVITY = Activity(
    id="sequencing",
    title="Sequencing",
    draw_icon=_draw_icon,
    levels=N_LEVELS,
    make_scene=_make_scene,
    items=_items,
    item_label=_label,
    read_levels=PROGRESS.read_levels,
    pin_level=PROGRESS.pin_level,
    report_sections=_sections,
    simulate=_simulate,
    rescore=_rescore,
    cli=_cli,
)
