"""OpenMoji pictures: real SVGs rasterised by pygame-ce at the asked size, cached, named errors."""

from __future__ import annotations

import pygame
import pytest

from games.kit import pictures


def test_strawberry_is_drawn_at_the_asked_size_with_its_red() -> None:
    surf = pictures.picture("1F353", 64)
    assert surf.get_size() == (64, 64)
    # Below its green leaves the strawberry is OpenMoji's red #EA5A47; the corner is clear.
    assert tuple(surf.get_at((32, 26))) == (0xEA, 0x5A, 0x47, 255)
    assert tuple(surf.get_at((32, 14)))[1] > tuple(surf.get_at((32, 14)))[0]  # leaf: green
    assert surf.get_at((0, 0)).a == 0


def test_same_picture_and_size_is_cached_and_a_box_keeps_the_aspect_ratio() -> None:
    assert pictures.picture("1f353", 48) is pictures.picture("1F353", 48)
    # OpenMoji's art is square: fitted into a 96x48 box it is 48x48, never stretched.
    assert pictures.picture("1F353", (96, 48)).get_size() == (48, 48)


def test_hexcode_spelling_is_normalised() -> None:
    assert pictures.normalise(" 1f9d1_200d_1f680 ") == "1F9D1-200D-1F680"
    assert pictures.has_picture("1f9d1-200d-1f680")


def test_unknown_picture_is_refused_with_its_name() -> None:
    assert not pictures.has_picture("ZZZZ")
    assert not pictures.has_picture("")
    with pytest.raises(pictures.UnknownPicture, match="OpenMoji has no picture 'ZZZZ'"):
        pictures.picture("ZZZZ", 32)


def test_bad_size_is_refused() -> None:
    with pytest.raises(ValueError, match="picture size must be positive, got 0"):
        pictures.picture("1F353", 0)


def test_converted_once_a_display_exists() -> None:
    pygame.display.init()
    try:
        pygame.display.set_mode((10, 10))
        surf = pictures.picture("1F41E", 40)
        assert surf.get_flags() & pygame.SRCALPHA
        assert surf.get_size() == (40, 40)
    finally:
        pygame.display.quit()
