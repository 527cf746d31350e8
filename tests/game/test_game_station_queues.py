"""A journey scenario shows each station's own queue in the venue, labelled; a one-station scenario shows none."""
from __future__ import annotations

from pathlib import Path

import pygame

from game.scenes.registry import make_scene
from game.session import Session
from game import theme
from game.venue.queues import QUEUE_COLOUR, journey_stations
from sim import load_scenario


SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
QUEUE_COLOURS = (QUEUE_COLOUR, theme.WARN)


def _play(make_app, scenario, until: float):
    app = make_app(scenario=scenario)
    session = Session(scenario, seed=0)
    session.run.advance(0)
    while session.model.now < until:
        while session.run.pending is not None:
            session.choose(session.run.pending.default)
        session.run.advance(min(until, session.model.now + 5))
    while session.run.pending is not None:
        session.choose(session.run.pending.default)
    scene = app.push(make_scene("play", app, session))
    return app, session, scene


def test_each_station_of_the_journey_has_its_own_labelled_lane(make_app):
    scenario = load_scenario(SCENARIOS / "restaurant_kitchen.yaml")
    app, session, scene = _play(make_app, scenario, 100)
    assert journey_stations(scenario) == ["waiter", "cook", "table"]
    lanes = {lane.station: lane for lane in scene.queues.lanes}
    assert list(lanes) == ["waiter", "cook", "table"]
    # the waiters' and cooks' queues stand in their fixtures; the tables (no fixture) get a lane of their own
    assert lanes["waiter"].in_fixture and scene.staff.stations["waiter"].contains(lanes["waiter"].rect)
    assert lanes["cook"].in_fixture and scene.staff.stations["cook"].contains(lanes["cook"].rect)
    assert not lanes["table"].in_fixture and lanes["table"].label == "Tables"
    assert scene.queues.panel.contains(lanes["table"].rect)
    assert len({lane.rect.topleft for lane in lanes.values()}) == 3  # no two lanes on top of each other

    # the kitchen is behind at this hour: its lane shows one token per waiting order, in the queue colour
    waiting = session.model.pools["cook"].queueing
    assert waiting >= 3
    app.step(1 / 60)
    lane = lanes["cook"].rect
    count = app.fonts.render(scene.t("play.queue", count=waiting), theme.TINY, (0, 0, 0), True)
    row = [app.screen.get_at((x, lane.centery))[:3] for x in range(lane.left, lane.right - count.get_width() - 2)]
    tokens = sum(1 for before, here in zip([None, *row], row) if here in QUEUE_COLOURS and before not in QUEUE_COLOURS)
    assert tokens == waiting


def test_the_count_follows_the_model(make_app):
    scenario = load_scenario(SCENARIOS / "restaurant_kitchen.yaml")
    app, session, scene = _play(make_app, scenario, 100)
    texts = []
    scene.queues.draw(app.screen, app.fonts, session.model.pools, lambda n: texts.append(n) or f"{n} waiting")
    assert texts == [session.model.pools[name].queueing for name in ("waiter", "cook", "table")]


def test_a_one_station_scenario_draws_no_queue_lanes(make_app, flight):
    app, session, scene = _play(make_app, flight, 1)
    assert scene.queues is None
    app.step(1 / 60)
    assert isinstance(app.screen, pygame.Surface)
