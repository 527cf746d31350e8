"""The trainer's first screen: the records file in use and its training sessions, or why it cannot be opened."""
from __future__ import annotations

import pygame

from trainer import RecordsError

from .. import theme
from ..widgets import Button, draw_panel, draw_text, draw_wrapped
from .registry import make_scene
from .trainer_base import TrainerScene

LIST_TOP, ROW_H, ROW_GAP = 124, 84, 8


class TrainerSessionsScene(TrainerScene):
    """Lists sessions (newest first) with their scenarios, trainees and turns; opens one or creates one."""

    name = "trainer_sessions"

    def __init__(self, app):
        super().__init__(app)
        self.records = None
        self.problem = ""  # why the records file cannot be used
        self.rows: list[tuple] = []  # (session, trainees, finished turns, unfinished turns)

    def reload(self) -> None:
        try:
            self.records = self.app.records()
        except RecordsError as exc:
            self.records, self.problem, self.rows = None, str(exc), []
            return
        self.problem = ""
        rows = []
        for session in self.records.list_sessions():
            turns = self.records.turns(session.id)
            finished = sum(turn.finished for turn in turns)
            rows.append((session, len(self.records.trainees(session.id)), finished, len(turns) - finished))
        self.rows = rows

    def row_count(self) -> int:
        return len(self.rows)

    def layout(self) -> None:
        self.buttons.clear()
        for slot, index in enumerate(self.shown_rows()):
            session = self.rows[index][0]
            rect = pygame.Rect(48, LIST_TOP + slot * (ROW_H + ROW_GAP), 1184, ROW_H)
            self.buttons.add(Button(f"session:{session.id}", rect, "", lambda s=session: self.open_session(s)))
        self.add_bottom_buttons([
            ("new", self.t("trainer.new_session"), self.new_session, pygame.K_n, "primary"),
            ("back", self.t("trainer.back"), self.leave, pygame.K_ESCAPE, "normal"),
        ])
        self.buttons.get("new").enabled = self.records is not None

    def new_session(self) -> None:
        self.open(make_scene("trainer_new_session", self.app))

    def open_session(self, session) -> None:
        self.open(make_scene("trainer_session", self.app, session))

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        self.heading(surface, self.t("trainer.sessions_title"))
        if self.records is not None:
            draw_text(surface, fonts, self.t("trainer.records_file", path=str(self.records.path)), (48, 94), theme.SMALL, theme.TEXT_DIM)
            if not self.rows:
                draw_wrapped(surface, fonts, self.t("trainer.no_sessions"), pygame.Rect(240, 300, 800, 80), theme.BODY,
                             theme.TEXT_DIM, align="center")
        self.draw_common(surface)
        for slot, index in enumerate(self.shown_rows()):
            session, trainees, finished, unfinished = self.rows[index]
            rect = pygame.Rect(48, LIST_TOP + slot * (ROW_H + ROW_GAP), 1184, ROW_H).inflate(-32, -18)
            draw_wrapped(surface, fonts, session.name, pygame.Rect(rect.left, rect.top, rect.width - 200, 30), theme.H2, theme.TEXT,
                         bold=True, max_lines=1)
            draw_text(surface, fonts, session.date.isoformat(), (rect.right, rect.top + 2), theme.BODY, theme.ACCENT, anchor="topright")
            scenarios = self.t("trainer.scenarios_list", titles=", ".join(self.scenario_label(s) for s in session.scenarios))
            draw_wrapped(surface, fonts, scenarios, pygame.Rect(rect.left, rect.top + 30, rect.width - 420, 24), theme.SMALL,
                         theme.TEXT_DIM, max_lines=1)
            counts = self.t("trainer.session_counts", trainees=trainees, finished=finished)
            if unfinished:
                counts += " · " + self.t("trainer.unfinished_count", count=unfinished)
            draw_text(surface, fonts, counts, (rect.right, rect.top + 30), theme.SMALL, theme.WARN if unfinished else theme.TEXT_DIM,
                      anchor="topright")
        if self.problem:
            panel = pygame.Rect(48, 120, 1184, 240)
            draw_panel(surface, panel, border=theme.BAD)
            inner = panel.inflate(-40, -36)
            clip = surface.get_clip()
            surface.set_clip(inner)  # a long file name cannot spill out of the panel
            draw_text(surface, fonts, self.t("trainer.records_problem"), inner.topleft, theme.H2, theme.BAD, bold=True)
            y = draw_wrapped(surface, fonts, self.problem, pygame.Rect(inner.left, inner.top + 40, inner.width, 120), theme.BODY)
            draw_wrapped(surface, fonts, self.t("trainer.records_hint"), pygame.Rect(inner.left, y + 12, inner.width, 60), theme.SMALL,
                         theme.TEXT_DIM)
            surface.set_clip(clip)
