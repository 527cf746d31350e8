"""A screenshot of every trainer screen in English and Chinese, from records of real recorded turns.

The pictures land in the test's temporary folder (``pytest --basetemp DIR`` keeps them) to be looked at;
the test checks that each screen was reached and saved.
"""
from __future__ import annotations

import pygame
import pytest
from game_scripted import press
from trainer_scripted import BLAME, EXPERT, TrainerScript, click_id, run_script, type_text

from game.demo import Screenshots
from game.recording import TurnPlan, TurnRecorder
from game.session import Session
from game.debrief.replay import build_series, judge, run_all
from trainer import TrainerRecords

NAMES = {"en": ("Ana Lima", "Bo Chen", "Li Na"), "zh": ("李娜", "王芳", "Ana Lima")}
LOUNGE_BLAME = {"boarding_call": "not_my_business", "cold_food": "cant_happen", "missed_flight": "announcement_blame"}


def play_recorded(records, trainee, scenario, answers: dict[str, str], stop_after: int | None = None) -> Session:
    """A recorded turn played without a window through the game's own session and recorder."""
    session = Session(scenario, seed=0)
    TurnRecorder.start(TurnPlan(records, trainee, scenario.name), session)
    while not session.over:
        session.tick(1.0)
        pending = session.run.pending
        if pending is not None:
            if stop_after is not None and len(session.run.records) >= stop_after:
                return session
            session.choose(answers.get(pending.id, pending.default))
    session.finish()
    judgement = judge(scenario, run_all(scenario, 0, build_series(scenario, session.run.playbook_of_play()), 2))
    session.recorder.finish(session, judgement.score)
    return session


class ShotScript(TrainerScript):
    """Takes a screenshot after the frame in which a ``shoot`` step ran."""

    def __init__(self, shots: Screenshots):
        super().__init__([])
        self.shots = shots
        self.pending: str | None = None

    def shoot(self, label: str):
        def act(app, scene):
            self.pending = label
        return act

    def after_frame(self, app) -> None:
        if self.pending is not None:
            self.shots.capture(app, self.pending)
            self.pending = None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_trainer_screen_in_both_languages(make_app, tmp_path, two_scenarios, flight, lounge, lang):
    db = tmp_path / "records.sqlite3"
    ana, bo, third = NAMES[lang]
    with TrainerRecords.open(db) as records:
        session = records.create_session("三月新员工班" if lang == "zh" else "March cohort", "2025-03-14", [
            "delayed_flight", "vip_lounge"])  # no stored titles: the screens take them from the scenario files
        trainees = [records.add_trainee(session.id, name) for name in (ana, bo, third)]
        play_recorded(records, trainees[0], flight, EXPERT)
        play_recorded(records, trainees[0], lounge, LOUNGE_BLAME, stop_after=1)  # unfinished: can be resumed
        play_recorded(records, trainees[1], flight, BLAME)
        play_recorded(records, trainees[1], flight, EXPERT)
        play_recorded(records, trainees[2], lounge, dict(lounge.policies["expert"].choices))
        turns = records.turns(session.id, trainee_id=trainees[0].id)
        finished, unfinished = turns[0].id, turns[1].id
    app = make_app(lang=lang, scenario_dir=two_scenarios, db=db)
    (tmp_path / "shots").mkdir()
    script = ShotScript(Screenshots(tmp_path / "shots", lang))
    shoot = script.shoot
    back = lambda app, scene: press(pygame.K_ESCAPE)  # noqa: E731

    script.steps = [
        ("title", shoot("title")), ("title", lambda app, scene: click_id(scene, "trainer")),
        ("trainer_sessions", shoot("trainer-sessions")), ("trainer_sessions", lambda app, scene: click_id(scene, "new")),
        ("trainer_new_session", lambda app, scene: type_text("四月班" if lang == "zh" else "April cohort")),
        ("trainer_new_session", lambda app, scene: click_id(scene, "scenario:vip_lounge")),
        ("trainer_new_session", lambda app, scene: click_id(scene, "scenario:delayed_flight")),
        ("trainer_new_session", shoot("trainer-new-session")), ("trainer_new_session", back),
        ("trainer_sessions", lambda app, scene: click_id(scene, f"session:{session.id}")),
        ("trainer_session", shoot("trainer-session")),
        ("trainer_session", lambda app, scene: click_id(scene, f"trainee:{trainees[0].id}")),
        ("trainer_trainee", shoot("trainer-trainee")),
        ("trainer_trainee", lambda app, scene: click_id(scene, "play:vip_lounge")),
        ("briefing", shoot("briefing-recorded")), ("briefing", lambda app, scene: click_id(scene, "start")),
        ("dialog", lambda app, scene: click_id(scene, "choice:hosts_fix")),  # the pre-shift decision
        ("dialog", lambda app, scene: click_id(scene, "continue")),
        ("play", lambda app, scene: press(pygame.K_3)),
        *[("play", lambda app, scene: None)] * 40,  # four seconds of play at 4x
        ("play", shoot("play-recorded")), ("play", back), ("play", back),  # Esc twice ends the turn
        ("debrief", lambda app, scene: click_id(scene, "tab:kpis")),
        ("debrief", shoot("debrief-recorded")), ("debrief", lambda app, scene: click_id(scene, "menu")),
        ("trainer_trainee", lambda app, scene: click_id(scene, f"resume:{unfinished}")),
        ("briefing", shoot("briefing-resumed")), ("briefing", back),
        ("trainer_trainee", lambda app, scene: click_id(scene, f"debrief:{finished}")),
        ("trainer_debrief", shoot("trainer-debrief")), ("trainer_debrief", back),
        ("trainer_trainee", back),
        ("trainer_session", lambda app, scene: click_id(scene, "scoreboard")),
        ("trainer_scoreboard", shoot("trainer-scoreboard")),
        ("trainer_scoreboard", lambda app, scene: click_id(scene, "export_png")),
        ("trainer_scoreboard", shoot("trainer-scoreboard-exported")),
    ]
    run_script(app, script)
    notes = tmp_path / "notes.txt"
    notes.write_text("not trainer records\n", encoding="utf-8")
    problem = make_app(lang=lang, scenario_dir=two_scenarios, db=notes)
    script.steps = [("title", lambda app, scene: click_id(scene, "trainer")), ("trainer_sessions", shoot("trainer-records-problem"))]
    run_script(problem, script)
    assert notes.read_text(encoding="utf-8") == "not trainer records\n"
    saved = [path.name for path in script.shots.saved]
    assert [name.split("-", 2)[2] for name in saved] == [
        "title.png", "trainer-sessions.png", "trainer-new-session.png", "trainer-session.png", "trainer-trainee.png",
        "briefing-recorded.png", "play-recorded.png", "debrief-recorded.png", "briefing-resumed.png", "trainer-debrief.png",
        "trainer-scoreboard.png", "trainer-scoreboard-exported.png", "trainer-records-problem.png"]
    assert all(pygame.image.load(str(path)).get_size() == (1280, 720) for path in script.shots.saved)
