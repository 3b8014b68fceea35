"""The UI kit: layout geometry, button hit tests, the hold gate, animation and text."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import math

import pygame
import pytest

from engine import ui
from engine.pointer import PointerSample


@pytest.fixture(autouse=True)
def _display():
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1280, 800))
    yield


def sample(phase: str, x: float, y: float, t_ns: int = 0, pointer: int = 0) -> PointerSample:
    return PointerSample(t_ns, x, y, pointer, phase, "mouse")  # type: ignore[arg-type]


# -- layout ---------------------------------------------------------------------------------


def test_mirror_rect_reflects_around_the_vertical_centre_line():
    assert ui.mirror_rect(pygame.Rect(10, 20, 100, 50)) == pygame.Rect(1170, 20, 100, 50)
    assert ui.mirror_rect(pygame.Rect(590, 0, 100, 10)) == pygame.Rect(590, 0, 100, 10)
    assert ui.mirror_rect(pygame.Rect(0, 5, 40, 40), screen_width=200) == pygame.Rect(
        160, 5, 40, 40
    )
    r = pygame.Rect(33, 44, 55, 66)
    assert ui.mirror_rect(ui.mirror_rect(r)) == r
    assert ui.mirror_x(100.0) == 1180.0


def test_place_mirrors_only_for_left_handed_children():
    r = pygame.Rect(1188, 20, 72, 72)
    assert ui.place(r, False) == r
    assert ui.place(r, False) is not r  # a copy: layouts never share rects
    assert ui.place(r, True) == pygame.Rect(20, 20, 72, 72)


def test_grid_layout_centres_rows_and_the_last_row():
    area = pygame.Rect(40, 110, 1200, 540)
    assert ui.grid_layout(3, (200, 240), 40, area) == [
        pygame.Rect(300, 260, 200, 240),
        pygame.Rect(540, 260, 200, 240),
        pygame.Rect(780, 260, 200, 240),
    ]
    seven = ui.grid_layout(7, (200, 240), 40, area)
    # 5 fit in a row: (1200 + 40) // 240 = 5, 1160 px wide -> left 60; two rows of 240 and
    # a 40 gap = 520 px high -> top 120; the 2 left over (440 px) are centred: left 420.
    assert seven[:5] == [pygame.Rect(60 + i * 240, 120, 200, 240) for i in range(5)]
    assert seven[5:] == [pygame.Rect(420, 400, 200, 240), pygame.Rect(660, 400, 200, 240)]
    assert ui.grid_layout(0, (200, 240), 40, area) == []
    # 2 columns of 100 + a 10 gap = 210 wide -> left 535; 2 rows = 210 high -> top 275.
    assert ui.grid_layout(4, (100, 100), 10, area, max_columns=2)[2] == pygame.Rect(
        535, 385, 100, 100
    )


# -- picture buttons ------------------------------------------------------------------------


def test_picture_button_refuses_small_sizes():
    with pytest.raises(ValueError) as err:
        ui.PictureButton(pygame.Rect(0, 0, 95, 120), None, lambda: None)
    assert str(err.value) == "a picture button must be at least 96x96 logical px, got 95x120"
    ui.PictureButton(pygame.Rect(0, 0, 96, 96), None, lambda: None)  # exactly 96 is fine


def test_picture_button_fires_on_down_and_up_inside_only():
    presses: list[int] = []
    b = ui.PictureButton(pygame.Rect(100, 100, 120, 120), ui.draw_plus, lambda: presses.append(1))
    assert not b.handle_pointer(sample("down", 150, 150))
    assert b.pressed
    assert b.handle_pointer(sample("up", 219, 219))
    assert presses == [1]
    assert not b.pressed

    # Press inside, lift outside: no press (the child changed their mind).
    b.handle_pointer(sample("down", 150, 150))
    b.handle_pointer(sample("move", 300, 150))
    assert not b.pressed  # feedback follows the finger
    assert not b.handle_pointer(sample("up", 300, 150))
    # Press outside, slide in, lift inside: no press either.
    b.handle_pointer(sample("down", 90, 150))
    assert not b.handle_pointer(sample("up", 150, 150))
    # Slide out and back in before lifting: it counts.
    b.handle_pointer(sample("down", 150, 150))
    b.handle_pointer(sample("move", 400, 400))
    b.handle_pointer(sample("move", 160, 160))
    assert b.pressed
    assert b.handle_pointer(sample("up", 160, 160))
    assert presses == [1, 1]


def test_picture_button_follows_only_the_pointer_that_pressed_it():
    presses: list[int] = []
    b = ui.PictureButton(pygame.Rect(0, 0, 100, 100), None, lambda: presses.append(1))
    b.handle_pointer(sample("down", 50, 50, pointer=1))
    b.handle_pointer(sample("down", 60, 60, pointer=2))  # a second finger is ignored
    assert not b.handle_pointer(sample("up", 60, 60, pointer=2))
    assert b.pressed
    assert b.handle_pointer(sample("up", 50, 50, pointer=1))
    assert presses == [1]
    b.handle_pointer(sample("down", 50, 50))
    b.reset()
    assert not b.handle_pointer(sample("up", 50, 50))
    assert presses == [1]


def test_picture_button_press_feedback_is_visible():
    surf = pygame.Surface((300, 300))
    b = ui.PictureButton(pygame.Rect(50, 50, 200, 200), None, lambda: None, color=ui.YELLOW)
    surf.fill(ui.BLACK)
    b.draw(surf)
    assert tuple(surf.get_at((150, 150)))[:3] == ui.YELLOW
    b.handle_pointer(sample("down", 150, 150))
    surf.fill(ui.BLACK)
    b.draw(surf)
    assert tuple(surf.get_at((150, 150)))[:3] == ui.darker(ui.YELLOW, 0.85)
    # Sunk by 4 px: the top rows of the tile are empty while pressed.
    assert tuple(surf.get_at((150, 51)))[:3] == ui.BLACK


# -- hold gate ------------------------------------------------------------------------------


def test_hold_button_activates_after_exactly_the_hold_time():
    opened: list[int] = []
    g = ui.HoldButton(pygame.Rect(1188, 20, 72, 72), lambda: opened.append(1), seconds=3.0)
    t0 = 5_000_000_000
    g.handle_pointer(sample("down", 1200, 50, t_ns=t0))
    assert g.holding
    assert not g.tick(t0 + 2_999_999_999)
    assert g.progress == pytest.approx(2.999999999 / 3.0)
    assert g.tick(t0 + 3_000_000_000)
    assert opened == [1]
    assert not g.tick(t0 + 4_000_000_000)  # fires once per hold
    g.handle_pointer(sample("up", 1200, 50, t_ns=t0 + 4_000_000_000))
    assert opened == [1]
    assert not g.holding and g.progress == 0.0


def test_hold_button_short_holds_and_slides_start_over():
    opened: list[int] = []
    g = ui.HoldButton(pygame.Rect(0, 0, 72, 72), lambda: opened.append(1), seconds=3.0)
    g.handle_pointer(sample("down", 10, 10, t_ns=0))
    g.tick(1_000_000_000)
    assert g.progress == pytest.approx(1 / 3)
    g.handle_pointer(sample("up", 10, 10, t_ns=1_000_000_000))
    assert opened == [] and g.progress == 0.0
    g.handle_pointer(sample("down", 10, 10, t_ns=2_000_000_000))
    g.handle_pointer(sample("move", 200, 10, t_ns=2_500_000_000))  # slid off
    assert not g.holding
    assert not g.tick(9_000_000_000)
    # An up stamped after the full time counts even if no tick saw it in between.
    g.handle_pointer(sample("down", 10, 10, t_ns=10_000_000_000))
    assert g.handle_pointer(sample("up", 10, 10, t_ns=13_000_000_000))
    assert opened == [1]


def test_draw_ring_fills_clockwise_from_twelve_oclock():
    surf = pygame.Surface((200, 200))
    surf.fill(ui.BLACK)
    ui.draw_ring(surf, (100, 100), 50, 0.25, color=ui.GREEN, track=ui.LIGHT_GREY, width=10)
    assert tuple(surf.get_at((100 + 32, 100 - 32)))[:3] == ui.GREEN  # 1:30, inside the arc
    assert tuple(surf.get_at((100 - 32, 100 + 32)))[:3] == ui.LIGHT_GREY  # 7:30, track only
    assert tuple(surf.get_at((100, 100)))[:3] == ui.BLACK  # the middle stays empty
    surf.fill(ui.BLACK)
    ui.draw_ring(surf, (100, 100), 50, 0.0, track=None)
    assert pygame.mask.from_threshold(surf, ui.BLACK, (1, 1, 1, 255)).count() == 200 * 200


# -- animation ------------------------------------------------------------------------------


def test_bounce_and_pulse_are_gentle_and_stop_under_reduce_motion():
    assert ui.bounce(0.6, height=8.0, period=1.2) == pytest.approx(8.0)  # top of the hop
    assert ui.bounce(0.0, height=8.0, period=1.2) == 0.0
    assert ui.bounce(0.3, height=8.0, period=1.2) == pytest.approx(8 * math.sin(math.pi / 4))
    assert all(0.0 <= ui.bounce(t / 10, 8.0, 1.2) <= 8.0 for t in range(50))
    assert ui.bounce(0.6, 8.0, 1.2, reduce_motion=True) == 0.0
    assert ui.pulse(0.4, amount=0.05, period=1.6) == pytest.approx(1.05)
    assert ui.pulse(1.2, amount=0.05, period=1.6) == pytest.approx(0.95)
    assert ui.pulse(0.4, amount=0.05, period=1.6, reduce_motion=True) == 1.0


# -- text and caches ------------------------------------------------------------------------


def test_text_surfaces_and_fonts_are_cached_and_converted():
    a = ui.text_surface("Anna", 36, ui.INK)
    assert ui.text_surface("Anna", 36, ui.INK) is a
    assert ui.text_surface("Anna", 36, ui.BLUE) is not a
    assert ui.font(36) is ui.font(36)
    # convert_alpha()ed to the display's pixel format: the fast blit path.
    assert a.get_flags() & pygame.SRCALPHA
    assert a.get_bitsize() == pygame.display.get_surface().get_bitsize()


def test_fit_text_shortens_long_names_with_an_ellipsis():
    assert ui.fit_text("Ben", 36, 180) == "Ben"
    long = ui.fit_text("Maximilian-Alexander", 36, 180)
    assert long.endswith("...") and long.startswith("Maxim")
    assert ui.font(36).size(long)[0] <= 180


def test_draw_text_anchors():
    surf = pygame.Surface((400, 200))
    rect = ui.draw_text(surf, "Hi", 40, center=(200, 100))
    assert rect.center == (200, 100)
    rect = ui.draw_text(surf, "Hi", 40, topleft=(10, 20))
    assert rect.topleft == (10, 20)


def test_icon_surface_is_drawn_once():
    calls: list[tuple[int, int]] = []

    def icon(surface: pygame.Surface, rect: pygame.Rect) -> None:
        calls.append(rect.size)
        pygame.draw.rect(surface, ui.BLUE, rect)

    first = ui.icon_surface(icon, (64, 64))
    assert ui.icon_surface(icon, (64, 64)) is first
    ui.icon_surface(icon, (32, 32))
    assert calls == [(64, 64), (32, 32)]


def test_fonts_survive_a_pygame_restart():
    ui.font(33)
    ui.fit_text("Anna", 33, 200)
    pygame.quit()
    pygame.display.init()
    pygame.display.set_mode((1280, 800))
    assert ui.fit_text("Anna", 33, 200) == "Anna"  # a dead cached font is replaced, not used
    assert ui.text_surface("Anna again", 33).get_width() > 0


@pytest.mark.parametrize(("pressed", "lift"), [(False, 0.0), (False, 6.0), (True, 0.0)])
def test_picture_button_tile_is_the_same_pixels_as_drawing_it(pressed: bool, lift: float):
    # The tile and its shadow come from cached surfaces (ui.rounded_rect): the pixels must be
    # exactly those of pygame.draw.rect with the same radius, drawn each frame as before.
    rect = pygame.Rect(100, 120, 220, 260)
    button = ui.PictureButton(rect, None, lambda: None, color=ui.WHITE)
    button.pressed = pressed
    cached = pygame.Surface((1280, 800)).convert()
    cached.fill((90, 60, 30))
    expected = cached.copy()
    button.draw(cached, lift)

    sink = 4 if pressed else 0
    face = rect.move(0, sink - round(lift))
    radius = max(8, min(face.w, face.h) // 6)
    if not pressed:
        pygame.draw.rect(expected, ui.darker(ui.LIGHT_GREY, 0.8), rect.move(0, 5),
                         border_radius=radius)
    fill = ui.darker(ui.WHITE, 0.85) if pressed else ui.WHITE
    pygame.draw.rect(expected, fill, face, border_radius=radius)
    assert pygame.image.tobytes(cached, "RGB") == pygame.image.tobytes(expected, "RGB")
    assert ui.rounded_rect(rect.size, fill, radius) is ui.rounded_rect(rect.size, fill, radius)
