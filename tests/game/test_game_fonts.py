"""Finding a Chinese font, and wrapping English and Chinese text."""
from __future__ import annotations

import pygame
import pytest

from game.fonts import FontBook, find_cjk_font, resolve_font
from sim import UserError


def test_a_missing_font_file_is_a_user_error():
    with pytest.raises(UserError, match="no such font file"):
        resolve_font("/no/such/font.ttc")


def test_chinese_renders_as_glyphs_not_boxes(font):
    if not font.has_cjk:
        pytest.skip("no CJK font installed (see README: fonts-noto-cjk)")
    assert find_cjk_font() is not None
    book = FontBook(font)
    glyphs = [book.render(char, 20, (0, 0, 0)) for char in "航班延误"]
    tofu = book.render("\uffff", 20, (0, 0, 0))  # an unassigned code point draws the missing-glyph box
    images = [pygame.image.tobytes(surface, "RGBA") for surface in glyphs]
    assert len(set(images)) == 4  # four different characters, four different pictures
    assert all(image != pygame.image.tobytes(tofu, "RGBA") for image in images)


def test_wrapping_breaks_words_in_english_and_characters_in_chinese(font):
    book = FontBook(font)
    english = book.wrap("Those are the company rules: we cannot say anything yet.", 18, 200)
    assert len(english) > 1 and all(not line.startswith(" ") for line in english)
    assert " ".join(english).split() == "Those are the company rules: we cannot say anything yet.".split()
    chinese = book.wrap("这是公司的规定：机长广播之前我们什么都不能说。", 18, 120)
    assert len(chinese) > 1 and "".join(chinese) == "这是公司的规定：机长广播之前我们什么都不能说。"
    assert not any(line.startswith(("，", "。", "：")) for line in chinese)


def test_the_font_has_a_glyph_for_every_character_the_game_shows(font):
    """Every non-ASCII character of the labels table and the two scenarios (no boxes on screen)."""
    if not font.has_cjk:
        pytest.skip("no CJK font installed (see README: fonts-noto-cjk)")
    from pathlib import Path

    from game.strings import STRINGS

    root = Path(__file__).resolve().parents[2]
    text = "".join(en + zh for en, zh in STRINGS.values())
    text += "".join((root / "scenarios" / name).read_text(encoding="utf-8") for name in ("delayed_flight.yaml", "vip_lounge.yaml"))
    text += "✓×→▼…"  # marks drawn by the debrief, the dialog and the wrapping
    chars = sorted({char for char in text if ord(char) > 127})
    face = FontBook(font).face(16)
    missing = [char for char, metrics in zip(chars, face.get_metrics("".join(chars))) if metrics is None]
    assert missing == []
