"""A trainee's debrief reopened from the records: each answer with its feedback and flags, and the KPIs.

It needs nothing but the records file; when the scenario file is still there, decision titles and the
feedback texts come from it, and "Full debrief" replays the turn through the model (same seed, same
answers and actions) to open the game's own debrief with its timeline and replays.
"""
from __future__ import annotations

import pygame

from .. import theme
from ..debrief.kpi_table import KPI_ROWS
from ..resume import restore
from ..session import clock_text
from ..widgets import draw_chips, draw_panel, draw_text, draw_wrapped
from .registry import make_scene
from .trainer_base import TrainerScene, scripted_tag

LEFT = pygame.Rect(48, 130, 740, 446)
RIGHT = pygame.Rect(812, 130, 420, 446)
ROW_H = 126
FEEDBACK_CHIPS = {"good": theme.GOOD, "timed_out": theme.WARN}


class RecordDebriefScene(TrainerScene):
    """Shows one stored turn (finished or not); three answers at a time, the rest by scrolling."""

    name = "trainer_debrief"
    page_size = 3

    def __init__(self, app, record):
        super().__init__(app)
        self.record = record
        self.scenario = self.scenario_of(record.turn.scenario_id) if self.playable(record.turn.scenario_id) else None

    def row_count(self) -> int:
        return len(self.record.decisions)

    def layout(self) -> None:
        self.buttons.clear()
        entries = [("back", self.t("trainer.back"), self.leave, pygame.K_ESCAPE, "normal")]
        if self.scenario is not None and self.record.turn.finished:
            entries.insert(0, ("full", self.t("trainer.full_debrief"), self.full_debrief, pygame.K_f, "primary"))
        self.add_bottom_buttons(entries)

    def full_debrief(self) -> None:
        session = self.attempt(restore, self.scenario, self.record, None, self.app.options.speed)
        if session is not None:
            self.open(make_scene("debrief", self.app, session))

    # -- texts ----------------------------------------------------------------------------------
    def _clock(self, minute: float) -> str:
        if self.scenario is None:
            return self.t("trainer.minute", minute=f"{minute:g}")
        return clock_text(self.scenario, minute)

    def _decision_texts(self, decision) -> tuple[str, str]:
        """The decision point's title and the feedback of the choice, from the scenario file when it is there."""
        if self.scenario is None:
            return decision.decision_point_id, ""
        point = next((d for d in self.scenario.exercise.decisions if d.id == decision.decision_point_id), None)
        choice = next((c for c in point.choices if c.id == decision.choice_id), None) if point else None
        return (self.app.local(point.title) if point else decision.decision_point_id,
                self.app.local(choice.feedback) if choice else "")

    def _chips(self, decision) -> list[tuple[str, tuple]]:
        parts = (decision.feedback_key or "").split("+")
        return [(self.t(f"feedback.{part}" if part in ("good", "negative", "timed_out") else f"flag.{part}"),
                 FEEDBACK_CHIPS.get(part, theme.BAD)) for part in parts if part]

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts, lang, record = self.app.fonts, self.app.settings.lang, self.record
        turn = record.turn
        title = self.t("trainer.debrief_of", name=record.trainee.name, title=self.scenario_label(record.scenario), attempt=turn.attempt)
        self.heading(surface, self.t("heading", label=self.t("debrief.title"), title=title))
        if turn.finished:
            summary = self.t("trainer.debrief_finished", score=f"{turn.score:g}", max=f"{turn.score_max:g}",
                             date=(turn.finished_at or "")[:16].replace("T", " "))
        else:
            summary = self.t("trainer.debrief_open", count=len(record.decisions))
        if record.scripted:
            summary = f"{summary} · {self.t('trainer.scripted_note', rule=record.scripted)}"
        colour = theme.WARN if record.scripted or not turn.finished else theme.GOOD
        draw_wrapped(surface, fonts, summary, pygame.Rect(48, 96, 1184, 28), theme.BODY, colour, bold=True, max_lines=1)
        draw_panel(surface, LEFT)
        draw_panel(surface, RIGHT)
        draw_text(surface, fonts, self.t("trainer.answers"), (LEFT.left + 20, LEFT.top + 14), theme.H2, theme.ACCENT, bold=True)
        if not record.decisions:
            draw_text(surface, fonts, self.t("trainer.no_answers"), (LEFT.left + 20, LEFT.top + 56), theme.BODY, theme.TEXT_DIM)
        for slot, index in enumerate(self.shown_rows()):
            self._draw_answer(surface, record.decisions[index], pygame.Rect(LEFT.left + 20, LEFT.top + 54 + slot * ROW_H,
                                                                           LEFT.width - 40, ROW_H - 8), lang)
        self._draw_kpis(surface)
        self.draw_common(surface)

    def _draw_answer(self, surface: pygame.Surface, decision, rect: pygame.Rect, lang: str) -> None:
        """Time and decision point (flags on the right), the answer given, the feedback it got."""
        fonts = self.app.fonts
        point, feedback = self._decision_texts(decision)
        chips = self._chips(decision)
        chips_width = sum(fonts.width(label, theme.SMALL, True) + 20 for label, _ in chips)
        draw_text(surface, fonts, self._clock(decision.sim_minute), rect.topleft, theme.BODY, theme.TEXT_DIM)
        body = pygame.Rect(rect.left + 80, rect.top, rect.width - 80, rect.height)
        line = fonts.line_height(theme.BODY)
        draw_wrapped(surface, fonts, point, pygame.Rect(body.left, body.top, body.width - chips_width - 12, line), theme.BODY,
                     theme.TEXT, bold=True, max_lines=1)
        draw_chips(surface, fonts, chips, pygame.Rect(body.right - chips_width, body.top + 2, chips_width + 8, 24))
        colour = theme.BAD if decision.is_mistake else theme.GOOD
        y = draw_wrapped(surface, fonts, decision.label(lang), pygame.Rect(body.left, body.top + line, body.width, 2 * line), theme.BODY,
                         colour, max_lines=2)
        if feedback:
            draw_wrapped(surface, fonts, feedback, pygame.Rect(body.left, y + 2, body.width, 24), theme.SMALL, theme.TEXT_DIM, max_lines=1)

    def _draw_kpis(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        inner = RIGHT.inflate(-40, -28)
        draw_text(surface, fonts, self.t("trainer.results"), inner.topleft, theme.H2, theme.ACCENT, bold=True)
        kpis = self.record.turn.kpis or {}
        y = inner.top + fonts.line_height(theme.H2) + 8
        if not kpis:
            draw_wrapped(surface, fonts, self.t("trainer.no_results"), pygame.Rect(inner.left, y, inner.width, 80), theme.BODY, theme.TEXT_DIM)
        for name, fmt in KPI_ROWS:
            if name in kpis:
                draw_wrapped(surface, fonts, self.t(f"kpi.{name}"), pygame.Rect(inner.left, y, inner.width - 110, 24), theme.SMALL,
                             theme.TEXT, max_lines=1)
                draw_text(surface, fonts, fmt.format(kpis[name]), (inner.right, y), theme.SMALL, theme.TEXT, bold=True, anchor="topright")
                y += fonts.line_height(theme.SMALL) + 8
        actions = sum(1 for outcome in self.record.outcomes if outcome.kind == "action")
        draw_text(surface, fonts, self.t("trainer.actions_count", count=actions), (inner.left, y + 8), theme.SMALL, theme.TEXT_DIM)
