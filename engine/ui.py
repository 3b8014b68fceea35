"""The child-friendly UI kit every finemotor screen is built from.

What is here and why:

* a colour-blind-safe palette (Okabe-Ito), so no screen relies on telling red from green;
* :class:`PictureButton`, a big picture tile (>= 96 logical px) that fires on a press that both
  starts and ends inside it, with visible press feedback, and caches its rendered picture;
* :class:`HoldButton` and :func:`draw_ring`, a press-and-hold control with a progress ring: the
  grown-up gate is a 3 s hold, which a child does not do by accident and a parent needs no
  reading to pass;
* :func:`text_surface` / :func:`draw_text`, text with cached fonts and cached rendered surfaces;
* :func:`bounce` / :func:`pulse`, gentle animations that stand still under reduce-motion;
* :func:`mirror_rect` / :func:`place`, the left-handed helper that mirrors a layout around the
  screen's vertical centre line, so the child's hand does not hide what it is aiming at;
* ``_pt`` / ``_r`` / ``_s``, unit-coordinate helpers every drawn picture uses (the children's
  pictures are in ``games/launcher/avatars.py``).

Everything is drawn in the logical 1280x800 space; surfaces that are drawn once are converted
once and cached (an unconverted alpha blit costs ~30x a converted one).
"""

from __future__ import annotations

from engine import icons as _icons
from engine import text as _text
from engine.icons import (  # noqa: F401  (re-exported: engine.ui is the kit's one name)
    _ICON_CACHE,
    _cheeks,
    _eyes,
    _pt,
    _r,
    _s,
    _smile,
    bounce,
    draw_back,
    draw_check,
    draw_cross,
    draw_gear,
    draw_plus,
    draw_star,
    draw_sun,
    icon_surface,
    pulse,
)
from engine.layout import (  # noqa: F401  (re-exported: engine.ui is the kit's one name)
    grid_layout,
    mirror_rect,
    mirror_x,
    place,
)
from engine.palette import (  # noqa: F401  (re-exported: engine.ui is the kit's one name)
    BLACK,
    BLUE,
    CREAM,
    GREEN,
    GREY,
    INK,
    LIGHT_GREY,
    LOGICAL_SIZE,
    MIN_BUTTON_PX,
    ORANGE,
    PALETTE,
    PURPLE,
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
from engine.text import (  # noqa: F401  (re-exported: engine.ui is the kit's one name)
    _BACKDROPS,
    _FONTS,
    _ROUNDED,
    _TEXT_CACHE,
    _TEXT_CACHE_LIMIT,
    backdrop,
    draw_text,
    fit_text,
    font,
    rounded_rect,
    text_surface,
)
from engine.widgets import (  # noqa: F401  (re-exported: engine.ui is the kit's one name)
    HoldButton,
    PictureButton,
    draw_ring,
    layout_buttons,
)


def clear_caches() -> None:
    """Forget cached fonts and surfaces (after ``pygame.quit()``, whose fonts die with it)."""
    _text._FONTS.clear()
    _text._TEXT_CACHE.clear()
    _icons._ICON_CACHE.clear()
    _text._BACKDROPS.clear()
    _text._ROUNDED.clear()
