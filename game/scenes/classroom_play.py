"""Playing in a classroom: the play scene, with the room's phase holding the clock and the trainer's injects."""
from __future__ import annotations

import pygame

from .. import theme
from ..widgets import draw_panel, draw_text
from .play import PlayScene

STATUS = pygame.Rect(340, 54, 600, 40)


class ClassroomPlayScene(PlayScene):
    """The trainee's own game; the room decides when its clock runs, the server hears every answer."""

    name = "classroom_play"

    def __init__(self, app, play, link):
        super().__init__(app, play.session)
        self.play = play
        self.link = link
        self._held = False  # the clock is stopped by the room, not by the trainee

    def decision_seconds(self, decision) -> float | None:
        return self.play.decision_seconds(decision)

    def update(self, dt: float) -> None:
        for message in self.link.messages():
            happening = self.play.receive(message)
            if happening is not None and happening.ref in self.session.run.injects:
                self._on_happening(happening)
            elif happening is not None:
                self._say(self.t("classroom.disruption"), theme.BAD)
        if not self.play.running and not self.session.over:
            if self.session.speed:
                self._held = True
                self.session.set_speed(0)
        elif self._held:
            self._held = False
            self.session.set_speed(self.session.resume_speed)
        super().update(dt)
        self.play.keep_up()

    def status(self) -> str:
        """The line over the venue: why the clock stands still, or that the connection is down."""
        if not self.link.connected and not self.play.done:
            return self.t("classroom.offline")
        if self.play.phase in ("lobby", "paused", "ended"):
            return self.t(f"classroom.{self.play.phase}")
        board = self.play.revealed_board
        if board is not None:
            me = next((line for line in board["trainees"] if line.get("me")), None)
            if me is not None:
                return self.t("classroom.rank", rank=me["rank"], count=len(board["trainees"]))
        return ""

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        text = self.status()
        if text:
            draw_panel(surface, STATUS, theme.PANEL_LIGHT)
            draw_text(surface, self.app.fonts, text, STATUS.center, theme.BODY, theme.WARN, bold=True, anchor="center")
