"""The player's settings: language, text size, window or full screen, sound."""
from __future__ import annotations

from dataclasses import dataclass

TEXT_SIZES = {"small": 0.88, "normal": 1.0, "large": 1.5}


@dataclass
class Settings:
    """What the settings screen changes; the command line gives the starting values."""

    lang: str = "en"
    text_size: str = "normal"
    fullscreen: bool = False
    sound: bool = True
    timer: bool = True  # dialogs count down; a trainer may switch it off for a session

    @property
    def text_scale(self) -> float:
        return TEXT_SIZES[self.text_size]

    def next_text_size(self) -> None:
        sizes = list(TEXT_SIZES)
        self.text_size = sizes[(sizes.index(self.text_size) + 1) % len(sizes)]
