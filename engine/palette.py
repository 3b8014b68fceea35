"""Colours (Okabe-Ito, colour-blind safe), the logical screen size, the smallest button, and
the convert-once helper every UI module shares.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

LOGICAL_SIZE = (1280, 800)
MIN_BUTTON_PX = 96  # smallest tile a 3-year-old's finger hits reliably (logical px)

Color = tuple[int, int, int]
DrawIcon = Callable[[pygame.Surface, pygame.Rect], None]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour blindness. Names are what the colours look like, so code reads naturally.
ORANGE: Color = (230, 159, 0)
SKY_BLUE: Color = (86, 180, 233)
GREEN: Color = (0, 158, 115)  # "bluish green"
YELLOW: Color = (240, 228, 66)
BLUE: Color = (0, 114, 178)
VERMILLION: Color = (213, 94, 0)
PURPLE: Color = (204, 121, 167)  # "reddish purple"
BLACK: Color = (0, 0, 0)

# Neutral colours for backgrounds and text (not part of Okabe-Ito, chosen for contrast).
CREAM: Color = (253, 246, 227)
WHITE: Color = (255, 255, 255)
INK: Color = (40, 40, 48)
GREY: Color = (150, 150, 160)
LIGHT_GREY: Color = (222, 220, 214)

PALETTE: tuple[Color, ...] = (ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE)


def darker(color: Color, factor: float = 0.8) -> Color:
    """``color`` scaled towards black (press feedback, shadows)."""
    r, g, b = color
    return (int(r * factor), int(g * factor), int(b * factor))


def lighter(color: Color, amount: float = 0.5) -> Color:
    """``color`` mixed with white by ``amount`` (0 = unchanged, 1 = white)."""
    r, g, b = color
    return (
        int(r + (255 - r) * amount),
        int(g + (255 - g) * amount),
        int(b + (255 - b) * amount),
    )


def _maybe_convert(surface: pygame.Surface) -> pygame.Surface:
    """``convert_alpha()`` when a display mode exists (it needs one), else the surface as is."""
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        return surface.convert_alpha()
    return surface
