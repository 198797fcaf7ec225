"""Bearer tokens at the gateway: JWTs with claims `sub`, `role` and `unit` (a unit's id) or
`uscc` (an enterprise's credit code), checked for issuer, audience and a bounded lifetime
(`kernel.identity`): the identity provider's, verified against its JWKS (`gateway.jwks`), or,
with no JWKS configured, HS256 with the shared secret, for development. A verified caller reaches the services as a short-lived assertion the gateway
signs with the internal secret; the services verify it themselves. The gateway only establishes
who is calling; what they may do is the services' rule."""
from __future__ import annotations

import enum

from pydantic import BaseModel, Field

from gateway import jwks
from kernel import identity
from kernel.actor import ROLES, TOKENLESS_ROLES, Actor
from kernel.errors import UNAUTHENTICATED, Refused

DEVELOPMENT_SECRET = identity.DEVELOPMENT_SECRETS[identity.JWT_SECRET]
ALGORITHM = identity.ALGORITHM


# The roles a token may carry, as a vocabulary of the wire: the stack's own (`system`) is not one,
# nor the public's (who reads the portal without a token, `kernel.actor.PUBLIC`).
TOKEN_ROLES = tuple(code for code in ROLES
                    if code not in identity.INTERNAL_ROLES and code not in TOKENLESS_ROLES)
Role = enum.StrEnum("Role", {code.upper(): code for code in TOKEN_ROLES})
Role.__doc__ = "Who acts: " + ", ".join(f"{code} {ROLES[code]}" for code in TOKEN_ROLES)
Role.__module__ = __name__


class Caller(BaseModel):
    """Who the bearer token says is calling."""

    sub: str
    role: Role
    unit: str | None = Field(None, description="a unit officer's unit")
    uscc: str | None = Field(None, description="an enterprise's credit code")


def mint(sub: str, role: str, *, unit: str | None = None, uscc: str | None = None,
         hours: float = 12) -> str:
    """A bearer token signed with HUIQI_JWT_SECRET (`huiqi token`); refuses an incomplete
    identity, an internal role and a lifetime over a day (ValueError)."""
    actor = Actor(sub=sub, role=role, unit=unit, uscc=uscc)
    return identity.mint_token(actor, hours=hours)


def unauthorized(message: str) -> Refused:
    return Refused("unauthorized", UNAUTHENTICATED, message)


def authenticate(authorization: str | None) -> Actor:
    if not authorization:
        raise unauthorized("a bearer token is required: send 'Authorization: Bearer <token>'")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("the Authorization header must be 'Bearer <token>'")
    return identity.verify_token(token.strip(), keys=jwks.provider_keys())


def identify(request) -> dict:
    """The identity of the request's bearer token (what `GET /me` answers)."""
    return authenticate(request.headers.get("Authorization")).to_dict()


def caller(request) -> str:
    """The request's verified caller as the services take it: an assertion the gateway signs,
    good for a minute, passed as the first argument of every RPC."""
    return identity.gateway_assertion(authenticate(request.headers.get("Authorization")))


def check_secrets() -> list[str]:
    """Raise `identity.MissingSecret` unless the gateway has its secrets (or runs in development
    mode) and, if a JWKS is configured, settings it can read it with; answers the warnings to
    log."""
    jwks.provider_keys()
    return identity.check_secrets(identity.JWT_SECRET, identity.INTERNAL_SECRET)
