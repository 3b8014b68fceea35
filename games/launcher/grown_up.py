"""The grown-up screens: settings (behind the hold gate) and "add a child" with its keyboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.kit.pictures import CREDIT
from games.launcher.avatars import AVATAR_IDS, DEFAULT_AVATAR, tile_for_avatar
from games.launcher.base import _W, LauncherScene, is_escape
from telemetry.errors import UsageError

if TYPE_CHECKING:
    from games.launcher.session import Launcher

MINUTE_CHOICES = (1, 2, 3, 5, 10, 15, 20, 25, 30, 45, 60)


class GrownUpScene(LauncherScene):
    """Grown-up settings: toggles, session length, mode, add a child, close the app."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.controls: dict[str, ui.PictureButton] = {}

    def _layout(self) -> None:
        s = self.app.settings
        lx, rx, w, h = 80, 680, 520, 96
        toggles = [
            ("sound_on", "Sound"),
            ("left_handed", "Left-handed"),
            ("reduce_motion", "Reduce motion"),
            ("strict", "Strict tracing"),
        ]
        self.controls = {}
        for i, (name, title) in enumerate(toggles):
            on = bool(getattr(s, name))
            self.controls[name] = ui.PictureButton(
                pygame.Rect(lx, 140 + i * 116, w, h), None, self._toggler(name),
                label=f"{title}: {'on' if on else 'off'}",
                color=ui.lighter(ui.GREEN, 0.55) if on else ui.LIGHT_GREY, label_size=44)
        clinic = self.launcher.mode == "clinic"
        self.controls["mode"] = ui.PictureButton(
            pygame.Rect(rx, 140, w, h), None, self._toggle_mode,
            label=f"Mode: {'clinic' if clinic else 'home'}",
            color=ui.lighter(ui.SKY_BLUE, 0.5), label_size=44)
        self.controls["minutes_down"] = ui.PictureButton(
            pygame.Rect(rx, 256, 96, 96), None, self._minutes(-1), label="-", label_size=64)
        self.controls["minutes_up"] = ui.PictureButton(
            pygame.Rect(rx + w - 96, 256, 96, 96), None, self._minutes(1), label="+",
            label_size=64)
        stylus = bool(s.stylus)
        self.controls["stylus"] = ui.PictureButton(
            pygame.Rect(rx, 372, w, h), None, self._toggler("stylus"),
            label=f"Stylus: {'on' if stylus else 'off'}",
            color=ui.lighter(ui.GREEN, 0.55) if stylus else ui.LIGHT_GREY, label_size=44)
        self.controls["add_child"] = ui.PictureButton(
            pygame.Rect(rx, 488, w, h), None, self._add_child, label="Add a child",
            color=ui.lighter(ui.ORANGE, 0.55), label_size=44)
        self.controls["quit"] = ui.PictureButton(
            pygame.Rect(lx, 640, 400, 110), None, self.launcher.quit,
            label="Close finemotor", color=ui.LIGHT_GREY, label_size=44)
        self.controls["children"] = ui.PictureButton(
            pygame.Rect(_W // 2 - 150, 640, 300, 110), None, self.launcher.open_child_pages,
            label="Children", color=ui.lighter(ui.ORANGE, 0.55), label_size=44)
        self.controls["done"] = ui.PictureButton(
            pygame.Rect(_W - 80 - 400, 640, 400, 110), None, self._done,
            label="Done", color=ui.lighter(ui.GREEN, 0.4), label_size=52)
        self.buttons = list(self.controls.values())

    def _toggler(self, name: str) -> Callable[[], None]:
        def toggle() -> None:
            setattr(self.app.settings, name, not getattr(self.app.settings, name))
            self.launcher.save_settings()
            self.app.sound.play("tap")
            self._layout()
        return toggle

    def _toggle_mode(self) -> None:
        self.launcher.mode = "home" if self.launcher.mode == "clinic" else "clinic"
        self.launcher.save_settings()
        self._layout()

    def _minutes(self, delta: int) -> Callable[[], None]:
        def change() -> None:
            current = self.app.settings.session_minutes
            if delta > 0:
                bigger = [m for m in MINUTE_CHOICES if m > current]
                new = bigger[0] if bigger else current
            else:
                smaller = [m for m in MINUTE_CHOICES if m < current]
                new = smaller[-1] if smaller else current
            self.app.settings.session_minutes = new
            self.launcher.save_settings()
            self._layout()
        return change

    def _add_child(self) -> None:
        self.launcher.open_add_child()

    def _done(self) -> None:
        self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        if is_escape(key):
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Grown-up settings", 60, ui.INK, center=(_W // 2, 64))
        for b in self.buttons:
            b.draw(surface)
        minutes = self.app.settings.session_minutes
        ui.draw_text(surface, f"Session: {minutes} min", 44, ui.INK, center=(680 + 260, 304))
        note = ("Home sessions end by themselves with a reward." if self.launcher.mode == "home"
                else "Clinic sessions run until you go back.")
        ui.draw_text(surface, ui.fit_text(note, 28, 560), 28, ui.INK, center=(680 + 260, 612))
        ui.draw_text(surface, ui.fit_text(f"Data folder: {self.launcher.data_dir}", 26, 560),
                     26, ui.GREY, center=(80 + 260, 612))
        if self.launcher.message:
            ui.draw_text(surface, ui.fit_text(self.launcher.message, 28, _W - 80), 28,
                         ui.VERMILLION, center=(_W // 2, 775))
        else:  # the pictures' licence asks for the credit where the pictures are used
            ui.draw_text(surface, CREDIT, 22, ui.GREY, center=(_W // 2, 782))


KEY_ROWS = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
KEY_SIZE = 96
KEY_GAP = 10
MAX_TYPED = 20  # the registry allows 40; 20 fits the screen and is plenty for a nickname


def _draw_backspace(surface: pygame.Surface, rect: pygame.Rect) -> None:
    """A "delete one letter" key: an arrow-shaped tag with an x."""
    c = rect.center
    s = min(rect.w, rect.h)
    h = s * 0.28
    pts = [(c[0] - s * 0.42, c[1]), (c[0] - s * 0.18, c[1] - h), (c[0] + s * 0.42, c[1] - h),
           (c[0] + s * 0.42, c[1] + h), (c[0] - s * 0.18, c[1] + h)]
    pygame.draw.polygon(surface, ui.GREY, pts)
    d = s * 0.1
    cx = c[0] + s * 0.1
    pygame.draw.line(surface, ui.WHITE, (cx - d, c[1] - d), (cx + d, c[1] + d), max(2, s // 20))
    pygame.draw.line(surface, ui.WHITE, (cx + d, c[1] - d), (cx - d, c[1] + d), max(2, s // 20))


class AddChildScene(LauncherScene):
    """Add a child: type a nickname on the big on-screen keyboard (or a real one), pick a picture.

    Built for a grown-up without a keyboard (a tablet): 96 px keys, QWERTY order.
    """

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.nickname = ""
        self.avatar = DEFAULT_AVATAR
        self.error: str | None = None
        self.keys: dict[str, ui.PictureButton] = {}
        self.avatar_tiles: dict[str, ui.PictureButton] = {}
        self.done: ui.PictureButton | None = None
        self.cancel: ui.PictureButton | None = None

    def enter(self) -> None:
        try:
            used = {c.avatar for c in self.launcher.roster.list()}
        except UsageError:
            used = set()
        free = [a for a in AVATAR_IDS if a not in used]
        self.avatar = free[0] if free else DEFAULT_AVATAR
        super().enter()

    def _layout(self) -> None:
        self.keys = {}
        for r, row in enumerate(KEY_ROWS):
            extra = 1 if r == 2 else 0  # the delete key ends the last row
            width = (len(row) + extra) * (KEY_SIZE + KEY_GAP) - KEY_GAP + (KEY_SIZE if extra else 0)
            x0 = (_W - width) // 2
            y = 290 + r * (KEY_SIZE + KEY_GAP)
            for i, letter in enumerate(row):
                rect = pygame.Rect(x0 + i * (KEY_SIZE + KEY_GAP), y, KEY_SIZE, KEY_SIZE)
                self.keys[letter] = ui.PictureButton(rect, None, self._typer(letter),
                                                     label=letter, label_size=56)
            if extra:
                rect = pygame.Rect(x0 + len(row) * (KEY_SIZE + KEY_GAP), y,
                                   2 * KEY_SIZE, KEY_SIZE)
                self.keys["DELETE"] = ui.PictureButton(rect, _draw_backspace, self.backspace,
                                                       color=ui.LIGHT_GREY)
        space = pygame.Rect(0, 0, 5 * KEY_SIZE, KEY_SIZE)
        space.midtop = (_W // 2, 290 + 3 * (KEY_SIZE + KEY_GAP))
        self.keys["SPACE"] = ui.PictureButton(space, None, self._typer(" "), label="space",
                                              label_size=40)
        self.avatar_tiles = {}
        area = pygame.Rect(40, 150, _W - 80, 112)
        for av_id, rect in zip(AVATAR_IDS,
                               ui.grid_layout(len(AVATAR_IDS), (112, 112), 16, area),
                               strict=True):
            self.avatar_tiles[av_id] = tile_for_avatar(rect, av_id, self._chooser(av_id))
        self.cancel = ui.PictureButton(pygame.Rect(40, 660, 120, 120), ui.draw_cross,
                                       self._cancel)
        self.done = ui.PictureButton(pygame.Rect(_W - 160, 660, 120, 120), ui.draw_check,
                                     self.submit)
        self.buttons = [*self.keys.values(), *self.avatar_tiles.values(), self.cancel, self.done]

    def _typer(self, letter: str) -> Callable[[], None]:
        def type_() -> None:
            self.type_text(letter)
        return type_

    def _chooser(self, avatar_id: str) -> Callable[[], None]:
        def choose() -> None:
            self.avatar = avatar_id
        return choose

    def type_text(self, text: str) -> None:
        """Add typed characters; each word starts with a capital, the rest is lower case."""
        for ch in text:
            if len(self.nickname) >= MAX_TYPED:
                break
            if ch == " ":
                if self.nickname and not self.nickname.endswith(" "):
                    self.nickname += " "
                continue
            if not (ch.isalnum() or ch in "-'."):
                continue
            start = not self.nickname or self.nickname.endswith(" ")
            self.nickname += ch.upper() if start else ch.lower()
        self.error = None

    def backspace(self) -> None:
        """Delete the last character."""
        self.nickname = self.nickname[:-1]
        self.error = None

    def submit(self) -> None:
        """Add the child to the roster and go back to the picker; show what is wrong if not."""
        try:
            self.launcher.roster.add(self.nickname, self.avatar)
        except UsageError as exc:
            self.error = "Type a name first" if not self.nickname.strip() else str(exc)
            self.app.sound.play("soft_error")
            return
        except OSError as exc:
            self.error = f"Could not save: {self.launcher.describe_error(exc)}"
            return
        self.app.sound.play("success")
        self.launcher.back_to_picker()

    def _cancel(self) -> None:
        self.app.stack.pop()

    def on_key(self, key: KeyPress) -> None:
        if is_escape(key):
            self._cancel()
        elif key.key == pygame.K_BACKSPACE:
            self.backspace()
        elif key.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit()
        elif key.text:
            self.type_text(key.text)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Add a child: type a nickname, pick a picture", 40, ui.INK,
                     center=(_W // 2, 30))
        box = pygame.Rect(240, 56, _W - 480, 80)
        pygame.draw.rect(surface, ui.WHITE, box, border_radius=16)
        pygame.draw.rect(surface, ui.GREY, box, 3, border_radius=16)
        shown = self.nickname + ("|" if int(self.t * 2) % 2 == 0 else " ")
        ui.draw_text(surface, shown, 64, ui.INK, center=box.center)
        for tile_id, tile in self.avatar_tiles.items():
            if tile_id == self.avatar:
                pygame.draw.rect(surface, ui.BLUE, tile.rect.inflate(16, 16), 6,
                                 border_radius=24)
            tile.draw(surface)
        for b in self.keys.values():
            b.draw(surface)
        assert self.cancel is not None and self.done is not None
        self.cancel.draw(surface)
        self.done.draw(surface)
        if self.error:
            ui.draw_text(surface, ui.fit_text(self.error, 34, _W - 400), 34, ui.VERMILLION,
                         center=(_W // 2, 740))
