"""The activity contract, for every registered activity and the test-only "tap the star".

An activity is done when this passes for it: its ``ACTIVITY`` is valid; a trial played through
the real input code (``engine.testing.ScriptedHand``, driven by ``tests/players/<id>.py``) is
recorded; the trial re-scored from disk (``Activity.rescore``) equals the stored figures; its
report sections render into the child's page; its demo simulator writes data the report reads
(and re-scores to its stored figures too). ``tests/star_activity`` is the smallest activity
that passes: it proves the kit needs nothing else.
"""

from __future__ import annotations

import importlib
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from star_activity import ACTIVITY as STAR  # noqa: E402

from engine.record import NullSink
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.kit.activity import Activity  # noqa: E402
from games.kit.demo import SimClock, SimTrial  # noqa: E402
from games.kit.rescore import differences, read_trial  # noqa: E402
from games.registry import load_activities  # noqa: E402
from telemetry.children import ChildrenRegistry  # noqa: E402
from telemetry.recorder import SessionRecorder  # noqa: E402
from telemetry.report_sections import ChildContext, ReportContext, SectionOutput  # noqa: E402

ACTIVITIES = [*load_activities(), STAR]
NOW = datetime(2026, 3, 27, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(params=ACTIVITIES, ids=[a.id for a in ACTIVITIES])
def activity(request: pytest.FixtureRequest) -> Activity:
    return request.param


def test_the_contract_covers_the_real_activities_and_the_star() -> None:
    assert "tracing" in [a.id for a in ACTIVITIES] and ACTIVITIES[-1] is STAR


def test_activity_is_valid(activity: Activity, tmp_path: Path) -> None:
    assert activity.title and activity.levels >= 1
    icon = pygame.Surface((96, 96), pygame.SRCALPHA)
    activity.draw_icon(icon, icon.get_rect())
    assert pygame.mask.from_surface(icon).count() > 96 * 96 // 20  # it draws a picture
    missing = [h for h in ("items", "read_levels", "pin_level", "report_sections", "simulate",
                           "rescore") if getattr(activity, h) is None]
    assert missing == [], f"{activity.id} lacks the hooks {missing}"
    assert activity.items is not None
    items = activity.items()
    assert items and len(set(items)) == len(items)
    assert all(isinstance(activity.label(i), str) and activity.label(i) for i in items)
    assert activity.sections(), "an activity shows at least one report section"
    assert activity.read_levels is not None and activity.pin_level is not None
    assert activity.read_levels(tmp_path, "c1") == {}
    activity.pin_level(tmp_path, "c1", items[-1], activity.levels)
    assert activity.read_levels(tmp_path, "c1") == {items[-1]: (activity.levels, True)}
    activity.pin_level(tmp_path, "c1", items[-1], None)
    assert activity.read_levels(tmp_path, "c1") == {}


class Captured:
    """A report section that remembers what the real one rendered for each child."""

    def __init__(self, section) -> None:
        self.section = section
        self.key = section.key
        self.html: dict[str, str] = {}

    def prepare(self, report: ReportContext) -> None:
        self.section.prepare(report)

    def render(self, child: ChildContext) -> SectionOutput:
        out = self.section.render(child)
        self.html[child.child_id] = out.html
        return out


def report_shows(activity: Activity, data: Path, out: Path, child_id: str) -> None:
    """Build the report with the activity's sections: each renders into the child's page."""
    from telemetry.report import build_reports

    captured = [Captured(s) for s in activity.sections()]
    res = build_reports(data, out, progress=False, now=NOW + timedelta(days=1),
                        sections=captured, activity_titles={activity.id: activity.title})
    page = res.child_pages[child_id].read_text(encoding="utf-8")
    shown = [c.html[child_id] for c in captured if c.html.get(child_id)]
    assert shown, f"no section of {activity.id} rendered anything"
    assert all(html in page for html in shown)


def completed_trials(folder: Path, activity: str) -> list[int]:
    """Trial numbers of the session's completed trials of ``activity`` (checked rows)."""
    from telemetry.loader import load_session_table

    trials, _ = load_session_table(folder, "trials")
    done = trials[(trials["activity"] == activity) & trials["completed"]]
    return [int(n) for n in done["trial"]]


def assert_rescores(activity: Activity, folder: Path, session_id: str, trial: int) -> None:
    stored = read_trial(folder, session_id, trial)
    assert stored.activity == activity.id and stored.completed
    assert activity.rescore is not None
    assert differences(stored.stored, activity.rescore(stored)) == []


def test_a_scripted_trial_is_recorded_rescored_and_reported(activity: Activity,
                                                           tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = ChildrenRegistry(data).add("Mia", "cat")
    app = make_test_app(settings=Settings(sound_on=False))
    rec = SessionRecorder.start(data, child.child_id, mode="clinic")
    app.recorder = rec
    try:
        app.stack.push(activity.make_scene(app, child.child_id, 1))
        player = importlib.import_module(f"players.{activity.id}")
        player.play_one_trial(app, ScriptedHand(app))
        while len(app.stack):
            app.stack.pop()
    finally:
        app.recorder = NullSink()
        rec.close()
    done = completed_trials(rec.folder, activity.id)
    assert done, f"the scripted trial of {activity.id} was not recorded completed"
    for n in done:
        assert_rescores(activity, rec.folder, rec.session_id, n)
    report_shows(activity, data, tmp_path / "report", child.child_id)


def test_the_demo_simulator_writes_data_the_report_reads(activity: Activity,
                                                        tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = ChildrenRegistry(data).add("Noor", "owl")
    clock = SimClock(NOW - timedelta(days=2))
    rec = SessionRecorder.start(data, child.child_id, mode="home", clock_ns=clock.mono_ns,
                                wall_clock=clock.wall_now)
    rng = np.random.default_rng(5)
    state: dict = {}
    assert activity.simulate is not None
    for _ in range(4):
        clock.advance(5.0)
        activity.simulate(SimTrial(recorder=rec, clock=clock, rng=rng, wobble_px=12.0,
                                   speed_px_s=200.0, weeks_in=1.0, weeks=4, items_known=3,
                                   state=state))
    rec.close()
    done = completed_trials(rec.folder, activity.id)
    assert done, f"the simulator of {activity.id} recorded no completed trial"
    for n in done:
        assert_rescores(activity, rec.folder, rec.session_id, n)
    report_shows(activity, data, tmp_path / "report", child.child_id)


def test_the_star_is_only_kit_engine_and_telemetry() -> None:
    """The test-only activity imports nothing of another activity or the launcher."""
    import ast

    roots: set[str] = set()
    for path in (Path(__file__).parent / "star_activity").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                roots.add(node.module)
            elif isinstance(node, ast.Import):
                roots.update(a.name for a in node.names)
    games = {m for m in roots if m.startswith("games")}
    assert {m.split(".")[1] for m in games} <= {"kit"}
