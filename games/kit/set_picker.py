"""A picker any activity fills with its own tiles: "what shall we play?" without reading.

:class:`SetPickerScene` shows big picture tiles in a grid (2 x 2 by default), a mascot bouncing
gently at the top ("this is the X game") and the house in the top corner that goes back to the
game picker, as the launcher's house does. The house is the only corner control and it moves to
the other corner for a left-handed child (``settings.left_handed``); the tile grid is symmetric,
so mirroring leaves it in place and the tiles keep their reading order.

An activity gives a list of :class:`Tile` (a key, a colour and a picture drawer) and a start
callback ``start(key) -> Scene``: tapping a tile pushes the scene the callback returns. When
that scene ends, the child is back on the picker (the activity's callback is asked again for the
next tile tapped, so it can read the child's progress afresh).

The picker never imports the launcher. Inside the launcher every screen of an activity sits in
a host that ends a timed home session; a host that can hold a nested scene has a ``nest(scene)
-> Scene`` method (:class:`Host`). When the picker sits in such a host, the started scene is
pushed inside ``host.nest(scene)``, so a home session also ends on time in the middle of a game.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pygame

from engine import ui
from engine.scene import Scene
from engine.screens import SETTLE_S as SETTLE_S  # re-exported: players wait it out
from engine.screens import ButtonScreen

Drawer = Callable[[pygame.Surface, pygame.Rect], None]

W, H = ui.LOGICAL_SIZE
TILE = (540, 260)  # wide tiles: a picture of three things side by side, each as tall as a hand
TILE_GAP = 40
TILE_AREA = pygame.Rect(40, 150, W - 80, 620)
HOUSE = pygame.Rect(20, 20, 112, 112)  # the launcher's game-picker house, same place and size
MASCOT_PX = 120  # the activity's mascot at the top: "this is the X game"


@dataclass(frozen=True)
class Tile:
    """One tile of a picker: its key (passed to the start callback), its colour (a light tint:
    the pictures, not the colours, tell the tiles apart) and its picture (drawn once, cached
    under the key)."""

    key: str
    color: ui.Color
    draw_picture: Drawer


@runtime_checkable
class Host(Protocol):
    """A launcher host that holds ``scene`` and can hold a scene it starts (see the module
    docstring)."""

    scene: Scene

    def nest(self, scene: Scene) -> Scene:
        """``scene`` inside a host of its own."""


def tile_rects(n: int = 4, size: tuple[int, int] = TILE, gap: int = TILE_GAP,
               max_columns: int = 2) -> list[pygame.Rect]:
    """``n`` tiles' rects in order, centred in the tile area. The same for either hand: the
    grid is symmetric about the screen's centre line, so mirroring it changes nothing."""
    return ui.grid_layout(n, size, gap, TILE_AREA, max_columns=max_columns)


def house_rect(left_handed: bool = False) -> pygame.Rect:
    """The house: top left, top right for a left-handed child (as on the game picker)."""
    return ui.place(HOUSE, left_handed)


class SetPickerScene(ButtonScreen):
    """Pick a tile: big picture tiles, a mascot and the house (see the module docstring).

    A :class:`~engine.screens.ButtonScreen`: the settle guard (a double tap that opened the
    activity or finished a game starts no tile), F11 and releasing every press when a game
    covers the picker come from there; no other key does anything (a child reaches them).
    """

    def __init__(self, tiles: Sequence[Tile], start: Callable[[str], Scene], *,
                 mascot: Drawer | None = None, cache_key: str = "set-picker",
                 tile_size: tuple[int, int] = TILE, max_columns: int = 2) -> None:
        super().__init__()
        self.tile_specs = list(tiles)
        self._start = start
        self.mascot = mascot
        self.cache_key = cache_key
        self.tile_size = tile_size
        self.max_columns = max_columns
        self.tiles: dict[str, ui.PictureButton] = {}
        self.back: ui.PictureButton | None = None
        self.started: Scene | None = None  # the last scene started from here
        self.t = 0.0

    @property
    def left_handed(self) -> bool:
        """Whether the layout is mirrored for a left hand."""
        return bool(getattr(self.app.settings, "left_handed", False))

    def refresh(self) -> None:
        """The house and one tile per activity tile; ``buttons`` holds every control, the
        house first."""
        self.back = ui.PictureButton(house_rect(self.left_handed), ui.draw_back, self._go_back,
                                     color=ui.WHITE)
        rects = tile_rects(len(self.tile_specs), self.tile_size, TILE_GAP, self.max_columns)
        self.tiles = {
            tile.key: ui.PictureButton(rect, None, self._starter(tile.key), color=tile.color)
            for tile, rect in zip(self.tile_specs, rects, strict=True)
        }
        self.buttons = [self.back, *self.tiles.values()]

    # -- actions --------------------------------------------------------------------------------

    def _starter(self, key: str) -> Callable[[], None]:
        def start() -> None:
            self.app.sound.play("tap")
            self.start(key)
        return start

    def _go_back(self) -> None:
        self.app.sound.play("tap")
        self.leave()

    def leave(self) -> None:
        """Back to the game picker (in the launcher this pops the activity's host)."""
        if self.app is not None and self.app.stack.top is not None:
            self.app.stack.pop()

    def start(self, key: str) -> Scene:
        """Push the scene the activity's start callback makes for ``key``; returns it."""
        scene = self._start(key)
        self.started = scene
        self.app.stack.push(self.hosted(scene))
        return scene

    def hosted(self, scene: Scene) -> Scene:
        """``scene`` nested in the launcher's host when this screen sits in one (so the home
        session timer keeps running during the game), else ``scene`` itself."""
        top = self.app.stack.top
        if top is not self and isinstance(top, Host) and top.scene is self:
            return top.nest(scene)
        return scene

    def update(self, dt: float) -> None:
        """Only the mascot's gentle bounce moves."""
        super().update(dt)
        self.t += dt

    # -- drawing --------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Backdrop, the bouncing mascot, the house and the tiles with their pictures."""
        surface.blit(ui.backdrop(), (0, 0))
        if self.mascot is not None:
            reduce = bool(getattr(self.app.settings, "reduce_motion", False))
            rect = pygame.Rect(0, 0, MASCOT_PX, MASCOT_PX)
            rect.center = (W // 2, 82 - round(ui.bounce(self.t, 6.0, 1.6, reduce)))
            surface.blit(ui.icon_surface(self.mascot, rect.size, (self.cache_key, "mascot")),
                         rect)
        if self.back is not None:
            self.back.draw(surface)
        for spec in self.tile_specs:
            tile = self.tiles.get(spec.key)
            if tile is None:
                continue
            tile.draw(surface)
            # the picture sinks with the tile while it is pressed (PictureButton's feedback)
            rect = tile.rect.inflate(-24, -24).move(0, 4 if tile.pressed else 0)
            pic = ui.icon_surface(spec.draw_picture, rect.size, (self.cache_key, spec.key))
            surface.blit(pic, rect)
