"""The kit's movement measures (games/kit/motion.py): exact values on hand-made tracks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from games.kit.motion import (
    as_arrays,
    ldlj,
    path_efficiency,
    path_length,
    pen_down,
    resample_speed,
    smooth,
    sparc,
    split_strokes,
    velocity_peaks,
)


def test_ldlj_of_a_parabola_is_exact() -> None:
    # v_i = i (n - 1 - i): the second difference is -2 everywhere, so with n = 11 at any rate
    # T^3 / v_peak^2 * sum(jerk^2) dt = (11 dt)^3 / 25^2 * 9 * 4 / dt^3 = 1331 * 36 / 625
    i = np.arange(11, dtype=float)
    v = i * (10 - i)
    assert ldlj(v, fs=100.0) == pytest.approx(-math.log(1331 * 36 / 625), rel=1e-12)
    assert ldlj(v, fs=7.0) == pytest.approx(-math.log(1331 * 36 / 625), rel=1e-12)
    # dimensionless: scaling the speed changes nothing
    assert ldlj(3.0 * v) == pytest.approx(ldlj(v), rel=1e-12)


def test_ldlj_edges_and_a_tremor_is_less_smooth() -> None:
    assert math.isnan(ldlj(np.array([1.0, 2.0])))
    assert math.isnan(ldlj(np.zeros(10)))
    assert ldlj(np.full(10, 2.0)) == math.inf  # no jerk at all
    t = np.linspace(0.0, 1.0, 101)
    reach = 30 * t**2 - 60 * t**3 + 30 * t**4  # min-jerk speed profile
    shaky = reach + 0.2 * np.sin(2 * np.pi * 8.0 * t)
    assert ldlj(shaky) < ldlj(reach) - 1.0


def test_path_length_and_efficiency_are_exact() -> None:
    xy = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 10.0]])
    assert path_length(xy) == 11.0
    assert path_efficiency(xy) == math.sqrt(109) / 11
    assert path_efficiency(np.array([[1.0, 1.0], [4.0, 5.0]])) == 1.0
    assert path_length(np.array([[1.0, 2.0]])) == 0.0
    assert math.isnan(path_efficiency(np.array([[1.0, 2.0], [1.0, 2.0]])))


def test_strokes_and_sample_forms() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    x = np.array([0.0, 1.0, 2.0, 9.0, 5.0, 6.0, 7.0])
    y = np.zeros(7)
    ph = np.array(["down", "move", "up", "move", "down", "move", "up"], dtype=object)
    strokes = split_strokes((t, x, y, ph))
    assert [s.xy[:, 0].tolist() for s in strokes] == [[0.0, 1.0, 2.0], [5.0, 6.0, 7.0]]
    _, xy, sid, bounds = pen_down((t, x, y, ph))
    assert sid.tolist() == [0, 0, 0, 1, 1, 1] and bounds.tolist() == [0, 3, 6]
    rec = np.array([(100, 0.0, 0.0, "down")], dtype=[("t_ms", "i8"), ("x", "f8"), ("y", "f8"),
                                                       ("phase", "U4")])
    assert as_arrays(rec)[0].tolist() == [0.1]
    with pytest.raises(ValueError, match="unknown pointer phase 'hover'"):
        as_arrays((t[:1], x[:1], y[:1], np.array(["hover"], dtype=object)))


def test_speed_peaks_and_sparc() -> None:
    t = np.array([0.0, 0.004, 0.02, 0.05, 0.1])
    v = resample_speed(t, np.column_stack((t * 1000.0, np.zeros(5))))
    assert len(v) == 10 and np.allclose(v, 1000.0)
    assert velocity_peaks(np.array([0.0, 1.0, 0.0, 1.0, 0.0])) == 2
    assert velocity_peaks(np.array([0.0, 1.0, 0.95, 1.0, 0.0])) == 1  # a dip under 10 %
    assert smooth(np.array([0.0, 3.0, 0.0, 3.0, 0.0]), window_s=0.03).tolist() == [
        1.5, 1.0, 2.0, 1.0, 1.5]
    assert math.isnan(sparc(np.zeros(3)))
    tt = np.linspace(0.0, 1.0, 101)
    assert -1.6 <= sparc(30 * tt**2 - 60 * tt**3 + 30 * tt**4) <= -1.4
