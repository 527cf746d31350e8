"""The trainer screens driven through the real event loop, headless: a trainer creates a session and adds two
trainees, both play a recorded turn with scripted answers (one joins again with her name on the shared
machine), and the scoreboard shows them, exports them and reopens a debrief from the records."""
from __future__ import annotations

import pygame
from game_scripted import press
from trainer_scripted import (
    BLAME,
    EXPERT,
    OFFER_TO_LI,
    TrainerScript,
    click_id,
    fill,
    run_script,
    start_turn,
    type_text,
)

from game.scoring import SCORE_MAX, recorded_kpis
from trainer import TrainerRecords


def trainee_id(scene, name: str) -> int:
    return next(t.id for t in scene.board.trainees if t.name == name)


def test_a_trainer_runs_a_session_from_the_screens(make_app, tmp_path, two_scenarios):
    app = make_app(scenario_dir=two_scenarios)
    script = TrainerScript([])
    seen = {}

    def keep(key, then=None):
        def act(app, scene):
            seen[key] = scene
            if then is not None:
                then(app, scene)
        return act

    back = lambda app, scene: press(pygame.K_ESCAPE)  # noqa: E731
    script.steps = [
        ("title", lambda app, scene: click_id(scene, "trainer")),
        ("trainer_sessions", lambda app, scene: click_id(scene, "new")),
        ("trainer_new_session", lambda app, scene: type_text("March cohort")),  # the name field has the focus
        ("trainer_new_session", lambda app, scene: click_id(scene, "scenario:delayed_flight")),
        ("trainer_new_session", lambda app, scene: click_id(scene, "scenario:vip_lounge")),
        ("trainer_new_session", lambda app, scene: click_id(scene, "create")),
        ("trainer_session", lambda app, scene: fill(scene.add_field, "Ana Lima")),
        ("trainer_session", lambda app, scene: press(pygame.K_RETURN)),
        ("trainer_session", lambda app, scene: type_text("Bo Chen")),  # the field keeps the focus for the next name
        ("trainer_session", lambda app, scene: click_id(scene, "add")),
        ("trainer_session", lambda app, scene: click_id(scene, f"trainee:{trainee_id(scene, 'Ana Lima')}")),
        ("trainer_trainee", start_turn(script, "delayed_flight", EXPERT, OFFER_TO_LI)),
        ("trainer_trainee", keep("ana_page", back)),  # back from Ana's debrief to her page
        ("trainer_session", lambda app, scene: fill(scene.join_field, "  bo   CHEN ")),  # Bo at the shared machine
        ("trainer_session", lambda app, scene: click_id(scene, "join")),
        ("trainer_trainee", keep("bo_page", start_turn(script, "delayed_flight", BLAME))),
        ("trainer_trainee", back),
        ("trainer_session", lambda app, scene: click_id(scene, "scoreboard")),
        ("trainer_scoreboard", lambda app, scene: click_id(scene, "export_png")),
        ("trainer_scoreboard", lambda app, scene: click_id(scene, "export_html")),
        ("trainer_scoreboard", keep("board", lambda app, scene: click_id(scene, f"cell:{trainee_id(scene, 'Ana Lima')}:delayed_flight"))),
        ("trainer_debrief", keep("record_debrief", lambda app, scene: click_id(scene, "full"))),
        ("debrief", keep("full_debrief")),
    ]
    run_script(app, script)

    with TrainerRecords.open(tmp_path / "records.sqlite3", create=False) as records:
        [session] = records.list_sessions()
        ana, bo = records.trainees(session.id)  # joining as "bo chen" found Bo: no third trainee
        turns = {record.trainee.name: record for record in records.session_records(session.id)}
    assert session.name == "March cohort" and [s.id for s in session.scenarios] == ["delayed_flight", "vip_lounge"]
    assert session.scenarios[0].label("zh") == "航班延误：停机坪上的三小时"
    assert (ana.name, bo.name) == ("Ana Lima", "Bo Chen") and seen["bo_page"].trainee.id == bo.id
    assert set(turns) == {"Ana Lima", "Bo Chen"} and all(r.turn.finished for r in turns.values())

    expert, blame = turns["Ana Lima"], turns["Bo Chen"]
    assert [(d.decision_point_id, d.choice_id) for d in expert.decisions] == list(EXPERT.items())
    assert [(d.decision_point_id, d.choice_id) for d in blame.decisions] == list(BLAME.items())
    assert [d.sim_minute for d in expert.decisions] == [0.0, 65.0, 243.0, 262.0]  # the decision points' minutes
    assert [d.is_mistake for d in expert.decisions] == [False] * 4 and [d.is_mistake for d in blame.decisions] == [True] * 4
    assert expert.decisions[1].feedback_key == "good" and blame.decisions[1].feedback_key == "blame_shifting+deflection"
    actions = [o for o in expert.outcomes if o.kind == "action"]
    assert [(a.data["verb"], a.data["cast"], a.data["after_decisions"]) for a in actions] == [("offer", "li", 1)]
    assert 40.0 <= actions[0].sim_minute < 42.0
    # the expert's answers (and a snack) score about as the expert does (100); blame-shifting with the standard
    # process's settings no better than the standard process (0); the storm dissatisfies the whole cabin, and
    # blame-shifting leaves more of it dissatisfied
    assert 90 <= expert.turn.score <= SCORE_MAX and 0 <= blame.turn.score <= 20
    assert blame.turn.kpis["left_dissatisfied"] > expert.turn.kpis["left_dissatisfied"]
    assert seen["ana_page"].turns[0].id == expert.turn.id and seen["ana_page"].turns[0].finished

    board = seen["board"].board
    assert sorted((m.choice_id, m.times, m.trainees) for m in board.mistakes) == sorted((c, 1, 1) for c in BLAME.values())
    stem = f"March-cohort-{session.date.isoformat()}-scoreboard"
    exports = tmp_path / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [f"{stem}.html", f"{stem}.png"]
    assert (exports / f"{stem}.png").read_bytes().startswith(b"\x89PNG")
    html = (exports / f"{stem}.html").read_text(encoding="utf-8")
    assert "Ana Lima" in html and "Bo Chen" in html and "data:image/png;base64," in html
    assert str(exports) in seen["board"].message

    # reopened from the records, then replayed in full: the same seed, answers and action give the same KPIs
    assert seen["record_debrief"].record.turn.id == expert.turn.id
    seen["full_debrief"].replays.wait()  # the debrief plays the run to its end in the background
    assert recorded_kpis(seen["full_debrief"].kpis["you"]) == expert.turn.kpis
    assert seen["full_debrief"].session.recorder is None  # looking back records nothing


def test_typing_reaches_the_field_not_the_hotkeys_and_mistakes_are_one_message(make_app, tmp_path, two_scenarios):
    with TrainerRecords.open(tmp_path / "records.sqlite3") as records:
        session = records.create_session("May cohort", "2025-05-02", ["delayed_flight"])
    app = make_app(lang="zh", scenario_dir=two_scenarios)
    script = TrainerScript([])
    seen = {}

    def key(code, text=""):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=text, scancode=0))

    def note(key, value, then=lambda app, scene: None):
        """A step that notes ``value(scene)`` under ``key``, then does ``then``."""
        def act(app, scene):
            seen[key] = value(scene)
            then(app, scene)
        return act

    def compose(app, scene):  # an input method shows what is being composed before it commits the characters
        pygame.event.post(pygame.event.Event(pygame.TEXTEDITING, text="li", start=2, length=0))

    def commit(app, scene):
        seen["composing"] = (scene.add_field.value, scene.add_field.composition)
        type_text("李娜")

    script.steps = [
        ("title", lambda app, scene: click_id(scene, "trainer")),
        ("trainer_sessions", lambda app, scene: click_id(scene, f"session:{session.id}")),
        ("trainer_session", lambda app, scene: click_id(scene, "add")),  # nothing typed yet
        ("trainer_session", note("empty", lambda scene: scene.message, lambda app, scene: fill(scene.add_field, "s"))),
        ("trainer_session", lambda app, scene: key(pygame.K_s, "s")),  # S opens the scoreboard, but not while typing
        ("trainer_session", lambda app, scene: key(pygame.K_BACKSPACE)),
        ("trainer_session", compose),
        ("trainer_session", commit),
        ("trainer_session", note("typed", lambda scene: (scene.add_field.value, scene.add_field.composition),
                                 lambda app, scene: key(pygame.K_RETURN))),
        ("trainer_session", lambda app, scene: type_text("李娜")),
        ("trainer_session", lambda app, scene: key(pygame.K_RETURN)),  # the same name twice
        ("trainer_session", note("twice", lambda scene: scene.message, lambda app, scene: click_id(scene, "back"))),
        ("trainer_sessions", note("after", lambda scene: scene.rows[0][1:])),
    ]
    run_script(app, script)
    assert "trainee name is empty" in seen["empty"]
    assert seen["composing"] == ("", "li") and seen["typed"] == ("李娜", "")  # Backspace took the "s" away
    assert "already in this session" in seen["twice"]
    assert seen["after"] == (1, 0, 0)  # one trainee, no turns
    assert "trainer_scoreboard" not in script.seen
