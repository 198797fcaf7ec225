"""Bearer tokens: HS256 JWTs with claims `sub`, `role` and `unit` (a unit's id) or `uscc` (an
enterprise's credit code). The gateway only establishes who is calling; what they may do is the
services' rule."""
from __future__ import annotations

import datetime as dt
import enum
import os

import jwt
from pydantic import BaseModel, Field

from kernel.actor import ROLES, Actor
from kernel.errors import UNAUTHENTICATED, Refused

DEVELOPMENT_SECRET = "huiqi-development-secret-not-for-production"
ALGORITHM = "HS256"


# The roles a token may carry, as a vocabulary of the wire. (kernel.actor.ROLES)
Role = enum.StrEnum("Role", {code.upper(): code for code in ROLES})
Role.__doc__ = "Who acts: " + ", ".join(f"{code} {label}" for code, label in ROLES.items())
Role.__module__ = __name__


class Caller(BaseModel):
    """Who the bearer token says is calling."""

    sub: str
    role: Role
    unit: str | None = Field(None, description="a unit officer's unit")
    uscc: str | None = Field(None, description="an enterprise's credit code")


def secret() -> str:
    return os.environ.get("HUIQI_JWT_SECRET", DEVELOPMENT_SECRET)


def mint(sub: str, role: str, *, unit: str | None = None, uscc: str | None = None,
         hours: float = 12) -> str:
    actor = Actor(sub=sub, role=role, unit=unit, uscc=uscc)  # refuses an incomplete identity
    now = dt.datetime.now(dt.timezone.utc)
    claims = {**actor.to_dict(), "iat": now, "exp": now + dt.timedelta(hours=hours)}
    return jwt.encode(claims, secret(), algorithm=ALGORITHM)


def unauthorized(message: str) -> Refused:
    return Refused("unauthorized", UNAUTHENTICATED, message)


def authenticate(authorization: str | None) -> Actor:
    if not authorization:
        raise unauthorized("a bearer token is required: send 'Authorization: Bearer <token>'")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("the Authorization header must be 'Bearer <token>'")
    try:
        claims = jwt.decode(token.strip(), secret(), algorithms=[ALGORITHM],
                            options={"require": ["sub", "role", "exp"]})
    except jwt.ExpiredSignatureError:
        raise unauthorized("the token has expired; obtain a new one") from None
    except jwt.InvalidTokenError as exc:
        raise unauthorized(f"the token is not valid: {exc}") from None
    try:
        return Actor.from_dict(claims)
    except (KeyError, ValueError) as exc:
        raise unauthorized(f"the token's claims are incomplete: {exc}") from None


def caller(request) -> dict:
    """The identity of the request's bearer token, as the services take it."""
    return authenticate(request.headers.get("Authorization")).to_dict()
