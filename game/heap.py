"""Short collector pauses: what the game loads to keep is taken out of the garbage collector's full passes.

A full collection walks every object the interpreter tracks, and the thread that runs it holds the
interpreter meanwhile, so the screen waits too: with the scenarios, the screens' code, scipy and
matplotlib loaded, that is 20-80 ms, several times a minute. These stay for the whole game, so once
each is loaded it is frozen (:func:`gc.freeze`): later collections only walk what was made since,
which is what can become garbage. Each load is settled once per process, so what is garbage at that
moment and frozen with it stays bounded.
"""
from __future__ import annotations

import gc
import threading
from importlib import import_module
from types import ModuleType

_SETTLED: set[str] = set()  # the loads already settled
_LOCK = threading.Lock()


def settle_once(load: str, collect: bool = False) -> None:
    """The first time ``load`` (the launch, the scenarios, the screens' code, a library) is done: leave
    everything alive now out of later collections. ``collect`` frees what is garbage already first (a
    full pass: only before the first frame, never while a screen is shown)."""
    with _LOCK:
        if load in _SETTLED:
            return
        _SETTLED.add(load)
        if collect:
            gc.collect()
        gc.freeze()


def load_for_good(name: str) -> ModuleType:
    """Import module ``name`` (a large library, loaded on first use, off the screen's thread) and settle it."""
    module = import_module(name)
    settle_once(name)
    return module
