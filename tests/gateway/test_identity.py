"""Only who belongs, over HTTP at the gateway: a `system` token from outside and a token signed
with the public development secret are refused (401 problem+json); bodies are capped (413,
unread) and shallow (400); an internal error carries an id the caller can quote, also in the
log line."""
import datetime as dt
import io
import json
import logging
import socket
from urllib.parse import urlsplit

import jwt
import structlog

from gateway.auth import DEVELOPMENT_SECRET
from gateway.http import MAX_BODY_BYTES
from kernel import logs

NOW = dt.datetime.now(dt.timezone.utc)


def token(key: str | None = None, **changes) -> str:
    import os
    claims = {"sub": "x", "role": "office", "iss": "huiqi", "aud": "huiqi-api", "iat": NOW,
              "exp": NOW + dt.timedelta(hours=1), **changes}
    return jwt.encode(claims, key or os.environ["HUIQI_JWT_SECRET"], algorithm="HS256")


def bearer(value: str) -> dict:
    return {"Authorization": f"Bearer {value}"}


def test_a_system_token_is_refused_at_the_gateway(live_gateway):
    for path in ("/api/v1/me", "/api/v1/tickets", "/api/v1/audit/verify"):
        answer = live_gateway.call("GET", path, None, headers=bearer(token(role="system")))
        assert answer.status_code == 401, path
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert answer.json()["title"] == "internal_role"


def test_a_development_token_is_refused_outside_development_mode(live_gateway):
    answer = live_gateway.call("GET", "/api/v1/tickets", None,
                               headers=bearer(token(DEVELOPMENT_SECRET)))
    assert answer.status_code == 401 and answer.json()["title"] == "development_token"
    # while one signed with the stack's own secret is welcome
    assert live_gateway.call("GET", "/api/v1/me", None, headers=bearer(token())).json() == {
        "sub": "x", "role": "office"}


def test_an_oversized_body_is_413_by_its_content_length(live_gateway):
    # Announced, not sent: the gateway must answer from the header alone.
    parts = urlsplit(live_gateway.base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {live_gateway.tokens['office']}\r\n".encode()
            + b"Content-Length: 419430400\r\nConnection: close\r\n\r\n{")
        head = connection.recv(65536).decode("utf-8", "replace")
    assert head.startswith("HTTP/1.1 413"), head[:200]
    assert "body_too_large" in head


def test_a_body_over_the_cap_sent_without_a_length_is_413(live_gateway):
    def chunks():
        for _ in range(3):
            yield b"[" * (MAX_BODY_BYTES // 2)
    answer = live_gateway.call("POST", "/api/v1/tickets", data=chunks(),
                               headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and answer.json()["title"] == "body_too_large"


def test_a_deeply_nested_body_is_400(live_gateway):
    answer = live_gateway.call("POST", "/api/v1/tickets", data=b"[" * 200_000,
                               headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and "nests deeper" in answer.json()["detail"]


def test_an_internal_error_carries_an_id_the_caller_can_quote_and_the_log_has(live_gateway):
    from kernel.entrypoints import HttpEntrypoint
    stream, root = io.StringIO(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure("gateway", stream)
    try:
        entrypoint = HttpEntrypoint("GET", "/boom")
        entrypoint.url = "/boom"
        response = entrypoint.response_from_exception(RuntimeError("a bug"))
    finally:
        structlog.reset_defaults()
        root.handlers[:], root.level = handlers, level
    body = json.loads(response.get_data())
    assert response.status_code == 500 and body["title"] == "internal_error"
    assert body["instance"] == f"urn:huiqi:error:{body['error_id']}"
    assert body["error_id"] in body["detail"]
    [line] = [json.loads(l) for l in stream.getvalue().splitlines()
              if l.startswith("{") and "request failed" in l]
    assert line["error_id"] == body["error_id"] and "a bug" in line.get("exception", "")
