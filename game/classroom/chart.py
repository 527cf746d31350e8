"""The group chart of the trainer's console: the room's mean provisional score over time, and its spread.

It draws the board's history (one point every few seconds, see ``trainer.classroom.board``): a band from
the lowest to the highest score in the room, and the mean as a line, on a 0-100 scale, the same chart
the projector page shows.
"""
from __future__ import annotations

import pygame

from .. import theme
from ..widgets import draw_panel, draw_text, draw_wrapped

SPREAD = (44, 74, 112)


def chart_points(history: list, rect: pygame.Rect) -> list[tuple[float, tuple[int, int], tuple[int, int] | None]]:
    """Each point that has a score: (mean y, its (x, y) on screen, the (y of the highest, y of the lowest) or None).

    Time runs along the width from the first scored point to the last; scores 0..100 run up the height.
    """
    scored = [p for p in history if p[1] is not None]
    if not scored:
        return []
    t0 = scored[0][0]
    span = max(scored[-1][0] - t0, 1.0)

    def y(score: float) -> int:
        return round(rect.bottom - max(0.0, min(100.0, score)) / 100 * rect.height)

    points = []
    for point in scored:
        x = round(rect.left + (point[0] - t0) / span * rect.width)
        spread = (y(point[4]), y(point[3])) if len(point) >= 5 and point[3] is not None else None
        points.append((point[1], (x, y(point[1])), spread))
    return points


LEGEND_W = 270  # the chart's title, at its right


def draw_group_chart(surface: pygame.Surface, fonts, rect: pygame.Rect, history: list, t) -> None:
    """The chart in ``rect``: a panel with the plot (the spread band, the mean line and the latest mean) and
    its title at the right."""
    draw_panel(surface, rect)
    legend = pygame.Rect(rect.right - LEGEND_W, rect.top + 8, LEGEND_W - 12, rect.height - 12)
    draw_wrapped(surface, fonts, t("console.chart"), legend, theme.SMALL, theme.TEXT_DIM, max_lines=3)
    plot = pygame.Rect(rect.left + 44, rect.top + 10, rect.width - LEGEND_W - 100, rect.height - 20)
    for score in (0, 50, 100):
        y = round(plot.bottom - score / 100 * plot.height)
        pygame.draw.line(surface, theme.PANEL_BORDER, (plot.left, y), (plot.right, y))
        draw_text(surface, fonts, str(score), (plot.left - 8, y), theme.TINY, theme.TEXT_DIM, anchor="midright")
    points = chart_points(history, plot)
    if not points:
        draw_text(surface, fonts, t("console.chart_empty"), plot.center, theme.SMALL, theme.TEXT_DIM, anchor="center")
        return
    band = [(xy[0], spread[0]) for _, xy, spread in points if spread] + [
        (xy[0], spread[1]) for _, xy, spread in reversed(points) if spread]
    if len(band) >= 4:
        pygame.draw.polygon(surface, SPREAD, band)
    line = [xy for _, xy, _ in points]
    if len(line) >= 2:
        pygame.draw.lines(surface, theme.ACCENT, False, line, 3)
    pygame.draw.circle(surface, theme.ACCENT, line[-1], 4)
    draw_text(surface, fonts, f"{points[-1][0]:.0f}", (line[-1][0] + 10, line[-1][1]), theme.BODY, theme.TEXT,
              bold=True, anchor="midleft")
