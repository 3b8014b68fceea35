"""The child's profile is the one source of the prompting and single-pointer (assisted) input:
pinch reads them through the launcher's ``app.settings``, sequencing through its own reader,
and sequencing's grown-up choices are written to the profile (its own file keeps routines)."""

from __future__ import annotations

import json

from engine.testing import make_test_app
from games.launcher import ActivityHost, Launcher
from games.pinch import ACTIVITY as PINCH
from games.sequencing.custom import child_settings, settings_path, update_child_settings
from telemetry.children import ChildrenRegistry
from telemetry.profile import load_profile, update_profile


def test_pinch_plays_tap_then_tap_for_a_child_whose_profile_asks_for_it(tmp_path):
    roster = ChildrenRegistry(tmp_path)
    ana = roster.add("Ana", "cat")
    ben = roster.add("Ben", "dog")
    update_profile(tmp_path, ana.child_id, settings={"assisted_input": True})
    app = make_test_app()
    try:
        launcher = Launcher(app, tmp_path, activities=[PINCH], mode="clinic")
        launcher.start(ana.child_id, PINCH)
        host = app.stack.top
        assert isinstance(host, ActivityHost)
        app.frame()
        assert host.scene.assisted is True
        launcher.back_to_picker()
        launcher.pick_child(ben)
        launcher.launch(PINCH)
        app.frame()
        assert app.stack.top.scene.assisted is False
        launcher.end_session(wait=True)
    finally:
        app.close()


def test_sequencing_reads_prompting_and_input_from_the_profile(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Kim").child_id
    assert child_settings(tmp_path, child) == {"routines": [], "prompting": "after-error",
                                               "input": "drag"}
    update_profile(tmp_path, child, settings={"prompting": "errorless", "assisted_input": True})
    assert child_settings(tmp_path, child) == {"routines": [], "prompting": "errorless",
                                               "input": "tap"}


def test_sequencing_choices_write_prompting_and_input_to_the_profile(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Kim").child_id
    update_child_settings(tmp_path, child, routines=["bedtime"], prompting="none", input="tap")
    assert load_profile(tmp_path, child).settings == {"prompting": "none",
                                                      "assisted_input": True}
    assert json.loads(settings_path(tmp_path, child).read_text("utf-8")) == {
        "routines": ["bedtime"]}
    assert child_settings(tmp_path, child) == {"routines": ["bedtime"], "prompting": "none",
                                               "input": "tap"}


def test_an_older_sequencing_file_s_prompting_is_read_until_the_profile_names_one(tmp_path):
    child = ChildrenRegistry(tmp_path).add("Kim").child_id
    path = settings_path(tmp_path, child)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"routines": [], "prompting": "errorless", "input": "tap"}))
    assert child_settings(tmp_path, child)["prompting"] == "errorless"
    update_profile(tmp_path, child, settings={"prompting": "none", "assisted_input": False})
    assert child_settings(tmp_path, child) == {"routines": [], "prompting": "none",
                                               "input": "drag"}
