"""Posting to a real LRS (Ralph on loopback): retries after faults, and every statement stored once."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import requests

from trainer import RecordsError
from trainer.cli import main as cli_main
from trainer.lrs import LrsClient, statements_url
from trainer.publish import publish_session
from trainer.xapi import session_statements

FAST = {"backoff_seconds": 0.05, "timeout_seconds": 10.0}


def _client(lrs, url=None, **options):
    return LrsClient(url or lrs.url, lrs.user, lrs.password, **{**FAST, **options})


def _lrs_statements_with_id(lrs, statement_id):
    """Ask the LRS itself (GET /statements?statementId=...) for the statements it holds with this id."""
    response = requests.get(f"{lrs.url}/statements", params={"statementId": statement_id},
                            auth=(lrs.user, lrs.password), headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
    response.raise_for_status()
    payload = response.json()
    return payload["statements"] if "statements" in payload else [payload]


def _stored_once(lrs, ids):
    counts = Counter(lrs.stored_ids())
    return {statement_id: counts[statement_id] for statement_id in ids}


@pytest.mark.parametrize("mode", ["drop_request", "drop_response"])
def test_first_attempt_lost_statements_stored_exactly_once(ralph_lrs, faulty_proxy, records, played_session, mode):
    statements = list(session_statements(records.session_records(played_session.id)))
    proxy = faulty_proxy(ralph_lrs.port, mode)
    with _client(ralph_lrs, proxy.url(), batch_size=100) as client:
        result = client.post(statements)

    ids = [s["id"] for s in statements]
    # the lost attempt, then the retry; a retry the LRS answers with 409 is checked statement by
    # statement: each one posted alone (409 again) and fetched back to compare
    checks = 2 * len(ids) if mode == "drop_response" else 0
    assert proxy.requests == 2 + checks
    assert proxy.forwarded == (2 + checks if mode == "drop_response" else 1)
    assert _stored_once(ralph_lrs, ids) == {statement_id: 1 for statement_id in ids}
    if mode == "drop_response":  # the LRS had stored them; the retry was recognised as a repeat
        assert (result.stored, result.already_stored) == (0, len(ids))
    else:
        assert (result.stored, result.already_stored) == (len(ids), 0)
    assert result.requests == 2 + checks
    for statement in statements[:3]:
        [held] = _lrs_statements_with_id(ralph_lrs, statement["id"])
        assert held["actor"] == statement["actor"] and held["verb"] == statement["verb"]


def test_publish_skips_acknowledged_statements_and_resend_does_not_duplicate(
        ralph_lrs, faulty_proxy, records, played_session, play_turn):
    proxy = faulty_proxy(ralph_lrs.port, "drop_response", failures=2)
    progress = []
    with _client(ralph_lrs, proxy.url(), batch_size=5) as client:
        first = publish_session(records, played_session, client, on_progress=lambda done, total: progress.append(done))
        assert first.total == 16 and first.skipped == 0
        assert first.post.stored + first.post.already_stored == 16
        assert progress == [5, 10, 15, 16]

        again = publish_session(records, played_session, client)
        assert (again.skipped, len(again.post.acknowledged_ids), again.post.requests) == (16, 0, 0)

        # More play in the session: only the new statements go out.
        bo = records.join_session(played_session.id, "Bo")
        play_turn(records, bo.id, "delayed_flight", [("first_words", "apologise", None, False)], score=88)
        later = publish_session(records, played_session, client)
        assert (later.total, later.skipped, later.post.stored) == (19, 16, 3)

        resent = publish_session(records, played_session, client, resend=True)
        assert (resent.post.stored, resent.post.already_stored) == (0, 19)

    ids = [s["id"] for s in session_statements(records.session_records(played_session.id))]
    assert _stored_once(ralph_lrs, ids) == {statement_id: 1 for statement_id in ids}


def test_a_conflicting_copy_in_the_lrs_is_not_delivered_and_the_rest_of_the_batch_goes_in(
        ralph_lrs, records, played_session):
    statements = list(session_statements(records.session_records(played_session.id)))
    altered = dict(statements[3], result={"response": "something else"})
    with _client(ralph_lrs) as client:
        client.post([altered])
        result = client.post(statements)
    assert result.conflicts == 1
    assert result.stored == len(statements) - 1
    assert statements[3]["id"] not in result.acknowledged_ids
    ids = [s["id"] for s in statements]
    assert _stored_once(ralph_lrs, ids) == {statement_id: 1 for statement_id in ids}


def test_wrong_password_is_one_clear_error(ralph_lrs, records, played_session):
    statements = list(session_statements(records.session_records(played_session.id)))
    with LrsClient(ralph_lrs.url, ralph_lrs.user, "wrong-password", **FAST) as client:
        with pytest.raises(RecordsError, match="refused the user name or password .*--password"):
            client.post(statements)
    assert not set(ralph_lrs.stored_ids()) & {s["id"] for s in statements}


def test_unreachable_lrs_gives_up_after_bounded_attempts(unused_port, records, played_session):
    statements = list(session_statements(records.session_records(played_session.id)))
    pauses = []
    client = LrsClient(f"http://127.0.0.1:{unused_port}/xAPI", "u", "p", max_attempts=3, backoff_seconds=0.2,
                       timeout_seconds=2, sleep=pauses.append)
    started = time.monotonic()
    with client, pytest.raises(RecordsError, match="Could not reach the LRS .* after 3 attempts .*not sent twice"):
        client.post(statements)
    assert pauses == [0.2, 0.4]
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("url", ["ftp://lrs.example.org/xAPI", "lrs.example.org", "http://u:p@host/xAPI",
                                 "http://host:99999/xAPI"])
def test_bad_lrs_address_is_refused_before_sending(url):
    with pytest.raises(RecordsError, match="--lrs|--user"):
        statements_url(url)


def test_statements_url_accepts_base_or_resource():
    assert statements_url("http://127.0.0.1:8100/xAPI/") == "http://127.0.0.1:8100/xAPI/statements"
    assert statements_url("http://127.0.0.1:8100/xAPI/statements") == "http://127.0.0.1:8100/xAPI/statements"


def test_cli_post_uses_environment_credentials_and_reports_counts(
        ralph_lrs, faulty_proxy, db_path, records, played_session, monkeypatch, capsys):
    records.close()
    proxy = faulty_proxy(ralph_lrs.port, "drop_request")
    monkeypatch.setenv("SRL_LRS_USER", ralph_lrs.user)
    monkeypatch.setenv("SRL_LRS_PASSWORD", ralph_lrs.password)
    assert cli_main(["--db", str(db_path), "post", "March cohort", "--lrs", proxy.url()]) == 0
    assert "16 statements: 16 newly stored, 0 already in the LRS, 0 skipped" in capsys.readouterr().out
    assert cli_main(["post", "March cohort", "--lrs", proxy.url(), "--db", str(db_path)]) == 0
    assert "16 skipped (acknowledged earlier)" in capsys.readouterr().out

    monkeypatch.setenv("SRL_LRS_PASSWORD", "wrong")
    assert cli_main(["--db", str(db_path), "post", "1", "--lrs", ralph_lrs.url, "--resend"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "refused the user name or password" in error
