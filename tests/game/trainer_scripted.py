"""Scripted input for the trainer screens: typed text, clicks on named buttons, and recorded playthroughs."""
from __future__ import annotations

import pygame
from game_scripted import Playthrough, click, click_at, press

PLAY_SCENES = ("briefing", "play", "dialog", "debrief")
# Answers to the delayed flight's decision points: the expert's, and the blame-shifter's.
EXPERT = {"shift_plan": "own_it", "storm_question": "honest_update", "hungry_child": "children_first",
          "connection": "rebook_promise"}
BLAME = {"shift_plan": "script_only", "storm_question": "weather_blame", "hungry_child": "seatbelt", "connection": "never_said"}
OFFER_TO_LI = ((40.0, "li", pygame.K_o),)  # at minute 40, click the hungry child's family and press O (offer)


def type_text(text: str) -> None:
    """Type ``text`` as a keyboard (or an input method) does: one TEXTINPUT event."""
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))


def click_id(scene, button_id: str) -> None:
    click(scene.buttons.get(button_id))


def fill(text_field, text: str) -> None:
    """Click into a text field and type ``text``."""
    click_at(text_field.rect.center)
    type_text(text)


class RecordedPlay(Playthrough):
    """Plays one recorded turn from its briefing to the debrief, then goes back to the trainee's page."""

    def __init__(self, answers: dict[str, str], actions=(), stop_after_answers: int | None = None):
        super().__init__("", answers, actions)
        self.stop_after_answers = stop_after_answers
        self.session = None
        self.done = False

    def _on_play(self, app, scene) -> None:
        self.session = scene.session
        if self.stop_after_answers is not None and len(scene.session.run.records) >= self.stop_after_answers and not self.actions:
            app.quit()  # the game stops here, as if the computer had been switched off
            return
        super()._on_play(app, scene)

    def _on_debrief(self, app, scene) -> None:
        self.debrief = scene
        if self._once(scene):
            scene.replays.wait()
            click(scene.buttons.get("menu"))
            self.done = True


class TrainerScript:
    """Runs ``steps`` in order, one a frame: (scene name, action(app, scene)); a step waits for its scene.

    While a recorded turn is being played (``play`` set by a step), the play driver answers and acts.
    """

    def __init__(self, steps):
        self.steps = list(steps)
        self.play: RecordedPlay | None = None
        self.seen: list[str] = []

    def before_frame(self, app) -> None:
        scene = app.top
        if scene is None:
            return
        if not self.seen or self.seen[-1] != scene.name:
            self.seen.append(scene.name)
        if scene.name in PLAY_SCENES and self.play is not None and not self.play.done:
            self.play.before_frame(app)
            return
        if not self.steps:
            app.quit()
            return
        name, action = self.steps[0]
        if scene.name == name and not getattr(scene, "loading", False):  # as a user, wait for the list to show
            self.steps.pop(0)
            action(app, scene)

    def after_frame(self, app) -> None:
        pass

    def start_play(self, answers: dict[str, str], actions=(), stop_after_answers: int | None = None) -> RecordedPlay:
        self.play = RecordedPlay(answers, actions, stop_after_answers)
        return self.play


def to_new_trainee(session_name: str, scenario_id: str, trainee: str) -> list:
    """Steps from the title screen to the page of a new trainee in a new session over one scenario."""
    return [
        ("title", lambda app, scene: click_id(scene, "trainer")),
        ("trainer_sessions", lambda app, scene: click_id(scene, "new")),
        ("trainer_new_session", lambda app, scene: type_text(session_name)),
        ("trainer_new_session", lambda app, scene: click_id(scene, f"scenario:{scenario_id}")),
        ("trainer_new_session", lambda app, scene: click_id(scene, "create")),
        ("trainer_session", lambda app, scene: fill(scene.add_field, trainee)),
        ("trainer_session", lambda app, scene: press(pygame.K_RETURN)),
        ("trainer_session", lambda app, scene: click_id(scene, f"trainee:{scene.board.trainees[0].id}")),
    ]


def start_turn(script: TrainerScript, scenario_id: str, answers: dict[str, str], actions=(),
               stop_after_answers: int | None = None):
    """A step for a trainee's page: play a recorded turn at ``scenario_id`` with these answers and actions."""
    def act(app, scene):
        script.start_play(answers, actions, stop_after_answers)
        click_id(scene, f"play:{scenario_id}")
    return act


def run_script(app, script: TrainerScript, max_frames: int = 8000) -> None:
    """Run the app from the title screen until the script has taken every step."""
    from game.scenes.title import TitleScene

    app.options.replications = 2
    app.push(TitleScene(app))
    app.run((script,), frame_dt=0.1, max_frames=max_frames)
    assert not script.steps, f"stopped in {app.top and app.top.name} with steps left; screens seen: {script.seen}"
