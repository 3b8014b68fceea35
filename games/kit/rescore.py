"""A stored trial read back from disk, and its figures re-computed (``Activity.rescore``).

"The trial re-scored from disk equals the stored figures" is what makes an activity's data
trustworthy: a therapist (or a later version of the scoring) can recompute any trial from its
raw samples and target geometry. :func:`read_trial` reads one trial's rows through telemetry's
one checked-row reader (pure Python, no pandas); an activity's ``rescore(trial)`` hook
recomputes its :class:`Figures` from ``trial.samples`` and ``trial.targets`` (through its own
``record.py``); :func:`differences` compares them with what was stored, at the stored precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from telemetry import schema
from telemetry.rows import TrialRows, check_lines
from telemetry.schema import as_stored

Metric = tuple[str, float, str]
TargetRow = tuple[str, int, int, float, float]  # kind, part, seq, x, y


@dataclass(frozen=True)
class Figures:
    """A trial's figures: the ``trials.csv`` core (accuracy 0..1, errors) and metric rows."""

    accuracy: float | None
    errors: int
    metrics: list[Metric] = field(default_factory=list)


@dataclass(frozen=True)
class StoredTrial:
    """One trial as stored: its ``trials.csv`` row, metric rows, samples and targets.

    ``samples`` is ``(t_s, x, y, phase)`` (times from the session's origin, phase names), the
    form every scoring in the kit accepts (:func:`games.kit.motion.as_arrays`); ``pointers``
    and ``sources`` are the samples' pointer ids and sources, for activities that tell fingers
    apart (a two-finger pinch).
    """

    activity: str
    level: int
    item: str
    mode: str
    completed: bool
    stored: Figures
    samples: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    targets: list[TargetRow]
    pointers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def metric(self, name: str, unit: str) -> float | None:
        """The stored value of metric ``name`` in ``unit`` (None when not stored)."""
        for m, v, u in self.stored.metrics:
            if m == name and u == unit:
                return v
        return None


def _float(raw: bytes) -> float | None:
    return float(raw) if raw else None


def read_trial(folder: str | Path, session_id: str, trial: int,
               reader: TrialRows | None = None) -> StoredTrial:
    """Trial ``trial`` of the session in ``folder``; ``LookupError`` if it has no valid row."""
    rows = reader if reader is not None else TrialRows()
    # trials: session_id, child_id, activity, level, trial, item, mode, started_at,
    # duration_ms, accuracy, errors, completed
    # (trials.csv does not start with the trial number: its checked rows are scanned)
    try:
        body = (Path(folder) / schema.TRIALS.filename).read_bytes().split(b"\n", 1)[1]
    except (OSError, IndexError):
        body = b""
    prefix = session_id.encode()
    found = [f for f in (ln.split(b",")[1:-1] for ln in check_lines(body)[0].split(b"\n") if ln)
             if f[0] == prefix and f[4] == str(trial).encode()]
    if not found:
        raise LookupError(f"no trial {trial} of session {session_id} in {folder}")
    t = found[-1]
    # metrics: session_id, trial, activity, metric, value (empty: NaN), unit
    metrics = [(f[3].decode(), float(f[4]) if f[4] else math.nan, f[5].decode())
               for f in rows.rows(folder, schema.METRICS, session_id, trial)]
    # samples: session_id, trial, t_ms, x, y, pointer, phase, source
    s = rows.rows(folder, schema.SAMPLES, session_id, trial)
    samples = (np.array([float(f[2]) for f in s]) / 1e3, np.array([float(f[3]) for f in s]),
               np.array([float(f[4]) for f in s]),
               np.array([f[6].decode() for f in s], dtype=object))
    # targets: session_id, trial, kind, part, seq, x, y
    targets = [(f[2].decode(), int(f[3]), int(f[4]), float(f[5]), float(f[6]))
               for f in rows.rows(folder, schema.TARGETS, session_id, trial)]
    return StoredTrial(
        activity=t[2].decode(), level=int(t[3]), item=t[5].decode(), mode=t[6].decode(),
        completed=t[11] == b"1",
        stored=Figures(_float(t[9]), int(t[10]) if t[10] else 0, metrics),
        samples=samples, targets=targets,
        pointers=np.array([int(f[5]) for f in s], dtype=np.int64),
        sources=np.array([f[7].decode() for f in s], dtype=object))


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return bool(as_stored(float(a)) == as_stored(float(b)))


def differences(stored: Figures, again: Figures) -> list[str]:
    """Where ``again`` differs from ``stored`` at the stored precision (4 decimals), one line
    each; empty when the trial re-scores to its stored figures."""
    out: list[str] = []
    if not _same(stored.accuracy, again.accuracy):
        out.append(f"accuracy: stored {stored.accuracy}, re-scored {again.accuracy}")
    if stored.errors != again.errors:
        out.append(f"errors: stored {stored.errors}, re-scored {again.errors}")
    old = {(m, u): v for m, v, u in stored.metrics}
    new = {(m, u): v for m, v, u in again.metrics}
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new or not _same(old[key], new[key]):
            out.append(f"metric {key[0]} ({key[1]}): stored {old.get(key)}, "
                       f"re-scored {new.get(key)}")
    return out
