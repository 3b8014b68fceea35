"""Simulated pinch boards: recorded through the real recorder, re-scorable exactly from disk,
Fitts-like times, and slips that become rarer over the weeks."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from games.kit.demo import SimClock, SimTrial
from games.pinch import ACTIVITY
from games.pinch.record import read_board
from games.pinch.score import Samples, score_round, trial_metrics
from telemetry.loader import load_session_table
from telemetry.recorder import SessionRecorder

CHILD = "d" * 32


def _session(tmp_path: Path, weeks_in: float, boards: int, seed: int,
             wobble: float = 12.0) -> Path:
    clock = SimClock(datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=clock.mono_ns,
                                wall_clock=clock.wall_now)
    rng = np.random.default_rng(seed)
    state: dict = {}
    for _ in range(boards):
        ACTIVITY.simulate(SimTrial(rec, clock, rng, wobble_px=wobble, speed_px_s=400.0,
                                   weeks_in=weeks_in, weeks=12, state=state))
    rec.close()
    return rec.folder


def test_simulated_boards_re_score_exactly_from_disk(tmp_path: Path) -> None:
    folder = _session(tmp_path, 0.0, 3, seed=4)
    trials, _ = load_session_table(folder, "trials")
    metrics, _ = load_session_table(folder, "metrics")
    samples, _ = load_session_table(folder, "samples")
    targets, _ = load_session_table(folder, "targets")
    assert trials.activity.tolist() == ["pinch"] * 3 and trials.completed.all()
    for trial in trials.trial:
        board, shown = read_board(targets[targets.trial == trial])
        score = score_round(Samples.from_rows(samples[samples.trial == trial]), board, shown)
        stored = metrics[metrics.trial == trial]
        assert [(n, round(v, 4), u) for n, v, u in trial_metrics(score, board)] == [
            (r.metric, r.value, r.unit) for r in stored.itertuples()]
        row = trials[trials.trial == trial].iloc[0]
        assert (row.accuracy, row.errors) == (round(score.accuracy, 4), score.errors)


def _slips(folder: Path) -> tuple[float, float, float]:
    metrics, _ = load_session_table(folder, "metrics")

    def total(name: str) -> float:
        return float(metrics[metrics.metric == name].value.sum())

    return total("drops"), total("failed_grasps"), total("transport_time")


def test_drops_failed_grasps_and_times_fall_as_the_hand_steadies(tmp_path: Path) -> None:
    early = _slips(_session(tmp_path / "a", 0.0, 12, seed=1, wobble=60.0))
    late = _slips(_session(tmp_path / "b", 12.0, 12, seed=1, wobble=10.0))
    assert late[0] < early[0] and late[1] < early[1] and late[2] < early[2]


def test_transport_time_grows_with_the_index_of_difficulty(tmp_path: Path) -> None:
    folder = _session(tmp_path, 6.0, 10, seed=8)
    metrics, _ = load_session_table(folder, "metrics")
    ids = metrics[metrics.metric == "fitts_id"].value.to_numpy()
    tps = metrics[metrics.metric == "throughput"].value.to_numpy()
    assert len(ids) == 10 and np.all((ids > 0.3) & (ids < 4.0))
    assert np.all((tps > 0.5) & (tps < 10.0))  # bits/s, a plausible child's range
