"""Pinch scoring at exact geometry: transport, release error, misses, drops, wrong targets,
decoys, overshoots, re-grasps, assisted taps, moving objects, Fitts figures, metric rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from games.pinch.board import Board, Piece, Target
from games.pinch.score import Samples, carry_figures, fitts_id, metric_rows, score_round

CUP = Target(800.0, 400.0, 100.0)
BERRY = Piece(300.0, 400.0, 40.0)


def two(rows: list[tuple[float, int, float, float, str]]) -> Samples:
    """Touch samples from (t_ms, finger, x, y, phase) rows."""
    return Samples.from_rows([(t, x, y, f, ph, "touch") for t, f, x, y, ph in rows])


def pinch_at(t: float, cx: float, cy: float, half_open: float = 60.0,
             half_closed: float = 45.0) -> list[tuple[float, int, float, float, str]]:
    """Two fingers land apart around (cx, cy), then close symmetrically: grip at t + 20."""
    return [
        (t, 1, cx - half_open, cy, "down"), (t, 2, cx + half_open, cy, "down"),
        (t + 10, 1, cx - half_closed, cy, "move"), (t + 20, 2, cx + half_closed, cy, "move"),
    ]


def carry(t: float, a: tuple[float, float], b: tuple[float, float], steps: int, dt: float = 10,
          half: float = 45.0) -> list[tuple[float, int, float, float, str]]:
    """Both fingers (``half`` either side) follow the straight line a -> b, one after the
    other: every midpoint lies on the line, in order."""
    rows = []
    for k in range(1, steps + 1):
        f = k / steps
        x, y = a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        rows.append((t + k * dt, 1, x - half, y, "move"))
        rows.append((t + k * dt + dt / 2, 2, x + half, y, "move"))
    return rows


def test_a_straight_transport_has_path_efficiency_one_and_the_known_release_error() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(100, 300, 400)
    rows += carry(120, (300, 400), (830, 440), steps=50)
    rows += [(650, 2, 875, 440, "up"), (660, 1, 785, 440, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    assert (score.placed, score.completed, score.accuracy, score.errors) == (1, True, 1.0, 0)
    (c,) = score.carries
    assert (c.outcome, c.target, c.t_grip, c.t_release) == ("placed", 0, 120.0, 650.0)
    assert c.latency_ms == 120.0  # the board appeared at 0
    assert c.release_error == 50.0  # (830, 440) is 30, 40 from the cup's centre
    assert (c.path[0].tolist(), c.path[-1].tolist()) == ([120, 300, 400], [650, 830, 440])
    f = carry_figures(c, board.target_array())
    assert f["path_efficiency"] == pytest.approx(1.0, abs=1e-12)
    assert f["path_length"] == pytest.approx(math.hypot(530, 40), abs=1e-9)
    assert f["transport_time"] == 530.0
    assert f["fitts_id"] == math.log2(500 / 200 + 1)  # D grip -> cup centre, W cup diameter
    assert f["throughput"] == math.log2(3.5) / 0.53
    assert score.completion_ms == 650.0


def test_the_release_is_where_the_fingers_began_to_open() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(0, 300, 400) + carry(20, (300, 400), (790, 400), steps=10)
    # Finger 2 opens by 60 (gap 90 -> 150): the midpoint moves 30 right as it opens.
    rows += [(200, 2, 895, 400, "move"), (300, 2, 900, 400, "move")]
    score = score_round(two(rows), board, shown_ms=0.0)
    (c,) = score.carries
    assert (c.outcome, c.t_release, c.path[-1].tolist()) == ("placed", 200.0, [200, 820, 400])
    assert c.release_error == 20.0


def test_fingers_already_closed_when_they_touch_grip_nothing_and_count_a_failed_attempt() -> None:
    board = Board((BERRY,), (CUP,))
    rows = [(0, 1, 270, 400, "down"), (5, 2, 330, 400, "down"),  # 60 apart on the berry
            (20, 2, 320, 400, "move")]
    rows += carry(20, (300, 400), (800, 400), steps=10, half=25)
    rows += [(400, 1, 775, 400, "up"), (400, 2, 825, 400, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    assert (score.failed_grasps, score.placed, score.carries, score.errors) == (1, 0, [], 1)
    assert score.accuracy == 0.0 and not score.completed


def test_a_release_outside_any_target_counts_a_drop_and_the_object_lies_there() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(0, 300, 400) + carry(20, (300, 400), (500, 400), steps=4)
    rows += [(100, 2, 545, 400, "up"), (110, 1, 455, 400, "up")]
    rows += pinch_at(200, 500, 400) + carry(220, (500, 400), (800, 400), steps=4)
    rows += [(300, 2, 845, 400, "up"), (310, 1, 755, 400, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    assert [c.outcome for c in score.carries] == ["drop", "placed"]
    assert (score.drops, score.regrasps, score.errors, score.placed) == (1, 1, 1, 1)
    assert score.accuracy == 0.0  # its first release did not place it
    assert score.carries[1].latency_ms == 220.0 - 100.0  # since the drop freed the hand
    assert score.carries[0].release_error == 300.0


def test_wrong_colour_cup_sends_the_object_home_and_counts_wrong_target() -> None:
    red, blue = Target(800, 250, 90, colour=0), Target(800, 550, 90, colour=1)
    board = Board((Piece(300, 400, 40, colour=1),), (red, blue))
    rows = pinch_at(0, 300, 400) + carry(20, (300, 400), (800, 250), steps=4)
    rows += [(100, 1, 755, 250, "up"), (100, 2, 845, 250, "up")]
    rows += pinch_at(200, 300, 400) + carry(220, (300, 400), (810, 550), steps=4)
    rows += [(300, 1, 765, 550, "up"), (300, 2, 855, 550, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    assert [c.outcome for c in score.carries] == ["wrong", "placed"]
    assert (score.wrong_target, score.errors, score.accuracy, score.completed) == (1, 1, 0.0, True)
    assert score.carries[0].release_error == 300.0  # to the blue cup, the one that takes it
    assert score.carries[1].release_error == 10.0


def test_a_full_cell_is_a_drop_and_decoys_are_never_taken() -> None:
    cells = (Target(800, 300, 50, capacity=1), Target(800, 500, 50, capacity=1))
    board = Board((Piece(300, 300, 30), Piece(300, 500, 30)), cells,
                  decoys=(Piece(500, 650, 30),))
    rows = pinch_at(0, 300, 300) + carry(20, (300, 300), (800, 300), steps=2)
    rows += [(100, 1, 755, 300, "up"), (100, 2, 845, 300, "up")]
    rows += pinch_at(200, 505, 650)  # the decoy: a failed grasp
    rows += [(260, 1, 460, 650, "up"), (260, 2, 550, 650, "up")]
    rows += pinch_at(300, 300, 500) + carry(320, (300, 500), (800, 300), steps=2)
    rows += [(400, 1, 755, 300, "up"), (400, 2, 845, 300, "up")]  # the full cell: a drop
    score = score_round(two(rows), board, shown_ms=0.0)
    assert [c.outcome for c in score.carries] == ["placed", "drop"]
    assert (score.decoy_grips, score.failed_grasps, score.drops, score.errors) == (1, 1, 1, 2)


def test_overshoot_is_counted_when_the_object_leaves_its_target_before_release() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(0, 300, 400) + carry(20, (300, 400), (1000, 400), steps=7)
    rows += carry(100, (1000, 400), (800, 400), steps=2)
    rows += [(200, 1, 755, 400, "up"), (200, 2, 845, 400, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    assert score.overshoots == 1 and score.carries[0].overshoots == 1
    assert score.accuracy == 1.0


def test_assisted_taps_select_then_place_and_have_no_path_figures() -> None:
    board = Board((BERRY,), (CUP,))
    taps = Samples.from_rows([
        (100, 600, 600, 0, "down", "mouse"), (150, 600, 600, 0, "up", "mouse"),  # nothing
        (300, 310, 400, 0, "down", "mouse"), (350, 310, 400, 0, "up", "mouse"),  # the berry
        (900, 800, 420, 0, "down", "mouse"), (950, 800, 420, 0, "up", "mouse"),  # the cup
    ])
    score = score_round(taps, board, shown_ms=0.0, assisted=True)
    assert (score.placed, score.failed_grasps, score.accuracy) == (1, 1, 1.0)
    (c,) = score.carries
    assert (c.t_grip, c.t_release, c.release_error) == (300.0, 900.0, 20.0)
    rows = dict((n, v) for n, v, u in metric_rows(score, board))
    assert rows["assisted"] == 1.0
    assert "path_efficiency" not in rows and "throughput" not in rows


def test_a_moving_object_is_gripped_where_it_has_drifted_to() -> None:
    board = Board((Piece(300, 400, 30, vx=100.0),), (CUP,), bounds=(0, 0, 1280, 800))
    # Shown at t=1000 ms; gripped 2 s later, it has drifted 200 px right, to (500, 400).
    rows = pinch_at(2980, 500, 400) + carry(3000, (500, 400), (800, 400), steps=3)
    rows += [(3100, 1, 755, 400, "up"), (3100, 2, 845, 400, "up")]
    moved = score_round(two(rows), board, shown_ms=1000.0)
    assert moved.placed == 1 and moved.failed_grasps == 0
    missed = score_round(two(rows), board, shown_ms=2900.0)  # it had barely moved
    assert missed.placed == 0 and missed.failed_grasps == 1


def test_fitts_index_and_throughput_on_known_numbers() -> None:
    assert fitts_id(300.0, 100.0) == 2.0
    assert fitts_id(700.0, 100.0) == 3.0
    board = Board((Piece(100, 400, 30),), (Target(800, 400, 50),))  # D 700, W 100: 3 bits
    rows = pinch_at(0, 100, 400) + carry(20, (100, 400), (800, 400), steps=5, dt=200)
    rows += [(1520, 1, 755, 400, "up"), (1520, 2, 845, 400, "up")]  # MT 1.5 s
    score = score_round(two(rows), board, shown_ms=0.0)
    named = {(n, u): v for n, v, u in metric_rows(score, board, px_per_mm=5.0)}
    assert named[("fitts_id", "bits")] == 3.0
    assert named[("throughput", "bits/s")] == 2.0
    assert named[("transport_time", "ms")] == 1500.0
    assert named[("objects_per_minute", "1/min")] == 60000.0 / 1520.0
    assert named[("aperture_at_grip", "px")] == 90.0
    assert named[("aperture_at_grip", "mm")] == 18.0
    assert named[("object_1_throughput", "bits/s")] == 2.0
    assert named[("path_efficiency", "ratio")] == pytest.approx(1.0, abs=1e-12)


def test_the_metric_rows_of_a_round() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(100, 300, 400) + carry(120, (300, 400), (830, 440), steps=50)
    rows += [(650, 2, 875, 440, "up"), (660, 1, 785, 440, "up")]
    score = score_round(two(rows), board, shown_ms=0.0)
    got = metric_rows(score, board, left_hand=True)
    assert [n for n, _, _ in got] == [
        "completion_time", "objects", "objects_placed", "objects_per_minute",
        "time_per_object", "grasp_latency", "transport_time", "release_error", "drops",
        "regrasps", "failed_grasps", "wrong_target", "decoy_grips", "overshoots",
        "assisted", "left_hand", "timed", "path_length", "path_efficiency", "velocity_peaks",
        "sparc", "fitts_id", "throughput", "aperture_at_grip", "object_1_grasp_latency",
        "object_1_transport_time", "object_1_release_error", "object_1_path_efficiency",
        "object_1_velocity_peaks", "object_1_sparc", "object_1_throughput",
    ]
    assert got[15] == ("left_hand", 1.0, "bool")
    assert got[7] == ("release_error", 50.0, "px")


def test_a_mouse_press_is_a_grip_and_the_release_point_is_the_button_up() -> None:
    board = Board((BERRY,), (CUP,))
    m = Samples.from_rows([(0, 310, 410, 0, "down", "mouse"), (50, 500, 410, 0, "move", "mouse"),
                           (90, 790, 410, 0, "up", "mouse")])
    score = score_round(m, board, shown_ms=0.0)
    (c,) = score.carries
    assert (score.source, c.outcome, c.release_error, c.aperture) == ("mouse", "placed",
                                                                     math.hypot(10, 10), 0.0)
    np.testing.assert_array_equal(c.path, [[0, 310, 410], [50, 500, 410], [90, 790, 410]])


def _minjerk(t: float, a: float, b: float, dur: float, steps: int, half: float = 45.0,
             y: float = 400.0) -> list[tuple[float, int, float, float, str]]:
    """Both fingers carry from x=a to x=b along a minimum-jerk profile (one smooth reach)."""
    rows = []
    for k in range(1, steps + 1):
        s = k / steps
        x = a + (b - a) * (10 * s**3 - 15 * s**4 + 6 * s**5)
        rows.append((t + s * dur, 1, x - half, y, "move"))
        rows.append((t + s * dur + 0.5, 2, x + half, y, "move"))
    return rows


def test_one_smooth_reach_has_one_velocity_peak_and_two_reaches_have_two() -> None:
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(0, 300, 400) + _minjerk(20, 300, 800, 800, 100)
    rows += [(830, 1, 755, 400, "up"), (830, 2, 845, 400, "up")]
    (one,) = score_round(two(rows), board, 0.0).carries
    f = carry_figures(one, board.target_array())
    assert f["velocity_peaks"] == 1.0
    assert -1.7 < f["sparc"] < -1.3  # smooth reaching (Balasubramanian 2015: about -1.4..-1.6)
    rows = pinch_at(0, 300, 400) + _minjerk(20, 300, 550, 600, 75)
    rows += _minjerk(625, 550, 800, 600, 75)
    rows += [(1230, 1, 755, 400, "up"), (1230, 2, 845, 400, "up")]
    (twice,) = score_round(two(rows), board, 0.0).carries
    g = carry_figures(twice, board.target_array())
    assert g["velocity_peaks"] == 2.0 and g["sparc"] < f["sparc"]


def test_duration_runs_from_the_first_touch_to_the_last_placement() -> None:
    # data-format.md: duration_ms = first touch to completion. The board appeared at 40 ms,
    # the fingers land at 100 ms, the berry is placed at 650 ms: 550 ms (completion time, from
    # the board appearing, is 610 ms).
    board = Board((BERRY,), (CUP,))
    rows = pinch_at(100, 300, 400)
    rows += carry(120, (300, 400), (830, 440), steps=50)
    rows += [(650, 2, 875, 440, "up"), (660, 1, 785, 440, "up")]
    score = score_round(two(rows), board, shown_ms=40.0)
    assert (score.duration_ms, score.completion_ms) == (550.0, 610.0)
    # a timed round ends at shown + 60 s: 60040 - 100
    timed = score_round(two(rows), board, shown_ms=40.0, end_ms=60040.0)
    assert timed.duration_ms == 59940.0
    # unfinished: to the last sample (a pinch that takes nothing, 100 .. 300 ms)
    missed = score_round(two(pinch_at(100, 600, 600) + [(300, 1, 540, 600, "up")]), board,
                         shown_ms=40.0)
    assert (missed.completed, missed.duration_ms) == (False, 200.0)
    # nothing touched
    assert score_round(two([]), board, shown_ms=40.0).duration_ms == 0.0
