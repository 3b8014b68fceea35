"""Card pictures: OpenMoji, the pictures drawn in code, and custom photos, cached per size.

The drawn pictures (:data:`games.sequencing.routines.DRAWN_PICTURES`) are the steps OpenMoji
has no good picture for: a towel and pyjamas, in OpenMoji's flat style (colour fill, dark
outline) so they sit well beside its pictures.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pygame

OUTLINE = (40, 40, 48)


def _towel(s: pygame.Surface, r: pygame.Rect) -> None:
    w = max(2, r.width // 40)
    rail = pygame.Rect(r.x + r.width * 0.1, r.y + r.height * 0.14, r.width * 0.8, r.height * 0.07)
    pygame.draw.rect(s, (150, 150, 160), rail, border_radius=rail.height // 2)
    pygame.draw.rect(s, OUTLINE, rail, w, border_radius=rail.height // 2)
    cloth = pygame.Rect(r.x + r.width * 0.22, r.y + r.height * 0.18, r.width * 0.56, r.height * 0.7)
    pygame.draw.rect(s, (86, 180, 233), cloth, border_radius=r.width // 30)
    for k in (0.72, 0.8):
        band = pygame.Rect(cloth.x, cloth.y + cloth.height * k, cloth.width, cloth.height * 0.05)
        pygame.draw.rect(s, (255, 255, 255), band)
    fold = pygame.Rect(cloth.x, cloth.y, cloth.width, cloth.height * 0.16)
    pygame.draw.rect(s, (60, 150, 205), fold, border_radius=r.width // 30)
    pygame.draw.rect(s, OUTLINE, cloth, w, border_radius=r.width // 30)
    pygame.draw.line(s, OUTLINE, fold.bottomleft, fold.bottomright, w)


def _pyjamas(s: pygame.Surface, r: pygame.Rect) -> None:
    w = max(2, r.width // 40)

    def pt(u: float, v: float) -> tuple[float, float]:
        return r.x + u * r.width, r.y + v * r.height

    top = [pt(0.3, 0.1), pt(0.42, 0.1), pt(0.5, 0.17), pt(0.58, 0.1), pt(0.7, 0.1),
           pt(0.9, 0.28), pt(0.8, 0.38), pt(0.72, 0.31), pt(0.72, 0.55), pt(0.28, 0.55),
           pt(0.28, 0.31), pt(0.2, 0.38), pt(0.1, 0.28)]
    legs = [pt(0.3, 0.55), pt(0.7, 0.55), pt(0.74, 0.92), pt(0.54, 0.92), pt(0.5, 0.68),
            pt(0.46, 0.92), pt(0.26, 0.92)]
    for poly, colour in ((legs, (204, 121, 167)), (top, (204, 121, 167))):
        pygame.draw.polygon(s, colour, poly)
    for u, v in ((0.4, 0.25), (0.6, 0.42), (0.38, 0.74), (0.62, 0.8), (0.5, 0.36)):
        pygame.draw.circle(s, (240, 228, 66), pt(u, v), r.width * 0.035)  # little stars
    for poly in (legs, top):
        pygame.draw.polygon(s, OUTLINE, poly, w)
    for k in (0.25, 0.35, 0.45):
        pygame.draw.circle(s, OUTLINE, pt(0.5, k), r.width * 0.015)


DRAWERS: dict[str, Callable[[pygame.Surface, pygame.Rect], None]] = {
    "towel": _towel,
    "pyjamas": _pyjamas,
}


@lru_cache(maxsize=256)
def _render(picture: str, size: int, folder: str, converted: bool) -> pygame.Surface:
    kind, _, name = picture.partition(":")
    if kind == "openmoji":
        from games.kit.pictures import picture as openmoji

        return openmoji(name, size)
    if kind == "drawn":
        surface = pygame.Surface((size, size), pygame.SRCALPHA)
        DRAWERS[name](surface, surface.get_rect())
    else:
        image = pygame.image.load(str(Path(folder) / name))
        w, h = image.get_size()
        side = min(w, h)  # a photo fills its card: the middle square, as a phone crops
        square = image.subsurface(((w - side) // 2, (h - side) // 2, side, side))
        surface = pygame.Surface((size, size), pygame.SRCALPHA)
        surface.blit(pygame.transform.smoothscale(square.convert_alpha() if converted
                                                  else square, (size, size)), (0, 0))
    # An unconverted alpha blit costs many times a converted one (engine/ui.py).
    return surface.convert_alpha() if converted else surface


def card_picture(picture: str, size: int, folder: Path | None = None) -> pygame.Surface:
    """``picture`` (a routine picture reference) fitted into ``size`` px, cached (read-only).

    ``folder`` is the custom routine's folder, where its ``photo:`` files are.
    """
    converted = pygame.display.get_surface() is not None
    return _render(picture, int(size), str(folder or ""), converted)


def clear_cache() -> None:
    """Forget the rendered pictures (after a routine's photos change)."""
    _render.cache_clear()
