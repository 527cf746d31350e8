"""The scoreboard as a PNG picture: a score heat map (trainees x scenarios) and the common mistakes.

Drawn with matplotlib's Agg canvas directly (no pyplot), so it works headless and never changes
the plotting backend of the program that calls it.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .scoreboard import Scoreboard

MAX_MISTAKES_SHOWN = 10
# Chinese names and labels need a CJK font; the first one installed is used as a fallback.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Source Han Sans SC", "SimHei")


def scoreboard_png(board: Scoreboard, lang: str | None = None, dpi: int = 120) -> bytes:
    """Render the scoreboard and common mistakes as PNG bytes."""
    mistakes = board.mistakes[:MAX_MISTAKES_SHOWN]
    rows, columns = max(len(board.trainees), 1), max(len(board.session.scenarios), 1)
    heat_height = 1.6 + 0.45 * rows
    bars_height = 1.4 + 0.5 * max(len(mistakes), 1)
    # parse_math off: a "$" in a typed name is a dollar sign, not the start of a formula
    with rc_context({"font.family": ["DejaVu Sans", *_installed_cjk_fonts()], "font.size": 10, "text.parse_math": False}):
        figure = Figure(figsize=(max(8.0, 3.5 + 1.5 * columns), heat_height + bars_height), dpi=dpi,
                        layout="constrained")
        FigureCanvasAgg(figure)
        top, bottom = figure.subplots(2, 1, height_ratios=[heat_height, bars_height])
        _draw_scores(top, figure, board, lang)
        _draw_mistakes(bottom, board, mistakes, lang)
        figure.suptitle(f"{board.session.name} ({board.session.date.isoformat()})", fontsize=13, fontweight="bold")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw_scores(axes, figure, board: Scoreboard, lang: str | None) -> None:
    trainees, scenarios = board.trainees, board.session.scenarios
    shares = np.full((max(len(trainees), 1), len(scenarios)), np.nan)
    for row, trainee in enumerate(trainees):
        for column, scenario in enumerate(scenarios):
            cell = board.cell(trainee.id, scenario.id)
            if cell.best is not None:
                shares[row, column] = cell.best.scaled_score * 100
            axes.text(column, row, _cell_text(cell), ha="center", va="center", fontsize=9,
                      color="black" if cell.best is not None else "dimgray")
    image = axes.imshow(np.ma.masked_invalid(shares), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    axes.set_facecolor("#eeeeee")
    axes.set_xticks(range(len(scenarios)), [_wrap(s.label(lang), 18) for s in scenarios])
    axes.set_yticks(range(max(len(trainees), 1)), [t.name for t in trainees] or ["(no trainees yet)"])
    axes.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    axes.set_title("Best score per trainee and scenario", loc="left", fontsize=11)
    colorbar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
    colorbar.set_label("score, % of maximum")


def _cell_text(cell) -> str:
    scripted = f"\n(+{cell.scripted} scripted)" if cell.scripted else ""
    if cell.best is not None:
        turns = cell.finished + cell.in_progress
        return f"{cell.best.score:g}/{cell.best.score_max:g}" + (f"\n({turns} turns)" if turns > 1 else "") + scripted
    if not cell.in_progress and cell.scripted:
        return "scripted only"
    return ("in progress" if cell.in_progress else "–") + scripted


def _draw_mistakes(axes, board: Scoreboard, mistakes, lang: str | None) -> None:
    axes.set_title("Most common mistakes (bad choices made)", loc="left", fontsize=11)
    if not mistakes:
        axes.text(0.5, 0.5, "No mistakes recorded", ha="center", va="center", transform=axes.transAxes,
                  color="dimgray")
        axes.set_axis_off()
        return
    labels = [_wrap(_mistake_label(board, mistake, lang), 48) for mistake in mistakes]
    counts = [mistake.times for mistake in mistakes]
    positions = np.arange(len(mistakes))
    axes.barh(positions, counts, color="#d9534f")
    axes.set_yticks(positions, labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel("times chosen (number of trainees in brackets)")
    axes.set_xlim(0, max(counts) * 1.18)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for position, mistake in zip(positions, mistakes):
        axes.text(mistake.times, position, f" {mistake.times} ({mistake.trainees})", va="center", fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)


def _mistake_label(board: Scoreboard, mistake, lang: str | None) -> str:
    scenario = board.session.scenario(mistake.scenario_id)
    scenario_name = scenario.label(lang) if scenario else mistake.scenario_id
    return f"{mistake.text(lang)} — {scenario_name}, {mistake.decision_point_id}"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _installed_cjk_fonts() -> list[str]:
    """One CJK family for matplotlib's per-glyph fallback: the Noto Sans CJK collection installed with the
    package (``noto-cjk-sans-otc``) first, else the first of ``CJK_FONTS`` the system has."""
    _register_packaged_cjk_font()
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in installed][:1]


def _register_packaged_cjk_font() -> None:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return
    path = str(noto_cjk_sans_otc.FONT_PATH)
    manager = font_manager.fontManager
    if not any(entry.fname == path for entry in manager.ttflist):
        manager.addfont(path)
