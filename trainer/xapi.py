"""xAPI statements for a session's turns, and a check that a statement has the shape xAPI 1.0.3 requires.

Each statement id is a UUID derived from the record it describes (uuid5 over the turn's own UUID),
so exporting or posting the same record twice gives the same statement, never a second one.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any, Iterable, Iterator, Mapping
from urllib.parse import quote

from .models import Decision, TurnRecord
from .text import BilingualText

XAPI_VERSION = "1.0.3"

# Activities, agents' home page and extensions are named under this IRI unless the organisation
# gives its own (".invalid" is reserved: it can never point at someone else's site).
DEFAULT_IRI_BASE = "https://service-recovery-lab.invalid/xapi"

VERB_ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_NAMES = {VERB_ATTEMPTED: "attempted", VERB_ANSWERED: "answered", VERB_COMPLETED: "completed"}

ACTIVITY_TYPE_SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
ACTIVITY_TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/interaction"
ACTIVITY_TYPE_MEETING = "http://adlnet.gov/expapi/activities/meeting"


def turn_statements(record: TurnRecord, iri_base: str = DEFAULT_IRI_BASE) -> list[dict[str, Any]]:
    """The statements for one turn: attempted, one answered per decision, completed if finished."""
    builder = _StatementBuilder(record, iri_base.rstrip("/"))
    statements = [builder.attempted()]
    statements.extend(builder.answered(decision) for decision in record.decisions)
    if record.turn.finished:
        statements.append(builder.completed())
    return statements


def session_statements(records: Iterable[TurnRecord], iri_base: str = DEFAULT_IRI_BASE) -> Iterator[dict[str, Any]]:
    """The statements for every turn of a session, in the order the turns were started."""
    for record in records:
        yield from turn_statements(record, iri_base)


class _StatementBuilder:
    """Builds the parts shared by a turn's statements (actor, context) once."""

    def __init__(self, record: TurnRecord, iri_base: str) -> None:
        self.record = record
        self.base = iri_base
        turn, session = record.turn, record.session
        self.turn_uuid = uuid.UUID(turn.uid)
        self.scenario_iri = f"{iri_base}/scenarios/{_segment(turn.scenario_id)}"
        self.actor = {
            "objectType": "Agent",
            "name": record.trainee.name,
            "account": {"homePage": iri_base, "name": record.trainee.uid},
        }
        self.context = {
            "registration": turn.uid,
            "contextActivities": {
                "grouping": [{
                    "objectType": "Activity",
                    "id": f"{iri_base}/sessions/{session.uid}",
                    "definition": {"type": ACTIVITY_TYPE_MEETING, "name": {"en": f"{session.name} ({session.date.isoformat()})"}},
                }],
            },
            "extensions": {self.extension("attempt"): turn.attempt},
        }
        if record.scripted:  # played by an answer rule, not by the trainee: a reader of the LRS must be able to tell
            self.context["extensions"][self.extension("scripted")] = record.scripted

    def extension(self, name: str) -> str:
        return f"{self.base}/extensions/{name}"

    def statement(self, key: str, verb: str, obj: dict, timestamp: str, result: dict | None = None,
                  parent: bool = False) -> dict[str, Any]:
        context = dict(self.context)
        if parent:
            context["contextActivities"] = dict(context["contextActivities"], parent=[self.scenario_activity()])
        statement = {
            "id": str(uuid.uuid5(self.turn_uuid, key)),
            "actor": self.actor,
            "verb": {"id": verb, "display": {"en-US": VERB_NAMES[verb]}},
            "object": obj,
            "context": context,
            "timestamp": timestamp,
        }
        if result is not None:
            statement["result"] = result
        return statement

    def scenario_activity(self) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": self.scenario_iri,
            "definition": {"type": ACTIVITY_TYPE_SIMULATION, "name": _language_map(self.record.scenario.title,
                                                                                 self.record.scenario.id)},
        }

    def attempted(self) -> dict[str, Any]:
        return self.statement("attempted", VERB_ATTEMPTED, self.scenario_activity(), self.record.turn.started_at)

    def answered(self, decision: Decision) -> dict[str, Any]:
        result: dict[str, Any] = {
            "response": decision.choice_id,
            "extensions": {self.extension("sim-minute"): decision.sim_minute},
        }
        if decision.is_mistake is not None:
            result["success"] = not decision.is_mistake
        if decision.feedback_key is not None:
            result["extensions"][self.extension("feedback-key")] = decision.feedback_key
        decision_point = {
            "objectType": "Activity",
            "id": f"{self.scenario_iri}/decision-points/{_segment(decision.decision_point_id)}",
            "definition": {"type": ACTIVITY_TYPE_INTERACTION, "name": {"en": decision.decision_point_id}},
        }
        return self.statement(f"decision/{decision.seq}", VERB_ANSWERED, decision_point, decision.recorded_at,
                              result, parent=True)

    def completed(self) -> dict[str, Any]:
        turn = self.record.turn
        result = {
            "score": {"scaled": round(turn.scaled_score, 6), "raw": turn.score, "min": turn.score_min, "max": turn.score_max},
            "completion": True,
            "extensions": {self.extension("kpis"): dict(turn.kpis or {})},
        }
        played = _seconds_between(turn.started_at, turn.finished_at)
        if played is not None:
            result["duration"] = iso_duration(played)
        return self.statement("completed", VERB_COMPLETED, self.scenario_activity(), turn.finished_at, result)


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration as xAPI writes it, to the hundredth of a second: ``PT1H2M3.5S``."""
    hundredths = max(0, round(seconds * 100))
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if rest or text == "PT":
        text += f"{rest // 100}" + (f".{rest % 100:02d}".rstrip("0") if rest % 100 else "") + "S"
    return text


def _seconds_between(start: str | None, end: str | None) -> float | None:
    """Seconds from one ISO 8601 time to a later one, or None when either is missing or unreadable."""
    try:
        return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _segment(identifier: str) -> str:
    """An id made safe for use as one IRI path segment."""
    return quote(identifier, safe="-._~")


def _language_map(text: BilingualText | None, fallback: str) -> dict[str, str]:
    if text is None:
        return {"en": fallback}
    if isinstance(text, str):
        return {"en": text}
    return {lang: value for lang, value in text.items() if value} or {"en": fallback}


# --- structure check ------------------------------------------------------------------------------

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                   "version", "attachments"}
_IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")


def statement_problems(statement: Mapping[str, Any]) -> list[str]:
    """What is wrong with a statement's structure under xAPI 1.0.3 (an empty list when nothing is)."""
    problems: list[str] = []
    if not isinstance(statement, Mapping):
        return ["statement is not a JSON object"]
    problems += [f"unknown property {key!r}" for key in statement if key not in _STATEMENT_KEYS]
    for required in ("actor", "verb", "object"):
        if required not in statement:
            problems.append(f"{required} is required")
    if "id" in statement and not _is_uuid(statement["id"]):
        problems.append("id must be a UUID")
    if "actor" in statement:
        problems += _agent_problems(statement["actor"], "actor")
    if "verb" in statement:
        problems += _verb_problems(statement["verb"])
    if "object" in statement:
        problems += _activity_problems(statement["object"], "object")
    if "result" in statement:
        problems += _result_problems(statement["result"])
    if "context" in statement:
        problems += _context_problems(statement["context"])
    if "timestamp" in statement and not _is_timestamp(statement["timestamp"]):
        problems.append("timestamp must be an ISO 8601 date and time with a time zone")
    return problems


def _agent_problems(agent: Any, where: str) -> list[str]:
    if not isinstance(agent, Mapping):
        return [f"{where} must be an object"]
    problems = []
    if agent.get("objectType", "Agent") != "Agent":
        problems.append(f"{where}.objectType must be 'Agent'")
    identifiers = [key for key in _IDENTIFIERS if key in agent]
    if len(identifiers) != 1:
        problems.append(f"{where} needs exactly one of {', '.join(_IDENTIFIERS)}")
    if "mbox" in agent and not str(agent["mbox"]).startswith("mailto:"):
        problems.append(f"{where}.mbox must start with 'mailto:'")
    if "account" in agent:
        account = agent["account"]
        if not isinstance(account, Mapping) or not _is_iri(account.get("homePage")) \
                or not isinstance(account.get("name"), str) or not account.get("name"):
            problems.append(f"{where}.account needs a homePage IRL and a name")
    if "name" in agent and not isinstance(agent["name"], str):
        problems.append(f"{where}.name must be a string")
    return problems


def _verb_problems(verb: Any) -> list[str]:
    if not isinstance(verb, Mapping):
        return ["verb must be an object"]
    problems = [] if _is_iri(verb.get("id")) else ["verb.id must be an absolute IRI"]
    if "display" in verb:
        problems += _language_map_problems(verb["display"], "verb.display")
    return problems


def _activity_problems(activity: Any, where: str) -> list[str]:
    if not isinstance(activity, Mapping):
        return [f"{where} must be an object"]
    if activity.get("objectType", "Activity") != "Activity":
        return [f"{where}.objectType must be 'Activity' for the statements this program writes"]
    problems = [] if _is_iri(activity.get("id")) else [f"{where}.id must be an absolute IRI"]
    definition = activity.get("definition", {})
    if not isinstance(definition, Mapping):
        return problems + [f"{where}.definition must be an object"]
    for key in ("name", "description"):
        if key in definition:
            problems += _language_map_problems(definition[key], f"{where}.definition.{key}")
    if "type" in definition and not _is_iri(definition["type"]):
        problems.append(f"{where}.definition.type must be an absolute IRI")
    return problems


def _result_problems(result: Any) -> list[str]:
    if not isinstance(result, Mapping):
        return ["result must be an object"]
    problems = []
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            problems.append(f"result.{key} must be true or false")
    if "response" in result and not isinstance(result["response"], str):
        problems.append("result.response must be a string")
    if "duration" in result and not (isinstance(result["duration"], str) and _DURATION.match(result["duration"])):
        problems.append("result.duration must be an ISO 8601 duration such as PT4M30S")
    if "score" in result:
        problems += _score_problems(result["score"])
    problems += _extension_problems(result.get("extensions", {}), "result.extensions")
    return problems


def _score_problems(score: Any) -> list[str]:
    if not isinstance(score, Mapping):
        return ["result.score must be an object"]
    numbers = {}
    problems = []
    for key in ("scaled", "raw", "min", "max"):
        if key in score:
            value = score[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(f"result.score.{key} must be a number")
            else:
                numbers[key] = value
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        problems.append("result.score.scaled must be between -1 and 1")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        problems.append("result.score.min must be less than result.score.max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        problems.append("result.score.raw must be between result.score.min and result.score.max")
    return problems


def _context_problems(context: Any) -> list[str]:
    if not isinstance(context, Mapping):
        return ["context must be an object"]
    problems = []
    if "registration" in context and not _is_uuid(context["registration"]):
        problems.append("context.registration must be a UUID")
    activities = context.get("contextActivities", {})
    if not isinstance(activities, Mapping):
        problems.append("context.contextActivities must be an object")
    else:
        for kind, items in activities.items():
            if kind not in ("parent", "grouping", "category", "other"):
                problems.append(f"context.contextActivities.{kind} is not an xAPI context activity kind")
                continue
            for index, item in enumerate(items if isinstance(items, list) else [items]):
                problems += _activity_problems(item, f"context.contextActivities.{kind}[{index}]")
    problems += _extension_problems(context.get("extensions", {}), "context.extensions")
    return problems


def _extension_problems(extensions: Any, where: str) -> list[str]:
    if not isinstance(extensions, Mapping):
        return [f"{where} must be an object"]
    return [f"{where} key {key!r} must be an absolute IRI" for key in extensions if not _is_iri(key)]


def _language_map_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, Mapping) or not value:
        return [f"{where} must be a language map such as {{'en': '...'}}"]
    return [f"{where} key {key!r} must be a language tag with a text value"
            for key, text in value.items() if not (isinstance(key, str) and _LANGUAGE_TAG.match(key)
                                                   and isinstance(text, str))]


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False
