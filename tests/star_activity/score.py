"""The star's score (pure numpy): how near the first press was to the star's centre."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from games.kit.motion import as_arrays
from games.kit.rescore import Figures, StoredTrial
from star_activity.record import read_targets


def score(samples: Any, star: tuple[float, float, float]) -> Figures:
    """Accuracy 1 at the centre down to 0 at twice the radius; an error when the press was
    off the star; metrics: the distance and how long the press lasted."""
    t, x, y, phase = as_arrays(samples)
    down = int(np.flatnonzero(phase == 0)[0])
    cx, cy, r = star
    d = math.hypot(float(x[down]) - cx, float(y[down]) - cy)
    return Figures(max(0.0, 1.0 - d / (2 * r)), int(d > r),
                   [("distance", d, "px"), ("press_time", (float(t[-1] - t[down])) * 1e3, "ms")])


def rescore(trial: StoredTrial) -> Figures:
    """A stored star trial's figures from its samples and targets."""
    return score(trial.samples, read_targets(trial.targets))
