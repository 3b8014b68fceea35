"""Per-child play settings shared by the engine and every activity.

Plain data with a forgiving dictionary round trip: a settings file edited by hand or written
by another version never stops the app; unknown keys are ignored and bad values fall back to
the default. Where the settings are stored is the games layer's job.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

# Plausible physical screen widths: a small phone to a large touch monitor.
_MIN_SCREEN_MM = 40.0
_MAX_SCREEN_MM = 2000.0
_MAX_SESSION_MINUTES = 120
# How much an activity prompts (sequencing's slot hints): always, only after an error, never.
PROMPTING = ("errorless", "after_error", "none")


@dataclass
class Settings:
    """What a grown-up can change: sound, handedness, motion, strictness, session length.

    ``strict`` asks activities to score more exactly (e.g. narrower tracing band);
    ``screen_width_mm`` is the calibration of the screen's physical width, or None;
    ``stylus`` says the mouse pointer is a pen (a graphics tablet, or a stylus the system
    reports as a mouse), so samples are labelled ``pen`` rather than ``mouse``;
    ``assisted_input`` asks activities for their single-pointer alternative (tap an object,
    then a target, instead of a pinch or a drag; such trials are marked assisted);
    ``timed_rounds`` turns on an activity's optional timed round (e.g. objects in 60 s), off by
    default so children work at their own pace;
    ``prompting`` is how much an activity prompts (one of :data:`PROMPTING`).

    A child's own settings (``telemetry.profile``) are laid over the device's by the launcher
    while the child plays, so activities read one ``app.settings`` either way.
    """

    sound_on: bool = True
    left_handed: bool = False
    reduce_motion: bool = False
    strict: bool = False
    session_minutes: int = 10
    screen_width_mm: float | None = None
    stylus: bool = False
    assisted_input: bool = False
    timed_rounds: bool = False
    prompting: str = "after_error"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary of every setting."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Settings:
        """Settings from a dictionary: unknown keys ignored, bad values replaced by defaults."""
        result = cls()
        if not isinstance(data, dict):
            return result
        known = {f.name for f in fields(cls)}
        for key, value in data.items():
            if key not in known:
                continue
            checked = _check(key, value)
            if checked is not _BAD:
                setattr(result, key, checked)
        return result


_BAD = object()


def _check(key: str, value: Any) -> Any:
    """The value to store for ``key``, or ``_BAD`` when it is not acceptable."""
    if key in ("sound_on", "left_handed", "reduce_motion", "strict", "stylus", "assisted_input",
               "timed_rounds"):
        # bool only: "false" as a string would otherwise be truthy.
        return value if isinstance(value, bool) else _BAD
    if key == "session_minutes":
        if isinstance(value, bool) or not isinstance(value, int):
            return _BAD
        return value if 1 <= value <= _MAX_SESSION_MINUTES else _BAD
    if key == "prompting":
        return value if value in PROMPTING else _BAD
    if key == "screen_width_mm":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return _BAD
        value = float(value)
        if not math.isfinite(value) or not _MIN_SCREEN_MM <= value <= _MAX_SCREEN_MM:
            return _BAD
        return value
    return _BAD
