"""SessionRecorder: folder layout, exact file contents, trial lifecycle, lock and permissions."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from telemetry import schema
from telemetry.errors import UsageError
from telemetry.recorder import SessionRecorder, iso_utc
from telemetry.storage import acquire_lock

CHILD = "0123456789abcdef0123456789abcdef"
T0 = datetime(2025, 3, 1, 9, 30, 0, 250000, tzinfo=timezone.utc)


class StepClock:
    """Monotonic ns clock that moves only when told (like engine.clock.ManualClock)."""

    def __init__(self, start: int = 7_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now


class WallClock:
    """Wall clock returning T0 plus a settable offset."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return T0 + self.offset


def _start(data: Path, **kw: object) -> tuple[SessionRecorder, StepClock, WallClock]:
    clock, wall = StepClock(), WallClock()
    rec = SessionRecorder.start(data, CHILD, clock_ns=clock, wall_clock=wall, **kw)  # type: ignore[arg-type]
    return rec, clock, wall


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _row(values: tuple[object, ...]) -> str:
    return schema.encode_row(values).decode()[:-1]


def test_start_creates_folder_session_json_and_headers(tmp_path: Path) -> None:
    rec, _, _ = _start(tmp_path / "data", screen_px=(1920, 1080), screen_mm=(344.2, 193.6))
    try:
        assert re.fullmatch(r"[0-9a-f]{32}", rec.session_id)
        assert rec.folder == tmp_path / "data" / "sessions" / CHILD / f"2025-03-01_{rec.session_id}"
        assert rec.child_id == CHILD
        assert rec.origin_ns == 7_000_000_000
        meta = json.loads((rec.folder / "session.json").read_text())
        assert meta == {
            "schema_version": 1,
            "session_id": rec.session_id,
            "child_id": CHILD,
            "started_at": "2025-03-01T09:30:00.250000Z",
            "ended_at": None,
            "mode": "home",
            "app_version": "0.1.0",
            "screen": {"width_px": 1920, "height_px": 1080, "width_mm": 344.2, "height_mm": 193.6},
            "handedness": "right",
        }
        for table in schema.SESSION_TABLES:
            assert (rec.folder / table.filename).read_bytes() == table.header_line()
        assert (rec.folder / "trials.csv").read_text() == (
            "schema_version,session_id,child_id,activity,level,trial,item,mode,started_at,"
            "duration_ms,accuracy,errors,completed,crc32\n"
        )
        assert sorted(p.name for p in rec.folder.iterdir()) == [
            ".lock",
            "metrics.csv",
            "samples.csv",
            "session.json",
            "targets.csv",
            "trials.csv",
        ]
    finally:
        rec.close()
    # The lock file goes with the lock.
    assert not (rec.folder / ".lock").exists()


def test_trial_rows_exact_text(tmp_path: Path) -> None:
    rec, clock, wall = _start(tmp_path)
    sid = rec.session_id
    wall.offset = timedelta(seconds=5)
    assert rec.begin_trial("tracing", 2, "circle", "trace") == 1
    rec.add_targets("model_path", 0, [(100, 200), (150.5, 200.25)])
    rec.add_sample(clock.now + 1_500_000, 101.0, 199.5, 0, "down", "mouse")
    rec.add_sample(clock.now + 2_000_000, 102, 199, 0, "up", "mouse")
    clock.now += 1_234_567_891
    rec.finish_trial(
        accuracy=0.8125,
        errors=3,
        completed=True,
        metrics=[("mean_deviation", 4.56789, "px"), ("name, with comma", 2, "count")],
    )
    wall.offset = timedelta(seconds=9)
    assert rec.begin_trial("pinch", 1, "") == 2
    rec.add_sample(clock.now, 5, 6, 1, "down", "touch")
    rec.finish_trial(accuracy=None, errors=0, completed=False, duration_ms=12.5)
    assert rec.flush()
    assert rec.durable_trials == 2
    folder = rec.folder
    assert _lines(folder / "trials.csv")[1:] == [
        _row((sid, CHILD, "tracing", 2, 1, "circle", "trace", "2025-03-01T09:30:05.250000Z",
              1234.5679, 0.8125, 3, 1)),
        _row((sid, CHILD, "pinch", 1, 2, "", "", "2025-03-01T09:30:09.250000Z", 12.5, None, 0, 0)),
        "",
    ]
    # The literal text of one row, crc32 included, so the format itself is pinned down.
    row = _lines(folder / "trials.csv")[1]
    body = (
        f"1,{sid},{CHILD},tracing,2,1,circle,trace,2025-03-01T09:30:05.250000Z,"
        "1234.5679,0.8125,3,1"
    )
    assert row == f"{body},{zlib.crc32(body.encode()):08x}"
    quoted = f'1,{sid},1,tracing,"name, with comma",2.0,count'
    assert _lines(folder / "metrics.csv")[1:] == [
        _row((sid, 1, "tracing", "mean_deviation", 4.5679, "px")),
        f"{quoted},{zlib.crc32(quoted.encode()):08x}",
        "",
    ]
    assert _lines(folder / "samples.csv")[1:] == [
        _row((sid, 1, 1.5, 101.0, 199.5, 0, "down", "mouse")),
        _row((sid, 1, 2.0, 102, 199, 0, "up", "mouse")),
        _row((sid, 2, 1234.567891, 5, 6, 1, "down", "touch")),
        "",
    ]
    assert _lines(folder / "targets.csv")[1:] == [
        _row((sid, 1, "model_path", 0, 0, 100, 200)),
        _row((sid, 1, "model_path", 0, 1, 150.5, 200.25)),
        "",
    ]
    wall.offset = timedelta(minutes=20)
    rec.close()
    meta = json.loads((folder / "session.json").read_text())
    assert meta["ended_at"] == "2025-03-01T09:50:00.250000Z"


def test_every_row_has_version_and_valid_crc(tmp_path: Path) -> None:
    with SessionRecorder.start(tmp_path, CHILD) as rec:
        for n in range(3):
            rec.begin_trial("sequencing", n + 1, f"routine{n}")
            rec.add_targets("slot", n, [(i, i * 2) for i in range(5)])
            for i in range(50):
                rec.add_sample(time.perf_counter_ns(), i, i, 0, "move", "pen")
            rec.finish_trial(accuracy=1, errors=0, completed=True, metrics=[("moves", 4, "count")])
    for table in schema.SESSION_TABLES:
        lines = (rec.folder / table.filename).read_bytes().splitlines(keepends=True)
        assert lines[0] == table.header_line()
        assert len(lines) > 1
        for line in lines[1:]:
            assert line.startswith(b"1,")
            assert schema.row_is_valid(line)
            assert line.count(b",") == len(table.header) - 1


def test_samples_outside_a_trial_are_ignored(tmp_path: Path) -> None:
    with SessionRecorder.start(tmp_path, CHILD) as rec:
        rec.add_sample(1, 2, 3, 0, "move", "mouse")
        rec.begin_trial("tracing", 1, "line")
        rec.finish_trial(accuracy=0.5, errors=1, completed=True)
        rec.add_sample(1, 2, 3, 0, "move", "mouse")
    assert (rec.folder / "samples.csv").read_bytes() == schema.SAMPLES.header_line()


def test_begin_while_open_and_close_abandon_open_trials(tmp_path: Path) -> None:
    rec, clock, _ = _start(tmp_path)
    rec.begin_trial("tracing", 1, "a")
    clock.now += 2_000_000
    assert rec.begin_trial("tracing", 1, "b") == 2
    clock.now += 3_000_000
    rec.close()
    rec.close()  # idempotent
    lines = _lines(rec.folder / "trials.csv")
    sid = rec.session_id
    ts = "2025-03-01T09:30:00.250000Z"
    assert lines[1:] == [
        _row((sid, CHILD, "tracing", 1, 1, "a", "", ts, 2.0, None, 0, 0)),
        _row((sid, CHILD, "tracing", 1, 2, "b", "", ts, 3.0, None, 0, 0)),
        "",
    ]
    assert rec.closed


def test_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^invalid child id: '\.\./x' \(use the id from"):
        SessionRecorder.start(tmp_path, "../x")
    with pytest.raises(UsageError,
                       match=r"^invalid mode: 'school' \(one of clinic, home, assessment\)$"):
        SessionRecorder.start(tmp_path, CHILD, mode="school")
    rec, _, _ = _start(tmp_path)
    with pytest.raises(UsageError) as err:
        rec.finish_trial(accuracy=1, errors=0, completed=True)
    assert str(err.value) == "finish_trial without an open trial: call begin_trial first"
    with pytest.raises(UsageError) as err:
        rec.add_targets("cup", 0, [(1, 2)])
    assert str(err.value) == "add_targets needs an open trial: call begin_trial first"
    with pytest.raises(ValueError, match="item must not contain a line break"):
        rec.begin_trial("tracing", 1, "a\nb")
    rec.begin_trial("tracing", 1, "a")
    with pytest.raises(ValueError) as verr:
        rec.finish_trial(accuracy=1.5, errors=0, completed=True)
    assert str(verr.value) == "accuracy must be within 0..1, got 1.5"
    rec.close()
    with pytest.raises(UsageError) as err:
        rec.begin_trial("tracing", 1, "a")
    assert str(err.value) == f"session {rec.session_id} is closed"


def test_samples_are_flushed_during_a_trial_without_flush_call(tmp_path: Path) -> None:
    rec, clock, _ = _start(tmp_path, sample_flush_s=0.05)
    try:
        rec.begin_trial("tracing", 1, "line")
        for i in range(10):
            rec.add_sample(clock.now + i * 1_000_000, i, i, 0, "move", "mouse")
        path = rec.folder / "samples.csv"
        deadline = time.monotonic() + 5.0
        while len(_lines(path)) < 12 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(_lines(path)) == 12  # header, 10 rows, final ''
        # The trial row only comes when the trial finishes.
        assert (rec.folder / "trials.csv").read_bytes() == schema.TRIALS.header_line()
        # Samples added after a periodic write are written once, in order, at the finish.
        for i in range(10, 15):
            rec.add_sample(clock.now + i * 1_000_000, i, i, 0, "move", "mouse")
        rec.finish_trial(accuracy=1, errors=0, completed=True)
        rec.flush()
        sid = rec.session_id
        assert _lines(path)[1:] == [
            *(_row((sid, 1, float(i), i, i, 0, "move", "mouse")) for i in range(15)),
            "",
        ]
    finally:
        rec.close()


def test_numpy_targets(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    with SessionRecorder.start(tmp_path, CHILD) as rec:
        rec.begin_trial("tracing", 1, "line")
        rec.add_targets("model_path", 1, np.array([[0.0, 1.0], [2.0, 3.5]]))
        rec.finish_trial(accuracy=1, errors=0, completed=True)
    sid = rec.session_id
    assert _lines(rec.folder / "targets.csv")[1:] == [
        _row((sid, 1, "model_path", 1, 0, 0.0, 1.0)),
        _row((sid, 1, "model_path", 1, 1, 2.0, 3.5)),
        "",
    ]


def test_session_lock_refuses_a_second_writer(tmp_path: Path) -> None:
    rec, _, _ = _start(tmp_path)
    expected = (
        f"session folder is in use by another finemotor process: {rec.folder} "
        f"(lock file {rec.folder / '.lock'})"
    )
    with pytest.raises(UsageError) as err:
        acquire_lock(rec.folder)
    assert str(err.value) == expected
    # Another process is refused too.
    code = (
        "import sys\nfrom telemetry.storage import acquire_lock\nfrom telemetry.errors import "
        "UsageError\ntry:\n    acquire_lock(sys.argv[1])\nexcept UsageError as e:\n"
        "    print(e)\n    sys.exit(3)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(rec.folder)], capture_output=True, text=True
    )
    assert proc.returncode == 3
    assert proc.stdout.strip() == expected
    rec.close()
    lock = acquire_lock(rec.folder)  # free again once closed
    assert lock.held
    lock.release()
    assert not (rec.folder / ".lock").exists()


def test_every_file_and_folder_is_owner_only(tmp_path: Path) -> None:
    old = os.umask(0)  # permissions must not depend on the user's umask
    try:
        data = tmp_path / "data"
        data.mkdir(mode=0o755)
        os.chmod(data, 0o755)
        with SessionRecorder.start(data, CHILD) as rec:
            rec.begin_trial("tracing", 1, "x")
            rec.add_sample(time.perf_counter_ns(), 1, 1, 0, "move", "mouse")
            rec.finish_trial(accuracy=1, errors=0, completed=True)
    finally:
        os.umask(old)
    seen = 0
    for root, _dirs, files in os.walk(data):
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700, root
        for name in files:
            assert stat.S_IMODE(os.stat(Path(root) / name).st_mode) == 0o600, name
            seen += 1
    assert seen == 5


def test_iso_utc_rejects_naive_datetimes() -> None:
    assert iso_utc(datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))) == (
        "2025-01-02T01:04:05.000000Z"
    )
    with pytest.raises(ValueError, match="naive datetime"):
        iso_utc(datetime(2025, 1, 2))


# -- no fsync on the caller's thread (start/close with wait=False) ---------------------------

def test_start_and_close_without_wait_return_before_any_fsync(
    tmp_path: Path, held_fsync
) -> None:
    clock, wall = StepClock(), WallClock()
    # Every fsync is held shut: start and close return while it is, so they did not wait.
    rec = SessionRecorder.start(tmp_path, CHILD, clock_ns=clock, wall_clock=wall, wait=False)
    rec.begin_trial("tracing", 1, "line")
    rec.add_sample(clock.now, 1, 2, 0, "down", "mouse")
    rec.finish_trial(accuracy=0.5, errors=1, completed=True, metrics=[("m", 1, "px")])
    wall.offset = timedelta(minutes=3)
    rec.close(wait=False)
    assert held_fsync.timed_out == [] and not held_fsync.gate.is_set()
    assert not rec.done  # still writing: the fsyncs happen on the writer thread
    # The folder is locked until the writer has finished, not merely until close returned.
    with pytest.raises(UsageError, match="^session folder is in use by another finemotor"):
        acquire_lock(rec.folder)

    held_fsync.open()
    assert rec.join() is True
    assert rec.done and rec.ready and rec.error is None
    meta = json.loads((rec.folder / "session.json").read_text())
    assert meta["ended_at"] == "2025-03-01T09:33:00.250000Z"
    sid = rec.session_id
    assert _lines(rec.folder / "trials.csv")[1:] == [
        _row((sid, CHILD, "tracing", 1, 1, "line", "", "2025-03-01T09:30:00.250000Z", 0.0,
              0.5, 1, 1)),
        "",
    ]
    assert _lines(rec.folder / "samples.csv")[1:] == [
        _row((sid, 1, 0.0, 1, 2, 0, "down", "mouse")),
        "",
    ]
    assert _lines(rec.folder / "metrics.csv")[1:] == [_row((sid, 1, "tracing", "m", 1.0, "px")), ""]
    assert not (rec.folder / ".lock").exists()
    # Set-up (4 tables, session.json, 4 folders), the trial (4 tables) and close (session.json
    # and its folder) all went through the slow fsync, none of them on this thread's clock.
    assert len(held_fsync.calls) >= 14 and held_fsync.timed_out == []
    rec.close()  # already finished: returns at once, raises nothing
    acquire_lock(rec.folder).release()


def test_close_waits_by_default(tmp_path: Path, held_fsync) -> None:
    held_fsync.open()
    rec, _, _ = _start(tmp_path)  # wait=True: the folder is complete when start returns
    assert rec.ready
    assert len(held_fsync.calls) >= 9
    rec.close()
    assert rec.done
    assert json.loads((rec.folder / "session.json").read_text())["ended_at"] is not None


def _fail_setup(monkeypatch: pytest.MonkeyPatch) -> OSError:
    import errno

    from telemetry import recorder_writer

    error = OSError(errno.ENOSPC, "No space left on device")

    def full(path: object, obj: object) -> None:
        raise error

    monkeypatch.setattr(recorder_writer, "atomic_write_json", full)
    return error


def test_setup_error_without_wait_is_kept_and_raised_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _fail_setup(monkeypatch)
    rec = SessionRecorder.start(tmp_path, CHILD, wait=False)  # returns before the set-up ran
    message = f"recording to {rec.folder} failed: [Errno 28] No space left on device"
    with pytest.raises(OSError) as err:
        rec.flush()  # waits for the set-up (queued first)
    assert str(err.value) == message and err.value.__cause__ is error
    assert rec.error is error and not rec.ready
    # The game's calls go on without raising: nothing is recorded, the child keeps playing.
    rec.begin_trial("tracing", 1, "line")
    rec.add_sample(1, 2, 3, 0, "down", "mouse")
    rec.finish_trial(accuracy=1, errors=0, completed=True)
    with pytest.raises(OSError) as err:
        rec.close()
    assert str(err.value) == message
    assert rec.done
    rec.close()  # raised once already
    # A half-made folder gets no ended_at and no rows; its lock is released.
    assert sorted(p.name for p in rec.folder.iterdir()) == []
    acquire_lock(rec.folder).release()


def test_setup_error_with_wait_raises_from_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _fail_setup(monkeypatch)
    with pytest.raises(OSError) as err:
        SessionRecorder.start(tmp_path, CHILD)
    assert err.value is error
    (folder,) = (tmp_path / "sessions" / CHILD).iterdir()
    assert not (folder / ".lock").exists()


def test_join_needs_close(tmp_path: Path) -> None:
    rec, _, _ = _start(tmp_path)
    with pytest.raises(UsageError) as err:
        rec.join()
    assert str(err.value) == f"session {rec.session_id} is still open: close it before join"
    rec.close()


def test_process_exit_waits_for_sessions_closed_without_wait(tmp_path: Path) -> None:
    # The writer is a daemon thread: the atexit hook must finish its work (ended_at, rows,
    # fsyncs) before the interpreter goes, even with a slow disk and no join() anywhere.
    code = (
        "import os, sys, time\n"
        "real = os.fsync\n"
        "def slow(fd):\n"
        "    time.sleep(0.05)\n"
        "    real(fd)\n"
        "os.fsync = slow\n"
        "from telemetry.recorder import SessionRecorder\n"
        "rec = SessionRecorder.start(sys.argv[1], sys.argv[2], wait=False)\n"
        "rec.begin_trial('tracing', 1, 'line')\n"
        "rec.finish_trial(accuracy=1, errors=0, completed=True)\n"
        "open_rec = SessionRecorder.start(sys.argv[1], sys.argv[2], wait=False)\n"
        "open_rec.begin_trial('tracing', 1, 'never finished')\n"
        "rec.close(wait=False)\n"
        "print(rec.done, open_rec.done)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), CHILD],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "False False\n"
    folders = sorted((tmp_path / "sessions" / CHILD).iterdir())
    assert len(folders) == 2
    items = []
    for folder in folders:
        assert json.loads((folder / "session.json").read_text())["ended_at"] is not None
        assert not (folder / ".lock").exists()
        (row,) = _lines(folder / "trials.csv")[1:-1]
        items.append(row.split(",")[6])
    assert sorted(items) == ["line", "never finished"]


def test_setup_fsyncs_every_new_folder_entry_up_to_the_data_folder(
    tmp_path: Path, synced_dirs: list[Path]
) -> None:
    synced = synced_dirs
    data = tmp_path / "new" / "data"  # neither exists yet
    with SessionRecorder.start(data, CHILD) as rec:
        setup = set(synced)
    child_dir = data / "sessions" / CHILD
    # Each folder holds the entry of the one below: the session folder in the child's, the
    # child's in sessions/, sessions/ in the data folder, the data folder in new/, new/ in
    # tmp_path. Plus the session folder itself (its files' entries).
    assert setup == {rec.folder, child_dir, data / "sessions", data, tmp_path / "new", tmp_path}
    # An existing data folder: its parent is none of our business.
    synced.clear()
    with SessionRecorder.start(data, CHILD) as rec2:
        assert set(synced) == {rec2.folder, child_dir, data / "sessions", data}


def test_numpy_scalars_are_stored_as_their_python_values() -> None:
    import numpy as np

    from telemetry.schema import encode_plain_row

    assert encode_plain_row([np.float64(0.123456), np.float32(1.5), np.float32(0.1),
                             np.int64(3), np.bool_(True), np.bool_(False),
                             np.float64("nan")]) == b"0.1235,1.5,0.1,3,1,0,\n"
