"""``games.demo_data``: made-up data written through the real recorder and scored for real."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from games.demo_data import NICKNAMES, write_demo_data
from games.kit.rescore import read_trial
from games.registry import find_activity
from games.tracing.demo import model_box
from games.tracing.glyphs import glyph
from games.tracing.scoring import score_trace
from games.tracing.staircase import level as tracing_level
from telemetry import analytics
from telemetry.errors import UsageError
from telemetry.loader import load_dataset, load_session_table
from telemetry.schema import as_stored

NOW = datetime(2026, 3, 27, 18, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("demo")
    res = write_demo_data(data, children=4, weeks=5, seed=5, progress=False, now=NOW,
                          trials_per_session=3)
    return res, load_dataset(data, tables=("trials", "metrics"))


def test_children_and_sessions(demo) -> None:
    res, ds = demo
    assert sorted(ds.children["nickname"]) == sorted(NICKNAMES[:4])
    assert set(ds.sessions["child_id"]) <= set(res.child_ids)
    assert len(ds.sessions) == res.sessions
    assert ds.sessions["started_at"].max() < NOW
    assert ds.sessions["started_at"].min() >= NOW - timedelta(weeks=6)
    assert set(ds.sessions["mode"]) <= {"clinic", "home"}
    # Only what the launcher offers. 3 trials a session: 2 tracing, then the others' turn,
    # which with 3 trials is always the first of them (pinch; sequencing with 8 a session).
    assert set(ds.trials["activity"]) == {"tracing", "pinch"}
    assert ds.trials["accuracy"].dropna().between(0, 1).all()


def test_crash_torn_session_is_counted(demo) -> None:
    res, ds = demo
    assert res.torn_session is not None
    meta = json.loads((res.torn_session / "session.json").read_text())
    assert meta["ended_at"] is None
    assert not (res.torn_session / "trials.csv").read_bytes().endswith(b"\n")
    assert ds.quality.sessions_without_end == 1
    assert ds.quality.skipped_rows["trials"] == 1
    # Every trial row but the torn one was recorded: the loader lost nothing else.
    assert len(ds.trials) == res.trials - 1


def test_small_demo_still_has_one_torn_session(tmp_path: Path) -> None:
    # A small demo: the tear still happens in the first child (it is what a therapist trying
    # the report should see in the data-quality note).
    res = write_demo_data(tmp_path, children=3, weeks=4, seed=0, progress=False, now=NOW,
                          trials_per_session=2)
    ds = load_dataset(tmp_path, tables=("trials",))
    per_child = ds.sessions.groupby("child_id").size()
    assert [int(per_child.get(c, 0)) for c in res.child_ids] == [6, 9, 8]
    assert res.torn_session is not None
    assert res.torn_session.parent.name == res.child_ids[0]
    assert ds.quality.sessions_without_end == 1
    assert ds.quality.skipped_rows["trials"] == 1


def test_child_who_stopped_has_no_recent_session(demo) -> None:
    res, ds = demo
    stopped = res.child_ids[2]
    last = ds.sessions.loc[ds.sessions["child_id"] == stopped, "started_at"].max()
    assert last < NOW - timedelta(days=14)


def test_tracing_trials_rescore_from_their_samples(demo) -> None:
    """The stored accuracy is what the real scorer gives on the stored samples and model."""
    res, ds = demo
    tracing = ds.trials[(ds.trials["activity"] == "tracing") & ds.trials["completed"]]
    checked = 0
    for row in tracing.head(6).itertuples(index=False):
        folder = ds.sessions.loc[ds.sessions["session_id"] == row.session_id, "folder"].iloc[0]
        samples, _ = load_session_table(folder, "samples", trials=[row.trial])
        targets, _ = load_session_table(folder, "targets", trials=[row.trial])
        paths = targets[targets["kind"] == "model_path"]
        model = [
            g.sort_values("seq")[["x", "y"]].to_numpy()
            for _, g in paths.groupby("part", sort=True)
        ]
        tol = tracing_level(int(row.level)).tolerance_px
        # The road's width is stored as the scene stores it: a "tolerance" target (tol, tol).
        road = targets[targets["kind"] == "tolerance"]
        assert road[["x", "y"]].to_numpy().tolist() == [[tol, tol]]
        expected_model = glyph(str(row.item)).scaled(*model_box(int(row.level)))
        assert len(model) == len(expected_model)
        for got, want in zip(model, expected_model, strict=True):
            np.testing.assert_allclose(got, want, atol=1e-4)
        score = score_trace(
            model,
            (samples["t_ms"].to_numpy() / 1000.0, samples["x"].to_numpy(),
             samples["y"].to_numpy(), samples["phase"].astype(str).to_numpy()),
            tol,
        )
        # scored in the demo from the samples as stored: exactly the stored figure
        assert as_stored(score.accuracy) == row.accuracy
        assert score.errors == row.errors
        checked += 1
    assert checked == 6
    names = set(ds.metrics["metric"])
    assert {"mean_deviation", "coverage", "sparc"} <= names


def test_every_demo_tracing_trial_rescores_exactly_from_disk(demo) -> None:
    """Every completed demo tracing trial, read back from disk and re-scored by the activity's
    rescore hook, gives its stored accuracy, errors and every metric row exactly (as stored)."""
    res, ds = demo
    act = find_activity("tracing")
    assert act is not None and act.rescore is not None
    done = ds.trials[(ds.trials["activity"] == "tracing") & ds.trials["completed"]]
    folders = dict(zip(ds.sessions["session_id"], ds.sessions["folder"], strict=True))
    for row in done.itertuples(index=False):
        stored = read_trial(folders[row.session_id], row.session_id, int(row.trial))
        again = act.rescore(stored)
        assert as_stored(again.accuracy) == stored.stored.accuracy == row.accuracy
        assert again.errors == stored.stored.errors
        # NaN (no value, e.g. SPARC of a too short stroke) is stored as an empty field
        assert {(m, u): as_stored(v) if v == v else None for m, v, u in again.metrics} == {
            (m, u): v if v == v else None for m, v, u in stored.stored.metrics}
    assert len(done) > 20


def test_deterministic_for_a_seed(tmp_path: Path, demo) -> None:
    res, ds = demo
    again = write_demo_data(tmp_path, children=4, weeks=5, seed=5, progress=False, now=NOW,
                            trials_per_session=3)
    ds2 = load_dataset(tmp_path, tables=("trials",))
    assert again.sessions == res.sessions
    cols = ["activity", "level", "item", "started_at", "accuracy", "errors", "duration_ms"]
    a = ds.trials.sort_values(["started_at"])[cols].reset_index(drop=True)
    b = ds2.trials.sort_values(["started_at"])[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.astype({"item": str, "activity": str}),
                                  b.astype({"item": str, "activity": str}))


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        write_demo_data(tmp_path, children=0, progress=False)
    assert str(err.value) == (
        "--children, --weeks, --jobs and trials per session must be 1 or more")


def test_pinch_only_when_asked_for_or_installed(tmp_path) -> None:
    write_demo_data(tmp_path, children=1, weeks=1, seed=1, progress=False, now=NOW,
                    trials_per_session=4, activities=("tracing", "pinch"))
    ds = load_dataset(tmp_path, tables=("trials",))
    sessions = ds.trials["session_id"].nunique()
    assert sessions >= 2
    # 4 trials a session: 3 tracing, then 1 pinch; the crash-torn session lost its last
    # trial row, a pinch one.
    counts = ds.trials["activity"].value_counts().to_dict()
    assert counts == {"tracing": 3 * sessions, "pinch": sessions - 1}


def test_unknown_demo_activity_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(UsageError) as err:
        write_demo_data(tmp_path, children=1, weeks=1, progress=False, now=NOW,
                        activities=("tracing", "juggling"))
    assert str(err.value) == ("demo data simulates tracing and pinch and sequencing (tracing "
                              "always), not juggling")
    assert not (tmp_path / "children.csv").exists()


def test_only_the_declining_child_is_flagged(demo) -> None:
    # The fourth profile declines over its last weeks; the report's decline rule (accuracy, or
    # levels falling below their best) must flag it and no one else.
    res, ds = demo
    act = analytics.activity_sessions(ds.trials)
    trends = analytics.activity_trends(act, trials=ds.trials)
    flagged = set(trends.loc[trends["decline"], "child_id"])
    assert flagged == {res.child_ids[3]}


def _weeks(now: datetime, weeks: int) -> list[datetime]:
    """The Mondays (00:00 UTC) of every demo week, the current one last."""
    first = (now - timedelta(weeks=weeks)).date()
    first -= timedelta(days=first.weekday())
    start = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
    return [start + timedelta(weeks=w) for w in range(weeks + 1)]


@pytest.mark.parametrize(
    ("children", "weeks", "now"),
    [
        (2, 2, NOW),  # wrote "0 sessions, 0 trials" before
        (1, 1, NOW),
        (1, 1, datetime(2026, 3, 30, 0, 30, tzinfo=timezone.utc)),  # a week just begun
        (6, 6, NOW),
        (5, 4, datetime(2026, 3, 30, 0, 30, tzinfo=timezone.utc)),
    ],
)
def test_every_child_practises_in_every_demo_week(tmp_path, children, weeks, now) -> None:
    res = write_demo_data(tmp_path, children=children, weeks=weeks, seed=0, progress=False,
                          now=now, trials_per_session=1)
    ds = load_dataset(tmp_path, tables=("trials",))
    assert res.sessions == len(ds.sessions) > 0
    mondays = _weeks(now, weeks)
    for i, child_id in enumerate(res.child_ids):
        starts = ds.sessions.loc[ds.sessions["child_id"] == child_id, "started_at"]
        per_week = [int(((starts >= m) & (starts < m + timedelta(weeks=1))).sum())
                    for m in mondays]
        assert starts.max() < now
        if i == 2 and weeks >= 5:  # meant to have stopped three weeks ago
            assert per_week[-3:] == [0, 0, 0] and min(per_week[:-3]) >= 1
        elif i == 4 and weeks >= 4:  # meant to miss the middle week
            assert per_week[weeks // 2] == 0
            assert min(per_week[: weeks // 2] + per_week[weeks // 2 + 1 :]) >= 1
        else:
            assert min(per_week) >= 1, (i, per_week)


def test_a_demo_that_would_write_nothing_is_an_error(tmp_path, monkeypatch) -> None:
    import games.demo_data as demo_data

    monkeypatch.setattr(demo_data, "schedule", lambda *args: [])
    with pytest.raises(UsageError) as err:
        write_demo_data(tmp_path / "demo", children=2, weeks=2, progress=False, now=NOW)
    assert str(err.value) == (
        "this demo would have no sessions (2 children over 2 weeks): give more --weeks or "
        "--children"
    )
    assert not (tmp_path / "demo").exists()
