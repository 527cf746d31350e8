"""The play scene: the venue, its customers and staff, the clock and boards; the trainee acts here."""
from __future__ import annotations

import pygame

from sim import EventKind
from sim.exercise.runtime import Happening

from .. import theme
from ..session import Session
from ..venue.background import render_background, render_labels
from ..venue.boards import BoardPainter, BoardState
from ..venue.crowd import Crowd
from ..venue.queues import StationQueues, journey_stations, station_label
from ..venue.geometry import VENUE_RECT, SeatPlan, Viewport
from ..venue.hud import (
    BANNER,
    SIDEBAR,
    CustomerCard,
    TickerLine,
    draw_sidebar_customer,
    draw_sidebar_staff,
    draw_speech,
    draw_ticker,
    draw_top_bar,
    render_banner,
)
from ..venue.labels import place, plate_of
from ..venue.sprites import SpriteBank
from ..venue.staff import StaffView
from ..widgets import Button, draw_panel, draw_text, draw_wrapped
from .base import Scene
from .registry import make_scene

BANNER_S = 7.0
FIGURE_R = 11  # half the side of the square a named character's figure covers (names keep off it)
REPLY_S = 6.0  # seconds the customer's answer stays over their head
END_CONFIRM_S = 4.0
SPEED_KEYS = {pygame.K_0: 0, pygame.K_1: 1, pygame.K_2: 2, pygame.K_3: 4, pygame.K_4: 4}
VERB_TOP = 300  # y of the first action button in the sidebar
ROOM_STATUS = pygame.Rect(340, 54, 600, 40)  # a classroom's line over the venue (waiting, paused, offline)
KNOWN_STATES = {"queueing", "in_service", "awaiting_recovery", "recovering", "left", "abandoned"}


class PlayScene(Scene):
    """Advances the session each frame, shows what happens and turns clicks and keys into actions."""

    name = "play"

    def __init__(self, app, session: Session, room=None):
        """``room``: a :class:`game.classroom.room.Room` when the run is part of a classroom."""
        super().__init__(app)
        self.session = session
        self.room = room
        scenario, exercise = session.scenario, session.exercise
        self.view = Viewport(VENUE_RECT)
        self.layout_spec = exercise.layout
        self.sprites = SpriteBank(app.fonts)
        self.boards = {board.id: BoardState(board) for board in exercise.layout.boards}
        for happening in session.run.happenings:  # a scene opened mid-run shows the boards as they are now
            if happening.kind == "inject":
                self._update_boards(session.run.injects[happening.ref], flash=False)
        self.painter = BoardPainter(app.fonts, self.view)
        self.staff = StaffView(exercise.layout, self.view, list(scenario.staff))
        self.roles_of_segment = {name: seg.steps[0].station for name, seg in scenario.segments.items()}
        stations = journey_stations(scenario)
        self.queues = StationQueues(
            stations, {station: station_label(scenario, station, app.local) for station in stations}, self.staff.stations,
        ) if session.model.multi_station else None
        self.crowd = Crowd(
            SeatPlan(exercise.layout, self.view), list(scenario.segments),
            {name for name, seg in scenario.segments.items() if seg.priority > 0},
            self.staff.roles, exercise.layout.theme == "cabin", {},
        )
        self.cast_seats = {m.id: m.seat for m in exercise.cast}
        self.selected_customer: int | None = None
        self.selected_role: str | None = None
        self.ticker: list[TickerLine] = []
        self.banner: tuple[pygame.Surface, float] | None = None
        self.banner_inject = None
        self.end_confirm = 0.0
        self.ended_for = 0.0
        self.events_seen = 0
        self.complaints = 0
        self._background: tuple[tuple, pygame.Surface] | None = None
        self._labels: tuple[tuple, pygame.Surface, list[pygame.Rect]] | None = None
        self.drawn_labels: list[pygame.Rect] = []  # the plates of every name on the venue in the last frame drawn
        self.drawn_speech: pygame.Rect | None = None  # and the customer's speech bubble, if one was shown
        self._keep_clear: list[pygame.Rect] = []  # the names' plates and the named characters' figures
        self.reply: tuple[int, str, float] | None = None  # the customer answering back: (id, words, seconds left)
        self.record_error_shown = ""
        self.frames_drawn = 0  # frames this scene has drawn (a decision waits for the venue to be on screen once)

    # -- layout ---------------------------------------------------------------------------------
    def layout(self) -> None:
        self.buttons.clear()
        for i, (speed, label) in enumerate(((0, "II"), (1, "1x"), (2, "2x"), (4, "4x"))):
            self.buttons.add(Button(f"speed:{speed}", pygame.Rect(560 + i * 58, 10, 52, 32), label,
                                    lambda s=speed: self.session.set_speed(s), size=theme.SMALL))
        for i, verb in enumerate(self.session.exercise.verbs):
            rect = pygame.Rect(SIDEBAR.left + 10, VERB_TOP + i * 40, SIDEBAR.width - 20, 34)
            self.buttons.add(Button(f"verb:{verb.id}", rect, self.app.local(verb.label), lambda v=verb.id: self.do(v),
                                    hint=verb.key.upper(), size=theme.SMALL))
        if self.banner_inject is not None:
            self._show_banner(self.banner_inject, keep_time=True)
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        run = self.session.run
        for button in self.buttons.buttons:
            if button.id.startswith("speed:"):
                button.style = "selected" if int(button.id.split(":")[1]) == self.session.speed else "normal"
            elif button.id.startswith("verb:"):
                button.enabled = run.can_act(button.id[5:], self.selected_customer, self.selected_role)

    # -- input ----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self._escape()
                return
            if event.key == pygame.K_SPACE:
                self.session.toggle_pause()
                return
            if event.key in SPEED_KEYS:
                self.session.set_speed(SPEED_KEYS[event.key])
                return
            if event.key in (pygame.K_TAB, pygame.K_RIGHT, pygame.K_LEFT):
                backwards = event.key == pygame.K_LEFT or (event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT)
                self.select_next(-1 if backwards else 1)
                return
            letter = pygame.key.name(event.key)
            verb = next((v for v in self.session.exercise.verbs if v.key.lower() == letter), None)
            if verb is not None:
                self.do(verb.id)
                return
        if self.buttons.handle(event):
            return
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and VENUE_RECT.collidepoint(event.pos):
            self.select_at(event.pos)

    def select_next(self, step: int) -> None:
        """Keyboard selection: Tab / Right to the next customer, Shift+Tab / Left back; the named
        characters come first, then the unhappiest."""
        run = self.session.run
        shown = [cid for cid in self.crowd.members if self.crowd.position(cid) is not None and cid in self.session.model.present]
        if not shown:
            return
        order = sorted(shown, key=lambda cid: (cid not in run.cast_of, self.session.model.present[cid].mood, cid))
        current = order.index(self.selected_customer) if self.selected_customer in order else -1 if step > 0 else 0
        self.selected_customer, self.selected_role = order[(current + step) % len(order)], None
        self._refresh_buttons()

    def select_at(self, pos) -> None:
        customer = self.crowd.at(pos)
        if customer is not None:
            self.selected_customer, self.selected_role = customer, None
            self.app.sounds.play("click")
        else:
            self.selected_customer, self.selected_role = None, self.staff.at(pos)
        self._refresh_buttons()

    def do(self, verb_id: str) -> None:
        """Carry out a play action on the selection and say so in the ticker."""
        run = self.session.run
        verb = run.verbs[verb_id]
        label = self.app.local(verb.label)
        if self.session.act(verb_id, customer=self.selected_customer, role=self.selected_role):
            target = self._name_of(self.selected_customer) if verb.target == "customer" else (
                self._role_label(self.selected_role) if verb.target == "staff" else self.t("timeline.everyone"))
            self._say(f"{self.t('play.done', action=label)} - {target}", theme.GOOD)
            self.app.sounds.play("good")
        else:
            self._say(self.t("play.cannot", action=label), theme.TEXT_DIM)
        self._refresh_buttons()

    def _escape(self) -> None:
        if self.end_confirm > 0:
            self.end()
            return
        self.session.set_speed(0)
        self.end_confirm = END_CONFIRM_S
        self._say(self.t("play.end_confirm"), theme.WARN)

    def end(self) -> None:
        self.app.replace(make_scene("debrief", self.app, self.session))

    # -- frame ----------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        super().update(dt)
        if self.room is not None:
            self.room.before_update(self)
        self.end_confirm = max(0.0, self.end_confirm - dt)
        for happening in self.session.tick(dt):
            self._on_happening(happening)
        self._read_events()
        self.crowd.cast_seats = {cid: self.cast_seats[cast] for cid, cast in self.session.run.cast_of.items()}
        self.crowd.sync(self.session.model.present, self.roles_of_segment, dt)
        if self.reply is not None:
            self.reply = (self.reply[0], self.reply[1], self.reply[2] - dt) if self.reply[2] > dt else None
        model = self.session.model
        self.staff.update(model.pools, model.now, self._helping(), dt)
        for board in self.boards.values():
            board.update(dt)
        if self.banner is not None:
            surface, left = self.banner
            self.banner = (surface, left - dt) if left - dt > 0 else None
            if self.banner is None:
                self.banner_inject = None
        if self.selected_customer is not None and self.selected_customer not in self.crowd.members:
            self.selected_customer = None
        self._refresh_buttons()
        recorder = self.session.recorder
        if recorder is not None and recorder.error and recorder.error != self.record_error_shown:
            self.record_error_shown = recorder.error
            self.session.set_speed(0)  # recording stopped: play halts until the trainee has seen why
            self._say(self.t("play.not_recorded", problem=recorder.error), theme.BAD)
        if self.room is not None:
            self.room.after_update()
        if self.session.run.pending is not None and self.app.top is self and self.frames_drawn:
            self._open_dialog()  # never in the frame that first draws the venue: the two would make one long frame
        elif self.session.over:
            self.ended_for += dt
            if self.ended_for > 1.5:
                self.end()

    def _on_happening(self, happening: Happening) -> None:
        run = self.session.run
        if happening.kind == "cast":
            member = run.cast_members[happening.ref]
            self._say(self.app.local(member.name), theme.TEXT_DIM)
        elif happening.kind == "inject":
            inject = run.injects[happening.ref]
            self._update_boards(inject)
            self._show_banner(inject)
            self._say(self.app.local(inject.title), theme.INJECT_COLOURS.get(inject.kind, theme.ACCENT))
            self.app.sounds.play("inject")

    def _update_boards(self, inject, flash: bool = True) -> None:
        for update in inject.board:
            if update.board in self.boards:
                self.boards[update.board].apply(update, flash)

    def _show_banner(self, inject, keep_time: bool = False) -> None:
        colour = theme.INJECT_COLOURS.get(inject.kind, theme.ACCENT)
        surface = render_banner(self.app.fonts, self.app.local(inject.title), self.app.local(inject.cue), colour)
        left = self.banner[1] if keep_time and self.banner is not None else BANNER_S
        self.banner = (surface, left)
        self.banner_inject = inject

    def _open_dialog(self) -> None:
        self.app.sounds.play("decision")
        self.app.push(make_scene("dialog", self.app, self.session, on_close=self._after_dialog,
                                 seconds=self.decision_seconds(self.session.run.pending)))

    def decision_seconds(self, decision) -> float | None:
        """How long the trainee has to answer (None: no timer): the scenario's timer, or the classroom's."""
        return self.room.decision_seconds(decision) if self.room is not None else decision.timer_s

    def show_happening(self, happening: Happening) -> None:
        """Show something that happened outside the scene's own clock (a trainer's inject)."""
        self._on_happening(happening)

    def notify(self, text: str, bad: bool = False) -> None:
        """A line in the ticker."""
        self._say(text, theme.BAD if bad else theme.TEXT)

    def _after_dialog(self, text: str, good: bool) -> None:
        self._say(text, theme.GOOD if good else theme.BAD)
        records = self.session.run.records
        if records:  # the customer answers back in the venue, and the trainee's colleague goes over
            record = records[-1]
            choice = next((c for c in self.session.run.decisions[record.decision].choices if c.id == record.choice), None)
            words = self.app.local(choice.reply) if choice is not None and choice.reply is not None else ""
            if words and record.customer in self.crowd.members:
                self.reply = (record.customer, words, REPLY_S)

    def _helping(self) -> dict[str, list]:
        """Where each role's staff should be: the customers they help, the one the trainee answered first."""
        trainee = self.session.exercise.trainee_role
        helping = self.crowd.helped(self.roles_of_segment, self.staff.roles, trainee)
        position = self.crowd.position(self.reply[0]) if self.reply is not None else None
        if position is not None and trainee in self.staff.roles:
            helping[trainee] = [position] + [p for p in helping.get(trainee, []) if p != position]
        return helping

    def _read_events(self) -> None:
        """Turn new model events about complaints and the cast into ticker lines."""
        events = self.session.model.events
        run = self.session.run
        complaints = 0
        for event in events[self.events_seen:]:
            if event.kind is EventKind.COMPLAINT:
                complaints += 1
                if event.customer in run.cast_of:
                    self._say(self.t("timeline.cast_complaint", name=self._name_of(event.customer)), theme.BAD)
            elif event.kind is EventKind.FAILURE and event.customer in run.cast_of and not event.detail.get("prevented"):
                severity = self.t(f"severity.{event.detail.get('severity', 'minor')}")
                self._say(self.t("timeline.failure", name=self._name_of(event.customer), severity=severity), theme.BAD)
        self.events_seen = len(events)
        if complaints:
            self.complaints += complaints
            if complaints > 1 or not any(e.customer in run.cast_of for e in events[-complaints:]):
                self._say(self.t("play.complaints", count=self.complaints), theme.WARN)

    def _say(self, text: str, colour) -> None:
        self.ticker.append(TickerLine(self.session.clock_text(), text, colour))
        del self.ticker[:-40]

    # -- names ----------------------------------------------------------------------------------
    def _name_of(self, cid: int | None) -> str:
        if cid is None:
            return ""
        run = self.session.run
        cast = run.cast_of.get(cid)
        if cast is not None:
            return self.app.local(run.cast_members[cast].name)
        member = self.crowd.members.get(cid)
        segment = member.record.segment if member else ""
        return self.t("play.customer_number", segment=self._segment_label(segment), id=cid)

    def _segment_label(self, segment: str) -> str:
        spec = self.session.scenario.segments.get(segment)
        return self.app.local(spec.label) if spec is not None and spec.label is not None else segment

    def _role_label(self, role: str | None) -> str:
        spec = self.session.scenario.staff.get(role or "")
        return self.app.local(spec.label) if spec is not None and spec.label is not None else (role or "")

    # -- drawing --------------------------------------------------------------------------------
    def _place_cast_names(self) -> list[tuple[pygame.Surface, pygame.Rect, tuple[int, int], bool]]:
        """Where the named characters' names go: under their figure, on a plate so they read over the crowd;
        a name that would cover a fixture's name, another character's name or figure, or a board, goes to
        the nearest free spot. Each name as (text, plate, figure, moved aside); the plates of every name on
        the venue are kept in ``drawn_labels``, and with the figures in ``_keep_clear`` (for the speech bubble)."""
        fonts, run = self.app.fonts, self.session.run
        fixtures = self._labels_layer()[1]
        figures = {cast_id: self.crowd.position(cid) for cast_id, cid in sorted(run.cast_ids.items())}
        figures = {cast_id: (int(pos[0]), int(pos[1])) for cast_id, pos in figures.items() if pos is not None}
        bodies = [pygame.Rect(x - FIGURE_R, y - FIGURE_R, 2 * FIGURE_R, 2 * FIGURE_R) for x, y in figures.values()]
        taken = list(fixtures) + bodies + [self.view.rect(board.rect) for board in self.layout_spec.boards]
        names = []
        for cast_id, figure in figures.items():
            name = self.app.local(run.cast_members[cast_id].name).split("(")[0].split("（")[0].strip()
            label = fonts.render(name, theme.TINY, theme.TEXT, True)
            wanted = plate_of(label, midtop=(figure[0], figure[1] + 14))
            plate = place(wanted, taken, VENUE_RECT)
            names.append((label, plate, figure, plate != wanted))
        self.drawn_labels = list(fixtures) + [plate for _, plate, _, _ in names]
        self._keep_clear = self.drawn_labels + bodies
        return names

    def _draw_cast_names(self, surface: pygame.Surface, names) -> None:
        """The names placed by :meth:`_place_cast_names`; one moved aside has a thin line to its figure."""
        for label, plate, figure, moved in names:
            if moved:
                end = (min(max(figure[0], plate.left + 4), plate.right - 4), plate.top if plate.top > figure[1] else plate.bottom)
                pygame.draw.line(surface, theme.TEXT, figure, end, 1)
            pygame.draw.rect(surface, (16, 20, 28), plate, border_radius=4)
            surface.blit(label, label.get_rect(center=plate.center))

    def draw(self, surface: pygame.Surface) -> None:
        self.frames_drawn += 1
        surface.fill(theme.BACKGROUND)
        session, model = self.session, self.session.model
        lang = self.app.settings.lang
        unhappy = sum(1 for customer in model.present.values() if customer.mood < -0.15)
        stats = [
            self.t("play.in_venue", count=len(model.present)),
            self.t("play.unhappy", count=unhappy),
            self.t("play.complaints", count=self.complaints),
        ]
        demo = self.t("play.autoplay", policy=self._policy_label()) if session.autoplay else ""
        if session.recorder is not None and not demo:
            demo = self.t("play.recording_stopped" if session.recorder.stopped else "play.recording",
                          name=session.recorder.trainee.name)
        draw_top_bar(surface, self.app.fonts, self.app.local(session.scenario.meta.title), session.clock_text(), stats, demo)
        surface.blit(self._background_layer(), VENUE_RECT.topleft)
        for board in self.boards.values():
            self.painter.draw(surface, board, self.app.local, lang)
        self.crowd.draw(surface, self.sprites, self.roles_of_segment, self.selected_customer)
        self.staff.draw(surface, self.sprites, self.selected_role)
        if self.queues is not None:
            self.queues.draw(surface, self.app.fonts, model.pools, lambda n: self.t("play.queue", count=n))
        names = self._place_cast_names()
        self.drawn_speech = None  # the bubble keeps off the names, which are drawn over its tail
        if self.reply is not None and self.crowd.position(self.reply[0]) is not None:
            self.drawn_speech = draw_speech(surface, self.app.fonts, self.reply[1], self.crowd.position(self.reply[0]), VENUE_RECT,
                                            list(self._keep_clear))
        surface.blit(self._labels_layer()[0], VENUE_RECT.topleft)
        self._draw_cast_names(surface, names)
        self._draw_sidebar(surface)
        hint = self.t("play.ended") if session.over else (self.t("play.paused") if session.paused else "")
        draw_ticker(surface, self.app.fonts, self.ticker, hint)
        if self.banner is not None:
            self._draw_cue(surface)
        if session.recorder is not None and session.recorder.stopped and session.paused and not session.over:
            surface.blit(self._recording_stopped_banner(session.recorder.error), BANNER.topleft)
        self.buttons.draw(surface, self.app.fonts)
        status = self.room.status(self.t) if self.room is not None else ""
        if status:
            draw_panel(surface, ROOM_STATUS, theme.PANEL_LIGHT)
            draw_text(surface, self.app.fonts, status, ROOM_STATUS.center, theme.BODY, theme.WARN, bold=True, anchor="center")

    def _recording_stopped_banner(self, problem: str) -> pygame.Surface:
        """Why recording stopped and what it means for the turn, over the ticker while play is halted."""
        if getattr(self, "_stopped_banner", None) is None:
            self._stopped_banner = render_banner(self.app.fonts, self.t("play.recording_stopped"),
                                                 f"{self.t('play.recording_stopped_hint')} {problem}", theme.BAD)
        return self._stopped_banner

    def _draw_cue(self, surface: pygame.Surface) -> None:
        """The inject's banner over the ticker, and a pulsing frame round the venue while it is new."""
        banner, left = self.banner
        banner.set_alpha(int(255 * min(1.0, left / 1.0)))
        surface.blit(banner, BANNER.topleft)
        shown = BANNER_S - left
        if shown < 3.0 and int(shown * 4) % 2 == 0:
            colour = theme.INJECT_COLOURS.get(self.banner_inject.kind, theme.ACCENT)
            pygame.draw.rect(surface, colour, VENUE_RECT.inflate(-4, -4), width=4, border_radius=10)

    def _background_layer(self) -> pygame.Surface:
        key = (self.app.settings.lang, self.app.fonts.scale)
        if self._background is None or self._background[0] != key:
            self._background = (key, render_background(self.layout_spec, self.view, self.app.fonts, self.app.local))
        return self._background[1]

    def _labels_layer(self) -> tuple[pygame.Surface, list[pygame.Rect]]:
        """The fixtures' names (drawn once per language and text size) and their plates on screen."""
        key = (self.app.settings.lang, self.app.fonts.scale)
        if self._labels is None or self._labels[0] != key:
            self._labels = (key, *render_labels(self.layout_spec, self.view, self.app.fonts, self.app.local))
        return self._labels[1:]

    def _policy_label(self) -> str:
        policy = self.session.scenario.policies.get(self.session.autoplay or "")
        return self.app.local(policy.label) if policy is not None and policy.label is not None else (self.session.autoplay or "")

    def _draw_sidebar(self, surface: pygame.Surface) -> None:
        draw_panel(surface, SIDEBAR)
        fonts = self.app.fonts
        heading = VERB_TOP - 4 - fonts.line_height(theme.SMALL)  # above the first button at any text size
        bottom = heading - 6
        draw_text(surface, fonts, self.t("play.actions"), (SIDEBAR.left + 14, heading), theme.SMALL, theme.ACCENT, bold=True)
        if self.selected_customer is not None and self.selected_customer in self.crowd.members:
            draw_sidebar_customer(surface, fonts, self._card(self.selected_customer), SIDEBAR.top + 12, bottom)
        elif self.selected_role is not None:
            pool = self.session.model.pools[self.selected_role]
            now = self.session.model.now
            on_duty = pool.on_duty_at(now)
            busy = min(on_duty, round(pool.busy.value))
            draw_sidebar_staff(surface, fonts, self._role_label(self.selected_role),
                               [self.t("play.staff_on_duty", busy=busy, on_duty=on_duty)], SIDEBAR.top + 12)
        else:
            draw_wrapped(surface, fonts, self.t("play.select_hint"), pygame.Rect(SIDEBAR.left + 14, SIDEBAR.top + 14, SIDEBAR.width - 28,
                         bottom - SIDEBAR.top - 14), theme.SMALL, theme.TEXT_DIM)

    def _card(self, cid: int) -> CustomerCard:
        member = self.crowd.members[cid]
        record, run = member.record, self.session.run
        mood = record.mood
        chips = []
        state = record.state
        chips.append((self.t(f"state.{state}") if state in KNOWN_STATES else state, (170, 190, 220)))
        for tag in sorted(record.tags):
            if tag in ("gone",) or (tag == "asleep" and "awake" in record.tags):
                continue
            chips.append((self.t(f"tag.{tag}"), theme.VIP_GOLD if tag == "vip" else (200, 200, 210)))
        details = [self.t("play.waited", minutes=int(self.session.model.now - record.arrived_at))]
        if record.failure is not None:
            details.append(self.t("play.failure", severity=self.t(f"severity.{record.failure[1]}")))
        if record.complained:
            details.append(self.t("play.complained"))
        cast = run.cast_of.get(cid)
        description = self.app.local(run.cast_members[cast].description) if cast is not None else ""
        return CustomerCard(
            name=self._name_of(cid), subtitle=self._segment_label(record.segment), mood=mood,
            mood_word=self.t(theme.mood_word_key(mood)), chips=chips, details=details, description=description,
        )
