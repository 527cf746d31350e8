"""Fixtures for classroom tests: a records file with a session, a classroom served on loopback, consoles."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from trainer import TrainerRecords
from trainer.classroom.limits import Limits
from trainer.classroom.link import LinkThread, new_id
from trainer.classroom.records import Classroom, ClassroomRecords
from trainer.classroom.server import ClassroomServer, load_facts

SCENARIO_ID = "delayed_flight"  # short, cheap to simulate, three decision points and four injects
REPO = Path(__file__).resolve().parents[2]
SCENARIO_FILE = REPO / "scenarios" / f"{SCENARIO_ID}.yaml"


@dataclass
class Room:
    """A session with a classroom in a fresh records file."""

    path: Path
    records: TrainerRecords
    classroom: Classroom
    scenario: Any
    facts: Any

    def server(self, limits: Limits = Limits()) -> ClassroomServer:
        return ClassroomServer(self.records, self.classroom, self.facts, limits)


@pytest.fixture
def room(tmp_path) -> Room:
    path = tmp_path / "records.sqlite3"
    records = TrainerRecords.open(path)
    session = records.create_session("Classroom test", "2026-03-14", [SCENARIO_ID])
    scenario, facts = load_facts(SCENARIO_FILE)
    classroom = ClassroomRecords(records).open_classroom(session, SCENARIO_ID, seed=3)
    yield Room(path, records, classroom, scenario, facts)
    records.close()


class Console:
    """The trainer's console on its own thread (as on its own computer): every board with its arrival time."""

    def __init__(self, url: str, code: str):
        self.boards: list[tuple[float, dict]] = []  # (wall-clock arrival, board)
        self.others: list[dict] = []
        self.link = LinkThread(url, {"type": "hello", "role": "console", "code": code, "client": new_id()},
                               on_message=self._arrived)

    def _arrived(self, message: dict) -> None:
        if message.get("type") == "board":
            self.boards.append((time.time(), message))
        else:
            self.others.append(message)

    def command(self, action: str, **fields) -> None:
        self.link.send({"type": "command", "action": action, **fields})

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until every command was acknowledged (or refused)."""
        stop = time.monotonic() + timeout
        while (not self.link.connected or self.link.link.unacknowledged) and time.monotonic() < stop:
            await asyncio.sleep(0.02)
        assert self.link.link.unacknowledged == 0

    async def close(self) -> None:
        await asyncio.to_thread(self.link.close)


async def open_console(url: str, code: str) -> Console:
    console = Console(url, code)
    stop = time.monotonic() + 10
    while not console.link.connected and time.monotonic() < stop:
        await asyncio.sleep(0.02)
    assert console.link.connected
    return console


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServedClassroom:
    """``srl-trainer serve`` running in its own process, as on the trainer's computer."""

    def __init__(self, db: Path, session: str, port: int):
        self.db, self.session, self.port = db, session, port
        self.process: subprocess.Popen | None = None
        self.join_code = self.console_code = ""

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> "ServedClassroom":
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trainer", "--db", str(self.db), "serve", "--session", self.session,
             "--port", str(self.port)], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in self.process.stdout:
            if line.startswith("Join code:"):
                self.join_code = line.split(":", 1)[1].strip()
            elif line.startswith("Projector:"):
                self.console_code = line.rsplit("key=", 1)[1].strip()
            elif line.startswith("Every event"):
                return self
        raise AssertionError(f"the server did not start: {self.process.stderr.read()}")

    def kill(self) -> None:
        """Kill the server outright (no clean shutdown), as a crash or a pulled plug would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process is not None:
            self.process.stdout.close()
            self.process.stderr.close()


@pytest.fixture
def served(room):
    """The room's classroom served by a separate process; stopped at the end of the test."""
    server = ServedClassroom(room.path, "Classroom test", free_port())
    yield server
    server.stop()


class ThreadedServer:
    """The classroom server on its own thread and event loop, so a plain (blocking) test can talk to it."""

    def __init__(self, room, limits: Limits = Limits(), port: int = 0):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = room.server(limits)
        self.port = asyncio.run_coroutine_threadsafe(self.server.start("127.0.0.1", port), self.loop).result(10)
        self.url = f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def close_apps(*apps) -> None:
    """Close the games of a test and every classroom link their scenes (or their rooms) still hold."""
    for app in apps:
        for scene in app.stack:
            for holder in (scene, getattr(scene, "room", None)):
                link = getattr(holder, "link", None)
                if link is not None:
                    link.close()
        app.close()
