"""The children's pictures (games/launcher/avatars.py)."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from engine import ui  # noqa: E402
from games.launcher import avatars  # noqa: E402
from telemetry.avatars import AVATAR_NAMES  # noqa: E402


@pytest.fixture(autouse=True)
def _display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1280, 800))
    yield




def test_there_are_28_pictures_and_unknown_names_get_a_neutral_one():
    assert avatars.AVATAR_IDS == AVATAR_NAMES and len(AVATAR_NAMES) == 28
    assert avatars.AVATAR_IDS[:8] == ("cat", "dog", "bear", "bunny", "frog", "owl", "fox",
                                      "panda")  # earlier versions' names still draw
    assert set(avatars.PICTURES) == set(AVATAR_NAMES)
    assert len({hexcode for hexcode, _ in avatars.PICTURES.values()}) == 28
    assert avatars.avatar("zebra") is avatars.UNKNOWN_AVATAR
    assert avatars.avatar("") is avatars.UNKNOWN_AVATAR
    assert avatars.UNKNOWN_AVATAR.color not in {a.color for a in avatars.AVATARS.values()}


def test_pictures_that_look_alike_sit_on_different_colours():
    colour = {name: av.color for name, av in avatars.AVATARS.items()}
    for group in (("cat", "dog", "fox", "lion", "monkey"), ("bear", "monkey"),
                  ("whale", "fish", "penguin"), ("chick", "bee", "butterfly"),
                  ("frog", "turtle", "dinosaur"), ("pig", "mouse", "bunny")):
        assert len({colour[n] for n in group}) == len(group), group


@pytest.mark.parametrize("avatar_id", [*AVATAR_NAMES, "zebra"])
def test_each_avatar_fills_its_rect(avatar_id: str):
    surf = pygame.Surface((400, 400), pygame.SRCALPHA)
    rect = pygame.Rect(100, 100, 200, 200)
    avatars.avatar(avatar_id).draw(surf, rect)
    drawn = surf.get_bounding_rect()
    assert rect.contains(drawn)
    # Cropped to the drawn part and scaled: the longer side fills the tile less its margin.
    assert max(drawn.w, drawn.h) in (183, 184, 185)
    assert abs(drawn.centerx - rect.centerx) <= 1 and abs(drawn.centery - rect.centery) <= 1


def test_tile_for_avatar_uses_the_avatar_colour_and_label():
    b = avatars.tile_for_avatar(pygame.Rect(0, 0, 200, 240), "frog", lambda: None, label="Ben")
    assert b.color == avatars.AVATARS["frog"].color
    assert b.label == "Ben"
    assert b.icon_key == ("avatar", "frog")
    icon = b.icon_rect()
    assert icon.bottom <= 240 - 36  # the picture leaves room for the name under it
    odd = avatars.tile_for_avatar(pygame.Rect(0, 0, 200, 240), "zebra", lambda: None)
    assert odd.icon_key == ("avatar", "unknown") and odd.color == ui.LIGHT_GREY
