"""Test-wide set-up: every test runs headless (SDL dummy video and audio drivers)."""

from __future__ import annotations

import os

# Set before any test module imports pygame, so no test needs a screen or a sound card.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
