"""What keeps a change of screen quick: fonts opened once, no slow import on the screen's thread, the
picker never waiting for the scenario files. (The times themselves are printed by
``benchmarks/frame_time.py``; these tests check the causes, which do not depend on the machine.)"""
from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygame
import pytest

from game.fonts import FontBook

ROOT = Path(__file__).resolve().parents[2]


def test_each_font_of_the_chain_is_opened_once_whatever_the_sizes(font, monkeypatch):
    """FreeType keeps two faces open: a font object per size reopened the Chinese collection on every
    change of size, half a millisecond a call, a tenth of a second for a screen of new text."""
    opened = []
    real = pygame.freetype.Font

    def counting(*args, **kwargs):
        opened.append(args[0] if args else None)
        return real(*args, **kwargs)

    book = FontBook(font)
    chain = len(book.chain)
    monkeypatch.setattr(pygame.freetype, "Font", counting)
    for size in (12, 14, 16, 18, 22, 28, 40):
        for bold in (False, True):
            book.render("航班延误 → 3 hours ✓", size, (0, 0, 0), bold)
            book.wrap("我们非常抱歉：the flight is delayed, 请到服务台。" * 3, size, 300, bold)
            book.line_height(size)
    assert 1 <= len(opened) <= chain
    book.set_scale(1.5)  # the large text setting draws at other sizes with the same fonts
    book.render("航班延误 → 3 hours ✓", 22, (0, 0, 0))
    assert len(opened) <= chain


def test_text_wrapped_after_a_change_of_text_size_fits_the_new_size(font):
    """The widths of words measured at one text size are not reused at another."""
    book = FontBook(font)
    text = "Those are the company rules: we cannot say anything before the captain's announcement. " * 3
    book.wrap(text, 18, 400)
    book.set_scale(1.5)
    lines = book.wrap(text, 18, 400)
    assert len(lines) > 1 and all(book.width(line, 18) <= 400 for line in lines)


def test_no_screen_loads_scipy_when_it_opens():
    """scipy takes a second or more to import: only the score's interval needs it, in the replays' thread."""
    code = ("import sys; from game.scenes.registry import import_all; import_all(); "
            "import game.scoring, game.recording, game.trainer_start; print('scipy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT), "SDL_VIDEODRIVER": "dummy", "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_picker_opens_at_once_while_the_files_are_still_being_read(make_app, tmp_path, monkeypatch):
    from game import catalog
    from game.scenes.registry import make_scene

    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("delayed_flight.yaml", "vip_lounge.yaml"):
        shutil.copy(ROOT / "scenarios" / name, folder / name)
    release = threading.Event()
    real = catalog.load_scenario

    def slow(path):
        release.wait(30)  # a busy machine: reading the files takes as long as the test wants
        return real(path)

    monkeypatch.setattr(catalog, "load_scenario", slow)
    app = make_app(scenario_dir=folder)  # starts reading the folder in the background
    app.push(make_scene("title", app))
    picker = app.push(make_scene("picker", app))
    start = time.perf_counter()
    for _ in range(5):
        app.step(1 / 60)
    assert time.perf_counter() - start < 5  # frames went on while the files were being read
    assert picker.loading and picker.buttons.get("back") is not None
    release.set()
    deadline = time.monotonic() + 60
    while picker.loading and time.monotonic() < deadline:
        app.step(1 / 60)
        time.sleep(0.01)
    assert not picker.loading
    assert {entry.path.name for entry in picker.entries} == {"delayed_flight.yaml", "vip_lounge.yaml"}
    assert picker.buttons.get("scenario:delayed_flight.yaml") is not None


def test_the_picker_opened_again_reads_nothing(make_app, tmp_path, monkeypatch):
    from game import catalog
    from game.scenes.registry import make_scene

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "delayed_flight.yaml", folder / "delayed_flight.yaml")
    catalog.scan(folder)
    monkeypatch.setattr(catalog, "load_scenario", lambda path: pytest.fail(f"{path} read again"))
    app = make_app(scenario_dir=folder)
    picker = app.push(make_scene("picker", app))
    assert not picker.loading and [entry.path.name for entry in picker.entries] == ["delayed_flight.yaml"]


def test_screens_code_loads_the_trainees_screens_first_and_the_rest_only_when_the_screen_is_quiet(monkeypatch):
    """The other screens' code (the classroom's brings a network stack: a tenth of a second of importing)
    waits while a screen opens, so it does not slow the opening; the trainee's next screens never wait."""
    from game.scenes import registry

    steps = []
    monkeypatch.setattr(registry, "import_module", lambda name: steps.append(name.rsplit(".", 1)[1]))
    registry.import_all(lambda: steps.append("wait"))
    trainee = [registry.SCENES[name].split(":")[0] for name in registry.TRAINEE_PATH]
    assert steps[:len(trainee)] == trainee  # at once, in the order a trainee opens them
    rest = steps[len(trainee):]
    others = [entry.split(":")[0] for name, entry in registry.SCENES.items() if name not in registry.TRAINEE_PATH]
    assert rest == [step for module in others for step in ("wait", module)]  # each after a wait for quiet


def test_background_loading_waits_while_a_screen_opens(make_app):
    app = make_app()
    app.push(app_scene := _title(app))
    start = time.perf_counter()
    app._wait_for_quiet()
    from game.app import QUIET_AFTER_CHANGE_S

    assert time.perf_counter() - start >= QUIET_AFTER_CHANGE_S * 0.9
    assert app_scene is app.top
    start = time.perf_counter()
    app._wait_for_quiet()  # quiet now: no wait
    assert time.perf_counter() - start < QUIET_AFTER_CHANGE_S / 2


def _title(app):
    from game.scenes.registry import make_scene

    return make_scene("title", app)
