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
    face = FontBook(font).face()
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
    latin_only = FontSource(None, 0, has_cjk=False)
    app.fonts = FontBook(latin_only, chain=[latin_only])  # as on a machine with no Chinese font at all
    app.set_language("zh")
    assert "--font" in app.notice


MIXED = ("Delay → 30 min ✓ 航班延误", "顾客: Thank you! 谢谢 → ✓", "Gate B12 → 登机口 ✓ ×2 …")


def _subset(path: str, index: int, text: str, out) -> str:
    """A font holding only the glyphs of ``text`` (and the missing-glyph box), cut from a real font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(str(out))
    return str(out)


@pytest.fixture(scope="module")
def single_fonts(tmp_path_factory):
    """Each kind of font alone: Chinese only, Latin and marks only, Latin only (pygame's default), full CJK."""
    from game.fonts import FontSource, packaged_cjk_font, symbol_font

    cjk = packaged_cjk_font()
    if cjk is None:
        pytest.skip("the noto-cjk-sans-otc package is not installed")
    folder = tmp_path_factory.mktemp("fonts")
    chinese = "".join(sorted({c for text in MIXED for c in text if ord(c) > 0x2E80}))
    return {
        "chinese_only": FontSource(_subset(cjk.path, cjk.index, chinese, folder / "zh_only.otf"), 0),
        "symbols": symbol_font(),
        "pygame_default": FontSource(None, 0, has_cjk=False),
        "noto_cjk": cjk,
    }


@pytest.mark.parametrize("which", ["chinese_only", "symbols", "pygame_default", "noto_cjk"])
def test_every_character_of_a_mixed_line_is_drawn_by_a_font_that_has_it(single_fonts, which):
    """English, Chinese, arrows and ticks in one line, whatever font is chosen: no missing-glyph boxes."""
    primary = single_fonts[which]
    alone = FontBook(primary, chain=[primary])
    book = FontBook(primary)
    for text in MIXED:
        alone_missing = [c for c, m in zip(text, alone.face().get_metrics(text)) if m is None and not c.isspace()]
        for which_font, run in book.runs(text):
            metrics = book.face(which_font).get_metrics(run)
            assert all(m is not None for m in metrics), (which, run, book.chain[which_font])
        assert "".join(run for _, run in book.runs(text)) == text
        if alone_missing:  # the chosen font alone would draw boxes: the chain draws them differently
            tofu = pygame.image.tobytes(alone.render(alone_missing[0], 20, (0, 0, 0)), "RGBA")
            assert pygame.image.tobytes(book.render(alone_missing[0], 20, (0, 0, 0)), "RGBA") != tofu
        line = book.render(text, 20, (0, 0, 0))
        widths = sum(book.render(run, 20, (0, 0, 0)).get_width() for _, run in book.runs(text))
        assert line.get_width() == widths and line.get_height() <= book.line_height(20) + 2


def test_a_chinese_only_font_still_shows_english(single_fonts):
    """``--font`` with a font that has only Chinese glyphs: English comes from the next font of the chain."""
    from game.fonts import resolve_font

    source = resolve_font(single_fonts["chinese_only"].path)
    book = FontBook(source)
    runs = book.runs("Thank you 谢谢")
    assert [book.chain[which] for which, _ in runs][1] == source and runs[0][1] == "Thank you "
    assert book.chain[runs[0][0]] != source and book.has_cjk
    assert len(book.wrap("Thank you for waiting, 谢谢您的耐心 → ✓", 18, 120)) > 1


def test_a_dollar_in_a_name_is_drawn_as_a_dollar_on_the_debrief_chart():
    from game.debrief.chart import render_chart
    from game.debrief.replay import Series
    from sim.exercise import Playbook

    name = "Ana $x^$"  # a formula that does not parse: drawn as text it must not raise
    series = [Series("you", Playbook(), runs=[{"customers_lost_wom": 3.0, "recovery_cost": 1.0, "retention_rate": 0.9}] * 3)]
    titles = {"customers_lost_wom": f"{name} lost", "recovery_cost": "cost $", "retention_rate": "$\\frac{1}{0}"}
    surface = render_chart(series, {"you": name}, titles, (900, 400))
    assert surface.get_size() == (900, 400)
