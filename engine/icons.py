"""Gentle animations that stand still under reduce-motion (:func:`bounce`, :func:`pulse`), the
cached icon surfaces, the unit-coordinate helpers every drawn picture uses (``_pt``, ``_r``,
``_s``) and the drawn icons (plus, back, check, cross, gear, star, sun).
"""

from __future__ import annotations

import math

import pygame

from engine.palette import (
    GREEN,
    GREY,
    INK,
    ORANGE,
    SKY_BLUE,
    VERMILLION,
    WHITE,
    YELLOW,
    Color,
    DrawIcon,
    _maybe_convert,
    darker,
    lighter,
)

# ---------------------------------------------------------------------------------------------
# Gentle animation


def bounce(
    t: float, height: float = 8.0, period: float = 1.2, reduce_motion: bool = False
) -> float:
    """Upward offset in px (>= 0) of a soft bounce at time ``t`` seconds; 0 under reduce-motion.

    A half-sine hop: it eases out of and into rest, no sudden jumps.
    """
    if reduce_motion or height <= 0 or period <= 0:
        return 0.0
    phase = (t % period) / period
    return height * abs(math.sin(math.pi * phase))


def pulse(
    t: float, amount: float = 0.05, period: float = 1.6, reduce_motion: bool = False
) -> float:
    """Scale factor breathing between ``1 - amount`` and ``1 + amount``; 1.0 under reduce-motion."""
    if reduce_motion or period <= 0:
        return 1.0
    return 1.0 + amount * math.sin(2.0 * math.pi * t / period)


# ---------------------------------------------------------------------------------------------
# Icons (drawn once into a cached, converted surface)


_ICON_CACHE: dict[tuple[object, int, int], pygame.Surface] = {}


def icon_surface(draw_icon: DrawIcon, size: tuple[int, int], key: object = None) -> pygame.Surface:
    """``draw_icon`` drawn on a transparent surface of ``size``, drawn once and cached.

    ``key`` names the picture in the cache (default: the function itself). Pictures are pure
    functions of their size, so the cache never goes stale.
    """
    w, h = size
    cache_key = (key if key is not None else draw_icon, w, h)
    surf = _ICON_CACHE.get(cache_key)
    if surf is None:
        surf = pygame.Surface((max(1, w), max(1, h)), pygame.SRCALPHA)
        draw_icon(surf, surf.get_rect())
        surf = _maybe_convert(surf)
        _ICON_CACHE[cache_key] = surf
    return surf


def _pt(rect: pygame.Rect, u: float, v: float) -> tuple[int, int]:
    """Point at fractions (u, v) of ``rect``: pictures are drawn in unit coordinates."""
    return (round(rect.x + u * rect.w), round(rect.y + v * rect.h))


def _r(rect: pygame.Rect, u: float, v: float, w: float, h: float) -> pygame.Rect:
    """Sub-rect of ``rect`` given in unit coordinates."""
    return pygame.Rect(
        round(rect.x + u * rect.w), round(rect.y + v * rect.h), round(w * rect.w), round(h * rect.h)
    )


def _s(rect: pygame.Rect, f: float) -> int:
    """Length ``f`` of the rect's smaller side, at least 1 px."""
    return max(1, round(f * min(rect.w, rect.h)))


def _eyes(surface: pygame.Surface, rect: pygame.Rect, y: float = 0.45, dx: float = 0.15) -> None:
    for u in (0.5 - dx, 0.5 + dx):
        pygame.draw.circle(surface, WHITE, _pt(rect, u, y), _s(rect, 0.075))
        pygame.draw.circle(surface, INK, _pt(rect, u, y + 0.01), _s(rect, 0.045))
        pygame.draw.circle(surface, WHITE, _pt(rect, u + 0.015, y - 0.015), _s(rect, 0.015))


def _smile(
    surface: pygame.Surface, rect: pygame.Rect, y: float = 0.62, w: float = 0.2, h: float = 0.14
) -> None:
    arc = _r(rect, 0.5 - w / 2, y - h / 2 - 0.01, w, h)
    pygame.draw.arc(surface, INK, arc, math.pi * 1.1, math.pi * 1.9, _s(rect, 0.025))


def _cheeks(surface: pygame.Surface, rect: pygame.Rect, y: float = 0.6) -> None:
    for u in (0.3, 0.7):
        pygame.draw.circle(surface, lighter(VERMILLION, 0.45), _pt(rect, u, y), _s(rect, 0.05))


# ---------------------------------------------------------------------------------------------
# Small icons for launcher controls


def draw_plus(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A big friendly "+" (add a child)."""
    pygame.draw.circle(surface, GREEN, rect.center, _s(rect, 0.42))
    bar = _s(rect, 0.14)
    arm = _s(rect, 0.56)
    pygame.draw.rect(surface, WHITE, pygame.Rect(0, 0, arm, bar).move(
        rect.centerx - arm // 2, rect.centery - bar // 2), border_radius=bar // 2)
    pygame.draw.rect(surface, WHITE, pygame.Rect(0, 0, bar, arm).move(
        rect.centerx - bar // 2, rect.centery - arm // 2), border_radius=bar // 2)


def draw_back(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A house: "go back home" (the picture children know from every tablet)."""
    roof = [_pt(rect, 0.5, 0.12), _pt(rect, 0.9, 0.5), _pt(rect, 0.1, 0.5)]
    pygame.draw.rect(surface, SKY_BLUE, _r(rect, 0.2, 0.45, 0.6, 0.43))
    pygame.draw.polygon(surface, VERMILLION, roof)
    pygame.draw.rect(surface, ORANGE, _r(rect, 0.42, 0.6, 0.16, 0.28))


def draw_check(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A green tick in a circle ("done", "yes")."""
    pygame.draw.circle(surface, GREEN, rect.center, _s(rect, 0.42))
    pts = [_pt(rect, 0.28, 0.52), _pt(rect, 0.44, 0.68), _pt(rect, 0.73, 0.34)]
    pygame.draw.lines(surface, WHITE, False, pts, _s(rect, 0.1))


def draw_cross(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A grey X in a circle ("cancel"), grey rather than red: nothing here is an alarm."""
    pygame.draw.circle(surface, GREY, rect.center, _s(rect, 0.42))
    w = _s(rect, 0.1)
    pygame.draw.line(surface, WHITE, _pt(rect, 0.32, 0.32), _pt(rect, 0.68, 0.68), w)
    pygame.draw.line(surface, WHITE, _pt(rect, 0.68, 0.32), _pt(rect, 0.32, 0.68), w)


def draw_gear(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A gear: the grown-up button."""
    c = rect.center
    r_out = _s(rect, 0.42)
    r_in = _s(rect, 0.3)
    pts = []
    teeth = 8
    for i in range(teeth * 4):
        a = 2 * math.pi * i / (teeth * 4)
        r = r_out if (i % 4) in (1, 2) else r_in
        pts.append((c[0] + r * math.cos(a), c[1] + r * math.sin(a)))
    pygame.draw.polygon(surface, GREY, pts)
    pygame.draw.circle(surface, GREY, c, r_in)
    pygame.draw.circle(surface, WHITE, c, _s(rect, 0.13))


def draw_star(surface: pygame.Surface, rect: pygame.Rect, color: Color = YELLOW) -> None:
    """A five-pointed star (rewards)."""
    c = rect.center
    r_out = min(rect.w, rect.h) * 0.48
    r_in = r_out * 0.45
    pts = []
    for i in range(10):
        a = -math.pi / 2 + math.pi * i / 5
        r = r_out if i % 2 == 0 else r_in
        pts.append((c[0] + r * math.cos(a), c[1] + r * math.sin(a)))
    pygame.draw.polygon(surface, color, pts)
    pygame.draw.polygon(surface, darker(color, 0.75), pts, max(1, round(r_out * 0.06)))


def draw_sun(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A smiling sun (the reward screen and the "no activities yet" picture)."""
    c = rect.center
    r = min(rect.w, rect.h) * 0.28
    for i in range(12):
        a = 2 * math.pi * i / 12
        p0 = (c[0] + r * 1.25 * math.cos(a), c[1] + r * 1.25 * math.sin(a))
        p1 = (c[0] + r * 1.7 * math.cos(a), c[1] + r * 1.7 * math.sin(a))
        pygame.draw.line(surface, ORANGE, p0, p1, max(2, round(r * 0.14)))
    pygame.draw.circle(surface, YELLOW, c, round(r))
    face = pygame.Rect(0, 0, round(2 * r), round(2 * r))
    face.center = c
    _eyes(surface, face, 0.4, 0.18)
    _cheeks(surface, face, 0.62)
    _smile(surface, face, 0.6, 0.44, 0.36)


# ---------------------------------------------------------------------------------------------
# Controls
