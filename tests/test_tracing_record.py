"""games/tracing/record.py: the one owner of a tracing trial's layout and stored targets."""

from __future__ import annotations

import numpy as np

from games.tracing.glyphs import glyph
from games.tracing.record import Layout, layout, read_targets, stored_model, write_targets
from games.tracing.staircase import level


def test_layout_of_each_mode_and_hand() -> None:
    # level 1: 600 px model, centred right of the 230 px thumbnail strip, and vertically in
    # the 684 px below the 96 px top bar
    # the "watch me" eye (130 px) under the 170 px thumbnail at (30, 116), 30 px below it
    assert layout(level(1), "trace") == Layout((455, 138, 600, 600), watch=(50, 316, 130, 130))
    assert layout(level(1), "trace", left_handed=True) == Layout(
        (225, 138, 600, 600), watch=(1100, 316, 130, 130))
    # copy: model left, drawing box right, the tick between them at the box's bottom and the
    # eye between them at the top
    assert layout(level(1), "copy") == Layout((40, 188, 500, 500), (720, 188, 500, 500),
                                              (565, 558, 130, 130), (565, 188, 130, 130))
    assert layout(level(1), "copy", left_handed=True) == Layout(
        (740, 188, 500, 500), (60, 188, 500, 500), (585, 558, 130, 130), (585, 188, 130, 130))


def test_targets_written_then_read_back() -> None:
    model = stored_model(glyph("upper_B"), (455, 138, 600, 600))
    rows: list[tuple[str, int, int, float, float]] = []

    def add(kind: str, part: int, points) -> None:
        for seq, (x, y) in enumerate(points):
            rows.append((kind, part, seq, float(x), float(y)))

    write_targets(add, model, 48.0, (720, 147, 500, 500))
    assert [r for r in rows if r[0] != "model_path"] == [
        ("tolerance", 0, 0, 48.0, 48.0), ("copy_box", 0, 0, 720.0, 147.0),
        ("copy_box", 0, 1, 1220.0, 647.0)]
    back = read_targets(reversed(rows))  # any order
    assert back.tolerance_px == 48.0 and back.copy_box == (720, 147, 500, 500) and back.copied
    assert len(back.model) == len(model)
    assert all(np.array_equal(a, b) for a, b in zip(back.model, model, strict=True))
    # 4 decimals, as targets.csv stores them
    assert all(np.array_equal(m, np.round(m, 4)) for m in model)
    plain = read_targets([("model_path", 0, 1, 2.0, 2.0), ("model_path", 0, 0, 1.0, 1.0)])
    assert plain.copy_box is None and plain.tolerance_px == 0.0
    assert plain.model[0].tolist() == [[1.0, 1.0], [2.0, 2.0]]


def test_a_copy_trial_with_one_corner_left_is_still_a_copy() -> None:
    back = read_targets([("copy_box", 0, 0, 720.0, 147.0), ("tolerance", 0, 0, 30.0, 30.0)])
    assert back.copied and back.copy_box == (720, 147, 0, 0)
