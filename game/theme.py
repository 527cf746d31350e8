"""Colours, text sizes and the screen's logical size, shared by every scene."""
from __future__ import annotations

SCREEN_SIZE = (1280, 720)

BACKGROUND = (24, 30, 41)
PANEL = (36, 44, 58)
PANEL_LIGHT = (50, 60, 78)
PANEL_BORDER = (78, 92, 116)
TEXT = (232, 236, 242)
TEXT_DIM = (160, 170, 186)
TEXT_DARK = (30, 34, 42)
ACCENT = (88, 166, 255)
ACCENT_DARK = (46, 98, 168)
GOOD = (92, 200, 120)
BAD = (236, 96, 88)
WARN = (244, 190, 80)
VIP_GOLD = (240, 200, 70)
FOCUS = (255, 255, 255)
DISABLED = (96, 104, 118)
OVERLAY = (10, 12, 18, 170)

# nominal text sizes (scaled by the text-size setting)
TITLE, H1, H2, BODY, SMALL, TINY = 46, 30, 22, 18, 15, 13

INJECT_COLOURS = {
    "weather": (92, 120, 220),
    "gate": (240, 170, 60),
    "complaint": (226, 88, 80),
    "delay": (230, 120, 60),
    "info": (70, 160, 200),
}
SEGMENT_COLOURS = (
    (120, 170, 235),
    (240, 150, 90),
    (170, 130, 220),
    (110, 200, 170),
    (230, 120, 160),
    (200, 200, 110),
)


MOOD_FURIOUS, MOOD_NEUTRAL, MOOD_DELIGHTED = (213, 94, 0), (240, 228, 66), (0, 114, 178)
"""Okabe-Ito vermillion, yellow and blue: they stay apart under deuteranopia and protanopia, where
red and green meet (the sprites also draw the mood as a mouth, so colour is never the only sign)."""


def mood_colour(mood: float) -> tuple[int, int, int]:
    """Vermillion (furious) through yellow (neutral) to blue (delighted) for a mood in [-1, 1]."""
    mood = max(-1.0, min(1.0, mood))
    low, high, t = (MOOD_FURIOUS, MOOD_NEUTRAL, mood + 1.0) if mood < 0 else (MOOD_NEUTRAL, MOOD_DELIGHTED, mood)
    return tuple(int(a + (b - a) * t) for a, b in zip(low, high))


def mood_word_key(mood: float) -> str:
    """The strings-table key of a word for a mood."""
    if mood <= -0.6:
        return "mood.furious"
    if mood < -0.15:
        return "mood.unhappy"
    if mood <= 0.15:
        return "mood.neutral"
    if mood < 0.6:
        return "mood.content"
    return "mood.delighted"
