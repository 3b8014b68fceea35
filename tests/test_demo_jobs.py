"""``finemotor demo-data --jobs N``: the same data for any number of worker processes, the
roster written once by the parent, and Ctrl-C of the whole process group keeps whole rows."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from games.demo_data import write_demo_data

NOW = datetime(2026, 3, 27, 18, 0, tzinfo=timezone.utc)
ROOT = Path(__file__).resolve().parents[1]


def _normalised(data: Path) -> list[tuple[str, bytes]]:
    """Every session file, children in roster order and sessions by start, with the random
    child and session ids replaced by their places (and so the rows' crc32 left out)."""
    roster = (data / "children.csv").read_text(encoding="utf-8").splitlines()[1:]
    out: list[tuple[str, bytes]] = []
    for ci, line in enumerate(roster):
        child_id = line.split(",")[0]
        folders = sorted((data / "sessions" / child_id).iterdir(), key=lambda f: (
            json.loads((f / "session.json").read_text(encoding="utf-8"))["started_at"]))
        for si, folder in enumerate(folders):
            session_id = folder.name.split("_")[-1]
            for path in sorted(folder.iterdir()):
                body = path.read_bytes()
                if path.suffix == ".csv":  # each row's crc32 covers the random ids: dropped
                    body = b"\n".join(line.rsplit(b",", 1)[0] for line in body.split(b"\n"))
                body = body.replace(child_id.encode(), f"child{ci}".encode())
                out.append((f"{ci}/{si}/{path.name}",
                            body.replace(session_id.encode(), f"session{si}".encode())))
    return out


def test_jobs_write_the_same_data(tmp_path: Path) -> None:
    one = write_demo_data(tmp_path / "one", children=3, weeks=3, seed=7, progress=False,
                          now=NOW, trials_per_session=3, jobs=1)
    two = write_demo_data(tmp_path / "two", children=3, weeks=3, seed=7, progress=False,
                          now=NOW, trials_per_session=3, jobs=2)
    assert (one.sessions, one.trials) == (two.sessions, two.trials) == (22, 66)
    a, b = _normalised(tmp_path / "one"), _normalised(tmp_path / "two")
    assert [name for name, _ in a] == [name for name, _ in b]
    assert len(a) == 22 * 5
    for (name, x), (_, y) in zip(a, b, strict=True):
        assert x == y, name
    assert one.torn_session is not None and two.torn_session is not None
    assert one.torn_session.name.split("_")[0] == two.torn_session.name.split("_")[0]
    roster = (tmp_path / "two" / "children.csv").read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[1:3] for r in roster[1:]] == [["Ada", "cat"], ["Bram", "dog"],
                                                       ["Cleo", "bear"]]


def test_ctrl_c_of_the_process_group_with_two_workers(tmp_path: Path) -> None:
    from test_demo_stop import _check_readable, _wait_for_sessions

    data = tmp_path / "demo"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen(
        [sys.executable, "-m", "games", "demo-data", "--children", "3", "--weeks", "8",
         "--seed", "4", "--jobs", "2", "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT,
        start_new_session=True)  # its own process group, as a terminal's Ctrl-C reaches
    _wait_for_sessions(proc, data, 12)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert out == b""
    match = re.fullmatch(
        r"\nfinemotor: demo data stopped \(Ctrl-C\) after (\d+) of (\d+) sessions \((\d) of 3 "
        r"children begun\): everything written so far is saved and readable in (.+); run "
        r"demo-data again into an empty folder for the whole demo\n", err.decode())
    assert match is not None, err
    sessions, without_end = _check_readable(data)
    assert sessions == int(match[1]) >= 12
    assert int(match[3]) >= 2  # both workers were writing
    assert without_end <= 1  # only the one torn on purpose: workers stopped between sessions
    deadline = time.monotonic() + 30
    while True:  # no worker (nor the forkserver) left behind
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a worker outlived demo-data"
        time.sleep(0.05)
