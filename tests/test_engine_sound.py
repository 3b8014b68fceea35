"""Sound: synthesis (shape, peak, no clipping, no clicks) and the player's silent fallback."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from engine.settings import Settings
from engine.sound import PEAK, SAMPLE_RATE, SOUND_NAMES, SoundPlayer, synthesize, to_pcm16


@pytest.fixture(autouse=True)
def _fresh_mixer():
    pygame.mixer.quit()
    yield
    pygame.mixer.quit()


@pytest.mark.parametrize(
    ("name", "min_s", "max_s"),
    [("success", 0.3, 0.6), ("soft_error", 0.3, 0.4), ("tap", 0.03, 0.05),
     ("reward", 0.8, 1.5)],
)
def test_synthesis_shape_and_levels(name: str, min_s: float, max_s: float) -> None:
    wave = synthesize(name)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert min_s * SAMPLE_RATE <= len(wave) <= max_s * SAMPLE_RATE
    assert float(np.max(np.abs(wave))) == pytest.approx(PEAK, abs=1e-6)
    # Faded in and out: no click at either end.
    assert abs(float(wave[0])) < 1e-3 and abs(float(wave[-1])) < 1e-3
    pcm = to_pcm16(wave)
    assert pcm.shape == (len(wave), 2) and pcm.dtype == np.int16
    assert int(np.max(np.abs(pcm.astype(np.int32)))) == round(PEAK * 32767)


def test_soft_error_is_low_and_gentle() -> None:
    wave = synthesize("soft_error").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(wave))
    freqs = np.fft.rfftfreq(len(wave), 1 / SAMPLE_RATE)
    assert 150 <= freqs[int(np.argmax(spectrum))] <= 230  # a low hum, not a buzzer
    assert float(np.sum(spectrum[freqs > 1000])) < 0.02 * float(np.sum(spectrum))


def test_other_sample_rate() -> None:
    assert len(synthesize("tap", 22_050)) == round(0.04 * 22_050)


def test_unknown_sound() -> None:
    with pytest.raises(ValueError) as err:
        synthesize("buzzer")
    assert str(err.value) == "unknown sound 'buzzer'; known: success, soft_error, tap, reward"
    with pytest.raises(ValueError):
        SoundPlayer().play("buzzer")


def test_to_pcm16_clips() -> None:
    pcm = to_pcm16(np.array([2.0, -2.0, 0.5]), channels=1)
    assert pcm[:, 0].tolist() == [32767, -32767, 16384]


def test_player_plays_on_the_dummy_device() -> None:
    player = SoundPlayer(Settings())
    for name in SOUND_NAMES:
        assert player.play(name) is True
    assert player.available is True
    player.close()
    assert not pygame.mixer.get_init()


def test_player_respects_sound_off_without_opening_the_mixer() -> None:
    settings = Settings(sound_on=False)
    player = SoundPlayer(settings)
    assert player.play("success") is False
    assert player.available is None
    assert not pygame.mixer.get_init()
    settings.sound_on = True  # the same settings object: takes effect at once
    assert player.play("success") is True


def test_player_is_silent_without_an_audio_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "no_such_audio_driver")
    player = SoundPlayer()
    assert player.play("success") is False
    assert player.available is False
    assert player.play("tap") is False  # no second try, no exception
