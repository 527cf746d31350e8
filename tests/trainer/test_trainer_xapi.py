"""xAPI statements built from the records have the structure xAPI 1.0.3 requires."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer import Session, Trainee, Turn, TurnRecord
from trainer.export import write_export, xapi_jsonl
from trainer.xapi import (
    VERB_ANSWERED,
    VERB_ATTEMPTED,
    VERB_COMPLETED,
    session_statements,
    statement_problems,
    turn_statements,
)

ralph_statements = pytest.importorskip(
    "ralph.models.xapi.base.statements", reason="Ralph (ralph-malph) provides the reference xAPI statement model")

ADL_VERBS = {VERB_ATTEMPTED, VERB_ANSWERED, VERB_COMPLETED}


@pytest.fixture
def statements(records, played_session):
    return list(session_statements(records.session_records(played_session.id)))


def test_one_statement_per_start_decision_and_finish(records, played_session, statements):
    turn_records = records.session_records(played_session.id)
    decisions = sum(len(r.decisions) for r in turn_records)
    finished = sum(r.turn.finished for r in turn_records)
    assert len(statements) == len(turn_records) + decisions + finished == 16
    assert [s["verb"]["id"] for s in statements].count(VERB_COMPLETED) == finished
    assert {s["verb"]["id"] for s in statements} == ADL_VERBS


def test_every_statement_passes_our_check_and_ralphs_model(statements):
    for statement in statements:
        assert statement_problems(statement) == []
        parsed = ralph_statements.BaseXapiStatement(**statement)
        assert str(parsed.id) == statement["id"]
        assert all(key in statement for key in ("actor", "verb", "object", "context", "timestamp"))


def test_statement_ids_are_unique_and_the_same_on_every_export(records, played_session, statements):
    ids = [s["id"] for s in statements]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids)
    again = list(session_statements(records.session_records(played_session.id)))
    assert again == statements


def test_decision_statement_carries_choice_feedback_minute_and_turn(records, played_session, statements):
    first_turn = records.session_records(played_session.id)[0]
    answered = [s for s in statements if s["context"]["registration"] == first_turn.turn.uid
                and s["verb"]["id"] == VERB_ANSWERED]
    assert [s["result"]["response"] for s in answered] == ["blame_weather", "meal_voucher"]
    assert [s["result"]["success"] for s in answered] == [False, True]
    extensions = answered[0]["result"]["extensions"]
    assert sorted(extensions.values(), key=str) == [5.0, "feedback.blame_weather"]
    assert answered[0]["object"]["id"].endswith("/scenarios/delayed_flight/decision-points/first_words")
    assert answered[0]["context"]["contextActivities"]["parent"][0]["id"].endswith("/scenarios/delayed_flight")
    assert answered[0]["actor"]["name"] == "Ana"
    assert answered[0]["timestamp"] == first_turn.decisions[0].recorded_at


def test_completed_statement_scores_stay_in_range(statements):
    completed = [s for s in statements if s["verb"]["id"] == VERB_COMPLETED]
    assert sorted(s["result"]["score"]["raw"] for s in completed) == [20, 40, 55, 90]
    for statement in completed:
        score = statement["result"]["score"]
        assert -1 <= score["scaled"] <= 1
        assert score["min"] <= score["raw"] <= score["max"]
        assert score["scaled"] == pytest.approx(score["raw"] / 100)
        assert statement["result"]["completion"] is True


def _set(path, value):
    def change(statement):
        *parents, last = path
        target = statement
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return change


_DELETE = object()

BROKEN = {
    "no actor": (_set(["actor"], _DELETE), "actor is required"),
    "no verb": (_set(["verb"], _DELETE), "verb is required"),
    "verb id not an IRI": (_set(["verb", "id"], "answered"), "verb.id"),
    "id not a UUID": (_set(["id"], "statement-1"), "id must be a UUID"),
    "scaled above 1": (_set(["result", "score", "scaled"], 1.5), "scaled must be between -1 and 1"),
    "scaled below -1": (_set(["result", "score", "scaled"], -1.01), "scaled must be between -1 and 1"),
    "raw above max": (_set(["result", "score", "raw"], 120), "raw must be between"),
    "raw below min": (_set(["result", "score", "raw"], -3), "raw must be between"),
    "min not below max": (_set(["result", "score", "min"], 100), "min must be less than"),
    "score not a number": (_set(["result", "score", "raw"], "90"), "raw must be a number"),
    "timestamp without zone": (_set(["timestamp"], "2025-03-14T09:00:00"), "timestamp"),
    "registration not a UUID": (_set(["context", "registration"], "turn-1"), "registration"),
    "extension key not an IRI": (_set(["result", "extensions"], {"kpis": {}}), "extensions key 'kpis'"),
    "two identifiers": (_set(["actor", "mbox"], "mailto:ana@example.org"), "exactly one"),
    "bad language tag": (_set(["verb", "display"], {"english please": "completed"}), "language tag"),
    "completion not boolean": (_set(["result", "completion"], "yes"), "completion must be true or false"),
    "unknown property": (_set(["score"], 5), "unknown property 'score'"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_check_finds_each_structural_problem(statements, kind):
    change, message = BROKEN[kind]
    completed = next(s for s in statements if s["verb"]["id"] == VERB_COMPLETED)
    assert statement_problems(completed) == []
    broken = copy.deepcopy(completed)
    change(broken)
    problems = statement_problems(broken)
    assert any(message in problem for problem in problems), problems


def test_xapi_jsonl_export_has_one_statement_per_line(tmp_path, records, played_session, statements):
    path = write_export(tmp_path / "out" / "statements.jsonl", xapi_jsonl(records.session_records(played_session.id)))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == statements


def _turn_record(score: float, low: float, high: float) -> TurnRecord:
    session = Session(1, str(uuid.uuid4()), "S", dt.date(2025, 1, 1), "2025-01-01T00:00:00+00:00", ())
    trainee = Trainee(1, str(uuid.uuid4()), 1, "Ana", "2025-01-01T00:00:00+00:00")
    turn = Turn(1, str(uuid.uuid4()), 1, "a", 1, None, "finished", "2025-01-01T00:00:00+00:00",
                "2025-01-01T00:10:00+00:00", score, low, high, {"cost": 3.0})
    return TurnRecord(session, trainee, turn)


@settings(max_examples=60, deadline=None, database=None)
@given(st.floats(-1e6, 1e6), st.floats(0.001, 1e6), st.floats(0, 1))
def test_any_score_in_its_range_gives_a_valid_completed_statement(low, width, share):
    high = low + width
    raw = min(max(low + share * width, low), high)
    completed = turn_statements(_turn_record(raw, low, high))[-1]
    assert completed["verb"]["id"] == VERB_COMPLETED
    assert statement_problems(completed) == []
    assert 0 <= completed["result"]["score"]["scaled"] <= 1
    ralph_statements.BaseXapiStatement(**completed)
