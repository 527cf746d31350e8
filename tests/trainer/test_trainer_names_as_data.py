"""Names are data: a dollar sign draws as a dollar sign, control characters never reach a terminal, and a
name has a sensible length."""

from __future__ import annotations

import pytest

from trainer import RecordsError
from trainer.charts import scoreboard_png
from trainer.cli import main as cli_main
from trainer.scoreboard import build_scoreboard
from trainer.text import printable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ODD_NAMES = ["Ana $x^$", "$$", "Bo \\frac{1}{0}$", "50% $off_", "Li $\\alpha$ 李"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_dollar_in_a_name_draws_as_text(records, played_session, play_turn, name):
    trainee = records.add_trainee(played_session.id, name)
    play_turn(records, trainee.id, "delayed_flight", [("first_words", "apologise", name, False)], score=75)
    png = scoreboard_png(build_scoreboard(records, played_session.id))
    assert png.startswith(PNG_SIGNATURE)


def test_scoreboard_png_and_html_commands_take_any_name(db_path, records, played_session, tmp_path, capsys):
    records.add_trainee(played_session.id, "Ana $x^$")
    records.close()
    png, page = tmp_path / "board.png", tmp_path / "board.html"
    assert cli_main(["--db", str(db_path), "scoreboard", "1", "--png", str(png), "--html", str(page)]) == 0
    assert png.read_bytes().startswith(PNG_SIGNATURE) and "Ana $x^$" in page.read_text(encoding="utf-8")


def test_control_characters_never_reach_the_terminal(db_path, records, played_session, capsys):
    trainee = records.add_trainee(played_session.id, "Eve\x1b[2J\x1b]0;owned\x07 \u202eevil\x00")
    assert trainee.name == "Eve[2J]0;owned evil"  # what is stored is text only
    records._conn.execute("UPDATE sessions SET name = ? WHERE id = ?", ("March\x1b[31m cohort\x1b[0m", played_session.id))
    records.close()  # (a file written by an older version could hold such a name)
    for command in (["sessions"], ["turns", "1"], ["scoreboard", "1"]):
        assert cli_main(["--db", str(db_path), *command]) == 0
        shown = capsys.readouterr().out
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown


def test_names_have_a_sensible_length_and_no_control_characters(records, played_session):
    with pytest.raises(RecordsError, match="5,000 characters long; keep it to 80 or fewer"):
        records.add_trainee(played_session.id, "A" * 5000)
    with pytest.raises(RecordsError, match="empty"):
        records.add_trainee(played_session.id, "\x00\x1b\x07")
    assert records.add_trainee(played_session.id, "Zoë\x00 Müller").name == "Zoë Müller"
    assert records.add_trainee(played_session.id, "王" * 80).name == "王" * 80


def test_printable_keeps_every_script_and_drops_only_controls():
    assert printable("Ana 张伟 Ζωή عائشة\n") == "Ana 张伟 Ζωή عائشة\n"
    assert printable("a\x1b[0mb\x9bc\u2066d") == "a[0mbcd"
