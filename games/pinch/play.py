"""The state of a board while it is played: pure numpy, no pygame.

:class:`BoardPlay` applies grips, releases and misses to a :class:`games.pinch.board.Board`
(which objects are home, held, lying where they fell, or placed; how full each target is; the
error counters). The scene drives it live from the pinch detector's events and the scoring
drives it from the replayed samples, so what the child saw and what is scored follow one set of
rules (those of :mod:`games.pinch.board`).
"""

from __future__ import annotations

import math

import numpy as np

from games.pinch.board import Board, landing_target, pick


class BoardPlay:
    """One board in play. Times are ms on the samples' clock; ``shown_ms`` is when it appeared.

    In assisted play (tap an object, then tap a target) a second :meth:`grip` while an object is
    selected is its release (see :meth:`tap`).
    """

    def __init__(self, board: Board, shown_ms: float, assisted: bool = False) -> None:
        self.board = board
        self.assisted = assisted
        self.shown_ms = shown_ms
        objs = board.object_array()
        self.start = objs[:, :2].copy()
        self.pos = objs[:, :2].copy()
        self.radii = objs[:, 2]
        self.colour = objs[:, 3].astype(int)
        self.moving = (objs[:, 4] != 0) | (objs[:, 5] != 0)
        self.home = np.ones(len(objs), bool)  # never gripped yet: still drifting
        self.free = np.ones(len(objs), bool)  # not placed
        self.targets = board.target_array()
        self.used = np.zeros(len(self.targets))
        self.decoys = board.decoy_array()
        self.first_right = np.zeros(len(objs), bool)
        self.released_once = np.zeros(len(objs), bool)
        self.gripped = np.zeros(len(objs), int)
        self.drops = self.wrong = self.failed = self.decoy_grips = self.regrasps = 0
        self.hand_free_ms = shown_ms
        self.held = -1  # the object held, or -1
        self.t_grip = math.nan
        self.grip_xy = (math.nan, math.nan)

    @property
    def done(self) -> bool:
        """Every object is placed."""
        return bool(len(self.free)) and not self.free.any()

    def positions(self, t_ms: float) -> np.ndarray:
        """Where the objects are at ``t_ms`` (moving ones drift while at home)."""
        pos = self.pos.copy()
        for i in np.flatnonzero(self.moving & self.home).tolist():
            pos[i] = self.board.drift(i, (t_ms - self.shown_ms) / 1000.0)
        return pos

    def miss(self) -> None:
        """Two fingers landed already closed: a failed grasp."""
        self.failed += 1

    def grip(self, x: float, y: float, t_ms: float) -> tuple[str, int]:
        """A grip at (x, y): what it takes (see :func:`games.pinch.board.pick`)."""
        now = self.positions(t_ms)
        kind, k = pick(x, y, now, self.radii, self.free, self.decoys)
        self.t_grip, self.grip_xy = t_ms, (x, y)
        if kind == "object":
            self.pos[k] = now[k]
            self.home[k] = False
            self.held = k
            if self.gripped[k]:
                self.regrasps += 1
            self.gripped[k] += 1
            return kind, k
        self.failed += 1
        if kind == "decoy":
            self.decoy_grips += 1
        return kind, k

    def release(self, x: float, y: float, t_ms: float) -> tuple[str, int]:
        """Let go at (x, y): ``(outcome, target)`` with outcome ``placed``, ``wrong`` or
        ``drop`` (target -1), or ``("none", -1)`` when nothing was held."""
        self.hand_free_ms = t_ms
        k = self.held
        if k < 0:
            return "none", -1
        self.held = -1
        j = landing_target(x, y, self.targets, self.used)
        if j >= 0 and self.takes(k)[j]:
            outcome = "placed"
            self.used[j] += 1
            self.free[k] = False
            # A carton cell or a hole holds its object in the middle; a cup where it fell.
            self.pos[k] = self.targets[j, :2] if self.targets[j, 4] == 1 else (x, y)
        elif j >= 0:
            outcome = "wrong"
            self.wrong += 1
            self.pos[k] = self.start[k]
        else:
            outcome = "drop"
            self.drops += 1
            self.pos[k] = (x, y)
        if not self.released_once[k]:
            self.released_once[k] = True
            self.first_right[k] = outcome == "placed"
        return outcome, j

    def tap(self, x: float, y: float, t_ms: float) -> tuple[str, int]:
        """Assisted play: a tap selects an object, or puts the selected one there."""
        if self.held >= 0:
            return self.release(x, y, t_ms)
        return self.grip(x, y, t_ms)

    def takes(self, k: int) -> np.ndarray:
        """Which targets take object ``k``'s colour."""
        tg = self.targets
        return (tg[:, 3] < 0) | (tg[:, 3] == self.colour[k])

    def release_error(self, k: int, x: float, y: float) -> float:
        """Distance from (x, y) to the nearest target centre that takes object ``k``."""
        takes = self.takes(k)
        if not takes.any():
            return math.nan
        tg = self.targets[takes]
        return float(np.min(np.hypot(tg[:, 0] - x, tg[:, 1] - y)))
