"""Pinch (tweezer grip) detection from pointer samples: pure logic, no pygame.

Two fingers (touch) make a grip when they close below ``grip_distance`` logical px; the held
object follows their midpoint; opening them past ``release_distance`` (larger: hysteresis, so
a trembling grip does not flicker) or lifting either finger releases it. The first two fingers
down are the pinch pair; further fingers are ignored until one of the pair lifts.

A mouse or pen has one point: holding the button is the grip (aperture 0). With
``one_finger_grip`` a single finger also grips while down (for children who cannot pinch yet).

We do not use SDL's MULTIGESTURE events: they report relative rotation and zoom, not the two
positions, and need a tracked pair anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from engine.pointer import PointerSample

PinchKind = Literal["grip", "move", "release"]


@dataclass(frozen=True, slots=True)
class PinchEvent:
    """A change of the pinch: ``grip`` (closed), ``move`` (held and moved), ``release``.

    ``x, y`` is the grip centre in logical px and ``aperture`` the finger gap (0 for one point).
    """

    kind: PinchKind
    t_ns: int
    x: float
    y: float
    aperture: float


class PinchDetector:
    """Feeds on :class:`PointerSample`s (:meth:`feed`), tracks the grip, returns its events."""

    def __init__(
        self,
        grip_distance: float = 100.0,
        release_distance: float = 140.0,
        one_finger_grip: bool = False,
    ) -> None:
        if not 0 < grip_distance <= release_distance:
            raise ValueError(
                f"need 0 < grip_distance <= release_distance, got {grip_distance} and "
                f"{release_distance}"
            )
        self.grip_distance = float(grip_distance)
        self.release_distance = float(release_distance)
        self.one_finger_grip = one_finger_grip
        self.reset()

    def reset(self) -> None:
        """Forget every pointer and any grip (no release event)."""
        self._touches: dict[int, tuple[float, float]] = {}  # pointer id -> position, down order
        self._single: tuple[float, float] | None = None  # mouse/pen position while held
        self.gripping = False
        self.centre: tuple[float, float] | None = None
        self.aperture: float | None = None
        self._mode: Literal["touch", "single", None] = None

    # -- feeding --------------------------------------------------------------------------------

    def feed(self, sample: PointerSample) -> list[PinchEvent]:
        """Take one sample; return the pinch events it causes (usually none or one)."""
        if sample.source == "touch":
            return self._feed_touch(sample)
        return self._feed_single(sample)

    def feed_all(self, samples: list[PointerSample]) -> list[PinchEvent]:
        """Feed samples in order; return every event."""
        out: list[PinchEvent] = []
        for s in samples:
            out.extend(self.feed(s))
        return out

    def _feed_single(self, s: PointerSample) -> list[PinchEvent]:
        if self._mode == "touch":
            return []  # a mouse while fingers grip: the fingers keep the object
        if s.phase == "down":
            self._single = (s.x, s.y)
            return self._grip(s.t_ns, s.x, s.y, 0.0, "single")
        if self._single is None:
            return []
        if s.phase == "move":
            self._single = (s.x, s.y)
            return self._move(s.t_ns, s.x, s.y, 0.0)
        self._single = None
        return self._release(s.t_ns, s.x, s.y, 0.0)

    def _feed_touch(self, s: PointerSample) -> list[PinchEvent]:
        if self._mode == "single":
            return []
        if s.phase == "up":
            pair_before = self._pair_ids()
            self._touches.pop(s.pointer_id, None)
            if s.pointer_id not in pair_before:
                return []  # the pair is unchanged
            if self.gripping:
                # Lifting a finger of the pair lets go where the object is now.
                cx, cy = self.centre if self.centre else (s.x, s.y)
                return self._release(s.t_ns, cx, cy, self.aperture or 0.0)
            return self._evaluate(s.t_ns)
        self._touches[s.pointer_id] = (s.x, s.y)
        if s.pointer_id not in self._pair_ids():
            return []  # a third finger: ignored until one of the pair lifts
        return self._evaluate(s.t_ns)

    def _pair_ids(self) -> list[int]:
        return list(self._touches)[:2]

    def _evaluate(self, t_ns: int) -> list[PinchEvent]:
        ids = self._pair_ids()
        if len(ids) == 2:
            (ax, ay), (bx, by) = self._touches[ids[0]], self._touches[ids[1]]
            gap = math.hypot(bx - ax, by - ay)
            cx, cy = (ax + bx) / 2, (ay + by) / 2
        elif len(ids) == 1 and self.one_finger_grip:
            (cx, cy), gap = self._touches[ids[0]], 0.0
        else:
            if self.gripping:
                cx, cy = self.centre if self.centre else (0.0, 0.0)
                return self._release(t_ns, cx, cy, self.aperture or 0.0)
            self.centre, self.aperture = None, None
            return []
        if not self.gripping:
            self.centre, self.aperture = (cx, cy), gap
            if gap < self.grip_distance:
                return self._grip(t_ns, cx, cy, gap, "touch")
            return []
        if gap > self.release_distance:
            return self._release(t_ns, cx, cy, gap)
        return self._move(t_ns, cx, cy, gap)

    # -- state changes --------------------------------------------------------------------------

    def _grip(self, t: int, x: float, y: float, gap: float, mode: str) -> list[PinchEvent]:
        self.gripping = True
        self._mode = mode  # type: ignore[assignment]
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("grip", t, x, y, gap)]

    def _move(self, t: int, x: float, y: float, gap: float) -> list[PinchEvent]:
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("move", t, x, y, gap)]

    def _release(self, t: int, x: float, y: float, gap: float) -> list[PinchEvent]:
        self.gripping = False
        self._mode = None
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("release", t, x, y, gap)]
