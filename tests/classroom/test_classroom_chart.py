"""The group chart: the board samples the room's mean and spread, and the console places them on screen."""
from __future__ import annotations

import pygame

from game.classroom.chart import chart_points
from game.classroom.figures import kpi_text
from trainer.classroom.board import Board


def test_the_board_samples_the_mean_and_the_spread_of_the_scores_known():
    now = [0.0]
    board = Board("s", "delayed_flight", clock=lambda: now[0])
    for n, name in enumerate(("Ana", "Bo", "Chen")):
        board.standing(n, name)
    board.sample_history()
    assert board.history == [(0.0, None, 0.0, None, None)]  # nobody has a score yet
    board.update(0, score=80.0, minute=30.0)
    board.update(1, score=20.0, minute=40.0)
    now[0] = 2.0
    board.sample_history()
    board.sample_history()  # nothing changed: no new point
    assert board.history[1:] == [(2.0, 50.0, 23.3, 20.0, 80.0)]


def test_the_chart_places_time_along_and_scores_up_inside_its_rectangle():
    rect = pygame.Rect(100, 50, 400, 100)
    history = [(0.0, None, 0.0, None, None), (2.0, 50.0, 10.0, 20.0, 80.0), (4.0, 60.0, 20.0, 0.0, 100.0),
               (10.0, 120.0, 30.0, -5.0, 130.0)]  # out-of-range scores are drawn at the edge, not outside
    points = chart_points(history, rect)
    assert [mean for mean, _, _ in points] == [50.0, 60.0, 120.0]  # the point without a score is left out
    xs = [xy[0] for _, xy, _ in points]
    assert xs == sorted(xs) and xs[0] == rect.left and xs[-1] == rect.right
    for _, (x, y), (top, bottom) in points:
        assert rect.top <= top <= y <= bottom <= rect.bottom  # the band runs from the highest to the lowest
    assert points[0][1][1] == rect.bottom - 50 and points[1][2] == (rect.top, rect.bottom)
    assert chart_points([(0.0, None, 0.0, None, None)], rect) == []


def test_kpis_are_written_as_a_trainer_reads_them():
    assert [kpi_text(v) for v in (None, 0.8049, 13.0, 12.25, 1234.5, 0)] == ["-", "0.80", "13", "12.2", "1,234", "0"]
