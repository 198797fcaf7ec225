"""Bearer tokens: what the gateway accepts as an identity (issuer, audience, a bounded lifetime,
never an internal role, never the public development secret outside development mode), the CLI
that mints them, the secrets file `huiqi up` makes, and processes refusing to start without
their secrets."""
import datetime as dt
import os
import stat
import subprocess
import sys

import jwt
import pytest

from gateway.auth import ALGORITHM, DEVELOPMENT_SECRET, authenticate, mint
from huiqi import secrets as stack_secrets
from kernel import identity, settings
from kernel.errors import Refused

NOW = dt.datetime.now(dt.timezone.utc)
GOOD = {"sub": "a", "role": "office", "iss": "huiqi", "aud": "huiqi-api", "iat": NOW,
        "exp": NOW + dt.timedelta(hours=1)}


def signed(claims: dict, key: str | None = None) -> str:
    return jwt.encode(claims, key or os.environ["HUIQI_JWT_SECRET"], algorithm=ALGORITHM)


def refusal(token: str) -> Refused:
    with pytest.raises(Refused) as refused:
        authenticate(f"Bearer {token}")
    assert refused.value.kind == "unauthenticated"
    return refused.value


def without(claims: dict, name: str) -> dict:
    return {k: v for k, v in claims.items() if k != name}


def test_minted_token_is_the_identity_it_names_with_issuer_audience_and_lifetime():
    token = mint("officer-zhao", "unit_officer", unit="ruijin-power", hours=2)
    actor = authenticate(f"Bearer {token}")
    assert (actor.sub, actor.role, actor.unit) == ("officer-zhao", "unit_officer", "ruijin-power")
    assert actor.label == "unit_officer:ruijin-power:officer-zhao"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"]) == ("huiqi", "huiqi-api")
    assert claims["exp"] - claims["iat"] == 2 * 3600


@pytest.mark.parametrize("header, says", [
    (None, "bearer token is required"),
    ("Basic abc", "must be 'Bearer <token>'"),
    ("Bearer not.a.jwt", "not valid"),
])
def test_missing_or_malformed_tokens_are_401(header, says):
    with pytest.raises(Refused) as refused:
        authenticate(header)
    assert refused.value.kind == "unauthenticated" and says in refused.value.message


def test_expired_forged_unsigned_and_incomplete_tokens_are_401():
    assert "expired" in refusal(signed({**GOOD, "iat": NOW - dt.timedelta(hours=2),
                                        "exp": NOW - dt.timedelta(minutes=1)})).message
    assert "signature" in refusal(signed(GOOD, "another-secret-of-sufficient-length-xx")).message
    assert "unit" in refusal(signed({**GOOD, "role": "unit_officer"})).message
    refusal(jwt.encode(GOOD, None, algorithm="none"))


@pytest.mark.parametrize("claims, says", [
    (without(GOOD, "iss"), "iss"),
    ({**GOOD, "iss": "someone-else"}, "issuer"),
    (without(GOOD, "aud"), "aud"),
    ({**GOOD, "aud": "huiqi-services"}, "audience"),
    (without(GOOD, "iat"), "iat"),
    (without(GOOD, "exp"), "exp"),
])
def test_tokens_without_our_issuer_audience_or_times_are_401(claims, says):
    assert says in refusal(signed(claims)).message.lower()


def test_a_token_living_longer_than_a_day_is_401():
    refused = refusal(signed({**GOOD, "exp": NOW + dt.timedelta(hours=25)}))
    assert refused.rule == "token_lifetime"


def test_a_system_token_from_outside_is_refused_even_when_well_signed():
    refused = refusal(signed({**GOOD, "role": "system"}))
    assert refused.rule == "internal_role" and "system" in refused.message


def test_a_token_signed_with_the_development_secret_is_refused_outside_development_mode():
    refused = refusal(signed(GOOD, DEVELOPMENT_SECRET))
    assert refused.rule == "development_token"


def test_development_mode_uses_the_public_secrets_and_says_so(monkeypatch):
    monkeypatch.delenv("HUIQI_JWT_SECRET")
    monkeypatch.delenv("HUIQI_INTERNAL_SECRET")
    monkeypatch.setenv("HUIQI_DEVELOPMENT", "1")
    assert authenticate(f"Bearer {signed(GOOD, DEVELOPMENT_SECRET)}").role == "office"
    [warning] = identity.check_secrets()
    assert "DEVELOPMENT MODE" in warning and "forge" in warning


def test_mint_refuses_an_incomplete_identity_an_internal_role_and_a_long_life():
    with pytest.raises(ValueError, match="uscc"):
        mint("ent-1", "enterprise")
    with pytest.raises(ValueError, match="system"):
        mint("timer", "system")
    with pytest.raises(ValueError, match="24"):
        mint("clerk", "office", hours=48)


@pytest.mark.parametrize("environ, says", [
    ({}, "HUIQI_JWT_SECRET is not set"),
    ({"HUIQI_JWT_SECRET": DEVELOPMENT_SECRET}, "public development secret"),
    ({"HUIQI_JWT_SECRET": "short"}, "at least 32"),
])
def test_no_secret_no_start_unless_development_mode(environ, says):
    environ = {"HUIQI_INTERNAL_SECRET": "i" * 40, **environ}
    with pytest.raises(identity.MissingSecret, match=says):
        identity.check_secrets(environ=environ)
    assert identity.check_secrets(environ={**environ, "HUIQI_DEVELOPMENT": "1"})


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "huiqi", *args], capture_output=True, text=True,
                          cwd=settings.ROOT, env=env, timeout=60)


def bare_environment(tmp_path) -> dict:
    """The environment with no secret and no development mode, and a var dir of its own."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HUIQI_JWT_SECRET", "HUIQI_INTERNAL_SECRET", "HUIQI_DEVELOPMENT")}
    return {**env, "HUIQI_VAR_DIR": str(tmp_path / "var")}


@pytest.mark.parametrize("service", ["gateway", "tickets"])
def test_a_process_refuses_to_start_without_its_secrets(tmp_path, service):
    done = cli("serve", service, env=bare_environment(tmp_path))
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "HUIQI_JWT_SECRET is not set" in done.stderr
    assert "HUIQI_DEVELOPMENT=1" in done.stderr
    public = cli("serve", service, env={**bare_environment(tmp_path),
                                        "HUIQI_JWT_SECRET": DEVELOPMENT_SECRET,
                                        "HUIQI_INTERNAL_SECRET": "i" * 40})
    assert public.returncode == 2 and "public development secret" in public.stderr


def test_cli_mints_a_token_the_gateway_accepts():
    done = cli("token", "--sub", "ent-1", "--role", "enterprise", "--uscc", "91360702MA35G0QX4J",
               env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    actor = authenticate(f"Bearer {done.stdout.strip()}")
    assert (actor.role, actor.uscc) == ("enterprise", "91360702MA35G0QX4J")
    refused = cli("token", "--sub", "x", "--role", "unit_officer", env=dict(os.environ))
    assert refused.returncode == 2 and "unit" in refused.stderr
    system = cli("token", "--sub", "x", "--role", "system", env=dict(os.environ))
    assert system.returncode == 2 and "system" in system.stderr


def test_the_secrets_file_is_private_kept_and_what_the_token_command_signs_with(tmp_path,
                                                                               monkeypatch):
    env = bare_environment(tmp_path)
    nothing = cli("token", "--sub", "c", "--role", "office", env=env)
    assert nothing.returncode == 2 and "HUIQI_JWT_SECRET is not set" in nothing.stderr

    file = tmp_path / "var" / "secrets.env"
    made = stack_secrets.ensure(file)
    assert set(made) == {"HUIQI_JWT_SECRET", "HUIQI_INTERNAL_SECRET"}
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stack_secrets.ensure(file) == made            # made once, then kept
    assert made["HUIQI_JWT_SECRET"] != made["HUIQI_INTERNAL_SECRET"]

    done = cli("token", "--sub", "c", "--role", "office", env=env)
    assert done.returncode == 0, done.stderr
    monkeypatch.setenv("HUIQI_JWT_SECRET", made["HUIQI_JWT_SECRET"])
    assert authenticate(f"Bearer {done.stdout.strip()}").sub == "c"


def test_up_hands_the_secrets_file_to_the_stack_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("HUIQI_INTERNAL_SECRET")
    given = os.environ["HUIQI_JWT_SECRET"]
    added = stack_secrets.for_stack()
    assert list(added) == ["HUIQI_INTERNAL_SECRET"]      # the JWT secret set is never replaced
    assert stack_secrets.read(tmp_path / "secrets.env")["HUIQI_INTERNAL_SECRET"] == \
        added["HUIQI_INTERNAL_SECRET"]
    assert os.environ["HUIQI_JWT_SECRET"] == given
