"""Pinch levels (grading, sizes, mirroring, calibration) and targets.csv geometry (write, read,
re-score from disk)."""

from __future__ import annotations

import math
import uuid

import numpy as np
import pytest

from games.pinch.board import Board, Piece, Target
from games.pinch.levels import LEVELS, LOGICAL_W, TOP, layout, level, mirrored, rounded
from games.pinch.record import BoardFormatError, board_rows, read_board, write_board
from games.pinch.score import Samples, metric_rows, score_round
from telemetry.loader import load_session_table
from telemetry.recorder import SessionRecorder


def test_the_grading_in_order() -> None:
    assert [lv.number for lv in LEVELS] == list(range(1, 13))
    assert [(lv.objects, lv.board) for lv in LEVELS[:7]] == [
        (1, "cup"), (3, "cup"), (5, "cup"), (5, "cup"), (6, "cup"), (6, "carton"), (9, "holes")]
    assert LEVELS[3].target_r < LEVELS[2].target_r and LEVELS[3].object_r < LEVELS[2].object_r
    assert LEVELS[4].distance > LEVELS[3].distance
    assert [lv.colours for lv in LEVELS[7:9]] == [2, 3]
    assert (LEVELS[9].speed, LEVELS[10].decoys, LEVELS[11].cross_midline) == (40.0, 3, True)
    # The smallest target of the table: the 9-hole board's holes, 76 px across.
    assert min(2 * lv.target_r for lv in LEVELS) == 76.0


def test_level_numbers_are_checked() -> None:
    assert level(1) is LEVELS[0]
    with pytest.raises(ValueError) as err:
        level(13)
    assert str(err.value) == "pinch level must be 1 to 12, got 13"


@pytest.mark.parametrize("lv", LEVELS, ids=lambda lv: str(lv.number))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_layout_fits_without_overlaps(lv, seed: int) -> None:  # noqa: ANN001
    board = layout(lv, seed)
    assert layout(lv, seed) == board  # the same seed, the same board
    pieces = [*board.objects, *board.decoys]
    assert len(board.objects) == lv.objects and len(board.decoys) == lv.decoys
    every = [(p.x, p.y, p.r) for p in pieces] + [(t.x, t.y, t.r) for t in board.targets]
    for x, y, r in every:
        assert r <= x <= LOGICAL_W - r and y - r >= TOP and y + r <= 800
    for i, (x, y, r) in enumerate(every):
        for x2, y2, r2 in every[i + 1:]:
            assert math.hypot(x - x2, y - y2) >= r + r2, (x, y, x2, y2)
    cap = sum(t.capacity for t in board.targets)
    assert cap >= lv.objects
    assert {p.colour for p in board.objects} == set(range(lv.colours))


def test_left_hand_mirrors_and_the_midline_level_crosses() -> None:
    lv = level(12)
    right, left = layout(lv, 4), layout(lv, 4, left_handed=True)
    assert left == rounded(mirrored(right))
    assert [p.x for p in left.objects] == [round(LOGICAL_W - p.x, 2) for p in right.objects]
    assert all(p.x > 640 for p in right.objects) and all(t.x < 640 for t in right.targets)
    assert all(p.x < 640 for p in left.objects) and all(t.x > 640 for t in left.targets)


def test_moving_objects_drift_and_bounce_inside_their_area() -> None:
    board = layout(level(10), 1)
    assert all(math.hypot(p.vx, p.vy) == pytest.approx(40.0, abs=0.01) for p in board.objects)
    x0, y0, x1, y1 = board.bounds
    for t in np.linspace(0, 120, 241):
        for i, p in enumerate(board.objects):
            x, y = board.drift(i, float(t))
            assert x0 + p.r - 1e-9 <= x <= x1 - p.r + 1e-9
            assert y0 + p.r - 1e-9 <= y <= y1 - p.r + 1e-9
    b = Board((Piece(100, 100, 10, vx=50),), (), bounds=(0, 0, 200, 200))
    assert b.drift(0, 1.0) == (150.0, 100.0)
    assert b.drift(0, 2.0) == (180.0, 100.0)  # bounced off the wall at 190
    assert b.drift(0, 6.0) == (40.0, 100.0)  # and off the other one at 10


def test_a_calibrated_screen_gets_targets_of_at_least_10_mm() -> None:
    dense = layout(level(7), 0, px_per_mm=10.0)  # 10 px/mm: 76 px would be 7.6 mm
    assert min(t.r for t in dense.targets) == 50.0 and min(p.r for p in dense.objects) == 50.0
    roomy = layout(level(7), 0, px_per_mm=5.0)  # 76 px = 15.2 mm: unchanged
    assert roomy == layout(level(7), 0)


class ListSink:
    """Collects add_targets calls like a recorder."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int, float, float]] = []

    def add_targets(self, kind: str, part: int, points) -> None:  # noqa: ANN001
        self.rows += [(kind, part, seq, x, y) for seq, (x, y) in enumerate(points)]


def test_board_rows_round_trip() -> None:
    board = Board((Piece(10.5, 20.25, 30, 2, -4.5, 3.0),), (Target(500, 400, 80, 1, 3),),
                  (Piece(700, 100, 25),), (1.0, 2.0, 3.0, 4.0))
    sink = ListSink()
    write_board(sink, board, shown_ms=1234.5)
    assert sink.rows == [
        ("board", 0, 0, 1.0, 2.0), ("board", 0, 1, 3.0, 4.0), ("board", 0, 2, 1234.5, 0.0),
        ("object", 0, 0, 10.5, 20.25), ("object", 0, 1, 30, 2.0), ("object", 0, 2, -4.5, 3.0),
        ("target", 0, 0, 500, 400), ("target", 0, 1, 80, 1.0), ("target", 0, 2, 3.0, 0.0),
        ("decoy", 0, 0, 700, 100), ("decoy", 0, 1, 25, 0.0),
    ]
    assert read_board(reversed(sink.rows)) == (board, 1234.5)
    assert len(board_rows(board, 0.0)) == 4


def test_a_missing_point_is_named() -> None:
    rows = [("board", 0, 0, 0, 0), ("board", 0, 1, 1, 1), ("board", 0, 2, 0, 0),
            ("object", 0, 0, 5, 5), ("object", 0, 1, 3, 0)]
    with pytest.raises(BoardFormatError) as err:
        read_board(rows)
    assert str(err.value) == "pinch targets: no object 0 point 2"


def test_a_round_re_scores_exactly_from_disk(tmp_path) -> None:  # noqa: ANN001
    now = [10_000_000_000]
    rec = SessionRecorder.start(tmp_path, uuid.uuid4().hex, clock_ns=lambda: now[0])
    board = layout(level(3), 5)
    rec.begin_trial("pinch", 3, "cup", "touch")
    write_board(rec, board, shown_ms=0.0)
    t = now[0]
    stored = []
    for k, p in enumerate(board.objects):
        # A slightly wobbly pinch of each object into the cup (x, y with many decimals).
        cup = board.targets[0]
        path = [(p.x + (cup.x - p.x) * f + 3.3 * math.sin(9 * f),
                 p.y + (cup.y - p.y) * f + 1.7 * k / 3) for f in np.linspace(0, 1, 25).tolist()]
        (x0, y0), (x1, y1) = path[0], path[-1]
        events = [(1, x0 - 70, y0, "down"), (2, x0 + 70, y0, "down")]
        events += [(1, path[0][0] - 40.123456, path[0][1], "move"),
                   (2, path[0][0] + 40.123456, path[0][1], "move")]
        for x, y in path[1:]:
            events += [(1, x - 40.123456, y, "move"), (2, x + 40.123456, y, "move")]
        events += [(1, x1 - 40, y1, "up"), (2, x1 + 40, y1, "up")]
        for pid, x, y, ph in events:
            t += 7_777_777
            rec.add_sample(t, x, y, pid, ph, "touch")
            stored.append((t, x, y, pid, ph))
    rec.finish_trial(accuracy=1.0, errors=0, completed=True)
    rec.close()
    folder = rec.folder
    frame, skipped = load_session_table(folder, "samples")
    targets, _ = load_session_table(folder, "targets")
    assert skipped == 0
    disk_board, shown = read_board(targets)
    assert (disk_board, shown) == (board, 0.0)
    from_disk = score_round(Samples.from_rows(frame), disk_board, shown)
    assert from_disk.placed == len(board.objects) and from_disk.accuracy == 1.0
    # The same figures as scoring the samples at the precision they are stored with.
    as_stored = Samples.from_rows([
        (round((ts - 10_000_000_000) / 1e6, 4), round(x, 4), round(y, 4), pid, ph, "touch")
        for ts, x, y, pid, ph in stored])
    in_memory = score_round(as_stored, board, 0.0)
    assert metric_rows(from_disk, board) == metric_rows(in_memory, board)
