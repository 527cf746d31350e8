"""The briefing: the trainee's role, the situation, the goals and the principles in play."""
from __future__ import annotations

import pygame

from sim import Scenario

from .. import theme
from ..debrief.lessons import tested_lessons
from ..widgets import Button, draw_chips, draw_panel, draw_text, draw_wrapped
from .base import Scene
from .registry import make_scene


class BriefingScene(Scene):
    """Read before play; Start opens the play scene for this scenario.

    With a ``plan`` the turn is recorded for a trainee (it starts in the records when Start is pressed);
    with a ``resumed`` session, Continue carries on a recorded turn where it stopped.
    """

    name = "briefing"

    def __init__(self, app, scenario: Scenario, plan=None, resumed=None):
        super().__init__(app)
        self.scenario = scenario
        self.plan = plan if app.options.autoplay is None else None  # a demo is never recorded as a trainee's turn
        self.resumed = resumed
        self.error = ""

    def layout(self) -> None:
        self.buttons.clear()
        label = self.t("briefing.continue" if self.resumed is not None else "briefing.start")
        self.buttons.add(Button("start", pygame.Rect(1012, 646, 220, 50), label, self.start, key=pygame.K_RETURN, style="primary"))
        self.buttons.add(Button("back", pygame.Rect(48, 646, 180, 50), self.t("briefing.back"), self.app.pop, key=pygame.K_ESCAPE))

    def start(self) -> None:
        from trainer import RecordsError

        from ..recording import TurnRecorder
        from ..session import Session
        options = self.app.options
        session = self.resumed
        if session is None:
            session = Session(self.scenario, seed=options.seed, autoplay=options.autoplay, speed=options.speed,
                              scripted=options.answers)
            if self.plan is not None:
                try:
                    TurnRecorder.start(self.plan, session, scripted=options.answers)
                except RecordsError as exc:
                    self.error = str(exc)
                    return
        self.app.replace(make_scene("play", self.app, session))

    def _recorded_note(self) -> str:
        """Whose turn is recorded, and for a resumed one what was replayed."""
        if self.resumed is not None:
            run = self.resumed.run
            return self.t("briefing.resumed", name=self.resumed.recorder.trainee.name, answers=len(run.records),
                          actions=len(run.steps), clock=self.resumed.clock_text())
        if self.plan is not None:
            return self.t("briefing.recorded", name=self.plan.trainee.name)
        return ""

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts, ex = self.app.fonts, self.scenario.exercise
        self.heading(surface, self.t("heading", label=self.t("briefing.title"), title=self.app.local(self.scenario.meta.title)))
        left = pygame.Rect(48, 104, 640, 520)
        right = pygame.Rect(712, 104, 520, 520)
        draw_panel(surface, left)
        draw_panel(surface, right)
        inner = left.inflate(-36, -28)
        y = self._section(surface, self.t("briefing.role"), self.app.local(ex.role), inner.left, inner.top, inner.width)
        y = self._section(surface, self.t("briefing.situation"), self.app.local(ex.situation), inner.left, y + 10, inner.width)
        draw_text(surface, fonts, self.t("briefing.goals"), (inner.left, y + 10), theme.H2, theme.ACCENT, bold=True)
        y += 10 + fonts.line_height(theme.H2) + 4
        for goal in ex.goals:
            draw_text(surface, fonts, "•", (inner.left + 4, y), theme.BODY, theme.TEXT)
            y = draw_wrapped(surface, fonts, self.app.local(goal), pygame.Rect(inner.left + 24, y, inner.width - 24, 200), theme.BODY) + 4
        inner = right.inflate(-36, -28)
        draw_text(surface, fonts, self.t("briefing.principles"), inner.topleft, theme.H2, theme.ACCENT, bold=True)
        y = inner.top + fonts.line_height(theme.H2) + 4
        tested = tested_lessons(ex)
        for principle in (p for p in ex.principles if p in tested):  # only what the exercise puts to the test
            draw_text(surface, fonts, self.t(f"lesson.{principle}"), (inner.left, y), theme.BODY, theme.TEXT, bold=True)
            y += fonts.line_height(theme.BODY)
            y = draw_wrapped(surface, fonts, self.t(f"lessonhelp.{principle}"), pygame.Rect(inner.left + 12, y, inner.width - 12, 100),
                             theme.SMALL, theme.TEXT_DIM) + 6
        if ex.dimensions:
            draw_text(surface, fonts, self.t("briefing.dimensions"), (inner.left, y + 6), theme.H2, theme.ACCENT, bold=True)
            y += 6 + fonts.line_height(theme.H2) + 4
            chips = [(self.t(f"lesson.{d}"), theme.PANEL_BORDER) for d in ex.dimensions if d in tested]
            draw_chips(surface, fonts, [(label, (150, 190, 240)) for label, _ in chips], pygame.Rect(inner.left, y, inner.width, 100))
        note = self._recorded_note()
        heading_right = 48 + fonts.width(self.t("heading", label=self.t("briefing.title"), title=self.app.local(self.scenario.meta.title)),
                                         theme.H1, True)
        if note and fonts.width(note, theme.SMALL, True) < 1232 - heading_right - 24:
            draw_text(surface, fonts, note, (1232, 58), theme.SMALL, theme.WARN, bold=True, anchor="midright")
            note = ""
        bottom = self.error or note or self.t("briefing.controls")
        colour = theme.BAD if self.error else theme.WARN if note else theme.TEXT_DIM
        draw_wrapped(surface, fonts, bottom, pygame.Rect(260, 644, 730, 60), theme.SMALL, colour, max_lines=3)
        self.buttons.draw(surface, fonts)

    def _section(self, surface, title: str, body: str, x: int, y: int, width: int) -> int:
        fonts = self.app.fonts
        draw_text(surface, fonts, title, (x, y), theme.H2, theme.ACCENT, bold=True)
        y += fonts.line_height(theme.H2) + 2
        return draw_wrapped(surface, fonts, body, pygame.Rect(x, y, width, 300), theme.BODY)
