"""The star's demo simulator: a made-up child taps near the star, nearer as skill grows."""

from __future__ import annotations

from games.kit.demo import SimTrial
from star_activity import ITEMS
from star_activity.record import star_at, write_targets
from star_activity.score import score
from telemetry.schema import as_stored


def simulate(trial: SimTrial) -> None:
    """One tap: a press ``wobble_px`` off the centre at most, held 0.1 to 0.3 s."""
    rec, clock, rng = trial.recorder, trial.clock, trial.rng
    item = ITEMS[int(rng.integers(0, len(ITEMS)))]
    star = star_at(item, 1)
    rec.begin_trial("star", 1, item, "")
    write_targets(rec.add_targets, star)
    x, y = star[0] + rng.normal(0.0, trial.wobble_px), star[1] + rng.normal(0.0, trial.wobble_px)
    hold = float(rng.uniform(0.1, 0.3))
    times = (clock.ns, clock.ns + int(hold * 1e9))
    for t_ns, phase in zip(times, ("down", "up"), strict=True):
        rec.add_sample(t_ns, x, y, 0, phase, "touch")
    clock.advance(hold + 0.2)
    t_s = [as_stored((t - rec.origin_ns) / 1e6) / 1e3 for t in times]
    f = score((t_s, [as_stored(x)] * 2, [as_stored(y)] * 2, ["down", "up"]), star)
    rec.finish_trial(accuracy=f.accuracy, errors=f.errors, completed=True, metrics=f.metrics,
                     duration_ms=f.metrics[1][1])
