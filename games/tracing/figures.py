"""A tracing trial's stored figures from its score, in play and when re-scored from disk.

:func:`trial_figures` is the one place that turns a score into what a trial stores
(``trials.csv`` accuracy and errors, the metric rows with ``success`` and ``strict``) and says
whether the trial moves the shape's staircase up; the scene calls it after a trial and
:func:`rescore` (the activity's ``rescore`` hook) after reading the trial back from disk, so
both give the same figures from the same numbers. Pure numpy, no pygame.
"""

from __future__ import annotations

from games.kit.rescore import Figures, StoredTrial
from games.kit.staircase import TrialOutcome
from games.tracing.glyphs import glyph
from games.tracing.record import read_targets
from games.tracing.scoring import CopyScore, TraceScore, score_copy, score_trace
from games.tracing.staircase import tracing_success


def trial_figures(score: TraceScore | CopyScore, strict: bool) -> tuple[Figures, bool]:
    """The figures a trial stores, and whether it counts as a success for the staircase.

    Trace/dots/fade: accuracy and errors of the trace (band exits plus start, direction and
    order errors); form counts when ``strict``. Copy: the trace's accuracy, its exits plus one
    error when the Beery rule failed; the rule always counts (it is what a copy is about).
    """
    if isinstance(score, CopyScore):
        trace = score.trace
        rule_ok = bool(score.rule_passed) if score.rule_passed is not None else True
        errors = (0 if score.rule_passed in (None, True) else 1) + trace.exits
        outcome = TrialOutcome(trace.accuracy, True, rule_ok, strict=True)
    else:
        trace = score
        errors = score.errors
        outcome = TrialOutcome(score.accuracy, True, score.formation_errors == 0, strict)
    success = tracing_success(outcome)
    rows = score.metric_rows()
    rows.append(("success", float(success), "bool"))
    rows.append(("strict", float(strict), "bool"))
    return Figures(trace.accuracy, errors, rows), success


def rescore(trial: StoredTrial) -> Figures:
    """A stored tracing trial's figures, re-computed from its samples and targets (the
    calibration and the strict setting are read from its stored metric rows)."""
    targets = read_targets(trial.targets)
    tol_mm = trial.metric("tolerance", "mm")
    px_per_mm = targets.tolerance_px / tol_mm if tol_mm else None
    strict = trial.metric("strict", "bool") == 1.0
    score: TraceScore | CopyScore
    if trial.mode == "copy":
        score = score_copy(targets.model, trial.samples, targets.tolerance_px,
                           rule=glyph(trial.item).copy_rule, px_per_mm=px_per_mm)
    else:
        score = score_trace(targets.model, trial.samples, targets.tolerance_px,
                            px_per_mm=px_per_mm)
    return trial_figures(score, strict)[0]
