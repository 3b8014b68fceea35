"""Drawing a pinch board: cups, egg carton, 9-hole board, objects (OpenMoji pictures), fingers.

Only reads state. Targets and the table are drawn once into a cached background surface per
board; each frame blits it and draws the objects (cached pictures), so a frame with 9 objects
and one carried stays well under the 4 ms budget (benchmarks/bench_pinch.py).

Pictures (OpenMoji, CC BY-SA 4.0, through :mod:`games.kit.pictures`): strawberries, blueberries,
eggs for the carton, lady beetles for the moving bugs, mushrooms as decoys. The 9-hole board's
pegs and the sorting levels' beads are drawn in code (for sorting the colour is the point). A
sorting cup has its beads' colour and a white mark of its own shape (round, square, triangle),
so sorting does not rest on colour alone.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pygame

from games.kit.pictures import picture
from games.pinch.board import Board
from games.pinch.levels import Level

TABLE = (236, 244, 226)
CUP = (120, 170, 220)
CUP_RIM = (70, 110, 170)
CARTON = (214, 190, 150)
CARTON_CELL = (190, 160, 115)
WOOD = (205, 160, 105)
HOLE = (95, 65, 40)
COLOURS = ((230, 70, 70), (70, 120, 230), (245, 200, 40), (70, 180, 90))
MARKS = ("circle", "square", "triangle", "diamond")
FINGER = (255, 255, 255)
FINGER_IDLE = (150, 150, 150)
PICTURE_SCALE = 2.8  # picture side / object radius

# OpenMoji hexcodes per level theme.
STRAWBERRY, BLUEBERRIES, EGG, LADY_BEETLE, MUSHROOM = "1F353", "1FAD0", "1F95A", "1F41E", "1F344"


def object_picture(lvl: Level) -> str | None:
    """The OpenMoji picture of the level's objects, or None for code-drawn beads/pegs."""
    if lvl.colours > 1:
        return None
    if lvl.board == "carton":
        return EGG
    if lvl.board == "holes":
        return None  # pegs (beads seen from above) for the 9-hole board
    if lvl.speed:
        return LADY_BEETLE
    return STRAWBERRY if lvl.number <= 2 else BLUEBERRIES


def background(board: Board, lvl: Level, size: tuple[int, int] = (1280, 800)) -> pygame.Surface:
    """The table and the targets, drawn once per board."""
    surf = pygame.Surface(size).convert() if pygame.display.get_surface() else pygame.Surface(size)
    surf.fill(TABLE)
    if lvl.board in ("carton", "holes"):
        xs = [t.x for t in board.targets]
        ys = [t.y for t in board.targets]
        r = board.targets[0].r
        pad = r * (0.7 if lvl.board == "carton" else 0.9)
        rect = pygame.Rect(0, 0, max(xs) - min(xs) + 2 * (r + pad),
                           max(ys) - min(ys) + 2 * (r + pad))
        rect.center = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
        colour = CARTON if lvl.board == "carton" else WOOD
        pygame.draw.rect(surf, _darker(colour), rect.move(0, 8), border_radius=int(pad))
        pygame.draw.rect(surf, colour, rect, border_radius=int(pad))
    for t in board.targets:
        c = (int(t.x), int(t.y))
        if lvl.board == "carton":
            pygame.draw.circle(surf, CARTON_CELL, c, int(t.r))
            pygame.draw.circle(surf, _darker(CARTON_CELL), c, int(t.r), 4)
        elif lvl.board == "holes":
            pygame.draw.circle(surf, HOLE, c, int(t.r))
            pygame.draw.circle(surf, _darker(HOLE), c, int(t.r), 3)
        else:
            body = COLOURS[t.colour] if t.colour >= 0 else CUP
            _cup(surf, c, t.r, body)
            if t.colour >= 0:
                _mark(surf, MARKS[t.colour % len(MARKS)], (c[0], c[1] + int(t.r * 0.62)),
                      int(t.r * 0.2), (255, 255, 255))
    return surf


def _cup(surf: pygame.Surface, c: tuple[int, int], r: float, body: tuple[int, int, int]) -> None:
    """A bowl seen from above: rim, inside shadow, a light inner floor."""
    pygame.draw.circle(surf, _darker(body), (c[0], c[1] + 6), int(r))
    pygame.draw.circle(surf, body, c, int(r))
    pygame.draw.circle(surf, _lighter(body), c, int(r * 0.78))
    pygame.draw.circle(surf, _darker(body), c, int(r), 5)


def _mark(surf: pygame.Surface, shape: str, c: tuple[int, int], s: int,
          colour: tuple[int, int, int]) -> None:
    x, y = c
    if shape == "circle":
        pygame.draw.circle(surf, colour, c, s)
    elif shape == "square":
        pygame.draw.rect(surf, colour, (x - s, y - s, 2 * s, 2 * s))
    elif shape == "triangle":
        pygame.draw.polygon(surf, colour, [(x, y - s), (x + s, y + s), (x - s, y + s)])
    else:
        pygame.draw.polygon(surf, colour, [(x, y - s), (x + s, y), (x, y + s), (x - s, y)])


@lru_cache(maxsize=64)
def bead(radius: int, colour: int, marked: bool = False) -> pygame.Surface:
    """A shiny bead of a palette colour, drawn once per size and colour; ``marked`` puts its
    colour's white shape on it (the same shape as on its cup)."""
    size = 2 * radius + 4
    surf = pygame.Surface((size, size), pygame.SRCALPHA)
    c = (size // 2, size // 2)
    body = COLOURS[colour % len(COLOURS)]
    pygame.draw.circle(surf, _darker(body), (c[0], c[1] + 2), radius)
    pygame.draw.circle(surf, body, c, radius)
    pygame.draw.circle(surf, _lighter(body), (c[0] - radius // 3, c[1] - radius // 3),
                       max(2, radius // 3))
    if marked:
        _mark(surf, MARKS[colour % len(MARKS)], c, max(4, radius // 3), (255, 255, 255))
    else:
        pygame.draw.circle(surf, _darker(body), c, max(2, radius // 4))
    return surf.convert_alpha() if pygame.display.get_surface() else surf


@lru_cache(maxsize=64)
def _shadow(radius: int) -> pygame.Surface:
    surf = pygame.Surface((2 * radius, radius), pygame.SRCALPHA)
    pygame.draw.ellipse(surf, (0, 0, 0, 60), surf.get_rect())
    return surf.convert_alpha() if pygame.display.get_surface() else surf


def piece_surface(lvl: Level, radius: float, colour: int) -> pygame.Surface:
    """The picture of one object of the level at ``radius`` (cached)."""
    code = object_picture(lvl)
    if code is None:
        return bead(int(radius), colour, lvl.colours > 1)
    # OpenMoji pictures leave a margin in their square: drawn larger, the fruit fills the
    # object's grip circle.
    side = int(PICTURE_SCALE * radius)
    return picture(code, (side, side))


def draw_piece(surf: pygame.Surface, img: pygame.Surface, x: float, y: float, r: float,
               lifted: bool = False) -> None:
    """An object at (x, y); a lifted one is drawn a little up with a shadow under it."""
    if lifted:
        shadow = _shadow(int(r))
        surf.blit(shadow, shadow.get_rect(center=(int(x), int(y + r * 0.6))))
        y -= 10
    surf.blit(img, img.get_rect(center=(int(x), int(y))))


def draw_fingers(surf: pygame.Surface, points: list[tuple[float, float]], gripping: bool) -> None:
    """Rings where the fingers touch, so a child (and a grown-up) sees the pinch register:
    white while the pinch can grip, filled while it holds, grey when a lone finger rests."""
    colour = FINGER if gripping or len(points) >= 2 else FINGER_IDLE
    for x, y in points:
        pygame.draw.circle(surf, (90, 90, 90), (int(x), int(y)), 17, 2)
        pygame.draw.circle(surf, colour, (int(x), int(y)), 15, 6 if gripping else 3)


def draw_progress(surf: pygame.Surface, placed: int, total: int, right_side: bool) -> None:
    """A row of dots at the top, one per object, filled as objects land (no numbers to read)."""
    gap = 34
    width = gap * (total - 1)
    x0 = (surf.get_width() - 140 - width) if right_side else 140
    for i in range(total):
        c = (int(x0 + i * gap), 56)
        if i < placed:
            pygame.draw.circle(surf, (250, 190, 40), c, 13)
        pygame.draw.circle(surf, (160, 150, 120), c, 13, 3)


def moving_angle(t: float) -> float:
    """A small wobble angle (degrees) for a moving bug, so it looks alive."""
    return 8.0 * math.sin(t * 6.0)


def _darker(c: tuple[int, int, int]) -> tuple[int, int, int]:
    return (int(c[0] * 0.7), int(c[1] * 0.7), int(c[2] * 0.7))


def _lighter(c: tuple[int, int, int]) -> tuple[int, int, int]:
    return (min(255, c[0] + 50), min(255, c[1] + 50), min(255, c[2] + 50))
