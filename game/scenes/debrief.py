"""The debrief: the timeline and why, principles followed or broken, KPIs against the expert, and replays."""
from __future__ import annotations

import threading

import pygame

from sim.exercise.runtime import choice_in

from .. import theme
from ..debrief.chart import render_chart
from ..debrief.kpi_table import KPI_ROWS
from ..debrief.lessons import assess
from ..debrief.replay import CHART_KPIS, Replays, build_series
from ..debrief.timeline import build_timeline
from ..scoring import kpi_directions
from ..widgets import Button, draw_chip, draw_panel, draw_text, draw_wrapped
from .base import Scene
from .registry import make_scene

TABS = ("score", "timeline", "lessons", "kpis", "replay")
CONTENT = pygame.Rect(48, 150, 1184, 476)
KPI_COLUMNS = ("you", "expert", "standard")
LESSON_CHIP_X = 330  # the principles tab: names left of it (wrapped), the verdict from it, then the moments


class DebriefScene(Scene):
    """Drawn at once: the trainee's run is played out to its end and replayed in the background, and the
    tabs fill in as the results arrive (the timeline and principles once the run has ended)."""

    name = "debrief"

    def __init__(self, app, session):
        super().__init__(app)
        self.replications = replications = app.options.replications
        self.session = session
        self.tab = "score"
        self.scroll = 0
        self.kpis: dict[str, dict[str, float]] = {}  # this run's once it has ended; the policies' with the replays
        self.error = ""
        scenario = session.scenario

        def prepare():
            """In the replays' thread: play what is left of the run out, then the series to replay."""
            self.kpis["you"] = session.finish()
            return build_series(scenario, session.run.playbook_of_play())

        self.replays = Replays(scenario, session.seed, prepare, replications).start()
        self._rows_prepared = False  # the rows were built after the run had ended
        self.judgement = None
        self._collected = False
        self._chart: tuple[tuple, pygame.Surface] | None = None
        self._chart_job: tuple[tuple, threading.Thread] | None = None
        self.chart_shown = False  # the replay chart has been drawn at least once
        self._rows: list[tuple[int, object]] = []
        self._moments_x = 540

    def removed(self) -> None:
        """The debrief closes: stop the replays (a turn left before its score is ready stays unfinished)."""
        self.replays.cancel()
        self._collect()

    @property
    def series(self):
        return self.replays.series

    @property
    def prepared(self) -> bool:
        """The trainee's run has been played to its end (the timeline and principles can be shown)."""
        return self.replays.prepared

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.prepared and not self._rows_prepared:
            self.layout()
        self._collect()

    def _collect(self) -> None:
        """Once the replays are judged: the policies' KPIs, and the score of a recorded turn."""
        if not self._collected and self.replays.complete:
            self._collected = True
            self.judgement = self.replays.judgement
            self.kpis.update({s.key: _means(s.runs) for s in self.series if s.key != "you"})
            self.kpis["you_mean"] = _means(self.series[0].runs)
            recorder = self.session.recorder
            if recorder is not None:  # a recorded turn: its score and KPIs go to the trainer records
                recorder.finish(self.session, self.judgement.score if self.judgement else None)

    # -- layout ---------------------------------------------------------------------------------
    def layout(self) -> None:
        self.buttons.clear()
        x = 48
        for i, tab in enumerate(TABS):
            label = self.t(f"debrief.tab.{tab}", n=self.replications)
            width = max(170, self.app.fonts.width(label, theme.BODY) + 40)
            self.buttons.add(Button(f"tab:{tab}", pygame.Rect(x, 96, width, 42), label, lambda t=tab: self.show(t),
                                    key=pygame.K_1 + i, style="selected" if tab == self.tab else "tab"))
            x += width + 10
        bottom = [("try_again", "debrief.try_again", self.try_again, pygame.K_t)]
        if "expert" in self.session.scenario.policies:
            bottom.append(("watch_expert", "debrief.watch_expert", self.watch_expert, pygame.K_w))
        bottom.append(("menu", "debrief.back_trainee" if self._from_trainer() else "debrief.menu", self.to_menu, pygame.K_ESCAPE))
        x = 1232
        for bid, key, action, hotkey in reversed(bottom):
            label = self.t(key)
            width = max(180, self.app.fonts.width(label, theme.BODY) + 40)
            x -= width
            self.buttons.add(Button(bid, pygame.Rect(x, 648, width, 48), label, action, key=hotkey,
                                    style="primary" if bid == "try_again" else "normal"))
            x -= 12
        self._rows = self._build_rows()

    def show(self, tab: str) -> None:
        self.tab = tab
        self.scroll = 0
        self.layout()

    # -- navigation -----------------------------------------------------------------------------
    def _new_play(self, autoplay: str | None, recorded: bool = False) -> None:
        from trainer import RecordsError

        from ..recording import TurnPlan, TurnRecorder
        from ..session import Session
        session = Session(self.session.scenario, seed=self.session.seed, autoplay=autoplay, speed=self.app.options.speed)
        self.replays.cancel()
        recorder = self.session.recorder
        if recorded and isinstance(recorder, TurnRecorder):  # the trainee's next attempt is recorded too
            try:
                TurnRecorder.start(TurnPlan(recorder.records, recorder.trainee, recorder.turn.scenario_id), session)
            except RecordsError as exc:
                self.error = str(exc)
                return
        self.app.replace(make_scene("play", self.app, session))

    def try_again(self) -> None:
        self._new_play(self.session.autoplay if self.session.recorder is not None else None, recorded=True)

    def watch_expert(self) -> None:
        self._new_play("expert")

    def _from_trainer(self) -> bool:
        """Whether the screen below is a trainer screen (the turn was started from a trainee's page)."""
        return len(self.app.stack) > 1 and self.app.stack[-2].name.startswith("trainer")

    def to_menu(self) -> None:
        if self._from_trainer():
            self.app.pop()
        else:
            self.app.reset(make_scene("title", self.app), make_scene("picker", self.app))

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEWHEEL:
            self._scroll(-event.y * 40)
            return
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP):
            self._scroll(CONTENT.height - 40 if event.key == pygame.K_PAGEDOWN else -(CONTENT.height - 40))
            return
        super().handle(event)

    def _scroll(self, pixels: int) -> None:
        total = sum(height for height, _ in self._rows)
        self.scroll = max(0, min(self.scroll + pixels, max(0, total - CONTENT.height + 20)))

    # -- content --------------------------------------------------------------------------------
    def _build_rows(self) -> list[tuple[int, object]]:
        fonts = self.app.fonts
        self._rows_prepared = self.prepared
        if not self.prepared:
            return []
        if self.tab == "timeline":
            entries = build_timeline(self.session, self.t, self.app.local)
            rows = []
            for entry in entries:
                height = len(fonts.wrap(entry.text, theme.BODY, CONTENT.width - 130)) * fonts.line_height(theme.BODY)
                if entry.why:
                    height += len(fonts.wrap(entry.why, theme.SMALL, CONTENT.width - 130)) * fonts.line_height(theme.SMALL)
                rows.append((height + 10, entry))
            return rows
        if self.tab == "lessons":
            chip = max(fonts.width(self.t(f"debrief.{v}"), theme.SMALL, True) for v in ("followed", "missed", "broken", "not_seen")) + 14
            self._moments_x = LESSON_CHIP_X + chip + 16  # the moments start after the widest verdict at any text size
            rows = []
            for lesson in assess(self.session.run, self.app.local):
                text = self._moments(lesson)
                lines = len(fonts.wrap(text, theme.SMALL, CONTENT.width - self._moments_x - 20)) if text else 1
                names = len(fonts.wrap(self.t(f"lesson.{lesson.key}"), theme.BODY, LESSON_CHIP_X - 20, True))
                rows.append((max(names * fonts.line_height(theme.BODY), lines * fonts.line_height(theme.SMALL)) + 14, lesson))
            return rows
        return []

    def _moments(self, lesson) -> str:
        marks = [(m.time, f"{self.session.clock_text(m.time)} {m.what} ✓") for m in lesson.followed]
        marks += [(m.time, f"{self.session.clock_text(m.time)} {m.what} ○") for m in lesson.missed]
        marks += [(m.time, f"{self.session.clock_text(m.time)} {m.what} ×") for m in lesson.broken]
        return "; ".join(text for _, text in sorted(marks))

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self.heading(surface, self.t("heading", label=self.t("debrief.title"), title=self.app.local(self.session.scenario.meta.title)))
        draw_panel(surface, CONTENT.inflate(16, 16))
        clip = surface.get_clip()
        surface.set_clip(CONTENT)
        getattr(self, f"_draw_{self.tab}")(surface)
        surface.set_clip(clip)
        total = sum(height for height, _ in self._rows)
        if total - self.scroll > CONTENT.height:
            hint = self.app.fonts.render(self.t("scroll_hint") + " ▼", theme.TINY, theme.WARN)
            where = hint.get_rect(bottomright=(CONTENT.right - 6, CONTENT.bottom - 4))  # inside the panel: never under a tab
            pygame.draw.rect(surface, theme.PANEL, where.inflate(12, 6), border_radius=6)
            surface.blit(hint, where)
        self.buttons.draw(surface, self.app.fonts)
        self._draw_record_line(surface)

    def _draw_preparing(self, surface: pygame.Surface) -> bool:
        """While the run is played to its end: say so (True), instead of an empty tab."""
        if self.prepared or self.replays.error is not None:
            return False
        draw_text(surface, self.app.fonts, self.t("debrief.preparing"), (CONTENT.left + 8, CONTENT.top + 6), theme.H2, theme.TEXT_DIM)
        return True

    def _draw_timeline(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        if self._draw_preparing(surface):
            return
        if not self._rows:
            draw_text(surface, fonts, self.t("debrief.no_events"), CONTENT.topleft, theme.BODY, theme.TEXT_DIM)
        y = CONTENT.top + 4 - self.scroll
        for height, entry in self._rows:
            if y + height >= CONTENT.top and y <= CONTENT.bottom:
                draw_text(surface, fonts, self.session.clock_text(entry.time), (CONTENT.left + 8, y), theme.BODY, theme.TEXT_DIM)
                pygame.draw.circle(surface, entry.colour, (CONTENT.left + 98, y + 12), 6)
                rect = pygame.Rect(CONTENT.left + 120, y, CONTENT.width - 130, height)
                bottom = draw_wrapped(surface, fonts, entry.text, rect, theme.BODY, theme.TEXT)
                if entry.why:
                    draw_wrapped(surface, fonts, entry.why, pygame.Rect(rect.left, bottom, rect.width, height), theme.SMALL, theme.TEXT_DIM)
            y += height

    def _draw_lessons(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        if self._draw_preparing(surface):
            return
        colours = {"followed": theme.GOOD, "missed": theme.WARN, "broken": theme.BAD, "not_seen": theme.DISABLED}
        y = CONTENT.top + 4 - self.scroll
        for height, lesson in self._rows:
            if y + height >= CONTENT.top and y <= CONTENT.bottom:
                draw_wrapped(surface, fonts, self.t(f"lesson.{lesson.key}"), pygame.Rect(CONTENT.left + 8, y, LESSON_CHIP_X - 20, height),
                             theme.BODY, theme.TEXT, bold=True)
                verdict = f"debrief.{lesson.verdict}"
                draw_chip(surface, fonts, self.t(verdict), (CONTENT.left + LESSON_CHIP_X, y + 2), colours[lesson.verdict])
                text = self._moments(lesson)
                if text:
                    draw_wrapped(surface, fonts, text, pygame.Rect(CONTENT.left + self._moments_x, y + 2,
                                                                   CONTENT.width - self._moments_x - 20, height), theme.SMALL, theme.TEXT)
            y += height

    def _draw_score(self, surface: pygame.Surface) -> None:
        fonts, x, width = self.app.fonts, CONTENT.left + 8, CONTENT.width - 16
        y = CONTENT.top + 6
        if self.replays.error is not None:
            draw_wrapped(surface, fonts, self.replays.error, CONTENT.inflate(-20, -20), theme.BODY, theme.BAD)
            return
        judgement = self.judgement
        if judgement is None:
            text = (self.t("debrief.computing", done=self.replays.done, total=self.replays.total) if self.prepared
                    else self.t("debrief.preparing"))
            draw_text(surface, fonts, text, (x, y), theme.H2, theme.TEXT_DIM)
            if not self.prepared:  # the answers are still being completed in the background
                return
            y += fonts.line_height(theme.H2) + 8
        else:
            score = judgement.score
            draw_text(surface, fonts, self.t("debrief.score", score=f"{score.value:g}"), (x, y), theme.H1, theme.ACCENT, bold=True)
            y += fonts.line_height(theme.H1) + 2
            interval = self.t("debrief.interval", low=f"{score.low:g}", high=f"{score.high:g}", n=score.replications)
            y = draw_wrapped(surface, fonts, interval, pygame.Rect(x, y, width, 60), theme.BODY, theme.TEXT) + 4
            if score.value < 100 and score.separates:  # without a gap between the policies, no gap to split
                gap = self.t("debrief.gap", gap=f"{100 - score.value:g}", answers=f"{judgement.from_answers:g}",
                             settings=f"{judgement.from_settings:g}")
                y = draw_wrapped(surface, fonts, gap, pygame.Rect(x, y, width, 60), theme.BODY, theme.TEXT) + 4
        if judgement is None or judgement.score.separates:
            y = draw_wrapped(surface, fonts, self.t("debrief.score_scale"), pygame.Rect(x, y, width, 60), theme.SMALL, theme.TEXT_DIM) + 12
        else:  # the number is no position between the policies: say so as plainly as the score itself
            y = draw_wrapped(surface, fonts, self.t("debrief.no_separation"), pygame.Rect(x, y, width, 90), theme.BODY, theme.WARN) + 12
        differences = self._differences()
        title = self.t("debrief.expert_differs" if differences else "debrief.expert_same")
        draw_text(surface, fonts, title, (x, y), theme.H2, theme.ACCENT, bold=True)
        y += fonts.line_height(theme.H2) + 6
        for decision, mine, theirs in differences:
            if y > CONTENT.bottom - 40:
                break
            draw_text(surface, fonts, self.app.local(decision.title), (x, y), theme.BODY, theme.TEXT, bold=True)
            y += fonts.line_height(theme.BODY)
            for label, choice, colour in (("debrief.you", mine, theme.BAD), ("debrief.expert", theirs, theme.GOOD)):
                text = f"{self.t(label)}: {self.app.local(choice.text)}"
                y = draw_wrapped(surface, fonts, text, pygame.Rect(x + 16, y, width - 16, 44), theme.SMALL, colour, max_lines=2)
            y += 6

    def _differences(self) -> list:
        """(decision, the trainee's choice, the expert's) wherever the expert answered otherwise."""
        policy = self.session.scenario.policies.get("expert")
        if policy is None:
            return []
        run, found = self.session.run, []
        for record in run.records:
            wanted = policy.choices.get(record.decision)
            decision = run.decisions[record.decision]
            if wanted is not None and wanted != record.choice:
                found.append((decision, choice_in(decision, record.choice), choice_in(decision, wanted)))
        return found

    def _draw_kpis(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        xs = [CONTENT.left + 8, CONTENT.left + 400, CONTENT.left + 590, CONTENT.left + 780, CONTENT.left + 980]
        y = CONTENT.top + 6
        draw_text(surface, fonts, self.t("debrief.kpi"), (xs[0], y), theme.BODY, theme.TEXT_DIM, bold=True)
        for key, x in zip(KPI_COLUMNS, xs[1:]):
            draw_text(surface, fonts, self.t(f"debrief.{key}"), (x, y), theme.BODY, theme.TEXT_DIM, bold=True)
        y += fonts.line_height(theme.BODY) + 10
        currency = self.session.scenario.meta.currency
        mine = self.kpis.get("you_mean")
        directions = kpi_directions(self.session.scenario)
        for kpi, fmt in KPI_ROWS:
            label = self.t(f"kpi.{kpi}") + (f" ({currency})" if kpi in ("recovery_cost", "revenue_lost") else "")
            draw_text(surface, fonts, label, (xs[0], y), theme.BODY, theme.TEXT)
            for key, x in zip(KPI_COLUMNS, xs[1:]):
                value = (mine if key == "you" else self.kpis.get(key) or {}).get(kpi) if mine is not None else None
                draw_text(surface, fonts, "…" if value is None else fmt.format(value), (x, y), theme.BODY, theme.TEXT)
            you, expert = (mine or {}).get(kpi), self.kpis.get("expert", {}).get(kpi)
            if you is not None and expert is not None and kpi in directions:  # judged only on the scored KPIs
                verdict, colour = _compare(you, expert, directions[kpi])
                draw_chip(surface, fonts, self.t(verdict), (xs[-1] + 40, y), colour)
            y += fonts.line_height(theme.BODY) + 12
        note = self.t("debrief.runs_note", seed=self.session.seed, n=self.replications)
        draw_wrapped(surface, fonts, note, pygame.Rect(xs[0], y + 8, CONTENT.width - 16, 60), theme.SMALL, theme.TEXT_DIM)

    def _draw_replay(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        replays = self.replays
        if replays.error is not None:
            draw_wrapped(surface, fonts, replays.error, CONTENT.inflate(-20, -20), theme.BODY, theme.BAD)
            return
        if not replays.finished:
            text = self.t("debrief.computing", done=replays.done, total=replays.total) if self.prepared else self.t("debrief.preparing")
            draw_text(surface, fonts, text, CONTENT.center, theme.H2, theme.TEXT_DIM, anchor="center")
            return
        key = (self.app.settings.lang, self.app.fonts.scale)
        if self._chart is None or self._chart[0] != key:
            self._start_chart(key)
            draw_text(surface, fonts, self.t("debrief.drawing"), CONTENT.center, theme.H2, theme.TEXT_DIM, anchor="center")
            return
        surface.blit(self._chart[1], CONTENT.topleft)
        self.chart_shown = True
        draw_text(surface, fonts, self.t("debrief.chart_caption"), (CONTENT.left + 8, CONTENT.bottom - 26), theme.SMALL, theme.TEXT_DIM)

    def _start_chart(self, key: tuple) -> None:
        """Draw the chart in a thread (matplotlib takes a few hundred milliseconds); it is shown when ready."""
        if self._chart_job is not None and self._chart_job[0] == key:
            return
        labels = {"you": self.t("debrief.you"), "expert": self.t("debrief.expert"), "standard": self.t("debrief.standard")}
        titles = {kpi: self.t(f"kpi.{kpi}") for kpi in CHART_KPIS}
        size = (CONTENT.width, CONTENT.height - 40)
        shown = [series for series in self.replays.series if series.key in labels]
        source = self.app.fonts.cjk_source

        def work() -> None:
            chart = render_chart(shown, labels, titles, size, source)
            if self._chart_job is not None and self._chart_job[0] == key:
                self._chart = (key, chart)

        self._chart_job = (key, threading.Thread(target=work, name="debrief-chart", daemon=True))
        self._chart_job[1].start()

    def _draw_record_line(self, surface: pygame.Surface) -> None:
        """Bottom left: the recorded score of a trainee's turn, or why it could not be stored."""
        recorder = self.session.recorder
        problem = self.error or (recorder.error if recorder is not None else "")
        if recorder is not None and recorder.stopped and not self.error:
            text, colour = self.t("debrief.recording_stopped", problem=recorder.error), theme.BAD
        elif problem:
            text, colour = problem, theme.BAD
        elif recorder is not None and recorder.score is None and not recorder.finished:
            text, colour = self.t("debrief.recording"), theme.TEXT_DIM
        elif recorder is not None and recorder.score is not None:
            text = self.t("debrief.recorded", name=recorder.trainee.name, score=f"{recorder.score:g}")
            colour = theme.GOOD
        else:
            return
        left = min(button.rect.left for button in self.buttons.buttons if button.rect.top >= 640)
        draw_wrapped(surface, self.app.fonts, text, pygame.Rect(48, 648, left - 64, 50), theme.SMALL, colour, max_lines=2)


def _means(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each KPI's mean over the replays that have it."""
    names = {name for run in runs for name in run}
    return {name: sum(r[name] for r in runs) / len(runs) for name in names if all(name in r for r in runs)}


def _compare(you: float, expert: float, higher_better: bool) -> tuple[str, tuple]:
    if abs(you - expert) <= 1e-9 * max(1.0, abs(expert)):
        return "debrief.same", theme.PANEL_BORDER
    better = you > expert if higher_better else you < expert
    return ("debrief.better", theme.GOOD) if better else ("debrief.worse", theme.BAD)
