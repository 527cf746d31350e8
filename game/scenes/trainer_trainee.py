"""One trainee in a session: start a recorded turn at one of its scenarios, resume an unfinished one,
or reopen the debrief of a finished one."""
from __future__ import annotations

import pygame

from trainer.scoreboard import build_scoreboard

from .. import theme
from ..recording import TurnPlan
from ..resume import resume_turn
from ..widgets import Button, draw_panel, draw_text
from .registry import make_scene
from .trainer_base import TrainerScene, cell_text, scripted_tag

LEFT = pygame.Rect(48, 110, 520, 466)
RIGHT = pygame.Rect(592, 110, 640, 466)
PLAY_H, TURN_H, GAP = 62, 54, 8


class TraineeScene(TrainerScene):
    """The scenarios of the session on the left, the trainee's turns (newest first) on the right."""

    name = "trainer_trainee"
    page_size = 6

    def __init__(self, app, session, trainee):
        super().__init__(app)
        self.session = session
        self.trainee = trainee
        self.turns = []
        self.board = None
        self.scripted: dict[int, str | None] = {}  # turn id -> the answer rule that played it (None: the trainee)

    def reload(self) -> None:
        records = self.attempt(self.app.records)
        if records is None:
            return
        self.turns = list(reversed(records.turns(self.session.id, trainee_id=self.trainee.id)))
        self.board = build_scoreboard(records, self.session.id)
        self.scripted = {record.turn.id: record.scripted for record in self.board.trainee_records(self.trainee.id)}

    def row_count(self) -> int:
        return len(self.turns)

    def layout(self) -> None:
        self.buttons.clear()
        for i, ref in enumerate(self.session.scenarios[:6]):
            rect = pygame.Rect(LEFT.left + 16, LEFT.top + 52 + i * (PLAY_H + GAP), LEFT.width - 32, PLAY_H)
            label = self.scenario_label(ref) if self.playable(ref.id) else self.t("trainer.scenario_missing", title=self.scenario_label(ref))
            self.buttons.add(Button(f"play:{ref.id}", rect, label, lambda r=ref: self.play(r.id),
                                    enabled=self.playable(ref.id), hint=self._best(ref.id)))
        for slot, index in enumerate(self.shown_rows()):
            turn = self.turns[index]
            rect = pygame.Rect(RIGHT.left + 16, RIGHT.top + 52 + slot * (TURN_H + GAP), RIGHT.width - 32, TURN_H)
            if turn.finished:
                button = Button(f"debrief:{turn.id}", rect, self._turn_label(turn), lambda t=turn: self.reopen(t),
                                hint=self.t("trainer.open_debrief"), size=theme.SMALL)
            else:
                button = Button(f"resume:{turn.id}", rect, self._turn_label(turn), lambda t=turn: self.resume_turn(t),
                                hint=self.t("trainer.resume"), size=theme.SMALL, style="primary",
                                enabled=self.playable(turn.scenario_id))
            self.buttons.add(button)
        self.add_bottom_buttons([("back", self.t("trainer.back"), self.leave, pygame.K_ESCAPE, "normal")])

    def _best(self, scenario_id: str) -> str:
        cell = self.board.cell(self.trainee.id, scenario_id) if self.board is not None else None
        return cell_text(self.t, cell) if cell is not None and cell.played else ""

    def _turn_label(self, turn) -> str:
        ref = self.session.scenario(turn.scenario_id)
        title = self.scenario_label(ref) if ref else turn.scenario_id
        status = (self.t("trainer.score", score=f"{turn.score:g}", max=f"{turn.score_max:g}") if turn.finished
                  else self.t("trainer.in_progress"))
        line = self.t("trainer.turn_line", title=title, attempt=turn.attempt, status=status)
        tag = scripted_tag(self.t, self.scripted.get(turn.id))
        return f"{line} · {tag}" if tag else line

    # -- actions --------------------------------------------------------------------------------
    def play(self, scenario_id: str) -> None:
        records = self.attempt(self.app.records)
        if records is not None:
            plan = TurnPlan(records, self.trainee, scenario_id)
            self.open(make_scene("briefing", self.app, self.scenario_of(scenario_id), plan=plan))

    def resume_turn(self, turn) -> None:
        records = self.attempt(self.app.records)
        scenario = self.scenario_of(turn.scenario_id)
        options = self.app.options
        session = records and self.attempt(resume_turn, records, scenario, turn.id, options.answers, options.speed)
        if session:
            self.open(make_scene("briefing", self.app, scenario, resumed=session))

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        self.heading(surface, self.t("heading", label=self.trainee.name, title=self.session.name))
        draw_panel(surface, LEFT)
        draw_panel(surface, RIGHT)
        draw_text(surface, fonts, self.t("trainer.play_scenario"), (LEFT.left + 20, LEFT.top + 14), theme.H2, theme.ACCENT, bold=True)
        draw_text(surface, fonts, self.t("trainer.turns"), (RIGHT.left + 20, RIGHT.top + 14), theme.H2, theme.ACCENT, bold=True)
        if not self.turns:
            draw_text(surface, fonts, self.t("trainer.no_turns"), (RIGHT.left + 20, RIGHT.top + 60), theme.BODY, theme.TEXT_DIM)
        self.draw_common(surface)
