"""How many stars a finished trial earns: one to three, from its stored accuracy (pure Python).

Quality is shown gently: every finished trial earns at least one star (never zero, never a
sad face or a cross); a better trial earns more stars and a bigger celebration. The figure is
the trial's stored ``accuracy`` (``trials.csv``, 0..1), so the number of stars a child saw can
be worked out again from the data, and any activity whose accuracy is a 0..1 share can use the
same thresholds (tracing does; pinch and sequencing can pass ``stars_for(accuracy)`` to the
kit's ``TrialScene.finish_trial``).

=======================  ======
stored accuracy          stars
=======================  ======
>= ``THREE_STARS_AT``    3
>= ``TWO_STARS_AT``      2
below, or none / NaN     1
=======================  ======

The thresholds are compared with the accuracy *as stored* (rounded to 4 decimals, as
``trials.csv`` keeps it), so a trial sitting on a threshold in play shows what its row says.
"""

from __future__ import annotations

import math

from telemetry.schema import as_stored

THREE_STARS_AT = 0.90  # near the line all the way: three stars and the big burst
TWO_STARS_AT = 0.70  # mostly on the line: two stars
MIN_STARS = 1  # a finished trial always earns a star: effort is rewarded, never punished
MAX_STARS = 3


def stars_for(accuracy: float | None, two_at: float = TWO_STARS_AT,
              three_at: float = THREE_STARS_AT) -> int:
    """Stars (1..3) for a finished trial of stored ``accuracy`` (0..1; None or NaN: 1).

    The accuracy is rounded to 4 decimals first, as ``trials.csv`` stores it.
    """
    if accuracy is None or not math.isfinite(accuracy):
        return MIN_STARS
    a = float(as_stored(float(accuracy)))
    if a >= three_at:
        return 3
    if a >= two_at:
        return 2
    return MIN_STARS
