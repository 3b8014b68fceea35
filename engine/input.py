"""The one owner of pygame's event queue: mouse, touch and keys become engine events.

:class:`PointerInput` is the only code in finemotor that calls ``pygame.event.get()``. Each poll
takes every waiting event and turns it into engine data:

* mouse buttons and motion, touch fingers -> :class:`engine.pointer.PointerSample` in logical
  coordinates, stamped with the clock's ``now_ns()`` at the poll (pygame events carry no
  timestamp, so the app polls every ~2 ms to keep that stamp close to the real event time);
* key presses -> :class:`engine.pointer.KeyPress`;
* window close -> :class:`QuitRequest`; window size changes -> :class:`WindowResized` (the
  viewport is updated at once, so later events of the same poll map with the new size); the
  window uncovered -> :class:`WindowExposed` (its pixels must be presented again).

Where the app shows frames on a present thread (:mod:`engine.present`), polls still run here,
on the main thread, while a frame is being shown: that is what keeps the stamps within a few ms
of the events on a real display.

Rules, each for a reason:

* **Every motion event is kept**, in queue order: speed and smoothness need all of them.
* **Hover is not a stroke**: mouse motion with no button held is not reported. A pointer's
  samples are always ``down``, ``move``..., ``up``. Any of the three main buttons counts
  (children press whatever is under the finger); the wheel's legacy buttons 4+ are ignored.
* **SDL's mouse events synthesised from touch are dropped** (``event.touch`` true, or
  ``which == TOUCH_MOUSEID``): the finger events already report that touch. Likewise finger
  events SDL synthesises from the mouse (``touch_id == SDL_MOUSE_TOUCHID``, i.e. -1); this
  also covers macOS trackpads, whose touches SDL reports (only with SDL_MOUSE_TOUCH_EVENTS=1)
  under that id, in trackpad rather than window coordinates.
* **Finger ``pressure`` is never read**: SDL fills it from ``dy`` on some platforms; it is not
  a pressure.
* **Pen**: SDL 2 (pygame-ce 2.5) has no pen events; a stylus reaches us as the mouse (Windows
  Ink, Wacom) or as a finger (direct touch screens). ``mouse_source="pen"`` labels the mouse
  stream as pen when a grown-up says a stylus is used.
* Touch fingers get pointer ids 1, 2, 3... (the smallest free one; the mouse/pen is 0), so
  scenes and telemetry see small, reused numbers rather than SDL's large finger ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pygame

from engine.clock import Clock
from engine.pointer import KeyPress, PointerSample, Source
from engine.viewport import Viewport

# SDL_TOUCH_MOUSEID: the "mouse" id SDL gives to mouse events it synthesises from touches.
TOUCH_MOUSEID = 0xFFFFFFFF
# SDL_MOUSE_TOUCHID: the touch device id of finger events SDL synthesises from the mouse
# (hint SDL_MOUSE_TOUCH_EVENTS, on by default on some mobile platforms): also duplicates.
MOUSE_TOUCHIDS = frozenset({-1, 0xFFFFFFFFFFFFFFFF})
MOUSE_POINTER_ID = 0
# Buttons 1-3 are left/middle/right; pygame reports the wheel also as buttons 4+.
_POINTER_BUTTONS = frozenset({1, 2, 3})


@dataclass(frozen=True, slots=True)
class QuitRequest:
    """The window was closed (or the OS asked the app to quit)."""

    t_ns: int


@dataclass(frozen=True, slots=True)
class WindowResized:
    """The window now has this size in pixels (the viewport is already updated)."""

    t_ns: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class FocusLost:
    """The window lost the input focus, was minimised, or the app went to the background."""

    t_ns: int


@dataclass(frozen=True, slots=True)
class WindowExposed:
    """The window was uncovered or restored: the frame on screen must be presented again."""

    t_ns: int


InputEvent = PointerSample | KeyPress | QuitRequest | WindowResized | FocusLost | WindowExposed
_EXPOSED = (pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE)
_FOCUS_LOST = (pygame.WINDOWFOCUSLOST, pygame.WINDOWMINIMIZED, pygame.APP_WILLENTERBACKGROUND)


class PointerInput:
    """Reads pygame's event queue and returns engine events (see the module docstring)."""

    def __init__(self, clock: Clock, viewport: Viewport, mouse_source: Source = "mouse") -> None:
        self.clock = clock
        self.viewport = viewport
        self.mouse_source: Source = mouse_source
        self._mouse_buttons: set[int] = set()
        # (touch_id, finger_id) -> small pointer id
        self._fingers: dict[tuple[int, int], int] = {}
        # Last logical position of each pointer seen, so release_all can end a stroke in place.
        self._last_pos: dict[int, tuple[float, float]] = {}
        self.dropped_synthetic = 0  # touch-synthesised mouse events dropped (for tests/diagnostics)

    @property
    def pointers_down(self) -> tuple[int, ...]:
        """Ids of the pointers currently held down (mouse 0, fingers 1+), sorted."""
        ids = list(self._fingers.values())
        if self._mouse_buttons:
            ids.append(MOUSE_POINTER_ID)
        return tuple(sorted(ids))

    def poll(self) -> list[InputEvent]:
        """Take every waiting pygame event; return engine events stamped with the time now."""
        events = pygame.event.get()
        if not events:
            return []
        return self.translate(events, self.clock.now_ns())

    def translate(self, events: Iterable[Any], t_ns: int) -> list[InputEvent]:
        """Turn pygame events (real or built by hand) into engine events stamped ``t_ns``."""
        out: list[InputEvent] = []
        for ev in events:
            kind = ev.type
            if kind == pygame.MOUSEMOTION:
                if self._mouse_buttons and not self._synthetic(ev):
                    out.append(self._mouse_sample(ev, "move", t_ns))
            elif kind == pygame.MOUSEBUTTONDOWN:
                if ev.button in _POINTER_BUTTONS and not self._synthetic(ev):
                    first = not self._mouse_buttons
                    self._mouse_buttons.add(ev.button)
                    if first:
                        out.append(self._mouse_sample(ev, "down", t_ns))
            elif kind == pygame.MOUSEBUTTONUP:
                if (
                    ev.button in _POINTER_BUTTONS
                    and not self._synthetic(ev)
                    and ev.button in self._mouse_buttons
                ):
                    self._mouse_buttons.discard(ev.button)
                    if not self._mouse_buttons:
                        out.append(self._mouse_sample(ev, "up", t_ns))
            elif kind == pygame.FINGERDOWN:
                out.extend(self._finger(ev, "down", t_ns))
            elif kind == pygame.FINGERMOTION:
                out.extend(self._finger(ev, "move", t_ns))
            elif kind == pygame.FINGERUP:
                out.extend(self._finger(ev, "up", t_ns))
            elif kind == pygame.KEYDOWN:
                out.append(
                    KeyPress(t_ns, int(ev.key), int(getattr(ev, "mod", 0)),
                             str(getattr(ev, "unicode", "") or ""))
                )
            elif kind == pygame.QUIT:
                out.append(QuitRequest(t_ns))
            elif kind in _FOCUS_LOST:
                out.append(FocusLost(t_ns))
            elif kind in _EXPOSED:
                out.append(WindowExposed(t_ns))
            elif kind in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                size = _event_size(ev)
                if size is not None and size != self.viewport.window_size:
                    self.viewport.resize(size)
                    out.append(WindowResized(t_ns, size[0], size[1]))
        return out

    def release_all(self, t_ns: int) -> list[PointerSample]:
        """End every held pointer with an ``up`` at its last known place (e.g. scene change).

        Each ``up`` is at the pointer's last known logical position, so a stroke ends where
        the finger was.
        """
        out: list[PointerSample] = []
        if self._mouse_buttons:
            self._mouse_buttons.clear()
            x, y = self._last_pos.get(MOUSE_POINTER_ID, (float("nan"), float("nan")))
            out.append(PointerSample(t_ns, x, y, MOUSE_POINTER_ID, "up", self.mouse_source))
        for pid in sorted(self._fingers.values()):
            x, y = self._last_pos.get(pid, (float("nan"), float("nan")))
            out.append(PointerSample(t_ns, x, y, pid, "up", "touch"))
        self._fingers.clear()
        return out

    # -- helpers --------------------------------------------------------------------------------

    @staticmethod
    def _synthetic(ev: Any) -> bool:
        """True for a mouse event SDL made from a touch (already reported as a finger)."""
        return bool(getattr(ev, "touch", False)) or getattr(ev, "which", 0) == TOUCH_MOUSEID

    def _mouse_sample(self, ev: Any, phase: str, t_ns: int) -> PointerSample:
        x, y = self.viewport.window_to_logical(ev.pos[0], ev.pos[1])
        self._last_pos[MOUSE_POINTER_ID] = (x, y)
        return PointerSample(t_ns, x, y, MOUSE_POINTER_ID, phase, self.mouse_source)  # type: ignore[arg-type]

    def _finger(self, ev: Any, phase: str, t_ns: int) -> list[PointerSample]:
        touch_id = int(getattr(ev, "touch_id", 0))
        if touch_id in MOUSE_TOUCHIDS:
            return []  # a finger SDL made from the mouse: the mouse stream reports it
        key = (touch_id, int(ev.finger_id))
        # Only x and y are read: ev.pressure is filled from dy by SDL and is not a pressure.
        x, y = self.viewport.normalized_to_logical(float(ev.x), float(ev.y))
        out: list[PointerSample] = []
        pid = self._fingers.get(key)
        if pid is not None:
            self._last_pos[pid] = (x, y)
        if phase == "down" or pid is None:
            if phase == "up" and pid is None:
                return out  # an up for a finger we never saw go down: nothing to end
            if pid is not None:
                # A second down for a held finger: end the first stroke cleanly.
                out.append(PointerSample(t_ns, x, y, pid, "up", "touch"))
            else:
                pid = self._free_finger_id()
                self._fingers[key] = pid
                self._last_pos[pid] = (x, y)
            out.append(PointerSample(t_ns, x, y, pid, "down", "touch"))
            return out
        if phase == "up":
            del self._fingers[key]
        out.append(PointerSample(t_ns, x, y, pid, phase, "touch"))  # type: ignore[arg-type]
        return out

    def _free_finger_id(self) -> int:
        used = set(self._fingers.values())
        pid = 1
        while pid in used:
            pid += 1
        return pid


def _event_size(ev: Any) -> tuple[int, int] | None:
    """The new window size carried by a resize event, if any."""
    if ev.type == pygame.VIDEORESIZE:
        w, h = getattr(ev, "w", None), getattr(ev, "h", None)
    else:
        w, h = getattr(ev, "x", None), getattr(ev, "y", None)
    if not isinstance(w, int) or not isinstance(h, int) or w <= 0 or h <= 0:
        return None
    return (w, h)
