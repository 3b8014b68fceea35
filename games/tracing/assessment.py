"""Tracing's fixed assessment protocol: the same six pre-writing shapes, traced once each at
one level, every time.

The shapes are the pre-writing sequence children learn them in (vertical, horizontal, circle,
cross, square, triangle), each traced on its road once (``trace`` mode: no dot-to-dot, no
fading guide, no copy), all at level :data:`LEVEL` whatever the child's staircase says, and
scored leniently (the strict setting is off: the stored ``strict`` metric row says so), so two
assessments months apart measure the same task. Nothing adapts: the child's tracing progress
file is neither read nor written. As in play, each shape is demonstrated once ("watch me")
before its try, the same way every time; nothing of the demo is recorded.
"""

from __future__ import annotations

from typing import Any

from games.tracing.lesson import Step
from games.tracing.scene import TracingScene

LEVEL = 3  # the middle of the six road widths: no floor or ceiling for most 3- to 7-year-olds
SHAPES = ("vertical", "horizontal", "circle", "cross", "square", "triangle")
STEPS: tuple[tuple[str, int, str], ...] = tuple((s, LEVEL, "trace") for s in SHAPES)


class AssessmentScene(TracingScene):
    """The tracing scene playing :data:`STEPS` with no staircase, no progress file and
    lenient scoring (module docstring)."""

    @property
    def strict(self) -> bool:
        """Always lenient: the child's strict setting does not change an assessment."""
        return False


def make_assessment(app: Any, child_id: str) -> AssessmentScene:
    """The assessment scene for ``child_id`` (the Activity's ``assessment`` hook)."""
    plan = [Step(item, mode, 0) for item, _level, mode in STEPS]
    return AssessmentScene(child_id, plan=plan, start_level=LEVEL, progress_path=None,
                           use_staircase=False, watch_first=True)
