"""The window: opening it safely, and putting the logical 1280x800 frame into it.

:func:`open_window` refuses SDL's silent fall-back to an invisible window (a child would see
nothing) and, on X11, asks for SDL's native XShm framebuffer instead of an OpenGL texture
(see :mod:`engine.present`). :class:`Compositor` copies the logical surface into the window
at 1:1 or scaled with the aspect kept and black bars around it; the plan of where it goes is
read from the viewport on the main thread (:func:`compose_plan`) and may be carried out on
the present thread.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import pygame

from engine.viewport import Viewport

BAR_COLOUR = (0, 0, 0)
_HEADLESS_DRIVERS = frozenset({"offscreen", "dummy"})


class DisplayUnavailable(RuntimeError):
    """No window can be opened (no screen, no video driver)."""


def open_window(size: tuple[int, int], *, fullscreen: bool, resizable: bool,
                native_framebuffer: bool, title: str) -> pygame.Surface:
    """Open the window (or the full screen) and return its surface.

    Raises :class:`DisplayUnavailable` when there is no screen: SDL 2.32 would otherwise fall
    back to an invisible "offscreen" window. A headless driver is accepted only when asked for
    by ``SDL_VIDEODRIVER``.
    """
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in _HEADLESS_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
            pygame.display.quit()
            raise DisplayUnavailable(
                f"No display found: SDL fell back to the {driver!r} video driver "
                "(set SDL_VIDEODRIVER=dummy to run headless)"
            )
        if (driver == "x11" and native_framebuffer
                and "SDL_FRAMEBUFFER_ACCELERATION" not in os.environ):
            # SDL reads the hint when the window's framebuffer is first made (set_mode):
            # XShm, not a GL texture (see the module docstring and engine.present).
            os.environ["SDL_FRAMEBUFFER_ACCELERATION"] = "0"
        flags = 0
        if fullscreen:
            flags |= pygame.FULLSCREEN
            size = (0, 0)  # the desktop's own resolution
        elif resizable:
            flags |= pygame.RESIZABLE
        window = pygame.display.set_mode(size, flags)
    except pygame.error as exc:
        raise DisplayUnavailable(f"No display found: {exc}") from exc
    pygame.display.set_caption(title)
    pygame.font.init()
    # Keys typed are reported as KeyPress.text; no key repeat (a held key is one press).
    pygame.key.set_repeat()
    return window


class ComposePlan(NamedTuple):
    """How one frame goes into the window: ``content`` None = 1:1 at the origin."""

    content: pygame.Rect | None
    bars: tuple[pygame.Rect, ...]
    smooth: bool


def compose_plan(viewport: Viewport, smooth_scale: bool) -> ComposePlan:
    """Where the logical surface goes in the window, read from ``viewport`` now (on the main
    thread: the input code may resize the viewport while a worker composes)."""
    if viewport.is_identity:
        return ComposePlan(None, (), False)
    c = viewport.content
    # Whole-number scales (2560x1600) look the same either way: take the fast one.
    whole = viewport.scale_x == viewport.scale_y == int(viewport.scale_x)
    bars = tuple(pygame.Rect(b.x, b.y, b.w, b.h) for b in viewport.bars())
    return ComposePlan(pygame.Rect(c.x, c.y, c.w, c.h), bars, smooth_scale and not whole)


class Compositor:
    """Copies the logical surface into the window surface by a :class:`ComposePlan`, keeping
    the scaled image between frames (made again only when its size changes)."""

    def __init__(self) -> None:
        self._scaled: pygame.Surface | None = None

    def forget(self) -> None:
        """Drop the scaled image (the window changed)."""
        self._scaled = None

    def compose(self, screen: pygame.Surface, window: pygame.Surface,
                plan: ComposePlan) -> None:
        """Put ``screen`` into ``window`` (scaled and letterboxed as ``plan`` says)."""
        c = plan.content
        if c is None:
            window.blit(screen, (0, 0))
            return
        if self._scaled is None or self._scaled.get_size() != (c.w, c.h):
            self._scaled = pygame.Surface((c.w, c.h)).convert()
        if plan.smooth:
            pygame.transform.smoothscale(screen, (c.w, c.h), self._scaled)
        else:
            pygame.transform.scale(screen, (c.w, c.h), self._scaled)
        window.blit(self._scaled, (c.x, c.y))
        for bar in plan.bars:
            window.fill(BAR_COLOUR, bar)
