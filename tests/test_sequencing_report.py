"""The sequencing report section, on demo trials played through the real rules."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from games.kit.demo import SimClock, SimTrial
from games.reporting import build_reports
from games.sequencing.demo import simulate
from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder


def test_report_shows_scores_prompting_routines_and_milestones(tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = ChildrenRegistry(data).add("Lou").child_id
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    rng = np.random.default_rng(1)
    state: dict = {}
    for week in range(6):
        clock = SimClock(start + timedelta(weeks=week))
        with SessionRecorder.start(data, child, clock_ns=clock.mono_ns,
                                   wall_clock=clock.wall_now) as rec:
            for _ in range(5):
                simulate(SimTrial(rec, clock, rng, wobble_px=10.0, speed_px_s=500.0,
                                  weeks_in=float(week), weeks=6, state=state))
    out = tmp_path / "report"
    build_reports(data, out, progress=False, now=start + timedelta(weeks=7))
    page = next(p for p in out.rglob("*.html") if "Sequencing: daily routines" in p.read_text())
    html = page.read_text()
    for text in ("First try right (share per session)", "Prompt level (mean per session)",
                 "Routines practised", "Sequencing milestones (guidance)", "Weak evidence",
                 "First, then (2 steps)", "Bath time", "Per week and routine length",
                 "Card drags (tap-then-tap trials left out)"):
        assert text in html, text
    with open(out / "sequencing.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:3] == ["child_id", "week", "band"] and rows[0]["child_id"] == child
    done = state["staircase"].items["routines"].trials
    assert sum(int(r["trials"]) for r in rows) == done
    prompts = [float(r["prompt_level"]) for r in rows]
    assert prompts[0] == 2.0 and prompts[-1] == 0.0  # errorless at first, no prompt at the end
    assert {r["band"] for r in rows} >= {"2"}
