"""The scenario picker's list: every file in the scenarios folder, with its problems if it has any.

Each file is read and validated once; it is read again only when it changes (its modification time or
size). The game reads the folder in a background thread while the title is shown; a screen that lists
the scenarios asks :func:`scan_ready` first, which answers from what has been read (or None, without
reading anything), so opening the picker never freezes the game.
"""
from __future__ import annotations

import math
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sim import Scenario, UserError, load_scenario, text_in

from . import heap


def default_scenario_dir() -> Path:
    """``scenarios/`` of the checkout the game runs from, else of the current folder."""
    here = Path(__file__).resolve().parent.parent / "scenarios"
    return here if here.is_dir() else Path.cwd() / "scenarios"


@dataclass
class Entry:
    """One scenario file: the validated scenario, or the message explaining why it cannot be read."""

    path: Path
    scenario: Scenario | None = None
    error: str | None = None

    @property
    def playable(self) -> bool:
        return self.scenario is not None and getattr(self.scenario, "exercise", None) is not None

    def title(self, lang: str) -> str:
        return text_in(self.scenario.meta.title, lang) if self.scenario else self.path.name

    def summary(self, lang: str) -> str:
        return text_in(self.scenario.meta.summary, lang) if self.scenario else ""

    @property
    def difficulty(self) -> str:
        return self.scenario.meta.difficulty if self.scenario else ""

    @property
    def real_minutes(self) -> int:
        """Minutes of real time the exercise takes at 1x speed."""
        exercise = self.scenario.exercise
        end = exercise.end_min if exercise.end_min is not None else self.scenario.operation.horizon_min
        return max(1, math.ceil((end - exercise.start_min) / exercise.time_scale / 60))


_LOADED: dict[Path, tuple[tuple[int, int], Entry]] = {}  # file -> (its modification time and size, the entry)
_READING = threading.Lock()  # one scan reads files at a time; another waits and then finds them read


def _stamp(path: Path) -> tuple[int, int]:
    """What tells that a file has changed: its modification time and size (OSError when it cannot be read)."""
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _read(path: Path) -> tuple[tuple[int, int] | None, Entry]:
    """A file's stamp (None: unreadable, so not kept) and its entry, read now."""
    try:
        stamp = _stamp(path)
    except OSError as exc:
        return None, Entry(path, error=f"{path}: cannot be read ({exc.strerror})")
    try:
        return stamp, Entry(path, scenario=load_scenario(path))
    except UserError as exc:
        return stamp, Entry(path, error=str(exc))


def _read_all(paths: list[Path]) -> list[tuple[Path, tuple[int, int] | None, Entry]]:
    """:func:`_read` for each file (what the reader process does)."""
    return [(path, *_read(path)) for path in paths]


def _keep(read: list[tuple[Path, tuple[int, int] | None, Entry]]) -> None:
    for path, stamp, entry in read:
        if stamp is not None:
            _LOADED[path.absolute()] = (stamp, entry)


def _is_known(path: Path) -> bool:
    """The file has been read and has not changed since."""
    known = _LOADED.get(path.absolute())
    try:
        return known is not None and known[0] == _stamp(path)
    except OSError:
        return False


def load_entry(path: Path) -> Entry:
    """Load one file (or reuse it while unchanged), keeping a readable error instead of raising."""
    if _is_known(path):
        return _LOADED[path.absolute()][1]
    read = _read_all([path])
    _keep(read)
    return read[0][2]


def _files(folder: Path) -> list[Path]:
    """The folder's scenario files by full path: the folder is resolved once, so looking a file up costs
    no calls to the system (each lets a background thread take the interpreter from the screen)."""
    return sorted(path for path in folder.resolve().iterdir() if path.suffix in (".yaml", ".yml"))


def _in_order(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (not e.playable, e.error is not None, e.path.name))


def scan(folder: Path) -> list[Entry]:
    """Every ``*.yaml`` / ``*.yml`` file of ``folder``, playable ones first, then by file name."""
    if not folder.is_dir():
        return []
    with _READING:
        return _in_order([load_entry(path) for path in _files(folder)])


def scan_ready(folder: Path) -> list[Entry] | None:
    """What :func:`scan` would return, when every file of ``folder`` has been read and is unchanged since;
    None when one still has to be read (nothing is read here: it only looks at the files' dates and sizes)."""
    if not folder.is_dir():
        return []
    files = _files(folder)
    if not all(_is_known(path) for path in files):
        return None
    return _in_order([_LOADED[path][1] for path in files])


def ready_or_reading(folder: Path) -> list[Entry] | None:
    """:func:`scan_ready`; when a file still has to be read, the reading starts in the background. A screen
    listing the scenarios calls this when it opens, then :func:`scan_ready` each frame until it answers."""
    entries = scan_ready(folder)
    if entries is None:
        scan_in_background(folder)
    return entries


def read_elsewhere(folder: Path) -> None:
    """Read the files of ``folder`` not read yet (or changed since) in a process of their own, and keep
    them: validating a scenario is a fifth of a second of work that, in a thread of the game's own
    process, would share the interpreter with the screen. Read here when no process can be started.
    The scenarios read first stay for the game's life (see :mod:`game.heap`)."""
    if folder.is_dir():
        with _READING:
            unread = [path for path in _files(folder) if not _is_known(path)]
            if unread:
                _keep(_read_in_a_process(unread))
    heap.settle_once("scenarios")


def _read_in_a_process(paths: list[Path]) -> list[tuple[Path, tuple[int, int] | None, Entry]]:
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as reader:
            return reader.submit(_read_all, paths).result()
    except Exception:  # noqa: BLE001  (no process to be had, or it died: read the files here instead)
        return _read_all(paths)


def scan_in_background(folder: Path) -> threading.Thread:
    """Read ``folder``'s files (:func:`read_elsewhere`) from a thread, named so the game waits for it when it closes."""
    thread = threading.Thread(target=read_elsewhere, args=(folder,), name="scenario-catalog", daemon=True)
    thread.start()
    return thread


def find(folder: Path, scenario_id: str) -> Entry | None:
    """The file of the scenario with this id (its file name without extension) in ``folder``, if there is one."""
    for suffix in (".yaml", ".yml"):
        path = folder / f"{scenario_id}{suffix}"
        if path.is_file():
            return load_entry(path)
    return None
