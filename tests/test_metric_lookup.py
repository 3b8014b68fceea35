"""telemetry.metric_lookup: the last value of each named metric per trial, from metric rows as
the loader types them (categories) or as a plain frame, with the skip rules sections use."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from telemetry import schema
from telemetry.metric_lookup import latest_values
from telemetry.table_reader import parse_rows

NAMES = ("drops", "time_per_object", "assisted")


def _rows(*rows: tuple[str, int, str, float | None, str]) -> pd.DataFrame:
    """Metric rows as the loader types them: encoded, checked and parsed like a file's."""
    data = b"".join(schema.encode_row((s, t, "pinch", m, v, u)) for s, t, m, v, u in rows)
    return parse_rows(data, schema.METRICS)


ROWS = _rows(
    ("s1", 1, "drops", 2.0, "count"),
    ("s1", 2, "drops", 1.0, "count"),
    ("s1", 1, "drops", 3.0, "count"),  # a later row of trial 1: it wins
    ("s1", 1, "time_per_object", 120.0, "mm"),  # another unit
    ("s1", 1, "time_per_object", 3347.4524, "ms"),
    ("s1", 1, "time_per_object", None, "ms"),  # empty
    ("s2", 1, "drops", 5.0, "count"),
    ("s2", 1, "grip_span", 31.0, "px"),  # not asked for
    ("s2", 10, "assisted", 1.0, "bool"),  # trial 10 is not trial 1
)


def _same(got: np.ndarray, expected: list[list[float]]) -> None:
    np.testing.assert_array_equal(got, np.array(expected, dtype=float))


def test_the_last_row_of_each_metric_per_trial_skipping_units_and_empty_values() -> None:
    got = latest_values(ROWS, ["s1", "s2", "s1", "s3", "s2", "s1"], [1, 1, 2, 1, 10, 1], NAMES,
                        skip_empty=True, skip_units=("mm",))
    nan = math.nan
    _same(got, [[3.0, 3347.4524, nan],
                [5.0, nan, nan],
                [1.0, nan, nan],
                [nan, nan, nan],  # a session without rows
                [nan, nan, 1.0],
                [3.0, 3347.4524, nan]])  # a trial asked twice gets its values twice


def test_an_empty_value_makes_the_figure_empty_when_not_skipped() -> None:
    got = latest_values(ROWS, ["s1"], [1], NAMES, skip_empty=False)
    _same(got, [[3.0, math.nan, math.nan]])
    # Without the empty row, the last row is in millimetres and counts when not skipped.
    got = latest_values(ROWS.iloc[:5], ["s1"], [1], NAMES, skip_empty=False)
    _same(got, [[3.0, 3347.4524, math.nan]])


def test_plain_text_columns_give_the_same_values() -> None:
    plain = ROWS.astype({"session_id": object, "metric": object, "unit": object})
    asked = (["s2", "s1", "s1"], [1, 1, 2])
    np.testing.assert_array_equal(
        latest_values(plain, *asked, NAMES, skip_units=("mm",)),
        latest_values(ROWS, *asked, NAMES, skip_units=("mm",)))


def test_no_rows_or_nothing_asked() -> None:
    empty = _rows()
    assert latest_values(empty, ["s1"], [1], NAMES).shape == (1, 3)
    assert np.isnan(latest_values(empty, ["s1"], [1], NAMES)).all()
    assert latest_values(ROWS, [], [], NAMES).shape == (0, 3)
