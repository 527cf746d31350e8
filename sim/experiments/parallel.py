"""Run replications in this process, across local worker processes, or on a Dask cluster.

A replication's result depends only on its scenario, seed, replication index and policy (see
``random_streams``), and results come back in the order they were asked for, so every backend and
every number of workers gives the same numbers. Replications are sent in chunks so that the cost of
shipping work to another process stays small next to the work itself, yet small enough that progress
is reported in steps of a few per cent.
"""
from __future__ import annotations

import multiprocessing
import os
import select
import socket
import threading
import warnings
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from ..errors import UserError, UserNote
from ..interrupts import Incomplete
from ..exercise.runtime import run_once
from ..scenario import Scenario

CHUNKS_PER_WORKER = 4  # enough chunks to balance uneven work, few enough to keep overhead low
PROGRESS_STEPS = 50  # up to this many chunks, so progress moves in steps of 2 % or less
DASK_PROBE_TIMEOUT_S = 3  # an address that does not answer a connection within this is reported as unreachable
DASK_CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Variant:
    """One alternative to simulate: a scenario, the seed of its random numbers, and a policy name (or None)."""

    scenario: Scenario
    seed: int = 0
    policy: str | None = None


Task = tuple[Variant, int]
"""One replication to run: the variant and the replication index."""


def run_replication(variant: Variant, replication: int) -> dict[str, float]:
    """KPIs of one replication of ``variant``."""
    return run_once(variant.scenario, variant.seed, replication, policy=variant.policy)


def run_chunk(chunk: Sequence[Task]) -> list[dict[str, float]]:
    """KPIs of a chunk of replications, in order; the unit of work sent to a worker."""
    return [run_replication(variant, replication) for variant, replication in chunk]


def default_workers() -> int:
    """The number of cores this process may use."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return max(1, counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def exit_with_parent(parent_pid: int) -> None:
    """In a worker process: end it as soon as the command that started it is gone, however it ended.

    A command killed outright (SIGKILL, an out-of-memory kill) cannot stop its workers; without this
    they would simulate on for minutes, holding the resource tracker and the caller's pipes. A
    daemon thread waits for ``parent_pid`` to end (a pidfd where the system has one, else a check
    every half second) and ends this process at once.
    """

    def parent_alive() -> bool:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # it exists, under another user: not our parent's pid reused by us
        return True

    def watch() -> None:
        try:
            handle = os.pidfd_open(parent_pid)
        except (AttributeError, OSError):
            handle = None
        if handle is not None:
            select.select([handle], [], [])  # readable once the process has ended
        else:
            while parent_alive():
                threading.Event().wait(0.5)
        os._exit(1)

    if not parent_alive():
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _process_context() -> multiprocessing.context.BaseContext:
    """A start method that is safe with threads: forkserver (model code preloaded) where it exists, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _connect_dask(address: str) -> Any:
    """A client of the scheduler at ``address``, or a UserError within seconds when there is none to reach.

    The address is parsed and its port probed first: a refused, unknown or silent address is reported
    without ever building a client (a half-built one takes long to give up).
    """
    try:
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise UserError("--dask needs dask.distributed; install it with: pip install 'dask[distributed]'") from None
    hint = f"start one with `dask scheduler` (and workers with `dask worker {address}`), or check the address"
    try:
        host, port = get_address_host_port(address)
    except (ValueError, TypeError):
        raise UserError(f"--dask {address}: not a scheduler address; write it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786") from None
    try:
        socket.create_connection((host, port), timeout=DASK_PROBE_TIMEOUT_S).close()
    except (OSError, OverflowError, ValueError) as exc:
        reason = "no answer" if isinstance(exc, TimeoutError) else getattr(exc, "strerror", None) or exc.__class__.__name__
        raise UserError(f"--dask {address}: cannot reach a Dask scheduler there ({reason}); {hint}") from None

    class QuietClient(Client):
        """A client that, when its construction failed, gives up at once instead of retrying its close."""

        def __del__(self) -> None:
            try:
                self.close(timeout=1)
            except Exception:  # noqa: BLE001 - a half-built client has nothing left worth reporting
                pass

    try:
        return QuietClient(address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s", set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - whatever answered there, it is not a Dask scheduler
        raise UserError(f"--dask {address}: something answers there, but not a Dask scheduler "
                        f"({exc.__class__.__name__}); {hint}") from None


def _chunks(tasks: Sequence[Task], pieces: int) -> list[list[Task]]:
    size = max(1, -(-len(tasks) // max(pieces, 1)))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


class Runner:
    """Where replications run: ``workers=1`` in this process, more in local processes, or ``dask=`` a cluster.

    ``dask`` is a scheduler address (``tcp://host:port``) or a connected ``distributed.Client``.
    Use it as a context manager so worker processes and connections are released.
    """

    def __init__(self, workers: int | None = None, dask: Any = None):
        if workers is not None and workers < 1:
            raise UserError(f"--workers {workers}: give 1 or more worker processes (default: the cores available)")
        cores = default_workers()
        if workers is not None and workers > cores and dask is None:
            warnings.warn(UserNote(f"--workers {workers}: this machine gives the run {cores} core(s), so {cores} "
                                   f"worker process(es) run; more would only take turns on the same cores"), stacklevel=2)
        self.workers = min(workers or cores, cores)
        self._client: Any = None
        self._own_client = False
        self._pool: ProcessPoolExecutor | None = None
        if isinstance(dask, str):
            self._client, self._own_client = _connect_dask(dask), True
        elif dask is not None:
            self._client = dask
        if self._client is not None:
            self.workers = max(1, sum(self._client.nthreads().values()))

    @property
    def description(self) -> str:
        """Where the work runs, for progress lines and reports."""
        if self._client is not None:
            return f"Dask cluster at {self._client.scheduler.address} ({self.workers} worker threads)"
        return "this process" if self.workers == 1 else f"{self.workers} local processes"

    def run(self, tasks: Sequence[Task], on_progress: Callable[[int], None] | None = None) -> list[dict[str, float]]:
        """KPIs of every task, in the order of ``tasks``; ``on_progress(done)`` after each finished chunk.

        An interrupt raises :class:`Incomplete` whose ``partial`` holds each task's KPIs, None where
        the task had not finished.
        """
        tasks = list(tasks)
        chunks = _chunks(tasks, max(self.workers * CHUNKS_PER_WORKER, min(len(tasks), PROGRESS_STEPS)))
        results: list[list[dict[str, float]] | None] = [None] * len(chunks)
        try:
            if self._client is not None:
                self._run_dask(chunks, results, on_progress)
            elif self.workers == 1 or len(chunks) == 1:
                self._run_here(chunks, results, on_progress)
            else:
                self._run_pool(chunks, results, on_progress)
        except KeyboardInterrupt as stop:
            finished = [kpis for chunk, done in zip(chunks, results) for kpis in (done or [None] * len(chunk))]
            raise Incomplete(finished, stop) from None
        return [kpis for chunk in results for kpis in chunk]

    def _run_here(self, chunks: list[list[Task]], results: list, on_progress) -> None:
        done = 0
        for index, chunk in enumerate(chunks):
            results[index] = run_chunk(chunk)
            done += len(chunk)
            if on_progress:
                on_progress(done)

    def _run_pool(self, chunks: list[list[Task]], results: list, on_progress) -> None:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_process_context(),
                                             initializer=exit_with_parent, initargs=(os.getpid(),))
        done = 0
        try:  # a stop may come while the chunks are handed out, too
            futures: dict[Future, int] = {self._pool.submit(run_chunk, chunk): i for i, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                done += len(chunks[index])
                if on_progress:
                    on_progress(done)
        except BaseException:
            self._stop_pool()  # an error or an interrupt: the chunks still running are of no use
            raise

    def _stop_pool(self) -> None:
        """End the worker processes now, without waiting for the chunks they are running."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor offers no public handle
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)

    def _run_dask(self, chunks: list[list[Task]], results: list, on_progress) -> None:
        from distributed import as_completed as dask_completed

        futures = self._client.map(run_chunk, chunks, pure=False)
        index_of = {future.key: i for i, future in enumerate(futures)}
        done = 0
        try:
            for future in dask_completed(futures, loop=self._client.loop):
                index = index_of[future.key]
                results[index] = future.result()  # raises the task's own error
                done += len(chunks[index])
                if on_progress:
                    on_progress(done)
        except ModuleNotFoundError as exc:
            raise UserError(
                f"the Dask workers cannot import '{exc.name}'; install this project on every worker "
                f"(pip install -e .) and start them from its folder"
            ) from None
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        """Stop local worker processes and close a connection this runner opened."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None and self._own_client:
            self._client.close()
        self._client = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, exc_type, *exc_info: object) -> None:
        if exc_type is not None:  # an error or a stop between two batches: waiting for the workers is of no use
            self._stop_pool()
        self.close()


@contextmanager
def using_runner(runner: Runner | None, workers: int | None, dask: Any) -> Iterator[Runner]:
    """The given runner, or a new one from ``workers`` and ``dask`` that is closed afterwards."""
    if runner is not None:
        yield runner
        return
    with Runner(workers, dask) as new:
        yield new
