"""How much work a batch of replications is: bounds on its size, and its time and memory, estimated in advance.

The estimate times one replication and measures the KPIs it returns, so a planner asking for a
million replications learns that it means days and gigabytes before anything starts.
"""
from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass

from ..errors import UserError, UserNote
from .parallel import Variant, run_replication

MAX_REPLICATIONS = 100_000  # per alternative
MAX_RUNS = 1_000_000  # replications in one batch, all alternatives together (about 4 GB of KPIs)
NOTE_RUNS = 20_000  # from this many replications on, the estimate is shown before the work starts


@dataclass(frozen=True)
class Workload:
    """``runs`` replications: about ``seconds`` of wall time on ``workers`` processes and ``bytes`` of results."""

    runs: int
    workers: int
    seconds: float
    bytes: int

    def describe(self) -> str:
        where = "one process" if self.workers == 1 else f"{self.workers} processes"
        return f"about {duration_text(self.seconds)} on {where} and {size_text(self.bytes)} of results"


def duration_text(seconds: float) -> str:
    """``42 s``, ``12 min``, ``3.5 h`` or ``4.2 days``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.1f} days"


def size_text(size: float) -> str:
    """``820 kB``, ``37 MB`` or ``3.7 GB``."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size / 1e3:,.0f} kB"


def _kpis_bytes(kpis: dict[str, float]) -> int:
    """Memory a replication's KPIs take once they are back in this process (dict, names and numbers)."""
    return sys.getsizeof(kpis) + sum(sys.getsizeof(name) + sys.getsizeof(value) for name, value in kpis.items())


def estimate(variant: Variant, runs: int, workers: int) -> Workload:
    """Time and memory of ``runs`` replications like ``variant``'s, from one replication run here."""
    started = time.perf_counter()
    kpis = run_replication(variant, 0)
    seconds = time.perf_counter() - started
    return Workload(runs, workers, seconds * runs / max(workers, 1), _kpis_bytes(kpis) * runs)


def check_workload(sample: Variant, alternatives: int, per_alternative: int, workers: int,
                   flag: str = "--replications", note: bool = True) -> None:
    """Refuse a batch beyond the bounds, naming its estimated cost (``sample`` is one of its alternatives).

    With ``note``, a large batch within the bounds is announced with its cost as a :class:`UserNote`.
    """
    total = per_alternative * alternatives
    if per_alternative > MAX_REPLICATIONS:
        raise UserError(f"{flag} {per_alternative:,}: at most {MAX_REPLICATIONS:,} replications per alternative; "
                        f"{per_alternative:,} would take {estimate(sample, total, workers).describe()}")
    if total > MAX_RUNS:
        raise UserError(f"{total:,} replications in all ({alternatives:,} alternatives x {per_alternative:,}) would take "
                        f"{estimate(sample, total, workers).describe()}; at most {MAX_RUNS:,} run in one command, "
                        f"so lower {flag} or the number of alternatives")
    if note and total >= NOTE_RUNS:
        warnings.warn(UserNote(f"{total:,} replications: {estimate(sample, total, workers).describe()}"), stacklevel=3)
