"""Tracing's pre-writing milestones: the catalogue (``milestones.csv``) and each child's status.

The catalogue is data: one row per shape in developmental order, with the age range and the
public sources it comes from. Ages are practice guidance, never pass/fail norms: the report
says so next to the table.

Status rule (``MasteryRule``), applied to the tracing trials of each shape:

* **met**: the session median accuracy of the shape is at least ``accuracy`` (0.8) at the
  narrow road (level ``level`` or above) in ``sessions`` (3) such sessions in a row;
* **emerging**: practised, and at least one session reaches ``emerging_accuracy`` (0.6) at any
  level, or reaches ``accuracy`` at the narrow road without yet making the run;
* **not yet**: otherwise (including never practised).

A milestone with several shapes (the two diagonals) is met when every shape is met, and
emerging when any shape is emerging or met.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from telemetry.grouping import Groups, first_time, key_codes, key_column, utc_micros

TRACING_ACTIVITY = "tracing"  # the trials whose shapes the catalogue names
STATUSES = ("not yet", "emerging", "met")
CATALOGUE_COLUMNS = (
    "order",
    "milestone_id",
    "shape",
    "items",
    "imitate_age",
    "typical_age",
    "age_min_years",
    "age_max_years",
    "sources",
)


@dataclass(frozen=True)
class MasteryRule:
    """The thresholds of the milestone status rule (see the module docstring)."""

    accuracy: float = 0.8
    sessions: int = 3
    level: int = 3  # the narrow road: the tracing level with the tightest tolerance band
    emerging_accuracy: float = 0.6

    def describe(self) -> str:
        """The rule in one plain sentence for the report."""
        return (
            f"Met: median accuracy at least {self.accuracy:g} at the narrow road (level "
            f"{self.level} or above) in {self.sessions} sessions in a row. Emerging: practised "
            f"and at least one session at {self.emerging_accuracy:g} or better. "
            "Not yet: otherwise."
        )


def load_catalogue() -> pd.DataFrame:
    """The milestone catalogue shipped with the package, sorted in developmental order."""
    text = resources.files("games.tracing").joinpath("milestones.csv").open("r", encoding="utf-8")
    with text as fh:
        cat = pd.read_csv(fh, dtype={"imitate_age": "str"}, keep_default_na=False)
    missing = [c for c in CATALOGUE_COLUMNS if c not in cat.columns]
    if missing:
        raise ValueError(f"milestones.csv lacks columns: {', '.join(missing)}")
    return cat.sort_values("order", kind="stable").reset_index(drop=True)


def _item_status(acc: np.ndarray, lev: np.ndarray, rule: MasteryRule) -> tuple[str, int, float]:
    """Status, longest run at mastery and the latest session median for one shape's sessions.

    ``acc`` and ``lev``: each session's median accuracy and highest level, in time order.
    """
    if not len(acc):
        return "not yet", 0, float("nan")
    narrow = lev >= rule.level
    best = run = 0
    for a in acc[narrow]:
        run = run + 1 if a >= rule.accuracy else 0
        best = max(best, run)
    latest = float(acc[-1])
    if best >= rule.sessions:
        return "met", best, latest
    if best > 0 or (acc >= rule.emerging_accuracy).any():
        return "emerging", best, latest
    return "not yet", best, latest


def _per_shape_sessions(tr: pd.DataFrame) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """Per (child, shape): each session's median accuracy over completed trials and highest
    level, sessions in time order (a tie in the order they came), sessions without a
    completed trial left out."""
    keys = ["child_id", "item", "session_id"]
    coded = [key_codes(tr[k]) for k in keys]
    g = Groups([c for c, _ in coded])
    done = tr["completed"].to_numpy(bool)
    acc = g.median(np.where(done, tr["accuracy"].to_numpy(float), np.nan))
    lev = g.max(tr["level"].to_numpy(np.int64))
    started = first_time(g, utc_micros(tr["started_at"]))
    first_row = g.min(np.arange(len(tr)))
    child, item = g.keys[0], g.keys[1]
    order = np.lexsort((first_row, started, item, child))
    order = order[~np.isnan(acc[order])]
    child, item, acc, lev = child[order], item[order], acc[order], lev[order]
    cut = np.flatnonzero((child[1:] != child[:-1]) | (item[1:] != item[:-1])) + 1
    bounds = [0, *cut.tolist(), len(order)]
    children = key_column(child[bounds[:-1]], coded[0][1])
    items = key_column(item[bounds[:-1]], coded[1][1])
    return {(str(c), str(i)): (acc[a:b], lev[a:b])
            for c, i, a, b in zip(children, items, bounds[:-1], bounds[1:], strict=True)
            if b > a}


def milestone_status(
    trials: pd.DataFrame,
    child_ids: list[str],
    catalogue: pd.DataFrame | None = None,
    rule: MasteryRule | None = None,
) -> pd.DataFrame:
    """One row per child and milestone: status, best run, latest accuracy and the sources.

    ``trials`` is the loader's trials table (any activities; only tracing is used).
    """
    catalogue = load_catalogue() if catalogue is None else catalogue
    rule = rule or MasteryRule()
    tr = trials[trials["activity"] == TRACING_ACTIVITY]
    groups = _per_shape_sessions(tr) if len(tr) else {}
    none = (np.zeros(0), np.zeros(0, dtype=np.int64))
    rows = []
    for child_id in child_ids:
        for m in catalogue.itertuples(index=False):
            items = str(m.items).split()
            sessions = [groups.get((str(child_id), it), none) for it in items]
            results = [_item_status(acc, lev, rule) for acc, lev in sessions]
            statuses = [r[0] for r in results]
            if all(s == "met" for s in statuses):
                status = "met"
            elif any(s in ("met", "emerging") for s in statuses):
                status = "emerging"
            else:
                status = "not yet"
            practised = sum(len(acc) for acc, _ in sessions)
            latest = [r[2] for r in results if r[2] == r[2]]
            rows.append(
                {
                    "child_id": child_id,
                    "order": int(m.order),
                    "milestone_id": m.milestone_id,
                    "shape": m.shape,
                    "typical_age": m.typical_age,
                    "status": status,
                    "sessions_practised": practised,
                    "best_run": min(r[1] for r in results),
                    "latest_accuracy": round(min(latest), 4) if latest else float("nan"),
                    "sources": m.sources,
                }
            )
    return pd.DataFrame(rows)
