"""Rate limits per caller — the verified token's `sub`, or the address of a caller without one —
for anonymous callers, heavy routes and commands, each its own: 429 problem+json naming the limit
with Retry-After, and the RateLimit-Policy and RateLimit headers on every answer of a limited
route. Over HTTP against the gateway; the counts shared by two gateways through Redis."""
import http.client
import json
import re
import uuid
from urllib.parse import urlsplit

import pytest
import redis
import requests
from requests.structures import CaseInsensitiveDict

from gateway import limits
from gateway.auth import mint
from gateway.operations import operations_of
from gateway.service import Gateway
from lone_gateway import running

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setenv("HUIQI_RATE_LIMIT_ANONYMOUS", "4/minute")
    monkeypatch.setenv("HUIQI_RATE_LIMIT_HEAVY", "2/minute")
    monkeypatch.setenv("HUIQI_RATE_LIMIT_WRITE", "3/minute")


def bearer(sub: str) -> dict:
    return {"Authorization": f"Bearer {mint(sub, 'office')}"}


def write(base: str, sub: str):
    # An empty body is refused by the gateway itself (422): no service needs to answer it.
    return requests.post(f"{base}/api/v1/tickets", json={}, headers=bearer(sub), timeout=30)


def remaining(answer, policy: str) -> int:
    match = re.search(rf'"{policy}";r=(\d+);t=(\d+)', answer.headers["RateLimit"])
    assert match, answer.headers["RateLimit"]
    assert int(match.group(2)) >= 1
    return int(match.group(1))


def assert_limited(answer, policy: str, quota: int) -> dict:
    assert answer.status_code == 429, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["title"] == "rate_limited" and problem["limit"] == policy
    assert f"the {policy} limit, {quota} requests a minute" in problem["detail"]
    retry = int(answer.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert f'"{policy}";q={quota};w=60' in answer.headers["RateLimit-Policy"]
    assert remaining(answer, policy) == 0
    return problem


def test_commands_of_one_caller_are_limited_and_another_caller_is_not(amqp_uri, small_limits):
    with running(amqp_uri) as [base]:
        answers = [write(base, "clerk-li") for _ in range(3)]
        assert [a.status_code for a in answers] == [422, 422, 422]
        assert [remaining(a, "write") for a in answers] == [2, 1, 0]
        assert answers[0].headers["RateLimit-Policy"] == '"write";q=3;w=60'
        assert_limited(write(base, "clerk-li"), "write", 3)
        assert write(base, "clerk-wang").status_code == 422
        # Reads of a caller with a token are not limited, nor do they count.
        me = requests.get(f"{base}/api/v1/me", headers=bearer("clerk-li"), timeout=30)
        assert me.status_code == 200 and "RateLimit" not in me.headers


def from_address(base: str, source: str, path: str, headers=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                            source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, CaseInsensitiveDict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_callers_without_a_valid_token_are_limited_by_their_address(amqp_uri, small_limits):
    with running(amqp_uri) as [base]:
        for n in range(4):
            status, headers, _ = from_address(base, "127.0.0.1", "/api/v1/openapi.json")
            assert status == 200 and f'"anonymous";r={3 - n};' in headers["RateLimit"]
        # A token that does not verify is no way round it.
        status, headers, body = from_address(base, "127.0.0.1", "/api/v1/me",
                                             {"Authorization": "Bearer forged.token.here"})
        assert status == 429 and json.loads(body)["limit"] == "anonymous"
        assert int(headers["Retry-After"]) >= 1
        # Another address, and a caller with a token, are counted apart.
        status, _, _ = from_address(base, "127.0.0.2", "/api/v1/openapi.json")
        assert status == 200
        status, _, _ = from_address(base, "127.0.0.1", "/api/v1/openapi.json",
                                    bearer("clerk-li"))
        assert status == 200
        # Health and metrics are never limited: machines ask them, and operators need them most.
        assert all(requests.get(f"{base}/healthz", timeout=30).status_code in (200, 503)
                   for _ in range(6))


def test_heavy_routes_are_limited_per_caller_and_route(amqp_uri, small_limits):
    with running(amqp_uri) as [base]:
        # An unknown parameter is refused by the gateway itself, after the count.
        export = f"{base}/api/v1/tickets/export?not_a_parameter=1"
        answers = [requests.get(export, headers=bearer("clerk-li"), timeout=30)
                   for _ in range(2)]
        assert [a.status_code for a in answers] == [422, 422]
        assert answers[1].headers["RateLimit-Policy"] == '"heavy";q=2;w=60'
        assert_limited(requests.get(export, headers=bearer("clerk-li"), timeout=30), "heavy", 2)
        verify = requests.get(f"{base}/api/v1/audit/verify?not_a_parameter=1",
                              headers=bearer("clerk-li"), timeout=30)
        assert verify.status_code != 429 and remaining(verify, "heavy") == 1
        assert requests.get(export, headers=bearer("clerk-wang"), timeout=30).status_code == 422


def test_limits_off(amqp_uri, monkeypatch):
    monkeypatch.setenv("HUIQI_RATE_LIMITS", "off")
    monkeypatch.setenv("HUIQI_RATE_LIMIT_WRITE", "1/minute")
    with running(amqp_uri) as [base]:
        answers = [write(base, "clerk-li") for _ in range(3)]
        assert [a.status_code for a in answers] == [422, 422, 422]
        assert "RateLimit" not in answers[-1].headers


def test_two_gateways_share_the_counts_through_redis(amqp_uri, small_limits, monkeypatch):
    store = redis.Redis.from_url(REDIS)
    try:
        store.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS}: {exc}")
    prefix = f"huiqi-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("HUIQI_RATE_LIMIT_STORAGE", REDIS)
    monkeypatch.setenv("HUIQI_RATE_LIMIT_PREFIX", prefix)
    try:
        with running(amqp_uri, count=2) as [first, second]:
            assert write(first, "clerk-li").status_code == 422
            assert write(second, "clerk-li").status_code == 422
            third = write(first, "clerk-li")
            assert third.status_code == 422 and remaining(third, "write") == 0
            assert_limited(write(second, "clerk-li"), "write", 3)
            assert_limited(write(first, "clerk-li"), "write", 3)
            assert write(second, "clerk-wang").status_code == 422
        assert list(store.scan_iter(f"{prefix}*"))       # the counts were in Redis
    finally:
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
        store.close()


def test_the_heavy_routes_are_the_documents_exports_and_ledger_walks():
    heavy = sorted(o.path for o in operations_of(Gateway)
                   if limits.heavy_route(re.sub(r"\{\w+\}", "x", o.path)))
    assert heavy == sorted([
        "/api/v1/assessments/{year}/export.pdf", "/api/v1/assessments/{year}/export.xlsx",
        "/api/v1/audit/evidence", "/api/v1/audit/verify",
        "/api/v1/compendium/editions/{number}.docx", "/api/v1/compendium/editions/{number}.pdf",
        "/api/v1/tickets/export", "/portal/compendium.docx", "/portal/compendium.pdf"])
    assert limits.heavy_route("/api/v1/compendium/editions/3/sections/2/document")
    assert not limits.heavy_route("/api/v1/tickets")


@pytest.mark.parametrize("given", ["lots", "10/fortnight", "10 per minute per caller, 20/hour"])
def test_a_rate_that_is_not_one_is_refused_by_name(given):
    with pytest.raises(ValueError, match="HUIQI_RATE_LIMIT_WRITE"):
        limits.RateLimits.from_environ({"HUIQI_RATE_LIMIT_WRITE": given})
