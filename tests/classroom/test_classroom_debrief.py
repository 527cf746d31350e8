"""The group debrief: counts per answer, what each answer did, best and worst runs, anonymised by default."""
from __future__ import annotations

import json

import pytest
import requests

from trainer.classroom.debrief import build_group_debrief, debrief_html, debrief_table, decision_titles
from trainer.classroom.protocol import parse_incoming
from trainer.classroom.records import ClassroomRecords
from trainer.cli import main as cli_main

from .conftest import ThreadedServer

PLAYS = {  # trainee: (answer to storm_question, mood before, mood after, final score)
    "Ana": ("honest_update", 0.5, 0.8, 90.0),
    "Bo": ("weather_blame", 0.5, 0.1, 40.0),
    "Chen": ("weather_blame", 0.6, 0.0, 30.0),
}


def _play(room) -> None:
    store = ClassroomRecords(room.records)
    for name, (choice, before, after, score) in PLAYS.items():
        member, _ = store.join(room.classroom, name, f"game-{name}")
        for message_id, minute, body in [
            ("d1", 30, {"kind": "decision", "decision": "storm_question", "choice": choice,
                        "mistake": choice != "honest_update", "mood_before": before, "mood_after": after,
                        "label": {"en": choice.replace("_", " "), "zh": "回答"}}),
            ("f1", 340, {"kind": "finish", "score": score, "kpis": {"complaints": 100 - score}}),
        ]:
            report = parse_incoming(json.dumps({"type": "report", "id": message_id, "minute": minute, "body": body}))
            _, member = store.record_report(room.classroom, member, report)


def test_the_group_debrief_counts_answers_and_what_they_led_to(room):
    _play(room)
    debrief = build_group_debrief(room.records, room.classroom)
    answers = {a.choice: a for a in debrief.answers["storm_question"]}
    assert answers["weather_blame"].times == 2 and answers["honest_update"].times == 1
    assert answers["weather_blame"].mistake and not answers["honest_update"].mistake
    assert answers["weather_blame"].mood_change == pytest.approx(-0.5)  # (-0.4 + -0.6) / 2
    assert answers["weather_blame"].mean_score == pytest.approx(35.0)
    assert answers["honest_update"].mood_change == pytest.approx(0.3)
    assert debrief.best.trainee.name == "Ana" and debrief.worst.trainee.name == "Chen"
    assert [(m.choice_id, m.times, m.trainees) for m in debrief.mistakes] == [("weather_blame", 2, 2)]
    assert all(a.names == () for a in debrief.answers["storm_question"])  # anonymised unless asked
    named = build_group_debrief(room.records, room.classroom, names=True)
    assert {a.choice: a.names for a in named.answers["storm_question"]}["weather_blame"] == ("Bo", "Chen")
    header, rows = debrief_table(named, "zh")
    assert header[-1] == "trainees" and rows[0][:4] == ["storm_question", "weather_blame", "回答", 2]


def test_the_debrief_command_writes_csv_png_and_html_without_names(room, tmp_path):
    _play(room)
    files = [tmp_path / "debrief.csv", tmp_path / "debrief.png", tmp_path / "debrief.html"]
    assert cli_main(["--db", str(room.path), "classroom-debrief", "Classroom test", "--csv", str(files[0]),
                     "--png", str(files[1]), "--html", str(files[2])]) == 0
    assert files[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = files[2].read_text(encoding="utf-8")
    assert "weather blame" in html and "Best run" in html and "Chen" not in html
    assert "weather_blame" in files[0].read_text(encoding="utf-8-sig")
    assert cli_main(["--db", str(room.path), "classroom-debrief", "Classroom test", "--scenario", "vip_lounge"]) == 2


def test_decision_points_are_named_by_their_title_in_the_chosen_language(room, tmp_path):
    _play(room)
    debrief = build_group_debrief(room.records, room.classroom, titles=decision_titles(room.scenario))
    assert debrief.title("storm_question") == "An angry passenger" and debrief.title("storm_question", "zh") == "一位愤怒的乘客"
    header, rows = debrief_table(debrief, "zh")
    assert rows[0][header.index("decision_title")] == "一位愤怒的乘客"
    html = debrief_html(debrief, "zh")
    assert "<h2>一位愤怒的乘客</h2>" in html and "<h2>storm_question</h2>" not in html
    page = tmp_path / "debrief.html"
    assert cli_main(["--db", str(room.path), "classroom-debrief", "Classroom test", "--html", str(page)]) == 0
    assert "An angry passenger" in page.read_text(encoding="utf-8")  # the CLI reads the titles from the scenario file


def test_the_server_serves_the_group_debrief_to_the_console_code_only(room):
    _play(room)
    served = ThreadedServer(room)
    base = f"http://127.0.0.1:{served.port}"
    try:
        data = requests.get(f"{base}/debrief.json?key={room.classroom.console_code}", timeout=10)
        named = requests.get(f"{base}/debrief.json?key={room.classroom.console_code}&names=1", timeout=10).json()
        page = requests.get(f"{base}/debrief?key={room.classroom.console_code}&lang=zh", timeout=30)
        trainee = requests.get(f"{base}/debrief.json?key={room.classroom.join_code}", timeout=10)
    finally:
        served.stop()
    assert trainee.status_code == 403
    data = data.json()
    assert data["trainees"] == 3 and data["finished"] == 3 and not data["names"]
    [storm] = data["decisions"]
    assert storm["id"] == "storm_question" and storm["title"] == {"en": "An angry passenger", "zh": "一位愤怒的乘客"}
    assert [(a["choice"], a["times"], a["names"]) for a in storm["answers"]] == [("weather_blame", 2, []),
                                                                               ("honest_update", 1, [])]
    assert data["best"]["score"] == 90 and data["best"]["name"] is None and data["worst"]["score"] == 30
    assert data["mistakes"] == [{"decision": "storm_question", "title": storm["title"], "choice": "weather_blame",
                                 "label": {"en": "weather blame", "zh": "回答"}, "times": 2, "trainees": 2}]
    assert named["best"]["name"] == "Ana" and named["decisions"][0]["answers"][0]["names"] == ["Bo", "Chen"]
    assert page.status_code == 200 and "一位愤怒的乘客" in page.text and "data:image/png;base64," in page.text


def test_a_dollar_in_a_session_name_or_an_answer_is_drawn_as_text(room):
    from dataclasses import replace

    from trainer.classroom.debrief import debrief_png

    _play(room)
    debrief = build_group_debrief(room.records, room.classroom)
    odd = replace(debrief, session=replace(debrief.session, name="Ana $x^$"), answers={
        "storm $x^$": tuple(replace(a, label={"en": "50% $off_", "zh": "$\\frac{1}{0}"}) for a in debrief.answers["storm_question"])})
    assert debrief_png(odd, "en").startswith(b"\x89PNG") and debrief_png(odd, "zh").startswith(b"\x89PNG")
