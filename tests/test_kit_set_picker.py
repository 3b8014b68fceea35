"""The kit's set picker with made-up tiles, a start callback and a stand-in host (no launcher)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from engine.scene import Scene  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.testing import ScriptedHand, make_test_app  # noqa: E402
from games.kit.set_picker import SETTLE_S, SetPickerScene, Tile, house_rect  # noqa: E402


def _dot(surface: pygame.Surface, rect: pygame.Rect) -> None:
    pygame.draw.circle(surface, (0, 0, 0), rect.center, 10)


class Game(Scene):
    """What a tile starts: remembers its key."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class StandInHost(Scene):
    """A host as the launcher's: holds a scene and nests the scenes it starts."""

    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene = scene

    def nest(self, scene: Scene) -> Scene:
        return StandInHost(scene)

    def enter(self) -> None:
        self.scene.app = self.app
        self.scene.enter()

    def handle_pointer(self, sample) -> None:
        self.scene.handle_pointer(sample)


def picker(keys: list[str]) -> SetPickerScene:
    return SetPickerScene([Tile(k, (250, 250, 250), _dot) for k in keys], Game, mascot=_dot,
                          cache_key="test-picker")


def test_tiles_start_the_callbacks_scene_in_a_nested_host() -> None:
    app = make_test_app(settings=Settings(sound_on=False))
    scene = picker(["a", "b", "c"])
    app.stack.push(StandInHost(scene))
    hand = ScriptedHand(app)
    # three tiles of 540 x 260 in two columns, centred in (40, 150, 1200, 620), the last row too
    assert [t.rect for t in scene.tiles.values()] == [
        pygame.Rect(80, 180, 540, 260), pygame.Rect(660, 180, 540, 260),
        pygame.Rect(370, 480, 540, 260)]
    hand.tap(scene.tiles["b"].rect.center)  # too soon: the double-tap guard
    assert len(app.stack) == 1
    hand.wait(SETTLE_S)
    hand.tap(scene.tiles["c"].rect.center)
    top = app.stack.top
    assert isinstance(top, StandInHost) and isinstance(top.scene, Game) and top.scene.key == "c"
    assert scene.started is top.scene and len(app.stack) == 2
    screen = pygame.Surface((1280, 800))
    scene.draw(screen)
    # each tile shows its picture (here a black dot) in its middle
    assert [screen.get_at(t.rect.center)[:3] for t in scene.tiles.values()] == [(0, 0, 0)] * 3


def test_without_a_host_the_scene_is_pushed_itself_and_the_house_leaves() -> None:
    app = make_test_app(settings=Settings(sound_on=False, left_handed=True))
    scene = picker(["a"])
    app.stack.push(scene)
    assert scene.back is not None and scene.back.rect == house_rect(True)
    started = scene.start("a")
    assert app.stack.top is started
    app.stack.pop()
    hand = ScriptedHand(app)
    hand.wait(SETTLE_S)
    hand.tap(house_rect(True).center)
    assert len(app.stack) == 0
