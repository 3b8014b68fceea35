"""The grown-up settings screen (behind the hold gate); "add a child" is ``add_child``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.kit.pictures import CREDIT
from games.launcher.base import _W, LauncherScene, is_escape

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
