"""Add a child: a nickname typed on the big on-screen keyboard (or a real one), and a picture.

Built for a grown-up with only a tablet: 96 px keys in QWERTY order, a row of digits, and two
pages of accented letters (the key at the bottom left turns the pages: ABC, then ÀÉÎ, then
ÑÖŠ), so "Zoë 2" or "Łukasz" can be typed without a keyboard. A nickname takes up to
:data:`MAX_TYPED` characters (the roster's limit, as on the command line); a key pressed when
it is full says so. The picture is the first one no child has yet; a tap on it opens the
picture chooser. A nickname another child already has is allowed after a second tap on the
tick, once the screen has said so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.launcher.avatars import tile_for_avatar
from games.launcher.base import _W, LauncherScene, is_escape
from games.launcher.picture_chooser import PictureChooserScene
from telemetry.avatars import first_free_avatar
from telemetry.children import MAX_NICKNAME, Child
from telemetry.errors import UsageError

if TYPE_CHECKING:
    from games.launcher.session import Launcher

DIGITS = "1234567890"
# The letter pages: the key at the bottom left turns them (the name of the next page on it).
KEY_PAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ABC", ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")),
    ("ÀÉÎ", ("ÀÁÂÄÃÅĀĄÆÇ", "ÈÉÊËĒĘĚÌÍÎ", "ÏĪĆČĎĐĞĹĽŁ")),
    ("ÑÖŠ", ("ÑŃŇÒÓÔÖÕŐØ", "ŒŔŘŚŠŞŤÙÚÛ", "ÜŪŮŰÝŸŹŻŽ")),
)
KEY_SIZE = 96
KEY_GAP = 8
KEYS_TOP = 172
MAX_TYPED = MAX_NICKNAME  # as the roster and the command line allow
FULL_MESSAGE = f"A nickname can have up to {MAX_TYPED} characters: this one is full"


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


def _key_rect(column: float, row: int, width: float = 1) -> pygame.Rect:
    """Key ``width`` keys wide at ``column`` (in keys, may be half) of keyboard row ``row``."""
    left = (_W - (10 * KEY_SIZE + 9 * KEY_GAP)) // 2
    step = KEY_SIZE + KEY_GAP
    return pygame.Rect(round(left + column * step), KEYS_TOP + row * step,
                       round(width * step - KEY_GAP), KEY_SIZE)


def _capitalised(ch: str, word_start: bool) -> str:
    """``ch`` upper case at the start of a word, lower case inside one; a letter whose case
    change is more than one letter (ß -> SS) stays as typed."""
    changed = ch.upper() if word_start else ch.lower()
    return changed if len(changed) == 1 else ch


def _word_start(typed: str) -> bool:
    """Whether the next letter starts a word (a capital): at the start, after a space or a
    hyphen (Anne-Marie), and after an apostrophe following one letter (O'Brien, D'Arcy)."""
    if not typed or typed[-1] in " -":
        return True
    word = typed.split(" ")[-1].split("-")[-1]
    return typed[-1] == "'" and len(word) == 2


class AddChildScene(LauncherScene):
    """Add a child: type a nickname on the big on-screen keyboard (or a real one), pick a
    picture (see the module docstring)."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.nickname = ""
        self.avatar = ""
        self.page = 0  # of KEY_PAGES
        self.error: str | None = None  # what is wrong (red)
        self.notice: str | None = None  # what to know (ink): full, a nickname already used
        self.children: list[Child] = []
        self.keys: dict[str, ui.PictureButton] = {}
        self.picture: ui.PictureButton | None = None
        self.done: ui.PictureButton | None = None
        self.cancel: ui.PictureButton | None = None
        self._confirmed_twin = ""  # a nickname already used, added anyway on a second tick

    def enter(self) -> None:
        try:
            self.children = self.launcher.roster.list()
        except UsageError:
            self.children = []
        self.avatar = first_free_avatar(c.avatar for c in self.children)
        super().enter()

    def _layout(self) -> None:
        self.keys = {}
        rows = (DIGITS, *KEY_PAGES[self.page][1])
        for r, row in enumerate(rows):
            offset = (10 - len(row)) / 2
            for i, letter in enumerate(row):
                self.keys[letter] = ui.PictureButton(_key_rect(offset + i, r), None,
                                                     self._typer(letter), label=letter,
                                                     label_size=52)
        last = len(rows)
        next_page = KEY_PAGES[(self.page + 1) % len(KEY_PAGES)][0]
        self.keys["PAGE"] = ui.PictureButton(_key_rect(0, last, 2), None, self._turn_page,
                                             label=next_page, label_size=48,
                                             color=ui.lighter(ui.SKY_BLUE, 0.6))
        self.keys["-"] = ui.PictureButton(_key_rect(2, last), None, self._typer("-"),
                                          label="-", label_size=52)
        self.keys["'"] = ui.PictureButton(_key_rect(3, last), None, self._typer("'"),
                                          label="'", label_size=52)
        self.keys["SPACE"] = ui.PictureButton(_key_rect(4, last, 4), None, self._typer(" "),
                                              label="space", label_size=40)
        self.keys["DELETE"] = ui.PictureButton(_key_rect(8, last, 2), _draw_backspace,
                                               self.backspace, color=ui.LIGHT_GREY)
        self.picture = tile_for_avatar(pygame.Rect(_W // 2 - 50, 692, 100, 100), self.avatar,
                                       self._choose_picture)
        self.cancel = ui.PictureButton(pygame.Rect(40, 692, 100, 100), ui.draw_cross,
                                       self._cancel)
        self.done = ui.PictureButton(pygame.Rect(_W - 140, 692, 100, 100), ui.draw_check,
                                     self.submit)
        self.buttons = [*self.keys.values(), self.picture, self.cancel, self.done]

    def _typer(self, letter: str) -> Callable[[], None]:
        def type_() -> None:
            self.type_text(letter)
        return type_

    def _turn_page(self) -> None:
        self.page = (self.page + 1) % len(KEY_PAGES)
        self._layout()

    def _choose_picture(self) -> None:
        taken: dict[str, list[str]] = {}
        for child in self.children:
            taken.setdefault(child.avatar, []).append(child.nickname)
        self.app.stack.push(PictureChooserScene(self.launcher, self.avatar, taken,
                                                self._set_picture))

    def _set_picture(self, name: str) -> None:
        self.avatar = name

    def type_text(self, text: str) -> None:
        """Add typed characters: letters (accented too), digits, spaces, ``-``, ``'`` and
        ``.``; each word starts with a capital (see :func:`_word_start`), the rest is lower
        case. Past
        :data:`MAX_TYPED` characters nothing is added and the screen says it is full."""
        for ch in text:
            if ch == " ":
                if not self.nickname or self.nickname.endswith(" "):
                    continue
            elif not (ch.isalnum() or ch in "-'."):
                continue
            if len(self.nickname) >= MAX_TYPED:
                self.notice = FULL_MESSAGE
                self.app.sound.play("soft_error")
                return
            if ch == " ":
                self.nickname += " "
                continue
            self.nickname += _capitalised(ch, _word_start(self.nickname))
        self.error = None
        self.notice = None

    def backspace(self) -> None:
        """Delete the last character."""
        self.nickname = self.nickname[:-1]
        self.error = None
        self.notice = None

    def submit(self) -> None:
        """Add the child to the roster and go back to the picker; show what is wrong if not.

        A nickname another child already has is said first ("tap the tick again"); a second
        tap adds the child anyway.
        """
        name = " ".join(self.nickname.split())
        twins = [c for c in self.children if c.nickname.casefold() == name.casefold()]
        if name and twins and self._confirmed_twin != name:
            self._confirmed_twin = name
            self.notice = (f"There is already a child called {twins[0].nickname}: "
                           "tap the tick again to add another")
            self.app.sound.play("soft_error")
            return
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
                     center=(_W // 2, 28))
        box = pygame.Rect(160, 52, _W - 320, 84)
        pygame.draw.rect(surface, ui.WHITE, box, border_radius=16)
        pygame.draw.rect(surface, ui.GREY, box, 3, border_radius=16)
        caret = "|" if int(self.t * 2) % 2 == 0 else " "
        size = 64
        while size > 28 and ui.font(size).size(self.nickname + "|")[0] > box.w - 32:
            size -= 4  # a long nickname gets smaller letters, never cut off
        ui.draw_text(surface, self.nickname + caret, size, ui.INK, center=box.center)
        ui.draw_text(surface, f"{len(self.nickname)}/{MAX_TYPED}", 30, ui.GREY,
                     center=(box.right + 80, box.centery))
        line = self.error or self.notice
        if line:
            ui.draw_text(surface, ui.fit_text(line, 32, _W - 80), 32,
                         ui.VERMILLION if self.error else ui.INK, center=(_W // 2, 154))
        for b in self.keys.values():
            b.draw(surface)
        assert self.cancel is not None and self.done is not None and self.picture is not None
        self.cancel.draw(surface)
        self.done.draw(surface)
        self.picture.draw(surface)
        ui.draw_text(surface, "Picture: tap to change", 30, ui.INK,
                     center=(_W // 2 + 200, 742))
