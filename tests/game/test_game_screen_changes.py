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
    real = catalog._read_all

    def slow(paths):
        release.wait(30)  # a busy machine: reading the files takes as long as the test wants
        return real(paths)

    monkeypatch.setattr(catalog, "_read_in_a_process", slow)
    app = make_app(scenario_dir=folder)
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


def test_what_the_game_loads_is_left_out_of_the_collectors_full_passes():
    """A full collection walks every tracked object while the screen waits: with the scenarios, the
    screens' code and scipy loaded, 20-80 ms. Once loaded they are frozen, so a full pass walks only
    what was made since (a game's own process, as a player starts it)."""
    code = """
import gc, threading, time
from pathlib import Path
from game.app import App, Options
from game.heap import load_for_good
from game.scenes.registry import make_scene
app = App(Options(headless=True, sound=False, scenario_dir=Path("scenarios"), db=Path(DB)))
app.push(make_scene("title", app))
app.step(1 / 60)
for thread in threading.enumerate():
    if thread.name in ("scene-preload", "scenario-catalog"):
        thread.join(120)
load_for_good("scipy.stats")
import scipy.stats, game.scenes.debrief, game.catalog
loaded = [game.scenes.debrief.DebriefScene, scipy.stats.bootstrap, *game.catalog._LOADED.values()]
walked = {id(obj) for obj in gc.get_objects()}
print(gc.get_freeze_count(), len(walked), sum(id(obj) in walked for obj in loaded))
app.close()
"""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-c", code.replace("DB", repr(str(Path(folder) / "r.sqlite3")))],
                                capture_output=True, text=True, timeout=180, cwd=ROOT,
                                env={"PYTHONPATH": str(ROOT), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PATH": ""})
    assert result.returncode == 0, result.stderr
    frozen, walked, loaded_walked = map(int, result.stdout.split()[-3:])
    assert frozen > 100_000 and walked < frozen / 20  # a full pass walks a small part of what is alive
    assert loaded_walked == 0  # the screens' code, scipy and the scenarios read are all frozen


def test_each_load_is_settled_when_it_is_done(make_app, tmp_path, monkeypatch):
    """The scenarios once read, the screens' code once imported, a large library once imported: each is
    settled after its load (not before, when it is not there yet to freeze)."""
    from game import app as app_module, catalog, heap

    app = make_app()
    app._finish_background_work(60)  # the launch's own reading of the scenarios is over
    shutil.copy(ROOT / "scenarios" / "vip_lounge.yaml", tmp_path / "vip_lounge.yaml")
    steps = []
    monkeypatch.setattr(heap, "settle_once", lambda load, collect=False: steps.append(f"settle {load}"))
    monkeypatch.setattr(app_module, "import_all", lambda wait: steps.append("import screens"))
    monkeypatch.setattr(catalog, "_read_in_a_process", lambda paths: steps.append("read scenarios") or [])
    monkeypatch.setattr(heap, "import_module", lambda name: steps.append(f"import {name}"))
    catalog.scan_in_background(tmp_path).join(30)
    app._preload()
    heap.load_for_good("scipy.stats")
    assert steps == ["read scenarios", "settle scenarios", "import screens", "settle screens",
                     "import scipy.stats", "settle scipy.stats"]


def test_the_scenario_files_are_read_in_a_process_of_their_own_as_they_would_be_here(tmp_path, monkeypatch):
    """Validating the files is a fifth of a second of work kept off the game's interpreter: read in
    another process, each file gives the entry it gives when read here, a broken file its message; and
    when no process can be started the files are read here."""
    import multiprocessing

    from game import catalog

    shutil.copy(ROOT / "scenarios" / "vip_lounge.yaml", tmp_path / "vip_lounge.yaml")
    (tmp_path / "broken.yaml").write_text("meta: [unclosed\n", encoding="utf-8")
    paths = sorted(tmp_path.iterdir())
    here = catalog._read_all(paths)
    start = time.thread_time()
    elsewhere = catalog._read_in_a_process(paths)
    spent = time.thread_time() - start
    assert [(path, stamp, entry.error) for path, stamp, entry in elsewhere] == [(p, s, e.error) for p, s, e in here]
    assert elsewhere[1][2].scenario.model_dump() == here[1][2].scenario.model_dump() and here[0][2].error
    start = time.thread_time()
    catalog._read_all(paths * 5)
    assert spent < (time.thread_time() - start) / 2  # the work was done elsewhere, not by this thread

    def no_process(method):
        raise OSError("no processes here")

    monkeypatch.setattr(multiprocessing, "get_context", no_process)
    assert [entry.error for _, _, entry in catalog._read_in_a_process(paths)] == [entry.error for _, _, entry in here]


def test_the_pre_shift_decision_opens_the_frame_after_the_venue_is_first_drawn(make_app, flight):
    """Drawing the venue the first time and laying out a decision's dialog are each a screen of new text:
    in one frame they made the longest frame of a change of screen, so the dialog waits one frame."""
    from game.scenes.registry import make_scene
    from game.session import Session

    app = make_app(lang="zh")
    session = Session(flight, seed=1, speed=4)
    play = app.push(make_scene("play", app, session))
    app.step(1 / 60)
    assert session.run.pending is not None and app.top is play and play.frames_drawn == 1
    app.step(1 / 60)
    assert app.top.name == "dialog" and app.top.session is session


def test_a_new_training_session_opens_at_once_while_the_files_are_still_being_read(make_app, tmp_path, monkeypatch):
    """The new-session form listed the scenarios by reading them on the screen's thread (up to a second
    just after the launch); it now shows the form at once and the list when it is read."""
    from game import catalog
    from game.scenes.registry import make_scene

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "vip_lounge.yaml", folder / "vip_lounge.yaml")
    release = threading.Event()
    real = catalog._read_all
    monkeypatch.setattr(catalog, "_read_in_a_process", lambda paths: release.wait(30) and real(paths))
    app = make_app(scenario_dir=folder)
    form = app.push(make_scene("trainer_new_session", app))
    for _ in range(5):
        app.step(1 / 60)
    assert form.loading and form.buttons.get("cancel") is not None and not release.is_set()
    release.set()
    deadline = time.monotonic() + 60
    while form.loading and time.monotonic() < deadline:
        app.step(1 / 60)
        time.sleep(0.01)
    assert [entry.path.name for entry in form.entries] == ["vip_lounge.yaml"]
    assert form.buttons.get("scenario:vip_lounge") is not None


def test_a_fixed_step_run_waits_in_time_not_in_frames_while_the_files_are_read(make_app, tmp_path, monkeypatch):
    """Headless runs and demos step frames as fast as they can: waiting for the scenario files (read in
    another process, seconds on a busy machine) they used up their frame budget at the picker."""
    from game import catalog
    from game.scenes.registry import make_scene

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "vip_lounge.yaml", folder / "vip_lounge.yaml")
    real = catalog._read_all
    monkeypatch.setattr(catalog, "_read_in_a_process", lambda paths: time.sleep(1.0) or real(paths))
    app = make_app(scenario_dir=folder)
    picker = app.push(make_scene("picker", app))

    class QuitOnceListed:
        def before_frame(self, app):
            if not picker.loading:
                app.quit()

        def after_frame(self, app):
            pass

    app.run((QuitOnceListed(),), frame_dt=1 / 15, max_frames=300)  # the files take a second: ~100 frames of waiting
    assert not picker.loading and app.frame < 150
