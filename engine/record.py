"""The recorder seam: what a game scene may call to record its trials (``app.recorder``).

A game never tests whether it is being recorded. ``App.recorder`` is always a
:class:`TrialSink`: the games layer sets the telemetry session recorder
(``telemetry.recorder.SessionRecorder`` satisfies this Protocol structurally; the engine does
not import telemetry), and without one it is a :class:`NullSink`, which keeps nothing but
numbers the trials the same way, so a scene runs the same logic recorded or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from engine.pointer import PointerSample


@runtime_checkable
class TrialSink(Protocol):
    """The recording calls a game makes, one trial at a time.

    A trial is ``begin_trial`` -> samples and targets -> ``finish_trial`` (or
    ``abandon_trial``). None of these calls raises on a disk error: the child keeps playing
    and the games layer reports the problem to the grown-up.
    """

    @property
    def origin_ns(self) -> int | None:
        """The clock reading stored sample times count from (``t_ms = (t_ns - origin) / 1e6``),
        so a scene can score samples exactly as they are stored; None when nothing is stored."""
        ...

    @property
    def trial(self) -> int | None:
        """The number of the trial in progress, or None between trials."""
        ...

    def begin_trial(self, activity: str, level: int, item: str, mode: str = "") -> int:
        """Open the next trial (abandoning one still open) and return its number (1, 2, ...)."""
        ...

    def add_sample(
        self, t_ns: int, x: float, y: float, pointer: int, phase: str, source: str
    ) -> None:
        """Keep one pointer sample of the trial in progress (ignored between trials)."""
        ...

    def add_pointer(self, sample: PointerSample) -> None:
        """Keep a :class:`~engine.pointer.PointerSample` (as :meth:`add_sample`)."""
        ...

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Record the geometry aimed at in this trial: ``points`` (x, y) in order."""
        ...

    def finish_trial(
        self,
        *,
        accuracy: float | None,
        errors: int,
        completed: bool,
        metrics: Iterable[tuple[str, float, str]] = (),
        duration_ms: float | None = None,
    ) -> int:
        """End the trial in progress with its figures (accuracy in 0..1, or None); returns
        its number."""
        ...

    def abandon_trial(self) -> int | None:
        """End the trial in progress, if any, as not completed; its number, or None."""
        ...


class NullSink:
    """A :class:`TrialSink` that stores nothing (playing without a session).

    It numbers trials 1, 2, ... and knows whether one is open, like a real recorder, so the
    game's own logic (a trial in progress, abandon on leaving) is the same either way.
    """

    origin_ns: int | None = None

    def __init__(self) -> None:
        self._count = 0
        self._open: int | None = None

    @property
    def trial(self) -> int | None:
        """The number of the trial in progress, or None between trials."""
        return self._open

    def begin_trial(self, activity: str, level: int, item: str, mode: str = "") -> int:
        """Count the next trial and return its number."""
        self._count += 1
        self._open = self._count
        return self._count

    def add_sample(
        self, t_ns: int, x: float, y: float, pointer: int, phase: str, source: str
    ) -> None:
        """Nothing is kept."""

    def add_pointer(self, sample: PointerSample) -> None:
        """Nothing is kept."""

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Nothing is kept."""

    def finish_trial(
        self,
        *,
        accuracy: float | None,
        errors: int,
        completed: bool,
        metrics: Iterable[tuple[str, float, str]] = (),
        duration_ms: float | None = None,
    ) -> int:
        """Close the open trial and return its number; nothing is kept."""
        if self._open is None:
            raise ValueError("finish_trial without an open trial: call begin_trial first")
        number, self._open = self._open, None
        return number

    def abandon_trial(self) -> int | None:
        """Close the open trial, if any, and return its number; nothing is kept."""
        number, self._open = self._open, None
        return number
