"""One training session: its trainees with their results so far, adding trainees, and joining with a name."""
from __future__ import annotations

import pygame

from trainer.scoreboard import build_scoreboard

from .. import theme
from ..textfield import TextField
from ..widgets import Button, draw_panel, draw_text, draw_wrapped
from .registry import make_scene
from .trainer_base import TrainerScene, cell_text

LEFT = pygame.Rect(48, 150, 760, 420)
RIGHT = pygame.Rect(832, 150, 400, 420)
ROW_H, ROW_GAP = 64, 8


class TrainerSessionScene(TrainerScene):
    """The trainer adds trainees here; a trainee at a shared machine joins with their name and plays."""

    name = "trainer_session"
    page_size = 5

    def __init__(self, app, session):
        super().__init__(app)
        self.session = session
        self.board = None
        self.add_field = TextField("add", pygame.Rect(RIGHT.left + 20, RIGHT.top + 70, RIGHT.width - 40, 44), "",
                                   on_submit=self.add_trainee)
        self.join_field = TextField("join", pygame.Rect(RIGHT.left + 20, RIGHT.top + 276, RIGHT.width - 40, 44), "",
                                    on_submit=self.join)
        self.fields = [self.add_field, self.join_field]

    def reload(self) -> None:
        records = self.attempt(self.app.records)
        if records is not None:
            self.board = self.attempt(build_scoreboard, records, self.session.id) or self.board

    def row_count(self) -> int:
        return len(self.board.trainees) if self.board is not None else 0

    def layout(self) -> None:
        self.add_field.label = self.t("trainer.add_trainee_label")
        self.add_field.placeholder = self.t("trainer.name_example")
        self.join_field.label = self.t("trainer.join_label")
        self.join_field.placeholder = self.t("trainer.your_name")
        self.buttons.clear()
        for slot, index in enumerate(self.shown_rows()):
            trainee = self.board.trainees[index]
            rect = pygame.Rect(LEFT.left + 16, LEFT.top + 52 + slot * (ROW_H + ROW_GAP), LEFT.width - 32, ROW_H)
            self.buttons.add(Button(f"trainee:{trainee.id}", rect, "", lambda t=trainee: self.open_trainee(t)))
        inner = RIGHT.inflate(-40, 0)
        self.buttons.add(Button("add", pygame.Rect(inner.left, RIGHT.top + 124, inner.width, 44), self.t("trainer.add_trainee"),
                                self.add_trainee))
        self.buttons.add(Button("join", pygame.Rect(inner.left, RIGHT.top + 330, inner.width, 44), self.t("trainer.join"),
                                self.join, style="primary"))
        self.add_bottom_buttons([
            ("scoreboard", self.t("trainer.scoreboard"), self.open_scoreboard, pygame.K_s, "primary"),
            ("back", self.t("trainer.back"), self.leave, pygame.K_ESCAPE, "normal"),
        ])

    # -- actions --------------------------------------------------------------------------------
    def add_trainee(self) -> None:
        records = self.attempt(self.app.records)
        trainee = records and self.attempt(records.add_trainee, self.session.id, self.add_field.value)
        if trainee:
            self.add_field.value = ""
            self.say(self.t("trainer.added", name=trainee.name))
            self.reload()
            self.first = max(0, self.row_count() - self.page_size)
            self.layout()
            self.add_field.focus(True)

    def join(self) -> None:
        records = self.attempt(self.app.records)
        trainee = records and self.attempt(records.join_session, self.session.id, self.join_field.value)
        if trainee:
            self.join_field.value = ""
            self.message = ""
            self.open_trainee(trainee)

    def open_trainee(self, trainee) -> None:
        self.open(make_scene("trainer_trainee", self.app, self.session, trainee))

    def open_scoreboard(self) -> None:
        self.open(make_scene("trainer_scoreboard", self.app, self.session))

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        self.heading(surface, self.t("heading", label=self.t("trainer.session"), title=self.session.name))
        titles = ", ".join(self.scenario_label(s) for s in self.session.scenarios)
        draw_wrapped(surface, fonts, self.t("trainer.session_line", date=self.session.date.isoformat(), titles=titles),
                     pygame.Rect(48, 96, 1184, 40), theme.BODY, theme.TEXT_DIM, max_lines=1)
        draw_panel(surface, LEFT)
        draw_panel(surface, RIGHT)
        draw_text(surface, fonts, self.t("trainer.trainees"), (LEFT.left + 20, LEFT.top + 14), theme.H2, theme.ACCENT, bold=True)
        draw_text(surface, fonts, self.t("trainer.add_trainees"), (RIGHT.left + 20, RIGHT.top + 14), theme.H2, theme.ACCENT, bold=True)
        draw_text(surface, fonts, self.t("trainer.shared_machine"), (RIGHT.left + 20, RIGHT.top + 200), theme.H2, theme.ACCENT, bold=True)
        if self.row_count() == 0:
            draw_wrapped(surface, fonts, self.t("trainer.no_trainees"), pygame.Rect(LEFT.left + 20, LEFT.top + 60, LEFT.width - 40, 80),
                         theme.BODY, theme.TEXT_DIM)
        self.draw_common(surface)
        for slot, index in enumerate(self.shown_rows()):
            self._draw_trainee(surface, self.board.trainees[index], slot)

    def _draw_trainee(self, surface, trainee, slot: int) -> None:
        fonts = self.app.fonts
        rect = pygame.Rect(LEFT.left + 16, LEFT.top + 52 + slot * (ROW_H + ROW_GAP), LEFT.width - 32, ROW_H).inflate(-28, -14)
        draw_text(surface, fonts, trainee.name, rect.topleft, theme.BODY, theme.TEXT, bold=True)
        parts = [f"{self.scenario_label(s)}: {cell_text(self.t, self.board.cell(trainee.id, s.id))}" for s in self.session.scenarios]
        draw_wrapped(surface, fonts, " · ".join(parts), pygame.Rect(rect.left, rect.top + 26, rect.width, 24), theme.SMALL,
                     theme.TEXT_DIM, max_lines=1)
