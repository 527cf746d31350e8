"""The trainer's console: who has joined, where each trainee is, their score and key KPIs, the group chart;
start, pause, timers, injects, end, and the group debrief."""
from __future__ import annotations

import pygame

from trainer.classroom.link import new_id
from trainer.text import localize

from .. import theme
from ..classroom.chart import draw_group_chart
from ..classroom.connect import console_link, server_url
from ..classroom.figures import kpi_text
from ..widgets import Button, draw_bar, draw_chip, draw_text
from .registry import make_scene
from .trainer_base import TrainerScene

TIMER_CYCLE = ("scenario", "off", 10.0, 20.0, 30.0)
ADVANCE_MIN = 15.0  # how far the "+15 min" button moves every trainee's clock on (simulated minutes)
ROW_TOP, ROW_H, ROWS = 262, 28, 8
CHART = pygame.Rect(48, 494, 1184, 88)  # the group chart, between the table and the message line
COLUMNS = (("console.trainee", 48), ("console.minute", 330), ("console.answers", 410), ("console.mistakes", 530),
           ("console.score", 630))
KPI_LEFT, RIGHT = 860, 1232  # the key KPIs' columns share this span
INJECT_LEFT, INJECT_Y, INJECT_H = 48, 178, 40
DEBRIEF_BUTTON = pygame.Rect(1012, 98, 220, 44)  # top right, by the join code
PHASE_COLOURS = {"lobby": theme.PANEL_LIGHT, "running": theme.GOOD, "paused": theme.WARN, "ended": theme.ACCENT_DARK}


class ClassroomConsoleScene(TrainerScene):
    """Connected as the console; every button sends one command to the room, acknowledged by the server."""

    name = "classroom_console"
    page_size = ROWS

    def __init__(self, app, address: str, code: str):
        super().__init__(app)
        self.address = address
        self.code = code
        self.link = console_link(address, code) if server_url(address) else None
        self.welcome: dict | None = None
        self.board: dict | None = None
        self.end_armed = False
        self.fatal = False

    def enter(self) -> None:
        super().enter()
        if self.link is None:
            self.say(self.t("classroom.bad_address"), theme.BAD)
        else:
            self.say(self.t("classroom.connecting", address=self.address), theme.TEXT_DIM)

    def row_count(self) -> int:
        return len(self.board["trainees"]) if self.board else 0

    # -- commands -------------------------------------------------------------------------------
    def command(self, action: str, **fields) -> None:
        if self.link is not None:
            self.link.send({"type": "command", "id": new_id(), "action": action, **fields})

    def end(self) -> None:
        if not self.end_armed:
            self.end_armed = True
            self.say(self.t("console.end_confirm"), theme.WARN)
            return
        self.end_armed = False
        self.command("end")

    def next_timer(self) -> None:
        current = self.board["timer"] if self.board else "scenario"
        index = TIMER_CYCLE.index(current) if current in TIMER_CYCLE else 0
        self.command("timers", timer=TIMER_CYCLE[(index + 1) % len(TIMER_CYCLE)])

    def open_debrief(self) -> None:
        self.app.push(make_scene("classroom_debrief", self.app, self.address, self.code))

    def leave(self) -> None:
        if self.link is not None:
            self.link.close()
        super().leave()

    # -- frame ----------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        super().update(dt)
        if self.link is None:
            return
        changed = False
        for message in self.link.messages():
            kind = message.get("type")
            if kind == "welcome":
                self.welcome, changed = message, True
                self.say("")
            elif kind == "board":
                changed = changed or self.board is None or (message["phase"], message["timer"], message["revealed"]) != (
                    self.board["phase"], self.board["timer"], self.board["revealed"])
                self.board = message
            elif kind == "refused":
                self.say(self.t("console.refused", detail=message.get("detail", "")), theme.BAD)
        if changed:
            self.end_armed = False
            if self.board is not None and self.board["phase"] == "ended":
                self.say("")
            self.layout()

    def layout(self) -> None:
        self.buttons.clear()
        board, welcome = self.board, self.welcome
        if board is None or welcome is None:
            self.add_bottom_buttons([("back", self.t("classroom.back"), self.leave, pygame.K_ESCAPE, "normal")])
            return
        phase = board["phase"]
        main = {"lobby": ("start", "console.start"), "running": ("pause", "console.pause"),
                "paused": ("resume", "console.resume")}.get(phase)
        entries = [("back", self.t("classroom.back"), self.leave, pygame.K_ESCAPE, "normal")]
        if phase in ("paused", "ended"):  # the room stops to talk it over: how did the group answer?
            self.buttons.add(Button("debrief", DEBRIEF_BUTTON, self.t("console.debrief"), self.open_debrief, key=pygame.K_d))
        if board["revealed"]:
            entries.insert(0, ("hide", self.t("console.hide"), lambda: self.command("reveal", reveal=False), None, "normal"))
        else:
            entries.insert(0, ("reveal", self.t("console.reveal"), lambda: self.command("reveal"), None, "normal"))
        if phase != "ended":
            entries.insert(0, ("end", self.t("console.end"), self.end, None, "normal"))
            timer = board["timer"]
            setting = self.t(f"console.timer.{timer}") if timer in ("scenario", "off") else self.t(
                "console.timer.seconds", n=f"{timer:g}")
            entries.insert(0, ("timers", self.t("console.timers", setting=setting), self.next_timer, None, "normal"))
        if main is not None:
            action, label = main
            entries.insert(0, (action, self.t(label), lambda a=action: self.command(a), pygame.K_SPACE, "primary"))
        self.add_bottom_buttons(entries)
        if phase in ("running", "paused"):
            self._inject_buttons(welcome)

    def _inject_buttons(self, welcome: dict) -> None:
        """One button per inject of the scenario (its title in the trainer's language), one for a disruption and
        one to move every clock on, in one row; long titles share the row's width and wrap."""
        fonts, lang = self.app.fonts, self.app.settings.lang
        titles = welcome.get("inject_titles", {})
        left = INJECT_LEFT + fonts.width(self.t("console.injects"), theme.SMALL) + 16
        injects = [*welcome["injects"], None, "+"]
        labels = [localize(titles.get(i), lang, fallback=i) for i in injects[:-2]] + [
            self.t("console.disruption"), self.t("console.advance", n=f"{ADVANCE_MIN:g}")]
        widths = [fonts.width(label, theme.SMALL) + 28 for label in labels]
        room = RIGHT - left - 8 * (len(injects) - 1)
        if sum(widths) > room:
            widths = [min(w, room // len(widths)) for w in widths]
        x = left
        for inject, label, width in zip(injects, labels, widths):
            if inject == "+":
                bid, action, key = "advance", lambda: self.command("advance", minutes=ADVANCE_MIN), pygame.K_a
            elif inject is None:
                bid, action, key = "inject:disruption", lambda: self.command("inject", disruption={"severity": "major"}), None
            else:
                bid, action, key = f"inject:{inject}", lambda i=inject: self.command("inject", inject=i), None
            self.buttons.add(Button(bid, pygame.Rect(x, INJECT_Y, width, INJECT_H), label, action, key=key,
                                    size=theme.SMALL))
            x += width + 8

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        board, welcome = self.board, self.welcome
        title = self.t("console.title") + (f": {board['session']}" if board else "")
        self.heading(surface, title)
        if board is not None and welcome is not None:
            draw_text(surface, fonts, self.t("console.join_code", code=welcome["join_code"]), (48, 100), theme.H2,
                      theme.ACCENT, bold=True)
            chip_x = 48 + fonts.width(self.t("console.join_code", code=welcome["join_code"]), theme.H2, bold=True) + 24
            draw_chip(surface, fonts, self.t(f"console.phase.{board['phase']}"), (chip_x, 106),
                      PHASE_COLOURS.get(board["phase"], theme.PANEL_LIGHT))
            counts = self.t("console.counts", connected=board["connected"], joined=board["joined"], finished=board["finished"])
            draw_text(surface, fonts, f"{board['scenario']} · {counts}", (48, 146), theme.SMALL, theme.TEXT_DIM)
            if board["phase"] in ("running", "paused"):
                draw_text(surface, fonts, self.t("console.injects"), (INJECT_LEFT, INJECT_Y + INJECT_H // 2), theme.SMALL,
                          theme.TEXT_DIM, anchor="midleft")
            self._draw_table(surface, board)
            draw_group_chart(surface, fonts, CHART, board.get("history", []), self.t)
            if not self.link.connected:
                self.say(self.t("console.offline"), theme.WARN)
        self.draw_common(surface)

    def _kpi_columns(self, board: dict) -> list[tuple[str, int]]:
        """The key KPIs' columns: (KPI name, x)."""
        names = board.get("key_kpis", [])
        step = (RIGHT - KPI_LEFT) // max(1, len(names))
        return [(name, KPI_LEFT + n * step) for n, name in enumerate(names)]

    def _draw_table(self, surface: pygame.Surface, board: dict) -> None:
        fonts = self.app.fonts
        for key, x in COLUMNS:
            draw_text(surface, fonts, self.t(key), (x, ROW_TOP - 8), theme.SMALL, theme.TEXT_DIM, anchor="bottomleft")
        kpi_columns = self._kpi_columns(board)
        room = (RIGHT - KPI_LEFT) // max(1, len(kpi_columns)) - 10
        for name, x in kpi_columns:
            label = self.t(f"kpi.{name}")
            size = theme.SMALL if fonts.width(label, theme.SMALL) <= room else theme.TINY  # long names in smaller type
            draw_text(surface, fonts, label, (x, ROW_TOP - 8), size, theme.TEXT_DIM, anchor="bottomleft")
        if not board["trainees"]:
            draw_text(surface, fonts, self.t("console.empty"), (48, ROW_TOP + 10), theme.BODY, theme.TEXT_DIM)
            return
        for slot, index in enumerate(self.shown_rows()):
            line = board["trainees"][index]
            y = ROW_TOP + slot * ROW_H
            colour = theme.TEXT if line["connected"] or line["finished"] else theme.TEXT_DIM
            draw_text(surface, fonts, f"{line['rank']}.  {line['name']}", (48, y), theme.BODY, colour)
            draw_text(surface, fonts, f"{line['minute']:.0f}", (COLUMNS[1][1], y), theme.BODY, colour)
            answers = str(line["decisions"]) + (f"  ({self.t('console.deciding')})" if line["waiting"] else "")
            draw_text(surface, fonts, answers, (COLUMNS[2][1], y), theme.BODY, theme.WARN if line["waiting"] else colour)
            draw_text(surface, fonts, str(line["mistakes"]), (COLUMNS[3][1], y), theme.BODY,
                      theme.BAD if line["mistakes"] else colour)
            self._draw_score(surface, line, COLUMNS[4][1], y, colour)
            for name, x in kpi_columns:
                draw_text(surface, fonts, kpi_text(line["kpis"].get(name)), (x, y), theme.BODY, colour)

    def _draw_score(self, surface: pygame.Surface, line: dict, x: int, y: int, colour) -> None:
        """The score as a bar and a number, "final" once finished, with its 95 % interval once the trainee's
        game has replayed the run."""
        fonts, score = self.app.fonts, line["score"]
        if score is None:
            draw_text(surface, fonts, "-", (x, y), theme.BODY, theme.TEXT_DIM)
            return
        draw_bar(surface, pygame.Rect(x, y + 8, 70, 12), score / 100, theme.GOOD if line["finished"] else theme.ACCENT)
        interval = line.get("interval")
        if interval:
            text = self.t("console.score_interval", score=f"{score:.0f}", low=f"{interval[0]:.0f}", high=f"{interval[1]:.0f}")
        else:
            text = f"{score:.0f}" + (f"  {self.t('console.final')}" if line["finished"] else "")
        draw_text(surface, fonts, text, (x + 80, y), theme.BODY, colour)

