"""The engine's own pointer events: one stream for mouse, touch fingers and pen.

Pure data, no pygame, so scoring code and the recorder can use it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Phase = Literal["down", "move", "up"]
Source = Literal["mouse", "touch", "pen"]


@dataclass(frozen=True, slots=True)
class PointerSample:
    """One pointer sample in logical screen coordinates (1280x800 space).

    ``t_ns`` is the engine clock's time when the event left the pygame queue (pygame events
    carry no timestamp of their own). ``pointer_id`` is 0 for mouse and pen, and a small
    per-finger number for touch.
    """

    t_ns: int
    x: float
    y: float
    pointer_id: int
    phase: Phase
    source: Source


@dataclass(frozen=True, slots=True)
class KeyPress:
    """A key pressed on a keyboard (grown-ups only: Esc, F11, typing a nickname...).

    ``text`` is the character the key typed (pygame's ``unicode``), empty for special keys.
    """

    t_ns: int
    key: int
    mod: int = 0
    text: str = ""
