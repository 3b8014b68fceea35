"""The recorder seam: NullSink numbers trials like a recorder; SessionRecorder is a TrialSink."""

from __future__ import annotations

import inspect

import pytest

from engine.pointer import PointerSample
from engine.record import NullSink, TrialSink
from engine.testing import make_test_app
from telemetry.recorder import SessionRecorder


def test_null_sink_numbers_trials_and_knows_the_open_one():
    sink = NullSink()
    assert sink.trial is None and sink.origin_ns is None
    assert sink.begin_trial("dots", 1, "a") == 1
    assert sink.trial == 1
    sink.add_sample(0, 1.0, 2.0, 0, "down", "mouse")
    sink.add_pointer(PointerSample(0, 1.0, 2.0, 0, "down", "mouse"))
    sink.add_targets("path", 0, [(0, 0), (1, 1)])
    assert sink.finish_trial(accuracy=0.5, errors=0, completed=True,
                             metrics=[("m", 1.0, "")]) == 1
    assert sink.trial is None
    with pytest.raises(ValueError, match="finish_trial without an open trial"):
        sink.finish_trial(accuracy=None, errors=0, completed=False)
    assert sink.begin_trial("dots", 1, "b") == 2
    assert sink.abandon_trial() == 2
    assert sink.trial is None
    assert sink.abandon_trial() is None  # between trials: nothing to do
    assert sink.begin_trial("dots", 2, "c", mode="copy") == 3


def test_an_app_records_into_a_null_sink_until_the_games_layer_sets_one():
    app = make_test_app()
    try:
        assert isinstance(app.recorder, NullSink)
        assert isinstance(app.recorder, TrialSink)
    finally:
        app.close()


def test_the_session_recorder_has_every_call_of_the_seam_with_the_same_parameters(tmp_path):
    members = [name for name in dir(TrialSink) if not name.startswith("_")]
    assert sorted(members) == ["abandon_trial", "add_pointer", "add_sample", "add_targets",
                               "begin_trial", "finish_trial", "origin_ns", "trial"]
    for name in members:
        seam = getattr(TrialSink, name)
        if isinstance(seam, property):
            continue
        real = inspect.signature(getattr(SessionRecorder, name))
        assert list(real.parameters) == list(inspect.signature(seam).parameters), name
    rec = SessionRecorder.start(tmp_path, "c" * 32)
    try:
        assert isinstance(rec, TrialSink)
        assert rec.origin_ns is not None and rec.trial is None
    finally:
        rec.close()
