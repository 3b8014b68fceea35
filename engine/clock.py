"""The one injectable clock every part of the engine reads time from.

Real play uses :class:`SystemClock` (``time.perf_counter_ns``); tests use :class:`ManualClock`,
which only moves when told to, so scenes run deterministically.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A monotonic nanosecond clock that can also wait."""

    def now_ns(self) -> int:
        """Monotonic time in nanoseconds."""
        ...

    def sleep_ns(self, ns: int) -> None:
        """Wait about ``ns`` nanoseconds (a manual clock just advances)."""
        ...


class SystemClock:
    """The real monotonic clock."""

    def now_ns(self) -> int:
        """Return ``time.perf_counter_ns()``."""
        return time.perf_counter_ns()

    def sleep_ns(self, ns: int) -> None:
        """Sleep with ``time.sleep``; non-positive waits return at once."""
        if ns > 0:
            time.sleep(ns / 1e9)


class ManualClock:
    """A clock for tests: time stands still until :meth:`advance` or :meth:`sleep_ns`."""

    def __init__(self, start_ns: int = 1_000_000_000) -> None:
        self._now = start_ns

    def now_ns(self) -> int:
        """The current manual time."""
        return self._now

    def advance(self, ns: int) -> None:
        """Move time forward by ``ns`` nanoseconds."""
        if ns < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += ns

    def sleep_ns(self, ns: int) -> None:
        """Advance instead of sleeping."""
        if ns > 0:
            self._now += ns
