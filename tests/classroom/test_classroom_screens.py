"""The join screen, the classroom play screen and the trainer's console, driven headless against a real server.

The screens are saved as PNG (in English and Chinese); set SRL_SHOTS=DIR to keep them for a person to look at.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pygame
import pytest

from game.app import App, Options
from game.fonts import FontSource, find_cjk_font
from game.scenes.registry import make_scene
from trainer.classroom.records import ClassroomRecords

from .conftest import REPO, ThreadedServer, close_apps


def _app(lang: str) -> App:
    pygame.display.init()
    font = find_cjk_font() or FontSource(None, 0, has_cjk=False)
    return App(Options(lang=lang, font=font, headless=True, sound=False, scenario_dir=REPO / "scenarios"))


def _frames_until(app: App, condition, seconds: float = 10.0, dt: float = 0.05) -> None:
    stop = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < stop, "the screen did not get there in time"
        app.step(dt)
        time.sleep(0.01)


def _shot(app: App, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    app.draw()  # both apps share the one display: draw this one again before saving it
    pygame.image.save(app.screen, str(path))
    if os.environ.get("SRL_SHOTS"):
        Path(os.environ["SRL_SHOTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(os.environ["SRL_SHOTS"]) / path.name)
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_trainee_joins_plays_and_the_console_runs_the_room(room, tmp_path, lang):
    served = ThreadedServer(room)
    address = f"127.0.0.1:{served.port}"
    console_app, trainee_app = _app(lang), _app(lang)
    try:
        form = trainee_app.push(make_scene("classroom_join", trainee_app))
        form.address_field.value = address
        trainee_app.step(0.05)
        _shot(trainee_app, tmp_path, f"join-{lang}")

        console = console_app.push(make_scene("classroom_console", console_app, address, room.classroom.console_code))
        _frames_until(console_app, lambda: console.board is not None)
        _shot(console_app, tmp_path, f"console-lobby-{lang}")

        trainee_app.reset(make_scene("classroom_join", trainee_app, address, room.classroom.join_code.lower(), "Ana Lima"))
        _frames_until(trainee_app, lambda: trainee_app.top.name == "play")
        play_scene = trainee_app.top
        room_play = play_scene.room
        assert room_play.status(play_scene.t) == play_scene.t("classroom.lobby")
        trainee_app.step(0.5)
        minute = play_scene.session.now
        assert play_scene.session.speed == 0  # the lobby holds the clock

        console.buttons.get("start").action()
        _frames_until(trainee_app, lambda: room_play.play.phase == "running")
        for _ in range(40):
            trainee_app.step(0.25)
            if trainee_app.top is not play_scene:  # a decision point opened: answer it with the first choice
                trainee_app.top.answer(trainee_app.top.decision.choices[0].id)
                trainee_app.step(0.05)
                trainee_app.top.close()
        assert play_scene.session.now > minute
        _frames_until(console_app, lambda: console.buttons.get(f"inject:{room.facts.injects[1]}") is not None)
        console.buttons.get(f"inject:{room.facts.injects[1]}").action()
        _frames_until(trainee_app, lambda: room_play.play.applied == {1})
        _frames_until(console_app, lambda: console.board["trainees"] and console.board["trainees"][0]["minute"] > 0)
        _shot(trainee_app, tmp_path, f"play-{lang}")
        _shot(console_app, tmp_path, f"console-running-{lang}")

        console.buttons.get("end").action()
        console.buttons.get("end").action()  # the second press confirms
        _frames_until(trainee_app, lambda: room_play.play.done and room_play.link.link.unacknowledged == 0)
        _frames_until(console_app, lambda: console.board["finished"] == 1)
        _shot(console_app, tmp_path, f"console-ended-{lang}")

        # The trainee's debrief replays the run in the background and the score with its interval follows.
        _frames_until(trainee_app, lambda: trainee_app.top.name == "debrief" and trainee_app.top.judgement is not None, 60)
        judged = trainee_app.top.judgement.score
        _frames_until(console_app, lambda: console.board["trainees"][0]["interval"] is not None, 20)
        line = console.board["trainees"][0]
        assert line["score"] == pytest.approx(judged.value) and line["replications"] == judged.replications == 20
        assert line["interval"] == pytest.approx([judged.low, judged.high])
        _shot(console_app, tmp_path, f"console-interval-{lang}")
    finally:
        room_link = locals().get("room_play")
        if room_link is not None:
            room_link.link.close()
        close_apps(console_app, trainee_app)
        served.stop()

    record = room.records.session_records(room.classroom.session_id)[0]
    assert record.trainee.name == "Ana Lima" and record.turn.finished
    assert record.turn.score == pytest.approx(judged.value)  # as a game played alone records it
    store = ClassroomRecords(room.records)
    assert [e["data"].get("action") for e in store.events(room.classroom, "command")] == ["start", "inject", "end"]
    assert len(store.events(room.classroom, "inject")) == 1
    assert len(record.decisions) == len(store.events(room.classroom, "decision"))
