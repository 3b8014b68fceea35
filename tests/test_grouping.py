"""telemetry.grouping: group-by on numpy arrays, checked by hand and against pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from telemetry.grouping import NAT, Groups, first_time, key_codes, key_column, utc_dates

NAN = float("nan")


def test_groups_in_key_order_and_missing_keys_left_out() -> None:
    a = np.array([1, 0, 1, 0, -1, 1])
    b = np.array([0, 2, 0, 1, 0, 3])
    g = Groups([a, b])
    assert [k.tolist() for k in g.keys] == [[0, 0, 1, 1], [1, 2, 0, 3]]
    assert g.sizes.tolist() == [1, 1, 2, 1]
    assert g.group_of(6).tolist() == [2, 1, 2, 0, -1, 3]
    v = np.array([10, 20, 30, 40, 50, 60])
    assert g.sum(v).tolist() == [40, 20, 40, 60]
    assert g.max(v).tolist() == [40, 20, 30, 60]
    assert g.min(v).tolist() == [40, 20, 10, 60]
    assert g.last(v).tolist() == [40, 20, 30, 60]


def test_within_orders_rows_inside_a_group_ties_in_row_order() -> None:
    key = np.array([0, 0, 0, 0])
    done = np.array([True, False, True, False])
    time = np.array([5, 9, 5, 1])
    g = Groups([key], within=(done, time))
    # not done (time 1, then 9), then done at time 5: rows 0 and 2, in row order
    assert g.order.tolist() == [3, 1, 0, 2]
    assert g.last(np.arange(4)).tolist() == [2]


def test_median_skips_nan_and_averages_the_middle_pair() -> None:
    key = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2])
    v = np.array([4.0, 1.0, NAN, 2.0, 0.3, 0.1, 0.2, NAN, NAN])
    med = Groups([key]).median(v)
    assert med[0] == 2.0  # 1, 2, 4
    assert med[1] == pytest.approx(0.2, abs=0)
    assert np.isnan(med[2])
    even = Groups([np.zeros(4, dtype=np.int64)]).median(np.array([0.7, 0.1, 0.3, 0.9]))
    assert even.tolist() == [(0.3 + 0.7) / 2]


def test_median_and_sum_match_pandas_on_random_groups() -> None:
    rng = np.random.default_rng(7)
    key = rng.integers(0, 40, 2000)
    v = rng.normal(size=2000)
    v[rng.random(2000) < 0.2] = NAN
    g = Groups([key])
    want = pd.Series(v).groupby(key).agg(["median", "sum"])
    assert g.keys[0].tolist() == want.index.tolist()
    np.testing.assert_array_equal(g.median(v), want["median"].to_numpy())
    np.testing.assert_array_equal(g.sum(v), want["sum"].to_numpy())  # Kahan, as pandas adds


def test_empty() -> None:
    g = Groups([np.zeros(0, dtype=np.int64)])
    assert len(g) == 0
    assert g.median(np.zeros(0)).tolist() == []
    assert g.max(np.zeros(0, dtype=np.int64)).tolist() == []


def test_keys_round_trip_categorical_and_plain() -> None:
    cat = pd.Series(pd.Categorical(["b", "a", "b"], categories=["b", "a", "c"]))
    codes, src = key_codes(cat)
    assert codes.tolist() == [0, 1, 0]  # category order, as groupby(sort=True) sorts
    back = key_column(np.array([1, 0]), src)
    assert list(back) == ["a", "b"] and list(back.categories) == ["b", "a", "c"]
    plain = pd.Series(["y", "x", None, "y"])
    codes, src = key_codes(plain)
    assert codes.tolist() == [1, 0, -1, 1]
    assert list(key_column(np.array([0, 1]), src)) == ["x", "y"]


def test_times_pass_over_nat() -> None:
    t = np.array([NAT, 86_400_000_000 * 3, 86_400_000_000, NAT])
    g = Groups([np.array([0, 0, 0, 1])])
    assert first_time(g, t).tolist() == [86_400_000_000, NAT]
    assert utc_dates(g.max(t)) == [pd.Timestamp("1970-01-04").date(), None]


def test_mean_and_fmax_match_pandas_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    key = rng.integers(0, 30, 3000)
    v = rng.random(3000) * rng.choice([1e-3, 1.0, 1e6], 3000)
    v[rng.random(3000) < 0.25] = NAN
    v[key == 5] = NAN  # a group without a value: NaN, as pandas
    g = Groups([key])
    want = pd.Series(v).groupby(key).agg(["mean", "max"])
    assert g.keys[0].tolist() == want.index.tolist()
    np.testing.assert_array_equal(g.mean(v), want["mean"].to_numpy())
    np.testing.assert_array_equal(g.fmax(v), want["max"].to_numpy())
    assert np.isnan(g.mean(v)[5]) and np.isnan(g.fmax(v)[5])
    assert Groups([np.zeros(0, dtype=np.int64)]).mean(np.zeros(0)).tolist() == []
    by_hand = Groups([np.array([0, 0, 1])]).mean(np.array([1.0, NAN, 0.5]))
    assert by_hand.tolist() == [1.0, 0.5]
