"""The tracing models: every glyph loads, has its strokes in teaching order and fits its box."""

from __future__ import annotations

import numpy as np
import pytest

from games.tracing.glyphs import CATEGORIES, all_glyphs, glyph, glyph_ids

PREWRITING_ORDER = [
    "vertical", "horizontal", "circle", "cross", "square", "diag_right", "diag_left", "x",
    "triangle", "diamond",
]


def test_catalogue_order_and_counts() -> None:
    assert glyph_ids("prewriting") == PREWRITING_ORDER
    assert glyph_ids("digit") == [f"digit_{d}" for d in "0123456789"]
    assert glyph_ids("upper") == [f"upper_{chr(c)}" for c in range(ord("A"), ord("Z") + 1)]
    assert glyph_ids("lower") == [f"lower_{chr(c)}" for c in range(ord("a"), ord("z") + 1)]
    assert len(all_glyphs()) == 10 + 10 + 26 + 26
    assert glyph_ids()[:10] == PREWRITING_ORDER


@pytest.mark.parametrize("gid", glyph_ids())
def test_every_glyph_loads_and_fits_its_box(gid: str) -> None:
    g = glyph(gid)
    assert g.category in CATEGORIES
    assert g.n_strokes >= 1
    for stroke in g.strokes:
        assert stroke.ndim == 2 and stroke.shape[1] == 2 and len(stroke) >= 2
        assert np.isfinite(stroke).all()
        assert stroke.min() >= 0.0 and stroke.max() <= 1.0
        assert not stroke.flags.writeable  # shared model data cannot be changed by accident
        # no zero-length steps (a repeated joint would make a degenerate segment)
        assert (np.hypot(*np.diff(stroke, axis=0).T) > 1e-9).all()


# Letters taught to start lower: "magic c" d at one o'clock of its bowl, e in the middle, i with
# its stem before the dot.
STARTS_LOWER = {"lower_d", "lower_e", "lower_i"}


@pytest.mark.parametrize("gid", [g for g in glyph_ids() if g not in STARTS_LOWER])
def test_strokes_start_at_the_top(gid: str) -> None:
    """The first stroke starts in the upper part of the glyph's own height (school rule)."""
    g = glyph(gid)
    pts = np.concatenate(g.strokes)
    top, bottom = pts[:, 1].min(), pts[:, 1].max()
    first_y = g.strokes[0][0, 1]
    if gid == "horizontal":
        assert first_y == pytest.approx(0.5)
    else:
        assert first_y <= top + 0.35 * (bottom - top), gid


def test_line_directions() -> None:
    v = glyph("vertical").strokes[0]
    assert v[0].tolist() == [0.5, 0.05] and v[-1].tolist() == [0.5, 0.95]  # top to bottom
    h = glyph("horizontal").strokes[0]
    assert h[0].tolist() == [0.05, 0.5] and h[-1].tolist() == [0.95, 0.5]  # left to right
    cross = glyph("cross")
    assert cross.n_strokes == 2
    assert cross.strokes[0][:, 0].tolist() == [0.5, 0.5]  # vertical first
    assert cross.strokes[1][:, 1].tolist() == [0.5, 0.5]  # then horizontal


def _signed_area(xy: np.ndarray) -> float:
    """Shoelace area with y flipped up, so positive = counter-clockwise as seen on screen."""
    x, y = xy[:, 0], -xy[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


@pytest.mark.parametrize("gid", ["circle", "digit_0", "upper_O", "lower_o"])
def test_circles_counter_clockwise_from_the_top(gid: str) -> None:
    s = glyph(gid).strokes[0]
    assert s[0, 1] == pytest.approx(s[:, 1].min())  # starts at the top
    assert s[0].tolist() == pytest.approx(s[-1].tolist())  # closed
    assert _signed_area(s) > 0
    # the first step goes left (counter-clockwise from 12 o'clock)
    assert s[1, 0] < s[0, 0]


def test_stroke_order_of_letters() -> None:
    e = glyph("upper_E").strokes
    assert len(e) == 4
    assert e[0][:, 0].tolist() == [0.25, 0.25]  # the spine first, top to bottom
    assert e[0][0, 1] < e[0][-1, 1]
    assert [s[0, 1] for s in e[1:]] == [0.03, 0.5, 0.97]  # then the bars, top to bottom
    assert all(s[0, 0] < s[-1, 0] for s in e[1:])  # each left to right
    t = glyph("upper_T").strokes
    assert t[0][0].tolist() == [0.5, 0.03] and t[1][0].tolist() == [0.18, 0.03]
    i = glyph("lower_i").strokes
    assert i[0][0, 1] == pytest.approx(0.4) and i[1][0, 1] < 0.4  # stem, then the dot


def test_scaled_maps_the_unit_box() -> None:
    g = glyph("vertical")
    (s,) = g.scaled(100.0, 50.0, 400.0)
    assert s.tolist() == [[300.0, 70.0], [300.0, 430.0]]


def test_unknown_glyph_and_category() -> None:
    with pytest.raises(KeyError, match="unknown glyph 'nope'"):
        glyph("nope")
    with pytest.raises(ValueError, match="unknown category 'runes'"):
        glyph_ids("runes")
