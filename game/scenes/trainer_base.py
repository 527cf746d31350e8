"""What the trainer screens share: the records file, one message line, text fields and a paged list."""
from __future__ import annotations

import pygame

from sim import UserError
from trainer import RecordsError

from .. import theme
from ..catalog import find
from ..textfield import TextField
from ..widgets import Button, draw_text, draw_wrapped
from .base import Scene
from .registry import make_scene

MESSAGE = pygame.Rect(48, 588, 1184, 50)  # where a scene's one message goes (two lines at most)
BOTTOM = 648  # y of the bottom row of buttons
BUTTON_H = 48


def cell_text(t, cell) -> str:
    """A scoreboard cell in a few words: the best score, or in progress, or not played (scripted turns apart)."""
    if cell.best is not None:
        text = t("trainer.score", score=f"{cell.best.score:g}", max=f"{cell.best.score_max:g}")
    elif cell.in_progress or not cell.scripted:
        text = t("trainer.in_progress" if cell.in_progress else "trainer.not_played")
    else:
        return t("trainer.scripted_only")
    return f"{text} · {t('trainer.scripted_count', count=cell.scripted)}" if cell.scripted else text


def scripted_tag(t, rule: str | None) -> str:
    """The tag of a turn an answer rule played (``srl-game --answers``), in the screen's language; '' for a trainee's own."""
    return t("trainer.scripted", rule=t(f"rule.{rule}")) if rule else ""


class TrainerScene(Scene):
    """A trainer screen: a problem with the records file or with a typed value becomes one message on screen."""

    page_size = 5  # rows of the scene's list shown at once
    message_rect = MESSAGE

    def __init__(self, app):
        super().__init__(app)
        self.fields: list[TextField] = []
        self.message = ""
        self.message_colour = theme.TEXT_DIM
        self.first = 0
        self._scenarios: dict[str, object] = {}  # scenario id -> the scenario read from its file, or None

    # -- lifecycle ------------------------------------------------------------------------------
    def enter(self) -> None:
        self.reload()
        super().enter()

    def resume(self) -> None:
        self.reload()  # the screen above may have changed the records
        super().resume()

    def reload(self) -> None:
        """Read what the screen shows from the records file."""

    # -- records and messages -------------------------------------------------------------------
    def attempt(self, action, *args, **kwargs):
        """Run ``action``; a RecordsError or UserError becomes the message on screen and None is returned."""
        try:
            return action(*args, **kwargs)
        except (RecordsError, UserError) as exc:
            self.say(str(exc), theme.BAD)
            return None

    def say(self, text: str, colour=theme.GOOD) -> None:
        self.message, self.message_colour = text, colour

    def scenario_label(self, ref) -> str:
        """A session scenario's title: as stored, else from its file in the scenarios folder, else its id."""
        if ref.title is not None:
            return ref.label(self.app.settings.lang)
        scenario = self.scenario_of(ref.id)
        return self.app.local(scenario.meta.title) if scenario is not None else ref.id

    def scenario_of(self, scenario_id: str):
        """The scenario with this id from the scenarios folder (read once), or None when it cannot be loaded."""
        if scenario_id not in self._scenarios:
            entry = find(self.app.scenario_dir, scenario_id)
            self._scenarios[scenario_id] = entry.scenario if entry is not None else None
        return self._scenarios[scenario_id]

    def playable(self, scenario_id: str) -> bool:
        """Whether the scenario's file is there and has an exercise to play."""
        return getattr(self.scenario_of(scenario_id), "exercise", None) is not None

    def open(self, scene: Scene) -> None:
        """Push another screen (typing stops here first)."""
        self.stop_typing()
        self.app.push(scene)

    def reopen(self, turn) -> None:
        """Open a finished turn's debrief from the records."""
        records = self.attempt(self.app.records)
        record = records and self.attempt(records.turn_record, turn.id)
        if record:
            self.open(make_scene("trainer_debrief", self.app, record))

    def leave(self) -> None:
        """Back to the screen below."""
        self.stop_typing()
        self.app.pop()

    def stop_typing(self) -> None:
        for text_field in self.fields:
            text_field.focus(False)

    # -- the list -------------------------------------------------------------------------------
    def row_count(self) -> int:
        return 0

    def shown_rows(self) -> range:
        return range(self.first, min(self.first + self.page_size, self.row_count()))

    def scroll(self, step: int) -> None:
        first = max(0, min(self.first + step, max(0, self.row_count() - self.page_size)))
        if first != self.first:
            self.first = first
            self.layout()

    # -- frame ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if any([text_field.handle(event) for text_field in self.fields]):
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_TAB and self._tab_to_next_field():
            return
        if event.type == pygame.MOUSEWHEEL:
            self.scroll(-event.y)
            return
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP):
            self.scroll(self.page_size if event.key == pygame.K_PAGEDOWN else -self.page_size)
            return
        super().handle(event)

    def _tab_to_next_field(self) -> bool:
        focused = next((i for i, f in enumerate(self.fields) if f.focused), None)
        if focused is None:
            return False
        self.fields[focused].focus(False)
        if focused + 1 < len(self.fields):
            self.fields[focused + 1].focus(True)
            return True
        return False

    def add_bottom_buttons(self, entries: list[tuple[str, str, object, int | None, str]]) -> None:
        """Buttons along the bottom edge, from the right: (id, label, action, key, style); the first is rightmost."""
        x = theme.SCREEN_SIZE[0] - 48
        for bid, label, action, key, style in entries:
            width = max(180, self.app.fonts.width(label, theme.BODY) + 40)
            x -= width
            self.buttons.add(Button(bid, pygame.Rect(x, BOTTOM, width, BUTTON_H), label, action, key=key, style=style))
            x -= 12

    def draw_common(self, surface: pygame.Surface) -> None:
        """Fields, buttons, the message line and the page indicator."""
        fonts = self.app.fonts
        for text_field in self.fields:
            text_field.draw(surface, fonts)
        self.buttons.draw(surface, fonts)
        if self.message:
            clip = surface.get_clip()
            surface.set_clip(self.message_rect)
            draw_wrapped(surface, fonts, self.message, self.message_rect, theme.SMALL, self.message_colour, max_lines=2)
            surface.set_clip(clip)
        if self.row_count() > self.page_size:
            shown = f"{self.first + 1}-{self.first + len(self.shown_rows())} / {self.row_count()}"
            draw_text(surface, fonts, shown, (48, BOTTOM + BUTTON_H // 2), theme.SMALL, theme.TEXT_DIM, anchor="midleft")
