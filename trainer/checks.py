"""Checks and clean-ups for what is recorded: typed names, dates, ids and numbers.

Text typed by people (names, dates) that fails a check raises RecordsError with a message to
show them; values from the game's code that are wrong raise ValueError, since only a programming
mistake can cause those.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import unicodedata
from typing import Any, Mapping, Sequence

from .errors import RecordsError
from .models import ScenarioRef
from .text import check_text, printable

MAX_NAME_LENGTH = 80  # room for a full name in any script; longer text is not a name


def clean_name(name: str, what: str) -> str:
    """Normalise a typed name (Unicode form, control characters, surrounding and repeated spaces).

    An empty name, or one longer than ``MAX_NAME_LENGTH`` characters, is refused with a message.
    """
    if not isinstance(name, str):
        raise ValueError(f"{what} must be a string, got {name!r}")
    cleaned = " ".join(printable(unicodedata.normalize("NFC", name), keep="").split())
    if not cleaned:
        raise RecordsError(f"The {what} is empty; type a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise RecordsError(f"The {what} is {len(cleaned):,} characters long; keep it to {MAX_NAME_LENGTH} or fewer.")
    return cleaned


def parse_date(value: dt.date | str) -> dt.date:
    """A session date from a date or an ISO text (YYYY-MM-DD)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RecordsError(f"{value!r} is not a date; write it as YYYY-MM-DD, for example 2025-03-14.") from None


def scenario_refs(scenarios: Sequence[str | ScenarioRef]) -> list[ScenarioRef]:
    """The session's scenarios as ScenarioRefs: at least one, each id once."""
    refs = [s if isinstance(s, ScenarioRef) else ScenarioRef(s) for s in scenarios]
    if not refs:
        raise RecordsError("A session needs at least one scenario.")
    for ref in refs:
        require_id(ref.id, "scenario id")
        check_text(ref.title, f"title of scenario {ref.id!r}")
    ids = [ref.id for ref in refs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RecordsError(f"Scenario {', '.join(duplicates)} is listed twice; list each scenario once.")
    return refs


def require_id(value: object, what: str) -> str:
    """An identifier (choice id, decision point, KPI name...) must be non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


def plain_number(value: object, what: str) -> int | float:
    """A real, finite number (not a bool, NaN or infinity) as a built-in int or float.

    Accepts numpy numbers too, since the simulation's KPIs and clock may produce them.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def finite_number(value: object, what: str) -> float:
    """A real, finite number as a float (see `plain_number`)."""
    return float(plain_number(value, what))


def seed_value(value: object) -> int:
    """A random seed that SQLite keeps exactly: a whole number from 0 to 2**63 - 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= int(value) < 2**63:
        raise ValueError(f"seed must be a whole number from 0 to 2**63 - 1, got {value!r}")
    return int(value)


def sim_minute_value(value: object) -> float:
    """A simulated minute: a finite number, not negative."""
    minute = finite_number(value, "sim_minute")
    if minute < 0:
        raise ValueError(f"sim_minute must not be negative, got {minute}")
    return minute


def json_object(data: Mapping[str, Any], what: str) -> str:
    """A mapping serialised as JSON text, refusing values JSON cannot hold (dates, NaN, objects).

    numpy numbers and arrays from the simulation are written as plain numbers and lists.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a mapping, got {data!r}")
    try:
        return json.dumps(dict(data), ensure_ascii=False, allow_nan=False, sort_keys=True, default=_plain_json)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must hold only JSON values (text, numbers, lists, mappings): {error}") from None


def _plain_json(value: Any) -> Any:
    if isinstance(value, numbers.Real):
        return plain_number(value, "value")
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not a JSON value")
