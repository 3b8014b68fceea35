"""Tracing's pictures (pygame): even-width lines, the beetle, and colours of the road."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pygame

from engine import ui

ROAD = (236, 226, 200)
ROAD_EDGE = (196, 180, 150)
ROAD_OFF = ui.lighter(ui.ORANGE, 0.55)
GUIDE_LINE = (190, 200, 220)


def thick_polyline(surface: pygame.Surface, colour: tuple[int, int, int],
                   points: Sequence[Sequence[float]] | np.ndarray, half: float) -> None:
    """A polyline of even width ``2 * half`` with round joins and ends (a chain of capsules).

    ``pygame.draw.lines`` measures a thick line's width along x or y, so a diagonal comes out
    ~30 % thinner and curves look scalloped: roads, models and trails use this instead.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    r = max(1, int(round(half)))
    for a, b in zip(pts[:-1], pts[1:], strict=True):
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        if length == 0.0:
            continue
        n = np.array([-d[1], d[0]]) * (half / length)
        quad = [tuple(a + n), tuple(b + n), tuple(b - n), tuple(a - n)]
        pygame.draw.polygon(surface, colour, quad)
    for p in pts:
        pygame.draw.circle(surface, colour, (float(p[0]), float(p[1])), r)


def draw_beetle(surface: pygame.Surface, rect: pygame.Rect, worried: bool = False) -> None:
    """The friendly beetle the child drags (also the activity's icon): shell, face, wheels.

    Worried (off the road) it changes colour, mouth *and* gets a blue sweat drop, so the cue
    does not rest on telling vermillion from orange (colour-blind children)."""
    cx, cy = rect.center
    r = min(rect.w, rect.h) // 2 - 2
    shell = ui.VERMILLION if not worried else ui.ORANGE
    for dx in (-0.62, 0.62):  # wheels
        pygame.draw.circle(surface, ui.INK, (cx + int(dx * r), cy + int(0.55 * r)), int(r * 0.3))
    pygame.draw.circle(surface, ui.darker(shell, 0.75), (cx, cy + 2), r)
    pygame.draw.circle(surface, shell, (cx, cy), r)
    pygame.draw.line(surface, ui.darker(shell, 0.6), (cx, cy - r + 4), (cx, cy + r - 4), 3)
    for sx, sy in ((-0.45, 0.3), (0.45, 0.3), (-0.35, 0.65), (0.35, 0.65)):
        pygame.draw.circle(surface, ui.INK, (cx + int(sx * r), cy + int(sy * r)), int(r * 0.12))
    face = (cx, cy - int(r * 0.35))
    pygame.draw.circle(surface, ui.INK, face, int(r * 0.45))
    for ex in (-0.18, 0.18):
        pygame.draw.circle(surface, ui.WHITE, (face[0] + int(ex * r), face[1] - 2), int(r * 0.12))
        pygame.draw.circle(surface, ui.INK, (face[0] + int(ex * r), face[1] - 1), int(r * 0.05))
    mouth = pygame.Rect(0, 0, int(r * 0.36), int(r * 0.22))
    mouth.center = (face[0], face[1] + int(r * 0.2))
    if worried:
        pygame.draw.ellipse(surface, ui.WHITE, mouth.inflate(-mouth.w // 2, 0), 2)
    else:
        pygame.draw.arc(surface, ui.WHITE, mouth, math.pi * 1.1, math.pi * 1.9, 3)
    if worried:
        drop = (cx + int(r * 0.7), cy - int(r * 0.45))
        dr = max(3, int(r * 0.22))
        tip = (drop[0], drop[1] - 2 * dr)
        pygame.draw.polygon(surface, ui.SKY_BLUE,
                            [tip, (drop[0] - dr, drop[1]), (drop[0] + dr, drop[1])])
        pygame.draw.circle(surface, ui.SKY_BLUE, drop, dr)
        pygame.draw.circle(surface, ui.BLUE, drop, dr, 2)


def blend(colour: tuple, under: tuple, alpha: float) -> tuple[int, int, int]:
    """``colour`` seen at ``alpha`` over ``under`` (the fading guide's arrows)."""
    r, g, b = (int(round(c * alpha + u * (1.0 - alpha)))
               for c, u in zip(colour[:3], under[:3], strict=True))
    return (r, g, b)


def guide_lines(surf: pygame.Surface, box: pygame.Rect, category: str) -> None:
    """Writing lines in ``box``: top line, dashed midline, baseline (and the descender line
    for lowercase)."""
    ys = (0.0, 0.4, 0.7, 1.0) if category == "lower" else (0.0, 0.5, 1.0)
    for i, fy in enumerate(ys):
        y = box.y + fy * box.h
        if i == 1:
            for x in range(box.left, box.right, 24):
                pygame.draw.line(surf, GUIDE_LINE, (x, y), (min(x + 12, box.right), y), 2)
        else:
            pygame.draw.line(surf, GUIDE_LINE, (box.left, y), (box.right, y), 2)


def draw_eye(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """An open eye with lashes: "watch me" (the button that shows how a shape is made)."""
    cx, cy = rect.center
    w, h = rect.w * 0.86, rect.h * 0.5
    n = 24
    top = [(cx - w / 2 + w * i / n, cy - h / 2 * math.sin(math.pi * i / n)) for i in range(n + 1)]
    bottom = [(x, 2 * cy - y) for x, y in reversed(top)]
    lid = ui.darker(ui.BLUE, 0.8)
    for i in (4, 8, 12, 16, 20):  # lashes along the upper lid
        x, y = top[i]
        a = math.pi * i / n
        dx, dy = -math.cos(a), -math.sin(a) - 0.4
        d = math.hypot(dx, dy)
        pygame.draw.line(surface, lid, (x, y), (x + rect.w * 0.1 * dx / d,
                                                 y + rect.w * 0.1 * dy / d), max(2, rect.w // 30))
    pygame.draw.polygon(surface, ui.WHITE, top + bottom)
    iris = max(3, int(h * 0.42))
    pygame.draw.circle(surface, ui.SKY_BLUE, (cx, cy), iris)
    pygame.draw.circle(surface, ui.INK, (cx, cy), max(2, int(iris * 0.5)))
    pygame.draw.circle(surface, ui.WHITE, (cx + iris // 3, cy - iris // 3), max(1, iris // 5))
    pygame.draw.polygon(surface, lid, top + bottom, max(2, rect.w // 24))


def draw_ghost_finger(surface: pygame.Surface, tip: tuple[float, float], size: float,
                      colour: tuple[int, int, int], left_handed: bool = False) -> None:
    """A hand pointing with its index finger, the fingertip at ``tip`` (the copy hint's "draw
    like this"): the finger comes down from a fist at the bottom right (bottom left for a left
    hand), with a nail, a thumb beside the fist and a soft ring where the tip touches."""
    tx, ty = tip
    side = -1.0 if left_handed else 1.0
    ang = math.radians(62.0)
    dx, dy = side * math.cos(ang), math.sin(ang)  # from the tip towards the hand
    nx, ny = -dy * side, dx * side  # across the finger, towards the thumb
    half = size * 0.13
    length = size * 0.55
    edge = ui.darker(colour, 0.7)
    pygame.draw.circle(surface, ui.lighter(colour, 0.5), (tx, ty), int(size * 0.22), 3)
    fist_r = size * 0.3
    fist = (tx + dx * (length + fist_r * 0.7), ty + dy * (length + fist_r * 0.7))
    finger = np.array([[tx + dx * half, ty + dy * half], [fist[0], fist[1]]])
    thumb = np.array([[fist[0] + nx * fist_r * 0.2 - dx * fist_r * 0.55,
                       fist[1] + ny * fist_r * 0.2 - dy * fist_r * 0.55],
                      [fist[0] + nx * fist_r * 0.9, fist[1] + ny * fist_r * 0.9]])
    pygame.draw.circle(surface, edge, fist, fist_r + 3)
    thick_polyline(surface, edge, finger, half + 3)
    thick_polyline(surface, edge, thumb, half * 0.9 + 3)
    pygame.draw.circle(surface, colour, fist, fist_r)
    thick_polyline(surface, colour, finger, half)
    thick_polyline(surface, colour, thumb, half * 0.9)
    nail = (tx + dx * half * 1.2, ty + dy * half * 1.2)
    pygame.draw.circle(surface, ui.lighter(colour, 0.6), nail, max(2, int(half * 0.6)))
