"""Posting to faulty servers on loopback: no statement is ever marked delivered that the LRS did not store."""

from __future__ import annotations

import email.utils
import shutil
import time

import pytest

from trainer import RecordsError
from trainer.cli import main as cli_main
from trainer.lrs import MAX_BACKOFF_SECONDS, LrsClient, same_statement
from trainer.publish import publish_session
from trainer.xapi import session_statements

from fault_lrs import FaultLrs, self_signed_context


def client_for(server: FaultLrs, url: str | None = None, pauses: list | None = None, **options) -> LrsClient:
    options = {"backoff_seconds": 0.05, "timeout_seconds": 5.0, "batch_size": 5, **options}
    return LrsClient(url or server.url, "trainer", "secret", sleep=(pauses.append if pauses is not None else time.sleep),
                     **options)


def delivered_only_what_the_lrs_holds(records, client: LrsClient, server: FaultLrs) -> set[str]:
    delivered = records.delivered_statement_ids(client.url)
    assert delivered <= set(server.held), "marked delivered but not stored"
    return delivered


@pytest.mark.parametrize("mode,status", [("redirect_301", 301), ("redirect_302", 302)])
def test_a_redirect_is_reported_with_its_target_and_not_followed(records, played_session, mode, status):
    with FaultLrs(mode) as server, client_for(server) as client:
        with pytest.raises(RecordsError) as raised:
            publish_session(records, played_session, client)
        message = str(raised.value)
        assert f"redirects to https://127.0.0.1:{server.port}/xAPI/statements (HTTP {status})" in message
        assert f"--lrs https://127.0.0.1:{server.port}/xAPI" in message
        assert server.requests == [("POST", "/xAPI/statements")]  # never re-sent elsewhere, never turned into a GET
        assert delivered_only_what_the_lrs_holds(records, client, server) == set()


@pytest.mark.parametrize("mode,what", [("html_200", "an HTML page"), ("ids_missing", "leaves some of them out")])
def test_a_200_that_does_not_list_the_ids_delivers_nothing(records, played_session, mode, what):
    with FaultLrs(mode) as server, client_for(server) as client:
        with pytest.raises(RecordsError, match=f"answered HTTP 200 but did not confirm .*{what}"):
            publish_session(records, played_session, client)
        if mode == "html_200":
            assert delivered_only_what_the_lrs_holds(records, client, server) == set()
        else:  # the server stored the first batch, but confirmed only four of its five ids
            assert records.delivered_statement_ids(client.url) == set()


def test_a_409_to_everything_delivers_nothing(records, played_session):
    with FaultLrs("conflict_all") as server, client_for(server) as client:
        summary = publish_session(records, played_session, client)
        assert (summary.post.stored, summary.post.already_stored, summary.post.conflicts) == (0, 0, summary.total)
        assert summary.post.acknowledged_ids == []
        assert delivered_only_what_the_lrs_holds(records, client, server) == set()


def test_a_409_counts_only_when_the_lrs_holds_the_identical_statement(records, played_session):
    statements = list(session_statements(records.session_records(played_session.id)))
    with FaultLrs() as server, client_for(server) as client:
        client.post([statements[0], dict(statements[1], result={"response": "something else"})])
        summary = publish_session(records, played_session, client)
        assert summary.post.already_stored == 1 and summary.post.conflicts == 1
        assert summary.post.stored == len(statements) - 2
        delivered = delivered_only_what_the_lrs_holds(records, client, server)
        assert delivered == {s["id"] for s in statements} - {statements[1]["id"]}


def test_a_busy_lrs_is_given_the_pause_it_asks_for(records, played_session):
    pauses: list[float] = []
    with FaultLrs("busy", retry_after="2", busy_answers=2) as server, client_for(server, pauses=pauses) as client:
        summary = publish_session(records, played_session, client)
        assert pauses == [2.0, 2.0]
        assert summary.post.stored == summary.total
        assert delivered_only_what_the_lrs_holds(records, client, server) == set(server.held)


def test_a_retry_after_date_is_honoured_and_a_long_one_is_left_for_later(records, played_session):
    pauses: list[float] = []
    in_ten_seconds = email.utils.formatdate(time.time() + 10, usegmt=True)
    with FaultLrs("busy", retry_after=in_ten_seconds) as server, client_for(server, pauses=pauses) as client:
        publish_session(records, played_session, client)
        assert len(pauses) == 1 and 7 <= pauses[0] <= 10
    with FaultLrs("busy", retry_after="3600", busy_answers=99) as server, client_for(server, pauses=pauses) as client:
        with pytest.raises(RecordsError, match="asks to wait 3600 s .*post again later"):
            client.post(list(session_statements(records.session_records(played_session.id))))
        assert len(server.requests) == 1


def test_the_back_off_between_attempts_is_capped(records, played_session):
    pauses: list[float] = []
    with FaultLrs("unavailable") as server, client_for(server, pauses=pauses, max_attempts=8, backoff_seconds=4) as client:
        with pytest.raises(RecordsError, match="after 8 attempts \\(HTTP 503\\)"):
            publish_session(records, played_session, client)
        assert pauses == [4, 8, 16, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]
        assert delivered_only_what_the_lrs_holds(records, client, server) == set()


def test_tls_to_a_plain_port_is_named(records, played_session):
    with FaultLrs() as server, client_for(server, url=server.url.replace("http://", "https://")) as client:
        started = time.monotonic()
        with pytest.raises(RecordsError, match="does not speak TLS .*http:// or https://"):
            publish_session(records, played_session, client)
        assert time.monotonic() - started < 5  # not retried: trying again cannot help
        assert records.delivered_statement_ids(client.url) == set() and server.held == {}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="makes its certificate with openssl")
def test_an_untrusted_certificate_is_named(records, played_session, tmp_path):
    with FaultLrs(tls_context=self_signed_context(tmp_path)) as server, client_for(server) as client:
        with pytest.raises(RecordsError, match="TLS certificate is not trusted .*self.signed"):
            publish_session(records, played_session, client)
        assert records.delivered_statement_ids(client.url) == set() and server.held == {}


def test_completed_turns_say_how_long_they_took(records, played_session):
    statements = list(session_statements(records.session_records(played_session.id)))
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert completed and all(s["result"]["duration"].startswith("PT") for s in completed)
    with FaultLrs() as server, client_for(server) as client:
        publish_session(records, played_session, client)
        assert all(server.held[s["id"]]["result"]["duration"] == s["result"]["duration"] for s in completed)


def test_statement_comparison_ignores_what_an_lrs_adds_but_not_what_differs():
    sent = {"id": "1", "actor": {"name": "Ana"}, "result": {"success": True, "score": {"raw": 40}},
            "timestamp": "2025-03-14T09:00:01+00:00"}
    assert same_statement(sent, dict(sent, stored="x", authority={}, version="1.0.3", timestamp="2025-03-14T09:00:01Z"))
    assert not same_statement(sent, dict(sent, result={"success": False, "score": {"raw": 40}}))
    assert not same_statement(sent, dict(sent, result={"success": 1, "score": {"raw": 40}}))
    assert not same_statement(sent, dict(sent, timestamp="2025-03-14T09:00:02+00:00"))
    assert not same_statement(sent, {k: v for k, v in sent.items() if k != "result"})


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf", "1e9", "abc"])
def test_post_timeout_must_be_a_sensible_number_of_seconds(db_path, records, played_session, timeout, capsys):
    records.close()
    code = cli_main(["--db", str(db_path), "post", "1", "--lrs", "http://127.0.0.1:9/xAPI", "--user", "u",
                     "--password", "p", "--timeout", timeout])
    assert code == 2
    err = capsys.readouterr().err
    assert "--timeout" in err and "Traceback" not in err and err.count("\n") == 1
