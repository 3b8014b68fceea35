"""The children's pictures: a face a child recognises as "me", chosen when a child is added.

Drawn in code on the avatar's own colour (``children.csv`` stores the id).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from engine.ui import (
    BLUE,
    GREEN,
    GREY,
    INK,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    VERMILLION,
    WHITE,
    YELLOW,
    Color,
    DrawIcon,
    PictureButton,
    _cheeks,
    _eyes,
    _pt,
    _r,
    _s,
    _smile,
    darker,
    lighter,
)


def draw_cat(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A smiling orange cat face."""
    body = ORANGE
    for side in (0, 1):
        x0 = 0.18 if side == 0 else 0.82
        x1 = 0.28 if side == 0 else 0.72
        x2 = 0.45 if side == 0 else 0.55
        pygame.draw.polygon(surface, body, [_pt(rect, x0, 0.12), _pt(rect, x1, 0.42),
                                            _pt(rect, x2, 0.3)])
    pygame.draw.ellipse(surface, body, _r(rect, 0.15, 0.22, 0.7, 0.62))
    _eyes(surface, rect, 0.47)
    pygame.draw.polygon(surface, PURPLE, [_pt(rect, 0.46, 0.56), _pt(rect, 0.54, 0.56),
                                          _pt(rect, 0.5, 0.61)])
    _smile(surface, rect, 0.66, 0.16)
    for dy in (-0.03, 0.03):
        for u0, u1 in ((0.36, 0.12), (0.64, 0.88)):
            pygame.draw.line(surface, INK, _pt(rect, u0, 0.6 + dy), _pt(rect, u1, 0.57 + 2 * dy),
                             _s(rect, 0.012))


def draw_dog(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A friendly dog with floppy ears."""
    fur = (196, 148, 96)
    pygame.draw.ellipse(surface, fur, _r(rect, 0.2, 0.16, 0.6, 0.68))
    pygame.draw.ellipse(surface, darker(fur, 0.65), _r(rect, 0.08, 0.2, 0.2, 0.45))
    pygame.draw.ellipse(surface, darker(fur, 0.65), _r(rect, 0.72, 0.2, 0.2, 0.45))
    pygame.draw.ellipse(surface, lighter(fur, 0.6), _r(rect, 0.33, 0.5, 0.34, 0.3))
    _eyes(surface, rect, 0.42, 0.13)
    pygame.draw.ellipse(surface, INK, _r(rect, 0.43, 0.52, 0.14, 0.09))
    _smile(surface, rect, 0.68, 0.16)
    pygame.draw.ellipse(surface, VERMILLION, _r(rect, 0.46, 0.7, 0.08, 0.1))


def draw_bear(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A round brown bear."""
    fur = (150, 100, 60)
    for u in (0.24, 0.76):
        pygame.draw.circle(surface, fur, _pt(rect, u, 0.24), _s(rect, 0.13))
        pygame.draw.circle(surface, lighter(fur, 0.5), _pt(rect, u, 0.24), _s(rect, 0.065))
    pygame.draw.circle(surface, fur, _pt(rect, 0.5, 0.53), _s(rect, 0.35))
    pygame.draw.ellipse(surface, lighter(fur, 0.55), _r(rect, 0.34, 0.55, 0.32, 0.24))
    _eyes(surface, rect, 0.45, 0.13)
    pygame.draw.ellipse(surface, INK, _r(rect, 0.44, 0.56, 0.12, 0.08))
    _smile(surface, rect, 0.7, 0.14)


def draw_bunny(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A white bunny with long ears."""
    fur = (245, 245, 245)
    for u in (0.3, 0.55):
        pygame.draw.ellipse(surface, fur, _r(rect, u, 0.02, 0.15, 0.45))
        pygame.draw.ellipse(surface, lighter(PURPLE, 0.3), _r(rect, u + 0.04, 0.08, 0.07, 0.32))
    pygame.draw.ellipse(surface, fur, _r(rect, 0.2, 0.32, 0.6, 0.56))
    pygame.draw.ellipse(surface, GREY, _r(rect, 0.2, 0.32, 0.6, 0.56), _s(rect, 0.012))
    _eyes(surface, rect, 0.55, 0.13)
    _cheeks(surface, rect, 0.7)
    pygame.draw.circle(surface, PURPLE, _pt(rect, 0.5, 0.66), _s(rect, 0.035))
    _smile(surface, rect, 0.77, 0.12)


def draw_frog(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A green frog with big eyes on top."""
    skin = GREEN
    pygame.draw.ellipse(surface, skin, _r(rect, 0.12, 0.3, 0.76, 0.55))
    for u in (0.32, 0.68):
        pygame.draw.circle(surface, skin, _pt(rect, u, 0.3), _s(rect, 0.14))
        pygame.draw.circle(surface, WHITE, _pt(rect, u, 0.3), _s(rect, 0.1))
        pygame.draw.circle(surface, INK, _pt(rect, u, 0.31), _s(rect, 0.055))
    arc = _r(rect, 0.28, 0.45, 0.44, 0.25)
    pygame.draw.arc(surface, INK, arc, math.pi * 1.05, math.pi * 1.95, _s(rect, 0.03))
    _cheeks(surface, rect, 0.6)


def draw_owl(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A blue owl with round eyes and a yellow beak."""
    feathers = BLUE
    pygame.draw.polygon(surface, feathers, [_pt(rect, 0.18, 0.08), _pt(rect, 0.38, 0.25),
                                            _pt(rect, 0.2, 0.35)])
    pygame.draw.polygon(surface, feathers, [_pt(rect, 0.82, 0.08), _pt(rect, 0.62, 0.25),
                                            _pt(rect, 0.8, 0.35)])
    pygame.draw.ellipse(surface, feathers, _r(rect, 0.15, 0.15, 0.7, 0.75))
    pygame.draw.ellipse(surface, lighter(feathers, 0.6), _r(rect, 0.3, 0.55, 0.4, 0.32))
    for u in (0.36, 0.64):
        pygame.draw.circle(surface, WHITE, _pt(rect, u, 0.4), _s(rect, 0.13))
        pygame.draw.circle(surface, INK, _pt(rect, u, 0.41), _s(rect, 0.065))
        pygame.draw.circle(surface, WHITE, _pt(rect, u + 0.02, 0.39), _s(rect, 0.02))
    pygame.draw.polygon(surface, YELLOW, [_pt(rect, 0.45, 0.52), _pt(rect, 0.55, 0.52),
                                          _pt(rect, 0.5, 0.62)])


def draw_fox(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A vermillion fox with a white muzzle."""
    fur = VERMILLION
    pygame.draw.polygon(surface, fur, [_pt(rect, 0.14, 0.1), _pt(rect, 0.22, 0.45),
                                       _pt(rect, 0.42, 0.3)])
    pygame.draw.polygon(surface, fur, [_pt(rect, 0.86, 0.1), _pt(rect, 0.78, 0.45),
                                       _pt(rect, 0.58, 0.3)])
    pygame.draw.polygon(surface, fur, [_pt(rect, 0.12, 0.35), _pt(rect, 0.88, 0.35),
                                       _pt(rect, 0.5, 0.9)])
    pygame.draw.ellipse(surface, fur, _r(rect, 0.14, 0.24, 0.72, 0.36))
    pygame.draw.polygon(surface, WHITE, [_pt(rect, 0.22, 0.55), _pt(rect, 0.78, 0.55),
                                         _pt(rect, 0.5, 0.88)])
    _eyes(surface, rect, 0.45, 0.15)
    pygame.draw.circle(surface, INK, _pt(rect, 0.5, 0.82), _s(rect, 0.045))


def draw_panda(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A panda: black ears and eye patches on a white face."""
    for u in (0.24, 0.76):
        pygame.draw.circle(surface, INK, _pt(rect, u, 0.22), _s(rect, 0.13))
    pygame.draw.circle(surface, WHITE, _pt(rect, 0.5, 0.53), _s(rect, 0.35))
    pygame.draw.circle(surface, GREY, _pt(rect, 0.5, 0.53), _s(rect, 0.35), _s(rect, 0.012))
    for u, tilt in ((0.35, -1), (0.65, 1)):
        patch = _r(rect, u - 0.09, 0.38, 0.18, 0.2)
        pygame.draw.ellipse(surface, INK, patch)
        pygame.draw.circle(surface, WHITE, _pt(rect, u + 0.01 * tilt, 0.47), _s(rect, 0.045))
        pygame.draw.circle(surface, INK, _pt(rect, u + 0.01 * tilt, 0.475), _s(rect, 0.025))
    pygame.draw.ellipse(surface, INK, _r(rect, 0.44, 0.6, 0.12, 0.07))
    _smile(surface, rect, 0.74, 0.14)


@dataclass(frozen=True)
class Avatar:
    """A picture a child recognises as "me": its id (stored in children.csv), colour, drawing."""

    id: str
    color: Color
    draw: DrawIcon


AVATARS: dict[str, Avatar] = {
    a.id: a
    for a in (
        Avatar("cat", lighter(ORANGE, 0.6), draw_cat),
        Avatar("dog", lighter(SKY_BLUE, 0.5), draw_dog),
        Avatar("bear", lighter(YELLOW, 0.4), draw_bear),
        Avatar("bunny", lighter(PURPLE, 0.45), draw_bunny),
        Avatar("frog", lighter(YELLOW, 0.65), draw_frog),
        Avatar("owl", lighter(SKY_BLUE, 0.7), draw_owl),
        Avatar("fox", lighter(GREEN, 0.6), draw_fox),
        Avatar("panda", lighter(GREEN, 0.75), draw_panda),
    )
}
AVATAR_IDS: tuple[str, ...] = tuple(AVATARS)
DEFAULT_AVATAR = "cat"


def avatar(avatar_id: str) -> Avatar:
    """The avatar with ``avatar_id``; unknown ids (a hand-edited roster) get the default."""
    return AVATARS.get(avatar_id, AVATARS[DEFAULT_AVATAR])


def tile_for_avatar(
    rect: pygame.Rect, avatar_id: str, on_press: Callable[[], None], label: str | None = None
) -> PictureButton:
    """A :class:`PictureButton` showing avatar ``avatar_id`` on its colour, with ``label``."""
    av = avatar(avatar_id)
    return PictureButton(rect, av.draw, on_press, label=label, color=av.color,
                         icon_key=("avatar", av.id))
