"""The trainer's side of a played room, on screen: the title menu leads to the join screen, the console shows
the key KPIs and the group chart, and the group debrief names decision points as trainees saw them.

Six trainees' runs are played for real (each by one of the game's answer rules, reported as a game reports)
and recorded; the screens are driven against a real server and saved as PNG in English and Chinese (set
SRL_SHOTS=DIR to keep them for a person to look at).
"""
from __future__ import annotations

import asyncio
import itertools
import json

import pygame
import pytest

from game.classroom.play import ClassroomPlay
from game.classroom.scripted import scripted_answer
from game.scenes.registry import make_scene
from game.scenes.title import TitleScene
from trainer.classroom.board import Board
from trainer.classroom.protocol import parse_incoming
from trainer.classroom.records import ClassroomRecords

from .conftest import ThreadedServer
from .test_classroom_screens import _app, _frames_until, _shot

TRAINEES = (("Ana Lima", "expert"), ("Bo Chen", "worst"), ("王芳", "first"), ("Dara Singh", "random"),
            ("Eli Park", "first"), ("李娜", "expert"))

REPLICATIONS = 5


def _play_room(room) -> dict[str, list[dict]]:
    """Each trainee's run played to its end and recorded as the server records it; their progress reports."""
    store = ClassroomRecords(room.records)
    progress = {}
    for n, (name, rule) in enumerate(TRAINEES):
        member, _ = store.join(room.classroom, name, f"game-{n}")
        sent: list[dict] = []
        welcome = {"type": "welcome", "name": name, "scenario": room.scenario.name, "seed": room.classroom.seed,
                   "phase": "running", "timer": "scenario", "injects": [], "played": [], "finished": False}
        play = ClassroomPlay(room.scenario, welcome, sent.append, clock=itertools.count().__next__)
        while not play.done:
            if play.session.run.pending is not None:
                play.choose(*scripted_answer(rule, play, play.session.run.pending)[:1])
            play.tick(1.0, speed=4)
        play.report_interval(play.measure(REPLICATIONS))  # the game's debrief replays the run on the trainee's machine
        for k, message in enumerate(sent):
            _, member = store.record_report(room.classroom, member, parse_incoming(json.dumps({"id": f"r{k}", **message})))
        progress[name] = [m for m in sent if m["body"]["kind"] in ("progress", "finish")]
    for action in ("start", "pause"):
        _, room.classroom = store.record_command(room.classroom, "console-1", parse_incoming(json.dumps(
            {"type": "command", "id": action, "action": action})))
    return progress


def _history(room, progress) -> list:
    """The group chart's points as the live board samples them, with the simulated minute for the clock."""
    minute = [0.0]
    board = Board("", room.scenario.name, clock=lambda: minute[0])
    for n, name in enumerate(progress):
        board.standing(n, name)
    for minute[0] in range(0, 400, 10):
        for n, reports in enumerate(progress.values()):
            done = [m["body"] for m in reports if m["minute"] <= minute[0] and m["body"].get("score") is not None]
            if done:
                board.update(n, score=done[-1]["score"])
        board.sample_history()
    return board.history


def test_the_title_menu_opens_the_join_screen_by_key_and_by_mouse():
    app = _app("en")
    try:
        app.push(TitleScene(app))
        app.step(0.05)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_j, mod=0, unicode="j", scancode=0))
        app.step(0.05)
        assert app.top.name == "classroom_join"
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
        app.step(0.05)
        assert app.top.name == "title"
        button = app.top.buttons.get("classroom")
        for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            pygame.event.post(pygame.event.Event(kind, pos=button.rect.center, button=1))
        app.step(0.05)
        assert app.top.name == "classroom_join"
        assert all(not b.rect.colliderect(other.rect) for b in app.stack[0].buttons.buttons
                   for other in app.stack[0].buttons.buttons if b is not other)
    finally:
        app.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_console_charts_the_group_and_opens_the_group_debrief(room, tmp_path, lang):
    progress = _play_room(room)
    served = ThreadedServer(room)
    asyncio.run_coroutine_threadsafe(_set_history(served, _history(room, progress)), served.loop).result(5)
    app = _app(lang)
    try:
        console = app.push(make_scene("classroom_console", app, f"127.0.0.1:{served.port}", room.classroom.console_code))
        _frames_until(app, lambda: console.board is not None and console.buttons.get("debrief") is not None)
        board = console.board
        assert board["phase"] == "paused" and board["finished"] == len(TRAINEES)
        assert board["key_kpis"] == ["retention_rate", "quality_score", "complaints"]
        assert all(set(line["kpis"]) == set(board["key_kpis"]) for line in board["trainees"])
        assert all(line["interval"][0] <= line["score"] <= line["interval"][1] and line["replications"] == REPLICATIONS
                   for line in board["trainees"])
        assert len(board["history"]) > 5 and all(p[3] <= p[1] <= p[4] for p in board["history"] if p[1] is not None)
        _shot(app, tmp_path, f"console-chart-{lang}")

        console.buttons.get("debrief").action()
        debrief = app.top
        assert debrief.name == "classroom_debrief"
        _frames_until(app, lambda: debrief.data is not None)
        title = debrief.local(debrief.decisions[0]["title"])
        assert title == room.scenario.exercise.decisions[0].title.model_dump()[lang]  # named as the trainees saw it
        counts = [sum(a["times"] for a in d["answers"]) for d in debrief.decisions]
        assert counts[0] == len(TRAINEES) and all(0 < c <= len(TRAINEES) for c in counts)
        for page in range(debrief.page_count()):
            _shot(app, tmp_path, f"group-debrief-{page + 1}-{lang}")
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode="", scancode=0))
            app.step(0.05)
        assert debrief.page == 0  # round the pages and back to the first
        debrief.buttons.get("names").action()
        _frames_until(app, lambda: debrief.fetch is None and debrief.data["names"])
        assert sorted(n for a in debrief.decisions[0]["answers"] for n in a["names"]) == sorted(n for n, _ in TRAINEES)
        _shot(app, tmp_path, f"group-debrief-names-{lang}")
    finally:
        for scene in app.stack:
            if getattr(scene, "link", None) is not None:
                scene.link.close()
        app.close()
        served.stop()


async def _set_history(served, history) -> None:
    """The board as if the room had played for the history's span of seconds (the chart samples on from there)."""
    board = served.server.board
    board.history = history
    board._started = board._clock() - history[-1][0] - 1
    board.touch()
