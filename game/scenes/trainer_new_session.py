"""Creating a training session: its name, its date (today unless changed) and the scenarios to play."""
from __future__ import annotations

import datetime as dt

import pygame

from trainer import ScenarioRef

from .. import theme
from ..catalog import Entry
from ..recording import bilingual
from ..textfield import TextField
from ..widgets import Button, draw_text
from .registry import make_scene
from .base import ScenarioListing
from .trainer_base import TrainerScene

SCENARIO_TOP, SCENARIO_H, SCENARIO_GAP = 300, 50, 10


class NewSessionScene(ScenarioListing, TrainerScene):
    """A form; the scenarios are picked from the playable files of the catalog, in the order clicked."""

    name = "trainer_new_session"

    def __init__(self, app, today: dt.date | None = None):
        super().__init__(app)
        self.list_scenarios()
        self.chosen: list[Entry] = []
        self.name_field = TextField("name", pygame.Rect(48, 140, 700, 46), "", on_submit=self.create)
        self.date_field = TextField("date", pygame.Rect(780, 140, 260, 46), "", value=(today or dt.date.today()).isoformat(),
                                    on_submit=self.create, max_length=10)
        self.fields = [self.name_field, self.date_field]
        self.page_size = 5

    def enter(self) -> None:
        super().enter()
        self.name_field.focus(True)

    def listed(self, entries: list[Entry] | None) -> list[Entry] | None:
        """Only the playable scenarios can be put in a session (the form is usable while they are read)."""
        return None if entries is None else [entry for entry in entries if entry.playable]

    def row_count(self) -> int:
        return len(self.entries or ())

    def layout(self) -> None:
        self.name_field.label = self.t("trainer.session_name")
        self.name_field.placeholder = self.t("trainer.session_name_example")
        self.date_field.label = self.t("trainer.session_date")
        self.buttons.clear()
        lang = self.app.settings.lang
        for slot, index in enumerate(self.shown_rows()):
            entry = self.entries[index]
            rect = pygame.Rect(48, SCENARIO_TOP + slot * (SCENARIO_H + SCENARIO_GAP), 992, SCENARIO_H)
            order = self.chosen.index(entry) + 1 if entry in self.chosen else None
            label = f"{order}.  {entry.title(lang)}" if order else entry.title(lang)
            self.buttons.add(Button(f"scenario:{entry.path.stem}", rect, label, lambda e=entry: self.toggle(e),
                                    style="selected" if order else "normal"))
        self.add_bottom_buttons([
            ("create", self.t("trainer.create"), self.create, pygame.K_RETURN, "primary"),
            ("cancel", self.t("trainer.cancel"), self.leave, pygame.K_ESCAPE, "normal"),
        ])

    def toggle(self, entry: Entry) -> None:
        if entry in self.chosen:
            self.chosen.remove(entry)
        else:
            self.chosen.append(entry)
        self.layout()

    def create(self) -> None:
        records = self.attempt(self.app.records)
        if records is None:
            return
        scenarios = [ScenarioRef(entry.path.stem, bilingual(entry.scenario.meta.title)) for entry in self.chosen]
        session = self.attempt(records.create_session, self.name_field.value, self.date_field.value, scenarios)
        if session is not None:
            self.stop_typing()
            self.app.replace(make_scene("trainer_session", self.app, session))

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        fonts = self.app.fonts
        self.heading(surface, self.t("trainer.new_session_title"))
        draw_text(surface, fonts, self.t("trainer.pick_scenarios"), (48, SCENARIO_TOP - 58), theme.H2, theme.ACCENT, bold=True)
        draw_text(surface, fonts, self.t("trainer.pick_scenarios_hint"), (48, SCENARIO_TOP - 28), theme.SMALL, theme.TEXT_DIM)
        if self.entries is None:
            draw_text(surface, fonts, self.t("picker.loading"), (48, SCENARIO_TOP + 10), theme.BODY, theme.TEXT_DIM)
        elif not self.entries:
            draw_text(surface, fonts, self.t("picker.empty", folder=str(self.app.scenario_dir)), (48, SCENARIO_TOP + 10),
                      theme.BODY, theme.WARN)
        self.draw_common(surface)

