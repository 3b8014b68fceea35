"""Viewport: letterboxed logical <-> window mapping at several window sizes, mm calibration."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.viewport import Rect, Viewport


@pytest.mark.parametrize(
    ("size", "content", "scale_x", "scale_y"),
    [
        ((1280, 800), Rect(0, 0, 1280, 800), 1.0, 1.0),
        ((1920, 1080), Rect(96, 0, 1728, 1080), 1.35, 1.35),
        ((800, 600), Rect(0, 50, 800, 500), 0.625, 0.625),
        ((1024, 768), Rect(0, 64, 1024, 640), 0.8, 0.8),
        ((2560, 1600), Rect(0, 0, 2560, 1600), 2.0, 2.0),
        # 1228.8 px rounds to 1229: the axes then differ by less than a pixel overall.
        ((1366, 768), Rect(68, 0, 1229, 768), 1229 / 1280, 0.96),
    ],
)
def test_letterbox_geometry(size, content, scale_x, scale_y) -> None:
    vp = Viewport(size)
    assert vp.window_size == size
    assert vp.content == content
    assert vp.scale_x == scale_x
    assert vp.scale_y == scale_y


@pytest.mark.parametrize(
    ("size", "window", "logical"),
    [
        ((1280, 800), (0, 0), (0.0, 0.0)),
        ((1280, 800), (640, 400), (640.0, 400.0)),
        ((1920, 1080), (96, 0), (0.0, 0.0)),
        ((1920, 1080), (960, 540), (640.0, 400.0)),
        ((1920, 1080), (1824, 1080), (1280.0, 800.0)),
        ((1920, 1080), (0, 540), (-96 / 1.35, 400.0)),  # on the left bar: outside the surface
        ((800, 600), (400, 300), (640.0, 400.0)),
        ((800, 600), (0, 50), (0.0, 0.0)),
        ((800, 600), (800, 550), (1280.0, 800.0)),
        ((1024, 768), (512, 384), (640.0, 400.0)),
        ((1024, 768), (80, 144), (100.0, 100.0)),
        ((2560, 1600), (1, 1), (0.5, 0.5)),
        ((2560, 1600), (2000, 1000), (1000.0, 500.0)),
    ],
)
def test_window_to_logical_exact(size, window, logical) -> None:
    vp = Viewport(size)
    assert vp.window_to_logical(*window) == pytest.approx(logical, abs=1e-12)
    assert vp.logical_to_window(*logical) == pytest.approx(window, abs=1e-12)


def test_logical_to_window_values() -> None:
    assert Viewport((1920, 1080)).logical_to_window(100, 200) == (231.0, 270.0)
    assert Viewport((800, 600)).logical_to_window(1280, 800) == (800.0, 550.0)
    assert Viewport((1024, 768)).logical_to_window(100, 100) == (80.0, 144.0)


def test_normalized_touch_coordinates() -> None:
    vp = Viewport((1920, 1080))
    assert vp.normalized_to_logical(0.5, 0.5) == (640.0, 400.0)
    assert vp.normalized_to_logical(0.05, 0.0) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert vp.logical_to_normalized(640, 400) == (0.5, 0.5)


def test_bars() -> None:
    assert Viewport((1280, 800)).bars() == []
    assert Viewport((1920, 1080)).bars() == [Rect(0, 0, 96, 1080), Rect(1824, 0, 96, 1080)]
    assert Viewport((800, 600)).bars() == [Rect(0, 0, 800, 50), Rect(0, 550, 800, 50)]


def test_resize_and_identity() -> None:
    vp = Viewport()
    assert vp.is_identity
    vp.resize((1920, 1080))
    assert not vp.is_identity
    assert vp.content == Rect(96, 0, 1728, 1080)
    with pytest.raises(ValueError, match="window size must be positive, got 0x800"):
        vp.resize((0, 800))


def test_contains() -> None:
    vp = Viewport()
    assert vp.contains(0, 0)
    assert vp.contains(1279.5, 799.5)
    assert not vp.contains(1280, 400)
    assert not vp.contains(-0.1, 400)


@given(
    st.integers(320, 4000),
    st.integers(240, 3000),
    st.floats(-200, 1500, allow_nan=False),
    st.floats(-200, 1000, allow_nan=False),
)
def test_round_trip_any_window(ww: int, wh: int, x: float, y: float) -> None:
    vp = Viewport((ww, wh))
    c = vp.content
    assert c.x >= 0 and c.x + c.w <= ww and c.y >= 0 and c.y + c.h <= wh
    assert c.w == ww or c.h == wh  # the picture touches two opposite edges
    wx, wy = vp.logical_to_window(x, y)
    assert vp.window_to_logical(wx, wy) == pytest.approx((x, y), abs=1e-9)


def test_millimetres_full_screen() -> None:
    # A 15.6" 1920x1080 laptop panel is 344 mm wide.
    vp = Viewport((1920, 1080), screen_width_mm=344.0, screen_width_px=1920)
    assert vp.calibrated
    assert vp.mm_per_px == pytest.approx(344 / 1920 * 1.35)
    assert vp.px_to_mm(100) == pytest.approx(24.1875)
    assert vp.mm_to_px(24.1875) == pytest.approx(100.0)


def test_millimetres_window_smaller_than_screen() -> None:
    vp = Viewport((1280, 800), screen_width_mm=344.0, screen_width_px=1920)
    assert vp.px_to_mm(1920) == pytest.approx(344.0)
    # Without the screen's pixel width, the window is taken to span the screen.
    vp.calibrate(344.0)
    assert vp.px_to_mm(1280) == pytest.approx(344.0)


def test_uncalibrated_errors() -> None:
    vp = Viewport()
    assert not vp.calibrated
    assert vp.mm_per_px is None
    with pytest.raises(ValueError) as err:
        vp.px_to_mm(10)
    assert str(err.value) == "screen width not calibrated: set Settings.screen_width_mm"
    with pytest.raises(ValueError, match="screen width must be positive, got 0 mm"):
        vp.calibrate(0)
    vp.calibrate(300.0)
    vp.calibrate(None)
    assert not vp.calibrated
