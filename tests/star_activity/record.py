"""The star's target geometry, the one owner: where each star sits, written and read back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from star_activity import ITEMS, RADII

CENTRES = {"left": (320.0, 450.0), "middle": (640.0, 450.0), "right": (960.0, 450.0)}


def star_at(item: str, level: int) -> tuple[float, float, float]:
    """Centre x, y and radius of the star ``item`` at ``level``."""
    assert item in ITEMS
    return (*CENTRES[item], RADII[level - 1])


def write_targets(add: Callable[[str, int, Iterable[Any]], None],
                  star: tuple[float, float, float]) -> None:
    """One ``star`` target: its centre, then (radius, radius)."""
    x, y, r = star
    add("star", 0, [(x, y), (r, r)])


def read_targets(rows: Iterable[tuple[str, int, int, float, float]]) -> tuple[float, float, float]:
    """The star of a trial from its targets rows ``(kind, part, seq, x, y)``."""
    pts = sorted((seq, x, y) for kind, _, seq, x, y in rows if kind == "star")
    return pts[0][1], pts[0][2], pts[1][1]
