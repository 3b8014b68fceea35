"""The children's pictures: an animal a child recognises as "me", chosen when a child is added.

The names are :data:`telemetry.avatars.AVATAR_NAMES` (the one list, with its validation, that
``children.csv``, the command line and ``demo-data`` share); each is drawn here from its
OpenMoji picture (:mod:`games.kit.pictures`) on a tile of its own light colour. Pictures that
look alike (the orange cat, dog, fox and lion) sit on different colours, and every picture is
cropped to its drawn part and scaled to fill the tile, so a thin owl is as big as a round pig.

A name that is not in the list (a hand-edited ``children.csv``, a picture from a newer
version) is shown as :data:`UNKNOWN_AVATAR`, a neutral child on grey, never as another
child's picture; the file keeps the name as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from engine.ui import (
    BLUE,
    GREEN,
    LIGHT_GREY,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    VERMILLION,
    YELLOW,
    Color,
    DrawIcon,
    PictureButton,
    lighter,
)
from games.kit.pictures import picture
from telemetry.avatars import AVATAR_NAMES

# OpenMoji picture (hexcode) and tile colour of each name.
_S, _G, _B, _P = (lighter(c, 0.55) for c in (SKY_BLUE, GREEN, BLUE, PURPLE))
_Y, _O, _V = lighter(YELLOW, 0.5), lighter(ORANGE, 0.6), lighter(VERMILLION, 0.6)
PICTURES: dict[str, tuple[str, Color]] = {
    "cat": ("1F431", _S), "dog": ("1F436", _G), "bear": ("1F43B", _O),
    "bunny": ("1F430", _P), "frog": ("1F438", _Y), "owl": ("1F989", _G),
    "fox": ("1F98A", _B), "panda": ("1F43C", _S), "lion": ("1F981", _P),
    "pig": ("1F437", _S), "penguin": ("1F427", _Y), "elephant": ("1F418", _Y),
    "unicorn": ("1F984", _V), "ladybird": ("1F41E", _G), "whale": ("1F433", _O),
    "monkey": ("1F435", _Y), "chick": ("1F424", _B), "turtle": ("1F422", _V),
    "butterfly": ("1F98B", _Y), "octopus": ("1F419", _B), "giraffe": ("1F992", _S),
    "cow": ("1F42E", _V), "bee": ("1F41D", _P), "mouse": ("1F42D", _B),
    "snail": ("1F40C", _V), "fish": ("1F420", _G), "parrot": ("1F99C", _G),
    "dinosaur": ("1F995", _P),
}
UNKNOWN_PICTURE = "1F9D2"  # "child": a neutral person, for a name finemotor does not have
MARGIN = 0.04  # of the tile, around the cropped picture


def draw_picture(hexcode: str) -> DrawIcon:
    """A :data:`DrawIcon` that draws OpenMoji ``hexcode`` cropped to its drawn part and scaled
    to fill the rect (keeping its aspect ratio, centred, a small margin around it)."""

    def draw(surface: pygame.Surface, rect: pygame.Rect) -> None:
        side = max(1, min(rect.w, rect.h))
        art = picture(hexcode, side * 2)  # rendered large, so the crop scales down sharply
        drawn = art.get_bounding_rect()
        if drawn.w == 0 or drawn.h == 0:
            return
        room = max(1, round(side * (1 - 2 * MARGIN)))
        scale = min(room / drawn.w, room / drawn.h)
        size = (max(1, round(drawn.w * scale)), max(1, round(drawn.h * scale)))
        fitted = pygame.transform.smoothscale(art.subsurface(drawn), size)
        surface.blit(fitted, fitted.get_rect(center=rect.center))

    return draw


@dataclass(frozen=True)
class Avatar:
    """A picture a child recognises as "me": its id (stored in children.csv), colour, drawing."""

    id: str
    color: Color
    draw: DrawIcon


AVATARS: dict[str, Avatar] = {
    name: Avatar(name, PICTURES[name][1], draw_picture(PICTURES[name][0]))
    for name in AVATAR_NAMES
}
AVATAR_IDS: tuple[str, ...] = tuple(AVATARS)
UNKNOWN_AVATAR = Avatar("unknown", LIGHT_GREY, draw_picture(UNKNOWN_PICTURE))


def avatar(avatar_id: str) -> Avatar:
    """The avatar with ``avatar_id``; a name finemotor does not have gets
    :data:`UNKNOWN_AVATAR` (never another child's picture)."""
    return AVATARS.get(avatar_id, UNKNOWN_AVATAR)


def tile_for_avatar(
    rect: pygame.Rect, avatar_id: str, on_press: Callable[[], None], label: str | None = None
) -> PictureButton:
    """A :class:`PictureButton` showing avatar ``avatar_id`` on its colour, with ``label``."""
    av = avatar(avatar_id)
    return PictureButton(rect, av.draw, on_press, label=label, color=av.color,
                         icon_key=("avatar", av.id))
