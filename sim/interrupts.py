"""SIGTERM and SIGHUP end the work the way Ctrl-C does, so a killed or hung-up run cleans up after itself.

Ctrl-C raises KeyboardInterrupt, which stops the worker processes and keeps what finished. A
terminal that closes (SIGHUP) or a scheduler that stops a job (SIGTERM) would otherwise end the
main process on the spot and leave its workers running, holding the caller's pipes.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    """A KeyboardInterrupt raised by a stop signal; ``signum`` says which, for the exit code 128 + signum.

    Its only argument is the signal number, so ``type(e)(*e.args)`` rebuilds it: SimPy re-raises an
    exception that ends a simulation process that way, and a signal arriving while a model runs in this
    process lands inside one.
    """

    def __init__(self, signum: int):
        super().__init__(int(signum))
        self.signum = int(signum)

    def __str__(self) -> str:
        return signal.Signals(self.signum).name


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Interrupted` in the main thread.

    A second signal while the first is being handled is left to the default action (the process
    ends at once), so a user who insists is never ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame) -> None:
        for stop in STOP_SIGNALS:
            signal.signal(stop, signal.SIG_DFL)
        raise Interrupted(signum)

    previous = {stop: signal.signal(stop, interrupt) for stop in STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)



class Incomplete(KeyboardInterrupt):
    """Work stopped by an interrupt, carrying what had finished so it can still be written.

    ``partial`` is a result of the type the work returns, holding only what finished (replications,
    sweep points); ``cause`` is the interrupt that stopped it (:class:`Interrupted` for a signal).
    Being a KeyboardInterrupt, it stops callers that do not look for it exactly as the interrupt would.
    """

    def __init__(self, partial, cause: KeyboardInterrupt):
        super().__init__(str(cause))
        self.partial = partial
        self.cause = cause
