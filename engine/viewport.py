"""Logical resolution <-> window pixels: letterboxed scaling and optional millimetre calibration.

Every scene draws on one logical surface (1280x800 by default) and every pointer sample is
reported in that space, whatever the window or screen size. The window shows the logical
surface scaled by one uniform factor (aspect ratio kept) and centred, with bars on the two
sides that do not fit ("letterbox").

Pure math, no pygame, so it is unit-tested exactly.

Exactness: the scaled picture is ``round(1280 * s) x round(800 * s)`` whole pixels, so the
mapping uses the per-axis factors ``content_w / 1280`` and ``content_h / 800`` (which differ from
``s`` by less than one pixel over the whole width). With them, a pointer at a window pixel maps
to exactly the logical point drawn there, and :meth:`Viewport.logical_to_window` is the exact
inverse of :meth:`Viewport.window_to_logical`.
"""

from __future__ import annotations

from dataclasses import dataclass

LOGICAL_SIZE: tuple[int, int] = (1280, 800)


@dataclass(frozen=True, slots=True)
class Rect:
    """An integer rectangle in window pixels (no pygame dependency)."""

    x: int
    y: int
    w: int
    h: int


class Viewport:
    """Maps between the logical surface and a window of any size, letterboxed.

    ``screen_width_mm`` is the physical width of the display (calibration, optional) and
    ``screen_width_px`` its width in pixels; when the latter is not known the window is taken
    to fill the screen's width (full screen).
    """

    def __init__(
        self,
        window_size: tuple[int, int] = LOGICAL_SIZE,
        logical_size: tuple[int, int] = LOGICAL_SIZE,
        screen_width_mm: float | None = None,
        screen_width_px: int | None = None,
    ) -> None:
        lw, lh = logical_size
        if lw <= 0 or lh <= 0:
            raise ValueError(f"logical size must be positive, got {lw}x{lh}")
        self.logical_size: tuple[int, int] = (int(lw), int(lh))
        self.screen_width_mm: float | None = None
        self.screen_width_px: int | None = None
        self.window_size: tuple[int, int] = (0, 0)
        self.content: Rect = Rect(0, 0, 0, 0)
        self.scale_x = 1.0
        self.scale_y = 1.0
        self.resize(window_size)
        if screen_width_mm is not None:
            self.calibrate(screen_width_mm, screen_width_px)

    # -- geometry -------------------------------------------------------------------------------

    def resize(self, window_size: tuple[int, int]) -> None:
        """Recompute the letterbox for a new window size (in pixels)."""
        ww, wh = int(window_size[0]), int(window_size[1])
        if ww <= 0 or wh <= 0:
            raise ValueError(f"window size must be positive, got {ww}x{wh}")
        lw, lh = self.logical_size
        s = min(ww / lw, wh / lh)
        # Clamp to the window: rounding may otherwise overshoot by one pixel.
        cw = min(ww, max(1, round(lw * s)))
        ch = min(wh, max(1, round(lh * s)))
        self.window_size = (ww, wh)
        self.content = Rect((ww - cw) // 2, (wh - ch) // 2, cw, ch)
        self.scale_x = cw / lw
        self.scale_y = ch / lh

    @property
    def scale(self) -> float:
        """The uniform scale factor (window px per logical px), horizontal axis."""
        return self.scale_x

    @property
    def is_identity(self) -> bool:
        """True when the window is exactly the logical size (no scaling, no bars)."""
        return self.window_size == self.logical_size

    def window_to_logical(self, x: float, y: float) -> tuple[float, float]:
        """A window pixel position to logical coordinates (outside the picture stays outside)."""
        c = self.content
        return ((x - c.x) / self.scale_x, (y - c.y) / self.scale_y)

    def logical_to_window(self, x: float, y: float) -> tuple[float, float]:
        """Logical coordinates to a window pixel position (float; round for events)."""
        c = self.content
        return (c.x + x * self.scale_x, c.y + y * self.scale_y)

    def normalized_to_logical(self, nx: float, ny: float) -> tuple[float, float]:
        """SDL touch coordinates (0..1 across the window) to logical coordinates."""
        ww, wh = self.window_size
        return self.window_to_logical(nx * ww, ny * wh)

    def logical_to_normalized(self, x: float, y: float) -> tuple[float, float]:
        """Logical coordinates to SDL touch coordinates (0..1 across the window)."""
        wx, wy = self.logical_to_window(x, y)
        ww, wh = self.window_size
        return (wx / ww, wy / wh)

    def contains(self, x: float, y: float) -> bool:
        """True when a logical point lies on the logical surface (not on a letterbox bar)."""
        lw, lh = self.logical_size
        return 0.0 <= x < lw and 0.0 <= y < lh

    def bars(self) -> list[Rect]:
        """The letterbox bars (window pixels) around the picture; empty when it fills the window."""
        ww, wh = self.window_size
        c = self.content
        bars = [
            Rect(0, 0, ww, c.y),
            Rect(0, c.y + c.h, ww, wh - c.y - c.h),
            Rect(0, c.y, c.x, c.h),
            Rect(c.x + c.w, c.y, ww - c.x - c.w, c.h),
        ]
        return [b for b in bars if b.w > 0 and b.h > 0]

    # -- physical units -------------------------------------------------------------------------

    def calibrate(self, screen_width_mm: float | None, screen_width_px: int | None = None) -> None:
        """Set (or with ``None`` clear) the physical width of the screen, in millimetres."""
        if screen_width_mm is None:
            self.screen_width_mm = None
            self.screen_width_px = None
            return
        if not screen_width_mm > 0:
            raise ValueError(f"screen width must be positive, got {screen_width_mm!r} mm")
        if screen_width_px is not None and screen_width_px <= 0:
            raise ValueError(f"screen width must be positive, got {screen_width_px!r} px")
        self.screen_width_mm = float(screen_width_mm)
        self.screen_width_px = None if screen_width_px is None else int(screen_width_px)

    @property
    def calibrated(self) -> bool:
        """True when distances can be given in millimetres."""
        return self.screen_width_mm is not None

    @property
    def mm_per_px(self) -> float | None:
        """Millimetres per logical pixel, or None when the screen is not calibrated."""
        if self.screen_width_mm is None:
            return None
        screen_px = self.screen_width_px or self.window_size[0]
        return self.screen_width_mm / screen_px * self.scale_x

    def px_to_mm(self, px: float) -> float:
        """A distance in logical pixels to millimetres on the glass (needs calibration)."""
        mpp = self.mm_per_px
        if mpp is None:
            raise ValueError("screen width not calibrated: set Settings.screen_width_mm")
        return px * mpp

    def mm_to_px(self, mm: float) -> float:
        """A distance in millimetres on the glass to logical pixels (needs calibration)."""
        mpp = self.mm_per_px
        if mpp is None:
            raise ValueError("screen width not calibrated: set Settings.screen_width_mm")
        return mm / mpp
