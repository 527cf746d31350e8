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
        pytest.skip("no CJK font: the noto-cjk-sans-otc package is not installed")
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
    """Every non-ASCII character of the labels table and of every scenario (no boxes on screen)."""
    if not font.has_cjk:
        pytest.skip("no CJK font: the noto-cjk-sans-otc package is not installed")
    from pathlib import Path

    from game.strings import STRINGS

    root = Path(__file__).resolve().parents[2]
    text = "".join(en + zh for en, zh in STRINGS.values())
    text += "".join(path.read_text(encoding="utf-8") for path in sorted((root / "scenarios").glob("*.yaml")))
    text += "✓×→▼…"  # marks drawn by the debrief, the dialog and the wrapping
    chars = sorted({char for char in text if ord(char) > 127})
    face = FontBook(font).face(16)
    missing = [char for char, metrics in zip(chars, face.get_metrics("".join(chars))) if metrics is None]
    assert missing == []


def test_the_font_comes_with_the_install_not_the_system():
    from game.fonts import PACKAGED_SC_FACE, packaged_cjk_font

    packaged = packaged_cjk_font()
    assert packaged is not None and packaged.index == PACKAGED_SC_FACE and find_cjk_font() == packaged


def test_a_font_given_with_font_loads_in_a_fresh_process():
    """--font PATH once crashed: FreeType was not initialised yet when the file was checked."""
    import subprocess
    import sys

    from game.fonts import packaged_cjk_font

    path = packaged_cjk_font().path
    code = f"from game.fonts import resolve_font; print(resolve_font({path!r}).path)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert result.returncode == 0 and result.stdout.strip() == path, result.stderr


def test_the_debrief_chart_draws_chinese_with_the_games_font():
    import warnings

    from game.debrief.chart import font_families, render_chart
    from game.debrief.replay import Series
    from game.fonts import packaged_cjk_font
    from sim.exercise import Playbook

    source = packaged_cjk_font()
    assert font_families(source) == ["DejaVu Sans", "Noto Sans CJK SC"]
    series = [Series("you", Playbook(), runs=[{"customers_lost_wom": 3.0, "recovery_cost": 1.0, "retention_rate": 0.9}] * 3)]
    titles = {"customers_lost_wom": "因口碑流失的顾客", "recovery_cost": "补救成本 →", "retention_rate": "留存率 ✓"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns for every glyph it cannot draw
        surface = render_chart(series, {"you": "你"}, titles, (900, 400), source)
    assert surface.get_size() == (900, 400)


def test_chinese_without_a_usable_font_is_said_on_screen(make_app):
    from game.fonts import FontSource

    app = make_app(lang="en")
    app.fonts.source = FontSource(None, 0, has_cjk=False)
    app.set_language("zh")
    assert "--font" in app.notice


def test_a_dollar_in_a_name_is_drawn_as_a_dollar_on_the_debrief_chart():
    from game.debrief.chart import render_chart
    from game.debrief.replay import Series
    from sim.exercise import Playbook

    name = "Ana $x^$"  # a formula that does not parse: drawn as text it must not raise
    series = [Series("you", Playbook(), runs=[{"customers_lost_wom": 3.0, "recovery_cost": 1.0, "retention_rate": 0.9}] * 3)]
    titles = {"customers_lost_wom": f"{name} lost", "recovery_cost": "cost $", "retention_rate": "$\\frac{1}{0}"}
    surface = render_chart(series, {"you": name}, titles, (900, 400))
    assert surface.get_size() == (900, 400)
