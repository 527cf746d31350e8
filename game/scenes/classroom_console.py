"""The trainer's console: who has joined, where each trainee is, their score; start, pause, timers, injects, end."""
from __future__ import annotations

import pygame

from trainer.classroom.link import new_id

from .. import theme
from ..classroom.connect import console_link, server_url
from ..widgets import Button, draw_bar, draw_chip, draw_text
from .trainer_base import TrainerScene

TIMER_CYCLE = ("scenario", "off", 10.0, 20.0, 30.0)
ROW_TOP, ROW_H, ROWS = 262, 30, 11
COLUMNS = (("console.trainee", 48), ("console.minute", 400), ("console.answers", 520), ("console.mistakes", 680),
           ("console.score", 820))
PHASE_COLOURS = {"lobby": theme.PANEL_LIGHT, "running": theme.GOOD, "paused": theme.WARN, "ended": theme.ACCENT_DARK}


class ClassroomConsoleScene(TrainerScene):
    """Connected as the console; every button sends one command to the room, acknowledged by the server."""

    name = "classroom_console"
    page_size = ROWS

    def __init__(self, app, address: str, code: str):
        super().__init__(app)
        self.address = address
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
            x = 48 + self.app.fonts.width(self.t("console.injects"), theme.SMALL) + 16
            y = 178
            for inject in [*welcome["injects"], None]:
                label = inject if inject is not None else self.t("console.disruption")
                width = self.app.fonts.width(label, theme.BODY) + 32
                action = (lambda i=inject: self.command("inject", inject=i)) if inject else (
                    lambda: self.command("inject", disruption={"severity": "major"}))
                self.buttons.add(Button(f"inject:{inject or 'disruption'}", pygame.Rect(x, y, width, 40), label, action))
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
                draw_text(surface, fonts, self.t("console.injects"), (48, 198), theme.SMALL, theme.TEXT_DIM, anchor="midleft")
            self._draw_table(surface, board)
            if not self.link.connected:
                self.say(self.t("console.offline"), theme.WARN)
        self.draw_common(surface)

    def _draw_table(self, surface: pygame.Surface, board: dict) -> None:
        fonts = self.app.fonts
        for key, x in COLUMNS:
            draw_text(surface, fonts, self.t(key), (x, ROW_TOP - 8), theme.SMALL, theme.TEXT_DIM, anchor="bottomleft")
        if not board["trainees"]:
            draw_text(surface, fonts, self.t("console.empty"), (48, ROW_TOP + 10), theme.BODY, theme.TEXT_DIM)
            return
        for slot, index in enumerate(self.shown_rows()):
            line = board["trainees"][index]
            y = ROW_TOP + slot * ROW_H
            colour = theme.TEXT if line["connected"] or line["finished"] else theme.TEXT_DIM
            draw_text(surface, fonts, f"{line['rank']}.  {line['name']}", (48, y), theme.BODY, colour)
            draw_text(surface, fonts, f"{line['minute']:.0f}", (400, y), theme.BODY, colour)
            answers = str(line["decisions"]) + (f"  ({self.t('console.deciding')})" if line["waiting"] else "")
            draw_text(surface, fonts, answers, (520, y), theme.BODY, theme.WARN if line["waiting"] else colour)
            draw_text(surface, fonts, str(line["mistakes"]), (680, y), theme.BODY, theme.BAD if line["mistakes"] else colour)
            score = line["score"]
            if score is not None:
                draw_bar(surface, pygame.Rect(820, y + 8, 200, 12), score / 100, theme.GOOD if line["finished"] else theme.ACCENT)
                text = f"{score:.0f}" + (f"  {self.t('console.final')}" if line["finished"] else "")
                draw_text(surface, fonts, text, (1036, y), theme.BODY, colour)
            else:
                draw_text(surface, fonts, "-", (820, y), theme.BODY, theme.TEXT_DIM)
