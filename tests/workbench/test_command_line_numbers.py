"""Every number a planner types, however odd, ends in results or one clear message: exit 0 or 2, no traceback, no hang."""
from __future__ import annotations

import contextlib
import io
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import run_sim
from workbench_helpers import lounge_data, write_scenario

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 60  # a command that has not ended by then is hung

EDGE_NUMBERS = ["0", "-1", "-0", "nan", ".nan", "inf", ".inf", "-.inf", "1e300", "1.0e+300", "1e-300", "1.0e-300",
                str(2**63), str(10**8), "99999999999999999999", "", "abc", "[1, 2]", "{}", "null", "true", "0x10"]
plausible = st.one_of(st.integers(1, 6).map(str), st.floats(0.05, 0.95).map(lambda x: f"{x:.2g}"))
numbers = st.one_of(  # about half of the numbers are odd
    st.sampled_from(EDGE_NUMBERS), st.integers(-3, 90).map(str), st.floats(-5, 90, allow_nan=False).map(lambda x: f"{x:.3g}"),
    plausible, plausible, plausible,
)
# Finer blocks make a legitimately longer staffing search (one search dimension per block, with a
# progress bar), which is not what this test is after; odd block lengths are all in EDGE_NUMBERS.
block_lengths = st.one_of(st.sampled_from(EDGE_NUMBERS), st.sampled_from(["15", "20", "30", "60", "90"]))
SET_KEYS = ["operation.duration_min", "operation.days", "operation.warmup_min", "operation.service_level_threshold_min",
            "segments.guest.arrivals_per_hour", "segments.guest.service.time.mean", "segments.guest.patience_min.mean",
            "segments.guest.value", "staff.agent.count", "failures.categories.delivery_system",
            "word_of_mouth.dispersion", "recovery.escalation_delay_min"]


@pytest.fixture(scope="module")
def small_lounge(tmp_path_factory) -> Path:
    """One hour of a small lounge with failures: fast enough to run a few hundred times."""
    return write_scenario(tmp_path_factory.mktemp("numbers"), lounge_data(rates_per_hour=(20,), agents=2))


class Hung(Exception):
    pass


def run_bounded(argv: list[str]) -> tuple[int, str]:
    """Exit code and stderr of ``run_sim.py argv`` in this process; raise Hung after LIMIT_S seconds."""

    def give_up(*_):
        raise Hung(f"run_sim.py {' '.join(argv)} still running after {LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(LIMIT_S)
    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            try:
                code = run_sim.main(argv)
            except SystemExit as exit_:  # argparse's own refusals
                code = exit_.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, err.getvalue()


@st.composite
def command_lines(draw, scenario: Path) -> list[str]:
    command = draw(st.sampled_from(["run", "run", "sweep", "compare", "staff"]))
    argv = [command, str(scenario)]
    options = {
        "--seed": numbers, "--replications": numbers, "--workers": numbers,
        **({"--precision": numbers, "--max-replications": numbers} if command != "staff" else {"--block-min": block_lengths}),
        **({"--warmup": numbers} if command == "run" else {}),
    }
    for flag, values in options.items():
        if draw(st.integers(0, 3)) == 0:
            argv += [f"{flag}={draw(values)}"]
    if "--replications" not in " ".join(argv):
        argv += ["--replications=3"]  # keep the default workload small
    for key in draw(st.lists(st.sampled_from(SET_KEYS), max_size=2, unique=True)):
        argv += ["--set", f"{key}={draw(numbers)}"]
    if command == "sweep":
        argv += ["--param", f"staff.agent.count={draw(numbers)},{draw(numbers)}"]
    if command == "compare":
        argv += ["--policy", "standard_process", "--variant", f"staff.agent.count={draw(numbers)}"]
    if command == "staff":
        argv += ["--target", f"service_level>={draw(numbers)}"]
    return argv


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_any_numbers_end_in_results_or_one_clear_message(small_lounge, data):
    argv = data.draw(command_lines(small_lounge))
    code, err = run_bounded(argv)
    event(f"{argv[0]}: exit {code}")
    assert code in (0, 1, 2), (argv, code, err)  # 1: staff found no schedule that keeps its targets
    assert "Traceback" not in err, (argv, err)
    if code == 2:
        problems = [line for line in err.splitlines() if line.strip() and not line.startswith(("note:", "Try "))]
        assert problems, (argv, err)


@pytest.mark.parametrize("args,fragment", [
    (["run", "--seed", "-1"], "--seed: '-1' is not a seed"),
    (["sweep", "--seed=-1", "--param", "staff.teller.count=5,6"], "--seed: '-1' is not a seed"),
    (["compare", "--seed=-1", "--policy", "standard_process"], "--seed: '-1' is not a seed"),
    (["run", "--set", "operation.duration_min=.inf"], "finite number"),
    (["run", "--set", "operation.duration_min=1e300"], "less than or equal to"),
    (["run", "--set", "segments.regular.arrivals_per_hour=.inf"], "arrivals_per_hour"),
    (["run", "--set", "segments.priority.arrivals_per_hour=1.0e+12"], "customers would arrive in one replication"),
    (["run", "-r", "100000000"], "at most 100,000 replications per alternative"),
    (["run", "--precision", "0.01", "--max-replications", "100000000"], "--max-replications 100,000,000"),
    (["sweep", "--param", "staff.teller.count=1:60000", "-r", "30"], "replications in all"),
    (["staff", "--target", "service_level>=nan"], "write it as KPI>=VALUE"),
    (["staff", "--target", "service_level>=0.8", "--block-min", "1e-9"], "--block-min 1e-09: give a block length"),
    (["staff", "--target", "service_level>=0.8", "--block-min", "inf"], "block_min"),
    (["run", "--dask", "notanaddress"], "not a scheduler address"),
    (["run", "--dask", "tcp://127.0.0.1:9"], "cannot reach a Dask scheduler"),
])
def test_the_numbers_that_broke_commands_get_one_clear_message(args, fragment):
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=LIMIT_S)
    assert result.returncode == 2, result.stderr
    assert fragment in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 20  # the refusal comes at once, not after a long run or a hang


def test_more_workers_than_cores_run_on_the_cores_with_a_note(small_lounge, monkeypatch):
    monkeypatch.setattr("sim.experiments.parallel.default_workers", lambda: 2)
    code, err = run_bounded(["run", str(small_lounge), "-r", "4", "--workers", "24"])
    assert code == 0
    assert "note: --workers 24: this machine gives the run 2 core(s), so 2 worker process(es) run" in err


def test_a_large_batch_is_announced_with_its_time_and_memory(small_lounge, monkeypatch):
    monkeypatch.setattr("sim.experiments.workload.NOTE_RUNS", 40)
    code, err = run_bounded(["run", str(small_lounge), "-r", "40", "--workers", "1"])
    assert code == 0
    note = next(line for line in err.splitlines() if line.startswith("note: 40 replications"))
    assert "on one process" in note and "of results" in note


def test_a_staffing_target_no_block_of_the_day_measures_is_one_clear_message(small_lounge):
    """Found by the search above: a one-minute day has no block with customers, so the per-block target
    had no block to be judged in and the search ran with no target at all, into a traceback."""
    code, err = run_bounded(["staff", str(small_lounge), "--seed=1", "--replications=3", "--set", "operation.duration_min=1",
                             "--target", "service_level>=0"])
    assert code == 2 and "Traceback" not in err
    assert "--target service_level >= 0: this scenario never measures that KPI" in err
