"""Calibrating a scenario from a queue log: read, clean, fit each part, write a scenario that loads.

``fit_queue_log`` runs the whole chain and returns a :class:`Fit` holding every intermediate result,
so the command line, the report and the validation all show the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScenarioError, UserError
from ..scenario import Scenario, load_scenario_text
from .arrivals import ArrivalFit, fit_arrivals, opening_hours
from .cleaning import CleanLog, clean_log
from .patience import BalkingFit, PatienceFit, fit_balking, fit_patience
from .reading import map_columns, parse_column_spec, read_table
from .scenario_writer import scenario_text
from .service_times import ServiceFit, ServingOrder, fit_serving_order, fit_service_times, split_by_station
from .staffing import StaffingFit, fit_staffing

DEFAULT_THRESHOLD_MIN = 5.0
MIN_CUSTOMERS = 30


@dataclass
class FitOptions:
    """How to read the log and what to fit (the ``fit`` command's flags)."""

    columns: str | None = None
    timezone: str | None = None
    dayfirst: bool = False
    hours: str | None = None
    by: str = "daytype"
    day_type: str | None = None
    threshold_min: float | None = None
    complaints: str | None = None
    complaint_columns: str | None = None
    category_map: str | None = None
    seed: int = 0


@dataclass
class Fit:
    """Everything fitted from one queue log, and the scenario written from it."""

    log: CleanLog
    arrivals: ArrivalFit
    service: dict[str, ServiceFit]
    patience: dict[str, PatienceFit]
    balking: dict[str, BalkingFit]
    staffing: dict[str, StaffingFit]
    threshold_min: float
    threshold_given: bool
    priorities: dict[str, ServingOrder] = field(default_factory=dict)
    complaints: object | None = None
    notes: list[str] = field(default_factory=list)
    text: str = ""
    scenario: Scenario | None = None

    @property
    def warnings(self) -> list[str]:
        return self.log.warnings + self.arrivals.warnings + self.notes


def read_queue_log(path: str | Path, options: FitOptions) -> CleanLog:
    """Read and clean a queue log file."""
    table = read_table(path)
    columns = map_columns(table, parse_column_spec(options.columns), str(path))
    if options.timezone:
        _check_timezone(options.timezone)
    log = clean_log(table, columns, Path(path).name, options.timezone, options.dayfirst,
                    first_row=2 if Path(path).suffix.lower() not in (".parquet", ".pq") else 1)
    if len(log.customers) < MIN_CUSTOMERS:
        defects = "; ".join(f"{d.count} {d.message}" for d in log.defects[:4])
        raise UserError(f"{path}: only {len(log.customers)} usable customers of {log.rows_read} rows; at least "
                        f"{MIN_CUSTOMERS} are needed. "
                        + (f"Check the column mapping (--columns) and the defects: {defects}" if defects
                           else "Give a log with one row per customer under its header line"))
    return log


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"--timezone {name}: unknown time zone; give an IANA name such as Europe/Paris or Asia/Shanghai") from None


def fit_log(log: CleanLog, options: FitOptions | None = None) -> Fit:
    """Fit every part of the scenario from a cleaned log, and write and validate the scenario text."""
    options = options or FitOptions()
    customers, station_notes = split_by_station(log.customers)
    complaints = None
    if options.complaints:  # read first: a mistake in the complaint log is reported before the long fits
        from .complaints import fit_complaints

        complaints = fit_complaints(options.complaints, options, log)
    hours = opening_hours(customers["minute"], options.hours)
    arrivals = fit_arrivals(customers, hours, options.by, options.day_type)
    service, notes = fit_service_times(customers)
    notes = station_notes + notes
    if not service:
        raise UserError(f"{log.source}: no segment has enough complete services (start and end times) to fit; "
                        "check that service start and end columns are mapped (--columns)")
    patience, patience_notes = fit_patience(customers)
    fit = Fit(log, arrivals, service, patience, fit_balking(customers), fit_staffing(customers, hours, log.has_staff),
              options.threshold_min if options.threshold_min is not None else DEFAULT_THRESHOLD_MIN,
              options.threshold_min is not None, fit_serving_order(customers, service), notes=notes + patience_notes)
    if hours.outside:
        fit.notes.append(f"{hours.outside:,} arrivals outside the opening hours {hours.clock} + {hours.hours} h "
                         "were left out of the arrival rates (set the hours with --hours)")
    fit.complaints = complaints
    fit.text = scenario_text(fit)
    if fit.complaints is not None:
        from .complaints import calibrate_complaints

        calibrate_complaints(fit, options.seed)
        fit.text = scenario_text(fit)
    try:
        fit.scenario = load_scenario_text(fit.text, "fitted.yaml")
    except ScenarioError as exc:  # a fit the schema refuses is a bug here, not the user's mistake
        raise RuntimeError(f"the fitted scenario does not validate:\n{exc.message}\n{fit.text}") from exc
    return fit


def fit_queue_log(path: str | Path, options: FitOptions | None = None) -> Fit:
    """Read, clean and fit a queue log file (see :func:`fit_log`)."""
    options = options or FitOptions()
    return fit_log(read_queue_log(path, options), options)
