"""``finemotor demo-data``'s progress line and its Ctrl-C guard (see :mod:`games.demo_data`)."""

from __future__ import annotations

import math
import signal
import sys
import threading
import time as _time
from typing import Any, TextIO


class _Bar:
    """A one-line progress bar on stderr: sessions and children done, and the time left."""

    def __init__(self, sessions: int, children: int, enabled: bool,
                 stream: TextIO | None = None) -> None:
        self.sessions, self.children, self.enabled = sessions, children, enabled
        self.stream = stream or sys.stderr
        self.started = _time.monotonic()
        self.last = -1.0

    def show(self, sessions_done: int, children_done: int) -> None:
        """Redraw (at most 5 times a second, and always at the end)."""
        now = _time.monotonic()
        end = sessions_done >= self.sessions
        if not self.enabled or (now - self.last < 0.2 and not end):
            return
        self.last = now
        filled = int(30 * sessions_done / self.sessions)
        rate = sessions_done / max(now - self.started, 1e-9)
        left = (self.sessions - sessions_done) / rate if sessions_done else math.nan
        eta = "" if left != left else f", {int(left) // 60}:{int(left) % 60:02d} left"
        self.stream.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {sessions_done}/{self.sessions}"
                         f" sessions, {children_done}/{self.children} children{eta}  ")
        if end:
            self.stream.write("\n")
        self.stream.flush()


class _StopOnCtrlC:
    """While active, the first Ctrl-C only asks the demo to stop after the session being written
    (so no session is left half written); a second one interrupts at once. Only on the main
    thread, and only when Ctrl-C has Python's default handler."""

    def __init__(self) -> None:
        self.requested = False
        self._old: Any = None

    def __enter__(self) -> _StopOnCtrlC:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._old = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
