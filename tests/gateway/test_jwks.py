"""Tokens from an identity provider: verified against its JWKS, the key picked by `kid`, the set
read again when an unknown kid arrives (at most once every few seconds) and periodically, so keys
rotate without a restart; its issuer and audience from the settings; the shared HS256 secret
refused once a JWKS is configured. Over HTTP against the gateway, the JWKS served by a small HTTP
server of the test's own."""
import datetime as dt
import http.server
import json
import os
import threading

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from gateway import jwks
from gateway.auth import authenticate, mint
from kernel import identity
from kernel.errors import Refused
from lone_gateway import running

ISSUER = "https://idp.example.gov.cn/realms/huiqi"
AUDIENCE = "huiqi-gateway"


class Key:
    """A signing key of the provider: its private half mints, its public half is published."""

    def __init__(self, kid: str, algorithm: str):
        self.kid, self.algorithm = kid, algorithm
        if algorithm == "RS256":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        elif algorithm == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.jwk = ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            self.private = ed25519.Ed25519PrivateKey.generate()
            self.jwk = OKPAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk.update(kid=kid, use="sig", alg=algorithm)

    def token(self, sub="clerk-li", role="office", *, issuer=ISSUER, audience=AUDIENCE,
              **claims) -> str:
        now = dt.datetime.now(dt.timezone.utc)
        return jwt.encode({"sub": sub, "role": role, "iss": issuer, "aud": audience, "iat": now,
                           "exp": now + dt.timedelta(minutes=10), **claims},
                          self.private, algorithm=self.algorithm, headers={"kid": self.kid})


class Provider:
    """The identity provider's JWKS endpoint: what it publishes can be changed mid-run."""

    def __init__(self):
        self.keys: list[Key] = []
        self.fetches = 0
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                provider.fetches += 1
                body = json.dumps({"keys": [key.jwk for key in provider.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/protocol/openid-connect/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    provider = Provider()
    yield provider
    provider.close()


@pytest.fixture
def provider_mode(provider, monkeypatch):
    monkeypatch.setenv("HUIQI_JWKS_URL", provider.url)
    monkeypatch.setenv("HUIQI_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("HUIQI_JWT_AUDIENCE", AUDIENCE)
    # Each test's own key set, read again on every unknown kid: rotation is shown without
    # waiting out the bound (shown on its own below).
    monkeypatch.setenv("HUIQI_JWKS_MIN_REFETCH", "0")
    return provider


def me(base, token):
    return requests.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                        timeout=30)


def refused(answer, rule):
    assert answer.status_code == 401, answer.text
    assert answer.json()["title"] == rule, answer.json()
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    return answer.json()["detail"]


def test_keys_rotate_without_a_restart_and_only_the_providers_tokens_pass(provider_mode,
                                                                          amqp_uri):
    provider = provider_mode
    first, second, third = Key("2024-a", "RS256"), Key("2024-b", "ES256"), Key("2024-c", "EdDSA")
    provider.keys = [first]
    with running(amqp_uri) as [base]:
        answer = me(base, first.token("officer-zhao", "unit_officer", unit="zhanggong-tax"))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"sub": "officer-zhao", "role": "unit_officer",
                                 "unit": "zhanggong-tax"}
        assert me(base, first.token("ent-1", "enterprise", uscc="91360702MA35G0QX4J")).json()[
            "uscc"] == "91360702MA35G0QX4J"

        assert "issuer" in refused(me(base, first.token(issuer="https://other.example")),
                                   "unauthorized").lower()
        assert "audience" in refused(me(base, first.token(audience="huiqi-api")),
                                     "unauthorized").lower()
        hs256 = jwt.encode(jwt.decode(first.token(), options={"verify_signature": False}),
                           os.environ["HUIQI_JWT_SECRET"], algorithm="HS256",
                           headers={"kid": first.kid})
        assert "HS256" in refused(me(base, hs256), "token_algorithm")
        assert "system" in refused(me(base, first.token("timer", "system")), "internal_role")

        # The provider rotates: the new key is published, the old one withdrawn.
        provider.keys = [second]
        fetched = provider.fetches
        assert me(base, second.token()).status_code == 200
        assert provider.fetches == fetched + 1          # read again for the unknown kid
        assert "2024-a" in refused(me(base, first.token()), "unknown_key")

        provider.keys = [second, third]
        assert me(base, third.token()).json()["sub"] == "clerk-li"
        assert me(base, second.token()).status_code == 200
        # A token claiming a key of another algorithm than the key's own is refused.
        forged = jwt.encode({"sub": "x"}, third.private, algorithm="EdDSA",
                            headers={"kid": second.kid})
        assert "ES256" in refused(me(base, forged), "token_algorithm")


def test_the_key_set_from_a_file_and_huiqi_token_refusing_to_mint(tmp_path, monkeypatch):
    key = Key("file-key", "ES256")
    file = tmp_path / "jwks.json"
    file.write_text(json.dumps({"keys": [key.jwk]}))
    monkeypatch.setenv("HUIQI_JWKS_FILE", str(file))
    monkeypatch.setenv("HUIQI_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("HUIQI_JWT_AUDIENCE", AUDIENCE)
    assert authenticate(f"Bearer {key.token('clerk-zhou')}").sub == "clerk-zhou"
    with pytest.raises(ValueError, match="HUIQI_JWKS_FILE is set"):
        mint("clerk", "office")
    # The shared JWT secret is no longer needed to start, nor used.
    assert identity.check_secrets(environ={"HUIQI_JWKS_FILE": str(file),
                                           "HUIQI_INTERNAL_SECRET": "i" * 40}) == []
    with pytest.raises(identity.MissingSecret, match="both set"):
        identity.check_secrets(environ={"HUIQI_JWKS_FILE": str(file), "HUIQI_JWKS_URL": "https://x",
                                        "HUIQI_INTERNAL_SECRET": "i" * 40})


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_unknown_kids_read_the_set_again_at_most_once_every_few_seconds_and_periodically():
    published = {"a": Key("a", "EdDSA")}
    clock = Clock()
    keys = jwks.ProviderKeys(("file", "unused"), refresh=300, min_refetch=5, clock=clock,
                             fetcher=lambda source: {kid: jwt.PyJWK(key.jwk)
                                                     for kid, key in published.items()})
    assert keys.key("a").key_id == "a" and keys.fetches == 1
    for n in range(50):                       # a flood of made-up kids
        with pytest.raises(Refused) as unknown:
            keys.key(f"made-up-{n}")
        assert unknown.value.rule == "unknown_key"
    assert keys.fetches == 1                  # within 5 s of the last read: not read again

    published["b"] = Key("b", "EdDSA")
    clock.now += 5
    assert keys.key("b").key_id == "b" and keys.fetches == 2

    del published["a"]                        # withdrawn: honoured until the next read
    clock.now += 100
    assert keys.key("a").key_id == "a" and keys.fetches == 2
    clock.now += 200                          # the periodic read
    with pytest.raises(Refused):
        keys.key("a")
    assert keys.fetches == 3


def test_a_set_that_cannot_be_read_keeps_the_last_one_or_says_come_back(tmp_path):
    file = tmp_path / "jwks.json"
    key = Key("a", "RS256")
    clock = Clock()
    keys = jwks.ProviderKeys(("file", str(file)), refresh=10, min_refetch=1, clock=clock)
    with pytest.raises(Refused) as unreadable:
        keys.key("a")
    assert unreadable.value.kind == "unavailable" and "jwks.json" in unreadable.value.message
    file.write_text(json.dumps({"keys": [key.jwk]}))
    clock.now += 1
    assert keys.key("a").key_id == "a"
    file.write_text("not json")
    clock.now += 10
    assert keys.key("a").key_id == "a"        # the last good set is kept
    file.write_text(json.dumps({"keys": [{**key.jwk, "use": "enc"}]}))
    clock.now += 10
    assert keys.key("a").key_id == "a"        # a set with no signing key is not one to use
