"""The venue reads as a place where people act: the customer answers back over their head, a colleague walks
over to the customer just answered, and board text fits its sign at the large text size."""
from __future__ import annotations

import math

import pygame
import pytest

from game.scenes.registry import make_scene
from game.session import Session
from game.venue.boards import BoardPainter, BoardState, cell_lines, fit, fitting_size
from game.venue.geometry import Viewport, VENUE_RECT
from sim.scenario.base import text_in

from conftest import SCENARIOS


def _play_until_answered(app, scenario, decision_id: str, choice_id: str):
    session = Session(scenario, seed=0, speed=4)
    play = make_scene("play", app, session)
    app.push(play)
    for _ in range(20000):
        app.step(1 / 15)
        top = app.top
        if top.name == "dialog":
            if top.choice is None:
                wanted = choice_id if top.decision.id == decision_id else scenario.policies["expert"].choices[top.decision.id]
                top.buttons.get(f"choice:{wanted}").action()
            else:
                top.buttons.get("continue").action()
                if top.decision.id == decision_id:
                    return session, play
    raise AssertionError(f"{decision_id} never came")


def test_the_customer_answers_back_and_a_colleague_walks_over(make_app, flight):
    app = make_app(lang="en")
    session, play = _play_until_answered(app, flight, "storm_question", "honest_update")
    record = session.run.records[-1]
    answered = next(c for c in session.run.decisions["storm_question"].choices if c.id == "honest_update")
    assert play.reply is not None and play.reply[0] == record.customer
    assert play.reply[1] == text_in(answered.reply, "en")
    trainee = flight.exercise.trainee_role
    start = [tuple(pos) for pos, _ in play.staff.tokens[trainee]]
    for _ in range(45):  # three seconds: the colleague crosses the cabin
        app.step(1 / 15)
    customer = play.crowd.position(record.customer)
    nearest = min(math.dist(pos, customer) for pos, _ in play.staff.tokens[trainee])
    assert nearest < 25 and min(math.dist(p, customer) for p in start) > nearest
    app.draw()  # the bubble is drawn over the venue without error
    for _ in range(int(7 * 15)):  # after a few seconds the words fade and the colleague goes back
        app.step(1 / 15)
    assert play.reply is None


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_board_text_fits_its_sign_at_the_large_text_size(make_app, path):
    from sim import load_scenario

    scenario = load_scenario(path)
    if scenario.exercise is None:
        pytest.skip("a planning scenario")
    app = make_app(lang="zh")
    app.set_text_size("large")
    fonts, view = app.fonts, Viewport(VENUE_RECT)
    for lang in ("en", "zh"):
        for board in scenario.exercise.layout.boards:
            state = BoardState(board)
            rect = view.rect(board.rect)
            total = sum(c.width for c in board.columns)
            widths = [int((rect.width - 16) * c.width / total - 4) for c in board.columns]
            rows = [[text_in(c.title, lang) for c in board.columns]]
            rows += [[text_in(cells[c.key], lang) if cells.get(c.key) is not None else "" for c in board.columns] for _, cells in state.rows]
            size = fitting_size(fonts, rows, widths)
            cut = [text for row in rows[1:] for text, width in zip(row, widths)
                   if text and "".join(cell_lines(fonts, text, size, width)).replace(" ", "") != text.replace(" ", "")]
            assert not cut, (board.id, lang, size, cut)
            assert all(fit(fonts, title, size, width) == title for title, width in zip(rows[0], widths)), (board.id, lang, rows[0])
    BoardPainter(fonts, view)  # the painter is built with the same fonts
