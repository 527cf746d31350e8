"""The replay distribution chart, drawn by matplotlib's Agg canvas and turned into a pygame surface.

matplotlib is imported when the chart is first drawn (in the debrief's chart thread), not when the
debrief opens: importing it takes about a second, which the screen must not wait for."""
from __future__ import annotations

import numpy as np
import pygame

from .. import theme
from ..heap import load_for_good
from .replay import CHART_KPIS, Series

SERIES_COLOURS = {"you": "#58a6ff", "expert": "#5cc878", "standard": "#f4be50"}


def _hex(colour) -> str:
    return "#%02x%02x%02x" % tuple(colour[:3])


def font_families(source) -> list[str]:
    """The game's own font for matplotlib: DejaVu Sans for Latin text, then the game's face (found by
    file and face index, registered once) for every glyph DejaVu lacks (matplotlib falls back per glyph)."""
    families = ["DejaVu Sans"]
    if source is None or source.path is None:
        return families
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(entry.fname == source.path for entry in manager.ttflist):
        manager.addfont(source.path)
    faces = [entry for entry in manager.ttflist if entry.fname == source.path]
    face = next((entry for entry in faces if getattr(entry, "index", 0) == source.index), faces[0] if faces else None)
    return families + ([face.name] if face is not None else [])


def render_chart(series: list[Series], labels: dict[str, str], kpi_titles: dict[str, str], size: tuple[int, int],
                 font=None) -> pygame.Surface:
    """One strip plot per KPI (customers lost by word of mouth, recovery cost, retention): a dot per run, a bar at the median."""
    dpi = 100
    load_for_good("matplotlib.backends.backend_agg")  # first use: a large library, kept
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # parse_math off: labels and titles are data (a trainee's or a scenario's name), "$" is a dollar sign
    with rc_context({"font.family": font_families(font), "font.size": 10, "axes.unicode_minus": False,
                     "text.parse_math": False}):
        figure = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, facecolor=_hex(theme.PANEL))
        axes = figure.subplots(1, len(CHART_KPIS))
        rng = np.random.default_rng(0)  # jitter only; fixed so the picture is the same every time
        for ax, kpi in zip(axes, CHART_KPIS):
            ax.set_facecolor(_hex(theme.BACKGROUND))
            for i, item in enumerate(series):
                values = np.array([run.get(kpi, np.nan) for run in item.runs], dtype=float)
                values = values[~np.isnan(values)]
                if values.size == 0:
                    continue
                colour = SERIES_COLOURS.get(item.key, "#cccccc")
                ax.scatter(i + rng.uniform(-0.18, 0.18, values.size), values, s=14, color=colour, alpha=0.75, linewidths=0)
                ax.hlines(np.median(values), i - 0.3, i + 0.3, color="white", linewidth=2)
            ax.set_xticks(range(len(series)), [labels[item.key] for item in series], color=_hex(theme.TEXT))
            ax.set_title(kpi_titles[kpi], color=_hex(theme.TEXT), fontsize=11)
            ax.tick_params(colors=_hex(theme.TEXT_DIM), labelsize=9)
            for spine in ax.spines.values():
                spine.set_color(_hex(theme.PANEL_BORDER))
            ax.set_xlim(-0.6, len(series) - 0.4)
            if kpi == "retention_rate":
                ax.yaxis.set_major_formatter(lambda value, _: f"{value:.1%}")
        figure.tight_layout(pad=1.2)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        width, height = canvas.get_width_height()
        return pygame.image.frombuffer(bytes(canvas.buffer_rgba()), (width, height), "RGBA").copy()
