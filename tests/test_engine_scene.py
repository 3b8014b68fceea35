"""Scene stack lifecycle: order of enter/pause/resume/exit, visible and updating scenes."""

from __future__ import annotations

import pytest

from engine.scene import Scene, SceneStack


class Logged(Scene):
    """A scene that writes each lifecycle call to a shared log."""

    def __init__(self, name: str, log: list[str], opaque: bool = True,
                 updates_below: bool = False) -> None:
        super().__init__()
        self.name = name
        self.log = log
        self.opaque = opaque
        self.updates_below = updates_below
        self.app_at_enter: object = None

    def enter(self) -> None:
        self.app_at_enter = self.app
        self.log.append(f"{self.name}.enter")

    def exit(self) -> None:
        self.log.append(f"{self.name}.exit")

    def pause(self) -> None:
        self.log.append(f"{self.name}.pause")

    def resume(self) -> None:
        self.log.append(f"{self.name}.resume")


def test_lifecycle_order() -> None:
    log: list[str] = []
    app = object()
    stack = SceneStack(app)
    a, b, c, d = (Logged(n, log) for n in "abcd")
    stack.push(a)
    stack.push(b)
    assert log == ["a.enter", "a.pause", "b.enter"]
    assert b.app_at_enter is app and a.app_at_enter is app
    assert stack.pop() is b
    assert log[3:] == ["b.exit", "a.resume"]
    stack.replace(c)
    assert log[5:] == ["a.exit", "c.enter"]
    stack.push(d)
    stack.clear()
    assert log[7:] == ["c.pause", "d.enter", "d.exit", "c.exit"]
    assert len(stack) == 0
    assert stack.top is None


def test_pop_empty_raises() -> None:
    with pytest.raises(IndexError, match="pop from an empty scene stack"):
        SceneStack(object()).pop()  # type: ignore[arg-type]


def test_replace_on_empty_stack_just_enters() -> None:
    log: list[str] = []
    stack = SceneStack(object())  # type: ignore[arg-type]  # any app: only passed on
    stack.replace(Logged("a", log))
    assert log == ["a.enter"]


def test_visible_and_updating_with_overlays() -> None:
    log: list[str] = []
    stack = SceneStack(object())  # type: ignore[arg-type]  # any app: only passed on
    game = Logged("game", log)
    pause = Logged("pause", log, opaque=False)
    gate = Logged("gate", log, opaque=False)
    stack.push(game)
    assert stack.visible() == [game]
    assert stack.updating() == [game]
    stack.push(pause)
    # A see-through overlay shows the game below but freezes it.
    assert stack.visible() == [game, pause]
    assert stack.updating() == [pause]
    stack.push(gate)
    assert stack.visible() == [game, pause, gate]
    assert stack.updating() == [gate]
    stack.pop()
    stack.pop()
    reward = Logged("reward", log, opaque=False, updates_below=True)
    stack.push(reward)
    # The reward animation lets the game below keep animating.
    assert stack.updating() == [game, reward]
    settings = Logged("settings", log, opaque=True)
    stack.push(settings)
    assert stack.visible() == [settings]
    assert stack.scenes == (game, reward, settings)
