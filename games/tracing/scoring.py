"""Tracing scores as pure numpy functions (no pygame): a trial can be re-scored from raw data.

Main entry point::

    score_trace(model, samples, tolerance_px, px_per_mm=None, start_radius_px=None)
        -> TraceScore

* ``model``: the model path as drawn on screen, a sequence of strokes in teaching order, each a
  ``(M, 2)`` float array of logical (x, y) points in drawing direction (``M >= 2``).
* ``samples``: the pointer samples of the trial, in time order, in any of these forms:

  - a tuple ``(t_s, x, y, phase)`` of equal-length arrays; ``phase`` holds ``"down"``,
    ``"move"``, ``"up"`` or the codes 0, 1, 2;
  - a numpy structured array with fields ``x``, ``y``, ``phase`` and one of ``t_s``, ``t_ms``,
    ``t_ns`` (e.g. rows of ``samples.csv``);
  - a sequence of :class:`engine.pointer.PointerSample`-like objects (``t_ns, x, y, phase``).

  A stroke runs from a ``down`` sample to the next ``up`` sample (inclusive); ``move`` samples
  outside a stroke (a mouse hovering) are ignored.
* ``tolerance_px``: half-width of the tolerance band ("the road") around the model path.
* ``px_per_mm``: screen calibration; when given, lengths and speeds are also reported in mm.
* ``start_radius_px``: how near a stroke's first touch must be to the model stroke's start
  (default ``1.5 * tolerance_px``).

:class:`TraceScore` holds every metric (see its fields) and ``metric_rows()`` returns the
``(name, value, unit)`` rows for ``metrics.csv``. ``score.accuracy`` (time-weighted share of
pen-down time inside the band) and ``score.errors`` (exits + start + direction + order errors)
go into ``trials.csv``.

Definitions (``docs/therapist-guide.md`` explains them for therapists):

* deviation of a sample = exact Euclidean distance to the nearest point of the model polyline;
* accuracy = time-weighted share of pen-down time inside the band (each interval between two
  samples of a stroke counts half for each end's in/out state);
* coverage = share of the model path's length (1 px bins) within ``tolerance_px`` of some
  pen-down sample, whichever model stroke is nearest that sample (exact: no stretch past a
  line's end or round the outer side of a bend);
* exits = in-band to out-of-band transitions within strokes;
* each drawn stroke is matched to the model stroke most of its in-band samples lie on; stroke
  order is correct when the matched sequence only repeats the current stroke or moves to the
  next one; a model stroke's start is correct when the first drawn stroke matched to it starts
  within ``start_radius_px`` of its start; its direction is correct when at least 60 % of the
  progress along it (arc length of the nearest model point, big jumps ignored) is forwards;
* speed and smoothness are computed per stroke on positions resampled to a uniform 100 Hz
  (pointer events arrive unevenly); velocity peaks are counted on the speed smoothed over 50 ms
  with a 10 %-of-peak hysteresis; SPARC follows Balasubramanian et al. 2015 (cut-off 10 Hz,
  amplitude threshold 0.05, zero-padding to 2^(ceil(log2 n) + 4) points); more negative is less
  smooth, a smooth reach scores about -1.4 to -1.6.

Copy mode (freehand drawing of a pre-writing shape) uses :func:`score_copy` and the Beery-VMI-
like rules in :func:`copy_rule_check`.
"""

from __future__ import annotations

from games.tracing.copy_rules import CopyScore, copy_rule_check, fit_to_model, score_copy
from games.tracing.nearest import Model, deviations, deviations_naive
from games.tracing.score import TraceScore, score_trace

__all__ = ["CopyScore", "Model", "TraceScore", "copy_rule_check", "deviations",
           "deviations_naive", "fit_to_model", "score_copy", "score_trace"]
