"""Tracing's lesson plans: which glyph is played in which mode, in which order (pure Python).

One tracing scene plays a *lesson plan*: for each glyph a few trials in the four modes, e.g.
trace the road twice, dot-to-dot once, then three trials whose guide fades, then (pre-writing
shapes) one freehand copy. The set picker (``sets.py``) builds the plan of a set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from games.tracing.glyphs import glyph

MODES = ("trace", "dots", "fade", "copy")


@dataclass(frozen=True)
class Step:
    """One trial of a lesson plan: which glyph, in which mode, and the repeat number."""

    glyph_id: str
    mode: str
    repeat: int = 0


def lesson_plan(glyph_ids_: Sequence[str], modes: Sequence[str] | None = None) -> list[Step]:
    """The default sequence for a list of glyphs: per glyph trace x2, dots, fade x3, copy.

    ``modes`` limits the plan to some modes (e.g. ``["copy"]``); copy is only planned for glyphs
    with a copy rule (the pre-writing shapes).
    """
    wanted = set(MODES if modes is None else modes)
    bad = wanted - set(MODES)
    if bad:
        raise ValueError(f"unknown tracing mode {sorted(bad)[0]!r}; expected one of {MODES}")
    plan: list[Step] = []
    for gid in glyph_ids_:
        g = glyph(gid)
        if "trace" in wanted:
            plan += [Step(gid, "trace", 0), Step(gid, "trace", 1)]
        if "dots" in wanted:
            plan.append(Step(gid, "dots", 0))
        if "fade" in wanted:
            plan += [Step(gid, "fade", r) for r in (1, 2, 3)]
        if "copy" in wanted and g.copy_rule:
            plan.append(Step(gid, "copy", 0))
    if not plan:
        raise ValueError("the lesson plan is empty (no glyph fits the modes asked for)")
    return plan
