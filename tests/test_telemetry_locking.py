"""OS file locks: concurrent read-modify-writes of shared files lose nothing (issue 14, point 1).

Real processes, real files: many processes are forked, wait at one start gate, and then all
change the same roster or settings file at once. Without the lock each one reads the old file
and the last writer wins (100 adds kept 9 and 20 rows); with it every change survives. The
Windows branch (``msvcrt.locking``) runs here too, against a stand-in ``msvcrt`` whose
``locking`` is a real POSIX byte-range lock with msvcrt's calling convention.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import stat
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.settings import Settings
from games.settings_store import load_settings, save_settings, update_settings
from telemetry import locking
from telemetry.children import ChildrenRegistry
from telemetry.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
_FORK = multiprocessing.get_context("fork")


def _standin_msvcrt() -> types.ModuleType:
    """msvcrt's ``locking(fd, mode, nbytes)`` on the bytes from the current position, backed by
    ``fcntl.lockf`` (a real lock between processes); a taken range raises OSError at once."""
    import fcntl

    mod = types.ModuleType("msvcrt")
    mod.LK_UNLCK, mod.LK_LOCK, mod.LK_NBLCK = 0, 1, 2  # type: ignore[attr-defined]

    def lock_range(fd: int, mode: int, nbytes: int) -> None:
        if mode == 0:
            fcntl.lockf(fd, fcntl.LOCK_UN, nbytes, 0, os.SEEK_CUR)
            return
        assert mode == 2, "finemotor only uses the non-blocking lock"
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, nbytes, 0, os.SEEK_CUR)
        except BlockingIOError:
            raise PermissionError(13, "Permission denied") from None

    mod.locking = lock_range  # type: ignore[attr-defined]
    return mod


@pytest.fixture(params=["posix", "windows"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with fcntl.flock (posix) and with the msvcrt branch (windows, stand-in)."""
    if request.param == "windows":
        monkeypatch.setattr(locking, "_msvcrt", _standin_msvcrt())
    monkeypatch.setattr(locking, "_forced_backend", request.param)
    yield request.param


def _run_at_once(jobs: list[Callable[[], None]]) -> list[int]:
    """Fork one process per job, release them together, return their exit codes."""
    gate = _FORK.Event()

    def run(job: Callable[[], None]) -> None:
        gate.wait(60)
        job()

    procs = [_FORK.Process(target=run, args=(job,)) for job in jobs]
    for p in procs:
        p.start()
    time.sleep(0.2)  # let every process reach the gate
    gate.set()
    for p in procs:
        p.join(120)
    return [p.exitcode for p in procs]


def _roster(data: Path) -> list[list[str]]:
    with open(data / "children.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))[1:]


def test_100_parallel_adds_keep_100_children(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    reg = ChildrenRegistry(data)
    codes = _run_at_once([lambda i=i: reg.add(f"kid{i:03d}") for i in range(100)])
    assert codes == [0] * 100
    rows = _roster(data)
    assert sorted(r[1] for r in rows) == [f"kid{i:03d}" for i in range(100)]
    assert len({r[0] for r in rows}) == 100


def test_parallel_renames_deletes_and_adds_all_survive(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    reg = ChildrenRegistry(data)
    to_rename = [reg.add(f"old{i:02d}") for i in range(20)]
    to_delete = [reg.add(f"gone{i:02d}") for i in range(20)]
    jobs: list[Callable[[], None]] = []
    for i, child in enumerate(to_rename):
        jobs.append(lambda c=child, i=i: reg.rename(c.child_id, f"new{i:02d}"))
    for child in to_delete:
        jobs.append(lambda c=child: reg.delete(c.child_id))
    for i in range(20):
        jobs.append(lambda i=i: reg.add(f"add{i:02d}"))
    assert _run_at_once(jobs) == [0] * 60
    names = sorted(r[1] for r in _roster(data))
    assert names == [f"add{i:02d}" for i in range(20)] + [f"new{i:02d}" for i in range(20)]
    assert {r[0] for r in _roster(data)} >= {c.child_id for c in to_rename}


def test_parallel_settings_updates_all_survive(tmp_path: Path, backend: str) -> None:
    data = tmp_path / "data"
    save_settings(data, Settings(session_minutes=1), "home")

    def one_more_minute() -> None:
        update_settings(
            data, lambda s, mode: (Settings(**{**s.to_dict(), "session_minutes":
                                               s.session_minutes + 1}), mode)
        )

    assert _run_at_once([one_more_minute] * 60) == [0] * 60
    assert load_settings(data) == (Settings(session_minutes=61), "home")


def test_parallel_cli_children_add_keep_every_child(tmp_path: Path) -> None:
    # The real command line, as a parent would run it twice in two terminals (times 20).
    data = tmp_path / "data"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "games", "children", "add", f"cli{i:02d}", "--data",
             str(data)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT,
        )
        for i in range(20)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [e for _, e in outs]
    assert sorted(r[1] for r in _roster(data)) == [f"cli{i:02d}" for i in range(20)]


def test_lock_file_is_private_kept_and_reentrant(tmp_path: Path) -> None:
    target = tmp_path / "shared.json"
    with locking.locked(target) as sidecar:
        assert sidecar == tmp_path / ".shared.json.lock"
        with locking.locked(target):  # the same thread again: no deadlock
            pass
    assert stat.S_IMODE(os.stat(sidecar).st_mode) == 0o600
    assert sidecar.exists()  # never deleted: a delete would race with the next locker
    assert not target.exists()  # the lock never creates or touches the shared file


def test_a_lock_held_too_long_is_one_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "children.csv"
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with locking.locked(target):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(UsageError) as err, locking.locked(target, timeout=0.05):
            pass
    finally:
        release.set()
        thread.join()
    assert str(err.value) == (
        f"{target} is being changed by another finemotor process and stayed locked for "
        f"0.05 s (lock file {tmp_path / '.children.csv.lock'}): try again when it is done"
    )
