"""Turns played by an answer rule (``srl-game --answers ... --session S --trainee T``) are marked wherever a
trainer meets them (trainee page, reopened debrief, scoreboard, command line, CSV, HTML, xAPI) and never
count as the trainee's own: not as the best score of a cell, not among the group's common mistakes."""
from __future__ import annotations

import csv
import io
import json

import pytest

from game.__main__ import main
from game.scenes.registry import make_scene
from trainer import TrainerRecords
from trainer.cli import main as trainer_main
from trainer.export import csv_text, turns_table, xapi_jsonl
from trainer.report_html import scoreboard_html
from trainer.scoreboard import build_scoreboard

SCENARIO = "scenarios/vip_lounge.yaml"


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """Ana has one turn of her own (written as the game writes a trainee's start, answer and finish) and two
    played for her by rule (the expert's and the worst answers, through ``srl-game``); Bo has only a scripted
    turn. Returns the records file and the session's id."""
    db = tmp_path_factory.mktemp("scripted") / "records.sqlite3"
    with TrainerRecords.open(db) as records:
        session = records.create_session("Night shift", "2025-03-14", ["vip_lounge"])
        ana = records.join_session(session.id, "Ana")
        own = records.start_turn(ana.id, "vip_lounge", seed=0)  # Ana's own play: a start without a rule
        records.record_outcome(own.id, sim_minute=0, kind="start", data={"policy": None})
        records.record_decision(own.id, sim_minute=30, decision_point_id="boarding_call", choice_id="public_announcement",
                                feedback_key="blame_shifting", is_mistake=True, choice_label={"en": "Blame the announcement"})
        records.finish_turn(own.id, score=40, kpis={"retention_rate": 0.8})
    for trainee, rule in (("Ana", "expert"), ("Ana", "worst"), ("Bo", "worst")):
        assert main(["--db", str(db), "--session", "Night shift", "--trainee", trainee, "--scenario", SCENARIO,
                     "--headless", "--answers", rule, "--replays", "2"]) == 0
    return db, session.id


def test_scripted_turns_are_kept_apart_from_the_trainees_own(played):
    db, session_id = played
    with TrainerRecords.open(db, create=False) as records:
        board = build_scoreboard(records, session_id)
        turn_records = records.session_records(session_id)
    ana, bo = board.trainees
    assert sorted(r.scripted or "" for r in turn_records) == ["", "expert", "worst", "worst"]
    expert = next(r for r in turn_records if r.scripted == "expert")
    assert expert.turn.score > 40  # the rule scored above Ana's own play, yet her cell keeps her own
    cell = board.cell(ana.id, "vip_lounge")
    assert (cell.best.score, cell.finished, cell.scripted) == (40, 1, 2)
    only = board.cell(bo.id, "vip_lounge")
    assert only.best is None and only.scripted == 1 and only.played
    worst_mistakes = sum(len(r.mistakes) for r in turn_records if r.scripted == "worst")
    assert worst_mistakes > 0  # the worst answers are mistakes, but not the group's
    assert [(m.choice_id, m.times, m.trainees) for m in board.mistakes] == [("public_announcement", 1, 1)]


def test_exports_and_commands_name_the_rule(played, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")  # the command line's tables on one line per turn
    db, session_id = played
    with TrainerRecords.open(db, create=False) as records:
        turn_records = records.session_records(session_id)
        board = build_scoreboard(records, session_id)
    rows = list(csv.DictReader(io.StringIO(csv_text(*turns_table(turn_records)))))
    assert sorted(row["scripted"] for row in rows) == ["", "expert", "worst", "worst"]
    statements = [json.loads(line) for line in xapi_jsonl(turn_records).splitlines()]
    marked = {s["context"]["registration"] for s in statements
              if any(key.endswith("/extensions/scripted") for key in s["context"].get("extensions", {}))}
    assert marked == {r.turn.uid for r in turn_records if r.scripted}
    html = scoreboard_html(board)
    assert html.count("scripted: --answers") == 3 and "2 scripted, not counted" in html

    assert trainer_main(["--db", str(db), "turns", str(session_id)]) == 0
    out = capsys.readouterr().out
    assert out.count("scripted (worst)") == 2 and out.count("scripted (expert)") == 1
    assert trainer_main(["--db", str(db), "scoreboard", str(session_id)]) == 0
    assert "+2 scripted (not counted)" in capsys.readouterr().out
    expert = next(r for r in turn_records if r.scripted == "expert")
    assert trainer_main(["--db", str(db), "debrief", str(expert.turn.id)]) == 0
    assert "Scripted: played by the rule --answers expert" in capsys.readouterr().out


@pytest.mark.parametrize("lang, tag", [("en", "scripted: expert's answers"), ("zh", "脚本作答：专家答案")])
def test_the_trainer_screens_tag_scripted_turns(played, make_app, monkeypatch, lang, tag):
    import game.scenes.trainer_debrief as record_debrief

    db, session_id = played
    app = make_app(lang=lang, db=db)
    with TrainerRecords.open(db, create=False) as records:
        session = records.get_session(session_id)
        ana, bo = records.trainees(session_id)
        expert = next(r for r in records.session_records(session_id) if r.scripted == "expert")
    page = app.push(make_scene("trainer_trainee", app, session, ana))
    app.step(0.05)
    labels = [b.label for b in page.buttons.buttons if b.id.startswith("debrief:")]
    scripted_prefix = app.text("trainer.scripted", rule="")
    assert len(labels) == 3 and sum(tag in label for label in labels) == 1
    assert sum(scripted_prefix in label for label in labels) == 2
    assert app.text("trainer.scripted_count", count=2) in page.buttons.get("play:vip_lounge").hint

    board = app.push(make_scene("trainer_scoreboard", app, session))
    app.step(0.05)
    assert board.buttons.get(f"cell:{bo.id}:vip_lounge") is None  # nothing of Bo's own to open
    assert board.buttons.get(f"cell:{ana.id}:vip_lounge") is not None

    shown: list[str] = []
    draw = record_debrief.draw_wrapped
    monkeypatch.setattr(record_debrief, "draw_wrapped", lambda surface, fonts, text, *a, **k: shown.append(text) or draw(
        surface, fonts, text, *a, **k))
    app.push(make_scene("trainer_debrief", app, expert))
    app.step(0.05)
    assert any(app.text("trainer.scripted_note", rule="expert") in text for text in shown), shown[:3]
