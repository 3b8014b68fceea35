"""The child picker ("Who is playing?") and the activity picker (the games)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from engine import ui
from games.launcher.avatars import avatar, tile_for_avatar
from games.launcher.base import _H, _W, GATE_SECONDS, LauncherScene, gate_rect
from games.registry import Activity
from telemetry.avatars import is_avatar
from telemetry.children import Child
from telemetry.errors import UsageError

if TYPE_CHECKING:
    from games.launcher.session import Launcher

# Tile sizes of "Who is playing?", biggest first: the biggest that shows every child on one
# page (a child finds their picture without turning pages); past the last, pages of it.
PICKER_GRIDS = (  # (tile width, height), gap, children it holds (columns x rows in the area)
    ((200, 240), 40, 10),  # 5 x 2
    ((136, 170), 12, 24),  # 8 x 3: the picture is about 100 px, still big for a finger
)
CHILDREN_PER_PAGE = PICKER_GRIDS[-1][2]
PICKER_AREA = pygame.Rect(40, 110, _W - 80, 540)


def picker_grid(count: int) -> tuple[tuple[int, int], int]:
    """The tile size and gap of "Who is playing?" for ``count`` children."""
    for tile, gap, holds in PICKER_GRIDS:
        if count <= holds:
            return tile, gap
    return PICKER_GRIDS[-1][0], PICKER_GRIDS[-1][1]


UNKNOWN_PICTURE_PREFIX = "Unknown picture for "


def unknown_pictures_message(children: list[Child]) -> str | None:
    """What to tell a grown-up about children whose picture finemotor does not have (their
    tile shows a neutral child), or None."""
    odd = [c for c in children if not is_avatar(c.avatar)]
    if not odd:
        return None
    names = ", ".join(f"{c.nickname} ({c.avatar or 'none'})" for c in odd[:3])
    more = f" and {len(odd) - 3} more" if len(odd) > 3 else ""
    return (f"{UNKNOWN_PICTURE_PREFIX}{names}{more}: choose one on the child's page "
            "(grown-ups, Children)")


class ChildPickerScene(LauncherScene):
    """Who is playing? One avatar tile per child; the gear (hold 3 s) for grown-ups."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.children: list[Child] = []
        self.page = 0
        self.gate: ui.HoldButton | None = None
        self.add_button: ui.HoldButton | None = None
        self.tiles: list[ui.PictureButton] = []

    def refresh(self) -> None:
        """Re-read the roster and lay the screen out again (after settings or add child)."""
        try:
            self.children = self.launcher.roster.list()
        except UsageError as exc:
            self.children = []
            self.launcher.message = str(exc)
        message = self.launcher.message
        if message is None or message.startswith(UNKNOWN_PICTURE_PREFIX):  # ours: up to date
            self.launcher.message = unknown_pictures_message(self.children)
        pages = max(1, -(-len(self.children) // CHILDREN_PER_PAGE))
        self.page = min(self.page, pages - 1)
        self._layout()

    def _layout(self) -> None:
        left = bool(self.app.settings.left_handed)
        self.gate = ui.HoldButton(gate_rect(left), self.launcher.open_grown_up, GATE_SECONDS,
                                  draw_icon=ui.draw_gear, color=None)
        self.holds = [self.gate]
        self.buttons = []
        self.tiles = []
        self.add_button = None
        if not self.children:
            rect = pygame.Rect(0, 0, 260, 260)
            rect.center = (_W // 2, _H // 2 - 20)
            self.add_button = ui.HoldButton(rect, self.launcher.open_add_child, GATE_SECONDS,
                                            draw_icon=ui.draw_plus, color=ui.WHITE)
            self.holds.append(self.add_button)
            return
        first = self.page * CHILDREN_PER_PAGE
        shown = self.children[first:first + CHILDREN_PER_PAGE]
        tile_size, gap = picker_grid(len(self.children))
        label_size = 36 if tile_size[0] >= 200 else 30
        for child, rect in zip(shown, ui.grid_layout(len(shown), tile_size, gap, PICKER_AREA),
                               strict=True):
            label = ui.fit_text(child.nickname, label_size, tile_size[0] - 16)
            tile = tile_for_avatar(rect, child.avatar, self._picker(child), label=label)
            tile.label_size = label_size
            self.tiles.append(tile)
        self.buttons.extend(self.tiles)
        pages = -(-len(self.children) // CHILDREN_PER_PAGE)
        if pages > 1:
            if self.page > 0:
                self.buttons.append(ui.PictureButton(pygame.Rect(40, 680, 110, 110),
                                                     draw_arrow_left, self._turn(-1)))
            if self.page < pages - 1:
                self.buttons.append(ui.PictureButton(pygame.Rect(_W - 150, 680, 110, 110),
                                                     draw_arrow_right, self._turn(1)))

    def _picker(self, child: Child) -> Callable[[], None]:
        def pick() -> None:
            self.app.sound.play("tap")
            self.launcher.pick_child(child)
        return pick

    def _turn(self, delta: int) -> Callable[[], None]:
        def turn() -> None:
            self.page += delta
            self._layout()
        return turn

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.add_button is not None:
            lift = ui.bounce(self.t, 6.0, 1.6, self.reduce_motion)
            self.add_button.rect.centery = _H // 2 - 20 - round(lift)

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(ui.backdrop(), (0, 0))
        if self.add_button is not None:
            self.add_button.draw(surface)
            ui.draw_text(surface, "Grown-ups: hold the + to add a child", 40, ui.INK,
                         center=(_W // 2, _H // 2 + 170))
        else:
            ui.draw_text(surface, "Who is playing?", 56, ui.INK, center=(_W // 2, 62))
            for tile in self.buttons:
                tile.draw(surface)
        if self.launcher.message:
            ui.draw_text(surface, ui.fit_text(self.launcher.message, 28, _W - 200), 28,
                         ui.VERMILLION, center=(_W // 2, _H - 24))
        assert self.gate is not None
        self.gate.draw(surface)


def draw_arrow_right(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A "next page" arrow on a sky-blue disc."""
    c = rect.center
    s = min(rect.w, rect.h)
    pygame.draw.circle(surface, ui.SKY_BLUE, c, s * 42 // 100)
    pts = [(c[0] - s * 0.15, c[1] - s * 0.22), (c[0] + s * 0.22, c[1]),
           (c[0] - s * 0.15, c[1] + s * 0.22)]
    pygame.draw.polygon(surface, ui.WHITE, pts)


def draw_arrow_left(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A "previous page" arrow on a sky-blue disc."""
    c = rect.center
    s = min(rect.w, rect.h)
    pygame.draw.circle(surface, ui.SKY_BLUE, c, s * 42 // 100)
    pts = [(c[0] + s * 0.15, c[1] - s * 0.22), (c[0] - s * 0.22, c[1]),
           (c[0] + s * 0.15, c[1] + s * 0.22)]
    pygame.draw.polygon(surface, ui.WHITE, pts)


class ActivityPickerScene(LauncherScene):
    """Pick a game: one big picture tile per activity; the house goes back to the children."""

    TILE = (320, 340)

    def __init__(self, launcher: Launcher, child: Child) -> None:
        super().__init__(launcher)
        self.child = child
        self.tiles: list[ui.PictureButton] = []
        self.back: ui.HoldButton | None = None
        self.gate: ui.HoldButton | None = None

    def resume(self) -> None:
        super().resume()
        if self.launcher.time_up():
            self.launcher.finish_with_reward()

    def exit(self) -> None:
        self.launcher.end_session()

    def _layout(self) -> None:
        left = bool(self.app.settings.left_handed)
        # Ending the child's session is a grown-up's act: the house is held 3 s, as in a game.
        self.back = ui.HoldButton(ui.place(pygame.Rect(20, 20, 112, 112), left), self._go_back,
                                  GATE_SECONDS, draw_icon=ui.draw_back, color=ui.WHITE)
        self.gate = ui.HoldButton(gate_rect(left), self.launcher.open_grown_up, GATE_SECONDS,
                                  draw_icon=ui.draw_gear, color=None)
        self.holds = [self.gate, self.back]
        area = pygame.Rect(40, 160, _W - 80, 600)
        acts = self.launcher.offered_activities(self.child.child_id)
        self.tiles = [
            ui.PictureButton(rect, act.draw_icon, self._starter(act), label=act.title,
                             color=ui.WHITE, icon_key=("activity", act.id), label_size=44)
            for act, rect in zip(acts, ui.grid_layout(len(acts), self.TILE, 48, area),
                                 strict=True)
        ]
        self.buttons = list(self.tiles)

    def _go_back(self) -> None:
        self.app.sound.play("tap")
        self.launcher.back_to_picker()

    def _starter(self, activity: Activity) -> Callable[[], None]:
        def start() -> None:
            self.app.sound.play("tap")
            self.launcher.launch(activity)
        return start

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.launcher.time_up() and self.app.stack.top is self:
            self.launcher.finish_with_reward()

    def draw(self, surface: pygame.Surface) -> None:
        surface.blit(ui.backdrop(), (0, 0))
        av = avatar(self.child.avatar)
        me = pygame.Rect(0, 0, 96, 96)
        me.center = (_W // 2 - 120, 76)
        pygame.draw.circle(surface, av.color, me.center, 56)
        surface.blit(ui.icon_surface(av.draw, me.size, ("avatar", av.id)), me)
        ui.draw_text(surface, ui.fit_text(self.child.nickname, 56, 420), 56, ui.INK,
                     topleft=(me.right + 30, me.centery - 20))
        assert self.back is not None and self.gate is not None
        self.back.draw(surface)
        if not self.tiles:
            sun = pygame.Rect(0, 0, 300, 300)
            sun.center = (_W // 2, _H // 2 + 10)
            sun.y -= round(ui.bounce(self.t, 8.0, 2.0, self.reduce_motion))
            surface.blit(ui.icon_surface(ui.draw_sun, sun.size), sun)
            ui.draw_text(surface, "No games here yet", 48, ui.INK,
                         center=(_W // 2, _H // 2 + 200))
        for tile in self.tiles:
            tile.draw(surface)
        self.gate.draw(surface)
