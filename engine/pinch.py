"""Pinch (tweezer grip) detection from pointer samples: pure logic, no pygame.

Two fingers (touch) make a grip only when they **start apart and close**: the pair is *armed*
once its gap is at least ``grip_distance`` logical px, and an armed pair that closes below
``grip_distance`` grips. Fingers that land already closer than that (a fist, two fingers put
down together) grip nothing: the detector says ``miss`` once, a failed attempt, and the pair
must open before it can grip. This is the rule children's pinch apps use so that a pinch
"registers" only as a real pinch.

The held object follows the fingers' midpoint. It is released when they open past
``release_distance`` (larger: hysteresis) **and stay open** for ``release_debounce_ms``, so a
trembling grip does not drop it; the release is dated and placed where the opening began.
Lifting a finger of the pair releases at once, where the object is. A pending opening is
confirmed by the next sample or by :meth:`PinchDetector.poll` (called once a frame), and both
give the same events, so a recorded sample stream replayed through :meth:`feed_all` gives
exactly the events the live game saw.

The first two fingers down are the pinch pair; further fingers are ignored until one of the
pair lifts. A mouse or pen has one point: holding the button is the grip (aperture 0), letting
go releases (no debounce: a button does not tremble). With ``one_finger_grip`` a single finger
also grips while down (for children who cannot pinch yet).

We do not use SDL's MULTIGESTURE events: they report relative rotation and zoom, not the two
positions, and need a tracked pair anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from engine.pointer import PointerSample

PinchKind = Literal["grip", "move", "release", "miss"]

DEFAULT_GRIP_DISTANCE = 100.0
DEFAULT_RELEASE_DISTANCE = 140.0
DEFAULT_RELEASE_DEBOUNCE_MS = 80.0


@dataclass(frozen=True, slots=True)
class PinchEvent:
    """A change of the pinch: ``grip`` (closed), ``move`` (held and moved), ``release``, or
    ``miss`` (two fingers landed already closed: a failed attempt that grips nothing).

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
        grip_distance: float = DEFAULT_GRIP_DISTANCE,
        release_distance: float = DEFAULT_RELEASE_DISTANCE,
        one_finger_grip: bool = False,
        release_debounce_ms: float = DEFAULT_RELEASE_DEBOUNCE_MS,
    ) -> None:
        if not 0 < grip_distance <= release_distance:
            raise ValueError(
                f"need 0 < grip_distance <= release_distance, got {grip_distance} and "
                f"{release_distance}"
            )
        if not release_debounce_ms >= 0:
            raise ValueError(f"release_debounce_ms must be 0 or more, got {release_debounce_ms}")
        self.grip_distance = float(grip_distance)
        self.release_distance = float(release_distance)
        self.one_finger_grip = one_finger_grip
        self.debounce_ns = int(round(release_debounce_ms * 1e6))
        self.reset()

    def reset(self) -> None:
        """Forget every pointer and any grip (no release event)."""
        self._touches: dict[int, tuple[float, float]] = {}  # pointer id -> position, down order
        self._single: tuple[float, float] | None = None  # mouse/pen position while held
        self.gripping = False
        self.centre: tuple[float, float] | None = None
        self.aperture: float | None = None
        self._mode: Literal["touch", "single", None] = None
        self._armed = False  # the pair has been apart since it formed (or since its last grip)
        self._pair: tuple[int, int] | None = None
        self._opening: PinchEvent | None = None  # where and when an opening began (pending)

    @property
    def points(self) -> list[tuple[float, float]]:
        """Where the pointers that can pinch are now: the pair's fingers (the first two down),
        or the mouse/pen while held (for drawing finger rings)."""
        if self._single is not None:
            return [self._single]
        return [self._touches[i] for i in self._pair_ids()]

    # -- feeding --------------------------------------------------------------------------------

    def feed(self, sample: PointerSample) -> list[PinchEvent]:
        """Take one sample; return the pinch events it causes (usually none or one)."""
        out = self.poll(sample.t_ns)
        if sample.source == "touch":
            out.extend(self._feed_touch(sample))
        else:
            out.extend(self._feed_single(sample))
        return out

    def feed_all(self, samples: list[PointerSample]) -> list[PinchEvent]:
        """Feed samples in order; return every event."""
        out: list[PinchEvent] = []
        for s in samples:
            out.extend(self.feed(s))
        return out

    def poll(self, t_ns: int) -> list[PinchEvent]:
        """Confirm an opening that has lasted the debounce by ``t_ns``: the ``release`` (dated
        and placed where the opening began), or nothing. Call it once a frame."""
        opening = self._opening
        if opening is None or t_ns - opening.t_ns < self.debounce_ns:
            return []
        self._opening = None
        return self._release(opening.t_ns, opening.x, opening.y, opening.aperture)

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
            self._pair, self._armed = None, False  # whatever pair forms next starts afresh
            if self.gripping:
                # Lifting a finger of the pair lets go where the object is now (or where a
                # pending opening began).
                opening, self._opening = self._opening, None
                if opening is not None:
                    return self._release(opening.t_ns, opening.x, opening.y, opening.aperture)
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
            dx, dy = bx - ax, by - ay
            gap = math.sqrt(dx * dx + dy * dy)  # the same rounding as the numpy replay
            cx, cy = (ax + bx) / 2, (ay + by) / 2
            pair = (ids[0], ids[1])
            if pair != self._pair:
                # A new pair forms: it must show it started apart before it can grip.
                self._pair = pair
                self._armed = gap >= self.grip_distance
                if not self.gripping and not self._armed:
                    self.centre, self.aperture = (cx, cy), gap
                    return [PinchEvent("miss", t_ns, cx, cy, gap)]
        elif len(ids) == 1 and self.one_finger_grip:
            (cx, cy), gap = self._touches[ids[0]], 0.0
            self._pair, self._armed = None, True
        else:
            self._pair, self._armed = None, False
            if self.gripping:
                cx, cy = self.centre if self.centre else (0.0, 0.0)
                return self._release(t_ns, cx, cy, self.aperture or 0.0)
            self.centre, self.aperture = None, None
            return []
        if not self.gripping:
            self.centre, self.aperture = (cx, cy), gap
            if gap >= self.grip_distance:
                self._armed = True
            elif self._armed:
                return self._grip(t_ns, cx, cy, gap, "touch")
            return []
        if gap > self.release_distance:
            if self._opening is None:
                self._opening = PinchEvent("release", t_ns, cx, cy, gap)
            if self.debounce_ns == 0:
                return self.poll(t_ns)
        else:
            self._opening = None  # closed again within the debounce: a tremble, not a release
        return self._move(t_ns, cx, cy, gap)

    # -- state changes --------------------------------------------------------------------------

    def _grip(self, t: int, x: float, y: float, gap: float, mode: str) -> list[PinchEvent]:
        self.gripping = True
        self._mode = mode  # type: ignore[assignment]
        self._opening = None
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("grip", t, x, y, gap)]

    def _move(self, t: int, x: float, y: float, gap: float) -> list[PinchEvent]:
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("move", t, x, y, gap)]

    def _release(self, t: int, x: float, y: float, gap: float) -> list[PinchEvent]:
        self.gripping = False
        self._mode = None
        self._opening = None
        self.centre, self.aperture = (x, y), gap
        return [PinchEvent("release", t, x, y, gap)]
