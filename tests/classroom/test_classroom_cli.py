"""Mistakes on the classroom command lines: one line naming the problem, exit status 2, nothing changed."""
from __future__ import annotations

import socket

import pytest

from game.__main__ import main as game_main
from trainer.cli import main as trainer_main


@pytest.mark.parametrize("argv, says", [
    (["--code", "ABC123"], "--code needs --join"),
    (["--join", "no-port-here", "--code", "ABC123", "--trainee", "Ana"], "write the address as HOST:PORT"),
    (["--console", "127.0.0.1:8765"], "--console needs --code"),
    (["--join", "127.0.0.1:8765", "--console", "127.0.0.1:8765", "--code", "X"], "give one"),
    (["--join", "127.0.0.1:8765", "--session", "March"], "leave out --session"),
])
def test_game_classroom_flags(argv, says, capsys):
    assert game_main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and err.count("\n") == 1


def test_serve_refuses_what_it_cannot_serve(room, capsys, tmp_path):
    db = ["--db", str(room.path)]
    cases = [
        (["serve", "--session", "No such session"], "no session named"),
        (["serve", "--session", "Classroom test", "--host", "8.8.8.8"], "public internet address"),
        (["serve", "--session", "Classroom test", "--host", "no.such.host.invalid"], "no such address"),
        (["serve", "--session", "Classroom test", "--scenario", "vip_lounge"], "not part of session"),
        (["serve", "--session", "Classroom test", "--scenario-file", str(tmp_path / "missing.yaml")], "No scenario file"),
        (["serve", "--session", "Classroom test", "--port", "70000"], "not a port number"),
    ]
    for argv, says in cases:
        assert trainer_main(db + argv) == 2, argv
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err, (argv, err)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert trainer_main(db + ["serve", "--session", "Classroom test", "--port", str(busy.getsockname()[1])]) == 2
        assert "Choose another --port" in capsys.readouterr().err
