"""Tracing's strokes section, the parts picked for speed: which trials are drawn per shape
(first_and_latest) and which sample lines of a long trial are kept (kept_samples)."""

from __future__ import annotations

import numpy as np

from games.tracing.report import STROKE_POINTS, first_and_latest, kept_samples


def test_first_and_latest_per_shape() -> None:
    items = np.array(["circle", "line", "circle", "line", "cross", "circle", float("nan"), 1,
                      "1"], dtype=object)
    done = np.array([False, True, True, True, False, True, True, False, True])
    first, first_done, last_done = first_and_latest(items, done)
    # a shape is named by str() of its value: the number 1 and the text "1" are one shape
    assert first == {"circle": 0, "line": 1, "cross": 4, "nan": 6, "1": 7}
    assert first_done == {"circle": 2, "line": 1, "nan": 6, "1": 8}
    assert last_done == {"circle": 5, "line": 3, "nan": 6, "1": 8}  # cross: never finished


def test_kept_samples_every_kth_line_and_every_pen_change() -> None:
    lines = [b"1,s,1,%d,0.0,0.0,0,move,touch,00000000" % i for i in range(400)]
    lines[7] = lines[7].replace(b",move,", b",down,")
    lines[255] = lines[255].replace(b",move,", b",up,")
    lines[256] = lines[256].replace(b",touch,", b",up,")  # ",up," in another field counts too
    block = b"\n".join(lines)
    ends = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
    k = 400 // STROKE_POINTS + 1
    assert k == 3
    assert kept_samples(block, ends) == sorted({*range(0, 400, 3), 7, 255, 256})
    assert kept_samples(lines[0], ends[:0]) == [0]  # a trial of one sample
