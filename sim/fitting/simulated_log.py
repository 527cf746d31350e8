"""A queue log made from a simulation's event log, as a queue system would export it.

``fit`` validates a fitted scenario by simulating it and reading the simulated days exactly as it read
the organisation's own log; the same conversion makes the round trip (simulate, export, fit) possible.
Staff ids are given the way a ticket system would see them: each service goes to the free server of
its role with the lowest number.
"""
from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from typing import Iterable

import pandas as pd

from .. import Event, EventKind, Model
from ..errors import UserError
from ..scenario import Scenario
from ..scenario.operation import WEEKDAYS

COLUMNS = ("id", "segment", "station", "staff", "outcome", "arrival", "service_start", "service_end", "abandoned_at")
FIRST_DAY = datetime(2024, 3, 4)  # a Monday


def first_date(scenario: Scenario, first_day: datetime | None = None) -> datetime:
    """The date of day 1: ``first_day`` if given, else the first date from FIRST_DAY on that falls on the
    scenario's ``operation.first_day`` (so a log of a scenario with weekdays has the right weekdays)."""
    if first_day is not None:
        return first_day
    weekday = scenario.operation.first_day
    shift = WEEKDAYS.index(weekday) - FIRST_DAY.weekday() if weekday is not None else 0
    return FIRST_DAY + timedelta(days=shift % 7)


def _assign_staff(services: list[tuple[float, float, int]]) -> dict[int, int]:
    """Customer -> server number (1, 2, ...) when each service takes the lowest-numbered free server."""
    busy: list[tuple[float, int]] = []  # (free again at, server)
    free: list[int] = []
    opened = 0
    staff = {}
    for start, end, customer in sorted(services):
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            server = heapq.heappop(free)
        else:
            opened += 1
            server = opened
        staff[customer] = server
        heapq.heappush(busy, (end, server))
    return staff


def _visits(events: Iterable[Event], scenario: Scenario) -> dict[int, dict]:
    """Customer -> model times of their visit (arrival, service start and end or departure) and outcome."""
    visits: dict[int, dict] = {}
    for event in events:
        if event.kind == EventKind.ARRIVAL:
            service = scenario.segments[event.segment].service
            visits[event.customer] = {"segment": event.segment, "station": service.role if service else "", "arrival": event.time}
        elif event.customer in visits:
            visit = visits[event.customer]
            if event.kind == EventKind.SERVICE_START:
                visit["service_start"], visit["station"] = event.time, event.detail.get("role", "")
            elif event.kind == EventKind.SERVICE_END:
                visit["service_end"], visit["outcome"] = event.time, "served"
            elif event.kind == EventKind.ABANDON:
                visit["abandoned_at"], visit["outcome"] = event.time, "abandoned"
            elif event.kind == EventKind.BALK:
                visit["abandoned_at"], visit["outcome"] = event.time, "balked"
    return {c: v for c, v in sorted(visits.items()) if "outcome" in v}


def _single_station(scenario: Scenario) -> None:
    """A queue log has one visit per customer: refuse scenarios whose customers go through several stations."""
    journeys = [name for name, segment in scenario.segments.items() if segment.service is None]
    if journeys:
        raise UserError(f"{scenario.name}: a queue log has one row per customer and one station, but these segments go "
                        f"through a journey of stations: {', '.join(journeys)}")


def queue_records(events: Iterable[Event], scenario: Scenario, first_day: datetime | None = None) -> pd.DataFrame:
    """One row per customer who finished (served, abandoned or balked), with local timestamps.

    Each model day starts at ``operation.opens_at`` of the next calendar day; a customer's times are
    all counted from the opening of the day they arrived, so a visit that runs past closing stays on
    its own day instead of jumping to the next morning.
    """
    _single_station(scenario)
    first_day = first_date(scenario, first_day)
    op = scenario.operation
    day_length = op.duration_min
    opens = timedelta(minutes=op.opens_at_min)
    done = _visits(events, scenario)
    staff: dict[int, str] = {}
    for role in scenario.staff:
        services = [(v["service_start"], v["service_end"], c) for c, v in done.items() if v["station"] == role and "service_start" in v]
        staff.update({c: f"{role}-{n:02d}" for c, n in _assign_staff(services).items()})
    rows = []
    for customer, visit in done.items():
        day = int(visit["arrival"] // day_length)
        origin = first_day + timedelta(days=day) + opens - timedelta(minutes=day * day_length)

        def stamp(key: str):
            return origin + timedelta(minutes=visit[key]) if key in visit else pd.NaT

        rows.append({
            "id": customer, "segment": visit["segment"], "station": visit["station"], "staff": staff.get(customer, ""),
            "outcome": visit["outcome"], "arrival": stamp("arrival"), "service_start": stamp("service_start"),
            "service_end": stamp("service_end"), "abandoned_at": stamp("abandoned_at"),
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def simulated_customers(scenario: Scenario, seed: int, replication: int, first_day: datetime | None = None) -> pd.DataFrame:
    """One replication as the customer table a cleaned log holds (``day``, ``minute``, ``wait``, ...).

    The same records as :func:`queue_records`, without the detour through text timestamps: used
    when the fitted scenario is simulated many times to compare it with the log.
    """
    _single_station(scenario)
    model = Model(scenario, seed=seed, replication=replication, record_events=True)
    model.run()
    op = scenario.operation
    rows = []
    for customer, visit in _visits(model.events, scenario).items():
        day, into = divmod(visit["arrival"], op.duration_min)
        left = visit.get("service_start", visit.get("abandoned_at"))
        service = visit["service_end"] - visit["service_start"] if visit["outcome"] == "served" else float("nan")
        rows.append((customer, visit["segment"], visit["station"], visit["outcome"], int(day),
                     op.opens_at_min + into, left - visit["arrival"], service))
    frame = pd.DataFrame(rows, columns=["id", "segment", "station", "outcome", "day_number", "minute", "wait", "service"])
    frame["day"] = pd.Timestamp(first_date(scenario, first_day)) + pd.to_timedelta(frame["day_number"], unit="D")
    return frame.drop(columns="day_number")


def simulate_queue_log(scenario: Scenario, seed: int = 0, replication: int = 0, first_day: datetime | None = None) -> pd.DataFrame:
    """Run one replication of ``scenario`` and return its queue log (see :func:`queue_records`)."""
    model = Model(scenario, seed=seed, replication=replication, record_events=True)
    model.run()
    return queue_records(model.events, scenario, first_day)


def as_text(records: pd.DataFrame) -> pd.DataFrame:
    """The records with every cell as text (timestamps to the millisecond), as a CSV export holds them."""
    table = records.copy()
    for column in ("arrival", "service_start", "service_end", "abandoned_at"):
        table[column] = pd.to_datetime(table[column]).dt.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3].fillna("")
    return table.astype(str).replace({"nan": "", "NaT": ""})
