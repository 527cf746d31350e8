"""Joining a classroom: the trainer's address, the join code and the trainee's name, then into the room."""
from __future__ import annotations

import pygame

from sim import UserError
from sim.scenario import read_scenario_text

from trainer.classroom.protocol import scenario_digest

from .. import theme
from ..catalog import find
from ..classroom.connect import join_link, outbox_path, server_url
from ..classroom.play import ClassroomPlay
from ..classroom.room import Room
from ..textfield import TextField
from ..widgets import draw_wrapped
from .registry import make_scene
from .trainer_base import TrainerScene

NO_ANSWER_S = 3.0  # after this long without a welcome the screen says the server does not answer


class ClassroomJoinScene(TrainerScene):
    """A form; with everything given on the command line it joins at once."""

    name = "classroom_join"

    def __init__(self, app, address: str = "", code: str = "", trainee: str = ""):
        super().__init__(app)
        self.address_field = TextField("address", pygame.Rect(48, 150, 560, 46), "", value=address, on_submit=self.join)
        self.code_field = TextField("code", pygame.Rect(640, 150, 240, 46), "", value=code, on_submit=self.join,
                                    max_length=12)
        self.name_field = TextField("name", pygame.Rect(48, 250, 560, 46), "", value=trainee, on_submit=self.join)
        self.fields = [self.address_field, self.code_field, self.name_field]
        self.link = None
        self.waited = 0.0
        self._auto = bool(address and code and trainee)

    def enter(self) -> None:
        super().enter()
        if self._auto:
            self.join()
        else:
            next((f for f in self.fields if not f.value), self.name_field).focus(True)

    def layout(self) -> None:
        self.address_field.label = self.t("classroom.address")
        self.address_field.placeholder = self.t("classroom.address_example")
        self.code_field.label = self.t("classroom.code")
        self.name_field.label = self.t("classroom.name")
        self.buttons.clear()
        self.add_bottom_buttons([
            ("join", self.t("classroom.join"), self.join, pygame.K_RETURN, "primary"),
            ("back", self.t("classroom.back"), self.back, pygame.K_ESCAPE, "normal"),
        ])

    def join(self) -> None:
        address, code, name = (f.value.strip() for f in self.fields)
        if not (address and code and name):
            self.say(self.t("classroom.fill"), theme.BAD)
            return
        if server_url(address) is None:
            self.say(self.t("classroom.bad_address"), theme.BAD)
            return
        self._close_link()
        self.stop_typing()
        self.link = join_link(address, code, name, outbox_path(address, code, name))
        self.waited = 0.0
        self.say(self.t("classroom.connecting", address=address), theme.TEXT_DIM)

    def back(self) -> None:
        self._close_link()
        self.leave()

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.link is None:
            return
        self.waited += dt
        for message in self.link.messages():
            if message.get("type") == "welcome":
                self._enter_room(message)
                return
            if message.get("type") == "refused":
                reason = message.get("reason")
                key = f"classroom.refused.{reason}" if reason in ("wrong_code", "name_taken", "locked_out") else "classroom.refused.other"
                self.say(self.t(key, detail=message.get("detail", reason)), theme.BAD)
                self._close_link()
                return
        if self.waited > NO_ANSWER_S and not self.link.connected:
            self.say(self.t("classroom.no_server", address=self.address_field.value.strip()), theme.WARN)

    def _enter_room(self, welcome: dict) -> None:
        scenario_id = welcome["scenario"]
        entry = find(self.app.scenario_dir, scenario_id)
        if entry is None or entry.scenario is None:
            self.say(self.t("classroom.no_scenario", scenario=scenario_id, folder=self.app.scenario_dir), theme.BAD)
            self._close_link()
            return
        try:
            text = read_scenario_text(entry.path)
        except UserError as exc:  # the file went, or changed for the worse, since the list was read
            self.say(str(exc), theme.BAD)
            self._close_link()
            return
        if scenario_digest(text) != welcome.get("digest"):
            self.say(self.t("classroom.other_version", scenario=scenario_id), theme.BAD)
            self._close_link()
            return
        link, self.link = self.link, None
        unsent = link.link.unsent_at_welcome  # not the outbox now: it may have sent and lost some since
        play = self.attempt(ClassroomPlay, entry.scenario, welcome, link.send, unsent=unsent)
        if play is None:
            link.close()
            return
        self.app.replace(make_scene("play", self.app, play.session, room=Room(play, link)))

    def _close_link(self) -> None:
        if self.link is not None:
            self.link.close()
            self.link = None

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self.heading(surface, self.t("classroom.join_title"))
        draw_wrapped(surface, self.app.fonts, self.t("classroom.join_hint"), pygame.Rect(48, 340, 1000, 80), theme.BODY,
                     theme.TEXT_DIM)
        self.draw_common(surface)
