"""Demo sequencing trials go through the real rules and re-score exactly from their files."""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from games.kit.demo import SimClock, SimTrial
from games.sequencing.board import PROMPT_LEVEL
from games.sequencing.demo import prompting_for, simulate
from games.sequencing.record import read_targets, rescore
from telemetry.recorder import SessionRecorder

CHILD = "0123456789abcdef0123456789abcdef"
NAMES = {v: k for k, v in PROMPT_LEVEL.items()}


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, newline="") as fh:
        return list(csv.DictReader(fh))


def test_simulated_trials_rescore_exactly(tmp_path: Path) -> None:
    clock = SimClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    rng = np.random.default_rng(4)
    state: dict = {}
    with SessionRecorder.start(tmp_path, CHILD, clock_ns=clock.mono_ns,
                               wall_clock=clock.wall_now) as rec:
        for week in (0.0, 3.0, 7.0):
            for _ in range(4):
                simulate(SimTrial(rec, clock, rng, wobble_px=12.0, speed_px_s=500.0,
                                  weeks_in=week, weeks=8, state=state))
        folder = rec.folder
    trials = _rows(folder, "trials.csv")
    assert len(trials) == 12 and {t["activity"] for t in trials} == {"sequencing"}
    assert state["staircase"].items["routines"].trials == sum(t["completed"] == "1"
                                                              for t in trials)
    metrics = _rows(folder, "metrics.csv")
    samples = _rows(folder, "samples.csv")
    targets = _rows(folder, "targets.csv")
    levels = {t["level"] for t in trials}
    assert "1" in levels
    for t in trials:
        if t["completed"] != "1":
            continue
        n = t["trial"]
        m = {r["metric"]: float(r["value"]) for r in metrics if r["trial"] == n}
        played = read_targets([(r["kind"], int(r["part"]), int(r["seq"]), float(r["x"]),
                                float(r["y"])) for r in targets if r["trial"] == n])
        rows = [(float(r["t_ms"]), float(r["x"]), float(r["y"]), int(r["pointer"]), r["phase"])
                for r in samples if r["trial"] == n]
        score, again_metrics, _ = rescore(played, rows, tap=False,
                                          prompting=NAMES[int(m["prompt_level"])],
                                          slot_hint=int(m["slot_hint"]))
        assert float(t["accuracy"]) == round(score.accuracy, 4)
        assert int(t["errors"]) == score.errors
        assert {n: round(v, 4) for n, v, _ in again_metrics} == m  # every row, from the files
        assert 0.5 < m["drag_path_efficiency"] <= 1.0 and m["assisted"] == 0.0


def test_prompting_fades_over_the_period() -> None:
    assert [prompting_for(w, 10) for w in (0, 2.9, 3, 6.4, 6.5, 10)] == [
        "errorless", "errorless", "after-error", "after-error", "none", "none"]
