"""Fixtures for the trainer records tests: records files, played sessions, a Ralph LRS on loopback
and a forwarding proxy that makes the first requests to it fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from trainer import ScenarioRef, TrainerRecords

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test modules import fault_lrs

LOOPBACK = "127.0.0.1"
LRS_USER, LRS_PASSWORD = "trainer", "correct-horse-battery"


class StepClock:
    """A clock that moves one second per reading, so timestamps are distinct and predictable."""

    def __init__(self, start: dt.datetime = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records.sqlite3"


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def file_hash():
    """sha256 of a file's bytes, to prove a file was left untouched."""
    return sha256_of


@pytest.fixture
def records(db_path: Path, clock: StepClock):
    with TrainerRecords.open(db_path, clock=clock) as opened:
        yield opened


SCENARIOS = (
    ScenarioRef("delayed_flight", {"en": "Delayed flight", "zh": "航班延误"}),
    ScenarioRef("vip_lounge", {"en": "Missed boarding call", "zh": "贵宾室误机"}),
)
BLAME = ("first_words", "blame_weather", {"en": "Blame the storm", "zh": "怪暴风雨"})
RULES = ("refusal", "company_rules", {"en": "\"Those are the company rules\"", "zh": "这是公司规定"})


@pytest.fixture
def scenarios() -> tuple[ScenarioRef, ...]:
    return SCENARIOS


@pytest.fixture
def play_turn():
    """A function that plays and records one whole turn (see `play`)."""
    return play


def play(records: TrainerRecords, trainee_id: int, scenario_id: str, choices, score=None, kpis=None) -> int:
    """Play a turn: each choice is (decision point, choice id, label, is_mistake); finish it if scored."""
    turn = records.start_turn(trainee_id, scenario_id, seed=7)
    for index, (point, choice, label, mistake) in enumerate(choices):
        records.record_decision(turn.id, sim_minute=5.0 * (index + 1), decision_point_id=point, choice_id=choice,
                                feedback_key=f"feedback.{choice}", is_mistake=mistake, choice_label=label)
        records.record_outcome(turn.id, sim_minute=5.0 * (index + 1) + 0.5, kind="mood",
                               data={"customer": "c1", "delta": -0.2 if mistake else 0.1})
    if score is not None:
        records.finish_turn(turn.id, score=score, kpis=kpis or {"satisfaction": score / 100, "cost": 40})
    return turn.id


@pytest.fixture
def played_session(records: TrainerRecords):
    """A session with three trainees: finished, repeated, unfinished and unplayed turns, some mistakes."""
    session = records.create_session("March cohort", "2025-03-14", SCENARIOS)
    ana = records.add_trainee(session.id, "Ana")
    bo = records.add_trainee(session.id, "Bo")
    records.add_trainee(session.id, "张伟")
    play(records, ana.id, "delayed_flight", [(*BLAME, True), ("offer", "meal_voucher", None, False)], score=40)
    play(records, ana.id, "delayed_flight", [("first_words", "apologise", None, False)], score=90,
         kpis={"satisfaction": 0.9, "cost": 15})
    play(records, ana.id, "vip_lounge", [(*RULES, True)])  # unfinished
    play(records, bo.id, "delayed_flight", [(*BLAME, True), (*RULES, True)], score=20)
    play(records, bo.id, "vip_lounge", [(*RULES, True)], score=55)
    return session


@dataclass
class LrsServer:
    """A running Ralph LRS: its xAPI address, credentials and the file its fs backend writes."""

    url: str
    port: int
    user: str
    password: str
    data_dir: Path

    def stored_ids(self) -> list[str]:
        """Every statement id in the backend's files, once per time it was written."""
        ids = []
        for file in self.data_dir.glob("*"):
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    ids.append(json.loads(line)["id"])
        return ids


@pytest.fixture
def faulty_proxy():
    """A factory for FaultyProxy instances that are stopped after the test."""
    started = []

    def start(upstream_port: int, mode: str, failures: int = 1) -> FaultyProxy:
        proxy = FaultyProxy(upstream_port, mode, failures).__enter__()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.__exit__()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nobody listens on."""
    return free_port()


@pytest.fixture(scope="session")
def ralph_lrs(tmp_path_factory):
    """Start Ralph on a free loopback port (once per test worker) and stop it afterwards.

    Credentials come from ``ralph auth``; the server is Ralph's application started by
    ralph_fs_lrs.py (see there why not ``ralph runserver``).
    """
    ralph = shutil.which("ralph", path=str(Path(sys.executable).parent)) or shutil.which("ralph")
    if ralph is None:
        pytest.skip("Ralph is not installed: pip install 'ralph-malph[lrs,cli]' to run the LRS tests")
    root = tmp_path_factory.mktemp("ralph")
    app_dir, data_dir = root / "app", root / "data"
    for folder in (app_dir, data_dir):
        folder.mkdir()
    env = {**os.environ, "RALPH_APP_DIR": str(app_dir), "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data_dir)}
    printed = subprocess.run(
        [ralph, "auth", "-u", LRS_USER, "-p", LRS_PASSWORD, "-s", "all", "-M", f"mailto:{LRS_USER}@example.org"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    credentials = json.loads(printed[printed.index("{"):])
    (app_dir / "auth.json").write_text(json.dumps([credentials]), encoding="utf-8")
    port = free_port()
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("ralph_fs_lrs.py")), LOOPBACK, str(port)],
            env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_for_http(f"http://{LOOPBACK}:{port}/__lbheartbeat__", server, log_path)
        yield LrsServer(f"http://{LOOPBACK}:{port}/xAPI", port, LRS_USER, LRS_PASSWORD, data_dir)
    finally:
        _stop_group(server)


def _wait_for_http(url: str, server: subprocess.Popen, log_path: Path, limit_seconds: float = 45.0) -> None:
    import requests

    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Ralph stopped at start-up:\n{log_path.read_text(errors='replace')}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Ralph did not answer within {limit_seconds} s:\n{log_path.read_text(errors='replace')}")


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, with any children it spawned."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class FaultyProxy:
    """A loopback HTTP forwarder whose first `failures` requests fail in one way.

    mode "drop_request": the request is read and the connection closed; the LRS never sees it.
    mode "drop_response": the request reaches the LRS (and is stored) but its answer is lost.
    """

    def __init__(self, upstream_port: int, mode: str, failures: int = 1) -> None:
        assert mode in ("drop_request", "drop_response")
        self.upstream_port, self.mode, self.failures = upstream_port, mode, failures
        self.requests = 0
        self.forwarded = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = socketserver.ThreadingTCPServer((LOOPBACK, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str = "/xAPI") -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def __enter__(self) -> "FaultyProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handle(self, client: socket.socket) -> None:
        client.settimeout(5)
        request = _read_http_request(client)
        if request is None:
            return
        with self._lock:
            self.requests += 1
            failing = self.requests <= self.failures
        if failing and self.mode == "drop_request":
            return  # closing without an answer
        response = self._forward(request)
        with self._lock:
            self.forwarded += 1
        if failing:
            return  # the LRS stored it; the client never hears so
        client.sendall(response)

    def _forward(self, request: bytes) -> bytes:
        head, _, body = request.partition(b"\r\n\r\n")
        lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
        upstream_request = b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n" + body
        with socket.create_connection((LOOPBACK, self.upstream_port), timeout=10) as upstream:
            upstream.sendall(upstream_request)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _read_http_request(client: socket.socket) -> bytes | None:
    """Read one HTTP/1.1 request with a Content-Length body (all the LRS client sends)."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                return None
            body += chunk
    except OSError:
        return None
    return head + b"\r\n\r\n" + body
