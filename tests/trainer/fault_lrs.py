"""A small xAPI statements endpoint on loopback that misbehaves on purpose, for the LRS client's tests.

It stores statements in memory like an LRS (200 with the list of ids; 409 for an id it holds) and,
depending on its mode, answers as the faulty servers, proxies and addresses a trainer meets do.
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"

MODES = {
    "lrs": "behave as an LRS",
    "redirect_301": "answer every request with 301 to another address (as http -> https redirects do)",
    "redirect_302": "answer every request with 302 to another address",
    "html_200": "answer 200 with an HTML page (a proxy's or a login page)",
    "ids_missing": "answer 200 with a JSON list that leaves out the last id",
    "conflict_all": "answer 409 to every POST and 404 to every GET",
    "busy": "answer 429 with Retry-After to the first `busy_answers` requests, then behave as an LRS",
    "unavailable": "answer 503 to every request",
}


class FaultLrs:
    """The server: ``url`` is its xAPI address; ``held`` maps statement id -> stored statement."""

    def __init__(self, mode: str = "lrs", *, retry_after: str = "1", busy_answers: int = 1, tls_context=None):
        assert mode in MODES, mode
        self.mode, self.retry_after, self.busy_answers = mode, retry_after, busy_answers
        self.held: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path with query)
        self._lock = threading.Lock()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                lrs._answer(self, "POST")

            def do_GET(self) -> None:
                lrs._answer(self, "GET")

            def do_PUT(self) -> None:
                lrs._answer(self, "PUT")

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self._server.daemon_threads = True
        if tls_context is not None:
            self._server.socket = tls_context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        scheme = "https" if tls_context is not None else "http"
        self.url = f"{scheme}://{LOOPBACK}:{self.port}/xAPI"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "FaultLrs":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- answers -----------------------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        with self._lock:
            self.requests.append((method, handler.path))
            count = len(self.requests)
        mode = self.mode
        if mode == "busy" and count > self.busy_answers:
            mode = "lrs"
        if mode.startswith("redirect_"):
            target = f"https://{LOOPBACK}:{self.port}{handler.path}"
            return self._send(handler, int(mode[-3:]), b"", {"Location": target})
        if mode == "html_200":
            return self._send(handler, 200, b"<!DOCTYPE html><html><body>Please sign in</body></html>",
                              {"Content-Type": "text/html; charset=utf-8"})
        if mode == "busy":
            return self._send(handler, 429, b'{"detail": "slow down"}', {"Retry-After": self.retry_after})
        if mode == "unavailable":
            return self._send(handler, 503, b'{"detail": "maintenance"}')
        if mode == "conflict_all":
            return self._send(handler, 409 if method == "POST" else 404, b'{"detail": "conflict"}')
        if method == "GET":
            return self._get(handler)
        statements = json.loads(body)
        statements = statements if isinstance(statements, list) else [statements]
        with self._lock:
            if any(s["id"] in self.held for s in statements):
                return self._send(handler, 409, b'{"detail": "statement id already stored"}')
            for statement in statements:
                self.held[statement["id"]] = dict(statement, stored="2025-03-14T09:30:00+00:00", version="1.0.3")
        ids = [s["id"] for s in statements]
        if mode == "ids_missing":
            ids = ids[:-1]
        self._send(handler, 200, json.dumps(ids).encode())

    def _get(self, handler: BaseHTTPRequestHandler) -> None:
        wanted = parse_qs(urlsplit(handler.path).query).get("statementId", [""])[0]
        with self._lock:
            held = self.held.get(wanted)
        if held is None:
            return self._send(handler, 404, b'{"detail": "no such statement"}')
        self._send(handler, 200, json.dumps(held).encode())

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict | None = None) -> None:
        handler.send_response(status)
        headers = {"Content-Type": "application/json", **(headers or {})}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def self_signed_context(folder) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1 (made with openssl)."""
    import subprocess

    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context
