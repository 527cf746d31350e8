"""Posting xAPI statements to a learning record store (LRS), retrying without ever storing twice.

Retrying is safe because every statement carries its own id: an LRS that already holds an id
answers 204 (same statement) or 409 (a different statement with that id), and both mean the
statement is there. Failures a trainer can fix become one RecordsError message.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

import requests

from .errors import RecordsError
from .xapi import XAPI_VERSION

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass
class PostResult:
    """What a post achieved: statements newly stored, already held by the LRS, and requests made."""

    stored: int = 0
    already_stored: int = 0
    conflicts: int = 0
    requests: int = 0
    acknowledged_ids: list[str] = field(default_factory=list)


def statements_url(lrs_url: str) -> str:
    """The statements resource of an LRS given by its xAPI base address (…/xAPI or …/xAPI/statements)."""
    parts = urlsplit(lrs_url.strip())
    try:
        parts.port  # raises for a port that is not a number in 0..65535
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RecordsError(
            f"{lrs_url!r} is not an LRS address; give its xAPI address, for example --lrs https://lrs.example.org/xAPI"
        )
    if parts.username or parts.password:
        raise RecordsError("Put the LRS user name and password in --user and --password, not in the --lrs address.")
    base = lrs_url.strip().rstrip("/")
    return base if base.endswith("/statements") else f"{base}/statements"


class LrsClient:
    """Sends statements in batches to one LRS with basic authentication, retrying failed attempts."""

    def __init__(
        self,
        lrs_url: str,
        username: str,
        password: str,
        *,
        timeout_seconds: float = 10.0,
        max_attempts: int = 4,
        backoff_seconds: float = 0.5,
        batch_size: int = 25,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not username or not password:
            raise RecordsError("The LRS needs a user name and password: give --user and --password "
                               "(or set SRL_LRS_USER and SRL_LRS_PASSWORD).")
        if max_attempts < 1 or batch_size < 1:
            raise ValueError("max_attempts and batch_size must be at least 1")
        self.url = statements_url(lrs_url)
        self._auth = (username, password)
        self._timeout = timeout_seconds
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._batch_size = batch_size
        self._sleep = sleep
        self._http = requests.Session()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "LrsClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def post(
        self, statements: Sequence[dict[str, Any]], on_batch: Callable[[list[str]], None] | None = None
    ) -> PostResult:
        """Post statements in batches; `on_batch` gets the ids of each batch the LRS has acknowledged."""
        result = PostResult()
        for start in range(0, len(statements), self._batch_size):
            batch = list(statements[start:start + self._batch_size])
            self._post_batch(batch, result)
            ids = [statement["id"] for statement in batch]
            result.acknowledged_ids.extend(ids)
            if on_batch is not None:
                on_batch(ids)
        return result

    def _post_batch(self, batch: list[dict[str, Any]], result: PostResult) -> None:
        response = self._send(batch, result)
        if response.status_code == 200:
            new_ids = set(_json_list(response))
            stored = sum(1 for statement in batch if statement["id"] in new_ids) if new_ids else len(batch)
            result.stored += stored
            result.already_stored += len(batch) - stored
        elif response.status_code == 204:
            result.already_stored += len(batch)
        elif len(batch) > 1:
            # 409: one id is held with different content and the LRS rejected the whole batch;
            # send them one by one so the others are stored.
            for statement in batch:
                self._post_batch([statement], result)
        else:
            result.already_stored += 1
            result.conflicts += 1

    def _send(self, batch: list[dict[str, Any]], result: PostResult) -> requests.Response:
        """POST one batch, retrying dropped connections, timeouts and temporary server errors."""
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Experience-API-Version": XAPI_VERSION}
        problem = ""
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            result.requests += 1
            try:
                response = self._http.post(self.url, data=body, headers=headers, auth=self._auth,
                                           timeout=self._timeout)
            except requests.RequestException as error:
                problem = _describe_connection_error(error)
                continue
            if response.status_code in (200, 204, 409):
                return response
            if response.status_code in (401, 403):
                raise RecordsError(
                    f"The LRS at {self.url} refused the user name or password (HTTP {response.status_code}); "
                    "check --user and --password (or SRL_LRS_USER and SRL_LRS_PASSWORD)."
                )
            if response.status_code == 404:
                raise RecordsError(
                    f"There is no xAPI statements resource at {self.url} (HTTP 404); check --lrs: it should be the "
                    "LRS's xAPI address, for example https://lrs.example.org/xAPI"
                )
            if response.status_code not in RETRYABLE_STATUS:
                raise RecordsError(
                    f"The LRS at {self.url} rejected the statements (HTTP {response.status_code}: "
                    f"{_detail(response)}); nothing more was sent."
                )
            problem = f"HTTP {response.status_code}"
        raise RecordsError(
            f"Could not reach the LRS at {self.url} after {self._max_attempts} attempts ({problem}); check the "
            "address and that the LRS is running, then post again: statements already sent are not sent twice."
        )


def _describe_connection_error(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "no answer in time"
    if isinstance(error, requests.ConnectionError):
        return "connection refused or dropped"
    return type(error).__name__


def _json_list(response: requests.Response) -> list[str]:
    try:
        payload = response.json()
    except ValueError:
        return []
    return [item for item in payload if isinstance(item, str)] if isinstance(payload, list) else []


def _detail(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
    return json.dumps(detail, ensure_ascii=False)[:200]
