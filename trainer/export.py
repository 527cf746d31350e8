"""Exports of a session's records: CSV tables for spreadsheets and xAPI statements as JSON lines.

Files are written to a temporary name and then renamed, so a reader never sees half a file, and
an export can never be written over the records file itself.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import RecordsError
from .models import TurnRecord
from .text import localize
from .xapi import DEFAULT_IRI_BASE, session_statements

TURN_COLUMNS = (
    "session", "session_date", "trainee", "scenario_id", "attempt", "status", "seed", "started_at",
    "finished_at", "score", "score_min", "score_max", "scaled_score", "decisions", "mistakes", "last_sim_minute",
    "scripted",  # the answer rule that played the turn (srl-game --answers); empty for the trainee's own play
)
DECISION_COLUMNS = (
    "session", "trainee", "scenario_id", "attempt", "seq", "sim_minute", "decision_point_id", "choice_id",
    "choice_label", "feedback_key", "is_mistake", "recorded_at",
)
OUTCOME_COLUMNS = ("session", "trainee", "scenario_id", "attempt", "seq", "sim_minute", "kind", "data", "recorded_at")
KPI_PREFIX = "kpi_"

# A spreadsheet runs a cell starting with one of these as a formula; names typed by trainees must
# never do that, so such text gets a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def turns_table(records: Sequence[TurnRecord]) -> tuple[list[str], list[list[Any]]]:
    """One row per turn with its score and one column per KPI seen in the session."""
    kpi_names = sorted({name for record in records for name in (record.turn.kpis or {})})
    header = list(TURN_COLUMNS) + [KPI_PREFIX + name for name in kpi_names]
    rows = []
    for record in records:
        turn, kpis = record.turn, record.turn.kpis or {}
        rows.append([
            record.session.name, record.session.date.isoformat(), record.trainee.name, turn.scenario_id,
            turn.attempt, turn.status, turn.seed, turn.started_at, turn.finished_at, turn.score, turn.score_min,
            turn.score_max, turn.scaled_score, len(record.decisions), len(record.mistakes), record.last_sim_minute,
            record.scripted,
        ] + [kpis.get(name) for name in kpi_names])
    return header, rows


def decisions_table(records: Sequence[TurnRecord], lang: str | None = None) -> tuple[list[str], list[list[Any]]]:
    """One row per decision, in playing order within each turn."""
    rows = [
        [record.session.name, record.trainee.name, record.turn.scenario_id, record.turn.attempt, d.seq,
         d.sim_minute, d.decision_point_id, d.choice_id, localize(d.choice_label, lang), d.feedback_key,
         d.is_mistake, d.recorded_at]
        for record in records for d in record.decisions
    ]
    return list(DECISION_COLUMNS), rows


def outcomes_table(records: Sequence[TurnRecord]) -> tuple[list[str], list[list[Any]]]:
    """One row per outcome; its data is kept as a JSON text column."""
    rows = [
        [record.session.name, record.trainee.name, record.turn.scenario_id, record.turn.attempt, o.seq,
         o.sim_minute, o.kind, json.dumps(o.data, ensure_ascii=False, sort_keys=True), o.recorded_at]
        for record in records for o in record.outcomes
    ]
    return list(OUTCOME_COLUMNS), rows


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV document (empty cells for missing values; text that looks like a formula is defused)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def xapi_jsonl(records: Sequence[TurnRecord], iri_base: str = DEFAULT_IRI_BASE) -> str:
    """The session's xAPI statements, one JSON object per line."""
    return "".join(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in session_statements(records, iri_base))


def write_export(path: Path, content: str | bytes, *, records_path: Path | None = None, encoding: str = "utf-8") -> Path:
    """Write an export file atomically; refuse to write over the records file."""
    path = Path(path).expanduser()
    if records_path is not None and _same_file(path, Path(records_path)):
        raise RecordsError(f"{path} is the records file itself; choose another name for the export.")
    if path.is_dir():
        raise RecordsError(f"{path} is a folder; give a file name for the export.")
    data = content.encode(encoding) if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise RecordsError(f"Cannot write {path} ({error.strerror}); choose a writable place for the export.") from None
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False
