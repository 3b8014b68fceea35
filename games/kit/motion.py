"""Movement measures for any pointer track, in pure numpy (no pygame).

Tracing strokes, pinch transports and card drags are all pointer tracks: timed (x, y) samples
with a ``down`` / ``move`` / ``up`` phase. This module turns them into the figures a
therapist's movement literature uses (``/docs/therapist-guide.md``):

* :func:`as_arrays` normalises the accepted sample forms (``(t_s, x, y, phase)`` arrays, a
  structured array with ``t_s``/``t_ms``/``t_ns``, or ``PointerSample``-like objects);
  :func:`split_strokes` / :func:`pen_down` cut a trial into pen-down strokes (``down`` to the
  next ``up``, hover samples dropped);
* :func:`resample_speed` puts a stroke's positions on a uniform 100 Hz grid (pointer events
  arrive unevenly) and gives its speed; :func:`smooth` is the 50 ms moving average the
  velocity peaks are counted on;
* :func:`velocity_peaks`: rises and falls of at least 10 % of the peak speed (fewer peaks, a
  more automatic movement);
* :func:`sparc`: spectral arc length (Balasubramanian et al. 2015: cut-off 10 Hz, amplitude
  threshold 0.05, zero-padding to 2^(ceil(log2 n) + 4) points); more negative is less smooth,
  a smooth reach scores about -1.4 to -1.6;
* :func:`ldlj`: log dimensionless jerk of a speed profile (Balasubramanian et al. 2015, as
  in their ``log_dimensionless_jerk`` for speed data): ``-ln(T^3 / v_peak^2 * integral of
  (d^2 v / dt^2)^2 dt)``; more negative is less smooth;
* :func:`path_length` and :func:`path_efficiency` (straight-line distance over the path
  actually travelled, 1 for a straight move).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

RESAMPLE_HZ = 100.0
SPARC_FC_HZ = 10.0
SPARC_AMP_TH = 0.05
SPARC_PAD = 4
PEAK_SMOOTH_S = 0.05
PEAK_HYSTERESIS = 0.10


# --- input normalisation -----------------------------------------------------------------------


def _phase_codes(phase: Any) -> np.ndarray:
    """``down``/``move``/``up`` names (or their codes 0, 1, 2) as int8 codes."""
    arr = np.asarray(phase)
    if arr.dtype.kind in "USO":
        # Almost every sample is a "move": one full comparison, then only the few others are
        # told apart (comparing object arrays costs ~10 ns a sample per name).
        out = np.ones(arr.shape, dtype=np.int8)
        other = np.flatnonzero(arr != "move")
        if len(other):
            rest = arr[other]
            codes = np.full(len(other), -1, dtype=np.int8)
            codes[rest == "down"] = 0
            codes[rest == "up"] = 2
            if (codes < 0).any():
                bad = str(rest[codes < 0][0])
                raise ValueError(f"unknown pointer phase {bad!r}; expected down, move or up")
            out[other] = codes
        return out
    return arr.astype(np.int8)


def as_arrays(samples: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Normalise any accepted sample form to ``(t_s, x, y, phase_code)`` float/int arrays."""
    if isinstance(samples, np.ndarray) and samples.dtype.names:
        names = samples.dtype.names
        if "t_s" in names:
            t = samples["t_s"].astype(float)
        elif "t_ms" in names:
            t = samples["t_ms"].astype(float) / 1e3
        elif "t_ns" in names:
            t = samples["t_ns"].astype(float) / 1e9
        else:
            raise ValueError("structured samples need a t_s, t_ms or t_ns field")
        return t, samples["x"].astype(float), samples["y"].astype(float), _phase_codes(
            samples["phase"]
        )
    if isinstance(samples, tuple) and len(samples) == 4:
        t, x, y, ph = samples
        return (
            np.asarray(t, dtype=float),
            np.asarray(x, dtype=float),
            np.asarray(y, dtype=float),
            _phase_codes(ph),
        )
    seq = list(samples)
    if not seq:
        empty = np.zeros(0)
        return empty, empty, empty, np.zeros(0, dtype=np.int8)
    if hasattr(seq[0], "t_ns"):
        # List comprehensions then one conversion each: several times faster than
        # np.fromiter over generators (this is the path of a scene's live samples).
        t = np.array([s.t_ns for s in seq], dtype=float) / 1e9
        x = np.array([s.x for s in seq], dtype=float)
        y = np.array([s.y for s in seq], dtype=float)
        return t, x, y, _phase_codes(np.array([s.phase for s in seq], dtype=object))
    raise TypeError("samples must be (t_s, x, y, phase) arrays, a structured array or samples")


@dataclass(frozen=True)
class DrawnStroke:
    """One pen-down stroke: times in seconds and (n, 2) positions."""

    t: np.ndarray
    xy: np.ndarray


def pen_down_xy(
    samples: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pen-down samples in order: times, x, y (contiguous), the stroke number of each, and the
    index where each stroke starts (plus the total at the end)."""
    t, x, y, ph = as_arrays(samples)
    n = len(t)
    ev = np.flatnonzero((ph == 0) | (ph == 2))  # the few down/up events
    ev_down = ph[ev] == 0
    # A stroke opens at each down and runs to the next event: through it if that is an up,
    # up to it if that is another down (which opens the next stroke), or to the end.
    nxt = np.append(ev[1:], n)
    nxt_up = np.append(~ev_down[1:], False)
    start = ev[ev_down]
    stop = (nxt + nxt_up)[ev_down]
    lens = stop - start
    bounds = np.zeros(len(start) + 1, dtype=np.int64)
    np.cumsum(lens, out=bounds[1:])
    sid = np.repeat(np.arange(len(start)), lens)
    total = int(bounds[-1])
    if total == n:  # the whole trial is pen-down
        return t, x, y, sid, bounds
    if len(start) <= 16:
        t, x, y = (np.concatenate([c[a:b] for a, b in zip(start, stop, strict=True)])
                   if len(start) else c[:0] for c in (t, x, y))
        return t, x, y, sid, bounds
    mark = np.zeros(n + 1, dtype=np.int64)
    mark[start] = 1
    mark[stop] -= 1
    inside = np.cumsum(mark[:n]) > 0
    return t[inside], x[inside], y[inside], sid, bounds


def pen_down(samples: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pen-down samples in order: times, (n, 2) positions, stroke number of each, and the
    index where each stroke starts (plus the total at the end)."""
    t, x, y, sid, bounds = pen_down_xy(samples)
    xy = np.empty((len(t), 2))
    xy[:, 0] = x
    xy[:, 1] = y
    return t, xy, sid, bounds


def split_strokes(samples: Any) -> list[DrawnStroke]:
    """The pen-down strokes of a trial (``down`` to ``up`` inclusive), hover samples dropped."""
    t, xy, _, bounds = pen_down(samples)
    return [DrawnStroke(t[a:b], xy[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


# --- speed and smoothness ----------------------------------------------------------------------


def resample_speed(t: np.ndarray, xy: np.ndarray, hz: float = RESAMPLE_HZ) -> np.ndarray:
    """Speed (units/s) of one stroke on a uniform ``hz`` grid (positions interpolated in time).

    Repeated timestamps are merged (the last position wins). Fewer than two distinct times give
    an empty array.
    """
    xy = np.asarray(xy, dtype=float)
    return resample_speed_xy(np.asarray(t, dtype=float), xy[:, 0], xy[:, 1], hz)


GRID_TOLERANCE = 1e-4  # of one resampling step


def resample_speed_xy(t: np.ndarray, x: np.ndarray, y: np.ndarray, hz: float) -> np.ndarray:
    """:func:`resample_speed` on separate x and y arrays."""
    if len(t) < 2 or t[-1] <= t[0]:
        return np.zeros(0)
    keep = t[1:] > t[:-1]
    if not keep.all():
        keep = np.append(keep, True)
        t, x, y = t[keep], x[keep], y[keep]
        if len(t) < 2:
            return np.zeros(0)
    # A duration stored as 0.5999999 s is 0.6 s: the times are rounded when stored, so the
    # grid is counted with a tolerance of 1e-4 of a step rather than dropping the last step.
    n = int(math.floor((t[-1] - t[0]) * hz + GRID_TOLERANCE)) + 1
    if n < 2:
        return np.zeros(0)
    grid = np.arange(n) / hz
    grid += t[0]
    gx = np.interp(grid, t, x)
    gy = np.interp(grid, t, y)
    # (slices rather than np.diff: the same differences without its per-call overhead)
    v: np.ndarray = np.hypot(gx[1:] - gx[:-1], gy[1:] - gy[:-1])
    v *= hz
    return v


def sparc(speed: np.ndarray, fs: float = RESAMPLE_HZ, padlevel: int = SPARC_PAD,
          fc: float = SPARC_FC_HZ, amp_th: float = SPARC_AMP_TH) -> float:
    """Spectral arc length of a speed profile (Balasubramanian et al. 2015); NaN if too short.

    Arc length of the normalised Fourier magnitude spectrum up to the adaptive cut-off (the
    last frequency below ``fc`` whose magnitude is at least ``amp_th``), frequency normalised
    to the cut-off. More negative means less smooth.
    """
    speed = np.asarray(speed, dtype=float)
    if len(speed) < 4 or not (speed > 0).any():
        return float("nan")
    nfft = int(2 ** (math.ceil(math.log2(len(speed))) + padlevel))
    mag = np.abs(np.fft.rfft(speed, nfft))
    peak = mag.max()
    # Only the bins up to the cut-off are used: f = k * fs / nfft <= fc is a prefix of the
    # spectrum; its length is found with the very expression the frequencies are made with.
    n_sel = min(len(mag), int(fc * nfft / fs) + 2)
    while n_sel > 0 and (n_sel - 1) * fs / nfft > fc:
        n_sel -= 1
    f_sel = np.arange(n_sel) * fs / nfft
    m_sel = mag[:n_sel] / peak
    above = np.flatnonzero(m_sel >= amp_th)
    lo, hi = above[0], above[-1] + 1
    f_sel = f_sel[lo:hi]
    m_sel = m_sel[lo:hi]
    if len(f_sel) < 2:
        return 0.0
    df = (f_sel[1:] - f_sel[:-1]) / (f_sel[-1] - f_sel[0])
    return float(-np.sqrt(df * df + (m_sel[1:] - m_sel[:-1]) ** 2).sum())


def smooth(
    speed: np.ndarray, window_s: float = PEAK_SMOOTH_S, hz: float = RESAMPLE_HZ
) -> np.ndarray:
    """Centred moving average over ``window_s`` (odd number of samples, edges shrink)."""
    w = max(1, int(round(window_s * hz)) | 1)
    if w == 1 or len(speed) < 2:
        return np.asarray(speed, dtype=float)
    kernel = np.ones(w)
    num = np.convolve(speed, kernel, mode="same")
    mean: np.ndarray = num / _window_counts(len(speed), w)
    return mean


def _window_counts(n: int, w: int) -> np.ndarray:
    """How many of ``n`` samples a centred window of odd width ``w`` covers at each sample:
    ``np.convolve(np.ones(n), np.ones(w), mode="same")`` (small whole numbers, so exact),
    written out instead of convolved."""
    if n < w:  # np.convolve's "same" output is then w long
        counts: np.ndarray = np.convolve(np.ones(n), np.ones(w), mode="same")
        return counts
    h = w // 2
    den = np.full(n, float(w))
    edge = np.arange(h + 1, w, dtype=float)  # h + 1 ... w - 1 samples near either end
    den[:h] = edge
    den[n - h:] = edge[::-1]
    return den


def velocity_peaks(speed: np.ndarray, hysteresis: float = PEAK_HYSTERESIS) -> int:
    """Number of velocity peaks: rises and falls of at least ``hysteresis`` x the peak speed.

    A peak is counted when the speed has risen by the threshold from the last trough and then
    fallen by it again (or the stroke ended, since the pen stops at an up).
    """
    v = np.asarray(speed, dtype=float)
    if len(v) == 0:
        return 0
    v_max = float(v.max())
    if v_max <= 0:
        return 0
    thr = hysteresis * v_max
    # Walk only the local extrema (and the ends): a handful of values, not every sample.
    dv = v[1:] - v[:-1]
    nz = np.flatnonzero(dv)
    if len(nz):
        up = dv[nz] > 0
        turn = nz[1:][up[1:] != up[:-1]]
        values = [float(v[0]), *v[turn].tolist(), float(v[-1])]
    else:
        values = [float(v[0]), float(v[-1])]
    rising = True
    ref = 0.0  # the pen is at rest before the stroke starts
    count = 0
    for val in values:
        if rising:
            if val < ref:
                ref = val
            elif val - ref >= thr:
                rising = False
                ref = val
        else:
            if val > ref:
                ref = val
            elif ref - val >= thr:
                count += 1
                rising = True
                ref = val
    if not rising:
        count += 1
    return count


def ldlj(speed: np.ndarray, fs: float = RESAMPLE_HZ) -> float:
    """Log dimensionless jerk of a speed profile sampled at ``fs`` Hz; NaN if too short.

    ``-ln(T^3 / v_peak^2 * sum((d^2 v / dt^2)^2) * dt)`` with ``T = n / fs`` the movement's
    duration, ``v_peak`` its peak speed and the jerk the second difference of the speed over
    ``dt^2``. Needs at least 3 samples and some movement; a profile with no jerk at all (a
    constant or linear speed) has no finite value and gives ``inf``.
    """
    v = np.asarray(speed, dtype=float)
    if len(v) < 3:
        return float("nan")
    v_peak = float(np.abs(v).max())
    if v_peak <= 0:
        return float("nan")
    dt = 1.0 / fs
    duration = len(v) * dt
    step = v[1:] - v[:-1]
    jerk = (step[1:] - step[:-1]) / (dt * dt)  # np.diff(v, 2), the same differences
    integral = float((jerk * jerk).sum()) * dt
    if integral <= 0:
        return float("inf")
    return -math.log(duration**3 / (v_peak * v_peak) * integral)


def path_length(xy: np.ndarray) -> float:
    """Length of the polyline through the (n, 2) points ``xy`` (0 for fewer than two)."""
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(pts) < 2:
        return 0.0
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


def path_efficiency(xy: np.ndarray) -> float:
    """Straight-line distance from the first to the last point over the path length: 1 for a
    straight move, smaller for a detour; NaN when the points never move."""
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    length = path_length(pts)
    if length <= 0:
        return float("nan")
    return min(1.0, math.dist(pts[0].tolist(), pts[-1].tolist()) / length)
