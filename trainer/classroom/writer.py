"""Writing a busy room's records: one thread, one transaction for every write waiting at that moment.

A committed transaction costs one flush to disk, and forty trainees each reporting twice a second would
otherwise queue behind each other's flushes. The writer takes every write waiting in the queue, runs
each under its own savepoint (a failing write is undone alone and reported to its caller), commits them
together, and only then answers the callers: nothing is acknowledged before it is on disk.
"""
from __future__ import annotations

import asyncio
import queue
import threading
from typing import Any, Callable

from ..store import TrainerRecords

MAX_BATCH = 500


class RecordsWriter:
    """Runs record calls on one thread in arrival order, committing them in groups."""

    def __init__(self, records: TrainerRecords):
        self.records = records
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.batches = 0
        self.writes = 0
        self._thread = threading.Thread(target=self._run, name="classroom-records", daemon=True)
        self._thread.start()

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Future:
        """Queue ``function(*args)``; the future gets its result (or exception) once it is committed."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((function, args, future, loop))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list) -> None:
        outcomes: list[tuple[Any, BaseException | None]] = []
        try:
            with self.records.atomic() as conn:
                for function, args, _, _ in batch:
                    conn.execute("SAVEPOINT classroom_write")
                    try:
                        outcomes.append((function(*args), None))
                        conn.execute("RELEASE classroom_write")
                    except Exception as error:  # noqa: BLE001 - handed to the caller, who decides
                        conn.execute("ROLLBACK TO classroom_write")
                        conn.execute("RELEASE classroom_write")
                        outcomes.append((None, error))
        except Exception as error:  # noqa: BLE001 - the commit failed: nothing of the batch is stored
            outcomes = [(None, error)] * len(batch)
        self.batches += 1
        self.writes += len(batch)
        for (_, _, future, loop), outcome in zip(batch, outcomes):
            loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future, outcome: tuple[Any, BaseException | None]) -> None:
    if future.done():
        return
    result, error = outcome
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
