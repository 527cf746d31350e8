"""Reading a queue log (CSV, Excel or Parquet) and mapping its columns to the fields ``fit`` needs.

A queue log has one row per customer. Its column names differ from one queue system to the next, so
each field is found by a few common names, or named by the user (``--columns field=Column,...`` or a
small YAML/JSON mapping file). Every cell is read as text, so that unreadable values can be reported
with their row numbers instead of being silently turned into blanks.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Mapping

import pandas as pd
import yaml

from ..errors import UserError

FIELDS: dict[str, tuple[str, ...]] = {
    # field: names it goes by in common exports (compared case-insensitively, ignoring spaces and dashes)
    "id": ("id", "customer", "customer_id", "ticket", "ticket_id", "call_id", "case_id"),
    "arrival": ("arrival", "arrival_time", "arrived", "arrived_at", "joined", "join_time", "enqueued"),
    "service_start": ("service_start", "start", "started", "start_time", "answered", "answered_at", "called"),
    "service_end": ("service_end", "end", "ended", "end_time", "finished", "completed", "departure"),
    "abandoned_at": ("abandoned_at", "abandon_time", "abandonment", "abandoned_time", "hangup", "left_at"),
    "outcome": ("outcome", "status", "result", "disposition"),
    "segment": ("segment", "type", "customer_type", "class", "queue", "service_type"),
    "station": ("station", "role", "counter", "skill", "desk"),
    "staff": ("staff", "staff_id", "agent", "agent_id", "server", "teller", "employee"),
}
REQUIRED = ("arrival",)
COMPLAINT_FIELDS: dict[str, tuple[str, ...]] = {
    "time": ("time", "complained_at", "received", "opened", "date", "created"),
    "case": ("case", "case_id", "customer", "customer_id", "id", "ticket"),
    "category": ("category", "type", "reason", "cause"),
    "resolved_at": ("resolved_at", "resolution_time", "closed", "closed_at", "resolved"),
    "outcome": ("outcome", "resolution", "status", "result"),
}


def _key(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def parse_mapping(spec: str, flag: str, example: str) -> dict[str, str]:
    """``"a=B,c=D"``, or the path of a YAML/JSON file holding the same mapping -> ``{"a": "B", "c": "D"}``."""
    path = Path(spec)
    if "=" not in spec and path.suffix.lower() in (".yaml", ".yml", ".json"):
        try:
            text = path.read_text(encoding="utf-8")
            mapping = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except OSError as exc:
            raise UserError(f"{flag} {spec}: cannot read the mapping file ({exc.strerror})") from None
        except (yaml.YAMLError, json.JSONDecodeError) as exc:
            raise UserError(f"{flag} {spec}: not a valid mapping file ({str(exc).splitlines()[0]}); "
                            f"write one line per entry, for example `{example.replace('=', ': ')}`") from None
        if not isinstance(mapping, dict):
            raise UserError(f"{flag} {spec}: the file must hold a mapping such as `{example.replace('=', ': ')}`")
        return {str(k).strip(): str(v).strip() for k, v in mapping.items()}
    mapping = {}
    for item in spec.split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise UserError(f"{flag}: '{item}' is not NAME=VALUE; write for example {flag} {example}")
        mapping[name.strip()] = value.strip()
    return mapping


def parse_column_spec(spec: str | None, fields: Mapping[str, tuple[str, ...]] = FIELDS, flag: str = "--columns") -> dict[str, str]:
    """``"arrival=Arrived,staff=Agent"`` or the path of a YAML/JSON mapping file -> ``{field: column}``."""
    if not spec:
        return {}
    mapping = parse_mapping(spec, flag, f"{next(iter(fields))}=YourColumn")
    unknown = [name for name in mapping if name not in fields]
    if unknown:
        raise UserError(f"{flag}: unknown field {', '.join(repr(u) for u in unknown)}; the fields are: {', '.join(fields)}")
    return mapping


DELIMITERS = ",;\t|"  # what exports separate columns with; anything else is read as one column


def csv_delimiter(path: Path) -> str:
    """The delimiter of a CSV file, judged from its first lines among :data:`DELIMITERS`; a comma when no
    line shows one (a file of one column, or an empty one). Letters are never taken for delimiters, which
    pandas' own guess does with a single column ("arrival" split at its r's)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
        sample = stream.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path, what: str = "queue log") -> pd.DataFrame:
    """Every cell of a CSV, Excel or Parquet file as text (blank cells as empty strings)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such {what} file; give the path of a CSV, Excel (.xlsx) or Parquet file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            table = pd.read_excel(path, dtype=str)
        elif suffix in (".parquet", ".pq"):
            table = pd.read_parquet(path).astype(str).replace({"None": "", "NaT": "", "nan": ""})
        else:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, sep=csv_delimiter(path),
                                engine="python")
    except ImportError as exc:
        raise UserError(f"{path}: reading this file type needs an extra package ({exc}); install it with pip, "
                        "or save the file as CSV") from None
    except (ValueError, OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read it as a {what} ({str(exc).splitlines()[0]}); "
                        "save it as CSV with one header line and one row per customer") from None
    return table.fillna("").astype(str)


def map_columns(table: pd.DataFrame, chosen: Mapping[str, str], source: str,
                fields: Mapping[str, tuple[str, ...]] = FIELDS, required: tuple[str, ...] = REQUIRED) -> dict[str, str]:
    """``{field: column}`` for the fields found in ``table``: those the user named, then common names."""
    by_key = {_key(column): column for column in table.columns}
    mapping: dict[str, str] = {}
    for name, column in chosen.items():
        if column not in table.columns:
            raise UserError(f"{source}: --columns names column '{column}' for {name}, but the file has: "
                            f"{', '.join(map(str, table.columns))}")
        mapping[name] = column
    taken = set(mapping.values())
    for name, aliases in fields.items():
        if name in mapping:
            continue
        column = next((by_key[a] for a in aliases if a in by_key and by_key[a] not in taken), None)
        if column is not None:
            mapping[name] = column
            taken.add(column)
    missing = [name for name in required if name not in mapping]
    if missing:
        raise UserError(f"{source}: no column for {', '.join(missing)}; the file has: {', '.join(map(str, table.columns))}. "
                        f"Name it with --columns, for example --columns {missing[0]}=YourColumn")
    return mapping
