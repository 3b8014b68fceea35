"""Replaying a recorded pointer stream through the pinch rules, fast: pure numpy, no pygame.

:func:`replay` gives exactly the events :meth:`engine.pinch.PinchDetector.feed_all` gives for
the same samples (the tests check it on randomised streams), plus the grip centre after every
sample, so an activity re-scores a stored board from ``samples.csv`` without feeding the
detector sample by sample: one mouse or pen, or exactly two fingers, take a vectorised path
(150-625x faster, ``python -m benchmarks pinch``); anything else falls back to the detector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.pinch import PinchDetector, PinchEvent
from engine.pointer import PointerSample

PHASE_CODES = {"down": 0, "move": 1, "up": 2}
SOURCE_CODES = {"mouse": 0, "touch": 1, "pen": 2}
_FOREVER = 1 << 62


@dataclass(frozen=True)
class PinchTrack:
    """The pinch events of a recorded stream (``grip``, ``release``, ``miss``; no ``move``),
    each with the index of the sample it is dated at, and the grip centre after each sample
    (``cx, cy``; NaN where there is none), from which a carry's path is read."""

    events: list[PinchEvent]
    index: list[int]
    cx: np.ndarray
    cy: np.ndarray


def replay(
    t_ns: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    pointer: np.ndarray,
    phase: np.ndarray,
    source: np.ndarray,
    detector: PinchDetector | None = None,
) -> PinchTrack:
    """Replay a recorded sample stream: exactly the events :meth:`PinchDetector.feed_all`
    gives (an opening still pending when the samples end counts as a release).

    ``phase`` and ``source`` are integer codes (:data:`PHASE_CODES`, :data:`SOURCE_CODES`).
    Streams of one mouse/pen or of at most two fingers (ids 1 and 2), the usual case, are
    replayed with numpy in a few hundred microseconds; anything else goes through the detector
    sample by sample (a scoring budget of 5 ms for 5,000 samples rules that out as the rule).
    """
    d = detector if detector is not None else PinchDetector()
    t_ns = np.asarray(t_ns, np.int64)
    n = len(t_ns)
    if n and not d.one_finger_grip:
        src = np.asarray(source)
        if (src != SOURCE_CODES["touch"]).all():
            return _replay_single(t_ns, np.asarray(x, float), np.asarray(y, float),
                                  np.asarray(phase))
        ptr = np.asarray(pointer)
        if (src == SOURCE_CODES["touch"]).all() and ((ptr == 1) | (ptr == 2)).all():
            return _replay_two(t_ns, np.asarray(x, float), np.asarray(y, float), ptr,
                               np.asarray(phase), d)
    return _replay_slow(t_ns, x, y, pointer, phase, source, d)


def _replay_slow(t_ns: np.ndarray, x: np.ndarray, y: np.ndarray, pointer: np.ndarray,
                 phase: np.ndarray, source: np.ndarray, d: PinchDetector) -> PinchTrack:
    phases = {v: k for k, v in PHASE_CODES.items()}
    sources = {v: k for k, v in SOURCE_CODES.items()}
    n = len(t_ns)
    cx, cy = np.full(n, np.nan), np.full(n, np.nan)
    events: list[PinchEvent] = []
    index: list[int] = []
    opening_at = -1
    for i in range(n):
        sample = PointerSample(int(t_ns[i]), float(x[i]), float(y[i]), int(pointer[i]),
                               phases[int(phase[i])], sources[int(source[i])])  # type: ignore[arg-type]
        had_opening = d._opening
        for e in d.feed(sample):
            if e.kind == "move":
                continue
            at = i
            if e.kind == "release" and had_opening is not None and e.t_ns == had_opening.t_ns:
                at = opening_at  # dated where the opening began: the carry ends there
                cx[at + 1:i + 1] = np.nan
                cy[at + 1:i + 1] = np.nan
            if e.kind == "release":
                cx[at], cy[at] = e.x, e.y
            events.append(e)
            index.append(at)
        if d._opening is not None and had_opening is None:
            opening_at = i
        if d.gripping and d.centre is not None:
            cx[i], cy[i] = d.centre
    for e in d.poll(_FOREVER):
        cx[opening_at + 1:] = np.nan
        cy[opening_at + 1:] = np.nan
        cx[opening_at], cy[opening_at] = e.x, e.y
        events.append(e)
        index.append(opening_at)
    return PinchTrack(events, index, cx, cy)


def _replay_single(t_ns: np.ndarray, x: np.ndarray, y: np.ndarray, phase: np.ndarray
                   ) -> PinchTrack:
    """One mouse/pen: down grips, up releases, the centre is the pointer while held."""
    down = phase == PHASE_CODES["down"]
    up = phase == PHASE_CODES["up"]
    last_edge = _ffill_index(down | up)
    held_after = (last_edge >= 0) & down[np.maximum(last_edge, 0)]
    prev_held = np.concatenate(([False], held_after[:-1]))
    held = held_after | (up & prev_held)  # an up is the release point: still on the path
    cx = np.where(held, x, np.nan)
    cy = np.where(held, y, np.nan)
    events: list[PinchEvent] = []
    index: list[int] = []
    gripping = False
    for i in np.flatnonzero(down | up).tolist():
        if down[i]:
            # A down while held (cannot come from the input layer) re-grips in the detector.
            events.append(PinchEvent("grip", int(t_ns[i]), float(x[i]), float(y[i]), 0.0))
            gripping = True
        elif gripping:
            events.append(PinchEvent("release", int(t_ns[i]), float(x[i]), float(y[i]), 0.0))
            gripping = False
        else:
            continue
        index.append(i)
    return PinchTrack(events, index, cx, cy)


def _ffill_index(mask: np.ndarray) -> np.ndarray:
    """For each i, the last index j <= i where ``mask[j]`` (-1 if none)."""
    return np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))


def _replay_two(t_ns: np.ndarray, x: np.ndarray, y: np.ndarray, ptr: np.ndarray,
                phase: np.ndarray, d: PinchDetector) -> PinchTrack:
    """At most two fingers: the state only changes where the gap changes zone (closed < grip
    <= mid <= release < open), where the pair forms or ends; the rest are moves."""
    n = len(t_ns)
    up = phase == PHASE_CODES["up"]
    pos, state = [], []
    for pid in (1, 2):
        last = _ffill_index(ptr == pid)
        safe = np.maximum(last, 0)
        pos.append((x[safe], y[safe]))
        state.append((last >= 0) & ~up[safe])  # down after sample i
    both = state[0] & state[1]
    (ax, ay), (bx, by) = pos
    # in place (the same operations): fresh arrays cost more than the arithmetic here
    dx, dy = bx - ax, by - ay
    dx *= dx
    dy *= dy
    dx += dy
    gap = np.sqrt(dx, out=dx)
    ax += bx
    mx = ax
    mx /= 2
    ay += by
    my = ay
    my /= 2
    zone = np.where(gap > d.release_distance, 2, 1)
    zone[gap < d.grip_distance] = 0
    zone[~both] = -1
    prev_both = np.concatenate(([False], both[:-1]))
    prev_zone = np.concatenate(([-1], zone[:-1]))
    formed = both & ~prev_both
    ended = prev_both & ~both
    keys = np.flatnonzero(formed | ended | (both & (zone != prev_zone)))
    cx = np.full(n, np.nan)
    cy = np.full(n, np.nan)
    events: list[PinchEvent] = []
    index: list[int] = []
    gripping = armed = False
    opening = -1
    grip_at = -1
    debounce = d.debounce_ns

    def release_at(i: int, t: int, px: float, py: float, g: float) -> None:
        nonlocal gripping, opening
        events.append(PinchEvent("release", t, px, py, g))
        index.append(i)
        cx[grip_at:i] = mx[grip_at:i]
        cy[grip_at:i] = my[grip_at:i]
        cx[i], cy[i] = px, py
        gripping, opening = False, -1

    for i in keys.tolist():
        t = int(t_ns[i])
        if opening >= 0 and t - int(t_ns[opening]) >= debounce:
            a = opening
            release_at(a, int(t_ns[a]), float(mx[a]), float(my[a]), float(gap[a]))
        if ended[i]:
            if gripping:
                if opening >= 0:
                    a = opening
                    release_at(a, int(t_ns[a]), float(mx[a]), float(my[a]), float(gap[a]))
                else:
                    release_at(i, t, float(mx[i - 1]), float(my[i - 1]), float(gap[i - 1]))
            armed = False
            continue
        z = int(zone[i])
        if formed[i]:
            armed = z >= 1
            if not armed:
                events.append(PinchEvent("miss", t, float(mx[i]), float(my[i]), float(gap[i])))
                index.append(i)
                continue
        if not gripping:
            if z >= 1:
                armed = True
            elif armed:
                events.append(PinchEvent("grip", t, float(mx[i]), float(my[i]), float(gap[i])))
                index.append(i)
                gripping, grip_at = True, i
        elif z == 2:
            if opening < 0:
                opening = i
            if debounce == 0:
                release_at(i, t, float(mx[i]), float(my[i]), float(gap[i]))
        else:
            opening = -1
    if opening >= 0:
        a = opening
        release_at(a, int(t_ns[a]), float(mx[a]), float(my[a]), float(gap[a]))
    elif gripping:
        cx[grip_at:] = mx[grip_at:]
        cy[grip_at:] = my[grip_at:]
    return PinchTrack(events, index, cx, cy)
