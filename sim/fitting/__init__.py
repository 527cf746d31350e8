"""Calibrating a scenario from an organisation's own records: queue logs (and complaint logs) in, scenario out.

The subpackage reads and cleans a queue log, fits arrivals, service times, patience, balking and
staffing (and failures and recovery from a complaint log), writes a scenario file that validates,
and checks the fit by simulating it and comparing hour by hour with the log. It uses the public
``sim`` API only, so it sits on top of the model like any other user of it.
"""
from .cleaning import CleanLog, Defect
from .fit import Fit, FitOptions, fit_log, fit_queue_log, read_queue_log
from .simulated_log import as_text, queue_records, simulate_queue_log

__all__ = [
    "CleanLog", "Defect", "Fit", "FitOptions", "as_text", "fit_log", "fit_queue_log", "queue_records",
    "read_queue_log", "simulate_queue_log",
]
