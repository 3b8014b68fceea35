"""Layout helpers: the left-handed mirror (:func:`mirror_rect`, :func:`place`) and grids of
big tiles, in the logical 1280x800 space.
"""

from __future__ import annotations

import math

import pygame

from engine.palette import (
    LOGICAL_SIZE,
)

# ---------------------------------------------------------------------------------------------
# Layout helpers


def mirror_rect(rect: pygame.Rect, screen_width: int = LOGICAL_SIZE[0]) -> pygame.Rect:
    """``rect`` mirrored around the vertical centre line of a screen ``screen_width`` wide."""
    return pygame.Rect(screen_width - rect.x - rect.w, rect.y, rect.w, rect.h)


def mirror_x(x: float, screen_width: int = LOGICAL_SIZE[0]) -> float:
    """An x coordinate mirrored around the screen's vertical centre line."""
    return screen_width - x


def place(
    rect: pygame.Rect, left_handed: bool, screen_width: int = LOGICAL_SIZE[0]
) -> pygame.Rect:
    """A right-handed layout's ``rect``, mirrored when the child is left-handed."""
    return mirror_rect(rect, screen_width) if left_handed else pygame.Rect(rect)


def grid_layout(
    count: int,
    tile: tuple[int, int],
    gap: int,
    area: pygame.Rect,
    max_columns: int | None = None,
) -> list[pygame.Rect]:
    """``count`` tiles of size ``tile``, in rows centred in ``area``, left to right.

    Columns are as many as fit (or ``max_columns``); the last row is centred too, so a lone
    tile sits in the middle rather than in a corner.
    """
    if count <= 0:
        return []
    tw, th = tile
    fit = max(1, (area.w + gap) // (tw + gap))
    columns = min(count, fit if max_columns is None else min(fit, max_columns))
    rows = math.ceil(count / columns)
    total_h = rows * th + (rows - 1) * gap
    top = area.y + (area.h - total_h) // 2
    rects: list[pygame.Rect] = []
    for row in range(rows):
        in_row = min(columns, count - row * columns)
        row_w = in_row * tw + (in_row - 1) * gap
        left = area.x + (area.w - row_w) // 2
        for col in range(in_row):
            rects.append(pygame.Rect(left + col * (tw + gap), top + row * (th + gap), tw, th))
    return rects
