"""SIGTERM and SIGHUP stop a parallel sweep the way Ctrl-C does: one line, and no process of it left behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def processes_of_session(session: int) -> list[int]:
    """Every live process of a session (the command, its forkserver, resource tracker and workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if fields[0] != "Z" and int(fields[3]) == session:  # state, ..., session id
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def start_parallel_sweep(lounge_file, tmp_path, *outputs: str) -> subprocess.Popen:
    """A two-worker sweep in a session of its own, returned once its worker processes are simulating."""
    command = subprocess.Popen(
        [sys.executable, str(ROOT / "run_sim.py"), "sweep", str(lounge_file), "--param", "staff.agent.count=3:12",
         "-r", "200", "--workers", "2", *outputs],
        cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    session = command.pid
    deadline = time.monotonic() + 60
    while len(processes_of_session(session)) < 4 and time.monotonic() < deadline:  # command, tracker, server, workers
        time.sleep(0.1)
    assert len(processes_of_session(session)) >= 4, "the sweep never started its worker processes"
    time.sleep(1.0)  # the workers are simulating
    return command


def wait_until_gone(session: int, seconds: float) -> list[int]:
    """The processes of ``session`` still alive after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while processes_of_session(session) and time.monotonic() < deadline:
        time.sleep(0.1)
    return processes_of_session(session)


def kill_session(session: int) -> None:
    """Never leave a stray process to the next test."""
    for pid in processes_of_session(session):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_ends_a_parallel_sweep_and_all_its_processes(lounge_file, tmp_path, stop):
    command = start_parallel_sweep(lounge_file, tmp_path, "--json", str(tmp_path / "sweep.json"))
    try:
        command.send_signal(stop)
        _, err = command.communicate(timeout=30)  # returns only once nothing holds the pipes any more
        assert command.returncode == 128 + stop
        assert f"stopped by {stop.name}" in err and "Traceback" not in err
        assert wait_until_gone(command.pid, 5) == []
    finally:
        kill_session(command.pid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_and_servers_of_a_killed_sweep_end_with_it(lounge_file, tmp_path):
    """SIGKILL cannot be caught: the worker processes watch the command and end when it is gone."""
    command = start_parallel_sweep(lounge_file, tmp_path)
    try:
        command.kill()
        command.wait(timeout=10)
        assert wait_until_gone(command.pid, 5) == []
    finally:
        kill_session(command.pid)
