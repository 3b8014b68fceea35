"""Movement measures of card drags (a drag is fine-motor work too), through the kit's motion.

For every move that was dragged into a slot (not tapped, not dropped back in the tray): path
efficiency (straight line over path travelled), release error (the card centre's distance
from the slot centre at the drop), velocity peaks and SPARC of the pointer track from its
press to its release. A trial's metric rows are their means over its drags; a trial played
tap-then-tap has none (it is marked ``assisted`` and left out of motor trends).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from games.kit import motion
from games.sequencing.board import PROMPT_LEVEL, Board
from games.sequencing.score import Move, TrialScore, score_trial

Sample = tuple[float, float, float, int, str]  # t_ms, x, y, pointer, phase


def drag_track(move: Move, samples: Sequence[Sample]) -> np.ndarray:
    """The (t_s, x, y) rows of ``samples`` from ``move``'s press to its release (inclusive)."""
    rows = [(t / 1000.0, x, y) for t, x, y, _, _ in samples if move.t_down_ms <= t <= move.t_up_ms]
    return np.array(rows, dtype=float).reshape(-1, 3)


def one_move(move: Move, samples: Sequence[Sample]) -> dict[str, float]:
    """The measures of one dragged move (NaN where a track is too short to say)."""
    track = drag_track(move, samples)
    xy = track[:, 1:]
    speed = motion.resample_speed(track[:, 0], xy)
    return {
        "path_efficiency": motion.path_efficiency(xy) if len(xy) >= 2 else math.nan,
        "release_error": move.release_error if move.release_error is not None else math.nan,
        "velocity_peaks": float(motion.velocity_peaks(motion.smooth(speed))),
        "sparc": motion.sparc(speed) if len(speed) else math.nan,
    }


UNITS = {"path_efficiency": "0..1", "release_error": "px", "velocity_peaks": "count",
         "sparc": ""}


def move_measures(moves: Sequence[Move], samples: Sequence[Sample]) -> list[tuple[str, float, str]]:
    """Metric rows: ``drag_<measure>`` means over the trial's drags into slots, and ``drags``."""
    dragged = [one_move(m, samples) for m in moves if m.dragged and m.to is not None]
    rows: list[tuple[str, float, str]] = [("drags", float(len(dragged)), "count")]
    for name, unit in UNITS.items():
        values = [d[name] for d in dragged if not math.isnan(d[name])]
        if values:
            rows.append((f"drag_{name}", float(np.mean(values)), unit))
    return rows


def trial_figures(
    board: Board, slot_hint: int, samples: Sequence[Sample]
) -> tuple[TrialScore, list[tuple[str, float, str]]]:
    """A finished board's score and every metric row of its trial (the scene and the demo
    record the same)."""
    score = score_trial(board.order, board.moves, board.attempts,
                        prompt_level=PROMPT_LEVEL[board.prompting], slot_hint=slot_hint,
                        completed=board.done)
    metrics = score.metrics() + move_measures(board.moves, samples)
    metrics.append(("assisted", float(board.tap), "bool"))
    return score, metrics
