"""Send a session's xAPI statements to an LRS once: skip what it already acknowledged, remember the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .lrs import LrsClient, PostResult
from .models import Session
from .store import TrainerRecords
from .xapi import DEFAULT_IRI_BASE, session_statements, statement_problems


@dataclass
class PublishSummary:
    """Statements of the session, those skipped as acknowledged earlier, and what this post did."""

    total: int
    skipped: int
    post: PostResult


def publish_session(
    records: TrainerRecords,
    session: Session,
    client: LrsClient,
    *,
    iri_base: str = DEFAULT_IRI_BASE,
    resend: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> PublishSummary:
    """Post the session's statements not yet acknowledged by this LRS (all of them with `resend`).

    Each acknowledged batch is written to the records file at once, so an interrupted post
    resumes where it stopped. `on_progress(done, pending)` is called after every batch.
    """
    statements = list(session_statements(records.session_records(session.id), iri_base))
    for statement in statements:
        problems = statement_problems(statement)
        if problems:
            raise ValueError(f"statement {statement['id']} is not valid xAPI: {'; '.join(problems)}")
    delivered = set() if resend else records.delivered_statement_ids(client.url)
    pending = [statement for statement in statements if statement["id"] not in delivered]
    done = 0

    def acknowledge(ids: list[str]) -> None:
        nonlocal done
        records.mark_delivered(ids, client.url)
        done += len(ids)
        if on_progress is not None:
            on_progress(done, len(pending))

    result = client.post(pending, on_batch=acknowledge)
    return PublishSummary(total=len(statements), skipped=len(statements) - len(pending), post=result)
