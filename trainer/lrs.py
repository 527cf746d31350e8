"""Posting xAPI statements to a learning record store (LRS), counting only what the LRS confirms it holds.

A statement counts as delivered only when the LRS says so in xAPI's own terms: a 200 answer whose
JSON list of statement ids covers the batch, or, after a 409 (an id it already holds), the statement
fetched back from the LRS and found identical. Anything else (a redirect, a 200 login page from a
proxy, a conflict with different content) delivers nothing and says why. Retrying is safe because
every statement carries its own id. Failures a trainer can fix become one RecordsError message.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence
from urllib.parse import urlsplit

import requests

from .errors import RecordsError
from .xapi import XAPI_VERSION

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_BACKOFF_SECONDS = 30.0  # the longest pause between two attempts of our own choosing
MAX_RETRY_AFTER_SECONDS = 120.0  # an LRS asking for a longer pause is left alone: post again later
MAX_TIMEOUT_SECONDS = 600.0


@dataclass
class PostResult:
    """What a post achieved: statements newly stored, already held identically, refused, and requests made.

    ``conflicts`` are statements whose id the LRS holds with other content (or would not show):
    they are not delivered and are not in ``acknowledged_ids``.
    """

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
        if not (math.isfinite(timeout_seconds) and 0 < timeout_seconds <= MAX_TIMEOUT_SECONDS):
            raise RecordsError(f"--timeout {timeout_seconds:g}: give the seconds to wait for each answer, "
                               f"more than 0 and at most {MAX_TIMEOUT_SECONDS:g} (default 10).")
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
        self._headers = {"X-Experience-API-Version": XAPI_VERSION}

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "LrsClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def post(
        self, statements: Sequence[dict[str, Any]], on_batch: Callable[[list[str]], None] | None = None
    ) -> PostResult:
        """Post statements in batches; `on_batch` gets the ids of each batch that the LRS confirmed holding."""
        result = PostResult()
        for start in range(0, len(statements), self._batch_size):
            batch = list(statements[start:start + self._batch_size])
            ids = self._post_batch(batch, result)
            result.acknowledged_ids.extend(ids)
            if on_batch is not None and ids:
                on_batch(ids)
        return result

    def _post_batch(self, batch: list[dict[str, Any]], result: PostResult) -> list[str]:
        """Post a batch; return the ids the LRS confirmed (stored now, or held identically already)."""
        response = self._request("POST", json.dumps(batch, ensure_ascii=False).encode("utf-8"), result)
        ids = [statement["id"] for statement in batch]
        if response.status_code == 200:
            confirmed = _json_list(response)
            if confirmed is None or not set(ids) <= set(confirmed):
                raise RecordsError(
                    f"The LRS at {self.url} answered HTTP 200 but did not confirm the statements "
                    f"({_what_came_back(response)}); none were counted as delivered. Check that --lrs is the "
                    "LRS's xAPI address and that no proxy or login page answers in its place."
                )
            result.stored += len(batch)
            return ids
        if len(batch) > 1:
            # 409 (or 204): some id is held already and the LRS refused the whole batch; one by one,
            # the new statements go in and each held one is checked.
            return [i for statement in batch for i in self._post_batch([statement], result)]
        if self._holds_identical(batch[0], result):
            result.already_stored += 1
            return ids
        result.conflicts += 1
        return []

    def _holds_identical(self, statement: dict[str, Any], result: PostResult) -> bool:
        """Whether the LRS holds this statement's id with the same content (fetched back and compared)."""
        response = self._request("GET", None, result, params={"statementId": statement["id"]}, accept={404})
        if response.status_code != 200:
            return False
        try:
            held = response.json()
        except ValueError:
            return False
        if isinstance(held, dict) and isinstance(held.get("statements"), list):  # some LRSs answer with a result page
            held = next((s for s in held["statements"] if isinstance(s, dict) and s.get("id") == statement["id"]), None)
        return isinstance(held, dict) and same_statement(statement, held)

    def _request(self, method: str, body: bytes | None, result: PostResult, *, params: dict | None = None,
                 accept: frozenset[int] | set[int] = frozenset()) -> requests.Response:
        """One request, retried after dropped connections, timeouts and temporary server errors.

        Returns answers 200, 204 and 409 (and those in ``accept``); every other outcome is a RecordsError.
        """
        headers = dict(self._headers, **({"Content-Type": "application/json"} if body is not None else {}))
        problem, pause = "", 0.0
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(pause)
            pause = min(self._backoff * 2 ** attempt, MAX_BACKOFF_SECONDS)
            result.requests += 1
            try:
                response = self._http.request(method, self.url, data=body, params=params, headers=headers,
                                              auth=self._auth, timeout=self._timeout, allow_redirects=False)
            except requests.exceptions.SSLError as error:
                raise RecordsError(f"Could not talk securely to the LRS at {self.url}: {_describe_tls_error(error)}; "
                                   "nothing was sent.") from None
            except requests.RequestException as error:
                problem = _describe_connection_error(error)
                continue
            status = response.status_code
            if status in (200, 204, 409) or status in accept:
                return response
            if status in REDIRECT_STATUS:
                raise RecordsError(_redirect_message(self.url, response))
            if status in (401, 403):
                raise RecordsError(
                    f"The LRS at {self.url} refused the user name or password (HTTP {status}); "
                    "check --user and --password (or SRL_LRS_USER and SRL_LRS_PASSWORD)."
                )
            if status == 404:
                raise RecordsError(
                    f"There is no xAPI statements resource at {self.url} (HTTP 404); check --lrs: it should be the "
                    "LRS's xAPI address, for example https://lrs.example.org/xAPI"
                )
            if status not in RETRYABLE_STATUS:
                raise RecordsError(
                    f"The LRS at {self.url} rejected the statements (HTTP {status}: "
                    f"{_detail(response)}); nothing more was sent."
                )
            problem = f"HTTP {status}"
            asked = retry_after_seconds(response)
            if asked is not None:
                if asked > MAX_RETRY_AFTER_SECONDS:
                    raise RecordsError(
                        f"The LRS at {self.url} is busy and asks to wait {asked:.0f} s (HTTP {status}, Retry-After); "
                        "post again later: statements already sent are not sent twice."
                    )
                pause = asked
        raise RecordsError(
            f"Could not reach the LRS at {self.url} after {self._max_attempts} attempts ({problem}); check the "
            "address and that the LRS is running, then post again: statements already sent are not sent twice."
        )


def retry_after_seconds(response: requests.Response) -> float | None:
    """The pause a ``Retry-After`` header asks for (seconds, or an HTTP date), or None without a usable one."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def same_statement(sent: dict[str, Any], held: dict[str, Any]) -> bool:
    """Whether the statement an LRS holds is the one sent: every property sent is held with the same value.

    An LRS adds properties of its own (``stored``, ``authority``, ``version``, an ``objectType``)
    and may write a timestamp in another form, so held properties beyond those sent are ignored
    and timestamps are compared as instants.
    """
    return all(key in held and _same_value(value, held[key], key) for key, value in sent.items())


def _same_value(sent: Any, held: Any, key: str = "") -> bool:
    if key == "timestamp" and isinstance(sent, str) and isinstance(held, str):
        return _instant(sent) is not None and _instant(sent) == _instant(held)
    if isinstance(sent, dict):
        return isinstance(held, dict) and all(k in held and _same_value(v, held[k], k) for k, v in sent.items())
    if isinstance(sent, list):
        return isinstance(held, list) and len(sent) == len(held) and all(map(_same_value, sent, held))
    if isinstance(sent, bool) or isinstance(held, bool):
        return sent is held
    return sent == held


def _instant(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _redirect_message(url: str, response: requests.Response) -> str:
    target = response.headers.get("Location", "")
    suggestion = target.split("?")[0].removesuffix("/").removesuffix("/statements") if target else ""
    where = f"redirects to {target}" if target else "redirects elsewhere"
    advice = f"; if that is the LRS, post to it with --lrs {suggestion}" if suggestion else ""
    return (f"The LRS address {url} {where} (HTTP {response.status_code}); nothing was sent there, "
            f"as the statements and password must go to the LRS itself{advice}.")


def _describe_tls_error(error: requests.exceptions.SSLError) -> str:
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        reason = text.split("certificate verify failed:")[-1].split("(")[0].strip(" )'\"") or "not trusted"
        return (f"its TLS certificate is not trusted ({reason}); install the certificate of the organisation that "
                "issued it, or ask the LRS's administrator for a valid one")
    if any(sign in text for sign in ("WRONG_VERSION_NUMBER", "record layer failure", "UNKNOWN_PROTOCOL",
                                     "packet length too long", "HTTP_REQUEST")):
        return "the server at that port does not speak TLS (https); check http:// or https:// and the port in --lrs"
    return f"the TLS handshake failed ({text[:160]})"


def _describe_connection_error(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "no answer in time"
    if isinstance(error, requests.ConnectionError):
        return "connection refused or dropped"
    return type(error).__name__


def _json_list(response: requests.Response) -> list[str] | None:
    """The statement ids of a JSON list answer, or None when the answer is not such a list."""
    try:
        payload = response.json()
    except ValueError:
        return None
    if not isinstance(payload, list) or not all(isinstance(item, str) for item in payload):
        return None
    return payload


def _what_came_back(response: requests.Response) -> str:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"
    if "html" in kind:
        return "an HTML page, not a list of statement ids"
    if _json_list(response) is not None:
        return "a list of statement ids that leaves some of them out"
    return f"{kind}, not a list of statement ids"


def _detail(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    detail = payload.get("detail", payload) if isinstance(payload, dict) else payload
    return json.dumps(detail, ensure_ascii=False)[:200]
