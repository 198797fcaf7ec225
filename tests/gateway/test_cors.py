"""CORS for the origins listed in HUIQI_CORS_ORIGINS: a preflight answered before routing (no
route takes OPTIONS), the listed origin echoed exactly on answers with what a script may read of
them, and nothing at all for an origin not listed. Over HTTP against the gateway."""
import pytest
import requests

from gateway.auth import mint
from gateway.cors import origins_from
from lone_gateway import running

PORTAL = "https://portal.huiqi.example.gov.cn"
DESK = "http://localhost:5173"


@pytest.fixture
def base(amqp_uri, monkeypatch):
    monkeypatch.setenv("HUIQI_CORS_ORIGINS", f"{PORTAL}, {DESK}/")
    monkeypatch.setenv("HUIQI_RATE_LIMIT_WRITE", "1/minute")
    with running(amqp_uri) as [base]:
        yield base


def cors_headers(answer) -> dict:
    return {k: v for k, v in answer.headers.items() if k.lower().startswith("access-control-")}


def preflight(base, origin, path="/api/v1/tickets", method="POST"):
    return requests.options(f"{base}{path}", timeout=30, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})


def test_a_listed_origins_preflight_is_answered_and_an_unlisted_ones_is_not(base):
    for origin in (PORTAL, DESK):
        answer = preflight(base, origin)
        assert answer.status_code == 204, answer.text
        assert answer.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in answer.headers["Vary"]
        assert set(answer.headers["Access-Control-Allow-Methods"].split(", ")) >= {
            "GET", "POST", "PUT", "PATCH", "DELETE"}
        assert answer.headers["Access-Control-Allow-Headers"].split(", ") == [
            "Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Correlation-ID"]
        assert int(answer.headers["Access-Control-Max-Age"]) > 0
        assert "Access-Control-Allow-Credentials" not in answer.headers

    stranger = preflight(base, "https://evil.example")
    assert stranger.status_code == 405 and not cors_headers(stranger)
    assert stranger.headers["Content-Type"].startswith("application/problem+json")
    # An OPTIONS that is no preflight is routed like any request.
    plain = requests.options(f"{base}/api/v1/tickets", headers={"Origin": PORTAL}, timeout=30)
    assert plain.status_code == 405


def test_answers_carry_the_origin_and_what_a_script_may_read_errors_included(base):
    token = mint("clerk-li", "office")
    answer = requests.get(f"{base}/api/v1/me", timeout=30, headers={
        "Origin": PORTAL, "Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Origin" in answer.headers["Vary"]
    assert answer.headers["Access-Control-Expose-Headers"].split(", ") == [
        "ETag", "Location", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotency-Key"]

    # A front-end must read a refusal as well as an answer: 401, 404, and 429.
    unauthenticated = requests.get(f"{base}/api/v1/me", headers={"Origin": DESK}, timeout=30)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["Access-Control-Allow-Origin"] == DESK
    missing = requests.get(f"{base}/api/v1/nothing-here", headers={"Origin": DESK}, timeout=30)
    assert missing.status_code == 404
    assert missing.headers["Access-Control-Allow-Origin"] == DESK
    for _ in range(2):
        limited = requests.post(f"{base}/api/v1/tickets", json={}, timeout=30, headers={
            "Origin": PORTAL, "Authorization": f"Bearer {token}"})
    assert limited.status_code == 429
    assert limited.headers["Access-Control-Allow-Origin"] == PORTAL

    stranger = requests.get(f"{base}/api/v1/me", timeout=30, headers={
        "Origin": "https://portal.huiqi.example.gov.cn.evil.example",
        "Authorization": f"Bearer {token}"})
    assert stranger.status_code == 200 and not cors_headers(stranger)


@pytest.mark.parametrize("given", ["portal.example", "https://portal.example/path", "ftp://x"])
def test_an_origin_that_is_not_one_is_refused_by_name(given):
    with pytest.raises(ValueError, match="HUIQI_CORS_ORIGINS"):
        origins_from({"HUIQI_CORS_ORIGINS": given})
