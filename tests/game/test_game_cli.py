"""The command line: user mistakes give one clear line and exit 2; the headless demo saves every screen."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLIGHT = str(ROOT / "scenarios" / "delayed_flight.yaml")


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, "-m", "game", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args, says", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--lang", "fr"], "invalid choice: 'fr'"),
    (["--scenario", "no/such.yaml"], "no such file"),
    (["--scenario", FLIGHT, "--font", "/no/such/font.ttf"], "--font /no/such/font.ttf: no such font file"),
    (["--headless"], "--headless needs --autoplay"),
    (["--scenario", FLIGHT, "--autoplay", "genius", "--headless"], "unknown policy"),
    (["--scenario", "PLANNING_ONLY"], "has no `exercise` section"),
])
def test_user_mistakes_exit_2_with_one_clear_message(args, says, planning_only):
    result = _run(*[str(planning_only) if arg == "PLANNING_ONLY" else arg for arg in args])
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_a_broken_scenario_file_is_named_with_its_problem(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text((ROOT / "scenarios" / "vip_lounge.yaml").read_text(encoding="utf-8").replace("default: cannot_change", "default: shrug"),
                      encoding="utf-8")
    result = _run("--scenario", str(broken))
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr and "shrug" in result.stderr and "Traceback" not in result.stderr


def test_headless_demo_saves_a_png_of_every_screen(tmp_path):
    shots = tmp_path / "shots"
    result = _run("--scenario", str(ROOT / "scenarios" / "vip_lounge.yaml"), "--autoplay", "expert", "--headless",
                  "--screenshots", str(shots), "--lang", "zh", "--replays", "3", timeout=240)
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in shots.glob("*.png"))
    for screen in ("title", "settings", "picker", "briefing", "play-", "dialog-", "feedback-", "debrief-timeline",
                   "debrief-lessons", "debrief-kpis", "debrief-replay"):
        assert any(screen in name for name in names), (screen, names)
    assert all(name.startswith("zh-") for name in names)
    assert sum("play-" in name for name in names) >= 4


@pytest.mark.parametrize("target", ["scenario", "records", "records by default"])
def test_the_score_is_never_written_over_the_scenario_or_the_records(tmp_path, monkeypatch, capsys, target):
    import game.cli
    from game.__main__ import main

    scenario = tmp_path / "flight.yaml"
    scenario.write_bytes(Path(FLIGHT).read_bytes())
    records = tmp_path / "records.sqlite3"
    records.write_bytes(b"SQLite format 3\x00 records kept here")
    monkeypatch.setattr(game.cli, "default_db_path", lambda: records)
    before = {path: path.read_bytes() for path in (scenario, records)}
    json_path = scenario if target == "scenario" else records
    db = ["--db", str(records)] if target == "records" else []
    assert main(["--scenario", str(scenario), "--headless", "--answers", "expert", "--replays", "1", *db, "--json", str(json_path)]) == 2
    err = capsys.readouterr().err
    assert "that is the" in err and "Give another file name" in err and "Traceback" not in err
    assert {path: path.read_bytes() for path in (scenario, records)} == before


def test_a_score_that_cannot_be_written_is_one_message(tmp_path, monkeypatch, capsys):
    import errno

    from game.__main__ import main
    from sim import atomic_write

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    out = tmp_path / "score.json"
    out.write_text('{"score": 55}\n', encoding="utf-8")
    monkeypatch.setattr(atomic_write.os, "replace", full)
    assert main(["--scenario", FLIGHT, "--headless", "--answers", "expert", "--replays", "1", "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {out}: the disk is full" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == '{"score": 55}\n' and [p.name for p in tmp_path.iterdir()] == ["score.json"]
