"""What the demo asks of an activity: play one made-up trial (``Activity.simulate``).

``finemotor demo-data`` (:mod:`games.demo_data`) makes up children, schedules their sessions and
opens a real :class:`telemetry.recorder.SessionRecorder` per session; for each trial it hands
the activity chosen a :class:`SimTrial` and the activity's ``simulate(trial)`` records one
trial through that recorder exactly as its scene would (``begin_trial``, targets through its
``record.py``, samples at the simulated clock's times, ``finish_trial`` with its real scoring,
or ``finish_trial(completed=False)`` when the made-up child wanders off), moving
:attr:`SimTrial.clock` on by the time it took.

The child's skill is given two ways: ``wobble_px`` (how far a hand strays across a path, px;
shrinks over the weeks) and ``speed_px_s``; ``items_known`` says how many of the activity's
items (in its teaching order) the child has met so far; ``state`` is this child's memory for
this activity across sessions (e.g. its staircase), empty at the child's first trial.

An activity's simulator writes its targets through its own ``record.py`` (as its scene does)
and scores with its real scoring, so the report reads demo trials as it reads played ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from telemetry.recorder import SessionRecorder


class SimClock:
    """The recorder's clocks in a simulation: a wall clock and a monotonic ns clock, both moved
    by hand (:meth:`advance`)."""

    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.ns = 1_000_000_000

    def wall_now(self) -> datetime:
        """The simulated wall time (the recorder's ``wall_clock``)."""
        return self.wall

    def mono_ns(self) -> int:
        """The simulated monotonic time in ns (the recorder's ``clock_ns``)."""
        return self.ns

    def advance(self, seconds: float) -> None:
        """Move both clocks on by ``seconds``."""
        self.wall += timedelta(seconds=seconds)
        self.ns += int(seconds * 1e9)


@dataclass
class SimTrial:
    """One trial the demo asks an activity to simulate (see the module docstring)."""

    recorder: SessionRecorder
    clock: SimClock
    rng: np.random.Generator
    wobble_px: float
    speed_px_s: float
    weeks_in: float  # weeks since the child's first session
    weeks: int  # length of the whole simulated period
    items_known: int = 1  # how many of the activity's items the child has met (grows weekly)
    state: dict[str, Any] = field(default_factory=dict)
