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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygame

from engine.pointer import PointerSample

LOGICAL_SIZE = (1280, 800)
MIN_BUTTON_PX = 96  # smallest tile a 3-year-old's finger hits reliably (logical px)

Color = tuple[int, int, int]
DrawIcon = Callable[[pygame.Surface, pygame.Rect], None]

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour blindness. Names are what the colours look like, so code reads naturally.
ORANGE: Color = (230, 159, 0)
SKY_BLUE: Color = (86, 180, 233)
GREEN: Color = (0, 158, 115)  # "bluish green"
YELLOW: Color = (240, 228, 66)
BLUE: Color = (0, 114, 178)
VERMILLION: Color = (213, 94, 0)
PURPLE: Color = (204, 121, 167)  # "reddish purple"
BLACK: Color = (0, 0, 0)

# Neutral colours for backgrounds and text (not part of Okabe-Ito, chosen for contrast).
CREAM: Color = (253, 246, 227)
WHITE: Color = (255, 255, 255)
INK: Color = (40, 40, 48)
GREY: Color = (150, 150, 160)
LIGHT_GREY: Color = (222, 220, 214)

PALETTE: tuple[Color, ...] = (ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE)


def darker(color: Color, factor: float = 0.8) -> Color:
    """``color`` scaled towards black (press feedback, shadows)."""
    r, g, b = color
    return (int(r * factor), int(g * factor), int(b * factor))


def lighter(color: Color, amount: float = 0.5) -> Color:
    """``color`` mixed with white by ``amount`` (0 = unchanged, 1 = white)."""
    r, g, b = color
    return (
        int(r + (255 - r) * amount),
        int(g + (255 - g) * amount),
        int(b + (255 - b) * amount),
    )


def _maybe_convert(surface: pygame.Surface) -> pygame.Surface:
    """``convert_alpha()`` when a display mode exists (it needs one), else the surface as is."""
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        return surface.convert_alpha()
    return surface


# ---------------------------------------------------------------------------------------------
# Layout helpers


def mirror_rect(rect: pygame.Rect, screen_width: int = LOGICAL_SIZE[0]) -> pygame.Rect:
    """``rect`` mirrored around the vertical centre line of a screen ``screen_width`` wide."""
    return pygame.Rect(screen_width - rect.x - rect.w, rect.y, rect.w, rect.h)


def mirror_x(x: float, screen_width: int = LOGICAL_SIZE[0]) -> float:
    """An x coordinate mirrored around the screen's vertical centre line."""
    return screen_width - x


def place(
    rect: pygame.Rect, left_handed: bool, screen_width: int = LOGICAL_SIZE[0]
) -> pygame.Rect:
    """A right-handed layout's ``rect``, mirrored when the child is left-handed."""
    return mirror_rect(rect, screen_width) if left_handed else pygame.Rect(rect)


def grid_layout(
    count: int,
    tile: tuple[int, int],
    gap: int,
    area: pygame.Rect,
    max_columns: int | None = None,
) -> list[pygame.Rect]:
    """``count`` tiles of size ``tile``, in rows centred in ``area``, left to right.

    Columns are as many as fit (or ``max_columns``); the last row is centred too, so a lone
    tile sits in the middle rather than in a corner.
    """
    if count <= 0:
        return []
    tw, th = tile
    fit = max(1, (area.w + gap) // (tw + gap))
    columns = min(count, fit if max_columns is None else min(fit, max_columns))
    rows = math.ceil(count / columns)
    total_h = rows * th + (rows - 1) * gap
    top = area.y + (area.h - total_h) // 2
    rects: list[pygame.Rect] = []
    for row in range(rows):
        in_row = min(columns, count - row * columns)
        row_w = in_row * tw + (in_row - 1) * gap
        left = area.x + (area.w - row_w) // 2
        for col in range(in_row):
            rects.append(pygame.Rect(left + col * (tw + gap), top + row * (th + gap), tw, th))
    return rects


# ---------------------------------------------------------------------------------------------
# Text


_FONTS: dict[int, pygame.font.Font] = {}
_TEXT_CACHE: dict[tuple[str, int, Color], pygame.Surface] = {}
_TEXT_CACHE_LIMIT = 512  # a launcher shows a few dozen strings; the cap only guards leaks


def font(size: int) -> pygame.font.Font:
    """pygame's default font at ``size`` px, created once per size."""
    cached = _FONTS.get(size)
    if cached is not None:
        try:
            cached.get_height()
            return cached
        except pygame.error:  # pygame.quit() killed every font made before it
            _FONTS.clear()
    if not pygame.font.get_init():
        pygame.font.init()
    cached = pygame.font.Font(None, size)
    _FONTS[size] = cached
    return cached


def text_surface(text: str, size: int, color: Color = INK) -> pygame.Surface:
    """``text`` rendered antialiased at ``size`` px in ``color``; rendered once and cached."""
    key = (text, size, color)
    surf = _TEXT_CACHE.get(key)
    if surf is None:
        if len(_TEXT_CACHE) >= _TEXT_CACHE_LIMIT:
            _TEXT_CACHE.clear()
        surf = _maybe_convert(font(size).render(text, True, color))
        _TEXT_CACHE[key] = surf
    return surf


def draw_text(
    surface: pygame.Surface,
    text: str,
    size: int,
    color: Color = INK,
    *,
    center: tuple[float, float] | None = None,
    topleft: tuple[float, float] | None = None,
    midtop: tuple[float, float] | None = None,
) -> pygame.Rect:
    """Blit cached ``text`` at one anchor (``center`` by default) and return where it went."""
    surf = text_surface(text, size, color)
    rect = surf.get_rect()
    if topleft is not None:
        rect.topleft = (round(topleft[0]), round(topleft[1]))
    elif midtop is not None:
        rect.midtop = (round(midtop[0]), round(midtop[1]))
    elif center is not None:
        rect.center = (round(center[0]), round(center[1]))
    surface.blit(surf, rect)
    return rect


def fit_text(text: str, size: int, max_width: int) -> str:
    """``text`` shortened with "..." so that it renders at most ``max_width`` px wide."""
    f = font(size)
    if f.size(text)[0] <= max_width:
        return text
    cut = len(text)
    while cut > 1 and f.size(text[:cut].rstrip() + "...")[0] > max_width:
        cut -= 1
    return text[:cut].rstrip() + "..."


_BACKDROPS: dict[tuple[int, int], pygame.Surface] = {}


def backdrop(size: tuple[int, int] = LOGICAL_SIZE) -> pygame.Surface:
    """The calm launcher background (cream sky, two soft hills), drawn once and cached."""
    surf = _BACKDROPS.get(size)
    if surf is None:
        w, h = size
        surf = pygame.Surface(size)
        surf.fill(CREAM)
        pygame.draw.ellipse(surf, lighter(GREEN, 0.75), (-w // 4, h * 5 // 6, w, h // 2))
        pygame.draw.ellipse(surf, lighter(GREEN, 0.6), (w // 3, h * 7 // 8, w, h // 2))
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            surf = surf.convert()
        _BACKDROPS[size] = surf
    return surf


_ROUNDED: dict[tuple[tuple[int, int], tuple[int, ...], int], pygame.Surface] = {}


def rounded_rect(size: tuple[int, int], color: Color, radius: int) -> pygame.Surface:
    """A filled rounded rectangle on a transparent surface, made once and converted.

    Blitting it gives the same pixels as ``pygame.draw.rect(..., border_radius=radius)`` at a
    third of the cost (24 against 74 us for a 220x260 tile): the launcher draws 16 a frame.
    """
    key = (size, tuple(color), radius)
    surf = _ROUNDED.get(key)
    if surf is None:
        surf = pygame.Surface(size, pygame.SRCALPHA)
        pygame.draw.rect(surf, color, surf.get_rect(), border_radius=radius)
        if pygame.display.get_init() and pygame.display.get_surface() is not None:
            surf = surf.convert_alpha()
        _ROUNDED[key] = surf
    return surf


def clear_caches() -> None:
    """Forget cached fonts and surfaces (after ``pygame.quit()``, whose fonts die with it)."""
    _FONTS.clear()
    _TEXT_CACHE.clear()
    _ICON_CACHE.clear()
    _BACKDROPS.clear()
    _ROUNDED.clear()


# ---------------------------------------------------------------------------------------------
# Gentle animation


def bounce(
    t: float, height: float = 8.0, period: float = 1.2, reduce_motion: bool = False
) -> float:
    """Upward offset in px (>= 0) of a soft bounce at time ``t`` seconds; 0 under reduce-motion.

    A half-sine hop: it eases out of and into rest, no sudden jumps.
    """
    if reduce_motion or height <= 0 or period <= 0:
        return 0.0
    phase = (t % period) / period
    return height * abs(math.sin(math.pi * phase))


def pulse(
    t: float, amount: float = 0.05, period: float = 1.6, reduce_motion: bool = False
) -> float:
    """Scale factor breathing between ``1 - amount`` and ``1 + amount``; 1.0 under reduce-motion."""
    if reduce_motion or period <= 0:
        return 1.0
    return 1.0 + amount * math.sin(2.0 * math.pi * t / period)


# ---------------------------------------------------------------------------------------------
# Icons (drawn once into a cached, converted surface)


_ICON_CACHE: dict[tuple[object, int, int], pygame.Surface] = {}


def icon_surface(draw_icon: DrawIcon, size: tuple[int, int], key: object = None) -> pygame.Surface:
    """``draw_icon`` drawn on a transparent surface of ``size``, drawn once and cached.

    ``key`` names the picture in the cache (default: the function itself). Pictures are pure
    functions of their size, so the cache never goes stale.
    """
    w, h = size
    cache_key = (key if key is not None else draw_icon, w, h)
    surf = _ICON_CACHE.get(cache_key)
    if surf is None:
        surf = pygame.Surface((max(1, w), max(1, h)), pygame.SRCALPHA)
        draw_icon(surf, surf.get_rect())
        surf = _maybe_convert(surf)
        _ICON_CACHE[cache_key] = surf
    return surf


def _pt(rect: pygame.Rect, u: float, v: float) -> tuple[int, int]:
    """Point at fractions (u, v) of ``rect``: pictures are drawn in unit coordinates."""
    return (round(rect.x + u * rect.w), round(rect.y + v * rect.h))


def _r(rect: pygame.Rect, u: float, v: float, w: float, h: float) -> pygame.Rect:
    """Sub-rect of ``rect`` given in unit coordinates."""
    return pygame.Rect(
        round(rect.x + u * rect.w), round(rect.y + v * rect.h), round(w * rect.w), round(h * rect.h)
    )


def _s(rect: pygame.Rect, f: float) -> int:
    """Length ``f`` of the rect's smaller side, at least 1 px."""
    return max(1, round(f * min(rect.w, rect.h)))


def _eyes(surface: pygame.Surface, rect: pygame.Rect, y: float = 0.45, dx: float = 0.15) -> None:
    for u in (0.5 - dx, 0.5 + dx):
        pygame.draw.circle(surface, WHITE, _pt(rect, u, y), _s(rect, 0.075))
        pygame.draw.circle(surface, INK, _pt(rect, u, y + 0.01), _s(rect, 0.045))
        pygame.draw.circle(surface, WHITE, _pt(rect, u + 0.015, y - 0.015), _s(rect, 0.015))


def _smile(
    surface: pygame.Surface, rect: pygame.Rect, y: float = 0.62, w: float = 0.2, h: float = 0.14
) -> None:
    arc = _r(rect, 0.5 - w / 2, y - h / 2 - 0.01, w, h)
    pygame.draw.arc(surface, INK, arc, math.pi * 1.1, math.pi * 1.9, _s(rect, 0.025))


def _cheeks(surface: pygame.Surface, rect: pygame.Rect, y: float = 0.6) -> None:
    for u in (0.3, 0.7):
        pygame.draw.circle(surface, lighter(VERMILLION, 0.45), _pt(rect, u, y), _s(rect, 0.05))


# ---------------------------------------------------------------------------------------------
# Small icons for launcher controls


def draw_plus(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A big friendly "+" (add a child)."""
    pygame.draw.circle(surface, GREEN, rect.center, _s(rect, 0.42))
    bar = _s(rect, 0.14)
    arm = _s(rect, 0.56)
    pygame.draw.rect(surface, WHITE, pygame.Rect(0, 0, arm, bar).move(
        rect.centerx - arm // 2, rect.centery - bar // 2), border_radius=bar // 2)
    pygame.draw.rect(surface, WHITE, pygame.Rect(0, 0, bar, arm).move(
        rect.centerx - bar // 2, rect.centery - arm // 2), border_radius=bar // 2)


def draw_back(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A house: "go back home" (the picture children know from every tablet)."""
    roof = [_pt(rect, 0.5, 0.12), _pt(rect, 0.9, 0.5), _pt(rect, 0.1, 0.5)]
    pygame.draw.rect(surface, SKY_BLUE, _r(rect, 0.2, 0.45, 0.6, 0.43))
    pygame.draw.polygon(surface, VERMILLION, roof)
    pygame.draw.rect(surface, ORANGE, _r(rect, 0.42, 0.6, 0.16, 0.28))


def draw_check(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A green tick in a circle ("done", "yes")."""
    pygame.draw.circle(surface, GREEN, rect.center, _s(rect, 0.42))
    pts = [_pt(rect, 0.28, 0.52), _pt(rect, 0.44, 0.68), _pt(rect, 0.73, 0.34)]
    pygame.draw.lines(surface, WHITE, False, pts, _s(rect, 0.1))


def draw_cross(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A grey X in a circle ("cancel"), grey rather than red: nothing here is an alarm."""
    pygame.draw.circle(surface, GREY, rect.center, _s(rect, 0.42))
    w = _s(rect, 0.1)
    pygame.draw.line(surface, WHITE, _pt(rect, 0.32, 0.32), _pt(rect, 0.68, 0.68), w)
    pygame.draw.line(surface, WHITE, _pt(rect, 0.68, 0.32), _pt(rect, 0.32, 0.68), w)


def draw_gear(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A gear: the grown-up button."""
    c = rect.center
    r_out = _s(rect, 0.42)
    r_in = _s(rect, 0.3)
    pts = []
    teeth = 8
    for i in range(teeth * 4):
        a = 2 * math.pi * i / (teeth * 4)
        r = r_out if (i % 4) in (1, 2) else r_in
        pts.append((c[0] + r * math.cos(a), c[1] + r * math.sin(a)))
    pygame.draw.polygon(surface, GREY, pts)
    pygame.draw.circle(surface, GREY, c, r_in)
    pygame.draw.circle(surface, WHITE, c, _s(rect, 0.13))


def draw_star(surface: pygame.Surface, rect: pygame.Rect, color: Color = YELLOW) -> None:
    """A five-pointed star (rewards)."""
    c = rect.center
    r_out = min(rect.w, rect.h) * 0.48
    r_in = r_out * 0.45
    pts = []
    for i in range(10):
        a = -math.pi / 2 + math.pi * i / 5
        r = r_out if i % 2 == 0 else r_in
        pts.append((c[0] + r * math.cos(a), c[1] + r * math.sin(a)))
    pygame.draw.polygon(surface, color, pts)
    pygame.draw.polygon(surface, darker(color, 0.75), pts, max(1, round(r_out * 0.06)))


def draw_sun(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A smiling sun (the reward screen and the "no activities yet" picture)."""
    c = rect.center
    r = min(rect.w, rect.h) * 0.28
    for i in range(12):
        a = 2 * math.pi * i / 12
        p0 = (c[0] + r * 1.25 * math.cos(a), c[1] + r * 1.25 * math.sin(a))
        p1 = (c[0] + r * 1.7 * math.cos(a), c[1] + r * 1.7 * math.sin(a))
        pygame.draw.line(surface, ORANGE, p0, p1, max(2, round(r * 0.14)))
    pygame.draw.circle(surface, YELLOW, c, round(r))
    face = pygame.Rect(0, 0, round(2 * r), round(2 * r))
    face.center = c
    _eyes(surface, face, 0.4, 0.18)
    _cheeks(surface, face, 0.62)
    _smile(surface, face, 0.6, 0.44, 0.36)


# ---------------------------------------------------------------------------------------------
# Controls


@dataclass
class PictureButton:
    """A big picture tile that fires ``on_press`` when a press starts and ends inside it.

    Only the pointer that pressed it counts (a palm resting elsewhere on a touch screen does
    not cancel or trigger it). While pressed and inside, it is drawn sunk and darker: the
    child sees it react at once. The picture is drawn once into a cached surface.
    """

    rect: pygame.Rect
    draw_icon: DrawIcon | None
    on_press: Callable[[], None]
    label: str | None = None
    color: Color = WHITE
    icon_key: object = None  # cache key of the picture; default: the draw function
    label_size: int = 36
    min_size: int = MIN_BUTTON_PX
    pressed: bool = field(default=False, init=False)
    _pointer: int | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rect = pygame.Rect(self.rect)
        if self.rect.w < self.min_size or self.rect.h < self.min_size:
            raise ValueError(
                f"a picture button must be at least {self.min_size}x{self.min_size} logical px,"
                f" got {self.rect.w}x{self.rect.h}"
            )

    def contains(self, x: float, y: float) -> bool:
        """Whether logical point (x, y) is on the button."""
        return self.rect.collidepoint(x, y)

    def handle_pointer(self, sample: PointerSample) -> bool:
        """Feed one pointer sample; True when it was a completed press (``on_press`` ran)."""
        inside = self.contains(sample.x, sample.y)
        if sample.phase == "down":
            if inside and self._pointer is None:
                self._pointer = sample.pointer_id
                self.pressed = True
            return False
        if sample.pointer_id != self._pointer:
            return False
        if sample.phase == "move":
            self.pressed = inside
            return False
        # "up": the press completes only if the finger is lifted on the button.
        self._pointer = None
        self.pressed = False
        if inside:
            self.on_press()
            return True
        return False

    def reset(self) -> None:
        """Forget a press in progress (the screen changed under the finger)."""
        self._pointer = None
        self.pressed = False

    def icon_rect(self) -> pygame.Rect:
        """Where the picture goes inside the tile (above the label when there is one)."""
        pad = max(6, self.rect.w // 12)
        inner = self.rect.inflate(-2 * pad, -2 * pad)
        if self.label:
            inner.h -= self.label_size + 4
        side = min(inner.w, inner.h)
        icon = pygame.Rect(0, 0, side, side)
        icon.midtop = (inner.centerx, inner.y)
        if not self.label:
            icon.center = inner.center
        return icon

    def draw(self, surface: pygame.Surface, lift: float = 0.0) -> None:
        """Draw the tile; ``lift`` raises it by that many px (a gentle bounce)."""
        sink = 4 if self.pressed else 0
        rect = self.rect.move(0, sink - round(lift))
        radius = max(8, min(rect.w, rect.h) // 6)
        if not self.pressed:
            shadow = rounded_rect(self.rect.size, darker(LIGHT_GREY, 0.8), radius)
            surface.blit(shadow, self.rect.move(0, 5))
        fill = darker(self.color, 0.85) if self.pressed else self.color
        surface.blit(rounded_rect(rect.size, fill, radius), rect)
        if self.draw_icon is not None:
            icon = self.icon_rect()
            pic = icon_surface(self.draw_icon, icon.size, self.icon_key)
            surface.blit(pic, icon.move(0, sink - round(lift)))
        if self.label and self.draw_icon is None:
            draw_text(surface, self.label, self.label_size, INK, center=rect.center)
        elif self.label:
            draw_text(surface, self.label, self.label_size, INK,
                      center=(rect.centerx, rect.bottom - max(6, rect.w // 12)
                              - self.label_size // 2 + 2))


def draw_ring(
    surface: pygame.Surface,
    center: tuple[float, float],
    radius: float,
    fraction: float,
    color: Color = GREEN,
    track: Color | None = LIGHT_GREY,
    width: int = 10,
) -> None:
    """A progress ring: a full ``track`` circle and an arc of ``fraction`` (0..1) from 12 o'clock.

    Drawn as a filled polygon strip: ``pygame.draw.arc`` leaves moiré holes at thick widths.
    """
    cx, cy = center
    if track is not None:
        pygame.draw.circle(surface, track, (round(cx), round(cy)), round(radius), width)
    fraction = min(1.0, max(0.0, fraction))
    if fraction <= 0.0:
        return
    steps = max(2, int(72 * fraction))
    outer, inner = radius, max(0.0, radius - width)
    pts_out = []
    pts_in = []
    for i in range(steps + 1):
        a = -math.pi / 2 + 2 * math.pi * fraction * i / steps
        ca, sa = math.cos(a), math.sin(a)
        pts_out.append((cx + outer * ca, cy + outer * sa))
        pts_in.append((cx + inner * ca, cy + inner * sa))
    pygame.draw.polygon(surface, color, pts_out + pts_in[::-1])


@dataclass
class HoldButton:
    """A press-and-hold control: fires ``on_activate`` once after ``seconds`` of holding.

    Time comes from the pointer samples' own stamps and the app clock (:meth:`tick`), not from
    counting frames, so a hold of exactly ``seconds`` passes however the frames fall; lifting
    the finger or sliding off starts over. This is the grown-up gate: a child taps, a grown-up
    holds.
    """

    rect: pygame.Rect
    on_activate: Callable[[], None]
    seconds: float = 3.0
    draw_icon: DrawIcon | None = draw_gear
    color: Color | None = WHITE
    progress: float = field(default=0.0, init=False)
    _pointer: int | None = field(default=None, init=False, repr=False)
    _t0: int = field(default=0, init=False, repr=False)
    _fired: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.rect = pygame.Rect(self.rect)

    @property
    def holding(self) -> bool:
        """Whether a pointer is holding the button now."""
        return self._pointer is not None

    def _check(self, now_ns: int) -> bool:
        held = (now_ns - self._t0) / 1e9
        self.progress = min(1.0, held / self.seconds) if self.seconds > 0 else 1.0
        if not self._fired and held >= self.seconds:
            self._fired = True
            self.on_activate()
            return True
        return False

    def handle_pointer(self, sample: PointerSample) -> bool:
        """Feed one pointer sample; True if it completed the hold (``on_activate`` ran)."""
        inside = self.rect.collidepoint(sample.x, sample.y)
        if sample.phase == "down":
            if inside and self._pointer is None:
                self._pointer = sample.pointer_id
                self._t0 = sample.t_ns
                self._fired = False
                self.progress = 0.0
            return False
        if sample.pointer_id != self._pointer:
            return False
        if sample.phase == "up" or not inside:
            # A hold that reached its time before this sample counts even if no tick saw it.
            fired = inside and self._check(sample.t_ns)
            self.reset()
            return fired
        return self._check(sample.t_ns)

    def tick(self, now_ns: int) -> bool:
        """Update progress from the clock; True on the call that activates."""
        if self._pointer is None:
            return False
        return self._check(now_ns)

    def reset(self) -> None:
        """Drop the hold; progress starts over."""
        self._pointer = None
        self._fired = False
        self.progress = 0.0

    def draw(self, surface: pygame.Surface) -> None:
        """The button, and the filling ring while it is held."""
        radius = max(8, min(self.rect.w, self.rect.h) // 4)
        if self.color is not None:
            pygame.draw.rect(surface, self.color, self.rect, border_radius=radius)
        if self.draw_icon is not None:
            side = min(self.rect.w, self.rect.h) * 4 // 5
            icon = pygame.Rect(0, 0, side, side)
            icon.center = self.rect.center
            surface.blit(icon_surface(self.draw_icon, icon.size), icon)
        if self.holding:
            ring_r = max(self.rect.w, self.rect.h) * 0.5 + 16
            draw_ring(surface, self.rect.center, ring_r, self.progress, GREEN, LIGHT_GREY, 12)


def layout_buttons(buttons: Sequence[PictureButton], left_handed: bool) -> None:
    """Mirror every button's rect in place for a left-handed child."""
    if left_handed:
        for b in buttons:
            b.rect = mirror_rect(b.rect)
