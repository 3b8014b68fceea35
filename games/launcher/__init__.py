"""The launcher: a child picks their picture, then a game; grown-ups pass a 3 s hold gate.

A package split by concern: ``session`` (the :class:`Launcher`: the session lifecycle, the
recorder, the home-session deadline), ``host`` (:class:`ActivityHost`), ``pickers`` (children,
games), ``grown_up`` (settings, "add a child" with its keyboard), ``reward`` and ``avatars``
(the children's pictures). The names tests and the CLI use are re-exported here.
"""

from engine.screens import SETTLE_S
from games.launcher.avatars import AVATAR_IDS, AVATARS, DEFAULT_AVATAR, Avatar, avatar
from games.launcher.base import GATE_SECONDS, LauncherScene
from games.launcher.grown_up import MAX_TYPED, AddChildScene, GrownUpScene
from games.launcher.host import ActivityHost
from games.launcher.pickers import ActivityPickerScene, ChildPickerScene
from games.launcher.reward import REWARD_AUTO_CLOSE_S, RewardScene
from games.launcher.session import Launcher, window_mm

__all__ = [
    "AVATARS",
    "AVATAR_IDS",
    "DEFAULT_AVATAR",
    "GATE_SECONDS",
    "MAX_TYPED",
    "REWARD_AUTO_CLOSE_S",
    "SETTLE_S",
    "ActivityHost",
    "ActivityPickerScene",
    "AddChildScene",
    "Avatar",
    "ChildPickerScene",
    "GrownUpScene",
    "Launcher",
    "LauncherScene",
    "RewardScene",
    "avatar",
    "window_mm",
]
