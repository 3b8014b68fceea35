"""No network, proved from below Python's socket module: a whole session of the real tracing
game and the report run in a fresh interpreter whose audit hook refuses every socket event.

``sys.addaudithook`` sees ``socket.__new__``, ``socket.connect``, ``socket.getaddrinfo`` and
the rest wherever they come from (our code, a library, a C extension going through the socket
module), and a hook cannot be removed once added. The child process plays through the real
launcher, set picker, tracing scene, recorder and report, then prints what it saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r'''
import json, os, sys
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
attempts = []

def no_network(event, args):
    if event.startswith("socket."):
        attempts.append(event)
        raise PermissionError(f"network refused in this test: {event}")

sys.addaudithook(no_network)
import socket
try:
    socket.socket()  # the hook is live: this must be refused
except PermissionError:
    pass
refused_probe = list(attempts)
attempts.clear()

from engine.settings import Settings
from engine.testing import ScriptedHand, make_test_app
from games.launcher import Launcher
from games.registry import load_activities
from games.tracing.scene import TracingScene
from telemetry.children import ChildrenRegistry
from games.reporting import build_reports

data = sys.argv[1]
child = ChildrenRegistry(data).add("Mia", "cat")
app = make_test_app(settings=Settings(sound_on=True))
launcher = Launcher(app, data, activities=load_activities(), mode="clinic")
app.on_quit = launcher.end_session
launcher.start()
hand = ScriptedHand(app)
settle = 0.5  # a new screen ignores presses for its first 0.3 s (double-tap guard)
hand.wait(settle)
hand.tap(app.stack.top.tiles[0].rect.center)  # the child's picture
hand.wait(settle)
hand.tap(app.stack.top.tiles[0].rect.center)  # the Tracing tile
picker = app.stack.top.scene
hand.wait(settle)
hand.tap(picker.tiles["prewriting"].rect.center)
scene = app.stack.top.scene
assert isinstance(scene, TracingScene)
hand.step()
hand.tap((640, 780))  # the shape's "watch me" demo plays first: a tap ends it (not recorded)
for stroke in [m.copy() for m in scene.model]:
    hand.drag([(float(x), float(y)) for x, y in stroke.tolist()], speed=900)
    hand.wait(0.2)
completed = len(scene.results)
hand.wait(3.0)
app.close()
launcher.end_session(wait=True)
build_reports(data, os.path.join(data, "report"), progress=False)
print(json.dumps({"probe": refused_probe, "attempts": attempts, "completed": completed}))
'''


def test_a_session_and_its_report_open_no_socket(tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["probe"] == ["socket.__new__"]  # the hook was live and refused a socket
    assert seen["attempts"] == []  # nothing else asked for one
    assert seen["completed"] == 1
    (child_dir,) = (tmp_path / "sessions").iterdir()
    # The session folder, beside the report's summary and trial caches and their lock files.
    (session,) = [p for p in child_dir.iterdir() if p.is_dir()]
    assert sorted(p.name for p in child_dir.iterdir() if not p.is_dir()) == [
        "..summaries.cache.lock", "..trials.cache.lock", ".summaries.cache", ".trials.cache"]
    trials = (session / "trials.csv").read_text(encoding="utf-8").splitlines()
    assert trials[1].split(",")[3:8] == ["tracing", "1", "1", "vertical", "trace"]
    assert (tmp_path / "report" / "index.html").is_file()

