"""The geometry of one pinch round (a *board*): objects, targets, decoys. Pure, no pygame.

Everything is in logical px (1280x800 space). The board is laid out by
:func:`games.pinch.levels.layout`, drawn by the scene, stored in targets.csv by
:mod:`games.pinch.record` and read back from there to re-score or redraw a round.

Rules that the scene and the scoring share, so they can never disagree:

* a *moving* object drifts at its constant velocity, bouncing inside ``bounds``, until it is
  first gripped; after that it lies where it was put (:meth:`Board.object_positions`);
* a grip takes the object whose centre is nearest to the grip centre, within its radius plus
  :data:`GRAB_SLACK` (children's errors cluster near the object), never a placed one; a decoy
  within reach is "gripped" instead and takes nothing (:func:`pick`);
* a release lands in the target whose centre is nearest, if within its radius and the target
  still has room (:func:`landing_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRAB_SLACK = 16.0  # px beyond an object's rim that still grips it
ANY_COLOUR = -1


@dataclass(frozen=True)
class Piece:
    """An object (or a decoy) at its start: centre, radius, colour index, velocity in px/s."""

    x: float
    y: float
    r: float
    colour: int = 0
    vx: float = 0.0
    vy: float = 0.0


@dataclass(frozen=True)
class Target:
    """A cup, bowl, carton cell or hole: centre, radius, the colour it takes (or any), room."""

    x: float
    y: float
    r: float
    colour: int = ANY_COLOUR
    capacity: int = 99

    def takes(self, colour: int) -> bool:
        """True if an object of ``colour`` belongs in this target."""
        return self.colour == ANY_COLOUR or self.colour == colour


@dataclass(frozen=True)
class Board:
    """One round's geometry. ``bounds`` (x0, y0, x1, y1) is where moving objects bounce."""

    objects: tuple[Piece, ...]
    targets: tuple[Target, ...]
    decoys: tuple[Piece, ...] = ()
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 1280.0, 800.0)

    def object_array(self) -> np.ndarray:
        """Objects as an (n, 6) float array: x, y, r, colour, vx, vy."""
        return _pieces_array(self.objects)

    def target_array(self) -> np.ndarray:
        """Targets as an (m, 5) float array: x, y, r, colour, capacity."""
        if not self.targets:
            return np.zeros((0, 5))
        return np.array([(t.x, t.y, t.r, t.colour, t.capacity) for t in self.targets], float)

    def decoy_array(self) -> np.ndarray:
        """Decoys as an (k, 6) float array like :meth:`object_array`."""
        return _pieces_array(self.decoys)

    def drift(self, i: int, seconds: float) -> tuple[float, float]:
        """Where object ``i`` is after drifting ``seconds`` from its start (bouncing)."""
        p = self.objects[i]
        if p.vx == 0 and p.vy == 0:
            return (p.x, p.y)
        x0, y0, x1, y1 = self.bounds
        return (
            _fold(p.x + p.vx * seconds, x0 + p.r, x1 - p.r),
            _fold(p.y + p.vy * seconds, y0 + p.r, y1 - p.r),
        )


def _pieces_array(pieces: tuple[Piece, ...]) -> np.ndarray:
    if not pieces:
        return np.zeros((0, 6))
    return np.array([(p.x, p.y, p.r, p.colour, p.vx, p.vy) for p in pieces], float)


def _fold(v: float, lo: float, hi: float) -> float:
    """``v`` reflected back and forth inside [lo, hi] (a bounce off both walls)."""
    span = hi - lo
    if span <= 0:
        return lo
    u = (v - lo) % (2 * span)
    return lo + (u if u <= span else 2 * span - u)


def pick(
    x: float, y: float, positions: np.ndarray, radii: np.ndarray, free: np.ndarray,
    decoys: np.ndarray,
) -> tuple[str, int]:
    """What a grip at (x, y) takes: ``("object", i)``, ``("decoy", k)`` or ``("none", -1)``.

    ``positions`` (n, 2) are the objects' centres now, ``free`` which may be taken (not placed).
    The nearest candidate within its radius + :data:`GRAB_SLACK` wins; an object beats a decoy
    at the same distance.
    """
    best, kind, index = np.inf, "none", -1
    if len(positions):
        d = np.hypot(positions[:, 0] - x, positions[:, 1] - y)
        ok = free & (d <= radii + GRAB_SLACK)
        if ok.any():
            i = int(np.argmin(np.where(ok, d, np.inf)))
            best, kind, index = float(d[i]), "object", i
    if len(decoys):
        d = np.hypot(decoys[:, 0] - x, decoys[:, 1] - y)
        ok = d <= decoys[:, 2] + GRAB_SLACK
        if ok.any():
            k = int(np.argmin(np.where(ok, d, np.inf)))
            if d[k] < best:
                kind, index = "decoy", k
    return kind, index


def landing_target(x: float, y: float, targets: np.ndarray, used: np.ndarray) -> int:
    """The target a release at (x, y) lands in (nearest centre, within its radius, with room),
    or -1. ``targets`` is :meth:`Board.target_array`, ``used`` the objects already in each."""
    if not len(targets):
        return -1
    d = np.hypot(targets[:, 0] - x, targets[:, 1] - y)
    ok = (d <= targets[:, 2]) & (used < targets[:, 4])
    if not ok.any():
        return -1
    return int(np.argmin(np.where(ok, d, np.inf)))
