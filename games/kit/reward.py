"""The reward after a trial and the sticker row, drawn the same way in every activity.

* :func:`draw_reward`: a big star growing in the middle of the play area while eight small
  coloured stars fly out around it over the reward's duration (with reduce motion: one still
  star). Given ``stars`` (1..3, :func:`games.kit.stars.stars_for` of the trial's accuracy) it
  shows the trial's quality gently instead: that many big stars pop in one after the other,
  and the burst of small stars around them grows with them (4, 8 or 16 flying stars, flying
  farther); one star is still a gold star and a burst, never a punishment. With reduce
  motion: the same number of still stars, no burst;
* :class:`Stickers`: a star sticker per finished trial along the top of the screen, from the
  side the hand does not cover, newest last, at most :data:`MAX_STICKERS_SHOWN` (the row stops
  short of the grown-ups' leave button in the other corner). Sticker pictures are drawn once
  per colour and cached.
"""

from __future__ import annotations

import math

import pygame

from engine import ui

REWARD_S = 1.6  # the reward plays this long before the next trial
STICKER_PX = 56
STICKER_STEP = 60
MAX_STICKERS_SHOWN = 18  # the row stops short of the grown-ups' leave button


def star_points(cx: float, cy: float, r: float, spikes: int = 5) -> list[tuple[float, float]]:
    """The outline of a star of outer radius ``r`` centred on ``(cx, cy)``, a point up."""
    pts = []
    for i in range(spikes * 2):
        a = -math.pi / 2 + i * math.pi / spikes
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


STAR_POP_S = 0.25  # each of the quality stars pops in this long after the one before
STAR_GROW_S = 0.3
BURST_STARS = {1: 4, 2: 8, 3: 16}  # small stars flying out, by quality stars
BURST_REACH = {1: 120.0, 2: 220.0, 3: 300.0}  # how far they fly (px)


def quality_star_spots(center: tuple[int, int], stars: int) -> list[tuple[float, float, float]]:
    """Where the ``stars`` (1..3) quality stars sit around ``center``: ``(x, y, radius)`` each,
    left to right; with three the middle one is bigger and raised (a podium)."""
    cx, cy = center
    if stars <= 1:
        return [(cx, cy, 90.0)]
    if stars == 2:
        return [(cx - 85.0, cy, 80.0), (cx + 85.0, cy, 80.0)]
    return [(cx - 165.0, cy + 20.0, 75.0), (cx, cy - 15.0, 95.0), (cx + 165.0, cy + 20.0, 75.0)]


def _draw_quality(surface: pygame.Surface, center: tuple[int, int], t: float, duration: float,
                  reduce_motion: bool, stars: int) -> None:
    stars = max(1, min(3, int(stars)))
    spots = quality_star_spots(center, stars)
    if not reduce_motion:
        n, reach = BURST_STARS[stars], BURST_REACH[stars]
        cx, cy = center
        for i in range(n):
            a = i * 2 * math.pi / n + t
            d = 60 + reach * min(1.0, t / duration)
            small = 24 if i % 2 == 0 or stars < 3 else 16
            pygame.draw.polygon(surface, ui.PALETTE[i % len(ui.PALETTE)],
                                star_points(cx + d * math.cos(a), cy + d * math.sin(a), small))
    for i, (x, y, r) in enumerate(spots):
        grow = 1.0 if reduce_motion else min(1.0, max(0.0, (t - i * STAR_POP_S) / STAR_GROW_S))
        if grow <= 0.0:
            continue
        pts = star_points(x, y, r * grow + 1)
        pygame.draw.polygon(surface, ui.YELLOW, pts)
        pygame.draw.polygon(surface, ui.ORANGE, pts, 5)


def draw_reward(surface: pygame.Surface, center: tuple[int, int], t: float,
                duration: float = REWARD_S, reduce_motion: bool = False,
                stars: int | None = None) -> None:
    """The reward ``t`` seconds into its ``duration``, centred on ``center``; with ``stars``
    (1..3), the trial's quality shown as that many stars (module docstring)."""
    if stars is not None:
        _draw_quality(surface, center, t, duration, reduce_motion, stars)
        return
    cx, cy = center
    if reduce_motion:
        pygame.draw.polygon(surface, ui.YELLOW, star_points(cx, cy, 90))
        pygame.draw.polygon(surface, ui.ORANGE, star_points(cx, cy, 90), 5)
        return
    grow = min(1.0, t / 0.4)
    for i in range(8):
        a = i * math.pi / 4 + t
        d = 60 + 220 * min(1.0, t / duration)
        pygame.draw.polygon(surface, ui.PALETTE[i % len(ui.PALETTE)],
                            star_points(cx + d * math.cos(a), cy + d * math.sin(a), 24))
    pygame.draw.polygon(surface, ui.YELLOW, star_points(cx, cy, 90 * grow + 1))
    pygame.draw.polygon(surface, ui.ORANGE, star_points(cx, cy, 90 * grow + 1), 5)


class Stickers:
    """The stickers earned in a scene: ``(colour index, item)`` pairs, drawn along the top."""

    def __init__(self) -> None:
        self.earned: list[tuple[int, str]] = []
        self._cache: dict[int, pygame.Surface] = {}

    def __len__(self) -> int:
        return len(self.earned)

    def add(self, item: str) -> None:
        """One more sticker, in the next colour of the palette."""
        self.earned.append((len(self.earned) % len(ui.PALETTE), item))

    def rects(self, left_handed: bool = False) -> list[pygame.Rect]:
        """Where the stickers shown now sit: along the top from the corner away from the
        leave button, at most ``MAX_STICKERS_SHOWN`` (the newest)."""
        n = min(len(self.earned), MAX_STICKERS_SHOWN)
        return [ui.place(pygame.Rect(20 + i * STICKER_STEP, 20, STICKER_PX, STICKER_PX),
                         left_handed) for i in range(n)]

    def picture(self, colour: int) -> pygame.Surface:
        """A star sticker of palette colour ``colour`` (drawn once, cached)."""
        surf = self._cache.get(colour)
        if surf is None:
            surf = pygame.Surface((STICKER_PX, STICKER_PX), pygame.SRCALPHA)
            ui.draw_star(surf, surf.get_rect(), ui.PALETTE[colour])
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()
            self._cache[colour] = surf
        return surf

    def draw(self, surface: pygame.Surface, left_handed: bool = False) -> None:
        """The newest stickers along the top."""
        shown = self.earned[-MAX_STICKERS_SHOWN:]
        for (colour, _), rect in zip(shown, self.rects(left_handed), strict=True):
            surface.blit(self.picture(colour), rect)
