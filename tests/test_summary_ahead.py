"""The summary cache's checks done ahead in a forked helper (telemetry.summary_ahead): the keys
and the crc32 check it gives are exactly the loader's own, a file changed after its look is
checked again, and a report through it is the report without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pandas as pd
from test_summary_cache import TABLES, _data

from telemetry import summary_ahead, summary_cache, summary_file
from telemetry.loader import load_dataset

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter, as `finemotor report` does: no pygame, no other thread.
SCRIPT = textwrap.dedent('''
    import json, os, sys
    from telemetry import summary_ahead, summary_cache
    data, damage = sys.argv[1], sys.argv[2]
    fds = len(os.listdir("/proc/self/fd"))
    if damage == "forkfail":
        def no_fork():
            raise BlockingIOError(11, "Resource temporarily unavailable")
        os.fork = no_fork
    period = ("2025-03-04", "2025-03-06") if damage == "period" else (None, None)
    started = summary_ahead.start(data, None, *period)
    if damage == "forkfail":
        print(json.dumps({"started": started, "fds": len(os.listdir("/proc/self/fd")) - fds}))
        sys.exit(0)
    root = os.path.join(data, "sessions")
    if damage == "kill":
        os.kill(summary_ahead._helper.pid, 9)
    if damage == "replace":  # the cache file of the first child rewritten after the look
        import time
        time.sleep(1.0)
        child = sorted(os.listdir(root))[0]
        path = summary_cache.cache_path(os.path.join(root, child))
        data_ = bytearray(open(path, "rb").read())
        data_[-1] ^= 1
        with open(path, "r+b") as fh:
            fh.write(bytes(data_))
    out = {}
    for child in sorted(os.listdir(root)):
        found = summary_ahead.take(os.path.join(root, child))
        out[child] = None if found is None else {
            "keys": {k: list(v) for k, v in found.keys.items()},
            "whole": None if found.whole is None else list(found.whole)}
    out["again"] = summary_ahead.take(os.path.join(root, sorted(os.listdir(root))[0])) is None
    print(json.dumps({"started": started, "found": out}))
''')


def _ahead(data: Path, damage: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(data), damage],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_helper_finds_the_loaders_own_keys_and_checks(tmp_path: Path) -> None:
    data, kids, _ = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)  # writes the caches
    got = _ahead(data)
    if (os.cpu_count() or 1) < 2:
        assert got == {"started": False, "found": {**dict.fromkeys(sorted(kids)),
                                                   "again": True}}
        return
    assert got["started"] is True and got["found"].pop("again") is True
    assert sorted(got["found"]) == sorted(kids)
    for kid in kids:
        child_dir = data / "sessions" / kid
        folders = sorted(p for p in child_dir.iterdir() if p.is_dir())
        found = got["found"][kid]
        assert found["keys"] == {f.name: list(summary_cache.folder_key(str(f)))
                                 for f in folders}
        assert found["whole"] == list(summary_file.stat_key(
            os.stat(summary_cache.cache_path(str(child_dir)))))


def test_a_cache_changed_after_the_look_is_checked_again(tmp_path: Path) -> None:
    data, kids, _ = _data(tmp_path)
    load_dataset(data, tables=TABLES, cache=True)
    got = _ahead(data, "replace")
    if not got["started"]:
        return  # one core: no helper
    first = sorted(kids)[0]
    path = summary_cache.cache_path(str(data / "sessions" / first))
    old = got["found"][first]["whole"]
    assert old is not None and tuple(old) != summary_file.stat_key(os.stat(path))
    # the identity the helper checked is not this file's: the crc32 is checked, and fails
    assert summary_file.read_whole(path, tuple(old)) is None
    # the very file the helper checked is read without a second check (its identity)
    assert summary_file.read_whole(path, summary_file.stat_key(os.stat(path))) is not None


def test_the_helper_looks_only_at_the_period(tmp_path: Path) -> None:
    data, kids, recs = _data(tmp_path)
    got = _ahead(data, "period")
    if not got["started"]:
        return  # one core: no helper
    names = sorted(n for kid in kids for n in got["found"][kid]["keys"])
    # sessions started on days 0..4 from 2025-03-03: the 4th, 5th and 6th are in the period
    assert names == sorted(r.folder.name for r in recs[1:4])


def test_a_fork_that_fails_leaves_no_descriptor_open(tmp_path: Path) -> None:
    data, _, _ = _data(tmp_path)
    assert _ahead(data, "forkfail") == {"started": False, "fds": 0}


def test_a_helper_that_died_leaves_the_loader_to_look_itself(tmp_path: Path) -> None:
    data, kids, _ = _data(tmp_path)
    got = _ahead(data, "kill")
    assert got["found"] == {**dict.fromkeys(sorted(kids)), "again": True}


def test_no_helper_beside_another_thread(tmp_path: Path) -> None:
    data, _, _ = _data(tmp_path)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert summary_ahead.start(data, None) is False
        assert summary_ahead.take(str(data / "sessions" / "x")) is None
    finally:
        stop.set()
        other.join()


def test_a_report_through_the_helper_is_the_report_without_it(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    data, _, recs = _data(tmp_path / "data")
    plain = load_dataset(data, tables=TABLES)
    out = tmp_path / "r"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for _ in range(2):  # building the caches, then through them
        proc = subprocess.run(
            [sys.executable, "-m", "games.cli", "report", "--data-dir", str(data), "--out",
             str(out), "--until", "2025-03-31"],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
    again = tmp_path / "again"
    from games.reporting import build_reports
    build_reports(data, again, until="2025-03-31", progress=False, workers=1)
    for page in sorted(p.name for p in out.iterdir()):
        assert (out / page).read_bytes() == (again / page).read_bytes(), page
    sessions = pd.read_csv(out / "sessions.csv")
    assert sorted(sessions["session_id"]) == sorted(r.session_id for r in recs)
    assert sorted(plain.sessions["session_id"]) == sorted(r.session_id for r in recs)
