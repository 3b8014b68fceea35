"""The grown-ups' picture chooser: every child's picture in one grid, who has which shown.

Opened from "add a child" and from a child's page. A picture another child already has is
dimmed, with that child's nickname under it: it can still be chosen (a big clinic can have
more children than pictures), but the grown-up sees that two children would look alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.launcher.avatars import AVATAR_IDS, tile_for_avatar
from games.launcher.base import _W, LauncherScene, is_escape

if TYPE_CHECKING:
    from games.launcher.session import Launcher

CHOOSER_TILE = 120
CHOOSER_COLUMNS = 8
TAKEN_WASH = (253, 246, 227, 150)  # cream over a picture another child has


class PictureChooserScene(LauncherScene):
    """Pick a picture: a tap chooses it (``on_choose(name)``) and closes the chooser.

    ``current``: the picture chosen so far (ringed); ``taken``: picture -> nicknames of the
    other children who have it (dimmed, their names under them).
    """

    def __init__(self, launcher: Launcher, current: str, taken: dict[str, list[str]],
                 on_choose: Callable[[str], None]) -> None:
        super().__init__(launcher)
        self.current = current
        self.taken = taken
        self.on_choose = on_choose
        self.tiles: dict[str, ui.PictureButton] = {}
        self.back: ui.PictureButton | None = None
        self._wash: pygame.Surface | None = None

    def _layout(self) -> None:
        area = pygame.Rect(40, 84, _W - 80, 4 * (CHOOSER_TILE + 34))
        rects = ui.grid_layout(len(AVATAR_IDS), (CHOOSER_TILE, CHOOSER_TILE), 34, area,
                               max_columns=CHOOSER_COLUMNS)
        self.tiles = {name: tile_for_avatar(rect, name, self._chooser(name))
                      for name, rect in zip(AVATAR_IDS, rects, strict=True)}
        self.back = ui.PictureButton(pygame.Rect(40, 690, 100, 100), ui.draw_cross, self._back)
        self.buttons = [*self.tiles.values(), self.back]

    def _chooser(self, name: str) -> Callable[[], None]:
        def choose() -> None:
            self.app.sound.play("tap")
            self.on_choose(name)  # first: the screen below lays out again as it shows
            self.app.stack.pop()
        return choose

    def _back(self) -> None:
        self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        if is_escape(key):
            self._back()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Pick a picture the child will know as theirs", 40, ui.INK,
                     center=(_W // 2, 40))
        if self._wash is None:
            self._wash = pygame.Surface((CHOOSER_TILE, CHOOSER_TILE), pygame.SRCALPHA)
            self._wash.fill(TAKEN_WASH)
        for name, tile in self.tiles.items():
            if name == self.current:
                pygame.draw.rect(surface, ui.BLUE, tile.rect.inflate(16, 16), 6,
                                 border_radius=24)
            tile.draw(surface)
            owners = self.taken.get(name)
            if owners:
                surface.blit(self._wash, tile.rect)
                shown = owners[0] if len(owners) == 1 else f"{owners[0]} +{len(owners) - 1}"
                ui.draw_text(surface, ui.fit_text(shown, 24, CHOOSER_TILE + 30), 24, ui.INK,
                             midtop=(tile.rect.centerx, tile.rect.bottom + 6))
        ui.draw_text(surface, "Dimmed: another child has it", 28, ui.GREY,
                     center=(_W // 2, 740))
        assert self.back is not None
        self.back.draw(surface)
