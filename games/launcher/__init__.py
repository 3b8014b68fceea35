"""The launcher: a child picks their picture, then a game; grown-ups pass a 3 s hold gate.

A package split by concern: ``session`` (the :class:`Launcher`: the session lifecycle, the
recorder, the home-session deadline), ``host`` (:class:`ActivityHost`), ``pickers`` (children,
games), ``grown_up`` (settings), ``add_child`` (its keyboard), ``picture_chooser``, ``reward`` and
``avatars`` (the children's pictures). The names tests and the CLI use are re-exported here.
"""

from engine.screens import SETTLE_S
from games.launcher.add_child import MAX_TYPED, AddChildScene
from games.launcher.avatars import AVATAR_IDS, AVATARS, UNKNOWN_AVATAR, Avatar, avatar
from games.launcher.base import GATE_SECONDS, LauncherScene
from games.launcher.grown_up import GrownUpScene
from games.launcher.host import ActivityHost
from games.launcher.pickers import ActivityPickerScene, ChildPickerScene
from games.launcher.picture_chooser import PictureChooserScene
from games.launcher.recording import PendingSession, window_mm
from games.launcher.reward import REWARD_AUTO_CLOSE_S, REWARD_HOLD_S, RewardScene
from games.launcher.session import Launcher

__all__ = [
    "AVATARS",
    "AVATAR_IDS",
    "GATE_SECONDS",
    "MAX_TYPED",
    "REWARD_AUTO_CLOSE_S",
    "REWARD_HOLD_S",
    "SETTLE_S",
    "UNKNOWN_AVATAR",
    "ActivityHost",
    "ActivityPickerScene",
    "AddChildScene",
    "Avatar",
    "ChildPickerScene",
    "GrownUpScene",
    "Launcher",
    "LauncherScene",
    "PendingSession",
    "PictureChooserScene",
    "RewardScene",
    "avatar",
    "window_mm",
]
