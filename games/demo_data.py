"""``finemotor demo-data``: made-up children and months of practice, to try the reports.

Everything goes through the real code: children through ``ChildrenRegistry``, sessions through
``SessionRecorder`` (with an injected wall clock so sessions lie in the past, and an injected
monotonic clock for the samples), and tracing trials are scored by the real
``games.tracing.scoring.score_trace`` on the samples of a simulated hand.

The simulated hand follows the model path at a child's speed with a slow wobble across the
path (a few sinusoids, amplitude shrinking over the weeks as the child improves), a little
jitter, uneven sampling (about 120 Hz), pen lifts between strokes and a start a little off the
start point. Each child has a profile: practice frequency, clinic or home, missed weeks, one
child who stopped practising three weeks ago, one who declines lately. Each shape's level comes
from the game's own staircase (``games.tracing.staircase``: two successes up, one miss down),
so the road narrows as the child improves and accuracy dips after a level change. One session
(of the first child with two or more) is crash-torn: its end is missing and its last trial row
and last sample row are cut short (that trial is lost).

Pinch trials are simulated from the same skill curve (objects placed, drops) only when asked
for (``activities``) or when a pinch activity is installed; they carry no samples.

Deterministic for a given ``seed`` and ``now`` (the ids are random uuid4, as in real data).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import numpy as np

from games.tracing.glyphs import glyph
from games.tracing.scoring import score_trace
from games.tracing.staircase import SUCCESS_ACCURACY, TracingProgress
from games.tracing.staircase import level as tracing_level
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SESSION_FILE, SessionRecorder
from telemetry.storage import atomic_write_json, ensure_private_dir

NICKNAMES = ("Ada", "Bram", "Cleo", "Dev", "Elif", "Finn", "Gia", "Hugo", "Iris", "Jonas",
             "Kai", "Lena", "Milo", "Noor", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tove")
AVATARS = ("fox", "owl", "bear", "cat", "frog", "whale", "lion", "panda")
# Pre-writing shapes in developmental order; a child's repertoire grows through this list.
SHAPES = ("vertical", "horizontal", "circle", "cross", "square", "diag_right", "diag_left", "x",
          "triangle", "diamond")
# How much harder each shape is than a straight line (multiplies the wobble).
SHAPE_DIFFICULTY = {"vertical": 0.8, "horizontal": 0.8, "circle": 1.0, "cross": 0.9,
                    "square": 1.05, "diag_right": 1.0, "diag_left": 1.0, "x": 1.1,
                    "triangle": 1.15, "diamond": 1.3}
SCREEN_W, SCREEN_H, TOP_BAR = 1280, 800, 96  # the tracing scene's logical layout
SAMPLE_DT_S = 1 / 120.0


@dataclass
class ChildProfile:
    """How one made-up child practises and improves."""

    nickname: str
    avatar: str
    wobble0: float  # wobble amplitude (px) at the start
    wobble_end: float  # ... after many weeks
    learn_weeks: float  # time constant of improvement
    home_per_week: float  # mean home sessions a week
    clinic: bool  # a clinic session every week
    miss_week_p: float  # chance a week has no practice at all
    shapes0: int  # shapes in the repertoire at the start
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


def make_profiles(n: int, rng: np.random.Generator) -> list[ChildProfile]:
    """``n`` varied child profiles; child 2 stops practising, child 3 declines lately."""
    out = []
    for i in range(n):
        out.append(
            ChildProfile(
                nickname=NICKNAMES[i % len(NICKNAMES)] + ("" if i < len(NICKNAMES) else f" {i}"),
                avatar=AVATARS[i % len(AVATARS)],
                wobble0=float(rng.uniform(50, 75)),
                wobble_end=float(rng.uniform(9, 15)),
                learn_weeks=float(rng.uniform(5, 14)),
                home_per_week=float(rng.choice([0.5, 1.5, 2.0, 3.0])),
                clinic=bool(rng.random() < 0.75),
                miss_week_p=float(rng.uniform(0.03, 0.15)),
                shapes0=int(rng.integers(3, 6)),
                stops_weeks_before_end=3 if i == 2 else 0,
                declines_weeks_before_end=3 if i == 3 else 0,
                speed_px_s=float(rng.uniform(160, 260)),
            )
        )
    return out


def schedule(
    profile: ChildProfile, weeks: int, end: datetime, rng: np.random.Generator
) -> list[tuple[datetime, str]]:
    """Session start times and modes over the ``weeks`` weeks before ``end``."""
    first_monday = (end - timedelta(weeks=weeks)).date()
    first_monday -= timedelta(days=first_monday.weekday())
    out: list[tuple[datetime, str]] = []
    for w in range(weeks + 1):
        if w >= weeks + 1 - profile.stops_weeks_before_end:
            continue
        if rng.random() < profile.miss_week_p:
            continue
        monday = first_monday + timedelta(weeks=w)
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
                out.append((start, mode))
    out.sort()
    return out


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


def model_box(level_number: int) -> tuple[float, float, float]:
    """Where the tracing scene puts a glyph at this level: left, top, size (logical px)."""
    lv = tracing_level(level_number)
    avail_h = SCREEN_H - TOP_BAR - 20
    size = min(int(lv.size_px), avail_h)
    x = 230 + (SCREEN_W - 230 - size) // 2
    return float(x), float(TOP_BAR + (avail_h - size) // 2), float(size)


def _resample(poly: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` px along a polyline, and the unit normal at each."""
    seg = np.diff(poly, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = cum[-1]
    s = np.arange(0.0, total + 1e-9, step) if total > 0 else np.zeros(1)
    if s[-1] < total:
        s = np.append(s, total)
    x = np.interp(s, cum, poly[:, 0])
    y = np.interp(s, cum, poly[:, 1])
    idx = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    d = seg[idx] / np.maximum(lengths[idx], 1e-9)[:, None]
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1)
    return np.stack([x, y], axis=1), normal


def simulate_trace(
    strokes: list[np.ndarray], wobble: float, speed: float, rng: np.random.Generator
) -> tuple[list[tuple[float, float, float, str]], float]:
    """A simulated hand tracing ``strokes``: samples ``(t_s, x, y, phase)`` and the end time."""
    out: list[tuple[float, float, float, str]] = []
    t = 0.0
    for poly in strokes:
        v = speed * float(rng.uniform(0.8, 1.2))
        pts, normal = _resample(poly, v * SAMPLE_DT_S)
        n = len(pts)
        tt = t + np.cumsum(np.concatenate([[0.0], rng.uniform(0.6, 1.4, n - 1) * SAMPLE_DT_S]))
        freqs = rng.uniform(0.4, 2.5, 3)
        phases = rng.uniform(0, 2 * np.pi, 3)
        amps = wobble * rng.dirichlet(np.ones(3))
        off = (amps[None, :] * np.sin(2 * np.pi * freqs[None, :] * (tt - t)[:, None]
                                      + phases[None, :])).sum(axis=1)
        xy = pts + normal * off[:, None] + rng.normal(0.0, 0.8, (n, 2))
        xy += rng.normal(0.0, wobble * 0.3, 2)  # the start is a little off
        for i in range(n):
            phase = "down" if i == 0 else ("up" if i == n - 1 else "move")
            out.append((float(tt[i]), float(xy[i, 0]), float(xy[i, 1]), phase))
        t = float(tt[-1]) + float(rng.uniform(0.25, 0.6))  # pen in the air
    return out, t


class _SimClock:
    """The recorder's clocks: a wall clock and a monotonic ns clock, both moved by hand."""

    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.ns = 1_000_000_000

    def wall_now(self) -> datetime:
        return self.wall

    def mono_ns(self) -> int:
        return self.ns

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.ns += int(seconds * 1e9)


def _tracing_trial(rec: SessionRecorder, clock: _SimClock, item: str, level: int,
                   wobble: float, speed: float, rng: np.random.Generator) -> float | None:
    """One scored tracing trial at the level's road and size; returns its accuracy (None when
    abandoned). Targets are recorded as the scene records them."""
    model = glyph(item).scaled(*model_box(level))
    tol = tracing_level(level).tolerance_px
    rec.begin_trial("tracing", level, item, "trace")
    for part, stroke in enumerate(model):
        rec.add_targets("model_path", part, stroke)
    rec.add_targets("tolerance", 0, [(tol, tol)])
    w = wobble * SHAPE_DIFFICULTY[item] * float(rng.lognormal(0.0, 0.2))
    samples, end_s = simulate_trace(model, w, speed, rng)
    abandon = rng.random() < 0.04
    if abandon:  # the child wandered off part-way
        samples = samples[: max(2, len(samples) // 3)]
        samples[-1] = (*samples[-1][:3], "up")
        end_s = samples[-1][0]
    origin = clock.ns
    for t_s, x, y, phase in samples:
        rec.add_sample(origin + int(t_s * 1e9), x, y, 0, phase, "touch")
    clock.advance(end_s + 0.3)
    if abandon:
        rec.finish_trial(accuracy=None, errors=0, completed=False, duration_ms=end_s * 1000.0)
        return None
    t = np.array([s[0] for s in samples])
    xy = np.array([(s[1], s[2]) for s in samples])
    phase = np.array([s[3] for s in samples])
    score = score_trace(model, (t, xy[:, 0], xy[:, 1], phase), tol)
    accuracy = min(1.0, max(0.0, score.accuracy))
    rec.finish_trial(
        accuracy=accuracy,
        errors=score.errors,
        completed=True,
        metrics=score.metric_rows(),
        duration_ms=score.completion_ms,
    )
    return accuracy


def _pinch_trial(rec: SessionRecorder, clock: _SimClock, level: int, wobble: float,
                 rng: np.random.Generator) -> None:
    objects = 4 + level
    p_drop = min(0.6, wobble / 60.0)
    drops = int(rng.binomial(objects, p_drop))
    placed = objects - int(rng.binomial(drops, 0.5))
    per_item_s = float(rng.uniform(1.5, 2.5)) * (1 + wobble / 40.0)
    duration = objects * per_item_s + drops * 1.0
    rec.begin_trial("pinch", level, f"beads_{objects}", "tweezers")
    clock.advance(duration + 0.5)
    rec.finish_trial(
        accuracy=placed / objects,
        errors=drops,
        completed=True,
        metrics=[("objects_placed", float(placed), "count"), ("drops", float(drops), "count"),
                 ("time_per_object", per_item_s * 1000.0, "ms")],
        duration_ms=duration * 1000.0,
    )


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


SIMULATED = ("tracing", "pinch")  # the activities the simulated hand can play


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
) -> DemoResult:
    """Write ``children`` made-up children with ``weeks`` weeks of sessions into ``data_dir``.

    ``now`` is the end of the simulated period (default: the current time). Each session has
    ``trials_per_session`` trials. ``activities`` (default: the installed activities that can
    be simulated) says which to play: with pinch, about three quarters are tracing and the rest
    pinch; so demo data never shows an activity the launcher does not offer.
    """
    from telemetry.errors import UsageError
    from telemetry.report import Progress

    if children < 1 or weeks < 1 or trials_per_session < 1:
        raise UsageError("--children, --weeks and trials per session must be 1 or more")
    if activities is None:
        from games.registry import load_activities

        activities = [a.id for a in load_activities() if a.id in SIMULATED]
    unknown = sorted(set(activities) - set(SIMULATED))
    if unknown or "tracing" not in activities:
        raise UsageError(f"demo data simulates {' and '.join(SIMULATED)} (tracing always), "
                         f"not {', '.join(unknown) or 'without tracing'}")
    with_pinch = "pinch" in activities
    rng = np.random.default_rng(seed)
    end = now or datetime.now(timezone.utc)
    data = ensure_private_dir(data_dir)
    registry = ChildrenRegistry(data)
    result = DemoResult(data)
    bar = Progress(children, "children", progress)
    for ci, profile in enumerate(make_profiles(children, rng)):
        child_id = registry.add(profile.nickname, profile.avatar).child_id
        result.child_ids.append(child_id)
        plan = schedule(profile, weeks, end, rng)
        # The game's own per-shape staircase (2 up / 1 down) sets each shape's level.
        progress_state = TracingProgress()
        # One crash-torn session per data set, in the first child with enough sessions for one
        # to sit between others (or at least two), so even a small demo shows the quality note.
        torn_at = len(plan) // 2 if result.torn_session is None and len(plan) >= 2 else -1
        start0 = plan[0][0] if plan else end
        for si, (start, mode) in enumerate(plan):
            clock = _SimClock(start)
            weeks_in = (start - start0).total_seconds() / (7 * 86400)
            weeks_left = (end - start).total_seconds() / (7 * 86400)
            wobble = skill_wobble(profile, weeks_in, weeks_left)
            repertoire = SHAPES[: min(len(SHAPES), profile.shapes0 + int(weeks_in // 2))]
            rec = SessionRecorder.start(
                data, child_id, mode=mode, clock_ns=clock.mono_ns, wall_clock=clock.wall_now,
                handedness="left" if ci % 5 == 4 else "right",
            )
            n_trace = max(1, round(trials_per_session * 0.75)) if with_pinch else trials_per_session
            for k in range(trials_per_session):
                clock.advance(float(rng.uniform(5, 20)))  # between trials
                if k < n_trace:
                    item = str(rng.choice(repertoire))
                    lv = progress_state.current_level(item)
                    acc = _tracing_trial(rec, clock, item, lv, wobble, profile.speed_px_s, rng)
                    if acc is not None:
                        progress_state.record(item, acc >= SUCCESS_ACCURACY)
                else:
                    _pinch_trial(rec, clock, 1 + int(weeks_in > weeks / 2), wobble, rng)
                result.trials += 1
            clock.advance(float(rng.uniform(30, 120)))
            rec.close()
            result.sessions += 1
            if si == torn_at:
                _tear(rec.folder)
                result.torn_session = rec.folder
        bar.step()
        if on_child is not None:
            on_child(ci + 1, children)
    return result
