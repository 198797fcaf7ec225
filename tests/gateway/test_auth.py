"""Bearer tokens: what the gateway accepts as an identity, and the CLI that mints them."""
import datetime as dt
import os
import subprocess
import sys

import jwt
import pytest

from gateway.auth import ALGORITHM, DEVELOPMENT_SECRET, authenticate, mint
from kernel.errors import Refused
from kernel import settings


def test_minted_token_is_the_identity_it_names():
    actor = authenticate(f"Bearer {mint('officer-zhao', 'unit_officer', unit='ruijin-power')}")
    assert (actor.sub, actor.role, actor.unit) == ("officer-zhao", "unit_officer", "ruijin-power")
    assert actor.label == "unit_officer:ruijin-power:officer-zhao"


@pytest.mark.parametrize("header, says", [
    (None, "bearer token is required"),
    ("Basic abc", "must be 'Bearer <token>'"),
    ("Bearer not.a.jwt", "not valid"),
])
def test_missing_or_malformed_tokens_are_401(header, says):
    with pytest.raises(Refused) as refused:
        authenticate(header)
    assert refused.value.kind == "unauthenticated" and says in refused.value.message


def test_expired_forged_and_incomplete_tokens_are_401():
    now = dt.datetime.now(dt.timezone.utc)
    expired = jwt.encode({"sub": "a", "role": "office", "exp": now - dt.timedelta(minutes=1)},
                         DEVELOPMENT_SECRET, algorithm=ALGORITHM)
    forged = jwt.encode({"sub": "a", "role": "office", "exp": now + dt.timedelta(hours=1)},
                        "another-secret-of-sufficient-length-xx", algorithm=ALGORITHM)
    no_unit = jwt.encode({"sub": "a", "role": "unit_officer", "exp": now + dt.timedelta(hours=1)},
                         DEVELOPMENT_SECRET, algorithm=ALGORITHM)
    unsigned = jwt.encode({"sub": "a", "role": "office", "exp": now + dt.timedelta(hours=1)},
                          None, algorithm="none")
    messages = []
    for token in (expired, forged, no_unit, unsigned):
        with pytest.raises(Refused) as refused:
            authenticate(f"Bearer {token}")
        assert refused.value.kind == "unauthenticated"
        messages.append(refused.value.message)
    assert "expired" in messages[0] and "unit" in messages[2]


def test_mint_refuses_an_incomplete_identity():
    with pytest.raises(ValueError, match="uscc"):
        mint("ent-1", "enterprise")


def test_cli_mints_a_token_the_gateway_accepts():
    done = subprocess.run(
        [sys.executable, "-m", "huiqi", "token", "--sub", "ent-1", "--role", "enterprise",
         "--uscc", "91360702MA35G0QX4J"], capture_output=True, text=True, cwd=settings.ROOT,
        env={**os.environ, "HUIQI_JWT_SECRET": DEVELOPMENT_SECRET}, timeout=60)
    assert done.returncode == 0, done.stderr
    actor = authenticate(f"Bearer {done.stdout.strip()}")
    assert (actor.role, actor.uscc) == ("enterprise", "91360702MA35G0QX4J")
    refused = subprocess.run([sys.executable, "-m", "huiqi", "token", "--sub", "x", "--role",
                              "unit_officer"], capture_output=True, text=True, cwd=settings.ROOT,
                             timeout=60)
    assert refused.returncode == 2 and "unit" in refused.stderr
