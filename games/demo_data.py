"""``finemotor demo-data``: made-up children and months of practice, to try the reports.

Everything goes through the real code: children through ``ChildrenRegistry``, sessions through
``SessionRecorder`` (with an injected wall clock so sessions lie in the past, and an injected
monotonic clock for the samples), and each trial through its activity's own simulator
(``Activity.simulate``, e.g. ``games/tracing/demo.py``), which records it as the activity's
scene would and scores it with the activity's real scoring.

This module is the orchestration only: each child has a profile (practice frequency, clinic or
home, one child who stopped practising three weeks ago, one who declines lately, one who missed
a week) and a skill curve (a wobble that shrinks over the weeks); sessions are scheduled from it and
each trial is handed to an activity as a :class:`games.kit.demo.SimTrial`. With more than one
activity, the first (tracing) plays about three quarters of a session's trials and the others
take turns with the rest. One session (of the first child with two or more) is crash-torn: its
end is missing and its last trial row and last sample row are cut short (that trial is lost).

A demo is never empty: every child practises in every demo week (at least one session a
week, also in the current week so far), except the child meant to have stopped (only in a
demo of 5 weeks or more, so it practised first) and the child meant to miss one week (a demo
of 4 weeks or more). A demo that would write no session at all is an error, before anything
is written.

Deterministic for a given ``seed`` and ``now`` (the ids are random uuid4, as in real data).
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from games.demo_progress import _Bar, _StopOnCtrlC
from games.kit.demo import SimClock, SimTrial
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SESSION_FILE, SessionRecorder, WriteBatch
from telemetry.storage import atomic_write_json, ensure_private_dir

NICKNAMES = ("Ada", "Bram", "Cleo", "Dev", "Elif", "Finn", "Gia", "Hugo", "Iris", "Jonas",
             "Kai", "Lena", "Milo", "Noor", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tove")

@dataclass
class ChildProfile:
    """How one made-up child practises and improves."""

    nickname: str
    avatar: str  # "": the first picture no child of the data folder has yet
    wobble0: float  # wobble amplitude (px) at the start
    wobble_end: float  # ... after many weeks
    learn_weeks: float  # time constant of improvement
    home_per_week: float  # mean home sessions a week
    clinic: bool  # a clinic session every week
    missed_week: int | None  # the one demo week (index) without practice, if any
    shapes0: int  # items in the repertoire at the start (it grows by one every two weeks)
    stops_weeks_before_end: int = 0  # no practice in the last N weeks
    declines_weeks_before_end: int = 0  # skill worsens in the last N weeks
    speed_px_s: float = 220.0


@dataclass
class DemoResult:
    """What ``write_demo_data`` wrote."""

    data_dir: Path
    child_ids: list[str] = field(default_factory=list)
    sessions: int = 0
    trials: int = 0
    torn_session: Path | None = None


def make_profiles(n: int, rng: np.random.Generator, weeks: int = 12) -> list[ChildProfile]:
    """``n`` varied child profiles over a ``weeks``-week demo; child 2 stops practising three
    weeks before the end (if ``weeks`` >= 5), child 3 declines lately, child 4 misses the
    middle week (if ``weeks`` >= 4)."""
    out = []
    for i in range(n):
        out.append(
            ChildProfile(
                nickname=NICKNAMES[i % len(NICKNAMES)] + ("" if i < len(NICKNAMES) else f" {i}"),
                avatar="",  # each demo child its own picture, as for real children
                wobble0=float(rng.uniform(50, 75)),
                wobble_end=float(rng.uniform(9, 15)),
                learn_weeks=float(rng.uniform(5, 14)),
                home_per_week=float(rng.choice([0.5, 1.5, 2.0, 3.0])),
                clinic=bool(rng.random() < 0.75),
                missed_week=weeks // 2 if i == 4 and weeks >= 4 else None,
                shapes0=int(rng.integers(3, 6)),
                stops_weeks_before_end=3 if i == 2 and weeks >= 5 else 0,
                declines_weeks_before_end=3 if i == 3 else 0,
                speed_px_s=float(rng.uniform(160, 260)),
            )
        )
    return out


def schedule(
    profile: ChildProfile, weeks: int, end: datetime, rng: np.random.Generator
) -> list[tuple[datetime, str]]:
    """Session start times and modes over the ``weeks`` weeks before ``end``.

    Every week up to ``end`` has at least one session (a home session is added to a week the
    draw left empty), except the weeks after the profile stopped and its missed week.
    """
    first_monday = (end - timedelta(weeks=weeks)).date()
    first_monday -= timedelta(days=first_monday.weekday())
    out: list[tuple[datetime, str]] = []
    for w in range(weeks + 1):
        if w >= weeks + 1 - profile.stops_weeks_before_end or w == profile.missed_week:
            continue
        monday = first_monday + timedelta(weeks=w)
        week: list[tuple[datetime, str]] = []
        days: list[tuple[int, str]] = []
        if profile.clinic:
            days.append((int(rng.integers(0, 5)), "clinic"))
        for d in rng.choice(7, size=min(7, int(rng.poisson(profile.home_per_week))),
                            replace=False):
            days.append((int(d), "home"))
        for d, mode in sorted(days):
            hour = 9 + int(rng.integers(0, 9))
            start = datetime.combine(monday + timedelta(days=d), time(hour, int(rng.integers(0,
                                     60))), tzinfo=timezone.utc)
            if start < end:
                week.append((start, mode))
        if not week:
            week.append((_practice_time(monday, end, rng), "home"))
        out.extend(week)
    out.sort()
    return out


def _practice_time(monday: date, end: datetime, rng: np.random.Generator) -> datetime:
    """A start in the week of ``monday`` before ``end``: a random day at 9:00-17:59, or, when
    the week has only begun, halfway between its start and ``end``."""
    days = [d for d in range(7)
            if datetime.combine(monday + timedelta(days=d), time(18), tzinfo=timezone.utc) < end]
    if days:
        day = monday + timedelta(days=int(rng.choice(days)))
        return datetime.combine(day, time(9 + int(rng.integers(0, 9)), int(rng.integers(0, 60))),
                                tzinfo=timezone.utc)
    week_start = datetime.combine(monday, time(0), tzinfo=timezone.utc)
    return week_start + (end - week_start) / 2


def skill_wobble(profile: ChildProfile, weeks_in: float, weeks_left: float) -> float:
    """The child's wobble amplitude (px) after ``weeks_in`` weeks, ``weeks_left`` before the end."""
    w = profile.wobble_end + (profile.wobble0 - profile.wobble_end) * math.exp(
        -weeks_in / profile.learn_weeks
    )
    if profile.declines_weeks_before_end and weeks_left < profile.declines_weeks_before_end:
        w *= 1.0 + 1.5 * (profile.declines_weeks_before_end - weeks_left) / (
            profile.declines_weeks_before_end
        )
    return w


def _tear(folder: Path) -> None:
    """Make a session look crash-torn: no end in session.json, and the power went while the
    last trial row and the last samples row were being written (their second halves lost)."""
    import json

    meta = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
    meta["ended_at"] = None
    atomic_write_json(folder / SESSION_FILE, meta)
    for name in ("trials.csv", "samples.csv"):
        path = folder / name
        lines = path.read_bytes().splitlines(keepends=True)
        if len(lines) > 1:
            os.truncate(path, path.stat().st_size - (len(lines[-1]) + 1) // 2)


Simulator = Callable[[SimTrial], None]


def simulators(activities: Sequence[str] | None = None) -> dict[str, Simulator]:
    """The simulator of each activity to play, in order: the registered activities' own
    ``simulate`` hooks. ``activities``
    None: every installed activity that can be simulated (so demo data never shows an activity
    the launcher does not offer); else exactly those, the first being tracing."""
    from games.registry import load_activities
    from telemetry.errors import UsageError

    available: dict[str, Simulator] = {}
    for a in load_activities():
        if a.simulate is not None:
            available[a.id] = a.simulate
    if activities is None:
        installed = {a.id for a in load_activities()}
        return {k: v for k, v in available.items() if k in installed}
    unknown = sorted(set(activities) - set(available))
    if unknown or "tracing" not in activities:
        raise UsageError(f"demo data simulates {' and '.join(available)} (tracing always), "
                         f"not {', '.join(unknown) or 'without tracing'}")
    ordered = ["tracing", *[a for a in activities if a != "tracing"]]
    return {k: available[k] for k in dict.fromkeys(ordered)}


class DemoInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped ``write_demo_data``: what was written is complete, closed and synced;
    ``str()`` says so in words (``finemotor demo-data`` prints it)."""

    def __init__(self, result: DemoResult, children: int, sessions: int) -> None:
        self.result = result
        super().__init__(
            f"demo data stopped (Ctrl-C) after {result.sessions} of {sessions} sessions "
            f"({len(result.child_ids)} of {children} children begun): everything written so "
            f"far is saved and readable in {result.data_dir}; run demo-data again into an "
            "empty folder for the whole demo")


@dataclass
class ChildJob:
    """One child's whole demo, as handed to a worker process (picklable): its sessions use
    their own random stream from ``(seed, index)``, so the data do not depend on ``--jobs``."""

    index: int
    child_id: str
    profile: ChildProfile
    plan: list[tuple[datetime, str]]
    data_dir: Path
    seed: int
    end: datetime
    weeks: int
    trials_per_session: int
    activities: tuple[str, ...] | None
    torn_at: int  # the session (index in plan) to crash-tear, or -1


@dataclass
class ChildDone:
    """What one :class:`ChildJob` wrote (all of it, or until asked to stop)."""

    index: int
    sessions: int = 0
    trials: int = 0
    torn_session: Path | None = None
    stopped: bool = False


def child_rng(seed: int, index: int) -> np.random.Generator:
    """Child ``index``'s own random stream (its schedule, then its sessions)."""
    return np.random.default_rng([seed, index])


def plan_demo(children: int, weeks: int, seed: int, end: datetime
              ) -> tuple[list[ChildProfile], list[list[tuple[datetime, str]]]]:
    """The children's profiles (from ``seed``) and their schedules (each from its own stream);
    nothing is written."""
    profiles = make_profiles(children, np.random.default_rng(seed), weeks)
    return profiles, [schedule(p, weeks, end, child_rng(seed, i))
                      for i, p in enumerate(profiles)]


def write_child(job: ChildJob, batch: WriteBatch | None, should_stop: Callable[[], bool],
                on_session: Callable[[], None]) -> ChildDone:
    """Write one child's sessions (see :func:`write_demo_data`); ``should_stop`` is asked before
    each session, ``on_session`` called after each."""
    sims = simulators(job.activities)
    first, *others = sims
    profile, end = job.profile, job.end
    rng = child_rng(job.seed, job.index)
    schedule(profile, job.weeks, end, rng)  # the plan's draws: the sessions' come after them
    done = ChildDone(job.index)
    # Each activity's memory of the child (e.g. its staircase), across sessions.
    states: dict[str, dict[str, Any]] = {name: {} for name in sims}
    start0 = job.plan[0][0] if job.plan else end
    rec: SessionRecorder | None = None
    try:
        for si, (start, mode) in enumerate(job.plan):
            if should_stop():
                done.stopped = True
                break
            clock = SimClock(start)
            weeks_in = (start - start0).total_seconds() / (7 * 86400)
            weeks_left = (end - start).total_seconds() / (7 * 86400)
            wobble = skill_wobble(profile, weeks_in, weeks_left)
            rec = SessionRecorder.start(
                job.data_dir, job.child_id, mode=mode, clock_ns=clock.mono_ns,
                wall_clock=clock.wall_now,
                handedness="left" if job.index % 5 == 4 else "right", batch=batch,
            )
            n_first = (max(1, round(job.trials_per_session * 0.75)) if others
                       else job.trials_per_session)
            for k in range(job.trials_per_session):
                clock.advance(float(rng.uniform(5, 20)))  # between trials
                name = first if k < n_first else others[(k - n_first) % len(others)]
                sims[name](SimTrial(
                    recorder=rec, clock=clock, rng=rng, wobble_px=wobble,
                    speed_px_s=profile.speed_px_s, weeks_in=weeks_in, weeks=job.weeks,
                    items_known=profile.shapes0 + int(weeks_in // 2), state=states[name]))
                done.trials += 1
            clock.advance(float(rng.uniform(30, 120)))
            rec.close()
            done.sessions += 1
            if si == job.torn_at:
                _tear(rec.folder)
                done.torn_session = rec.folder
            on_session()
    finally:
        # A second Ctrl-C: the session cut short is closed (its open trial recorded as not
        # completed, its end written).
        if rec is not None and not rec.closed:
            with contextlib.suppress(Exception):
                rec.close()
    return done


def write_demo_data(
    data_dir: str | os.PathLike[str],
    children: int = 6,
    weeks: int = 12,
    seed: int = 0,
    progress: bool = True,
    now: datetime | None = None,
    trials_per_session: int = 8,
    on_child: Callable[[int, int], None] | None = None,
    activities: Sequence[str] | None = None,
    on_session: Callable[[], None] | None = None,
    batched: bool = True,
    jobs: int = 1,
) -> DemoResult:
    """Write ``children`` made-up children with ``weeks`` weeks of sessions into ``data_dir``.

    ``now`` is the end of the simulated period (default: the current time). Each session has
    ``trials_per_session`` trials. ``activities`` (default: the installed activities that can
    be simulated, see :func:`simulators`) says which to play: with more than tracing, about
    three quarters are tracing and the others take turns with the rest. ``on_session`` is
    called after each session is written; ``batched=False`` records like play (a writer
    thread, every trial fsynced: the benchmark's baseline).

    ``jobs`` > 1 writes the children in that many worker processes (at most one per child,
    see :mod:`games.demo_pool`); each child has its own random stream from ``(seed, child)``,
    so the files are the same for any ``jobs`` (but for the random ids). The roster is written
    once, by this process, before any session.

    Sessions go through :class:`SessionRecorder` with a :class:`WriteBatch`: made-up data is
    fsynced once at the end (or when stopped), not trial by trial as in play. Ctrl-C stops
    after the session being written, syncs what was written and raises
    :class:`DemoInterrupted` (a second Ctrl-C stops at once; the session it cut has no end, as
    after a crash, and everything before it is kept).
    """
    from telemetry.errors import UsageError

    if children < 1 or weeks < 1 or trials_per_session < 1 or jobs < 1:
        raise UsageError("--children, --weeks, --jobs and trials per session must be 1 or more")
    names = tuple(activities) if activities is not None else None
    simulators(names)  # an unknown activity is said before anything is written
    end = now or datetime.now(timezone.utc)
    profiles, plans = plan_demo(children, weeks, seed, end)
    if not any(plans):  # said before anything is written
        raise UsageError(f"this demo would have no sessions ({children} children over {weeks} "
                         "weeks): give more --weeks or --children")
    data = ensure_private_dir(data_dir)
    added = ChildrenRegistry(data).add_many((p.nickname, p.avatar) for p in profiles)
    # One crash-torn session per data set, in the first child with enough sessions for one to
    # sit between others (or at least two), so even a small demo shows the quality note.
    torn_child = next((i for i, plan in enumerate(plans) if len(plan) >= 2), -1)
    job_list = [ChildJob(i, c.child_id, p, plan, data, seed, end, weeks, trials_per_session,
                         names, len(plan) // 2 if i == torn_child else -1)
                for i, (c, p, plan) in enumerate(zip(added, profiles, plans, strict=True))]
    result = DemoResult(data)
    total = sum(len(plan) for plan in plans)
    bar = _Bar(total, children, progress)
    batch = WriteBatch() if batched else None
    jobs = min(jobs, children)
    begun: set[int] = set()
    finished: list[int] = []

    def session_done(index: int) -> None:
        begun.add(index)
        result.sessions += 1
        bar.show(result.sessions, len(finished))
        if on_session is not None:
            on_session()

    def child_done(done: ChildDone) -> None:
        begun.add(done.index)
        result.trials += done.trials
        if done.torn_session is not None:
            result.torn_session = done.torn_session
        if not done.stopped:
            finished.append(done.index)
            bar.show(result.sessions, len(finished))
            if on_child is not None:
                on_child(len(finished), children)

    with _StopOnCtrlC() as stop:
        try:
            if jobs == 1:
                for job in job_list:
                    if stop.requested:
                        break
                    child_done(write_child(job, batch, lambda: stop.requested,
                                           lambda i=job.index: session_done(i)))
            else:
                from games.demo_pool import run_jobs

                run_jobs(job_list, jobs, batched, batch, lambda: stop.requested,
                         session_done, child_done)
        finally:
            result.child_ids = [c.child_id for c in added]
            if batch is not None:  # stopped or not: everything written is made durable
                batch.sync()
    if stop.requested and result.sessions < total:
        result.child_ids = [job.child_id for job in job_list if job.index in begun]
        raise DemoInterrupted(result, children, total)
    return result
