"""A decision point: the customer's line, 3-5 responses under a timer, then the customer's reply and feedback.

The answers are shown in an order shuffled by the turn's seed (the same on resume and replay). The timer
pauses with P or Space and can be switched off for a session; when it runs out the trainee hesitates,
which the customer sees: nothing is said or done, and the mood drops a little.
"""
from __future__ import annotations

from typing import Callable

import pygame

from sim.scenario.exercise import HESITATED

from .. import theme
from ..answers import answer_rng, dialog_order, pick
from ..scoring import is_mistake
from ..session import Session
from ..widgets import Button, draw_bar, draw_chips, draw_panel, draw_text, draw_wrapped
from .base import Scene

PANEL = pygame.Rect(140, 36, 1000, 648)
AUTO_FOCUS_S, AUTO_ANSWER_S, AUTO_CONTINUE_S = 1.2, 2.4, 3.0  # demo mode: when the policy's answer is shown and taken
CHOICE_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5)


class DialogScene(Scene):
    """Drawn over the paused play scene; the answer goes to the exercise runtime, which updates the model."""

    name = "dialog"
    overlay = True

    def __init__(self, app, session: Session, on_close: Callable[[str, bool], None], seconds: float | None = -1.0):
        """``seconds`` is the time to answer (None: no timer; by default the decision point's own timer)."""
        super().__init__(app)
        self.session = session
        self.run = session.run
        self.decision = session.run.pending
        self.customer = session.run.pending_customer
        self.on_close = on_close
        self.order = dialog_order(session.scenario, self.decision, session.seed)
        self._rng = answer_rng(session.seed, self.decision)  # scripted play's random answers
        self.seconds = self.decision.timer_s if seconds == -1.0 else seconds
        self.left = self.seconds if self.seconds is not None else self.decision.timer_s
        # the trainer may switch the countdown off (settings, --no-timer, or the classroom's timers)
        self.timed = app.settings.timer and self.seconds is not None
        self.paused = False
        self.choice = None
        self.record = None
        self.answered_at = 0.0
        self._choices_top = 0

    # -- layout ---------------------------------------------------------------------------------
    def layout(self) -> None:
        self.buttons.clear()
        fonts = self.app.fonts
        if self.choice is None:
            y = self._choices_top = self._header_bottom()
            width = PANEL.width - 64
            labels = [f"{i + 1}.  {self.app.local(choice.text)}" for i, choice in enumerate(self.order)]

            def heights(size: int) -> list[int]:
                return [min(3, len(fonts.wrap(label, size, width - 24))) * fonts.line_height(size) + 14 for label in labels]

            size = theme.BODY  # large text: the answers step down a size rather than run off the panel
            if y + sum(heights(size)) + 8 * len(labels) > PANEL.bottom - 12:
                size = theme.SMALL
            for i, (choice, label, height) in enumerate(zip(self.order, labels, heights(size))):
                self.buttons.add(Button(f"choice:{choice.id}", pygame.Rect(PANEL.left + 32, y, width, height), label,
                                        lambda c=choice.id: self.answer(c), key=CHOICE_KEYS[i], style="choice", size=size))
                y += height + 8
        else:
            rect = pygame.Rect(PANEL.right - 252, PANEL.bottom - 66, 220, 46)
            self.buttons.add(Button("continue", rect, self.t("dialog.continue"), self.close, key=pygame.K_RETURN, style="primary"))

    def _header_bottom(self) -> int:
        fonts = self.app.fonts
        y = PANEL.top + 20 + fonts.line_height(theme.H2) + 8
        y += fonts.line_height(theme.BODY) + 4
        description = self._description()
        if description:
            y += len(fonts.wrap(description, theme.SMALL, PANEL.width - 64)[:2]) * fonts.line_height(theme.SMALL)
        line = self.app.local(self.decision.line)
        y += 16 + len(fonts.wrap(line, theme.BODY, PANEL.width - 104)) * fonts.line_height(theme.BODY) + 16
        return y + 10

    # -- actions --------------------------------------------------------------------------------
    def answer(self, choice_id: str, timed_out: bool = False) -> None:
        if self.choice is not None:
            return
        self.choice = self.session.choose(choice_id, timed_out=timed_out, shown=[c.id for c in self.order])
        self.record = self.run.records[-1]
        self.answered_at = self.age
        self.app.sounds.play("bad" if self._bad() else "good")
        self.layout()

    def close(self) -> None:
        name = self._speaker()
        text = self.t("timeline.choice_timeout" if self.record.timed_out else "timeline.choice", name=name,
                      choice=self.app.local(self.choice.text))
        self.app.pop()
        self.on_close(text, not self._bad())

    def _bad(self) -> bool:
        return is_mistake(self.choice)

    # -- frame ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if self.choice is not None and event.type == pygame.KEYDOWN and event.key in (pygame.K_SPACE, pygame.K_ESCAPE):
            self.close()
            return
        if self.choice is None and event.type == pygame.KEYDOWN and event.key in (pygame.K_p, pygame.K_SPACE):
            self.paused = not self.paused  # a group can talk it over
            return
        super().handle(event)

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.session.autoplay is not None or self.session.scripted is not None:
            self._autoplay()
        if self.choice is None and self.timed and not self.paused:
            self.left -= dt
            if self.left <= 0:
                self.answer(HESITATED, timed_out=True)

    def _autoplay(self) -> None:
        """Demo mode: point at the policy's answer, take it, then move on after the feedback."""
        if self.choice is None:
            if self.session.scripted is not None:
                wanted = pick(self.session.scripted, self.decision, self.order, self.session.scenario, self._rng)
            else:
                policy = self.session.scenario.policies[self.session.autoplay]
                wanted = policy.choices.get(self.decision.id, self.decision.default)
            if self.age >= AUTO_FOCUS_S:
                self.buttons.focus = next((i for i, b in enumerate(self.buttons.buttons) if b.id == f"choice:{wanted}"), -1)
            if self.age >= AUTO_ANSWER_S:
                self.answer(wanted)
        elif self.age - self.answered_at >= AUTO_CONTINUE_S:
            self.close()

    def draw(self, surface: pygame.Surface) -> None:
        shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
        shade.fill(theme.OVERLAY)
        surface.blit(shade, (0, 0))
        draw_panel(surface, PANEL, theme.BACKGROUND, theme.ACCENT, radius=14)
        if self.choice is None:
            self._draw_question(surface)
        else:
            self._draw_feedback(surface)
        self.buttons.draw(surface, self.app.fonts)

    def _speaker(self) -> str:
        if self.decision.speaker is not None:
            return self.app.local(self.decision.speaker)
        cast = self.run.cast_of.get(self.customer)
        return self.app.local(self.run.cast_members[cast].name) if cast is not None else ""

    def _description(self) -> str:
        cast = self.run.cast_of.get(self.customer)
        if self.decision.speaker is None and cast is not None:
            return self.app.local(self.run.cast_members[cast].description)
        return ""

    def _draw_question(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        x, width = PANEL.left + 32, PANEL.width - 64
        draw_text(surface, fonts, self.app.local(self.decision.title), (x, PANEL.top + 20), theme.H2, theme.ACCENT, bold=True)
        self._draw_timer(surface)
        y = PANEL.top + 20 + fonts.line_height(theme.H2) + 8
        mood = self.run.mood_of(self.customer)
        name = self.t("dialog.says", name=self._speaker())
        rect = draw_text(surface, fonts, name, (x, y), theme.BODY, theme.TEXT, bold=True)
        if mood is not None and self.decision.speaker is None:
            draw_bar(surface, pygame.Rect(rect.right + 16, rect.centery - 5, 120, 10), (mood + 1) / 2, theme.mood_colour(mood))
            draw_text(surface, fonts, self.t(theme.mood_word_key(mood)), (rect.right + 146, rect.centery), theme.SMALL,
                      theme.mood_colour(mood), anchor="midleft")
        y += fonts.line_height(theme.BODY) + 4
        description = self._description()
        if description:
            y = draw_wrapped(surface, fonts, description, pygame.Rect(x, y, width, 60), theme.SMALL, theme.TEXT_DIM, max_lines=2)
        line = self.app.local(self.decision.line)
        height = len(fonts.wrap(line, theme.BODY, width - 40)) * fonts.line_height(theme.BODY) + 24
        bubble = pygame.Rect(x, y + 8, width, height)
        draw_panel(surface, bubble, (238, 240, 246), None, radius=12)
        pygame.draw.polygon(surface, (238, 240, 246), [(x + 30, bubble.top), (x + 44, bubble.top - 10), (x + 54, bubble.top)])
        draw_wrapped(surface, fonts, line, bubble.inflate(-40, -24), theme.BODY, theme.TEXT_DARK)

    def _draw_timer(self, surface: pygame.Surface) -> None:
        fonts = self.app.fonts
        if not self.timed:
            draw_text(surface, fonts, self.t("dialog.no_timer"), (PANEL.right - 32, PANEL.top + 36), theme.SMALL, theme.TEXT_DIM,
                      anchor="midright")
            return
        share = max(0.0, self.left / self.seconds)
        colour = theme.GOOD if share > 0.5 else theme.WARN if share > 0.2 else theme.BAD
        draw_bar(surface, pygame.Rect(PANEL.right - 252, PANEL.top + 30, 160, 12), share, colour)
        draw_text(surface, fonts, self.t("dialog.time_left", seconds=max(0, int(self.left + 0.99))), (PANEL.right - 32, PANEL.top + 36),
                  theme.SMALL, colour, bold=True, anchor="midright")
        hint = self.t("dialog.paused" if self.paused else "dialog.pause_hint")
        draw_text(surface, fonts, hint, (PANEL.right - 32, PANEL.top + 56), theme.TINY, theme.WARN if self.paused else theme.TEXT_DIM,
                  anchor="midright")

    def _draw_feedback(self, surface: pygame.Surface) -> None:
        fonts, choice, record = self.app.fonts, self.choice, self.record
        x, width = PANEL.left + 32, PANEL.width - 64
        bad = self._bad()
        colour = theme.BAD if bad else theme.GOOD
        draw_text(surface, fonts, self.app.local(self.decision.title), (x, PANEL.top + 20), theme.H2, theme.ACCENT, bold=True)
        y = PANEL.top + 20 + fonts.line_height(theme.H2) + 12
        if record.timed_out:
            draw_text(surface, fonts, self.t("dialog.timed_out"), (x, y), theme.BODY, theme.WARN, bold=True)
            y += fonts.line_height(theme.BODY) + 6
        box = pygame.Rect(x, y, width, len(fonts.wrap(self.app.local(choice.text), theme.BODY, width - 32)) * fonts.line_height(theme.BODY) + 20)
        draw_panel(surface, box, theme.PANEL_LIGHT, colour, radius=10)
        draw_wrapped(surface, fonts, self.app.local(choice.text), box.inflate(-32, -20), theme.BODY)
        y = box.bottom + 12
        if choice.reply is not None:
            reply = self.t("dialog.replies", name=self._speaker(), reply=self.app.local(choice.reply))
            height = len(fonts.wrap(reply, theme.BODY, width - 40)) * fonts.line_height(theme.BODY) + 16
            bubble = pygame.Rect(x + 40, y, width - 40, height)
            draw_panel(surface, bubble, (238, 240, 246), None, radius=12)
            draw_wrapped(surface, fonts, reply, bubble.inflate(-32, -16), theme.BODY, theme.TEXT_DARK)
            y = bubble.bottom
        y += 14
        y = draw_wrapped(surface, fonts, self.app.local(choice.feedback), pygame.Rect(x, y, width, 200), theme.H2, colour, bold=True) + 14
        if record.mood_before is not None and record.mood_after is not None:
            before, after = record.mood_before, record.mood_after
            text = self.t("dialog.mood_change", before=self.t(theme.mood_word_key(before)), after=self.t(theme.mood_word_key(after)),
                          change=f"{after - before:+.2f}")
            draw_text(surface, fonts, text, (x, y), theme.BODY, theme.TEXT)
            bars = y + fonts.line_height(theme.BODY) + 6  # below the line at any text size
            draw_bar(surface, pygame.Rect(x, bars, 240, 12), (before + 1) / 2, theme.mood_colour(before))
            draw_text(surface, fonts, "→", (x + 262, bars + 6), theme.BODY, theme.TEXT, anchor="center")
            draw_bar(surface, pygame.Rect(x + 284, bars, 240, 12), (after + 1) / 2, theme.mood_colour(after))
            y = bars + 30
        chips = [(self.t(f"flag.{flag}"), theme.BAD) for flag in choice.flags]
        if chips:
            y = draw_chips(surface, fonts, chips, pygame.Rect(x, y, width, 60)) + 10
        for key, items, chip_colour in (("dialog.follows", choice.follows, theme.GOOD), ("dialog.breaks", choice.breaks, (240, 140, 120))):
            if items:
                label = self.t(key, items="")
                rect = draw_text(surface, fonts, label, (x, y + 2), theme.SMALL, theme.TEXT_DIM, bold=True)
                y = draw_chips(surface, fonts, [(self.t(f"lesson.{item}"), chip_colour) for item in items],
                               pygame.Rect(rect.right + 8, y, width - rect.width - 8, 80)) + 10
