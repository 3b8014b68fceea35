"""The grown-ups' sequencing screen: which routines the child plays, the prompting, the input.

Reached from the sequencing game by holding the gear for 3 s (a child does not do that by
accident). Each routine is a tile (its first step's picture and title, a tick when chosen);
tapping toggles it. Three buttons choose the prompting, two the input. "Done" saves the child's
settings (:func:`games.sequencing.custom.update_child_settings`, under the file lock) and goes
back; the game then plays the new choice from its next routine. Choosing none means all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pygame

from engine import ui
from engine.pointer import KeyPress, PointerSample
from engine.scene import Scene
from games.kit.pictures import CREDIT
from games.sequencing.cards import card_picture
from games.sequencing.custom import INPUTS, PROMPTINGS
from games.sequencing.routines import Routine

TILE = 150
COLUMNS = 6
PROMPT_WORDS = {"errorless": "Glow always", "after-error": "Glow after a mistake",
                "none": "No glow"}
INPUT_WORDS = {"drag": "Drag", "tap": "Tap, then tap"}


class RoutineChooserScene(Scene):
    """Choose routines, prompting and input for one child (module docstring)."""

    def __init__(self, routines: Sequence[Routine], settings: dict[str, object],
                 save: Callable[[dict[str, object]], None],
                 folder_of: Callable[[Routine], Path | None] = lambda r: None) -> None:
        super().__init__()
        self.routines = list(routines)
        chosen = list(settings.get("routines") or [])  # type: ignore[call-overload]
        self.chosen = {r.id for r in self.routines if r.id in chosen}
        self.prompting = str(settings.get("prompting", "after-error"))
        self.input = str(settings.get("input", "drag"))
        self._save = save
        self.folder_of = folder_of
        self.buttons: list[ui.PictureButton] = []
        self.tile_of: dict[str, pygame.Rect] = {}

    def enter(self) -> None:
        """Lay the screen out."""
        self._layout()

    def _layout(self) -> None:
        self.buttons = []
        self.tile_of = {}
        left = (1280 - COLUMNS * TILE - (COLUMNS - 1) * 16) // 2
        for i, r in enumerate(self.routines[:COLUMNS * 2]):
            rect = pygame.Rect(left + (i % COLUMNS) * (TILE + 16), 90 + (i // COLUMNS) * 200,
                               TILE, TILE)
            self.tile_of[r.id] = rect
            self.buttons.append(ui.PictureButton(rect, None, self._toggle(r.id), color=ui.WHITE))
        y = 520
        for k, p in enumerate(PROMPTINGS):
            rect = pygame.Rect(90 + k * 300, y, 280, 96)
            self.buttons.append(ui.PictureButton(rect, None, self._set("prompting", p),
                                                 label=PROMPT_WORDS[p], label_size=28))
        for k, p in enumerate(INPUTS):
            rect = pygame.Rect(90 + k * 300, y + 120, 280, 96)
            self.buttons.append(ui.PictureButton(rect, None, self._set("input", p),
                                                 label=INPUT_WORDS[p], label_size=28))
        done = pygame.Rect(1280 - 260, y + 120, 200, 96)
        self.buttons.append(ui.PictureButton(done, ui.draw_check, self.done, color=ui.GREEN))

    def _toggle(self, rid: str) -> Callable[[], None]:
        def toggle() -> None:
            self.chosen.symmetric_difference_update({rid})

        return toggle

    def _set(self, key: str, value: str) -> Callable[[], None]:
        def choose() -> None:
            setattr(self, key, value)

        return choose

    def settings(self) -> dict[str, object]:
        """What the screen would save now (routines in the listed order; none: all)."""
        ids = [r.id for r in self.routines if r.id in self.chosen]
        return {"routines": ids, "prompting": self.prompting, "input": self.input}

    def done(self) -> None:
        """Save and go back to the game."""
        self._save(self.settings())
        if self.app is not None and len(self.app.stack):
            self.app.stack.pop()

    def handle_pointer(self, sample: PointerSample) -> None:
        """Tiles and buttons fire on a press that starts and ends on them."""
        for button in list(self.buttons):
            if button.handle_pointer(sample):
                return

    def handle_key(self, key: KeyPress) -> None:
        """Esc goes back without saving."""
        if key.key == pygame.K_ESCAPE and self.app is not None:
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        """Tiles with ticks, the two rows of choices, the tick to save."""
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Routines this child plays (none ticked: all)", 30, ui.INK,
                     topleft=(40, 30))
        for button in self.buttons:
            button.draw(surface)
        for r in self.routines:
            rect = self.tile_of.get(r.id)
            if rect is None:
                continue
            pic = card_picture(r.steps[0].picture, int(TILE * 0.7), self.folder_of(r))
            surface.blit(pic, pic.get_rect(center=rect.center))
            ui.draw_text(surface, ui.fit_text(r.title, 22, TILE + 12), 22, ui.INK,
                         midtop=(rect.centerx, rect.bottom + 6))
            if r.id in self.chosen:
                pygame.draw.rect(surface, ui.GREEN, rect.inflate(10, 10), 6, border_radius=16)
                tick = pygame.Rect(rect.right - 40, rect.top + 4, 36, 36)
                pygame.draw.circle(surface, ui.GREEN, tick.center, 18)
                ui.draw_check(surface, tick)
        ui.draw_text(surface, "How much help, and how cards move", 26, ui.GREY, topleft=(90, 488))
        ui.draw_text(surface, CREDIT, 20, ui.GREY, topleft=(40, 770))
        for button in self.selected():
            pygame.draw.rect(surface, ui.BLUE, button.rect.inflate(10, 10), 6,
                             border_radius=18)

    def selected(self) -> list[ui.PictureButton]:
        """The prompting and input buttons chosen now (drawn with a frame)."""
        n = len(self.tile_of)
        prompt = self.buttons[n + PROMPTINGS.index(self.prompting)]
        given = self.buttons[n + len(PROMPTINGS) + INPUTS.index(self.input)]
        return [prompt, given]
