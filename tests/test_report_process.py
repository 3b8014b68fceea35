"""A report process loads only what its pages show: `finemotor report` for a child who only
traced imports no pygame, no pinch or sequencing scoring, no export or chart libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from telemetry.children import ChildrenRegistry
from telemetry.recorder import SessionRecorder

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from games import cli
    code = cli.main(["report", "--data-dir", sys.argv[1], "--child", sys.argv[2],
                     "--out", sys.argv[3], "--until", "2026-03-31"])
    assert code == 0, code
    print(json.dumps(sorted(sys.modules)))
    """
)


def _traced(data: Path, child: str) -> None:
    ns = [1_000_000_000]
    rec = SessionRecorder.start(data, child, wall_clock=lambda: datetime(
        2026, 3, 2, 16, tzinfo=timezone.utc), clock_ns=lambda: ns[0], mode="clinic")
    for n in (1, 2):
        rec.begin_trial("tracing", 1, "line_h", "trace")
        rec.add_targets("model_path", 0, [(100, 100), (300, 100)])
        rec.add_targets("tolerance", 0, [(20, 20)])
        for i in range(5):
            rec.add_sample(ns[0] + i * 10_000_000, 100 + 50 * i, 101, 0,
                           "down" if i == 0 else "up" if i == 4 else "move", "touch")
        ns[0] += 500_000_000
        rec.finish_trial(accuracy=0.5 + n / 10, errors=0, completed=True,
                         metrics=[("coverage", 90.0, "%")])
    rec.close()


def test_one_traced_child_report_imports_only_what_it_shows(tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = ChildrenRegistry(data).add("Anna", "cat").child_id
    _traced(data, child)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), child, str(tmp_path / "report")],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    modules = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"pandas", "telemetry.report", "telemetry.summary_cache"} <= modules
    shown_nowhere = sorted(m for m in modules if m.split(".")[0] in (
        "pygame", "engine", "matplotlib", "scipy", "duckdb", "pyarrow", "polars"))
    assert shown_nowhere == []
    # No board was drawn and no routine shown: their scoring stays unloaded.
    unused = sorted(m for m in modules if m in (
        "games.pinch.score", "games.pinch.scene", "games.sequencing.score",
        "games.sequencing.scene", "games.tracing.scene", "games.tracing.scoring",
        "telemetry.export", "telemetry.export_parquet"))
    assert unused == []
