"""Every file the planner's commands write is written whole or not at all: on a full disk the old file stays."""
from __future__ import annotations

import errno
import json

import pytest

import run_sim
from sim.atomic_write import atomic_open, write_atomic
from sim.errors import UserError

OLD = {"kpis": {"served": {"mean": 41.0}}, "note": "an earlier run"}


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.name != ".filler")


def assert_one_clear_message(err: str, path) -> None:
    lines = [line for line in err.strip().splitlines() if "cannot write" in line]  # (besides progress lines)
    assert len(lines) == 1, err
    assert f"cannot write {path}" in lines[0] and ("disk is full" in lines[0] or "larger than this system" in lines[0])
    assert "Traceback" not in err


@pytest.mark.parametrize("flag,name,command", [
    ("--json", "out.json", ["run", "-r", "2"]),
    ("--events", "events.jsonl", ["run", "-r", "1", "--set", "failures={}"]),
    ("--json", "sweep.json", ["sweep", "-r", "2", "--param", "staff.agent.count=3,4"]),
    ("--csv", "sweep.csv", ["sweep", "-r", "2", "--param", "staff.agent.count=3,4"]),
    ("--json", "compare.json", ["compare", "-r", "2", "--policy", "standard_process", "--policy", "empowered"]),
    ("--queue-log", "queue_log.csv", ["run", "-r", "1"]),
])
def test_a_full_disk_leaves_the_old_file_intact(full_disk, lounge_file, capsys, flag, name, command):
    target = full_disk.folder / name
    target.write_text(json.dumps(OLD))
    before = target.read_bytes()
    full_disk.fill()
    code = run_sim.main([command[0], str(lounge_file), *command[1:], "--workers", "1", flag, str(target)])
    assert code == 2
    assert_one_clear_message(capsys.readouterr().err, target)
    assert target.read_bytes() == before
    assert files_in(full_disk.folder) == [name]  # no partial or temporary file beside it


def test_a_full_disk_leaves_an_old_report_intact(full_disk, lounge_file, capsys):
    report = full_disk.folder / "report"
    report.mkdir()
    (report / "index.html").write_text("<html>earlier report</html>")
    before = files_in(full_disk.folder)
    full_disk.fill()
    code = run_sim.main(["run", str(lounge_file), "-r", "2", "--workers", "1", "--report", str(report)])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
    assert (report / "index.html").read_text() == "<html>earlier report</html>"
    assert files_in(full_disk.folder) == before


def test_schema_and_starter_on_a_full_disk(full_disk, capsys):
    schema = full_disk.folder / "schema.json"
    schema.write_text("{}")
    full_disk.fill()
    assert run_sim.main(["schema", "--write", str(schema)]) == 2
    assert_one_clear_message(capsys.readouterr().err, schema)
    assert schema.read_text() == "{}"
    assert run_sim.main(["new", "night_desk", "--folder", str(full_disk.folder)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert files_in(full_disk.folder) == ["schema.json"]


def test_a_failure_while_writing_removes_the_temporary_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "kept.txt"
    target.write_text("old")
    with pytest.raises(UserError, match="disk is full"):
        with atomic_open(target) as stream:
            stream.write("new and half")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old" and files_in(tmp_path) == ["kept.txt"]
    with pytest.raises(KeyboardInterrupt):
        with atomic_open(target) as stream:
            stream.write("interrupted")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and files_in(tmp_path) == ["kept.txt"]


def test_a_written_file_has_the_usual_permissions_and_never_overwrites_when_asked(tmp_path):
    path = write_atomic(tmp_path / "a.txt", "one")
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()
    with pytest.raises(UserError, match="exists already"):
        write_atomic(path, "two", overwrite=False)
    assert path.read_text() == "one" and files_in(tmp_path) == ["a.txt"]


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
