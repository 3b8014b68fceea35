"""Crash safety: a recorder killed with SIGKILL at random points loses no finished trial.

A child process (tests/helpers_recorder_child.py) records deterministic trials and marks each
one after finish_trial + flush; the test kills it at a random moment, then checks with the real
loader that every marked trial is there with exact values and that no corrupt row got in.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_recorder_child import expected_trial

from telemetry.loader import load_dataset

HELPER = Path(__file__).with_name("helpers_recorder_child.py")
CHILD = "c" * 32
RUNS = 24

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")


def _markers(path: Path) -> list[int]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    # "0" says the session exists; a torn last line is not a marker
    return [int(line) for line in text.split("\n")[:-1]]


def _run_and_kill(tmp: Path, rng: random.Random, mode: str) -> tuple[Path, list[int]]:
    data, marker = tmp / "data", tmp / "markers"
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), str(data), CHILD, str(marker), mode],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        want = rng.randint(0, 4)
        deadline = time.monotonic() + 15
        while len(_markers(marker)) < want + 1:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "child recorded too slowly"
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.06))  # a trial or two: lands anywhere within one
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    return data, [n for n in _markers(marker) if n > 0]


def _check(data: Path, durable: list[int]) -> None:
    ds = load_dataset(data, tables=("trials", "metrics", "samples", "targets"))
    assert ds.quality.sessions_without_end == 1
    assert len(ds.sessions) == 1
    # Only the last line of a file can be cut (by the kill); nothing else is ever skipped.
    for table, skipped in ds.quality.skipped_rows.items():
        assert skipped <= 1, table
    trials = ds.trials
    numbers = list(trials["trial"])
    # Every marked trial is there; at most one more (finished, killed before its marker).
    assert numbers == list(range(1, len(numbers) + 1))
    assert set(durable) <= set(numbers)
    assert len(numbers) <= len(durable) + 1
    for row in trials.itertuples():
        exp = expected_trial(row.trial)
        assert (row.activity, row.level, row.item, row.mode) == (
            exp["activity"],
            exp["level"],
            exp["item"],
            exp["mode"],
        )
        assert row.accuracy == exp["accuracy"]
        assert (row.errors, row.completed, row.duration_ms) == (
            exp["errors"],
            exp["completed"],
            exp["duration_ms"],
        )
        got = ds.metrics[ds.metrics["trial"] == row.trial]
        assert list(zip(got["metric"], got["value"], got["unit"], strict=True)) == exp["metrics"]
    # Samples and targets: for a finished trial all of them, for the trial in progress an
    # exact prefix (written in batches during the trial), never a wrong value.
    samples, targets = ds.samples, ds.targets
    assert samples is not None and targets is not None
    for n in sorted(set(samples["trial"]) | set(numbers)):
        exp = expected_trial(n)
        got = samples[samples["trial"] == n]
        rows = list(
            zip(
                got["t_ms"], got["x"], got["y"], got["pointer"], got["phase"], got["source"],
                strict=True,
            )
        )
        if n in numbers:
            assert rows == exp["samples"]
        else:
            assert rows == exp["samples"][: len(rows)]
    for n in sorted(set(targets["trial"]) | set(numbers)):
        got = targets[targets["trial"] == n]
        pts = list(zip(got["x"], got["y"], strict=True))
        assert list(got["seq"]) == list(range(len(pts)))
        if n in numbers:
            assert pts == expected_trial(n)["targets"]
        else:
            assert pts == expected_trial(n)["targets"][: len(pts)]


@pytest.mark.parametrize("mode", ["flush", "durable"])
def test_sigkill_at_random_points_keeps_every_finished_trial(tmp_path: Path, mode: str) -> None:
    # "durable": a trial acknowledged by wait_durable(finish_trial(...)) is never lost.
    rng = random.Random(20240611)
    killed_with_trials = 0
    for run in range(RUNS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        data, durable = _run_and_kill(folder, rng, mode)
        _check(data, durable)
        killed_with_trials += bool(durable)
    assert killed_with_trials >= RUNS // 2  # the kills really landed after some trials
