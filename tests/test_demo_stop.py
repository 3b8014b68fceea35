"""``finemotor demo-data`` stopped part-way (Ctrl-C, SIGKILL): what it wrote stays whole and
checked, and Ctrl-C says so in words. Real processes, real signals, the real loader."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from games.demo_data import _Bar
from games.kit.rescore import differences, read_trial
from games.registry import find_activity
from telemetry.loader import load_dataset

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
ROOT = Path(__file__).resolve().parents[1]


def _start(data: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.Popen(
        [sys.executable, "-m", "games", "demo-data", "--children", "3", "--weeks", "8",
         "--seed", "4", "--jobs", "1", "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)


def _wait_for_sessions(proc: subprocess.Popen[bytes], data: Path, count: int) -> None:
    deadline = time.monotonic() + 300
    while len(list(data.glob("sessions/*/*/session.json"))) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "demo-data wrote too slowly"
        time.sleep(0.01)


def _check_readable(data: Path) -> tuple[int, int]:
    """Every trial row the loader keeps re-scores exactly from disk; returns (sessions, the
    sessions without an end)."""
    ds = load_dataset(data, tables=("trials", "metrics", "samples", "targets"))
    folders = dict(zip(ds.sessions["session_id"], ds.sessions["folder"], strict=True))
    done = ds.trials[ds.trials["completed"]]
    assert len(done) > 20
    for row in done.itertuples(index=False):
        act = find_activity(str(row.activity))
        assert act is not None and act.rescore is not None
        stored = read_trial(folders[row.session_id], row.session_id, int(row.trial))
        assert differences(stored.stored, act.rescore(stored)) == []
    return len(ds.sessions), int(ds.quality.sessions_without_end)


def test_ctrl_c_finishes_the_session_syncs_and_says_what_was_kept(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    proc = _start(data)
    _wait_for_sessions(proc, data, 12)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert out == b""
    match = re.fullmatch(
        r"\nfinemotor: demo data stopped \(Ctrl-C\) after (\d+) of (\d+) sessions \((\d) of 3 "
        r"children begun\): everything written so far is saved and readable in (.+); run "
        r"demo-data again into an empty folder for the whole demo\n", err.decode())
    assert match is not None, err
    assert match[4] == str(data)
    sessions, without_end = _check_readable(data)
    # Stopped between sessions: every session written is whole; only the one crash-torn on
    # purpose (the first child's middle one, if it was reached) has no end and a cut row.
    assert sessions == int(match[1]) >= 12
    ds = load_dataset(data, tables=("trials", "metrics", "samples", "targets"))
    assert ds.quality.skipped_rows == {"trials": without_end, "metrics": 0,
                                       "samples": without_end, "targets": 0}
    assert without_end <= 1


def test_sigkill_leaves_whole_checked_rows(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    proc = _start(data)
    _wait_for_sessions(proc, data, 20)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    sessions, without_end = _check_readable(data)
    assert sessions >= 20
    # At most the crash-torn one (if reached) and the one being written when killed.
    assert without_end <= 2
    ds = load_dataset(data, tables=("trials", "metrics", "samples", "targets"))
    # At most the row cut by the kill in each file, and the torn one's trials and samples rows.
    for table, skipped in ds.quality.skipped_rows.items():
        assert skipped <= (2 if table in ("trials", "samples") else 1), table


def test_progress_line_counts_sessions_and_children() -> None:
    stream = io.StringIO()
    bar = _Bar(10, 2, True, stream=stream)
    bar.show(10, 2)
    assert stream.getvalue() == (
        "\r[##############################] 10/10 sessions, 2/2 children, 0:00 left  \n")
    quiet = io.StringIO()
    _Bar(10, 2, False, stream=quiet).show(10, 2)
    assert quiet.getvalue() == ""
