"""Group-by on numpy arrays: the few reductions the report's analytics need, without pandas'
per-call overhead (tables still come in and go out as pandas frames).

A pandas ``groupby().agg()`` costs about a millisecond of bookkeeping whatever the size of the
table; a one-child report ran a few hundred of them, which was a tenth of its second.
:class:`Groups` sorts the rows once by integer key codes (a categorical column's codes, in its
category order, are what ``groupby(sort=True, observed=True)`` sorts by) and reduces each
group with ``ufunc.reduceat``; the results follow pandas' rules (a median skips NaN, a group
of NaN has a NaN median) so a table built on it is the one pandas built.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


class Groups:
    """Rows grouped by one or more integer key arrays (codes; a row with a code below 0 is
    left out, as pandas drops a NaN key), groups in ascending key order."""

    def __init__(self, keys: Sequence[np.ndarray], within: Sequence[np.ndarray] = ()) -> None:
        """``keys``: equal-length integer arrays, the first the most significant;
        ``within``: arrays ordering the rows inside each group, the first the most
        significant (ties keep the rows' order)."""
        codes = [np.asarray(k) for k in keys]
        n = len(codes[0]) if codes else 0
        keep = np.ones(n, dtype=bool)
        for c in codes:
            keep &= c >= 0
        rows = np.flatnonzero(keep)
        # One stable integer sort per key, least significant first (numpy sorts integers
        # stably by radix: a few times faster than lexsort on a caseload's rows).
        order = rows
        for key in [*reversed([np.asarray(w) for w in within]), *reversed(codes)]:
            order = order[np.argsort(key[order], kind="stable")]
        self.order = order  # row numbers, grouped, in key order (then ``within``)
        sorted_keys = [c[order] for c in codes]
        change = np.zeros(len(order), dtype=bool)
        if len(order):
            change[0] = True
            for k in sorted_keys:
                change[1:] |= k[1:] != k[:-1]
        self.starts = np.flatnonzero(change)
        self.sizes = np.diff(np.append(self.starts, len(order)))
        self.keys = [k[self.starts] for k in sorted_keys]  # each group's key codes
        # group number of each sorted row
        self.group_of_sorted = np.repeat(np.arange(len(self.starts)), self.sizes)

    def __len__(self) -> int:
        return len(self.starts)

    def group_of(self, n_rows: int) -> np.ndarray:
        """Each original row's group number (-1: left out)."""
        out = np.full(n_rows, -1, dtype=np.int64)
        out[self.order] = self.group_of_sorted
        return out

    def _sorted(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(values)[self.order]

    def last(self, values: np.ndarray) -> np.ndarray:
        """The last value of each group (in ``within`` order)."""
        return self._sorted(values)[self.starts + self.sizes - 1]

    def max(self, values: np.ndarray) -> np.ndarray:
        """The largest value of each group (integers or datetimes; no NaN expected)."""
        if not len(self):
            return np.asarray(values)[:0]
        return np.maximum.reduceat(self._sorted(values), self.starts)

    def min(self, values: np.ndarray) -> np.ndarray:
        """The smallest value of each group (integers or datetimes; no NaN expected)."""
        if not len(self):
            return np.asarray(values)[:0]
        return np.minimum.reduceat(self._sorted(values), self.starts)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """The sum of each group; floats as pandas adds them (NaN skipped, Kahan-compensated,
        in row order), so a rounded sum rounds the same way."""
        v = self._sorted(values)
        if not len(self):
            return v[:0]
        if v.dtype.kind != "f":
            return np.add.reduceat(v, self.starts)
        # pandas' group_sum, one step per position in the groups, every group at once.
        total = np.zeros(len(self))
        comp = np.zeros(len(self))
        for k in range(int(self.sizes.max())):
            live = np.flatnonzero(self.sizes > k)
            val = v[self.starts[live] + k]
            ok = ~np.isnan(val)
            live, val = live[ok], val[ok]
            y = val - comp[live]
            t = total[live] + y
            c = t - total[live] - y
            comp[live] = np.where(np.isnan(c), 0.0, c)
            total[live] = t
        return total

    def mean(self, values: np.ndarray) -> np.ndarray:
        """The mean of each group's values that are not NaN (NaN when there are none), as
        pandas takes it: the compensated sum of :meth:`sum` over the count."""
        v = np.asarray(values, dtype=float)
        out = np.full(len(self), np.nan)
        if not len(self):
            return out
        count = np.add.reduceat((~np.isnan(self._sorted(v))).astype(np.int64), self.starts)
        has = count > 0
        out[has] = self.sum(v)[has] / count[has]
        return out

    def fmax(self, values: np.ndarray) -> np.ndarray:
        """The largest value of each group passing over NaN (NaN when all are), as pandas'
        ``max`` of floats."""
        v = np.asarray(self._sorted(values), dtype=float)
        if not len(self):
            return v[:0]
        return np.fmax.reduceat(v, self.starts)

    def median(self, values: np.ndarray) -> np.ndarray:
        """The median of each group's values that are not NaN (NaN when there are none); the
        middle pair's mean for an even count, as pandas and numpy take it."""
        v = np.asarray(self._sorted(values), dtype=float)
        out = np.full(len(self), np.nan)
        if not len(self):
            return out
        # Sort the values inside each group, NaN last: the rows are grouped already, so the
        # group number times n plus each value's rank orders them in one integer sort (a
        # two-key lexsort of floats cost four times as much on a caseload).
        n = len(v)
        rank = np.empty(n, dtype=np.int64)
        rank[np.argsort(v)] = np.arange(n)  # NaN last; equal values may swap: same median
        vs = v[np.argsort(self.group_of_sorted * n + rank, kind="stable")]
        counts = np.add.reduceat((~np.isnan(vs)).astype(np.int64), self.starts)
        has = counts > 0
        lo = self.starts + (counts - 1) // 2
        hi = self.starts + counts // 2
        out[has] = (vs[lo[has]] + vs[hi[has]]) / 2.0
        return out


def key_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index | pd.Categorical]:
    """A key column as integer codes in ``groupby(sort=True)`` order (-1: missing) and what
    turns group codes back into the column (:func:`key_column`)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(np.int64), column.array
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.int64), uniques


def key_column(codes: np.ndarray, source: pd.Index | pd.Categorical) -> pd.Categorical | pd.Index:
    """The key values of ``codes`` (from :func:`key_codes`), categorical when the column was."""
    if isinstance(source, pd.Categorical):
        return pd.Categorical.from_codes(codes, dtype=source.dtype)
    return source.take(codes)


def utc_micros(column: pd.Series) -> np.ndarray:
    """A tz-aware (or naive UTC) datetime column as int64 microseconds since the epoch (NaT:
    the smallest int64, so a maximum passes over it)."""
    values = column.dt.tz_convert(None) if column.dt.tz is not None else column
    micros: np.ndarray = values.to_numpy("datetime64[us]").view(np.int64)
    return micros


def utc_dates(micros: np.ndarray) -> list[object]:
    """UTC calendar dates (``datetime.date``) of int64 microseconds."""
    dates: list[object] = micros.view("datetime64[us]").astype("datetime64[D]").tolist()
    return dates


NAT = np.iinfo(np.int64).min  # NaT as int64


def first_time(groups: Groups, micros: np.ndarray) -> np.ndarray:
    """The earliest time of each group, passing over NaT (NaT when a group has no time)."""
    out = groups.min(np.where(micros == NAT, np.iinfo(np.int64).max, micros))
    return np.where(out == np.iinfo(np.int64).max, NAT, out)


def as_times(micros: np.ndarray, like: pd.Series) -> pd.Series:
    """int64 microseconds back to a datetime column of ``like``'s dtype (UTC)."""
    naive = pd.Series(micros.view("datetime64[us]"))
    if like.dt.tz is not None:
        return naive.dt.tz_localize("UTC").astype(like.dtype)
    return naive.astype(like.dtype)
