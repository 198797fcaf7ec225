"""A 401 says how to authenticate (RFC 6750 3): the realm alone when no bearer token came, and
`invalid_token` with why when the one that came is not good. Over HTTP, against the gateway."""
import datetime as dt
import os

import jwt
import pytest
import requests

from gateway.auth import mint
from lone_gateway import running

NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture
def base(amqp_uri):
    with running(amqp_uri) as [base]:
        yield base


def me(base, authorization=None):
    headers = {"Authorization": authorization} if authorization else {}
    return requests.get(f"{base}/api/v1/me", headers=headers, timeout=30)


def test_no_token_is_challenged_with_the_realm_alone_and_a_bad_one_with_invalid_token(base):
    for authorization in (None, "Basic dXNlcjpwYXNz"):
        answer = me(base, authorization)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="huiqi"'
        assert answer.headers["Content-Type"].startswith("application/problem+json")

    malformed = me(base, "Bearer not.a.jwt")
    assert malformed.status_code == 401
    challenge = malformed.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="huiqi", error="invalid_token", error_description="')
    assert "not valid" in challenge

    expired = jwt.encode({"sub": "a", "role": "office", "iss": "huiqi", "aud": "huiqi-api",
                          "iat": NOW - dt.timedelta(hours=2), "exp": NOW - dt.timedelta(hours=1)},
                         os.environ["HUIQI_JWT_SECRET"], algorithm="HS256")
    answer = me(base, f"Bearer {expired}")
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    assert 'error_description="the token has expired' in answer.headers["WWW-Authenticate"]
    assert answer.json()["detail"].startswith("the token has expired")


def test_a_good_token_is_not_challenged_and_no_cors_headers_without_the_setting(base):
    answer = me(base, f"Bearer {mint('clerk-li', 'office')}")
    assert answer.status_code == 200 and answer.json()["sub"] == "clerk-li"
    assert "WWW-Authenticate" not in answer.headers
    crossed = requests.get(f"{base}/api/v1/me", timeout=30, headers={
        "Origin": "https://elsewhere.example", "Authorization": f"Bearer {mint('c', 'office')}"})
    assert not [h for h in crossed.headers if h.lower().startswith("access-control-")]


def test_the_description_carries_no_quote_or_backslash():
    from kernel.entrypoints import www_authenticate
    challenge = www_authenticate("Bearer x", 'bad "token" \\ 令牌')
    assert challenge.endswith('error_description="bad ?token? ? ??"')
