"""Tracing's demo-data simulator (``Activity.simulate``): a made-up hand traces a shape.

The simulated hand follows the model path at a child's speed with a slow wobble across the
path (a few sinusoids, amplitude given by the demo's skill curve), a little jitter, uneven
sampling (about 120 Hz), pen lifts between strokes and a start a little off the start point.
The trial is laid out and stored by ``record.py`` exactly as the scene does (same layout, same
targets), and scored by the real :func:`games.tracing.scoring.score_trace` on the samples as
stored. Each shape's level comes from the game's own staircase (two successes up, one miss
down), kept in the child's ``trial.state``, so the road narrows as the child improves and
accuracy dips after a level change. About one trial in 25 is abandoned part-way.
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

from games.kit.demo import SimTrial
from games.tracing.figures import trial_figures
from games.tracing.glyphs import glyph
from games.tracing.record import layout, stored_model, write_targets
from games.tracing.scoring import score_trace
from games.tracing.staircase import SUCCESS_ACCURACY, TracingProgress
from games.tracing.staircase import level as tracing_level
from telemetry.schema import as_stored

# Pre-writing shapes in developmental order; a child's repertoire grows through this list.
SHAPES = ("vertical", "horizontal", "circle", "cross", "square", "diag_right", "diag_left", "x",
          "triangle", "diamond")
# How much harder each shape is than a straight line (multiplies the wobble).
SHAPE_DIFFICULTY = {"vertical": 0.8, "horizontal": 0.8, "circle": 1.0, "cross": 0.9,
                    "square": 1.05, "diag_right": 1.0, "diag_left": 1.0, "x": 1.1,
                    "triangle": 1.15, "diamond": 1.3}
SAMPLE_DT_S = 1 / 120.0
ABANDON_P = 0.04


def model_box(level_number: int) -> tuple[float, float, float]:
    """Where the tracing scene puts a glyph at this level (trace mode, right hand): left, top,
    size in logical px (``record.layout``)."""
    x, y, size, _ = layout(tracing_level(level_number), "trace").box
    return float(x), float(y), float(size)


def _resample(poly: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` px along a polyline, and the unit normal at each."""
    seg = np.diff(poly, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = cum[-1]
    s = np.arange(0.0, total + 1e-9, step) if total > 0 else np.zeros(1)
    if s[-1] < total:
        s = np.append(s, total)
    x = np.interp(s, cum, poly[:, 0])
    y = np.interp(s, cum, poly[:, 1])
    idx = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    d = seg[idx] / np.maximum(lengths[idx], 1e-9)[:, None]
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1)
    return np.stack([x, y], axis=1), normal


def simulate_trace(
    strokes: list[np.ndarray], wobble: float, speed: float, rng: np.random.Generator
) -> tuple[list[tuple[float, float, float, str]], float]:
    """A simulated hand tracing ``strokes``: samples ``(t_s, x, y, phase)`` and the end time."""
    t, x, y, phases, end = _simulate_arrays(strokes, wobble, speed, rng)
    return list(zip(t.tolist(), x.tolist(), y.tolist(), phases, strict=True)), end


def _simulate_arrays(
    strokes: list[np.ndarray], wobble: float, speed: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], float]:
    """:func:`simulate_trace` as arrays: times (s), x, y, the phases, the end time."""
    ts: list[np.ndarray] = []
    xys: list[np.ndarray] = []
    phases: list[str] = []
    t = 0.0
    for poly in strokes:
        v = speed * float(rng.uniform(0.8, 1.2))
        pts, normal = _resample(poly, v * SAMPLE_DT_S)
        n = len(pts)
        tt = t + np.cumsum(np.concatenate([[0.0], rng.uniform(0.6, 1.4, n - 1) * SAMPLE_DT_S]))
        freqs = rng.uniform(0.4, 2.5, 3)
        phs = rng.uniform(0, 2 * np.pi, 3)
        amps = wobble * rng.dirichlet(np.ones(3))
        off = (amps[None, :] * np.sin(2 * np.pi * freqs[None, :] * (tt - t)[:, None]
                                      + phs[None, :])).sum(axis=1)
        xy = pts + normal * off[:, None] + rng.normal(0.0, 0.8, (n, 2))
        xy += rng.normal(0.0, wobble * 0.3, 2)  # the start is a little off
        ts.append(tt)
        xys.append(xy)
        phases += ["down", *["move"] * (n - 2), "up"] if n > 1 else ["down"]
        t = float(tt[-1]) + float(rng.uniform(0.25, 0.6))  # pen in the air
    if not ts:
        return np.zeros(0), np.zeros(0), np.zeros(0), [], t
    xy_all = np.concatenate(xys)
    return np.concatenate(ts), xy_all[:, 0], xy_all[:, 1], phases, t


def trace_trial(trial: SimTrial, item: str, level: int) -> float | None:
    """One scored tracing trial of ``item`` at ``level``; returns its accuracy (None when
    abandoned). Laid out, stored and scored as the scene does."""
    rec, clock, rng = trial.recorder, trial.clock, trial.rng
    lv = tracing_level(level)
    model = stored_model(glyph(item), layout(lv, "trace").box)
    tol = lv.tolerance_px
    rec.begin_trial("tracing", level, item, "trace")
    write_targets(rec.add_targets, model, tol)
    w = trial.wobble_px * SHAPE_DIFFICULTY.get(item, 1.0) * float(rng.lognormal(0.0, 0.2))
    t_s, xs, ys, phases, end_s = _simulate_arrays(model, w, trial.speed_px_s, rng)
    abandon = rng.random() < ABANDON_P
    if abandon:  # the child wandered off part-way
        keep = max(2, len(phases) // 3)
        t_s, xs, ys, phases = t_s[:keep], xs[:keep], ys[:keep], phases[:keep]
        phases[-1] = "up"
        end_s = float(t_s[-1])
    origin = clock.ns
    t_ns = origin + (t_s * 1e9).astype(np.int64)  # int(t * 1e9) of each, as a scene's clock
    rec.add_samples(zip(t_ns.tolist(), xs.tolist(), ys.tolist(), repeat(0), phases,
                        repeat("touch")))
    clock.advance(end_s + 0.3)
    if abandon:
        rec.finish_trial(accuracy=None, errors=0, completed=False, duration_ms=end_s * 1000.0)
        return None
    # scored from the samples as samples.csv stores them (t_ms from the recorder's origin)
    t_ms = as_stored((t_ns - rec.origin_ns).astype(float) / 1e6)
    score = score_trace(model, (t_ms / 1e3, as_stored(xs), as_stored(ys),
                                np.array(phases, dtype=object)), tol)
    figures, _ = trial_figures(score, strict=False)  # the figures the scene stores
    rec.finish_trial(accuracy=figures.accuracy, errors=figures.errors, completed=True,
                     metrics=figures.metrics, duration_ms=score.completion_ms)
    return score.accuracy


def simulate(trial: SimTrial) -> None:
    """``Activity.simulate`` for tracing: a shape from the child's repertoire (the first
    ``trial.items_known`` of :data:`SHAPES`) at the level its staircase gives."""
    progress = trial.state.get("progress")
    if not isinstance(progress, TracingProgress):
        progress = trial.state["progress"] = TracingProgress()
    repertoire = SHAPES[: max(1, min(len(SHAPES), trial.items_known))]
    item = str(trial.rng.choice(repertoire))
    acc = trace_trial(trial, item, progress.current_level(item))
    if acc is not None:
        progress.record(item, acc >= SUCCESS_ACCURACY)
