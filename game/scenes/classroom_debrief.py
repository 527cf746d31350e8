"""The group debrief of a classroom, on the trainer's screen: how the room answered each decision point,
what each answer did to the customer in the trainees' own runs, the best and worst runs side by side, and
the common mistakes.

The server builds it from the records (``/debrief.json``, the same data as ``srl-trainer
classroom-debrief``); decision points and answers are named as the trainees saw them, in the screen's
language. Trainees are anonymised unless the trainer shows names.
"""
from __future__ import annotations

import pygame

from trainer.text import localize

from .. import theme
from ..classroom.connect import Fetch, page_url
from ..classroom.figures import kpi_text
from ..widgets import draw_bar, draw_chip, draw_text, draw_wrapped
from .trainer_base import TrainerScene

TOP = 204  # first row of a page (its column heads just above)
ANSWER_W, COUNT_X, MOOD_X, SCORE_X = 580, 660, 910, 1090
ANSWER_H = 82  # two lines of answer, and a line for the mistake mark or the names
RUN_COLUMNS = (48, 420, 830)  # what is compared, the best run, the worst run
KPIS_SHOWN = 5
MISTAKES_SHOWN = 6


class ClassroomDebriefScene(TrainerScene):
    """Pages: one per decision point, then the best and worst runs, then the common mistakes."""

    name = "classroom_debrief"

    def __init__(self, app, address: str, code: str):
        super().__init__(app)
        self.address, self.code = address, code
        self.names = False
        self.page = 0
        self.data: dict | None = None
        self.fetch: Fetch | None = None

    def enter(self) -> None:
        super().enter()
        self.refresh()

    # -- data -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        url = page_url(self.address, "/debrief.json", key=self.code, names="1" if self.names else "0")
        if url is None:
            self.say(self.t("classroom.bad_address"), theme.BAD)
            return
        self.fetch = Fetch(url)
        self.say(self.t("group.loading"), theme.TEXT_DIM)

    def toggle_names(self) -> None:
        self.names = not self.names
        self.refresh()
        self.layout()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.fetch is not None and self.fetch.done:
            fetch, self.fetch = self.fetch, None
            if fetch.error is not None:
                self.say(self.t("group.failed", problem=fetch.error), theme.BAD)
            else:
                self.data = fetch.data
                self.page = min(self.page, self.page_count() - 1)
                self.say("")
            self.layout()

    @property
    def decisions(self) -> list[dict]:
        return self.data["decisions"] if self.data else []

    def page_count(self) -> int:
        return len(self.decisions) + 2  # the decision points, the runs, the mistakes

    def turn_page(self, step: int) -> None:
        self.page = (self.page + step) % self.page_count()
        self.layout()

    def local(self, text) -> str:
        """A text of the debrief (plain, or {en, zh}) in the screen's language."""
        return localize(text, self.app.settings.lang)

    # -- layout ---------------------------------------------------------------------------------
    def layout(self) -> None:
        self.buttons.clear()
        entries = [("back", self.t("classroom.back"), self.leave, pygame.K_ESCAPE, "normal"),
                   ("refresh", self.t("group.refresh"), self.refresh, pygame.K_r, "normal"),
                   ("names", self.t("group.hide_names" if self.names else "group.show_names"), self.toggle_names,
                    pygame.K_n, "normal")]
        if self.data is not None:
            entries = [("next", self.t("group.next"), lambda: self.turn_page(1), pygame.K_RIGHT, "primary"),
                       ("previous", self.t("group.previous"), lambda: self.turn_page(-1), pygame.K_LEFT, "normal"),
                       *entries]
        self.add_bottom_buttons(entries)

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        data = self.data
        self.heading(surface, self.t("group.title") + (f": {data['session']}" if data else ""))
        if data is not None:
            fonts = self.app.fonts
            draw_text(surface, fonts, self.t("group.page", n=self.page + 1, count=self.page_count()),
                      (1232, 100), theme.SMALL, theme.TEXT_DIM, anchor="topright")
            draw_text(surface, fonts, self.t("group.summary", trainees=data["trainees"], finished=data["finished"]),
                      (48, 136), theme.SMALL, theme.TEXT_DIM)
            if self.page < len(self.decisions):
                self._draw_decision(surface, self.decisions[self.page])
            elif self.page == len(self.decisions):
                self._draw_runs(surface, data)
            else:
                self._draw_mistakes(surface, data)
        self.draw_common(surface)

    def _subtitle(self, surface: pygame.Surface, text: str) -> None:
        draw_text(surface, self.app.fonts, text, (48, 98), theme.H2, theme.ACCENT, bold=True)

    def _draw_decision(self, surface: pygame.Surface, decision: dict) -> None:
        fonts = self.app.fonts
        self._subtitle(surface, self.local(decision["title"]))
        for key, x in (("group.answer", 48), ("group.trainees", COUNT_X), ("group.mood", MOOD_X), ("group.score", SCORE_X)):
            draw_text(surface, fonts, self.t(key), (x, TOP - 6), theme.SMALL, theme.TEXT_DIM, anchor="bottomleft")
        answers = decision["answers"]
        total = sum(a["times"] for a in answers) or 1
        for n, answer in enumerate(answers):
            y = TOP + 6 + n * ANSWER_H
            colour = theme.BAD if answer["mistake"] else theme.TEXT
            bottom = draw_wrapped(surface, fonts, self.local(answer["label"]), pygame.Rect(48, y, ANSWER_W, 48),
                                  theme.BODY, colour, max_lines=2)
            if answer["mistake"]:
                draw_chip(surface, fonts, self.t("group.mistake"), (48, bottom + 2), theme.BAD, size=theme.TINY)
            if answer["names"]:
                left = 48 + (fonts.width(self.t("group.mistake"), theme.TINY, True) + 24 if answer["mistake"] else 0)
                draw_text(surface, fonts, ", ".join(answer["names"]), (left, bottom + 2), theme.TINY, theme.TEXT_DIM)
            share = answer["times"] / total
            draw_bar(surface, pygame.Rect(COUNT_X, y + 6, 140, 14), share, theme.BAD if answer["mistake"] else theme.GOOD)
            draw_text(surface, fonts, f"{answer['times']} ({share:.0%})", (COUNT_X + 150, y), theme.BODY, theme.TEXT)
            mood = answer["mood_change"]
            draw_text(surface, fonts, "-" if mood is None else f"{mood:+.2f}", (MOOD_X, y), theme.BODY,
                      theme.TEXT_DIM if mood is None else theme.GOOD if mood > 0 else theme.BAD if mood < 0 else theme.TEXT)
            score = answer["mean_score"]
            draw_text(surface, fonts, "-" if score is None else f"{score:.0f}", (SCORE_X, y), theme.BODY, theme.TEXT)

    def _draw_runs(self, surface: pygame.Surface, data: dict) -> None:
        fonts = self.app.fonts
        self._subtitle(surface, self.t("group.runs"))
        runs = [(key, data[key]) for key in ("best", "worst") if data.get(key)]
        if not runs:
            draw_text(surface, fonts, self.t("group.no_runs"), (48, TOP), theme.BODY, theme.TEXT_DIM)
            return
        for (key, run), x in zip(runs, RUN_COLUMNS[1:]):
            head = self.t(f"group.{key}") + (f" ({run['name']})" if run.get("name") else "")
            draw_text(surface, fonts, head, (x, TOP - 6), theme.SMALL, theme.TEXT_DIM, anchor="bottomleft")
        titles = {d["id"]: d["title"] for d in self.decisions}
        decisions = list(dict.fromkeys(a["decision"] for _, run in runs for a in run["answers"]))
        kpis = list(dict.fromkeys([*data.get("key_kpis", []), *(k for _, run in runs for k in sorted(run["kpis"]))]))
        kpis = kpis[:KPIS_SHOWN]
        rows = [(self.t("console.score"), [f"{run['score']:g}" for _, run in runs], [False] * len(runs))]
        for decision in decisions:
            given = [next((a for a in run["answers"] if a["decision"] == decision), None) for _, run in runs]
            rows.append((self.local(titles.get(decision, decision)),
                         [self.local(a["label"]) if a else "-" for a in given], [bool(a and a["mistake"]) for a in given]))
        for kpi in kpis:
            rows.append((self.t(f"kpi.{kpi}"), [kpi_text(run["kpis"].get(kpi)) for _, run in runs], [False] * len(runs)))
        y = TOP + 4
        for label, cells, mistakes in rows:
            height = max(fonts.line_height(theme.SMALL), *(
                min(2, len(fonts.wrap(cell, theme.SMALL, 390))) * fonts.line_height(theme.SMALL) for cell in cells))
            if y + height > 584:
                break
            draw_wrapped(surface, fonts, label, pygame.Rect(RUN_COLUMNS[0], y, 350, height), theme.SMALL, theme.TEXT_DIM,
                         max_lines=2)
            for cell, mistake, x in zip(cells, mistakes, RUN_COLUMNS[1:]):
                draw_wrapped(surface, fonts, cell, pygame.Rect(x, y, 390, height), theme.SMALL,
                             theme.BAD if mistake else theme.TEXT, max_lines=2)
            y += height + 8

    def _draw_mistakes(self, surface: pygame.Surface, data: dict) -> None:
        fonts = self.app.fonts
        self._subtitle(surface, self.t("group.mistakes"))
        if not data["mistakes"]:
            draw_text(surface, fonts, self.t("group.no_mistakes"), (48, TOP), theme.BODY, theme.TEXT_DIM)
            return
        y = TOP
        for mistake in data["mistakes"][:MISTAKES_SHOWN]:
            bottom = draw_wrapped(surface, fonts, self.local(mistake["label"]), pygame.Rect(48, y, 1180, 48), theme.BODY,
                                  theme.BAD, max_lines=2)
            draw_text(surface, fonts, self.t("group.mistake_line", times=mistake["times"], trainees=mistake["trainees"],
                                             decision=self.local(mistake["title"])), (48, bottom), theme.SMALL,
                      theme.TEXT_DIM)
            y = bottom + 34
