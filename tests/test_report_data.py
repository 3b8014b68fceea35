"""A small data folder with hand-computed figures, written through the real recorder.

Shared by the report tests (this module holds no tests). Every figure the tests expect is
worked out in the comments next to the data.

Child A ("Mia Tester"), tracing ``circle`` (3 trials a session) and pinch:

======  ==========  ======  =====  ===================  ====================  =============
session date        mode    level  circle accuracies    durations (ms)        median acc/s
======  ==========  ======  =====  ===================  ====================  =============
S1      2026-03-02  clinic  1      .5 .6 .7             10000 12000 14000     0.6 / 12
S2      2026-03-04  home    1      .6 .7 .8             9000 10000 11000      0.7 / 10
S3      2026-03-06  home    1      .4 .5 .9             8000 9000 10000       0.5 / 9
(no session in the week of 2026-03-09)
S4      2026-03-16  home    2      .8 .8 .9             8000 x3               0.8 / 8
S5      2026-03-18  home    2      .85 .9 .95           7000 x3               0.9 / 7
S6      2026-03-20  clinic  2      .9 .95 1.0 + 1 abandoned   6000 x3         0.95 / 6
======  ==========  ======  =====  ===================  ====================  =============

Tracing: baseline = median(.6, .7, .5) = 0.6, latest = median(.8, .9, .95) = 0.9, change
+0.3; previous three = S1-S3 = 0.6 so the trend is up. Durations: baseline median(12, 10, 9)
= 10 s, latest 7 s, change -3 s. Levels 1 -> 2.

Pinch: S5 one trial .5 (level 1, 4000 ms), S6 one trial .4 (level 1, 5000 ms): two sessions,
window 1, baseline .5, latest .4, previous .5, change -0.1: down at the same level, so a
decline is flagged.

Every session starts at 10:00 UTC, trials at 10:01, 10:02..., and closes at 10:20 (20 min),
except S3, whose end is removed from session.json (a crash): it runs to the end of its last
trial, 10:03 + 10 s = 3.1667 min -> 3.17. Week of 03-02: 3 sessions, 43.17 min (clinic 1 /
20 min, home 2 / 23.17 min); week of 03-09: zeros; week of 03-16: 3 sessions, 60 min.

Child B ("Leo Example"): clinic sessions on 2026-02-02, 02-04 and 02-06, tracing at level 3:
``vertical`` .85, .9, .8 (met), ``horizontal`` .9, .7, .9 (emerging, best run 1), ``circle``
.5 only in the first session (not yet: below 0.6). Report date 2026-03-23 00:00 UTC
(``--until 2026-03-22``): last session 2026-02-06 10:00 -> 44.58 days -> "no practice for 44
days"; 0 sessions in the last 4 weeks.

Quality: S2's trials.csv gets one row with a broken crc32 and one torn row (no newline):
2 skipped trials rows. S3 has no end: 1 session without an end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder

UNTIL = "2026-03-22"
NICK_A = "Mia Tester"
NICK_B = "Leo Example"


class WallClock:
    """A settable wall clock for the recorder."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Known:
    """The written folder and the two children's ids."""

    data: Path
    a: str
    b: str
    folders: dict[str, Path]


def _session(data, child_id, clock, day, mode, trials, model=None):
    """One session at 10:00 on ``day``; trials (activity, level, item, acc, dur_ms, done)."""
    start = datetime.fromisoformat(day).replace(hour=10, tzinfo=timezone.utc)
    clock.now = start
    rec = SessionRecorder.start(data, child_id, mode=mode, wall_clock=clock)
    for i, (activity, level, item, acc, dur, done) in enumerate(trials, start=1):
        clock.now = start + timedelta(minutes=i)
        rec.begin_trial(activity, level, item, "trace")
        if model is not None and activity == "tracing":
            rec.add_targets("model_path", 0, model)
            # A wobbly stroke along the model: down, moves, up.
            for j, (x, y) in enumerate(model):
                phase = "down" if j == 0 else ("up" if j == len(model) - 1 else "move")
                rec.add_sample(j * 10_000_000, x + (3 if j % 2 else -3), y, 0, phase, "mouse")
        rec.finish_trial(
            accuracy=acc if done else None, errors=0 if done else 0, completed=done,
            duration_ms=dur,
        )
    clock.now = start + timedelta(minutes=20)
    rec.close()
    return rec.folder


def write_known(data: Path) -> Known:
    """Write the data folder described in the module docstring; return its ids and folders."""
    reg = ChildrenRegistry(data)
    a = reg.add(NICK_A, "fox").child_id
    b = reg.add(NICK_B, "owl").child_id
    clock = WallClock()
    model = [(100.0 + 10 * k, 200.0) for k in range(11)]
    folders = {}
    t = "tracing"

    def circle(level, accs, durs):
        return [(t, level, "circle", acc, d, True) for acc, d in zip(accs, durs, strict=True)]

    folders["S1"] = _session(data, a, clock, "2026-03-02", "clinic",
                             circle(1, [.5, .6, .7], [10000, 12000, 14000]), model)
    folders["S2"] = _session(data, a, clock, "2026-03-04", "home",
                             circle(1, [.6, .7, .8], [9000, 10000, 11000]), model)
    folders["S3"] = _session(data, a, clock, "2026-03-06", "home",
                             circle(1, [.4, .5, .9], [8000, 9000, 10000]), model)
    folders["S4"] = _session(data, a, clock, "2026-03-16", "home",
                             circle(2, [.8, .8, .9], [8000] * 3), model)
    folders["S5"] = _session(data, a, clock, "2026-03-18", "home",
                             circle(2, [.85, .9, .95], [7000] * 3)
                             + [("pinch", 1, "beads", .5, 4000, True)], model)
    folders["S6"] = _session(data, a, clock, "2026-03-20", "clinic",
                             circle(2, [.9, .95, 1.0], [6000] * 3)
                             + [(t, 2, "circle", None, 3000, False),
                                ("pinch", 1, "beads", .4, 5000, True)], model)
    b_trials = [
        [(t, 3, "vertical", .85, 5000, True), (t, 3, "horizontal", .9, 5000, True),
         (t, 1, "circle", .5, 5000, True)],
        [(t, 3, "vertical", .9, 5000, True), (t, 3, "horizontal", .7, 5000, True)],
        [(t, 3, "vertical", .8, 5000, True), (t, 3, "horizontal", .9, 5000, True)],
    ]
    for k, (day, tr) in enumerate(zip(["2026-02-02", "2026-02-04", "2026-02-06"], b_trials,
                                      strict=True)):
        folders[f"B{k + 1}"] = _session(data, b, clock, day, "clinic", tr, model)

    # S2: a row with a wrong crc32 and a torn last row.
    trials_csv = folders["S2"] / "trials.csv"
    lines = trials_csv.read_bytes().splitlines(keepends=True)
    bad = lines[1][:-10] + b",deadbeef\n"
    with open(trials_csv, "ab") as fh:
        fh.write(bad + lines[2][:25])
    # S3: the app crashed, the session has no end.
    meta_path = folders["S3"] / "session.json"
    meta = json.loads(meta_path.read_text())
    meta["ended_at"] = None
    meta_path.write_text(json.dumps(meta))
    return Known(data, a, b, folders)
