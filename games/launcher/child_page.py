"""The grown-ups' per-child pages (behind the gate): the child list, then one child's page.

A child's page shows and changes, in three columns: the child (dominant hand, birth month and
year on big - / + buttons, prompting, home or clinic), the child's own settings (left-handed,
strict tracing, sound, tap-then-tap input) and the plan (each installed activity on or off,
minutes per session, home sessions a week). Along the bottom: one "Assess" button per activity
with a fixed assessment protocol, and "Done".

Every change is written at once through :func:`telemetry.profile.update_profile` or
:func:`telemetry.plan.update_plan` (each a locked read-modify-write, so a therapist's CLI change
made meanwhile is kept) and the page shows what the file then holds. A setting the child has
no value of shows the device's (the default) until it is changed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pygame

from engine import ui
from engine.pointer import KeyPress
from games.launcher.avatars import tile_for_avatar
from games.launcher.base import _W, LauncherScene, is_escape
from games.launcher.grown_up import MINUTE_CHOICES
from games.launcher.pickers import (
    CHILDREN_PER_PAGE,
    draw_arrow_left,
    draw_arrow_right,
    picker_grid,
)
from games.registry import Activity
from telemetry.children import Child
from telemetry.errors import UsageError, describe_os_error
from telemetry.plan import MAX_SESSIONS_PER_WEEK, ActivityPlan, Plan, update_plan
from telemetry.profile import HANDS, ChildProfile, load_profile, update_profile

if TYPE_CHECKING:
    from games.launcher.session import Launcher

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PROMPT_WORDS = {"errorless": "always", "after_error": "after a slip", "none": "never"}
# The child's own on/off settings: (profile key, words on the button).
TOGGLES = (("left_handed", "Left-handed"), ("strict", "Strict tracing"),
           ("sound_on", "Sound"), ("assisted_input", "Tap-then-tap"))
COL_X = (30, 445, 860)
COL_W = 390
ROW_Y0, ROW_H, ROW_GAP = 130, 96, 14
BOTTOM_Y = 672
ON = ui.lighter(ui.GREEN, 0.55)


def _row(col: int, row: int) -> pygame.Rect:
    return pygame.Rect(COL_X[col], ROW_Y0 + row * (ROW_H + ROW_GAP), COL_W, ROW_H)


class ChildListScene(LauncherScene):
    """Which child's page? One avatar tile per child (the child picker's tiles)."""

    def __init__(self, launcher: Launcher) -> None:
        super().__init__(launcher)
        self.tiles: list[ui.PictureButton] = []
        self.done: ui.PictureButton | None = None
        self.page = 0

    def _layout(self) -> None:
        try:
            children = self.launcher.roster.list()
        except UsageError as exc:
            children = []
            self.launcher.message = str(exc)
        # As "Who is playing?": big tiles up to 10 children, 24 smaller ones a page past that.
        pages = max(1, -(-len(children) // CHILDREN_PER_PAGE))
        self.page = min(self.page, pages - 1)
        shown = children[self.page * CHILDREN_PER_PAGE:(self.page + 1) * CHILDREN_PER_PAGE]
        tile, gap = picker_grid(len(children))
        area = pygame.Rect(40, 110, _W - 80, 540)
        self.tiles = [
            tile_for_avatar(rect, c.avatar, self._opener(c),
                            label=ui.fit_text(c.nickname, 30, tile[0] - 16))
            for c, rect in zip(shown, ui.grid_layout(len(shown), tile, gap, area), strict=True)
        ]
        self.done = ui.PictureButton(pygame.Rect(_W - 80 - 300, BOTTOM_Y, 300, 110), None,
                                     self.app.stack.pop, label="Back",
                                     color=ui.lighter(ui.GREEN, 0.4), label_size=48)
        self.buttons = [*self.tiles, self.done]
        if self.page > 0:
            self.buttons.append(ui.PictureButton(pygame.Rect(40, BOTTOM_Y, 110, 110),
                                                 draw_arrow_left, self._turn(-1)))
        if self.page < pages - 1:
            self.buttons.append(ui.PictureButton(pygame.Rect(170, BOTTOM_Y, 110, 110),
                                                 draw_arrow_right, self._turn(1)))

    def _turn(self, delta: int) -> Callable[[], None]:
        def turn() -> None:
            self.page += delta
            self._layout()
        return turn

    def _opener(self, child: Child) -> Callable[[], None]:
        def open_() -> None:
            self.app.sound.play("tap")
            self.app.stack.push(ChildPageScene(self.launcher, child))
        return open_

    def on_key(self, key: KeyPress) -> None:
        if is_escape(key):
            self.app.stack.pop()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, "Children's pages: plan, settings, assessments", 48, ui.INK,
                     center=(_W // 2, 60))
        for b in self.buttons:
            b.draw(surface)


class ChildPageScene(LauncherScene):
    """One child's details, own settings, plan and assessments (module docstring)."""

    def __init__(self, launcher: Launcher, child: Child, today: date | None = None) -> None:
        super().__init__(launcher)
        self.child = child
        self.today = today or date.today()
        self.profile = ChildProfile()
        self.plan = Plan()
        self.error: str | None = None
        self.controls: dict[str, ui.PictureButton] = {}

    # -- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the child's profile and plan again and lay the page out."""
        self.profile = load_profile(self.launcher.data_dir, self.child.child_id)
        self.plan = self.launcher.plan_of(self.child.child_id)
        self._layout()

    def setting(self, key: str) -> Any:
        """The child's own value of ``key``, else the device's."""
        if key in self.profile.settings:
            return self.profile.settings[key]
        if key == "mode":
            return self.launcher.mode
        assert self.launcher.device is not None
        return getattr(self.launcher.device, key)

    def activity_on(self, activity_id: str) -> bool:
        """Whether the plan has the activity on (a plan naming none has every one on)."""
        return activity_id in self.plan.planned_activities([a.id for a in self._acts()])

    def minutes(self) -> int:
        """The plan's minutes per session, else the session length setting."""
        return int(self.plan.minutes or self.setting("session_minutes"))

    def _acts(self) -> list[Activity]:
        return list(self.launcher.activities)

    # -- layout -------------------------------------------------------------------------------

    def _layout(self) -> None:
        c: dict[str, ui.PictureButton] = {}
        hand = self.profile.hand or "not set"
        c["hand"] = self._button(_row(0, 0), f"Writing hand: {hand}", self._cycle_hand, ui.WHITE)
        for i, part in enumerate(("month", "year")):
            r = _row(0, 1 + i)
            c[f"{part}_down"] = self._button(pygame.Rect(r.x, r.y, 96, 96), "-",
                                             self._birth(part, -1), ui.WHITE, 64)
            c[f"{part}_up"] = self._button(pygame.Rect(r.right - 96, r.y, 96, 96), "+",
                                           self._birth(part, 1), ui.WHITE, 64)
        prompt = PROMPT_WORDS[str(self.setting("prompting"))]
        c["prompting"] = self._button(_row(0, 3), f"Prompts: {prompt}", self._cycle_prompting,
                                      ui.WHITE)
        c["mode"] = self._button(_row(0, 4), f"Mode: {self.setting('mode')}", self._cycle_mode,
                                 ui.lighter(ui.SKY_BLUE, 0.5))
        for i, (key, words) in enumerate(TOGGLES):
            on = bool(self.setting(key))
            c[key] = self._button(_row(1, i), f"{words}: {'on' if on else 'off'}",
                                  self._toggle(key), ON if on else ui.LIGHT_GREY)
        acts = self._acts()
        for i, act in enumerate(acts[:3]):
            on = self.activity_on(act.id)
            c[f"plan_{act.id}"] = self._button(_row(2, i), f"{act.title}: {'on' if on else 'off'}",
                                               self._toggle_activity(act.id),
                                               ON if on else ui.LIGHT_GREY)
        for i, key in enumerate(("minutes", "sessions")):
            r = _row(2, min(3, len(acts)) + i)
            c[f"{key}_down"] = self._button(pygame.Rect(r.x, r.y, 96, 96), "-",
                                            self._step(key, -1), ui.WHITE, 64)
            c[f"{key}_up"] = self._button(pygame.Rect(r.right - 96, r.y, 96, 96), "+",
                                          self._step(key, 1), ui.WHITE, 64)
        x = COL_X[0]
        for act in acts:
            if act.assessment is None:
                continue
            c[f"assess_{act.id}"] = self._button(
                pygame.Rect(x, BOTTOM_Y, 300, 110), f"Assess: {act.title}",
                self._assess(act), ui.lighter(ui.ORANGE, 0.55), 40)
            x += 320
        c["done"] = self._button(pygame.Rect(_W - 30 - 300, BOTTOM_Y, 300, 110), "Done",
                                 self.app.stack.pop, ui.lighter(ui.GREEN, 0.4), 52)
        c["picture"] = tile_for_avatar(pygame.Rect(24, 8, 96, 96), self.child.avatar,
                                       self._choose_picture)
        self.controls = c
        self.buttons = list(c.values())

    def _button(self, rect: pygame.Rect, label: str, action: Callable[[], None],
                color: ui.Color, size: int = 38) -> ui.PictureButton:
        return ui.PictureButton(rect, None, action, label=label, color=color, label_size=size)

    # -- changes ------------------------------------------------------------------------------

    def _write(self, what: Callable[[], Any]) -> None:
        """Run one change; show a person's mistake or a disk problem instead of raising."""
        try:
            what()
            self.error = None
            self.app.sound.play("tap")
        except UsageError as exc:
            self.error = str(exc)
        except OSError as exc:
            self.error = f"Not saved: {describe_os_error(exc, self.launcher.data_dir)}"
        self.refresh()

    def _set(self, key: str, value: Any) -> None:
        self._write(lambda: update_profile(self.launcher.data_dir, self.child.child_id,
                                           settings={key: value}))

    def _toggle(self, key: str) -> Callable[[], None]:
        return lambda: self._set(key, not bool(self.setting(key)))

    def _cycle_prompting(self) -> None:
        order = list(PROMPT_WORDS)
        self._set("prompting", order[(order.index(str(self.setting("prompting"))) + 1) % 3])

    def _cycle_mode(self) -> None:
        self._set("mode", "clinic" if self.setting("mode") == "home" else "home")

    def _cycle_hand(self) -> None:
        now = self.profile.hand
        nxt = HANDS[(HANDS.index(now) + 1) % len(HANDS)] if now in HANDS else HANDS[0]
        self._write(lambda: update_profile(self.launcher.data_dir, self.child.child_id,
                                           hand=nxt))

    def birth(self) -> tuple[int, int] | None:
        """The stored birth (year, month), or None."""
        if self.profile.birth_month is None:
            return None
        year, month = (int(x) for x in self.profile.birth_month.split("-"))
        return year, month

    def _birth(self, part: str, delta: int) -> Callable[[], None]:
        def change() -> None:
            # Unset: the first press starts at January of the year a child turns 4 now.
            year, month = self.birth() or (self.today.year - 4, 1)
            if part == "month":
                month = (month - 1 + delta) % 12 + 1
            else:
                year += delta
            year = max(self.today.year - 18, min(self.today.year, year))
            if (year, month) > (self.today.year, self.today.month):
                month = self.today.month  # never in the future
            text = f"{year:04d}-{month:02d}"
            self._write(lambda: update_profile(self.launcher.data_dir, self.child.child_id,
                                               birth_month=text))
        return change

    def _update_plan(self, change: Callable[[Plan], Plan], words: str) -> None:
        self._write(lambda: update_plan(self.launcher.data_dir, self.child.child_id,
                                        lambda p: (change(p), f"{words} (on the child's page)")))

    def _toggle_activity(self, activity_id: str) -> Callable[[], None]:
        def toggle() -> None:
            on = not self.activity_on(activity_id)

            def change(p: Plan) -> Plan:
                acts = dict(p.activities) or {a.id: ActivityPlan(True) for a in self._acts()}
                acts[activity_id] = replace(acts.get(activity_id, ActivityPlan()), on=on)
                return replace(p, activities=acts)

            self._update_plan(change, f"{activity_id} {'on' if on else 'off'}")
        return toggle

    def _step(self, key: str, delta: int) -> Callable[[], None]:
        def step() -> None:
            if key == "minutes":
                now = self.minutes()
                choices = [m for m in MINUTE_CHOICES if (m > now if delta > 0 else m < now)]
                new = (choices[0] if delta > 0 else choices[-1]) if choices else now
                self._update_plan(lambda p: replace(p, minutes=new), f"minutes {new}")
            else:
                now_s = self.plan.home_sessions_per_week or 0
                n = max(0, min(MAX_SESSIONS_PER_WEEK, now_s + delta))
                self._update_plan(lambda p: replace(p, home_sessions_per_week=n or None),
                                  f"home sessions a week {n}")
        return step

    def _choose_picture(self) -> None:
        """Open the picture chooser; the picture chosen is written at once."""
        from games.launcher.picture_chooser import PictureChooserScene

        taken: dict[str, list[str]] = {}
        try:
            for other in self.launcher.roster.list():
                if other.child_id != self.child.child_id:
                    taken.setdefault(other.avatar, []).append(other.nickname)
        except UsageError:
            pass
        self.app.stack.push(PictureChooserScene(self.launcher, self.child.avatar, taken,
                                                self._set_picture))

    def _set_picture(self, name: str) -> None:
        def change() -> None:
            self.child = self.launcher.roster.set_avatar(self.child.child_id, name)
        self._write(change)

    def _assess(self, activity: Activity) -> Callable[[], None]:
        def start() -> None:
            self.app.sound.play("tap")
            self.launcher.start_assessment(self.child, activity)
        return start

    def on_key(self, key: KeyPress) -> None:
        if is_escape(key):
            self.app.stack.pop()

    # -- drawing ------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(ui.CREAM)
        ui.draw_text(surface, ui.fit_text(f"{self.child.nickname}'s page", 52, 700), 52,
                     ui.INK, topleft=(136, 24))
        for col, words in enumerate(("The child", "Own settings", "The plan")):
            ui.draw_text(surface, words, 32, ui.GREY,
                         center=(COL_X[col] + COL_W // 2, ROW_Y0 - 22))
        for b in self.buttons:
            b.draw(surface)
        birth = self.birth()
        month = MONTHS[birth[1] - 1] if birth else "month -"
        year = str(birth[0]) if birth else "year -"
        for i, text in enumerate((month, year)):
            ui.draw_text(surface, f"Born: {text}" if i == 0 else text, 40, ui.INK,
                         center=_row(0, 1 + i).center)
        n = min(3, len(self._acts()))
        planned = "" if self.plan.minutes else " *"
        per_week = self.plan.home_sessions_per_week
        for row, caption, value in (
            (n, "min a session", f"{self.minutes()}{planned}"),
            (n + 1, "home a week", str(per_week) if per_week else "not set"),
        ):
            r = _row(2, row)
            ui.draw_text(surface, caption, 24, ui.GREY, center=(r.centerx, r.y + 22))
            ui.draw_text(surface, value, 40, ui.INK, center=(r.centerx, r.y + 60))
        notes = ["Changes are saved at once."]
        if planned:
            notes += ["* minutes: the session length", "setting (none in the plan yet)"]
        free = _row(1, len(TOGGLES))
        for i, line in enumerate(notes):
            ui.draw_text(surface, line, 26, ui.GREY, center=(free.centerx, free.y + 16 + i * 30))
        if self.error:
            ui.draw_text(surface, ui.fit_text(self.error, 28, _W - 80), 28, ui.VERMILLION,
                         center=(_W // 2, 790 - 14))
