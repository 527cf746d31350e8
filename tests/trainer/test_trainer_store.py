"""Recording sessions, trainees and turns through the TrainerRecords API."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer import CURRENT_VERSION, RecordsError, ScenarioRef, TrainerRecords


def test_create_session_keeps_name_date_and_scenarios_in_order(records, scenarios):
    session = records.create_session("  March   cohort ", dt.date(2025, 3, 14), [*scenarios, "wrong_steak"])
    again = records.get_session(session.id)
    assert again.name == "March cohort"
    assert again.date == dt.date(2025, 3, 14)
    assert [s.id for s in again.scenarios] == ["delayed_flight", "vip_lounge", "wrong_steak"]
    assert again.scenarios[1].label("zh") == "贵宾室误机"
    assert again.scenarios[1].label() == "Missed boarding call"
    assert again.scenarios[2].label("zh") == "wrong_steak"
    assert records.find_session("March cohort") == again
    assert records.find_session(str(session.id)) == again
    assert records.schema_version() == CURRENT_VERSION


@pytest.mark.parametrize("name, date, scenarios, message", [
    ("   ", "2025-03-14", ["a"], "name is empty"),
    ("Cohort", "14/03/2025", ["a"], "YYYY-MM-DD"),
    ("Cohort", "2025-03-14", [], "at least one scenario"),
    ("Cohort", "2025-03-14", ["a", "b", "a"], "listed twice"),
])
def test_create_session_refuses_bad_input_and_stores_nothing(records, name, date, scenarios, message):
    with pytest.raises(RecordsError, match=message):
        records.create_session(name, date, scenarios)
    assert records.list_sessions() == []


def test_find_session_by_ambiguous_name_asks_for_the_number(records):
    first = records.create_session("Cohort", "2025-03-14", ["a"])
    second = records.create_session("Cohort", "2025-03-21", ["a"])
    with pytest.raises(RecordsError, match=rf"{first.id} \(2025-03-14\), {second.id} \(2025-03-21\)"):
        records.find_session("Cohort")
    with pytest.raises(RecordsError, match="no session named 'Nope'"):
        records.find_session("Nope")


def test_join_by_name_returns_the_same_trainee_whatever_the_letter_case(records):
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    joined = records.join_session(session.id, "Ana Lima")
    assert records.join_session(session.id, "  ana   LIMA ") == joined
    other = records.join_session(session.id, "Bo")
    assert [t.name for t in records.trainees(session.id)] == ["Ana Lima", "Bo"]
    assert other.id != joined.id
    with pytest.raises(RecordsError, match="already in this session"):
        records.add_trainee(session.id, "ANA LIMA")


def test_same_name_in_another_session_is_another_trainee(records):
    first = records.create_session("One", "2025-03-14", ["a"])
    second = records.create_session("Two", "2025-03-15", ["a"])
    assert records.join_session(first.id, "Ana").id != records.join_session(second.id, "Ana").id


def test_turn_records_decisions_outcomes_and_finish(records, scenarios):
    session = records.create_session("Cohort", "2025-03-14", scenarios)
    trainee = records.add_trainee(session.id, "Ana")
    turn = records.start_turn(trainee.id, "delayed_flight", seed=11)
    assert (turn.attempt, turn.status, turn.seed) == (1, "in_progress", 11)
    first = records.record_decision(turn.id, sim_minute=3.5, decision_point_id="first_words",
                                    choice_id="blame_weather", feedback_key="fb.blame", is_mistake=True,
                                    choice_label={"en": "Blame the storm", "zh": "怪暴风雨"})
    records.record_outcome(turn.id, sim_minute=4.0, kind="mood", data={"customer": "c1", "delta": -0.3})
    second = records.record_decision(turn.id, sim_minute=9.0, decision_point_id="offer", choice_id="meal")
    assert (first.seq, second.seq) == (1, 2)
    assert first.recorded_at < second.recorded_at

    finished = records.finish_turn(turn.id, score=72.5, kpis={"satisfaction": 0.8, "cost": 40})
    assert finished.finished and finished.score == 72.5 and finished.kpis == {"satisfaction": 0.8, "cost": 40}
    assert finished.scaled_score == pytest.approx(0.725)

    debrief = records.turn_record(turn.id)
    assert [(d.sim_minute, d.choice_id, d.feedback_key, d.is_mistake) for d in debrief.decisions] == [
        (3.5, "blame_weather", "fb.blame", True), (9.0, "meal", None, False)]
    assert debrief.decisions[0].label("zh") == "怪暴风雨"
    assert debrief.outcomes[0].data == {"customer": "c1", "delta": -0.3}
    assert debrief.last_sim_minute == 9.0
    assert debrief.mistakes == (debrief.decisions[0],)

    again = records.start_turn(trainee.id, "delayed_flight")
    assert again.attempt == 2


def test_a_finished_turn_takes_no_more_records_and_cannot_be_resumed(records):
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    turn = records.start_turn(records.add_trainee(session.id, "Ana").id, "a")
    records.finish_turn(turn.id, score=50, kpis={})
    with pytest.raises(RecordsError, match="already finished"):
        records.record_decision(turn.id, sim_minute=1, decision_point_id="p", choice_id="c")
    with pytest.raises(RecordsError, match="already finished"):
        records.finish_turn(turn.id, score=60, kpis={})
    with pytest.raises(RecordsError, match="start a new turn"):
        records.resume_turn(turn.id)
    assert records.get_turn(turn.id).score == 50


def test_start_turn_only_for_the_sessions_scenarios(records):
    session = records.create_session("Cohort", "2025-03-14", ["a", "b"])
    trainee = records.add_trainee(session.id, "Ana")
    with pytest.raises(RecordsError, match="'zzz' is not part of session 'Cohort'; its scenarios are: a, b"):
        records.start_turn(trainee.id, "zzz")
    assert records.turns(session.id) == []


@pytest.mark.parametrize("changes", [
    {"sim_minute": -1}, {"sim_minute": math.nan}, {"sim_minute": "5"}, {"choice_id": ""},
    {"decision_point_id": None}, {"choice_label": {"en": 3}},
])
def test_record_decision_rejects_invalid_values(records, changes):
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    turn = records.start_turn(records.add_trainee(session.id, "Ana").id, "a")
    arguments = {"sim_minute": 1.0, "decision_point_id": "p", "choice_id": "c", **changes}
    with pytest.raises(ValueError):
        records.record_decision(turn.id, **arguments)
    assert records.turn_record(turn.id).decisions == ()


@pytest.mark.parametrize("score, low, high", [(101, 0, 100), (-1, 0, 100), (5, 10, 10), (math.inf, 0, 100)])
def test_finish_turn_rejects_scores_outside_their_range(records, score, low, high):
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    turn = records.start_turn(records.add_trainee(session.id, "Ana").id, "a")
    with pytest.raises(ValueError):
        records.finish_turn(turn.id, score=score, score_min=low, score_max=high, kpis={})
    assert not records.get_turn(turn.id).finished


def test_numpy_numbers_are_stored_as_plain_numbers(records):
    np = pytest.importorskip("numpy")
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    turn = records.start_turn(records.add_trainee(session.id, "Ana").id, "a", seed=np.uint64(2**63 - 1))
    records.record_decision(turn.id, sim_minute=np.float64(2.5), decision_point_id="p", choice_id="c")
    records.record_outcome(turn.id, sim_minute=np.float64(3), kind="queue",
                           data={"waiting": np.int64(4), "moods": np.array([0.5, -0.25]), "calm": np.bool_(True)})
    assert records.resume_turn(turn.id).outcomes[0].data == {"waiting": 4, "moods": [0.5, -0.25], "calm": True}
    finished = records.finish_turn(turn.id, score=np.int64(70), kpis={"complaints": np.int64(3), "cost": np.float32(2.5)})
    assert finished.seed == 2**63 - 1 and finished.score == 70.0
    assert finished.kpis == {"complaints": 3, "cost": 2.5} and type(finished.kpis["complaints"]) is int
    for bad_seed in (-1, 2**64, 1.5, True):
        with pytest.raises(ValueError, match="seed"):
            records.start_turn(records.get_trainee(turn.trainee_id).id, "a", seed=bad_seed)


def test_outcome_data_must_be_json(records):
    session = records.create_session("Cohort", "2025-03-14", ["a"])
    turn = records.start_turn(records.add_trainee(session.id, "Ana").id, "a")
    with pytest.raises(ValueError, match="JSON"):
        records.record_outcome(turn.id, sim_minute=1, kind="mood", data={"when": dt.date(2025, 1, 1)})


def test_unfinished_turns_and_resume(records, played_session):
    unfinished = records.turns(played_session.id, unfinished_only=True)
    assert [(t.scenario_id, t.status) for t in unfinished] == [("vip_lounge", "in_progress")]
    state = records.resume_turn(unfinished[0].id)
    assert state.trainee.name == "Ana" and state.turn.seed == 7
    assert [d.choice_id for d in state.decisions] == ["company_rules"]
    records.record_decision(state.turn.id, sim_minute=state.last_sim_minute + 1, decision_point_id="offer",
                            choice_id="rebook")
    assert [d.seq for d in records.resume_turn(state.turn.id).decisions] == [1, 2]


def test_session_records_hold_every_turn_with_its_own_decisions(records, played_session):
    turn_records = records.session_records(played_session.id)
    assert [(r.trainee.name, r.turn.scenario_id, r.turn.attempt, len(r.decisions)) for r in turn_records] == [
        ("Ana", "delayed_flight", 1, 2), ("Ana", "delayed_flight", 2, 1), ("Ana", "vip_lounge", 1, 1),
        ("Bo", "delayed_flight", 1, 2), ("Bo", "vip_lounge", 1, 1)]
    assert all(d.turn_id == r.turn.id for r in turn_records for d in r.decisions)


def test_records_survive_closing_and_reopening(db_path, clock):
    with TrainerRecords.open(db_path, clock=clock) as first:
        session = first.create_session("Cohort", "2025-03-14", [ScenarioRef("a", "Title")])
        trainee = first.add_trainee(session.id, "Ana")
        turn = first.start_turn(trainee.id, "a")
        first.record_decision(turn.id, sim_minute=2, decision_point_id="p", choice_id="c")
    with TrainerRecords.open(db_path, create=False) as second:
        assert second.resume_turn(turn.id).decisions[0].choice_id == "c"
        assert second.get_session(session.id).scenarios[0].title == "Title"


def test_open_without_create_refuses_a_missing_file(tmp_path):
    with pytest.raises(RecordsError, match="no records file"):
        TrainerRecords.open(tmp_path / "missing.sqlite3", create=False)
    assert not (tmp_path / "missing.sqlite3").exists()


decision_strategy = st.tuples(
    st.floats(min_value=0, max_value=1e4, allow_nan=False),
    st.text(min_size=1, max_size=12).filter(str.strip),
    st.text(min_size=1, max_size=12).filter(str.strip),
    st.one_of(st.none(), st.text(min_size=1, max_size=12).filter(str.strip)),
    st.booleans(),
)


@settings(max_examples=25, deadline=None, database=None)
@given(decisions=st.lists(decision_strategy, max_size=8))
def test_decisions_read_back_exactly_as_recorded(decisions):
    with tempfile.TemporaryDirectory() as folder:
        with TrainerRecords.open(Path(folder) / "r.sqlite3") as records:
            session = records.create_session("S", "2025-01-01", ["a"])
            turn = records.start_turn(records.add_trainee(session.id, "T").id, "a")
            for minute, point, choice, feedback, mistake in decisions:
                records.record_decision(turn.id, sim_minute=minute, decision_point_id=point, choice_id=choice,
                                        feedback_key=feedback, is_mistake=mistake)
            stored = records.resume_turn(turn.id).decisions
    assert [(d.sim_minute, d.decision_point_id, d.choice_id, d.feedback_key, d.is_mistake) for d in stored] == decisions
    assert [d.seq for d in stored] == list(range(1, len(decisions) + 1))
