"""The play process stays light: no pandas, matplotlib or scipy on the way to the first frames."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from telemetry.children import ChildrenRegistry

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "matplotlib", "scipy", "duckdb", "pyarrow", "polars")

# Runs the real command line (child picked, so the recorder, the activity picker and every
# registered activity package are imported), then a few more frames of another launcher whose
# session begins a trial (so it is written: a visit without a trial writes nothing).
SCRIPT = textwrap.dedent(
    """
    import json, sys
    from games import cli
    code = cli.main(["play", "--windowed", "--data-dir", sys.argv[1], "--child", sys.argv[2],
                     "--exit-after-first-frame"])
    assert code == 0, code
    from engine.app import App, AppConfig
    from games.launcher import Launcher
    app = App(AppConfig(size=(1280, 800)))
    launcher = Launcher(app, sys.argv[1])
    launcher.start(sys.argv[2])
    app.recorder.begin_trial("probe", 1, "x")  # a game's first trial: the session is written
    for _ in range(10):
        app.frame()
    app.close()
    print(json.dumps(sorted(sys.modules)))
    """
)


def test_play_path_imports_no_pandas_matplotlib_or_scipy(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Anna", "cat")
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), child.child_id],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    modules = json.loads(last)
    assert "games.launcher" in modules and "telemetry.recorder" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []
    # One session was recorded (the second launcher's, with a trial), and closed; the first
    # launcher's visit, with no trial, left nothing.
    folders = list((tmp_path / "sessions" / child.child_id).iterdir())
    assert len(folders) == 1
    for folder in folders:
        meta = json.loads((folder / "session.json").read_text(encoding="utf-8"))
        assert meta["ended_at"] is not None
