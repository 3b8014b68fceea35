"""Scoring gives bit-identical results to the code it was sped up from.

A trial scored in play and re-scored from disk must give the very same floats, and reports
are compared byte for byte, so a faster scorer must not move a single ulp. The expected values
in ``scoring_identity.json`` were written by the scoring code as it was before the speed-up
(main at 9c736e8) from the seeded cases below; the test scores the same cases with today's code
and compares every figure exactly (NaN equals NaN; otherwise the float's bits, so even -0.0
against 0.0 fails).

To write the fixture again (only ever from a checkout whose scoring is known to be right):
``python -m tests.test_scoring_identity``.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.pointer import PointerSample
from games.pinch.levels import layout, level
from games.pinch.score import Samples, score_round, trial_metrics
from games.tracing import nearest
from games.tracing.glyphs import glyph
from games.tracing.scoring import deviations, score_trace

FIXTURE = Path(__file__).with_name("scoring_identity.json")


# --- tracing cases ------------------------------------------------------------------------------


def _trace(model: list[np.ndarray], rng: np.random.Generator, n: int, spread: float,
           *, reverse: tuple[int, ...] = (), order: list[int] | None = None,
           hover: bool = False, wild: bool = False, partial: float = 1.0,
           repeat_times: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A noisy drawing of ``model``: ``(t_s, x, y, phase)`` with phase names."""
    ts, xs, ys, ps = [], [], [], []
    t0 = float(rng.uniform(0.0, 3.0))
    strokes = order if order is not None else list(range(len(model)))
    per = max(2, n // len(strokes))
    for k in strokes:
        stroke = model[k][::-1] if k in reverse else model[k]
        seg = np.hypot(*np.diff(stroke, axis=0).T)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        s = np.sort(rng.uniform(0.0, partial * cum[-1], per))
        x = np.interp(s, cum, stroke[:, 0]) + rng.normal(0.0, spread, per)
        y = np.interp(s, cum, stroke[:, 1]) + rng.normal(0.0, spread, per)
        if wild:
            x[:: 41] += rng.uniform(-400.0, 400.0, len(x[:: 41]))
        t = t0 + np.cumsum(rng.uniform(0.001, 0.012, per))
        if repeat_times:
            t[5::17] = t[4::17][: len(t[5::17])]  # two events stamped alike
        ph = np.array(["move"] * per, dtype=object)
        ph[0], ph[-1] = "down", "up"
        if hover:  # a mouse hovering between strokes: ignored by the scoring
            hx = x[-1] + rng.normal(0.0, 30.0, 7)
            hy = y[-1] + rng.normal(0.0, 30.0, 7)
            ht = t[-1] + 0.01 * np.arange(1, 8)
            x, y, t = np.r_[x, hx], np.r_[y, hy], np.r_[t, ht]
            ph = np.r_[ph, np.array(["move"] * 7, dtype=object)]
        ts.append(t)
        xs.append(x)
        ys.append(y)
        ps.append(ph)
        t0 = float(t[-1]) + float(rng.uniform(0.05, 0.6))
    return np.concatenate(ts), np.concatenate(xs), np.concatenate(ys), np.concatenate(ps)


def _bench_letter_trace() -> tuple[list[np.ndarray], tuple, float]:
    """The benchmark's trace: 10,000 samples on 'B' at level 3 (its tolerance)."""
    from benchmarks.bench_tracing import _letter_trace

    model, samples, tol = _letter_trace()
    return model, samples, float(tol)


def tracing_cases() -> list[tuple[str, list[np.ndarray], Any, float, dict[str, Any]]]:
    """``(name, model, samples, tolerance, keyword arguments)`` of every tracing case."""
    cases: list[tuple[str, list[np.ndarray], Any, float, dict[str, Any]]] = []
    model_b, samples_b, tol_b = _bench_letter_trace()
    cases.append(("bench_B", model_b, samples_b, tol_b, {}))
    cases.append(("bench_B_mm", model_b, samples_b, tol_b, {"px_per_mm": 6.3}))
    cases.append(("bench_B_tol_12", model_b, samples_b, 12.0, {"start_radius_px": 9.0}))
    t, x, y, ph = samples_b
    cases.append(("bench_B_objects", model_b, [
        PointerSample(int(round(tt * 1e9)), float(xx), float(yy), 0, p, "mouse")
        for tt, xx, yy, p in zip(t[:3000], x[:3000], y[:3000], ph[:3000], strict=True)
    ], tol_b, {}))
    rec = np.zeros(len(t), dtype=[("t_ms", "f8"), ("x", "f8"), ("y", "f8"), ("phase", "U4")])
    rec["t_ms"], rec["x"], rec["y"], rec["phase"] = np.round(t * 1e3, 3), x, y, ph
    cases.append(("bench_B_structured", model_b, rec, tol_b, {}))
    rng = np.random.default_rng(2024)
    variants: list[tuple[str, dict[str, Any]]] = [
        ("plain", {}),
        ("reversed", {"reverse": (0,)}),
        ("hover_wild", {"hover": True, "wild": True}),
        ("partial", {"partial": 0.6}),
        ("repeat_times", {"repeat_times": True}),
    ]
    glyphs = ["upper_B", "lower_a", "upper_E", "circle", "upper_H", "lower_k", "digit_8",
              "square", "x", "upper_R"]
    for gi, gid in enumerate(glyphs):
        model = glyph(gid).scaled(200.0 + 37 * gi, 90.0 + 11 * gi, 300.0 + 40 * gi)
        for vi, (vname, kw) in enumerate(variants):
            n = int(rng.integers(40, 2500))
            spread = float(rng.uniform(1.0, 20.0))
            tol = float(rng.choice([12.0, 18.0, 24.0, 36.0]))
            order = None
            if len(model) > 1 and vi % 2:
                order = list(rng.permutation(len(model))) + [0]
            samples = _trace(model, rng, n, spread, order=order, **kw)
            extra: dict[str, Any] = {"px_per_mm": 5.5} if vi == 3 else {}
            cases.append((f"{gid}_{vname}", model, samples, tol, extra))
    # a few degenerate trials
    line = [np.array([[100.0, 100.0], [500.0, 100.0], [500.0, 100.0], [500.0, 300.0]])]
    one = (np.array([0.0]), np.array([120.0]), np.array([104.0]), np.array(["down"], object))
    two = (np.array([0.0, 0.01]), np.array([120.0, 130.0]), np.array([104.0, 99.0]),
           np.array(["down", "up"], object))
    still = (np.zeros(5), np.full(5, 300.0), np.full(5, 110.0),
             np.array(["down", "move", "move", "move", "up"], object))
    cases += [("one_sample", line, one, 10.0, {}), ("two_samples", line, two, 10.0, {}),
              ("still_pen", line, still, 10.0, {})]
    return cases


# --- pinch cases --------------------------------------------------------------------------------


def _pinch_rows(board: Any, rng: np.random.Generator, n: int, wobble: float, miss_rate: float,
                stray: float, source: str) -> list[tuple[float, float, float, int, str, str]]:
    """Samples that carry each object towards a target (sometimes a wrong or no target)."""
    rows: list[tuple[float, float, float, int, str, str]] = []
    per = max(8, n // (2 * max(1, len(board.objects))))
    t = float(rng.uniform(50.0, 400.0))
    touch = source == "touch"
    for k, p in enumerate(board.objects):
        if touch and rng.random() < miss_rate:  # fingers that land already closed
            rows += [(t, p.x - 20, p.y, 1, "down", source), (t + 0.5, p.x + 20, p.y, 2, "down",
                                                              source)]
            t += 60
            rows += [(t, p.x - 20, p.y, 1, "up", source), (t + 0.5, p.x + 20, p.y, 2, "up",
                                                             source)]
            t += 200
        hole = board.targets[k % len(board.targets)]
        if rng.random() < stray:
            hole = board.targets[int(rng.integers(len(board.targets)))]
        gx, gy = hole.x + rng.normal(0.0, 0.6 * hole.r), hole.y + rng.normal(0.0, 0.6 * hole.r)
        if rng.random() < stray / 2:
            gx, gy = gx + 300.0, gy - 150.0  # a drop on the table
        if touch:
            rows += [(t, p.x - 70, p.y, 1, "down", source),
                     (t + 0.5, p.x + 70, p.y, 2, "down", source)]
        else:
            rows.append((t, p.x, p.y, 0, "down", source))
        t += 8
        for s in np.linspace(0.0, 1.0, per):
            f = 10 * s**3 - 15 * s**4 + 6 * s**5
            x = p.x + (gx - p.x) * f + rng.normal(0.0, wobble)
            y = p.y + (gy - p.y) * f + 12 * math.sin(math.pi * f) + rng.normal(0.0, wobble)
            if touch:
                rows += [(t, x - 30, y, 1, "move", source), (t + 0.5, x + 30, y, 2, "move",
                                                             source)]
            else:
                rows.append((t, x, y, 0, "move", source))
            t += float(rng.choice([4.0, 8.0, 8.0, 16.0]))
        if touch:
            rows += [(t, gx - 80, gy, 1, "move", source), (t + 0.5, gx + 80, gy, 2, "move",
                                                           source)]
            t += 100
            rows += [(t, gx - 80, gy, 1, "up", source), (t + 0.5, gx + 80, gy, 2, "up", source)]
        else:
            rows.append((t, gx, gy, 0, "up", source))
        t += float(rng.uniform(150.0, 500.0))
    return rows


def pinch_cases() -> list[tuple[str, Any, Samples, dict[str, Any]]]:
    """``(name, board, samples, keyword arguments)`` of every pinch case."""
    from benchmarks.bench_pinch import _board_samples

    board, s = _board_samples()
    cases: list[tuple[str, Any, Samples, dict[str, Any]]] = [("bench_board", board, s, {})]
    rng = np.random.default_rng(99)
    for lv in range(1, 13):
        for seed in (0, 1):
            board = layout(level(lv), seed)
            source = "mouse" if (lv + seed) % 5 == 0 else "touch"
            rows = _pinch_rows(board, rng, int(rng.integers(200, 5000)),
                               float(rng.uniform(0.5, 6.0)), 0.2, 0.3, source)
            kw: dict[str, Any] = {}
            if seed:
                kw = {"px_per_mm": 6.1, "left_hand": bool(lv % 2), "timed": lv == 4}
            cases.append((f"level_{lv}_seed_{seed}_{source}", board, Samples.from_rows(rows), kw))
    # assisted play: taps only
    board = layout(level(3), 5)
    taps: list[tuple[float, float, float, int, str, str]] = []
    t = 100.0
    for k, p in enumerate(board.objects):
        hole = board.targets[k % len(board.targets)]
        taps += [(t, p.x + 3, p.y, 0, "down", "touch"), (t + 40, p.x + 3, p.y, 0, "up", "touch")]
        t += 700
        taps += [(t, hole.x - 5, hole.y, 0, "down", "touch"),
                 (t + 40, hole.x - 5, hole.y, 0, "up", "touch")]
        t += 900
    cases.append(("assisted", board, Samples.from_rows(taps), {"assisted": True}))
    return cases


# --- what is compared ---------------------------------------------------------------------------


def _digest(a: np.ndarray) -> str:
    a = np.ascontiguousarray(a)
    return hashlib.sha256(str(a.dtype).encode() + a.tobytes()).hexdigest()[:24]


def tracing_outputs() -> dict[str, Any]:
    """Every tracing case's score (all fields and metric rows) and deviations' digest, scored
    with the model geometry prepared afresh and again with it cached (they must agree)."""
    out: dict[str, Any] = {}
    for name, model, samples, tol, kw in tracing_cases():
        nearest._clear_caches()
        cold = score_trace(model, samples, tol, **kw)
        warm = score_trace(model, samples, tol, **kw)
        xy = np.column_stack((samples[1], samples[2])) if isinstance(samples, tuple) else None
        # the first scoring of a model and a later one give the very same figures
        _same(_jsonable(cold.as_dict()), _jsonable(warm.as_dict()), f"{name} cold/warm")
        out[name] = {
            "score": warm.as_dict(),
            "rows": [list(r) for r in warm.metric_rows()],
            "errors": warm.errors,
            "deviations": _digest(deviations(model, xy)) if xy is not None else "",
        }
    return out


def pinch_outputs() -> dict[str, Any]:
    """Every pinch case's metric rows and carries (paths as digests)."""
    out: dict[str, Any] = {}
    for name, board, samples, kw in pinch_cases():
        assisted = kw.pop("assisted", False)
        score = score_round(samples, board, 0.0, assisted=assisted)
        rows = trial_metrics(score, board, **kw)
        fields = {k: v for k, v in vars(score).items() if k != "carries"}
        carries = [{**{k: v for k, v in vars(c).items() if k != "path"},
                    "path": _digest(c.path)} for c in score.carries]
        out[name] = {"rows": [list(r) for r in rows], "score": fields, "carries": carries,
                     "accuracy": score.accuracy, "errors": score.errors}
    return out


def _same(a: Any, b: Any, where: str) -> None:
    """Exactly equal: floats bit for bit (any NaN equals any NaN), containers item by item."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, float) and isinstance(b, float), (where, a, b)
        if math.isnan(a) and math.isnan(b):
            return
        assert struct.pack("<d", a) == struct.pack("<d", b), (where, a, b)
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), (where, a, b)
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _same(u, v, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, a, b)
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    else:
        assert type(a) is type(b) and a == b, (where, a, b)


def _jsonable(value: Any) -> Any:
    """Tuples as lists (as JSON reads them back), numpy scalars as Python ones."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text())
    return loaded


def test_tracing_scores_are_bit_identical(expected: dict[str, Any]) -> None:
    got = _jsonable(tracing_outputs())
    assert got.keys() == expected["tracing"].keys()
    _same(got, expected["tracing"], "tracing")


def test_pinch_scores_are_bit_identical(expected: dict[str, Any]) -> None:
    got = _jsonable(pinch_outputs())
    assert got.keys() == expected["pinch"].keys()
    _same(got, expected["pinch"], "pinch")


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps({"tracing": _jsonable(tracing_outputs()),
                                   "pinch": _jsonable(pinch_outputs())}, indent=None) + "\n")
    print(f"wrote {FIXTURE}")
