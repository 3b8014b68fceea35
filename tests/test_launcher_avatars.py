"""The children's pictures (games/launcher/avatars.py)."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pytest  # noqa: E402

from games.launcher import avatars  # noqa: E402


@pytest.fixture(autouse=True)
def _display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1280, 800))
    yield




def test_there_are_eight_avatars_and_unknown_ids_fall_back():
    assert avatars.AVATAR_IDS == ("cat", "dog", "bear", "bunny", "frog", "owl", "fox", "panda")
    assert avatars.avatar("zebra") is avatars.AVATARS["cat"]
    assert len({a.color for a in avatars.AVATARS.values()}) == 8  # each tile its own colour


@pytest.mark.parametrize("avatar_id", ["cat", "dog", "bear", "bunny", "frog", "owl", "fox",
                                       "panda"])
def test_each_avatar_draws_inside_its_rect(avatar_id: str):
    surf = pygame.Surface((400, 400), pygame.SRCALPHA)
    rect = pygame.Rect(100, 100, 200, 200)
    avatars.AVATARS[avatar_id].draw(surf, rect)
    drawn = surf.get_bounding_rect()
    assert rect.contains(drawn)
    # A face, not a speck: it spans more than half the tile each way.
    assert drawn.w >= 110 and drawn.h >= 110


def test_tile_for_avatar_uses_the_avatar_colour_and_label():
    b = avatars.tile_for_avatar(pygame.Rect(0, 0, 200, 240), "frog", lambda: None, label="Ben")
    assert b.color == avatars.AVATARS["frog"].color
    assert b.label == "Ben"
    assert b.icon_key == ("avatar", "frog")
    icon = b.icon_rect()
    assert icon.bottom <= 240 - 36  # the picture leaves room for the name under it
