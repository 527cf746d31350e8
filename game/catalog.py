"""The scenario picker's list: every file in the scenarios folder, with its problems if it has any.

Each file is read and validated once; it is read again only when it changes (its modification time or
size). The game reads the folder in a background thread while the title is shown; a screen that lists
the scenarios asks :func:`scan_ready` first, which answers from what has been read (or None, without
reading anything), so opening the picker never freezes the game.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from sim import Scenario, UserError, load_scenario, text_in


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


def load_entry(path: Path) -> Entry:
    """Load one file (or reuse it while unchanged), keeping a readable error instead of raising."""
    try:
        stat = path.stat()
    except OSError as exc:
        return Entry(path, error=f"{path}: cannot be read ({exc.strerror})")
    key, stamp = path.resolve(), (stat.st_mtime_ns, stat.st_size)
    known = _LOADED.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        entry = Entry(path, scenario=load_scenario(path))
    except UserError as exc:
        entry = Entry(path, error=str(exc))
    _LOADED[key] = (stamp, entry)
    return entry


def _files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


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
    entries = []
    for path in _files(folder):
        try:
            stat = path.stat()
        except OSError:
            return None
        known = _LOADED.get(path.resolve())
        if known is None or known[0] != (stat.st_mtime_ns, stat.st_size):
            return None
        entries.append(known[1])
    return _in_order(entries)


def scan_in_background(folder: Path) -> threading.Thread:
    """Read ``folder``'s files in a thread (named so the game waits for it when it closes)."""
    thread = threading.Thread(target=scan, args=(folder,), name="scenario-catalog", daemon=True)
    thread.start()
    return thread


def find(folder: Path, scenario_id: str) -> Entry | None:
    """The file of the scenario with this id (its file name without extension) in ``folder``, if there is one."""
    for suffix in (".yaml", ".yml"):
        path = folder / f"{scenario_id}{suffix}"
        if path.is_file():
            return load_entry(path)
    return None
