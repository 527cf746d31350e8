"""Thousands of random clicks, keys (with and without Shift), typed text and wheel turns (fixed seed) through the
real loop never crash the game, on every screen and with every key a trainee or trainer meets.

The walk starts each game on another screen and notes which features it met, so the test fails if a change
moves a screen or a key out of its reach: a journey scenario's station queues, the customer's reply bubble,
a customer selected by Tab or the arrows, the dialog's timer paused (P or Space), the pre-shift decision on
operation settings, large text and Chinese, and the trainer's screens down to a reopened debrief of a scripted
turn. The picker's page keys (Page Up/Down, Home, End) are among the keys; the picker leaves for a briefing at
the first click on a card, so its paging is checked key by key in ``test_game_catalog_and_schema.py``. ``SRL_RANDOM_INPUTS=N`` walks N inputs instead of the
default few thousand (for a longer hunt on a quiet machine).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.scenes.title import TitleScene
from game_scripted import RandomInput

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

INPUTS = int(os.environ.get("SRL_RANDOM_INPUTS", "4000"))
WALKED = ("delayed_flight", "vip_lounge", "restaurant_kitchen", "restaurant_wrong_order", "hotel_checkin")
"""The scenarios the walk's picker lists: the kitchen is a journey (a queue at each station); five files
make the picker page."""


def features(app, scene) -> set[str]:
    """What of the game's newer screens and keys the scene on top shows at this moment."""
    found = set()
    if scene.name in ("play", "dialog"):
        found |= {"large text"} if app.settings.text_size == "large" else set()
        found |= {"Chinese"} if app.settings.lang == "zh" else set()
    if scene.name == "play":
        found |= {"station queues"} if scene.queues is not None else set()
        found |= {"reply bubble"} if scene.reply is not None else set()
        found |= {"customer selected"} if scene.selected_customer is not None else set()
    if scene.name == "dialog":
        found |= {"timer paused"} if scene.paused else set()
        found |= {"pre-shift decision"} if any(c.settings for c in scene.decision.choices) else set()
    if scene.name == "trainer_debrief" and scene.record.scripted:
        found.add("scripted turn")
    return found


@pytest.fixture(scope="module")
def walked_scenarios(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walk-scenarios")
    for name in WALKED:
        (folder / f"{name}.yaml").write_bytes((SCENARIOS / f"{name}.yaml").read_bytes())
    return folder


def trainer_records(db):
    """A session to wander into, as a trainer's machine has: Ana with a turn of her own and a scripted one."""
    from trainer import TrainerRecords

    with TrainerRecords.open(db) as records:
        session = records.create_session("Walk", "2025-03-14", ["delayed_flight", "vip_lounge"])
        ana = records.join_session(session.id, "Ana")
        for scripted in (None, "worst"):
            turn = records.start_turn(ana.id, "vip_lounge", seed=0)
            records.record_outcome(turn.id, sim_minute=0, kind="start", data={"policy": None, "scripted": scripted})
            records.record_decision(turn.id, sim_minute=30, decision_point_id="boarding_call", choice_id="public_announcement",
                                    feedback_key="blame_shifting", is_mistake=True, choice_label={"en": "Announced", "zh": "广播过了"})
            records.finish_turn(turn.id, score=10, kpis={"retention_rate": 0.8})
        return records.find_session(session.id), ana, records.session_records(session.id)[-1]


# The walk is fixed by its seed. Each game of the walk starts on another screen (below the title), so every
# screen gets its share of random input however the walk wanders; every third game has large text.
SEED = 4
ENTRY_SCREENS = ((), ("picker",), ("settings",), ("briefing",), ("trainer_sessions",), ("trainer_sessions", "trainer_new_session"),
                 ("trainer_sessions", "trainer_session"), ("trainer_sessions", "trainer_session", "trainer_scoreboard"),
                 ("trainer_sessions", "trainer_session", "trainer_trainee"),
                 ("trainer_sessions", "trainer_session", "trainer_trainee", "trainer_debrief"))


def test_random_input_never_crashes(make_app, walked_scenarios, tmp_path):
    from game.scenes.registry import make_scene
    from sim import load_scenario

    db = tmp_path / "walk.sqlite3"
    session, ana, scripted_turn = trainer_records(db)
    kitchen = load_scenario(walked_scenarios / "restaurant_kitchen.yaml")
    arguments = {"trainer_session": (session,), "trainer_scoreboard": (session,), "trainer_trainee": (session, ana),
                 "trainer_debrief": (scripted_turn,), "briefing": (kitchen,)}
    driver = RandomInput(seed=SEED, notice=features)
    frames = 0
    apps = 0
    while driver.posted < INPUTS or apps < len(ENTRY_SCREENS):
        app = make_app(lang="zh" if apps % 2 else "en", speed=4, scenario_dir=walked_scenarios, db=db)
        app.options.replications = 2
        if apps % 3 == 1:
            app.set_text_size("large")
        app.push(TitleScene(app))
        for name in ENTRY_SCREENS[apps % len(ENTRY_SCREENS)]:
            app.push(make_scene(name, app, *arguments.get(name, ())))
        app.run((driver,), frame_dt=0.25, max_frames=1500 if apps % len(ENTRY_SCREENS) in (0, 3) else 250)
        frames += app.frame
        apps += 1
    assert driver.posted >= INPUTS
    assert frames > 1000
    assert {"title", "settings", "picker", "briefing", "play", "dialog", "debrief", "trainer_sessions", "trainer_new_session",
            "trainer_session", "trainer_scoreboard", "trainer_trainee", "trainer_debrief"} <= driver.scenes, driver.scenes
    assert {"station queues", "reply bubble", "customer selected", "timer paused", "pre-shift decision", "large text",
            "Chinese", "scripted turn"} <= driver.seen, driver.seen
