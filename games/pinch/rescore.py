"""A stored pinch board re-scored from disk (the ``Activity.rescore`` hook).

The board and the moment it appeared come from targets.csv (:func:`games.pinch.record.
read_board`), the samples from samples.csv at their stored precision; how the board was played
(assisted, left hand, timed, the screen calibration) is read from its stored condition rows,
and every figure is computed again with :func:`games.pinch.score.score_round`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.pinch_replay import PHASE_CODES, SOURCE_CODES
from games.pinch.record import read_board
from games.pinch.score import Samples, score_round, trial_metrics
from telemetry.schema import as_stored

if TYPE_CHECKING:
    from games.kit.rescore import Figures, StoredTrial

TIMED_MS = 60_000.0


def rescore(trial: StoredTrial) -> Figures:
    """The figures of a stored pinch board, computed again from its samples and board."""
    from games.kit.rescore import Figures

    board, shown = read_board(trial.targets)
    t_s, x, y, phase = trial.samples
    samples = Samples(
        as_stored(np.asarray(t_s, float) * 1e3), np.asarray(x, float), np.asarray(y, float),
        np.asarray(trial.pointers, np.int64),
        np.array([PHASE_CODES[str(p)] for p in phase], np.int64),
        np.array([SOURCE_CODES[str(s)] for s in trial.sources], np.int64),
    )
    assisted = trial.metric("assisted", "bool") == 1.0
    timed = trial.metric("timed", "bool") == 1.0
    score = score_round(samples, board, shown, assisted=assisted,
                        end_ms=shown + TIMED_MS if timed else None)
    rows = trial_metrics(score, board, px_per_mm=trial.metric("px_per_mm", "px/mm"),
                         left_hand=trial.metric("left_hand", "bool") == 1.0, timed=timed)
    return Figures(score.accuracy, score.errors, rows)
