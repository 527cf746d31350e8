"""Short cue sounds made from sine tones, so the game needs no sound files; silent when audio is missing."""
from __future__ import annotations

import numpy as np
import pygame

RATE = 22050
CUES = {"inject": (660, 880), "decision": (520, 780, 1040), "good": (700, 940), "bad": (300, 220), "click": (900,)}


def _tone(freqs: tuple[int, ...], note_s: float = 0.09) -> np.ndarray:
    parts = []
    for freq in freqs:
        t = np.arange(int(RATE * note_s)) / RATE
        envelope = np.minimum(1.0, np.minimum(t, note_s - t) * 40)
        parts.append(0.25 * envelope * np.sin(2 * np.pi * freq * t))
    wave = (np.concatenate(parts) * 32767).astype(np.int16)
    return np.column_stack([wave, wave])


class Sounds:
    """Plays named cues when sound is on and an audio device exists."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self._ready = False

    def _load(self) -> None:
        self._ready = True
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=RATE, size=-16, channels=2)
            self._sounds = {name: pygame.sndarray.make_sound(np.ascontiguousarray(_tone(freqs))) for name, freqs in CUES.items()}
        except (pygame.error, ValueError):
            self._sounds = {}

    def play(self, name: str) -> None:
        if not self.enabled:
            return
        if not self._ready:
            self._load()
        sound = self._sounds.get(name)
        if sound is not None:
            sound.play()
