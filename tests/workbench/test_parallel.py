"""Serial, local-process and Dask runs give the same numbers for the same seed."""
from __future__ import annotations

import pytest
from workbench_helpers import same_numbers

import sim
from sim.errors import UserError
from sim.experiments.parallel import Runner, Variant, _chunks, default_workers
from sim.experiments.replications import replicate
from sim.experiments.sweep import sweep


def test_chunks_cover_every_task_once_in_order():
    tasks = list(range(23))
    for pieces in (1, 2, 5, 8, 23, 40):
        chunks = _chunks(tasks, pieces)
        assert [t for chunk in chunks for t in chunk] == tasks
        assert len(chunks) <= pieces


def test_default_workers_is_the_cores_this_process_may_use():
    import os

    assert default_workers() == len(os.sched_getaffinity(0))


def test_replicate_is_identical_in_one_process_and_in_two(lounge):
    serial = replicate(lounge, 12, seed=5, workers=1)
    parallel = replicate(lounge, 12, seed=5, workers=2)
    assert same_numbers(serial.runs, parallel.runs)
    assert same_numbers(serial.kpis, parallel.kpis)


def test_stop_when_precise_stops_at_the_same_count_whatever_the_workers(lounge):
    options = dict(precision=0.1, kpis=["service_level", "mean_wait_min"], max_replications=400)
    serial = replicate(lounge, 4, seed=2, workers=1, **options)
    parallel = replicate(lounge, 4, seed=2, workers=2, **options)
    assert serial.replications == parallel.replications > 4
    assert same_numbers(serial.runs, parallel.runs)


def test_runner_returns_results_in_submission_order(lounge):
    other = sim.load_scenario_text(lounge.model_dump_json())  # same scenario, another seed below
    tasks = [(Variant(lounge, 1), 3), (Variant(other, 9), 0), (Variant(lounge, 1), 0), (Variant(other, 9), 3)]
    with Runner(workers=2) as runner:
        together = runner.run(tasks)
    alone = [Runner(workers=1).run([task])[0] for task in tasks]
    assert same_numbers(together, alone)
    assert not same_numbers(together[0], together[2])  # different replications really differ


@pytest.fixture(scope="module")
def dask_address():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def test_serial_local_processes_and_dask_give_identical_sweeps(lounge, dask_address):
    params = ["staff.agent.count=4:6", "recovery.empowerment=low,high"]
    serial = sweep(lounge, params, 6, seed=11, workers=1)
    local = sweep(lounge, params, 6, seed=11, workers=2)
    with Runner(dask=dask_address) as runner:
        assert "Dask cluster" in runner.description
        on_dask = sweep(lounge, params, 6, seed=11, runner=runner)
    assert same_numbers(serial.to_dict(), local.to_dict())
    assert same_numbers(serial.to_dict(), on_dask.to_dict())
    assert len(serial.points) == 6


def test_an_unreachable_dask_scheduler_is_a_user_error(monkeypatch):
    monkeypatch.setattr("sim.experiments.parallel.DASK_CONNECT_TIMEOUT_S", 1)
    with pytest.raises(UserError, match=r"--dask tcp://127\.0\.0\.1:9: cannot reach a Dask scheduler"):
        Runner(dask="tcp://127.0.0.1:9")


def test_zero_workers_is_a_user_error():
    with pytest.raises(UserError, match="--workers 0"):
        Runner(workers=0)
