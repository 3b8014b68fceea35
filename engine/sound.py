"""Feedback sounds synthesised with numpy (no asset files) and a player that never fails.

Sounds are gentle on purpose: nothing a child does is punished, so ``soft_error`` is a short
low hum falling in pitch, never a buzzer. Every sound is faded in and out (no clicks) and peaks
at :data:`PEAK` of full scale, leaving headroom so two sounds mixed together do not clip.

:class:`SoundPlayer` opens the mixer only when the first sound is played, and stays silent,
without raising, on a machine with no audio device (or with sound turned off in the settings).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from engine.settings import Settings

SAMPLE_RATE = 44_100
PEAK = 0.5  # peak amplitude of every sound, as a fraction of full scale
SOUND_NAMES: tuple[str, ...] = ("success", "soft_error", "tap", "reward")

_log = logging.getLogger(__name__)


def _tone(freq: float, seconds: float, rate: int, harmonics: tuple[float, ...] = (1.0,),
          decay: float = 0.0) -> np.ndarray:
    """A tone with a few harmonics and an optional exponential decay, not yet normalised."""
    t = np.arange(int(round(seconds * rate)), dtype=np.float64) / rate
    wave = np.zeros_like(t)
    for i, amp in enumerate(harmonics, start=1):
        wave += amp * np.sin(2 * np.pi * freq * i * t)
    if decay:
        wave *= np.exp(-decay * t)
    return wave


def _fade(wave: np.ndarray, rate: int, fade_s: float = 0.008) -> np.ndarray:
    """Raised-cosine fade in and out, so the sound starts and ends at zero (no click)."""
    n = min(len(wave) // 2, max(1, int(fade_s * rate)))
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))
    out: np.ndarray = wave.copy()
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def _sequence(notes: list[tuple[float, float]], rate: int, overlap: float = 0.5,
              harmonics: tuple[float, ...] = (1.0, 0.3, 0.1), decay: float = 6.0) -> np.ndarray:
    """Notes ``(freq, seconds)`` one after another; each rings on under the next one."""
    starts, total = [], 0.0
    for _, dur in notes:
        starts.append(total)
        total += dur * (1 - overlap)
    total += notes[-1][1] * overlap
    out = np.zeros(int(round(total * rate)) + 1)
    for (freq, dur), start in zip(notes, starts, strict=True):
        note = _fade(_tone(freq, dur, rate, harmonics, decay), rate)
        i = int(round(start * rate))
        out[i : i + len(note)] += note[: len(out) - i]
    return out


def synthesize(name: str, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The named sound as mono float32 samples in ``[-PEAK, PEAK]``, starting and ending at 0."""
    rate = sample_rate
    if name == "success":
        # C major arpeggio C5 E5 G5 C6: bright, short, rising.
        wave = _sequence([(523.25, 0.12), (659.25, 0.12), (783.99, 0.12), (1046.5, 0.3)], rate)
    elif name == "soft_error":
        # A low, soft, slightly falling hum: "try again", not "wrong".
        t_s = 0.35
        t = np.arange(int(round(t_s * rate))) / rate
        freq = 220.0 - 40.0 * t / t_s
        phase = 2 * np.pi * np.cumsum(freq) / rate
        wave = (np.sin(phase) + 0.15 * np.sin(2 * phase)) * np.exp(-3.0 * t)
        wave = _fade(wave, rate, 0.03)
    elif name == "tap":
        # A short woody click: a fast-decaying 1.2 kHz blip.
        wave = _fade(_tone(1200.0, 0.04, rate, (1.0, 0.2), decay=90.0), rate, 0.002)
    elif name == "reward":
        # A longer chime: two arpeggios up to a held high note.
        notes = [(523.25, 0.15), (659.25, 0.15), (783.99, 0.15), (1046.5, 0.15),
                 (1318.5, 0.15), (1568.0, 0.6)]
        wave = _sequence(notes, rate, overlap=0.4, decay=3.0)
    else:
        raise ValueError(f"unknown sound {name!r}; known: {', '.join(SOUND_NAMES)}")
    wave = _fade(wave, rate, 0.004)
    peak = float(np.max(np.abs(wave)))
    if peak > 0:
        wave = wave * (PEAK / peak)
    return wave.astype(np.float32)


def to_pcm16(mono: np.ndarray, channels: int = 2) -> np.ndarray:
    """Float samples in [-1, 1] to C-contiguous int16 frames of shape ``(n, channels)``."""
    clipped = np.clip(mono, -1.0, 1.0)
    pcm = np.round(clipped * 32767.0).astype(np.int16)
    return np.ascontiguousarray(np.repeat(pcm[:, None], channels, axis=1))


class SoundPlayer:
    """Plays the synthesised sounds; silent (never raising) without an audio device.

    Reads ``settings.sound_on`` at every call, so turning sound off takes effect at once.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self.available: bool | None = None  # None until the mixer was tried
        self._sounds: dict[str, Any] = {}

    def _ensure_mixer(self) -> bool:
        if self.available is not None:
            return self.available
        try:
            import pygame

            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=512)
            self.available = bool(pygame.mixer.get_init())
        except Exception as exc:  # any failure means: play silently
            _log.info("sound disabled: %s", exc)
            self.available = False
        return self.available

    def _sound(self, name: str) -> Any:
        snd = self._sounds.get(name)
        if snd is None:
            import pygame

            # The mixer keeps the 16-bit format we asked for but may change rate and channels.
            init = pygame.mixer.get_init()
            if init is None:  # closed under us: play() turns this into silence
                raise RuntimeError("the mixer is closed")
            freq, _fmt, channels = init
            wave = synthesize(name, freq)
            snd = pygame.mixer.Sound(buffer=to_pcm16(wave, channels).tobytes())
            self._sounds[name] = snd
        return snd

    def play(self, name: str) -> bool:
        """Play a sound by name; return True when it was started, False when silent."""
        if name not in SOUND_NAMES:
            raise ValueError(f"unknown sound {name!r}; known: {', '.join(SOUND_NAMES)}")
        if not self.settings.sound_on or not self._ensure_mixer():
            return False
        try:
            self._sound(name).play()
        except Exception as exc:  # a lost device mid-session: stay silent from now on
            _log.info("sound disabled: %s", exc)
            self.available = False
            return False
        return True

    def close(self) -> None:
        """Release the mixer if this player opened it."""
        self._sounds.clear()
        if self.available:
            import pygame

            pygame.mixer.quit()
        self.available = None
