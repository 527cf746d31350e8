"""The mood colours stay apart for players with red-green colour blindness, and the mood is drawn as a shape too.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira & Fernandes (2009, severity
1.0) in linear RGB, and distances are CIE76 colour differences (Delta E in CIELAB).
"""
from __future__ import annotations

import numpy as np
import pygame
import pytest

from game import theme

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "normal vision": np.eye(3),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear(colour) -> np.ndarray:
    c = np.asarray(colour, dtype=float)[:3] / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear, 0, 1) / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b, vision: str) -> float:
    m = MACHADO[vision]
    return float(np.linalg.norm(_lab(m @ _linear(a)) - _lab(m @ _linear(b))))


@pytest.mark.parametrize("vision", sorted(MACHADO))
def test_furious_and_delighted_stay_far_apart(vision):
    assert delta_e(theme.mood_colour(-1), theme.mood_colour(1), vision) > 60


@pytest.mark.parametrize("vision", sorted(MACHADO))
def test_each_mood_word_has_a_colour_of_its_own(vision):
    moods = (-1.0, -0.4, 0.0, 0.4, 1.0)  # furious, unhappy, neutral, content, delighted
    colours = [theme.mood_colour(m) for m in moods]
    assert min(delta_e(a, b, vision) for a, b in zip(colours, colours[1:])) > 10


def test_the_measure_can_fail_the_old_red_to_green_scale():
    """Red to green, as the game had: under deuteranopia furious and delighted nearly meet."""
    assert delta_e(theme.BAD, theme.GOOD, "deuteranopia") < 20 < delta_e(theme.BAD, theme.GOOD, "normal vision")


def test_the_mood_is_also_a_shape(make_app):
    """Inside the ring (the mood's colour) the face differs by mood: a frown, a flat mouth, a smile."""
    from game.venue.sprites import BODY_SIZE, SpriteBank

    app = make_app()
    bank = SpriteBank(app.fonts)
    face = pygame.Rect(0, 0, 12, 12)
    face.center = (BODY_SIZE // 2, BODY_SIZE // 2)
    faces = [pygame.image.tobytes(bank.body(0, bucket, False, False, False).subsurface(face), "RGBA") for bucket in (0, 4, 8)]
    assert len(set(faces)) == 3
