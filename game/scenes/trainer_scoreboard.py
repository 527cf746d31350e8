"""The session's scoreboard: trainees x scenarios with scores and the KPIs behind them, the group's
common mistakes, and exports of both as PNG and HTML."""
from __future__ import annotations

import pygame

from trainer.scoreboard import build_scoreboard

from .. import theme
from ..debrief.kpi_table import KPI_ROWS
from ..exports import default_export_dir, export_scoreboard
from ..scoring import SCORED_KPIS, scored_kpis
from ..widgets import Button, draw_chip, draw_panel, draw_text, draw_wrapped
from .trainer_base import TrainerScene, cell_text

GRID = pygame.Rect(48, 128, 1184, 272)
MISTAKES = pygame.Rect(48, 410, 1184, 156)
NAME_W, HEADER_H, ROW_H = 220, 40, 56
MISTAKES_SHOWN = 4  # the HTML export lists them all
KPI_FORMATS = dict(KPI_ROWS)


class ScoreboardScene(TrainerScene):
    """Each cell shows the best finished turn; clicking it reopens that turn's debrief."""

    name = "trainer_scoreboard"
    page_size = 4
    message_rect = pygame.Rect(48, 604, 1184, 26)  # below the export folder's line

    def __init__(self, app, session):
        super().__init__(app)
        self.session = session
        self.board = None
        self.folder = app.options.export_dir or default_export_dir()

    def reload(self) -> None:
        records = self.attempt(self.app.records)
        if records is not None:
            self.board = self.attempt(build_scoreboard, records, self.session.id) or self.board

    def row_count(self) -> int:
        return len(self.board.trainees) if self.board is not None else 0

    def columns(self) -> list[pygame.Rect]:
        """The scenario columns of the grid."""
        count = max(1, len(self.session.scenarios))
        width = (GRID.width - 32 - NAME_W) // count
        return [pygame.Rect(GRID.left + 16 + NAME_W + i * width, GRID.top, width, GRID.height) for i in range(count)]

    def layout(self) -> None:
        self.buttons.clear()
        columns = self.columns()
        for slot, index in enumerate(self.shown_rows()):
            trainee = self.board.trainees[index]
            y = GRID.top + HEADER_H + 8 + slot * ROW_H
            for ref, column in zip(self.session.scenarios, columns):
                cell = self.board.cell(trainee.id, ref.id)
                if cell.best is not None:
                    rect = pygame.Rect(column.left + 4, y - 1, column.width - 8, ROW_H - 4)
                    self.buttons.add(Button(f"cell:{trainee.id}:{ref.id}", rect, "", lambda t=cell.best: self.reopen(t)))
        self.add_bottom_buttons([
            ("export_png", self.t("trainer.export_png"), lambda: self.export("png"), pygame.K_p, "primary"),
            ("export_html", self.t("trainer.export_html"), lambda: self.export("html"), pygame.K_h, "primary"),
            ("back", self.t("trainer.back"), self.leave, pygame.K_ESCAPE, "normal"),
        ])
        for bid in ("export_html", "export_png"):
            self.buttons.get(bid).enabled = self.board is not None

    def export(self, kind: str) -> None:
        records = self.attempt(self.app.records)
        if records is None or self.board is None:
            return
        path = self.attempt(export_scoreboard, self.board, self.folder, kind, self.app.settings.lang, records.path)
        if path is not None:
            self.say(self.t("trainer.exported", path=str(path)))

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        self.heading(surface, self.t("heading", label=self.t("trainer.scoreboard"), title=self.session.name))
        draw_text(surface, fonts, self.t("trainer.score_scale", date=self.session.date.isoformat()), (48, 96), theme.SMALL, theme.TEXT_DIM)
        draw_panel(surface, GRID)
        draw_panel(surface, MISTAKES)
        self.draw_common(surface)
        if self.board is not None:
            self._draw_grid(surface)
            self._draw_mistakes(surface)
        folder = self.t("trainer.export_folder", folder=str(self.folder))
        draw_wrapped(surface, fonts, folder, pygame.Rect(48, MISTAKES.bottom + 10, 1184, 22), theme.SMALL, theme.TEXT_DIM, max_lines=1)

    def _draw_grid(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        top = GRID.top + 10
        draw_text(surface, fonts, self.t("trainer.trainee"), (GRID.left + 16, top), theme.BODY, theme.TEXT_DIM, bold=True)
        for ref, column in zip(self.session.scenarios, self.columns()):
            draw_wrapped(surface, fonts, self.scenario_label(ref), pygame.Rect(column.left + 8, top, column.width - 16, 30), theme.BODY,
                         theme.TEXT_DIM, bold=True, max_lines=1)
        if not self.board.trainees:
            draw_wrapped(surface, fonts, self.t("trainer.no_trainees"), pygame.Rect(GRID.left + 16, top + HEADER_H + 10, GRID.width - 32, 60),
                         theme.BODY, theme.TEXT_DIM)
        for slot, index in enumerate(self.shown_rows()):
            trainee = self.board.trainees[index]
            y = GRID.top + HEADER_H + 8 + slot * ROW_H
            pygame.draw.line(surface, theme.PANEL_BORDER, (GRID.left + 12, y - 4), (GRID.right - 12, y - 4))
            draw_wrapped(surface, fonts, trainee.name, pygame.Rect(GRID.left + 16, y + 14, NAME_W - 16, 30), theme.BODY,
                         theme.TEXT, bold=True, max_lines=1)
            for ref, column in zip(self.session.scenarios, self.columns()):
                rect = pygame.Rect(column.left + 12, y + 2, column.width - 24, ROW_H - 8)
                self._draw_cell(surface, self.board.cell(trainee.id, ref.id), rect, self._scored(ref.id))

    def _scored(self, scenario_id: str) -> tuple[str, ...]:
        """The KPIs a scenario's score is made of (the defaults when its file is gone)."""
        scenario = self.scenario_of(scenario_id)
        return scored_kpis(scenario) if scenario is not None else SCORED_KPIS

    def _draw_cell(self, surface: pygame.Surface, cell, rect: pygame.Rect, scored: tuple[str, ...]) -> None:
        """The best score as a coloured chip, the number of turns, and the KPIs the score is made of."""
        fonts = self.app.fonts
        if cell.best is None:
            draw_text(surface, fonts, cell_text(self.t, cell), (rect.left, rect.top + 10), theme.BODY, theme.TEXT_DIM)
            return
        turn = cell.best
        share = turn.scaled_score or 0.0
        chip = draw_chip(surface, fonts, f"{turn.score:g} / {turn.score_max:g}", rect.topleft, theme.mood_colour(2 * share - 1))
        turns = cell.finished + cell.in_progress
        notes = ([self.t("trainer.turn_count", count=turns)] if turns > 1 else []) + (
            [self.t("trainer.scripted_count", count=cell.scripted)] if cell.scripted else [])
        if notes:
            draw_wrapped(surface, fonts, " · ".join(notes), pygame.Rect(chip.right + 10, chip.top + 2, rect.right - chip.right - 10, 22),
                         theme.SMALL, theme.TEXT_DIM, max_lines=1)
        kpis = turn.kpis or {}
        parts = [f"{self._kpi_label(name)} {KPI_FORMATS.get(name, '{:g}').format(kpis[name])}" for name in scored if name in kpis]
        draw_wrapped(surface, fonts, " · ".join(parts), pygame.Rect(rect.left, chip.bottom + 2, rect.width, 20), theme.TINY,
                     theme.TEXT_DIM, max_lines=1)

    def _kpi_label(self, name: str) -> str:
        """A KPI's short label; a KPI the game has no words for shows its own name."""
        key = f"kpishort.{name}"
        label = self.t(key)
        return name if label == key else label

    def _draw_mistakes(self, surface: pygame.Surface) -> None:
        fonts, lang = self.app.fonts, self.app.settings.lang
        inner = MISTAKES.inflate(-32, -20)
        draw_text(surface, fonts, self.t("trainer.common_mistakes"), inner.topleft, theme.H2, theme.ACCENT, bold=True)
        y = inner.top + fonts.line_height(theme.H2) + 4
        if not self.board.mistakes:
            draw_text(surface, fonts, self.t("trainer.no_mistakes"), (inner.left, y), theme.BODY, theme.TEXT_DIM)
            return
        shown = self.board.mistakes[:MISTAKES_SHOWN]
        counts = [self.t("trainer.mistake_count", times=m.times, trainees=m.trainees) for m in shown]
        text_left = inner.left + max(fonts.width(count, theme.SMALL, True) for count in counts) + 16
        for mistake, count in zip(shown, counts):
            ref = self.session.scenario(mistake.scenario_id)
            draw_text(surface, fonts, count, (inner.left, y), theme.SMALL, theme.BAD, bold=True)
            line = f"{mistake.text(lang)} ({self.scenario_label(ref) if ref else mistake.scenario_id})"
            draw_wrapped(surface, fonts, line, pygame.Rect(text_left, y, inner.right - text_left, 22), theme.SMALL, theme.TEXT, max_lines=1)
            y += fonts.line_height(theme.SMALL)
