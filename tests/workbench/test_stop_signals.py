"""SIGTERM and SIGHUP stop a parallel sweep the way Ctrl-C does: one line, and no process of it left behind."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from workbench_helpers import lounge_data, write_scenario

import sim

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


def read_progress_until(command: subprocess.Popen, done: int) -> str:
    """Read the command's progress lines ("...: N/TOTAL replications, ..." or "N replications") until N reaches ``done``."""
    seen = ""
    for line in command.stderr:
        seen += line
        match = re.search(r": (\d+)(?:/\d+)? replications", line)
        if match and int(match[1]) >= done:
            return seen
    raise AssertionError(f"the command ended before {done} replications:\n{seen}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_a_stopped_sweep_writes_the_points_it_finished_marked_incomplete(tmp_path):
    """SIGTERM mid-sweep: the finished points are written (exactly what an uninterrupted sweep gives for
    them), the files say they are incomplete, stderr says so, and the exit code is the signal's."""
    # long enough (2.4 M customers) that a progress line, printed every LOG_EVERY_S, comes mid-sweep on any machine
    scenario = write_scenario(tmp_path, lounge_data(rates_per_hour=(50,) * 12))
    out = {name: tmp_path / name for name in ("sweep.json", "sweep.csv", "report")}
    command = subprocess.Popen(
        [sys.executable, str(ROOT / "run_sim.py"), "sweep", str(scenario), "--param", "staff.agent.count=3:12",
         "-r", "400", "--workers", "2", "--json", str(out["sweep.json"]), "--csv", str(out["sweep.csv"]),
         "--report", str(out["report"])],
        cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        read_progress_until(command, 1200)  # three points' worth: the first two have surely finished
        command.send_signal(signal.SIGTERM)
        _, err = command.communicate(timeout=180)  # writing the outputs on a busy machine
        assert command.returncode == 128 + signal.SIGTERM, err
        assert "stopped by SIGTERM" in err and "incomplete:" in err and "Traceback" not in err
        saved = json.loads(out["sweep.json"].read_text())
        finished = saved["points"]
        assert saved["complete"] is False and saved["planned_points"] == 10 and 2 <= len(finished) < 10
        assert [p["settings"]["staff.agent.count"] for p in finished] == list(range(3, 3 + len(finished)))
        assert all(p["replications"] == 400 for p in finished)
        lines = out["sweep.csv"].read_text().splitlines()
        assert lines[0].startswith("# INCOMPLETE") and len(lines) == 2 + len(finished)
        assert "INCOMPLETE" in (out["report"] / "index.html").read_text()
        first = sim.replicate(sim.load_scenario(scenario, {"staff.agent.count": 3}), 400, 0, workers=1)
        assert finished[0]["kpis"]["mean_wait_min"]["mean"] == pytest.approx(first.kpis["mean_wait_min"]["mean"], rel=1e-12)
        assert wait_until_gone(command.pid, 5) == []
    finally:
        kill_session(command.pid)


def test_an_interrupted_run_writes_the_replications_it_finished(tmp_path):
    """Ctrl-C during `run`: the JSON holds the first replications that finished, marked incomplete."""
    scenario = write_scenario(tmp_path, lounge_data(rates_per_hour=(50,) * 6))
    command = subprocess.Popen(
        [sys.executable, str(ROOT / "run_sim.py"), "run", str(scenario), "-r", "1000", "--workers", "1",
         "--json", str(tmp_path / "run.json")],
        cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        read_progress_until(command, 20)
        command.send_signal(signal.SIGINT)
        out, err = command.communicate(timeout=180)  # writing the outputs on a busy machine
        assert command.returncode == 130, err
        assert "interrupted" in err and "incomplete: " in err and "Traceback" not in err
        saved = json.loads((tmp_path / "run.json").read_text())
        assert saved["complete"] is False and 20 <= saved["replications"] < 1000
        assert "INCOMPLETE" in out
    finally:
        kill_session(command.pid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_a_stopped_staffing_search_ends_like_a_stopped_sweep(tmp_path):
    """The search has no schedule to trust until it is done: it writes nothing, says why it ended, leaves nothing."""
    scenario = write_scenario(tmp_path, lounge_data(rates_per_hour=(50,) * 6))
    command = subprocess.Popen(
        [sys.executable, str(ROOT / "run_sim.py"), "staff", str(scenario), "--target", "service_level>=0.9", "-r", "400",
         "--workers", "2", "--json", str(tmp_path / "staff.json")],
        cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        read_progress_until(command, 40)
        command.send_signal(signal.SIGHUP)
        _, err = command.communicate(timeout=180)
        assert command.returncode == 128 + signal.SIGHUP, err
        assert "stopped by SIGHUP" in err and "Traceback" not in err
        assert not (tmp_path / "staff.json").exists()
        assert wait_until_gone(command.pid, 5) == []
    finally:
        kill_session(command.pid)


def test_a_stopped_run_ends_even_when_a_thread_it_leaves_waits_for_ever(tmp_path):
    """Seen once in many runs: after "stopped by SIGHUP" the process did not end, its exit waiting for a
    thread. Whatever a stop leaves waiting, the run ends within the grace period, with the signal's code."""
    script = tmp_path / "stuck.py"
    script.write_text(f"""
import os, signal, sys, threading, time
sys.path.insert(0, {str(ROOT)!r})
import run_sim
run_sim.STOP_GRACE_S = 1.0

def stuck(args):
    threading.Thread(target=threading.Event().wait, name="waits-for-ever").start()  # not a daemon: exit waits for it
    os.kill(os.getpid(), signal.SIGHUP)
    time.sleep(30)

run_sim.cmd_run = stuck
sys.exit(run_sim.main(["run"]))
""", encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 128 + signal.SIGHUP and "stopped by SIGHUP" in result.stderr, result.stderr
    assert time.monotonic() - started < 25  # the grace period (1 s here), not the 30 s sleep nor for ever


def test_a_stop_signal_raised_inside_a_simulation_comes_out_as_itself():
    """SimPy re-raises what ends a process as ``type(e)(*e.args)``: the stop must survive that, signal and all."""
    import simpy

    from sim.interrupts import Interrupted

    env = simpy.Environment()

    def serving():
        yield env.timeout(1)
        raise Interrupted(signal.SIGTERM)

    env.process(serving())
    with pytest.raises(Interrupted) as caught:
        env.run()
    assert caught.value.signum == signal.SIGTERM and str(caught.value) == "SIGTERM"


def test_a_run_in_one_process_stopped_mid_simulation_ends_like_any_stopped_run(tmp_path):
    """With `--workers 1` the model runs in the command's own process, so SIGTERM lands inside a SimPy
    process: one line, the signal's exit code, no traceback."""
    script = tmp_path / "stopped.py"
    script.write_text(f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
import run_sim
from sim.model.staffing import StaffPool

work = StaffPool.work

def work_then_stop(self, now, delta):
    os.kill(os.getpid(), signal.SIGTERM)  # handled at the next instruction: inside the model's process
    work(self, now, delta)

StaffPool.work = work_then_stop
sys.exit(run_sim.main(["run", "-r", "3", "--workers", "1"]))
""", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert "stopped by SIGTERM" in result.stderr and "Traceback" not in result.stderr
