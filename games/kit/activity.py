"""The ``Activity`` contract: everything the product shell, the CLI, the report and the demo
need to know about one activity, as data and hooks.

An activity package (``games/<name>/__init__.py``) exposes ``ACTIVITY = Activity(...)`` and
stays light to import (no pygame scene, no numpy scoring at import time: hooks import their
modules when called). :mod:`games.registry` lists the packages and finds their ``ACTIVITY``.

Required: ``id`` (what telemetry stores in the ``activity`` column and ``--activity`` takes:
letters, digits, ``-``, ``_``), ``title``, ``draw_icon(surface, rect)`` (its tile picture, a
pure function of the rect: it is cached), ``levels`` (levels are ``1..levels``) and
``make_scene(app, child_id, level)`` (the scene the launcher pushes, inside its host).

Optional hooks (``None``: the activity does not have that part yet):

* ``items()``: the item ids a level can be pinned for (shapes, letters, routines...);
  ``item_label(item)``: how people call an item ("diag left", "capital B"; default: the id);
* ``read_levels(data_dir, child_id)`` -> ``{item: (level, pinned)}`` and
  ``pin_level(data_dir, child_id, item, level_or_None)``: the grown-up side of the per-child
  progress (``finemotor level``); build both from :class:`games.kit.progress.ProgressFile`;
* ``report_sections()``: the activity's sections of a child's report page (telemetry's
  ``ReportSection`` protocol), which ``finemotor report`` injects into the report;
* ``simulate(trial)``: play one made-up trial for ``finemotor demo-data``
  (:class:`games.kit.demo.SimTrial`);
* ``rescore(trial)``: a stored trial's figures re-computed from its samples and targets
  (:class:`games.kit.rescore.StoredTrial` -> :class:`~games.kit.rescore.Figures`): the
  contract test checks they equal the stored ones;
* ``cli(subparsers)``: add the activity's own ``finemotor`` subcommand.

Data for the therapy cycle (empty: nothing beyond the common parts):

* ``goal_metrics``: the activity's own figures a plan's goal can name (``metrics.csv``
  metric -> (unit, lowest, highest)), beside the common ``accuracy``, ``errors``,
  ``duration_s`` and ``level`` (``finemotor plan ... goal add`` refuses any other name);
* ``home_tips``: two or three plain-language tips for the parent's printed home programme
  (how to help with this activity);
* ``assessment_steps``: the activity's fixed assessment protocol as data, ``(item, level,
  mode)`` per trial in the order played (the same every time, so assessments months apart
  compare), and ``assessment(app, child_id)``: the scene that plays exactly those steps with
  no adaptation (no staircase or progress change, no fading hints, no extra prompting). The
  launcher records it as a session of mode ``assessment``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pygame

    from engine.scene import Scene
    from games.kit.demo import SimTrial
    from games.kit.rescore import Figures, StoredTrial



@dataclass(frozen=True)
class Activity:
    """One playable activity (see the module docstring for each field and hook)."""

    id: str
    title: str
    draw_icon: Callable[[pygame.Surface, pygame.Rect], None]
    levels: int
    make_scene: Callable[[Any, str, int], Scene]
    items: Callable[[], list[str]] | None = None
    read_levels: Callable[[Path, str], dict[str, tuple[int, bool]]] | None = None
    pin_level: Callable[[Path, str, str, int | None], Any] | None = None
    item_label: Callable[[str], str] | None = None
    report_sections: Callable[[], Sequence[Any]] | None = None
    simulate: Callable[[SimTrial], None] | None = None
    rescore: Callable[[StoredTrial], Figures] | None = None
    cli: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None
    goal_metrics: Mapping[str, tuple[str, float, float]] = field(
        default_factory=dict, hash=False, compare=False)
    home_tips: tuple[str, ...] = ()
    assessment_steps: tuple[tuple[str, int, str], ...] = ()
    assessment: Callable[[Any, str], Scene] | None = None

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"activity id must be letters, digits, '-' or '_', got {self.id!r}")
        if self.levels < 1:
            raise ValueError(f"activity {self.id!r} needs at least 1 level, got {self.levels}")

    def label(self, item: str) -> str:
        """People's name for ``item`` (the activity's ``item_label``, else the id itself)."""
        return self.item_label(item) if self.item_label is not None else item

    def sections(self) -> Sequence[Any]:
        """The activity's report sections (none when it has no ``report_sections`` hook)."""
        return tuple(self.report_sections()) if self.report_sections is not None else ()
