"""Scoreboard, common mistakes, PNG and HTML reports, CSV exports and the commands that write them."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import pytest
from PIL import Image

from trainer.charts import scoreboard_png
from trainer.cli import main as cli_main
from trainer.export import csv_text, decisions_table, turns_table
from trainer.report_html import scoreboard_html
from trainer.scoreboard import build_scoreboard

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def board(records, played_session):
    return build_scoreboard(records, played_session.id)


def test_scoreboard_cells_show_best_finished_turn_and_counts(board):
    ana, bo, chen = board.trainees
    best = board.cell(ana.id, "delayed_flight")
    assert (best.best.score, best.best.attempt, best.finished, best.in_progress) == (90, 2, 2, 0)
    assert best.best.kpis == {"satisfaction": 0.9, "cost": 15}
    unfinished = board.cell(ana.id, "vip_lounge")
    assert unfinished.best is None and unfinished.in_progress == 1 and unfinished.played
    assert board.cell(bo.id, "vip_lounge").best.score == 55
    assert not board.cell(chen.id, "delayed_flight").played
    assert board.kpi_names == ("cost", "satisfaction")


def test_common_mistakes_ranked_by_times_then_trainees(board):
    assert [(m.scenario_id, m.choice_id, m.times, m.trainees) for m in board.mistakes] == [
        ("delayed_flight", "blame_weather", 2, 2),
        ("vip_lounge", "company_rules", 2, 2),
        ("delayed_flight", "company_rules", 1, 1),
    ]
    assert board.mistakes[0].text() == "Blame the storm"
    assert board.mistakes[0].text("zh") == "怪暴风雨"


@pytest.mark.parametrize("lang", [None, "zh"])
def test_png_is_a_readable_picture(board, lang):
    png = scoreboard_png(board, lang)
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
        assert 800 <= width <= 2000 and 600 <= height <= 3000
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colours) > 50  # a drawn chart, not a blank page


def test_png_draws_chinese_with_the_packaged_font(records, recwarn):
    """Chinese names and labels come out as glyphs, not boxes, with no system CJK font needed."""
    session = records.create_session("三月培训班", "2025-03-14", ["a"])
    records.add_trainee(session.id, "李娜")
    scoreboard_png(build_scoreboard(records, session.id), "zh")
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_png_for_a_session_with_no_turns(records):
    session = records.create_session("Empty", "2025-03-14", ["a"])
    png = scoreboard_png(build_scoreboard(records, session.id))
    assert png.startswith(PNG_SIGNATURE)


def test_html_report_is_self_contained_and_escapes_names(records, played_session):
    records.add_trainee(played_session.id, "<script>alert('x')</script>")
    board = build_scoreboard(records, played_session.id)
    png = scoreboard_png(board)
    html = scoreboard_html(board, png=png)
    assert "<script>" not in html and "&lt;script&gt;" in html
    embedded = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert embedded and base64.b64decode(embedded.group(1)) == png
    assert not re.search(r'(src|href)="(?!data:)', html)  # nothing to fetch from elsewhere
    assert "<link" not in html
    for text in ("March cohort", "Ana", "90 / 100", "satisfaction: 0.9", "Blame the storm", "in progress"):
        assert text in html
    assert "怪暴风雨" in scoreboard_html(board, lang="zh")


def test_turns_csv_has_a_row_per_turn_with_kpi_columns(records, played_session):
    header, rows = turns_table(records.session_records(played_session.id))
    parsed = list(csv.DictReader(io.StringIO(csv_text(header, rows))))
    assert [(r["trainee"], r["scenario_id"], r["attempt"], r["status"], r["score"]) for r in parsed] == [
        ("Ana", "delayed_flight", "1", "finished", "40.0"), ("Ana", "delayed_flight", "2", "finished", "90.0"),
        ("Ana", "vip_lounge", "1", "in_progress", ""), ("Bo", "delayed_flight", "1", "finished", "20.0"),
        ("Bo", "vip_lounge", "1", "finished", "55.0")]
    assert parsed[1]["kpi_cost"] == "15" and parsed[1]["kpi_satisfaction"] == "0.9"
    assert parsed[0]["mistakes"] == "1" and parsed[3]["mistakes"] == "2"


def test_decisions_csv_defuses_spreadsheet_formulas(records, played_session, play_turn):
    sneaky = records.add_trainee(played_session.id, "=HYPERLINK(\"http://x\")")
    play_turn(records, sneaky.id, "delayed_flight", [("first_words", "-apologise", None, False)])
    header, rows = decisions_table(records.session_records(played_session.id), lang="zh")
    parsed = list(csv.DictReader(io.StringIO(csv_text(header, rows))))
    assert len(parsed) == 7 + 1
    assert parsed[0]["choice_label"] == "怪暴风雨" and parsed[0]["is_mistake"] == "yes"
    assert parsed[-1]["trainee"].startswith("'=") and parsed[-1]["choice_id"] == "'-apologise"


def test_command_line_session_workflow(tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite3")
    assert cli_main(["--db", db, "sessions"]) == 2
    assert "no records file" in capsys.readouterr().err
    assert cli_main(["create-session", "April cohort", "--date", "2025-04-01", "--scenario", "delayed_flight",
                     "--scenario", "vip_lounge", "--db", db]) == 0
    assert cli_main(["--db", db, "add-trainee", "April cohort", "Ana", "Bo"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", db, "sessions"]) == 0
    listing = capsys.readouterr().out
    assert "April cohort" in listing and "2025-04-01" in listing
    assert cli_main(["--db", db, "add-trainee", "1", "ana"]) == 2
    assert "already in this session" in capsys.readouterr().err
    assert cli_main(["--db", db, "create-session", "X", "--date", "1 April", "--scenario", "a"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_command_line_scoreboard_debrief_and_export_write_files(tmp_path, db_path, records, played_session, capsys,
                                                                monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # tables as wide as a trainer's terminal, not cut at 80
    records.close()
    out = tmp_path / "out"
    db = str(db_path)
    assert cli_main(["--db", db, "scoreboard", "March cohort", "--png", str(out / "board.png"),
                     "--html", str(out / "board.html")]) == 0
    printed = capsys.readouterr().out
    assert "90 / 100" in printed and "Common mistakes" in printed
    assert (out / "board.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "data:image/png;base64," in (out / "board.html").read_text(encoding="utf-8")

    assert cli_main(["--db", db, "export", "1", "--csv", str(out / "turns.csv"), "--decisions-csv",
                     str(out / "decisions.csv"), "--outcomes-csv", str(out / "outcomes.csv"),
                     "--xapi", str(out / "statements.jsonl")]) == 0
    assert (out / "turns.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    with (out / "outcomes.csv").open(encoding="utf-8-sig", newline="") as handle:
        outcomes = list(csv.DictReader(handle))
    assert len(outcomes) == 7 and json.loads(outcomes[0]["data"]) == {"customer": "c1", "delta": -0.2}
    lines = (out / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16 and len({json.loads(line)["id"] for line in lines}) == 16
    assert sorted(p.name for p in out.iterdir()) == [
        "board.html", "board.png", "decisions.csv", "outcomes.csv", "statements.jsonl", "turns.csv"]

    capsys.readouterr()
    assert cli_main(["--db", db, "turns", "1", "--unfinished"]) == 0
    assert "in progress" in capsys.readouterr().out
    assert cli_main(["--db", db, "debrief", "1", "--lang", "zh"]) == 0
    debrief = capsys.readouterr().out
    assert "怪暴风雨" in debrief and "feedback.blame_weather" in debrief and "satisfaction 0.4" in debrief

    assert cli_main(["--db", db, "export", "1"]) == 2
    assert "Nothing to export" in capsys.readouterr().err
    assert cli_main(["--db", db, "debrief", "99"]) == 2
    assert "no turn 99" in capsys.readouterr().err
