"""The venue reads as a place where people act: the customer answers back over their head, a colleague walks
over to the customer just answered, and board text fits its sign at the large text size."""
from __future__ import annotations

import math

import pygame
import pytest

from game.scenes.registry import make_scene
from game.session import Session
from game import theme
from game.venue.boards import BoardPainter, BoardState, cell_lines, fit, fitting_size, rows_height
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
    """Every cell whole, every column title whole, and every row on the sign (at large text the delayed
    flight's only row once fell off its board)."""
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
            title = fonts.render(text_in(board.title, lang), theme.SMALL, (0, 0, 0), True)
            room = rect.height - 4 - title.get_height()  # below the board's title
            size = fitting_size(fonts, rows, widths, room)
            assert rows_height(fonts, rows, widths, size) <= room, (board.id, lang, size)  # every row shows
            cut = [text for row in rows[1:] for text, width in zip(row, widths)
                   if text and "".join(cell_lines(fonts, text, size, width)).replace(" ", "") != text.replace(" ", "")]
            assert not cut, (board.id, lang, size, cut)
            assert all(fit(fonts, title, size, width) == title for title, width in zip(rows[0], widths)), (board.id, lang, rows[0])
    BoardPainter(fonts, view)  # the painter is built with the same fonts


def _playable(paths):
    from sim import load_scenario

    return [path for path in paths if load_scenario(path).exercise is not None]


@pytest.mark.parametrize("lang, size", [("en", "normal"), ("zh", "large")])
@pytest.mark.parametrize("path", _playable(sorted(SCENARIOS.glob("*.yaml"))), ids=lambda p: p.stem)
def test_names_on_the_venue_never_cover_each_other_and_stay_on_screen(make_app, path, lang, size):
    """Every frame of a whole exercise: the fixtures' names and the named characters' (the delayed flight's
    Mr Zhang and Mr Chen sit side by side) are all inside the venue, no two plates touch, and a speech
    bubble covers none of them."""
    from itertools import combinations

    from sim import load_scenario

    scenario = load_scenario(path)
    app = make_app(lang=lang, scenario=scenario)
    app.set_text_size(size)
    session = Session(scenario, seed=0, speed=4)
    play = app.push(make_scene("play", app, session))
    named, checked = set(), 0
    for _ in range(2500):
        app.step(1 / 5)
        top = app.top
        if top.name == "dialog":  # answered at once: the venue is what is looked at here
            top.buttons.get(f"choice:{top.order[0].id}" if top.choice is None else "continue").action()
            continue
        if top is not play:
            break
        plates = play.drawn_labels
        assert all(VENUE_RECT.contains(plate) for plate in plates), plates
        assert not [(a, b) for a, b in combinations(plates, 2) if a.colliderect(b)]
        bubble = play.drawn_speech  # a customer answering back: the bubble hides no name either
        assert bubble is None or (VENUE_RECT.contains(bubble) and not any(bubble.colliderect(plate) for plate in plates))
        named |= {cast_id for cast_id, cid in session.run.cast_ids.items() if play.crowd.position(cid) is not None}
        checked += 1
    assert checked >= 50 and named  # the exercise was played with its named characters on the venue
    fixtures = sum(1 for fixture in scenario.exercise.layout.fixtures if fixture.label is not None)
    assert len(play._labels_layer()[1]) == fixtures


def test_a_label_is_moved_to_the_nearest_free_spot_inside_the_bounds():
    from game.venue.labels import GAP, place

    bounds, taken = pygame.Rect(0, 0, 400, 300), []
    first = place(pygame.Rect(100, 100, 80, 20), taken, bounds)
    second = place(pygame.Rect(110, 105, 80, 20), taken, bounds)  # would cover the first
    assert first == pygame.Rect(100, 100, 80, 20)
    assert not second.inflate(2 * GAP, 2 * GAP).colliderect(first) and second.width == 80
    assert abs(second.centery - 115) <= 2 * 21 and abs(second.centerx - 150) <= 40  # a step or two away, not across the screen
    corner = place(pygame.Rect(380, 290, 80, 20), taken, bounds)  # off the edge: pulled inside
    assert bounds.contains(corner) and len(taken) == 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_scenario_title_ends_before_the_clock_at_the_large_text_size(make_app, lang):
    """A long title once ran under the clock, cut mid-letter; now it ends with an ellipsis where the clock begins."""
    from sim import load_scenario
    from game.venue.hud import draw_top_bar

    app = make_app(lang=lang)
    app.set_text_size("large")
    for path in _playable(sorted(SCENARIOS.glob("*.yaml"))):
        scenario = load_scenario(path)
        title = text_in(scenario.meta.title, lang)
        for clock in ("14:05", "D62 10:42", "W12 D3 09:15"):
            title_rect, clock_rect = draw_top_bar(app.screen, app.fonts, title, clock, ["x"], "")
            assert title_rect.right <= clock_rect.left - 8, (path.stem, clock)
            if app.fonts.width(title, theme.BODY, True) <= clock_rect.left - 26:
                assert title_rect.width == app.fonts.width(title, theme.BODY, True)  # whole when it fits


def test_a_label_goes_where_trying_every_nudge_in_turn_would_put_it():
    """The placement skips spots already tried and tests covering in one call; it must choose as trying
    every nudge in turn and summing what each covers would (random crowds of plates, crowded or not)."""
    import random

    from game.venue.labels import GAP, nudges, place

    def by_every_nudge(preferred, taken, bounds):
        best, best_overlap = None, None
        for spot in nudges(preferred):
            spot = spot.clamp(bounds)
            overlap = sum(max(0, spot.clip(other.inflate(2 * GAP, 2 * GAP)).width * spot.clip(other.inflate(2 * GAP, 2 * GAP)).height)
                          for other in taken)
            if overlap == 0:
                return spot
            if best_overlap is None or overlap < best_overlap:
                best, best_overlap = spot, overlap
        return best

    rng = random.Random(7)
    bounds = pygame.Rect(0, 0, 420, 260)
    moved = crowded = 0
    for _ in range(150):
        taken = [pygame.Rect(rng.randrange(-20, 420), rng.randrange(-20, 260), rng.randrange(10, 140), rng.randrange(8, 40))
                 for _ in range(rng.randrange(0, 60))]
        preferred = pygame.Rect(rng.randrange(-30, 430), rng.randrange(-30, 270), rng.randrange(20, 120), rng.randrange(12, 30))
        expected = by_every_nudge(preferred, taken, bounds)
        assert place(preferred, list(taken), bounds) == expected
        moved += expected != preferred
        crowded += any(expected.colliderect(other.inflate(2 * GAP, 2 * GAP)) for other in taken)
    assert moved > 50 and crowded > 10  # both ways out were exercised: a free spot nearby, the least covered one
