"""Child process for the SIGKILL durability test: records deterministic trials until killed.

Usage: ``python tests/helpers_recorder_child.py DATA_DIR CHILD_ID MARKER_FILE [MODE]``

Every value of trial ``n`` is a function of ``n`` (see :func:`expected_trial`), so the test can
check each row that survives the kill exactly. The trial number is appended to MARKER_FILE (0
first, once the session folder exists) when the trial is acknowledged, which MODE says:

* ``flush`` (default): after ``finish_trial`` + ``flush()``;
* ``durable``: after ``finish_trial`` + ``wait_durable(n)``;
* ``returned``: as soon as ``finish_trial`` returns (NOT a durability promise: used to measure
  the window), while a thread appends ``n`` to ``MARKER_FILE.durable`` once
  ``wait_durable(n)`` says it is durable.

A trial marked after ``flush`` or ``wait_durable`` must be readable after the kill.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

# Runs as a script: make the project importable without relying on the working folder.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ORIGIN_NS = 5_000_000_000


def expected_trial(n: int) -> dict[str, Any]:
    """Every value the child process records for trial ``n``."""
    count = 20 + (n * 7) % 30
    source = "touch" if n % 2 else "mouse"
    samples = []
    for i in range(count):
        phase = "down" if i == 0 else "up" if i == count - 1 else "move"
        # t_ms = n * 1000 + i exactly (t_ns - origin in whole ms)
        samples.append((n * 1000.0 + i, n + i * 0.5, 2.0 * i, n % 2, phase, source))
    return {
        "activity": "tracing" if n % 2 else "pinch",
        "level": 1 + n % 3,
        "item": f"item{n}",
        "mode": "trace",
        "accuracy": (n % 11) / 10,
        "errors": n % 4,
        "completed": n % 5 != 0,
        "duration_ms": 100.0 + n,
        "metrics": [("path_length", n * 1.5, "px"), ("lifts", float(n % 3), "count")],
        "targets": [(float(n), 0.0), (float(n), 1.0), (float(n), 2.0)],
        "samples": samples,
    }


class _Clock:
    """A fixed monotonic clock: sample times are given explicitly, so only origin matters."""

    def __call__(self) -> int:
        return ORIGIN_NS


def main(argv: list[str]) -> int:
    """Record trials forever (until SIGKILL), marking each durable one."""
    from telemetry.recorder import SessionRecorder

    data_dir, child_id, marker = argv[:3]
    mode = argv[3] if len(argv) > 3 else "flush"
    rec = SessionRecorder.start(data_dir, child_id, clock_ns=_Clock(), sample_flush_s=0.01)
    marker_fd = os.open(marker, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(marker_fd, b"0\n")  # the session folder is complete
    if mode == "returned":
        durable_fd = os.open(marker + ".durable", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

        def mark_durable() -> None:
            k = 0
            while True:
                k += 1
                rec.wait_durable(k, timeout=None)
                os.write(durable_fd, b"%d\n" % k)

        threading.Thread(target=mark_durable, daemon=True).start()
    n = 0
    while True:
        n += 1
        exp = expected_trial(n)
        rec.begin_trial(exp["activity"], exp["level"], exp["item"], exp["mode"])
        rec.add_targets("model_path", 0, exp["targets"])
        for i, (t_ms, x, y, pointer, phase, source) in enumerate(exp["samples"]):
            rec.add_sample(ORIGIN_NS + int(t_ms) * 1_000_000, x, y, pointer, phase, source)
            if i % 4 == 3:
                time.sleep(0.002)  # spread the trial over time so kills land mid-trial
        number = rec.finish_trial(
            accuracy=exp["accuracy"],
            errors=exp["errors"],
            completed=exp["completed"],
            metrics=exp["metrics"],
            duration_ms=exp["duration_ms"],
        )
        assert number == n
        if mode == "flush":
            rec.flush()
        elif mode == "durable":
            assert rec.wait_durable(number)
        os.write(marker_fd, b"%d\n" % n)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
