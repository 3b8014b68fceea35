"""Recording a child's session: written to disk only once its first trial begins; the
window's physical size and the app version its ``session.json`` records.

A child who picks their picture and goes back, or a home session that runs out on the games
screen, must leave nothing behind: no empty session folder to count in a therapist's
"sessions" figures. So picking a child sets :class:`PendingSession` as ``app.recorder``: a
:class:`~engine.record.TrialSink` that stores nothing and opens the real session (the
launcher's ``open_recording`` callback, which also makes it ``app.recorder``) when a game
begins its first trial. The session's ``started_at`` is then that first trial's start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine.pointer import PointerSample
from engine.record import NullSink, TrialSink


class PendingSession:
    """A :class:`~engine.record.TrialSink` standing in for a session not yet on disk.

    ``open_recording`` opens the session and returns its sink (a
    :class:`~telemetry.recorder.SessionRecorder`, or a :class:`~engine.record.NullSink` when
    the disk refuses; the launcher reports that). It is called once, by the first
    :meth:`begin_trial`; every call after that goes to the sink it returned. After
    :meth:`cancel` (the session ended before any trial) nothing is opened any more.
    """

    def __init__(self, open_recording: Callable[[], TrialSink]) -> None:
        self._open = open_recording
        self._sink: TrialSink | None = None
        self._cancelled = False

    @property
    def opened(self) -> bool:
        """Whether the first trial has opened the session."""
        return self._sink is not None

    @property
    def origin_ns(self) -> int | None:
        """The opened session's sample clock origin; None before (nothing is stored yet)."""
        return None if self._sink is None else self._sink.origin_ns

    @property
    def trial(self) -> int | None:
        """The trial in progress of the opened session; None before."""
        return None if self._sink is None else self._sink.trial

    def cancel(self) -> None:
        """The session ended with no trial: never open it (later trials go nowhere)."""
        self._cancelled = True
        if self._sink is None:
            self._sink = NullSink()

    def begin_trial(self, activity: str, level: int, item: str, mode: str = "") -> int:
        """Open the session (the first time) and begin the trial on it."""
        if self._sink is None:
            self._sink = self._open()
        return self._sink.begin_trial(activity, level, item, mode)

    def add_sample(
        self, t_ns: int, x: float, y: float, pointer: int, phase: str, source: str
    ) -> None:
        """Keep a sample on the opened session (nothing is kept before a trial)."""
        if self._sink is not None:
            self._sink.add_sample(t_ns, x, y, pointer, phase, source)

    def add_pointer(self, sample: PointerSample) -> None:
        """Keep a pointer sample on the opened session (as :meth:`add_sample`)."""
        if self._sink is not None:
            self._sink.add_pointer(sample)

    def add_targets(self, kind: str, part: int, points: Iterable[Any]) -> None:
        """Record the trial's targets on the opened session (nothing before a trial)."""
        if self._sink is not None:
            self._sink.add_targets(kind, part, points)

    def finish_trial(
        self,
        *,
        accuracy: float | None,
        errors: int,
        completed: bool,
        metrics: Iterable[tuple[str, float, str]] = (),
        duration_ms: float | None = None,
    ) -> int:
        """Finish the trial in progress; like a recorder, an error without one."""
        if self._sink is None:
            raise ValueError("finish_trial without an open trial: call begin_trial first")
        return self._sink.finish_trial(accuracy=accuracy, errors=errors, completed=completed,
                                       metrics=metrics, duration_ms=duration_ms)

    def abandon_trial(self) -> int | None:
        """Abandon the trial in progress, if any (None before the first)."""
        return None if self._sink is None else self._sink.abandon_trial()


def app_version() -> str:
    """The installed finemotor version (for session.json)."""
    try:
        from importlib.metadata import version

        return version("finemotor")
    except Exception:  # running from a source tree without metadata
        return "0.0.0"


def window_mm(
    screen_width_mm: float | None, window_px: tuple[int, int], desktop_width_px: int | None
) -> tuple[float, float] | None:
    """The window's physical size in mm, from the screen's calibrated width (None if not).

    The calibration is the whole screen's width; a window is a part of it: scale by the
    window's share of the desktop's pixels (a full-screen window is the whole width).
    """
    if screen_width_mm is None or window_px[0] <= 0:
        return None
    mm_per_px = float(screen_width_mm) / float(desktop_width_px or window_px[0])
    return (round(window_px[0] * mm_per_px, 2), round(window_px[1] * mm_per_px, 2))
