"""Scenes and the scene stack.

Lifecycle of a scene on the stack (the engine calls these; scenes never call them):

* ``enter()``   once, when pushed (``self.app`` is set before it is called);
* ``pause()``   when another scene is pushed on top of it;
* ``resume()``  when the scene above it is popped;
* ``exit()``    once, when popped or replaced;
* ``handle_pointer(sample)`` / ``handle_key(key)``: input, delivered to the top scene only;
* ``update(dt)`` fixed logic step of ``dt`` seconds, top scene only (and scenes below an
  overlay whose ``updates_below`` is true);
* ``draw(surface)`` draws on the logical 1280x800 surface; it only reads state. The stack draws
  from the topmost opaque scene upwards, so overlays (``opaque = False``) show the game below.

Drawing only what changed: a scene is drawn every frame unless it sets
``redraw_every_frame = False``; then it calls :meth:`Scene.changed` whenever what it shows
changes (input, a logic step, an animation frame), and frames where no visible scene changed
are neither drawn nor presented. Pushing, popping or replacing a scene always redraws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygame

    from engine.app import App
    from engine.pointer import KeyPress, PointerSample


class Scene:
    """Base class of every screen and overlay. Override what you need."""

    opaque: bool = True
    updates_below: bool = False
    redraw_every_frame: bool = True
    _changed: bool = True  # a scene starts out not yet drawn
    # A game opts in: the engine's pause overlay comes up over it when the window loses focus.
    pausable: bool = False

    def __init__(self) -> None:
        # Set by the stack before enter(). Typed as App because every method the engine calls
        # runs after that; only code run before the push (a constructor) may see None.
        self.app: App = None  # type: ignore[assignment]

    def enter(self) -> None:
        """Pushed on the stack."""

    def exit(self) -> None:
        """Removed from the stack."""

    def pause(self) -> None:
        """Another scene was pushed on top."""

    def resume(self) -> None:
        """The scene on top was removed."""

    def handle_pointer(self, sample: PointerSample) -> None:
        """One pointer sample, in logical coordinates."""

    def handle_key(self, key: KeyPress) -> None:
        """One key press."""

    def update(self, dt: float) -> None:
        """Advance logic by ``dt`` seconds (a fixed step)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; must not change state."""

    def changed(self) -> None:
        """Say that what the scene shows changed: the next frame draws and presents it."""
        self._changed = True

    def wants_draw(self) -> bool:
        """Whether the next frame must draw this scene (the engine asks; see the module doc)."""
        return self.redraw_every_frame or self._changed

    def mark_drawn(self) -> None:
        """Called by the engine after :meth:`draw`: the scene's changes are on screen."""
        self._changed = False


class SceneStack:
    """A stack of scenes with the lifecycle above."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._scenes: list[Scene] = []

    def _restacked(self) -> None:
        # What is visible changed: the app must draw the next frame whatever the scenes say.
        invalidate = getattr(self.app, "invalidate", None)
        if invalidate is not None:
            invalidate()

    def __len__(self) -> int:
        return len(self._scenes)

    @property
    def scenes(self) -> tuple[Scene, ...]:
        """Bottom to top."""
        return tuple(self._scenes)

    @property
    def top(self) -> Scene | None:
        """The scene that gets input, or None when empty."""
        return self._scenes[-1] if self._scenes else None

    def push(self, scene: Scene) -> None:
        """Pause the current top and enter ``scene`` on top of it."""
        if self._scenes:
            self._scenes[-1].pause()
        scene.app = self.app
        self._scenes.append(scene)
        self._restacked()
        scene.enter()

    def pop(self) -> Scene:
        """Exit the top scene and resume the one below."""
        if not self._scenes:
            raise IndexError("pop from an empty scene stack")
        scene = self._scenes.pop()
        self._restacked()
        scene.exit()
        if self._scenes:
            self._scenes[-1].resume()
        return scene

    def replace(self, scene: Scene) -> None:
        """Exit the top scene and enter ``scene`` in its place (nothing below is resumed)."""
        if self._scenes:
            self._scenes.pop().exit()
        scene.app = self.app
        self._scenes.append(scene)
        self._restacked()
        scene.enter()

    def clear(self) -> None:
        """Exit every scene, top first."""
        while self._scenes:
            self._scenes.pop().exit()

    def visible(self) -> list[Scene]:
        """Scenes to draw, bottom to top: from the topmost opaque scene up."""
        start = 0
        for i in range(len(self._scenes) - 1, -1, -1):
            if self._scenes[i].opaque:
                start = i
                break
        return self._scenes[start:]

    def updating(self) -> list[Scene]:
        """Scenes to update, bottom to top: the top, and below it while overlays allow."""
        result: list[Scene] = []
        for scene in reversed(self._scenes):
            result.append(scene)
            if not scene.updates_below:
                break
        return list(reversed(result))
