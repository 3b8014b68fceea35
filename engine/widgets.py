"""The controls: :class:`PictureButton` (a big picture tile that fires on a press that starts
and ends inside it), :class:`HoldButton` and :func:`draw_ring` (the grown-ups' 3 s
press-and-hold), :func:`layout_buttons`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygame

from engine.icons import (
    draw_gear,
    icon_surface,
)
from engine.layout import (
    mirror_rect,
)
from engine.palette import (
    GREEN,
    INK,
    LIGHT_GREY,
    MIN_BUTTON_PX,
    WHITE,
    Color,
    DrawIcon,
    darker,
)
from engine.pointer import PointerSample
from engine.text import (
    draw_text,
    rounded_rect,
)


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
