"""The one stored-precision rule: ``schema.as_stored`` is what a row holds, for a float and for
an array alike."""

from __future__ import annotations

import numpy as np

from telemetry import schema


def test_as_stored_is_what_the_row_holds() -> None:
    rng = np.random.default_rng(7)
    values = np.concatenate([
        rng.uniform(-2000, 2000, 5000),
        # Halves at the 5th decimal, where np.round's scaled rounding may differ from round().
        np.round(rng.uniform(0, 1300, 2000), 4) + 0.00005,
        [0.0, -0.0, 1e12, 3e15, float("inf")],
    ])
    stored = schema.as_stored(values)
    for v, s in zip(values.tolist(), stored.tolist(), strict=True):
        row = schema.encode_row(("s", 1, v))
        assert row.split(b",")[3] == repr(s).encode(), v
        assert schema.as_stored(v) == s
    assert schema.as_stored(2.00005) == round(2.00005, 4)
    assert np.isnan(schema.as_stored(np.array([np.nan]))[0])
