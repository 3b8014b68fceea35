"""The latest value of named metrics per trial, out of a table of metric rows, in one pass.

A report section wants, for each of a child's trials of its activity, the value of a few
metrics from ``metrics.csv``. Reading them trial by trial from the rows' text
cost a pass over every session's metric file (930,000 rows for a caseload); here the child's
rows, already checked and typed by the loader (:mod:`telemetry.loader`, through the summary
cache's typed blocks), are matched to the trials asked for with a few numpy operations.

Pure logic: a DataFrame in, an array out (no file is read here).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from telemetry.grouping import key_codes

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["latest_values"]


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a text column (-1 for a missing value) and the value of each code
    (:func:`telemetry.grouping.key_codes`). The loader's categories are the whole caseload's
    (5,958 sessions for each child's slice): they are looked up through their index (hashed
    once, shared by the slices), never walked."""
    import pandas as pd

    codes, source = key_codes(column)
    return codes, source.categories if isinstance(source, pd.Categorical) else pd.Index(source)


def _where(index: pd.Index, values: Sequence[str]) -> np.ndarray:
    """The position of each value in ``index`` (-1 when absent), compared as text."""
    if index.dtype != object:
        index = index.astype(str)
    return np.asarray(index.get_indexer([str(v) for v in values]), dtype=np.int64)


def latest_values(
    rows: pd.DataFrame,
    session_ids: Sequence[str],
    trials: Sequence[int],
    names: Sequence[str],
    skip_empty: bool = True,
    skip_units: Collection[str] = (),
) -> np.ndarray:
    """Per trial asked for (``session_ids[i]``, ``trials[i]``), the value of each metric of
    ``names`` (column j) in ``rows`` (the loader's metrics columns ``session_id``, ``trial``,
    ``metric``, ``value``, ``unit``, in file order): the value of the trial's last row of that
    metric, NaN when it has none. ``skip_empty``: a row without a value (NaN) is passed over,
    so an earlier row's value stands; else it makes the value NaN. Rows whose unit is in
    ``skip_units`` are passed over (a figure stored in another unit)."""
    out = np.full((len(session_ids), len(names)), np.nan)
    if rows.empty or not len(session_ids):
        return out
    session_codes, sessions = _codes(rows["session_id"])
    metric_codes, metrics = _codes(rows["metric"])
    # the output column of each metric code (-1, also last for a missing name: not asked for)
    column_of = np.full(len(metrics) + 1, -1, dtype=np.int64)
    at_name = _where(metrics, names)
    for j, code in enumerate(at_name.tolist()):
        if code >= 0 and column_of[code] < 0:  # a name asked twice: its first column
            column_of[code] = j
    column = column_of[metric_codes]
    value = rows["value"].to_numpy(dtype=float)
    keep = (column >= 0) & (session_codes >= 0)
    if skip_empty:
        keep &= ~np.isnan(value)
    if skip_units:
        keep &= ~rows["unit"].isin(list(skip_units)).to_numpy(dtype=bool)
    at = np.flatnonzero(keep)
    # Trials as one int64 key each: the session's code above, the trial number below.
    row_key = (session_codes[at] << 32) | (rows["trial"].to_numpy(dtype=np.int64)[at]
                                           & 0xFFFFFFFF)
    asked = _where(sessions, session_ids)
    known = asked >= 0
    asked_key = (asked << 32) | (np.asarray(trials, dtype=np.int64) & 0xFFFFFFFF)
    unique_keys, asked_at = np.unique(asked_key[known], return_inverse=True)
    if not len(unique_keys):
        return out
    where = np.minimum(np.searchsorted(unique_keys, row_key), len(unique_keys) - 1)
    hit = unique_keys[where] == row_key
    cell = where[hit] * len(names) + column[at][hit]
    # The last row of each (trial, metric): the first met going backwards.
    cells, first_back = np.unique(cell[::-1], return_index=True)
    found = np.full(len(unique_keys) * len(names), np.nan)
    found[cells] = value[at][hit][::-1][first_back]
    out[known] = found.reshape(len(unique_keys), len(names))[asked_at]
    return out
