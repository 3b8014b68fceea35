"""Tracing scores on exact geometry (pure numpy, no pygame)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games.kit.motion import ldlj, resample_speed, sparc, split_strokes, velocity_peaks
from games.tracing.glyphs import glyph, glyph_ids
from games.tracing.score import out_of_turn
from games.tracing.scoring import (
    copy_rule_check,
    deviations,
    deviations_naive,
    score_copy,
    score_trace,
)

LINE = [np.array([[100.0, 100.0], [500.0, 100.0]])]


def one_stroke(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> tuple:
    """(t, x, y, phase) of a single pen-down stroke."""
    phase = np.array(["move"] * len(t), dtype=object)
    phase[0] = "down"
    phase[-1] = "up"
    return (t, x, y, phase)


def along(pts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points evenly spaced along a polyline (its ends included): exactly on the model."""
    seg = np.hypot(*np.diff(pts, axis=0).T)
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    s_at = np.linspace(0.0, cum[-1], n)
    return np.interp(s_at, cum, pts[:, 0]), np.interp(s_at, cum, pts[:, 1])


def strokes_of(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple:
    """Several strokes (x, y, t) joined into one (t, x, y, phase) trial."""
    ts, xs, ys, ps = [], [], [], []
    for x, y, t in parts:
        tt, xx, yy, ph = one_stroke(x, y, t)
        ts.append(tt)
        xs.append(xx)
        ys.append(yy)
        ps.append(ph)
    return (np.concatenate(ts), np.concatenate(xs), np.concatenate(ys), np.concatenate(ps))


def min_jerk(n: int, duration: float, dist: float) -> tuple[np.ndarray, np.ndarray]:
    """Time and position of a minimum-jerk reach (Flash & Hogan) of ``dist`` over ``duration``."""
    t = np.linspace(0.0, duration, n)
    tau = t / duration
    return t, dist * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)


def test_offset_line_has_exact_deviation() -> None:
    n = 201
    t = np.linspace(0.0, 2.0, n)
    x = np.linspace(100.0, 500.0, n)
    s = score_trace(LINE, one_stroke(x, np.full(n, 105.0), t), tolerance_px=20.0)
    assert s.mean_deviation_px == 5.0
    assert s.rms_deviation_px == 5.0
    assert s.max_deviation_px == 5.0
    assert s.accuracy == 1.0
    assert s.coverage == 1.0
    assert s.exits == 0
    assert (s.start_correct, s.direction_correct, s.order_correct) == (True, True, True)
    assert s.errors == 0
    assert s.completion_ms == pytest.approx(2000.0)
    assert s.pen_lifts == 0 and s.in_air_ms == 0.0
    assert s.mean_speed_px_s == pytest.approx(200.0)


def test_outside_the_band_and_partial_time() -> None:
    n = 101
    t = np.linspace(0.0, 1.0, n)
    x = np.linspace(100.0, 500.0, n)
    # first half on the line, second half 30 px away (band 20): one exit
    y = np.where(np.arange(n) < 50, 100.0, 130.0)
    s = score_trace(LINE, one_stroke(x, y, t), tolerance_px=20.0)
    assert s.exits == 1
    # 49 intervals fully in, 1 interval half in, 50 out -> 49.5 / 100 of the time
    assert s.accuracy == pytest.approx(0.495)
    assert s.max_deviation_px == 30.0
    # covered: the first half of the line plus the band reach (20 px) past the last in sample
    assert s.coverage == pytest.approx((196.0 + 20.0) / 400.0, abs=0.005)


def test_perfect_circle_covers_everything() -> None:
    model = glyph("circle").scaled(340.0, 100.0, 600.0)
    # trace exactly along the model polyline, counter-clockwise from the top
    x, y = along(model[0], 1500)
    t = np.linspace(0.0, 3.0, len(x))
    s = score_trace(model, one_stroke(x, y, t), tolerance_px=30.0)
    assert s.accuracy == 1.0
    assert s.coverage == 1.0
    assert s.max_deviation_px < 1e-9
    assert s.direction_correct and s.start_correct and s.order_correct
    # clockwise from the top: same road, wrong direction
    rev = score_trace(model, one_stroke(x[::-1], y[::-1], t), tolerance_px=30.0)
    assert rev.coverage == 1.0 and rev.accuracy == 1.0
    assert not rev.direction_correct
    assert rev.direction_errors == 1
    assert rev.start_correct  # a circle ends where it starts


def test_wrong_direction_and_start_are_flagged() -> None:
    n = 201
    t = np.linspace(0.0, 2.0, n)
    x = np.linspace(500.0, 100.0, n)  # right to left
    s = score_trace(LINE, one_stroke(x, np.full(n, 100.0), t), tolerance_px=20.0)
    assert not s.direction_correct and s.direction_errors == 1
    assert not s.start_correct and s.start_errors == 1
    assert s.errors == 2
    assert s.coverage == 1.0


def test_stroke_order_and_lifts() -> None:
    model = glyph("cross").scaled(100.0, 100.0, 400.0)  # vertical x=300, then horizontal y=300
    v = (np.full(50, 300.0), np.linspace(120.0, 480.0, 50), np.linspace(0.0, 1.0, 50))
    h = (np.linspace(120.0, 480.0, 50), np.full(50, 300.0), np.linspace(1.5, 2.5, 50))
    good = score_trace(model, strokes_of([v, h]), tolerance_px=20.0)
    assert good.order_correct and good.order_errors == 0
    assert good.stroke_match == (0, 1)
    assert good.pen_lifts == 1
    assert good.in_air_ms == pytest.approx(500.0)
    assert good.completion_ms == pytest.approx(2500.0)
    assert good.coverage == 1.0
    h0 = (h[0], h[1], h[2] - 1.5)
    v1 = (v[0], v[1], v[2] + 1.5)
    bad = score_trace(model, strokes_of([h0, v1]), tolerance_px=20.0)
    assert bad.stroke_match == (1, 0)
    assert not bad.order_correct and bad.order_errors == 1  # one stroke out of its turn
    # lifting mid-stroke and carrying on is not an order error, and not a start error
    v_a = (v[0][:25], v[1][:25], v[2][:25])
    v_b = (v[0][25:], v[1][25:], v[2][25:] + 0.3)
    h2 = (h[0], h[1], h[2] + 0.3)
    lifted = score_trace(model, strokes_of([v_a, v_b, h2]), tolerance_px=20.0)
    assert lifted.stroke_match == (0, 0, 1)
    assert lifted.order_correct and lifted.start_correct
    assert lifted.pen_lifts == 2


def test_hover_samples_are_ignored() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    x = np.array([0.0, 100.0, 300.0, 500.0, 900.0, 900.0])
    y = np.array([0.0, 100.0, 100.0, 100.0, 900.0, 900.0])
    ph = np.array(["move", "down", "move", "up", "move", "move"])
    strokes = split_strokes((t, x, y, ph))
    assert len(strokes) == 1
    assert strokes[0].xy.tolist() == [[100.0, 100.0], [300.0, 100.0], [500.0, 100.0]]
    s = score_trace(LINE, (t, x, y, ph), tolerance_px=20.0)
    assert s.n_samples == 3 and s.accuracy == 1.0


def test_structured_and_pointer_sample_inputs_agree() -> None:
    from engine.pointer import PointerSample

    n = 50
    t = np.linspace(0.0, 1.0, n)
    x = np.linspace(100.0, 500.0, n)
    y = 100.0 + 3.0 * np.sin(np.linspace(0, 6, n))
    ref = score_trace(LINE, one_stroke(x, y, t), 20.0)
    rec = np.zeros(n, dtype=[("t_ms", float), ("x", float), ("y", float), ("phase", "U4")])
    rec["t_ms"], rec["x"], rec["y"] = t * 1e3, x, y
    rec["phase"] = one_stroke(x, y, t)[3].astype(str)
    assert score_trace(LINE, rec, 20.0) == ref
    ps = [PointerSample(int(round(a * 1e9)), b, c, 0, p, "mouse")
          for a, b, c, p in zip(t, x, y, rec["phase"], strict=True)]
    assert score_trace(LINE, ps, 20.0).mean_deviation_px == pytest.approx(ref.mean_deviation_px)


def test_velocity_peaks_with_three_pauses() -> None:
    xs, ts = [], []
    t0, p0 = 0.0, 100.0
    for k in range(4):
        t, p = min_jerk(61, 0.5, 100.0)
        xs.append(p0 + p)
        ts.append(t0 + t)
        p0 += 100.0
        t0 += 0.5
        if k < 3:  # a 0.3 s pause standing still
            ts.append(t0 + np.linspace(0.01, 0.3, 30))
            xs.append(np.full(30, p0))
            t0 += 0.3
    x = np.concatenate(xs)
    t = np.concatenate(ts)
    s = score_trace(LINE, one_stroke(x, np.full(len(x), 100.0), t), 20.0)
    assert s.velocity_peaks == 4
    assert s.velocity_peaks_per_stroke == 4.0
    t1, p1 = min_jerk(121, 1.0, 400.0)
    single = score_trace(LINE, one_stroke(100.0 + p1, np.full(121, 100.0), t1), 20.0)
    assert single.velocity_peaks == 1
    # peak speed of a min-jerk reach is 1.875 * mean speed
    assert single.peak_speed_px_s == pytest.approx(1.875 * 400.0, rel=0.01)


def test_sparc_smooth_reach_versus_tremor() -> None:
    t, p = min_jerk(121, 1.0, 400.0)
    smooth_s = score_trace(LINE, one_stroke(100.0 + p, np.full(121, 100.0), t), 20.0)
    assert -1.6 <= smooth_s.sparc <= -1.4  # the published value for a smooth reach
    tremor = 8.0 * np.sin(2 * np.pi * 6.0 * t)
    shaky = score_trace(LINE, one_stroke(100.0 + p + tremor, 100.0 + tremor, t), 20.0)
    assert shaky.sparc < smooth_s.sparc - 0.3
    assert shaky.velocity_peaks > smooth_s.velocity_peaks


def test_sparc_and_resampling_details() -> None:
    assert math.isnan(sparc(np.zeros(3)))
    # uneven event times are resampled onto a 100 Hz grid
    t = np.array([0.0, 0.004, 0.02, 0.05, 0.1])
    xy = np.column_stack((t * 1000.0, np.zeros(5)))
    v = resample_speed(t, xy)
    assert len(v) == 10 and np.allclose(v, 1000.0)
    assert velocity_peaks(np.array([0.0, 1.0, 0.0, 1.0, 0.0])) == 2
    assert velocity_peaks(np.array([1.0, 1.0, 1.0])) == 1


def test_calibrated_rows_in_mm() -> None:
    n = 201
    t = np.linspace(0.0, 2.0, n)
    x = np.linspace(100.0, 500.0, n)
    s = score_trace(LINE, one_stroke(x, np.full(n, 105.0), t), 20.0, px_per_mm=4.0)
    rows = {(name, unit): value for name, value, unit in s.metric_rows()}
    assert rows[("mean_deviation", "px")] == 5.0
    assert rows[("mean_deviation", "mm")] == 1.25
    assert rows[("coverage", "%")] == 100.0
    assert rows[("mean_speed", "mm/s")] == pytest.approx(50.0)
    assert rows[("start_correct", "bool")] == 1.0
    uncal = score_trace(LINE, one_stroke(x, np.full(n, 105.0), t), 20.0)
    assert not any(unit == "mm" for _, _, unit in uncal.metric_rows())
    names = [name for name, _, _ in uncal.metric_rows()]
    assert len(names) == len(set(names))


def test_no_samples_and_bad_arguments() -> None:
    empty = score_trace(LINE, (np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, str)), 20.0)
    assert empty.accuracy == 0.0 and empty.coverage == 0.0 and empty.strokes_drawn == 0
    with pytest.raises(ValueError, match="tolerance_px must be positive, got 0"):
        score_trace(LINE, (np.zeros(0),) * 3 + (np.zeros(0, str),), 0)
    with pytest.raises(ValueError, match="unknown pointer phase 'hover'"):
        score_trace(LINE, (np.zeros(1), np.zeros(1), np.zeros(1), np.array(["hover"])), 5.0)
    with pytest.raises(ValueError, match=r"model stroke 0 must be an \(M, 2\) array with M >= 2"):
        score_trace([np.zeros((1, 2))], (np.zeros(0),) * 3 + (np.zeros(0, str),), 5.0)


@settings(max_examples=40, deadline=None)
@given(
    gid=st.sampled_from(glyph_ids()),
    seed=st.integers(0, 10_000),
    spread=st.floats(1.0, 200.0),
)
def test_fast_distances_equal_the_naive_loop(gid: str, seed: int, spread: float) -> None:
    model = glyph(gid).scaled(300.0, 100.0, 560.0)
    rng = np.random.default_rng(seed)
    pts = np.concatenate(model)
    xy = pts[rng.integers(0, len(pts), 300)] + rng.normal(0.0, spread, (300, 2))
    assert np.allclose(deviations(model, xy), deviations_naive(model, xy), atol=1e-9)


def test_retraced_letter_is_fully_covered() -> None:
    # lowercase a goes up its right side and back down the same line
    model = glyph("lower_a").scaled(300.0, 100.0, 560.0)
    x, y = along(model[0], 800)
    s = score_trace(model, one_stroke(x, y, np.linspace(0, 3, 800)), 18.0)
    assert s.coverage == 1.0 and s.accuracy == 1.0 and s.direction_correct


# --- copy mode ---------------------------------------------------------------------------------


def _line(p0: tuple[float, float], p1: tuple[float, float], n: int = 30) -> np.ndarray:
    return np.column_stack((np.linspace(p0[0], p1[0], n), np.linspace(p0[1], p1[1], n)))


def _circle(cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    a = np.radians(np.linspace(90, 450, 73))
    return np.column_stack((cx + rx * np.cos(a), cy - ry * np.sin(a)))


def test_copy_rules_lines() -> None:
    # 20 degrees off vertical passes, 40 degrees fails (rule: within 30 degrees)
    assert copy_rule_check("vertical", [_line((100, 100), (100 + math.tan(math.radians(20)) * 200,
                                                           300))])[0]
    assert not copy_rule_check("vertical", [_line((100, 100), (100 + math.tan(math.radians(40))
                                                               * 200, 300))])[0]
    assert copy_rule_check("horizontal", [_line((100, 300), (400, 250))])[0]  # ~9.5 degrees
    assert copy_rule_check("diag_right", [_line((300, 100), (100, 300))]) == (
        True, "diagonal at 20-70 degrees")
    assert copy_rule_check("diag_left", [_line((100, 100), (300, 300))])[0]
    assert not copy_rule_check("diag_left", [_line((300, 100), (100, 300))])[0]


def test_copy_rules_circle() -> None:
    assert copy_rule_check("circle", [_circle(300, 300, 100, 180)]) == (
        True, "closed circle, 1.8:1")
    assert copy_rule_check("circle", [_circle(300, 300, 80, 200)]) == (
        False, "circle too stretched (2.5:1)")
    assert copy_rule_check("circle", [_circle(300, 300, 100, 100)[:40]]) == (
        False, "circle not closed")


def test_copy_rules_crosses() -> None:
    plus = [_line((300, 100), (300, 500)), _line((100, 300), (500, 300))]
    assert copy_rule_check("cross", plus) == (True, "two crossing lines, vertical and horizontal")
    apart = [_line((300, 100), (300, 500)), _line((400, 300), (700, 300))]
    assert copy_rule_check("cross", apart) == (False, "lines do not cross")
    x = [_line((100, 100), (400, 400)), _line((400, 100), (100, 400))]
    assert copy_rule_check("x", x) == (True, "two crossing diagonals")
    assert copy_rule_check("x", [x[0]]) == (False, "needs two lines")


def test_x_rule_compares_the_arms_of_each_line() -> None:
    # Beery: "long part no more than twice short part", the parts being the two arms of a line
    # on either side of the crossing. A lambda (one line crossed 5 % from its end) used to
    # pass as "two crossing diagonals" because only the two whole lines were compared.
    long_line = _line((100, 100), (400, 400))
    lam = [long_line, _line((260, 240), (60, 440))]
    assert copy_rule_check("x", lam) == (
        False, "a line's long part more than twice its short part (19.0:1)")
    quarter = [long_line, _line((300, 200), (100, 400))]  # crossed at a quarter: 3:1
    assert copy_rule_check("x", quarter) == (
        False, "a line's long part more than twice its short part (3.0:1)")
    # the long line crossed off-centre (at a fifth of it), the short one in its middle
    off_centre = [long_line, _line((220, 100), (100, 220))]
    assert copy_rule_check("x", off_centre) == (
        False, "a line's long part more than twice its short part (4.0:1)")
    touching = [long_line, _line((250, 250), (100, 400))]  # meets it, does not cross
    assert copy_rule_check("x", touching) == (False, "lines do not cross")
    # crossed at 40 % of one line (1.5:1) and in the middle of the other: an X
    assert copy_rule_check("x", [long_line, _line((370, 130), (130, 370))]) == (
        True, "two crossing diagonals")
    # Lines of different lengths are fine as long as each is crossed near its middle (the
    # whole lines are no longer compared).
    small_across_big = [_line((100, 100), (500, 500)), _line((330, 270), (270, 330))]
    assert copy_rule_check("x", small_across_big) == (True, "two crossing diagonals")


def test_cross_rule_wants_every_arm_a_quarter_of_its_line() -> None:
    # Beery: "all parts at least 1/4 inch", read relative to the line (screen drawings have no
    # fixed size): a level line crossing the upright one 20 % from its top fails (it passed
    # with the old 15 % floor), 30 % from the top passes.
    upright = _line((300, 100), (300, 500))
    assert copy_rule_check("cross", [upright, _line((100, 180), (500, 180))]) == (
        False, "an arm of the cross is shorter than a quarter of its line")
    assert copy_rule_check("cross", [upright, _line((100, 300), (170, 300))]) == (
        False, "lines do not cross")
    assert copy_rule_check("cross", [upright, _line((220, 300), (900, 300))]) == (
        False, "an arm of the cross is shorter than a quarter of its line")
    assert copy_rule_check("cross", [upright, _line((100, 220), (500, 220))]) == (
        True, "two crossing lines, vertical and horizontal")


def _polyline(*pts: tuple[float, float], n: int = 30) -> np.ndarray:
    parts = [_line(a, b, n) for a, b in zip(pts, pts[1:], strict=False)]
    return np.concatenate([parts[0]] + [p[1:] for p in parts[1:]])


def test_diagonal_with_a_sudden_change_of_direction_fails() -> None:
    # Beery: "no abrupt change of direction". This zig-zag is 84 % at 45 degrees, so the
    # angle rule alone passed it; its heading turns by 135 degrees at each corner.
    zigzag = _polyline((400, 100), (250, 250), (330, 250), (180, 400))
    assert copy_rule_check("diag_right", [zigzag]) == (
        False, "diagonal changes direction sharply (135 degrees)")
    # lifting the finger at a corner does not hide it: a stroke that starts where the last
    # one ended carries the line on
    lifted = [_polyline((400, 100), (250, 250)), _polyline((250, 250), (330, 250), (180, 400))]
    assert copy_rule_check("diag_right", lifted) == (
        False, "diagonal changes direction sharply (135 degrees)")
    mirrored = _polyline((100, 100), (250, 250), (170, 250), (320, 400))
    assert copy_rule_check("diag_left", [mirrored]) == (
        False, "diagonal changes direction sharply (135 degrees)")
    # A corner with both halves inside the 20-70 band: at 22 then 68 degrees (a 46-degree
    # turn) it fails, at 25 then 65 degrees (40) it is a bend and passes.
    assert copy_rule_check("diag_right", [_bent(22.0, 68.0)]) == (
        False, "diagonal changes direction sharply (46 degrees)")
    assert copy_rule_check("diag_right", [_bent(25.0, 65.0)]) == (
        True, "diagonal at 20-70 degrees")


def _bent(first_deg: float, second_deg: float) -> np.ndarray:
    """A / drawn down to the left in two 150 px halves at these angles (from the horizontal,
    counter-clockwise, y up), meeting in a corner."""
    a, b = math.radians(first_deg), math.radians(second_deg)
    p0 = (400.0, 100.0)
    p1 = (p0[0] - 150 * math.cos(a), p0[1] + 150 * math.sin(a))
    p2 = (p1[0] - 150 * math.cos(b), p1[1] + 150 * math.sin(b))
    return _polyline(p0, p1, p2)


def test_natural_diagonals_still_pass() -> None:
    rng = np.random.default_rng(0)
    t = np.linspace(0.0, 1.0, 120)
    # bowed by 25 px over a 420 px line, with 1.5 px of touch jitter
    bowed = np.column_stack((400 - 300 * t + 25 * np.sin(np.pi * t) + rng.normal(0, 1.5, 120),
                             100 + 300 * t + rng.normal(0, 1.5, 120)))
    assert copy_rule_check("diag_right", [bowed]) == (True, "diagonal at 20-70 degrees")
    # a small hook where the finger landed (3 % of the line)
    hooked = np.vstack((_line((390, 90), (400, 100), 5), _line((400, 100), (100, 400))))
    assert copy_rule_check("diag_right", [hooked]) == (True, "diagonal at 20-70 degrees")
    # a line carried on in a second stroke (Beery: "extensions OK")
    extended = [_line((400, 100), (250, 250)), _line((252, 248), (100, 400))]
    assert copy_rule_check("diag_right", extended) == (True, "diagonal at 20-70 degrees")
    assert copy_rule_check("diag_left", [_line((100, 100), (300, 300))]) == (
        True, "diagonal at 110-160 degrees")


def test_vertical_and_horizontal_lines_have_no_direction_change_rule() -> None:
    # Beery's first lines (about 3 years) only ask for more than half within 30 degrees; the
    # "no abrupt change of direction" criterion belongs to the diagonals. A zig-zag whose
    # pieces all lie within 30 degrees therefore still passes, deliberately.
    zigzag = _polyline((300, 100), (330, 200), (300, 300), (330, 400))
    assert copy_rule_check("vertical", [zigzag]) == (True, "line within 30 degrees of vertical")
    level = _polyline((100, 300), (200, 330), (300, 300), (400, 330))
    assert copy_rule_check("horizontal", [level]) == (
        True, "line within 30 degrees of horizontal")
    # ...but one that goes mostly sideways does not
    steps = _polyline((300, 100), (400, 130), (300, 160), (400, 190))
    assert copy_rule_check("vertical", [steps]) == (False, "line not vertical enough")


@pytest.mark.parametrize("gid", glyph_ids("prewriting"))
def test_every_model_passes_its_own_copy_rule(gid: str) -> None:
    """The model drawn exactly (points every 2 px, as a finger's samples) passes its rule."""
    g = glyph(gid)
    drawn = []
    for stroke in g.scaled(100.0, 100.0, 400.0):
        seg = np.hypot(*np.diff(stroke, axis=0).T)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        s_at = np.linspace(0.0, cum[-1], int(cum[-1] // 2) + 2)
        drawn.append(np.column_stack((np.interp(s_at, cum, stroke[:, 0]),
                                      np.interp(s_at, cum, stroke[:, 1]))))
    ok, reason = copy_rule_check(g.copy_rule, drawn)
    assert ok, (gid, reason)


def test_copy_rules_polygons() -> None:
    sq = np.concatenate([_line((100, 100), (100, 400)), _line((100, 400), (400, 400)),
                         _line((400, 400), (400, 100)), _line((400, 100), (100, 100))])
    assert copy_rule_check("square", [sq]) == (True, "four clear sides")
    assert copy_rule_check("square", [sq[:90]]) == (False, "outline not closed")
    tri = np.concatenate([_line((250, 100), (100, 400)), _line((100, 400), (400, 400)),
                          _line((400, 400), (250, 100))])
    assert copy_rule_check("triangle", [tri]) == (True, "three clear sides, one corner on top")
    assert copy_rule_check("square", [tri]) == (False, "3 corners instead of 4")
    dia = np.concatenate([_line((250, 100), (100, 250)), _line((100, 250), (250, 400)),
                          _line((250, 400), (400, 250)), _line((400, 250), (250, 100))])
    assert copy_rule_check("diamond", [dia])[0]
    assert copy_rule_check("square", [dia]) == (False, "sides not straight up and across")
    assert copy_rule_check("circle", []) == (False, "nothing drawn")
    with pytest.raises(ValueError, match="unknown copy rule 'hexagon'"):
        copy_rule_check("hexagon", [sq])


def test_score_copy_fits_a_smaller_drawing_onto_the_model() -> None:
    model = glyph("circle").scaled(100.0, 100.0, 500.0)
    drawn = _circle(900, 400, 90, 90)  # the same circle, smaller, elsewhere
    t = np.linspace(0.0, 2.0, len(drawn))
    cs = score_copy(model, one_stroke(drawn[:, 0], drawn[:, 1], t), 25.0, rule="circle")
    assert cs.rule_passed is True
    assert cs.accuracy == 1.0
    assert cs.trace.coverage == 1.0
    assert ("copy_rule_passed", 1.0, "bool") in cs.metric_rows()


# --- the fast path against straightforward reference computations ----------------------------


def _reference_nearest(model: list[np.ndarray], x: float, y: float) -> tuple[float, int, float]:
    """Distance, model stroke and global arc length of the nearest model point, by a loop
    over every segment (the first of equally near segments wins)."""
    best = (math.inf, -1, 0.0)
    s_start = 0.0
    for k, stroke in enumerate(model):
        for (ax, ay), (bx, by) in zip(stroke[:-1].tolist(), stroke[1:].tolist(), strict=True):
            ux, uy = bx - ax, by - ay
            l2 = ux * ux + uy * uy
            t = 0.0 if l2 == 0 else max(0.0, min(1.0, ((x - ax) * ux + (y - ay) * uy) / l2))
            d = math.hypot(x - ax - t * ux, y - ay - t * uy)
            if d < best[0]:
                best = (d, k, s_start + t * math.sqrt(l2))
            s_start += math.sqrt(l2)
    return best


def _reference_point_at(model: list[np.ndarray], s: float) -> tuple[float, float]:
    """The model point at global arc length ``s`` (walking the segments)."""
    for stroke in model:
        for (ax, ay), (bx, by) in zip(stroke[:-1].tolist(), stroke[1:].tolist(), strict=True):
            seg_len = math.hypot(bx - ax, by - ay)
            if s <= seg_len:
                f = s / seg_len if seg_len > 0 else 0.0
                return ax + f * (bx - ax), ay + f * (by - ay)
            s -= seg_len
    last = model[-1][-1]
    return float(last[0]), float(last[1])


def _reference_score(model: list[np.ndarray], strokes: list, tol: float) -> dict:
    """Deviations, accuracy and coverage by plain loops and brute force, following the
    module's definitions (coverage: a 1-px bin is covered when its centre lies within ``tol``
    of some pen-down sample)."""
    total = sum(float(np.hypot(*np.diff(m, axis=0).T).sum()) for m in model)
    nbins = math.ceil(total)
    bin_w = total / nbins
    dists: list[float] = []
    w_in = w_all = 0.0
    for st_t, st_xy in strokes:
        inside = []
        for x, y in st_xy.tolist():
            d, _, _ = _reference_nearest(model, x, y)
            dists.append(d)
            inside.append(d <= tol)
        for i in range(1, len(inside)):
            dt = max(float(st_t[i] - st_t[i - 1]), 0.0)
            w_all += dt
            w_in += dt * (inside[i] + inside[i - 1]) / 2
    centres = np.array([_reference_point_at(model, (i + 0.5) * bin_w) for i in range(nbins)])
    drawn = np.concatenate([xy for _, xy in strokes])
    gap = np.hypot(centres[:, None, 0] - drawn[None, :, 0], centres[:, None, 1] - drawn[None, :, 1])
    return {
        "dist": np.array(dists),
        "accuracy": w_in / w_all,
        "coverage": float((gap.min(axis=1) <= tol).mean()),
        "hausdorff": max(max(dists), float(gap.min(axis=1).max())),
    }


@pytest.mark.parametrize(
    ("gid", "retraced"),
    [("upper_B", True), ("lower_a", True), ("upper_E", True), ("circle", False)],
)
def test_fast_path_equals_reference_computation(gid: str, retraced: bool) -> None:
    from games.tracing import nearest as scoring

    model = glyph(gid).scaled(380.0, 120.0, 420.0)
    rng = np.random.default_rng(7)
    parts = []
    t0 = 0.0
    for k, stroke in enumerate(model):
        seg = np.hypot(*np.diff(stroke, axis=0).T)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        s_at = np.linspace(0.0, 0.7 * cum[-1], 150)  # the last 30 % stays uncovered
        x = np.interp(s_at, cum, stroke[:, 0]) + rng.normal(0.0, 9.0 + 4 * k, 150)
        y = np.interp(s_at, cum, stroke[:, 1]) + rng.normal(0.0, 9.0 + 4 * k, 150)
        x[::37] += 300.0  # wild samples far outside the candidate grid
        parts.append((x, y, t0 + np.cumsum(rng.uniform(0.002, 0.02, 150))))
        t0 = float(parts[-1][2][-1]) + 0.2
    # a cluster in the middle of the glyph's box: near the centre of a circle every one of
    # its segments is almost equally near (the "too many candidates" path)
    centre = np.concatenate(model).mean(axis=0)
    cx = centre[0] + rng.normal(0.0, 3.0, 60)
    cy = centre[1] + rng.normal(0.0, 3.0, 60)
    parts.append((cx, cy, t0 + np.arange(60) * 0.01))
    samples = strokes_of(parts)
    tol = 24.0
    ref = _reference_score(model, [(t, np.column_stack((x, y))) for x, y, t in parts], tol)

    scoring._clear_caches()
    cold = score_trace(model, samples, tol)
    warm = score_trace(model, samples, tol)  # prepared geometry reused
    assert cold == warm
    assert np.abs(deviations(model, np.column_stack(samples[1:3])) - ref["dist"]).max() < 1e-9
    assert cold.mean_deviation_px == pytest.approx(ref["dist"].mean(), abs=1e-9)
    assert cold.max_deviation_px == pytest.approx(ref["dist"].max(), abs=1e-9)
    assert cold.accuracy == pytest.approx(ref["accuracy"], abs=1e-9)
    # retraced stretches need nothing special: a bin on either pass is covered by the samples
    # near it
    assert scoring._segments_cached(model).has_overlap == retraced
    assert cold.coverage == ref["coverage"]
    assert cold.hausdorff_px == pytest.approx(ref["hausdorff"], abs=1e-9)
    assert 0.0 < ref["accuracy"] < 1.0 and 0.5 < ref["coverage"] < 1.0


def _strokes_by_state_machine(phases: list[str]) -> list[list[int]]:
    """Sample indices of each stroke: a down opens one, an up closes it (inclusive)."""
    strokes: list[list[int]] = []
    open_stroke: list[int] | None = None
    for i, p in enumerate(phases):
        if p == "down":
            open_stroke = [i]
            strokes.append(open_stroke)
        elif open_stroke is not None:
            open_stroke.append(i)
            if p == "up":
                open_stroke = None
    return strokes


def test_stroke_splitting_matches_a_state_machine() -> None:
    """Many strokes (the vectorised split), double downs, stray ups, a final stroke left open."""
    rng = np.random.default_rng(3)
    n = 3000
    ph = rng.choice(np.array(["down", "move", "up"], dtype=object), n, p=[0.03, 0.94, 0.03])
    t = np.arange(n) * 0.005
    x = rng.uniform(0, 800, n)
    y = rng.uniform(0, 600, n)
    expected = _strokes_by_state_machine(ph.tolist())
    assert len(expected) > 50 and ph[-1] != "up"
    got = split_strokes((t, x, y, ph))
    assert [s.t.tolist() for s in got] == [t[idx].tolist() for idx in expected]
    assert [s.xy[:, 0].tolist() for s in got] == [x[idx].tolist() for idx in expected]
    assert [s.xy[:, 1].tolist() for s in got] == [y[idx].tolist() for idx in expected]
    few_expected = _strokes_by_state_machine(ph[:200].tolist())
    assert 1 < len(few_expected) <= 16
    few = split_strokes((t[:200], x[:200], y[:200], ph[:200]))  # the few-strokes path
    assert [s.t.tolist() for s in few] == [t[idx].tolist() for idx in few_expected]


def test_one_stroke_out_of_turn_is_one_order_error() -> None:
    # Capital H: left (0), right (1), crossbar (2); drawn left, crossbar, right.
    model = glyph("upper_H").scaled(100.0, 100.0, 400.0)
    left = (np.full(40, 180.0), np.linspace(112.0, 488.0, 40), np.linspace(0.0, 1.0, 40))
    bar = (np.linspace(180.0, 420.0, 40), np.full(40, 300.0), np.linspace(1.5, 2.5, 40))
    right = (np.full(40, 420.0), np.linspace(112.0, 488.0, 40), np.linspace(3.0, 4.0, 40))
    sc = score_trace(model, strokes_of([left, bar, right]), tolerance_px=20.0)
    assert sc.stroke_match == (0, 2, 1)
    assert sc.order_errors == 1 and sc.formation_errors == 1
    assert dict((n, v) for n, v, _ in sc.metric_rows())["formation_errors"] == 1.0
    assert out_of_turn([2, 1, 0]) == 2 and out_of_turn([0, 0, 1, 1]) == 0
    assert out_of_turn([0, 2, 1, 2]) == 1 and out_of_turn([]) == 0


def test_a_duration_stored_as_0_5999999_s_keeps_its_last_step() -> None:
    t = np.linspace(0.0, 0.5999999, 61)
    v = resample_speed(t, np.column_stack((np.linspace(0.0, 60.0, 61), np.zeros(61))))
    assert len(v) == 60  # 61 grid points at 100 Hz: 0.00 .. 0.60 s
    assert len(resample_speed(np.linspace(0.0, 0.595, 61),
                              np.column_stack((np.arange(61.0), np.zeros(61))))) == 59


def test_ldlj_and_velocity_peaks_per_second_per_stroke() -> None:
    t1, s1 = min_jerk(121, 1.2, 360.0)
    t2, s2 = min_jerk(61, 0.6, 360.0)
    a = (np.full(121, 300.0), 120.0 + s1, t1)
    b = (120.0 + s2, np.full(61, 300.0), 2.0 + t2)
    model = glyph("cross").scaled(100.0, 100.0, 400.0)
    sc = score_trace(model, strokes_of([a, b]), tolerance_px=20.0)
    la = ldlj(resample_speed(t1, np.column_stack((a[0], a[1]))))
    lb = ldlj(resample_speed(t2, np.column_stack((b[0], b[1]))))
    assert sc.ldlj == pytest.approx((la * 1.2 + lb * 0.6) / 1.8, rel=1e-12)
    # one smooth reach per stroke: one peak each over 1.8 s of pen-down time
    assert sc.velocity_peaks == 2
    assert sc.velocity_peaks_per_s == pytest.approx(2 / 1.8)
    rows = {(n, u): v for n, v, u in sc.metric_rows()}
    assert rows[("ldlj", "")] == sc.ldlj and rows[("velocity_peaks_per_s", "1/s")] == \
        pytest.approx(2 / 1.8)


def test_copy_speeds_are_measured_on_the_drawing_as_drawn() -> None:
    """A cross 400 px across fitted onto a 600 px model is stretched 1.5 times; its speeds are
    still the finger's: 400 px/s drawn is 400 px/s stored (and 100 mm/s at 4 px/mm)."""
    model = [np.array([[300.0, 0.0], [300.0, 600.0]]), np.array([[0.0, 300.0], [600.0, 300.0]])]
    n = 101  # 4 px every 10 ms: 400 px/s, both lines 400 px long, 1 s each
    t = np.arange(n) * 0.01
    ramp = np.arange(n) * 4.0
    samples = strokes_of([(np.full(n, 1200.0), 500.0 + ramp, t),
                          (1000.0 + ramp, np.full(n, 700.0), t + 1.5)])
    cs = score_copy(model, samples, 20.0, rule="cross", px_per_mm=4.0)
    assert cs.rule_passed is True
    # the shape's fit is on the fitted drawing: exactly on the model
    assert cs.accuracy == 1.0 and cs.trace.max_deviation_px < 1e-9
    assert cs.trace.mean_speed_px_s == pytest.approx(400.0, rel=1e-12)
    assert cs.trace.peak_speed_px_s == pytest.approx(400.0, rel=1e-9)
    assert cs.trace.completion_ms == pytest.approx(2500.0)
    rows = {(m, u): v for m, v, u in cs.metric_rows()}
    assert rows[("mean_speed", "px/s")] == pytest.approx(400.0, rel=1e-12)
    assert rows[("mean_speed", "mm/s")] == pytest.approx(100.0, rel=1e-12)
    assert rows[("peak_speed", "mm/s")] == pytest.approx(100.0, rel=1e-9)


def test_coverage_counts_bins_near_any_sample_whatever_stroke_is_nearest() -> None:
    """A cross (vertical stroke first, 400 px each: 800 bins of 1 px) traced along the vertical
    only, one sample at each of its bin centres (x = 200, y = 0.5 .. 399.5), road 20 px.
    By the definition every vertical bin is covered, and a horizontal bin centre at
    (200 +- (m + 0.5), 200) is covered when sqrt((m + 0.5)^2 + 0.5^2) <= 20, i.e. m <= 19: 20
    bins each side. Coverage = (400 + 40) / 800 = 55 % (the samples' nearest stroke is the
    vertical one, which is all that used to count: 50 %)."""
    model = [np.array([[200.0, 0.0], [200.0, 400.0]]), np.array([[0.0, 200.0], [400.0, 200.0]])]
    ys = np.arange(400) + 0.5
    s = score_trace(model, one_stroke(np.full(400, 200.0), ys, np.arange(400) * 0.01), 20.0)
    assert s.coverage == 440 / 800
    assert s.stroke_coverage == (1.0, 40 / 400)


def test_coverage_does_not_reach_round_the_outer_side_of_a_bend() -> None:
    """An L (100 px right, then 100 px down: 200 bins) and one touch outside its corner at
    (110, -10), 14.14 px from the corner, road 20 px. A bin centre a px before the corner is
    at (100 - a, 0): sqrt((10 + a)^2 + 10^2) <= 20 needs a <= 7.32, so a = 0.5 .. 6.5: 7 bins,
    and 7 on the other leg: 14 / 200 = 7 %. (Counting 14.14 px of path each way from the
    corner, as along a straight line, gave 28 bins.)"""
    model = [np.array([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0]])]
    s = score_trace(model, one_stroke(np.array([110.0, 110.0]), np.array([-10.0, -10.0]),
                                      np.array([0.0, 0.1])), 20.0)
    assert s.coverage == 14 / 200


def test_hausdorff_half_a_line_drawn() -> None:
    """A 400 px line (bins centred at x = 0.5 .. 399.5) drawn 3 px below it over its first
    half only (x = 0.5 .. 199.5): every sample is 3 px from the model, the model's far end
    (399.5, 0) is sqrt(200^2 + 3^2) px from the nearest sample (199.5, 3)."""
    xs = np.arange(200) + 0.5
    s = score_trace(LINE, one_stroke(100.0 + xs, np.full(200, 103.0), xs * 0.01), 20.0,
                    px_per_mm=4.0)
    assert s.max_deviation_px == 3.0
    assert s.hausdorff_px == math.sqrt(200.0**2 + 3.0**2)
    rows = {(m, u): v for m, v, u in s.metric_rows()}
    assert rows[("hausdorff", "px")] == math.sqrt(40009.0)
    assert rows[("hausdorff", "mm")] == math.sqrt(40009.0) / 4.0


def test_hausdorff_is_the_worst_sample_when_the_model_is_served() -> None:
    """The whole line traced 3 px below (a sample at every bin centre's x) and one sample
    15 px off in the middle: the model side is 3 px, the drawing side 15 px."""
    xs = np.arange(400) + 0.5
    ys = np.full(400, 103.0)
    ys[200] = 115.0
    s = score_trace(LINE, one_stroke(100.0 + xs, ys, xs * 0.01), 20.0)
    assert s.hausdorff_px == 15.0
    assert s.coverage == 1.0


def test_hausdorff_of_nothing_drawn_is_nan() -> None:
    empty = (np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=object))
    s = score_trace(LINE, empty, 20.0)
    assert math.isnan(s.hausdorff_px)
