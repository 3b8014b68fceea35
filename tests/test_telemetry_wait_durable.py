"""finish_trial returns a number; wait_durable says when that trial is saved (issue 14, point 5).

fsync is held shut (``held_fsync``), so "not durable yet" is a fact, not a timing guess; the
errors of a really full disk come from a tiny tmpfs (``helpers_small_disk``).
"""

from __future__ import annotations

from pathlib import Path

from helpers_small_disk import run_on_small_disk

from telemetry.recorder import SessionRecorder

CHILD = "0123456789abcdef0123456789abcdef"


def _trial_rows(folder: Path) -> list[str]:
    return (folder / "trials.csv").read_text(encoding="utf-8").splitlines()[1:]


def test_finish_trial_returns_its_number_and_wait_durable_waits_for_the_fsync(
    tmp_path: Path, held_fsync
) -> None:
    held_fsync.open()
    rec = SessionRecorder.start(tmp_path, CHILD)
    try:
        assert rec.wait_durable() and rec.last_finished == 0  # nothing finished: at once
        assert rec.abandon_trial() is None
        held_fsync.shut()
        rec.begin_trial("dots", 1, "a")
        rec.add_sample(rec.origin_ns, 1.0, 2.0, 0, "down", "mouse")
        first = rec.finish_trial(accuracy=1.0, errors=0, completed=True)
        assert first == 1 and rec.last_finished == 1
        # Returned, but not saved: the writer is held at the samples' fsync, and the trial's
        # row is only written after its detail rows are durable.
        assert rec.wait_durable(first, timeout=0.05) is False
        assert rec.durable_trials == 0 and _trial_rows(rec.folder) == []
        rec.begin_trial("dots", 1, "b")
        assert rec.abandon_trial() == 2
        held_fsync.open()
        assert rec.wait_durable(timeout=10)  # the last one finished (2), so 1 as well
        assert rec.durable_trials == 2
        assert [r.split(",")[5] for r in _trial_rows(rec.folder)] == ["1", "2"]
        assert rec.wait_durable(1, timeout=0)  # already durable: True at once
    finally:
        held_fsync.open()
        rec.close()
    assert held_fsync.timed_out == []


def test_wait_durable_raises_when_the_disk_is_full(tmp_path: Path) -> None:
    # A 48 KB disk: the session folder fits, a trial with 5,000 samples does not.
    result = run_on_small_disk(tmp_path / "disk", size_kb=48, code="""
from telemetry.recorder import SessionRecorder
rec = SessionRecorder.start(FOLDER + "/data", "c" * 32)
rec.begin_trial("dots", 1, "a")
for i in range(5000):
    rec.add_sample(rec.origin_ns + i, 1.5 * i, 2.5 * i, 0, "move", "mouse")
n = rec.finish_trial(accuracy=1.0, errors=0, completed=True)
try:
    rec.wait_durable(n, timeout=30)
except OSError as exc:
    print("raised", rec.durable_trials, exc.__cause__.errno)
else:
    print("durable?", rec.durable_trials)
""")
    assert result.stdout == "raised 0 28\n", result.stderr
