"""Drawing the sequencing scene: the still background (slots, numbers, faint pictures, tray) is
rendered once per trial, each card once per trial; a frame blits them and draws the glow, the
story light and the reward on top.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pygame

from engine import ui
from games.sequencing.board import HEIGHT, WIDTH, Rect
from games.sequencing.cards import card_picture

if TYPE_CHECKING:
    from games.sequencing.scene import SequencingScene

TRAY = (238, 229, 206)
SLOT = (255, 252, 244)
SLOT_EDGE = (190, 184, 170)
SHADOW = (0, 0, 0, 40)
RADIUS = 18


def _rect(r: Rect) -> pygame.Rect:
    return pygame.Rect(round(r[0]), round(r[1]), round(r[2]), round(r[3]))


def card_surface(scene: SequencingScene, card: str, size: int) -> pygame.Surface:
    """A card: white rounded square, the picture inset (cached on the scene per trial)."""
    cache: dict[tuple[str, int], pygame.Surface] = scene.__dict__.setdefault("_cards", {})
    key = (card, size)
    if key not in cache:
        s = pygame.Surface((size, size), pygame.SRCALPHA)
        pygame.draw.rect(s, ui.WHITE, s.get_rect(), border_radius=RADIUS)
        pygame.draw.rect(s, SLOT_EDGE, s.get_rect(), 3, border_radius=RADIUS)
        routine = scene.routine
        folder = scene.options.folder_of(routine) if routine is not None else None
        picture = scene.picture_of(card)
        inset = 0.9 if picture.startswith("photo:") else 0.8
        pic = card_picture(picture, int(size * inset), folder)
        s.blit(pic, pic.get_rect(center=(size // 2, size // 2)))
        if pygame.display.get_surface() is not None:
            s = s.convert_alpha()
        cache[key] = s
    return cache[key]


def background(scene: SequencingScene) -> pygame.Surface:
    """Slots (numbers and faint pictures as the level gives), arrows between them, the tray."""
    key = id(scene.board)
    cached = scene.__dict__.get("_background")
    if cached is not None and cached[0] == key:
        return cached[1]
    scene.__dict__["_cards"] = {}
    board = scene.board
    assert board is not None and scene.routine is not None
    surf = ui.backdrop((WIDTH, HEIGHT)).copy()
    tray = _rect(board.layout.tray)
    pygame.draw.rect(surf, TRAY, tray, border_radius=32)
    ui.draw_text(surf, scene.routine.title, 24, ui.GREY, topleft=(tray.x + 20, tray.y + 10))
    hint = scene.level.slot_hint
    slots = [_rect(s) for s in board.layout.slots]
    for i, r in enumerate(slots):
        pygame.draw.rect(surf, SLOT, r, border_radius=RADIUS)
        _dashed(surf, r)
        if hint == "picture":
            pic = card_picture(scene.picture_of(scene.routine.step_ids[i]), int(r.w * 0.7),
                               scene.options.folder_of(scene.routine)).copy()
            pic.set_alpha(60)
            surf.blit(pic, pic.get_rect(center=r.center))
        if hint != "none":
            badge = pygame.Rect(0, 0, 44, 44)
            badge.center = (r.centerx, r.top - 30)
            pygame.draw.circle(surf, ui.BLUE, badge.center, 22)
            num = ui.text_surface(str(i + 1), 30, ui.WHITE)
            surf.blit(num, num.get_rect(center=badge.center))
        if i + 1 < len(slots):
            _arrow(surf, r.right, slots[i + 1].left, r.centery)
    if pygame.display.get_surface() is not None:
        surf = surf.convert()
    scene.__dict__["_background"] = (key, surf)
    return surf


def _dashed(surf: pygame.Surface, r: pygame.Rect) -> None:
    dash = 14
    for x in range(r.left + RADIUS, r.right - RADIUS, dash * 2):
        end = min(x + dash, r.right - RADIUS)
        pygame.draw.line(surf, SLOT_EDGE, (x, r.top), (end, r.top), 3)
        pygame.draw.line(surf, SLOT_EDGE, (x, r.bottom - 1), (end, r.bottom - 1), 3)
    for y in range(r.top + RADIUS, r.bottom - RADIUS, dash * 2):
        end = min(y + dash, r.bottom - RADIUS)
        pygame.draw.line(surf, SLOT_EDGE, (r.left, y), (r.left, end), 3)
        pygame.draw.line(surf, SLOT_EDGE, (r.right - 1, y), (r.right - 1, end), 3)


def _arrow(surf: pygame.Surface, x0: int, x1: int, y: int) -> None:
    mid = (x0 + x1) / 2
    pygame.draw.polygon(surf, ui.GREY, [(mid - 5, y - 9), (mid + 6, y), (mid - 5, y + 9)])


def draw_scene(scene: SequencingScene, surface: pygame.Surface) -> None:
    """Draw one frame of ``scene``."""
    board = scene.board
    if board is None:
        return
    surface.blit(background(scene), (0, 0))
    size = round(board.layout.card_size)
    reduce = scene.reduce_motion
    for i in board.hint_slots():
        glow = _rect(board.layout.slots[i]).inflate(14, 14)
        width = 8 if reduce else 6 + round(3 * (1 + math.sin(scene.time * 6)))
        pygame.draw.rect(surface, ui.YELLOW, glow, width, border_radius=RADIUS + 6)
    lit = scene.lit_slot()
    held = board.held
    for card in sorted(board.cards, key=lambda c: c == held):
        cx, cy = scene.shown[card]
        img = card_surface(scene, card, size)
        slot = board.slot_of(card)
        if card == held and not board.tap:
            shadow = pygame.Rect(0, 0, size, size)
            shadow.center = (round(cx) + 8, round(cy) + 10)
            pygame.draw.rect(surface, (200, 192, 172), shadow, border_radius=RADIUS)
        if slot is not None and slot == lit:
            light = _rect(board.layout.slots[slot]).inflate(22, 22)
            pygame.draw.rect(surface, ui.YELLOW, light, border_radius=RADIUS + 8)
            cy -= 0 if reduce else 14 * math.sin(math.pi * ((scene.reward_t or 0) % 0.7) / 0.7)
        surface.blit(img, img.get_rect(center=(round(cx), round(cy))))
        if card == held and board.tap:
            sel = img.get_rect(center=(round(cx), round(cy))).inflate(12, 12)
            pygame.draw.rect(surface, ui.BLUE, sel, 6, border_radius=RADIUS + 4)

