"""Who is calling, established once and carried as a signed claim: the two secrets of the stack,
the bearer tokens front-ends present to the gateway, and the short-lived assertions the gateway
(or a service, for itself) signs for the services.

- A **bearer token** comes from outside: `iss` HUIQI_JWT_ISSUER ("huiqi"), `aud`
  HUIQI_JWT_AUDIENCE ("huiqi-api"), `iat` and `exp` required, a lifetime of at most a day, and
  never an internal role. In production it is the identity provider's, signed RS256, ES256 or
  EdDSA with a key of its JWKS (HUIQI_JWKS_URL or HUIQI_JWKS_FILE) named by the token's `kid`;
  the gateway keeps the key set (`gateway.jwks`) and this module only checks against the key it
  is handed. Without a JWKS it is HS256 with the shared HUIQI_JWT_SECRET, as `huiqi token` mints
  for development; once a JWKS is configured a symmetric token is refused, so whoever holds the
  shared secret cannot speak for anyone.
- An **assertion** (HUIQI_INTERNAL_SECRET) travels as the first argument of every RPC: HS256,
  `aud` "huiqi-services", a minute's lifetime. Signed by the gateway (`iss` "gateway") it names
  an outside caller, never the `system` role; signed by a service for its own calls (`iss`
  "service:<name>") it is the `system` actor and nothing else.

Without its secrets a process refuses to start, unless `HUIQI_DEVELOPMENT=1` says this is a
development machine: then public development secrets are used, loudly. A secret equal to a
public development secret is refused outside development mode, so nothing signed with one is
ever accepted there.

Pure apart from PyJWT: the kernel's RPC entrypoint (`kernel.rpc`) and the gateway
(`gateway.auth`) do the I/O around it.
"""
from __future__ import annotations

import datetime as dt
import os
from typing import Mapping, Protocol

import jwt

from kernel.actor import TOKENLESS_ROLES, Actor
from kernel.errors import UNAUTHENTICATED, Refused

ALGORITHM = "HS256"

JWT_SECRET = "HUIQI_JWT_SECRET"
INTERNAL_SECRET = "HUIQI_INTERNAL_SECRET"
DEVELOPMENT = "HUIQI_DEVELOPMENT"
# Public by being written here: accepted only in development mode.
DEVELOPMENT_SECRETS = {
    JWT_SECRET: "huiqi-development-secret-not-for-production",
    INTERNAL_SECRET: "huiqi-development-internal-secret-not-for-production",
}
# HS256 keys shorter than the hash are guessable offline from any token (RFC 7518 3.2).
MIN_SECRET_LENGTH = 32

TOKEN_ISSUER = "huiqi"
TOKEN_AUDIENCE = "huiqi-api"
JWT_ISSUER = "HUIQI_JWT_ISSUER"
JWT_AUDIENCE = "HUIQI_JWT_AUDIENCE"
JWKS_URL = "HUIQI_JWKS_URL"
JWKS_FILE = "HUIQI_JWKS_FILE"
# What an identity provider's keys sign with; a symmetric algorithm would let anyone who can read
# the (public) key set sign tokens with it.
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256", "EdDSA")
MAX_TOKEN_LIFETIME = dt.timedelta(hours=24)

GATEWAY_ISSUER = "gateway"
SERVICE_ISSUER = "service:"          # + the service's name
ASSERTION_AUDIENCE = "huiqi-services"
ASSERTION_LIFETIME = dt.timedelta(seconds=60)

# Roles only the stack itself acts in: never accepted from outside or from the gateway.
INTERNAL_ROLES = frozenset({"system"})


class MissingSecret(RuntimeError):
    """A process was asked to start without a secret it needs (or with a public one)."""


def development_mode(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(DEVELOPMENT, "")
    return value.strip().lower() in ("1", "true", "yes")


def secret(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The secret `name` (JWT_SECRET or INTERNAL_SECRET) from the environment; in development
    mode the public development secret stands in for one not set."""
    environ = os.environ if environ is None else environ
    value = environ.get(name, "")
    development = development_mode(environ)
    if not value:
        if development:
            return DEVELOPMENT_SECRETS[name]
        raise MissingSecret(
            f"{name} is not set: set it to a random secret of at least {MIN_SECRET_LENGTH} "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`); "
            f"`huiqi up` makes one in var/secrets.env. On a development machine only, "
            f"{DEVELOPMENT}=1 uses public development secrets instead")
    if not development and value == DEVELOPMENT_SECRETS[name]:
        raise MissingSecret(f"{name} is the public development secret, which is refused "
                            f"outside development mode ({DEVELOPMENT}=1): set a secret of your own")
    if not development and len(value) < MIN_SECRET_LENGTH:
        raise MissingSecret(f"{name} is {len(value)} characters long; a secret of at least "
                            f"{MIN_SECRET_LENGTH} is required")
    return value


def jwks_source(environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """Where the identity provider's keys are read, ("url", …) or ("file", …); None in the
    shared-secret mode. Both set is refused: which one wins would be a guess."""
    environ = os.environ if environ is None else environ
    url, file = environ.get(JWKS_URL, "").strip(), environ.get(JWKS_FILE, "").strip()
    if url and file:
        raise MissingSecret(f"{JWKS_URL} and {JWKS_FILE} are both set: set one of them")
    if url:
        if not url.startswith(("https://", "http://")):
            raise MissingSecret(f"{JWKS_URL} must be an http(s):// URL, not {url!r}")
        return ("url", url)
    if file:
        return ("file", file)
    return None


def token_issuer(environ: Mapping[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get(JWT_ISSUER, "") or TOKEN_ISSUER


def token_audience(environ: Mapping[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get(JWT_AUDIENCE, "") or TOKEN_AUDIENCE


def check_secrets(*names: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Raise `MissingSecret` if a secret is missing; answer the warnings to log (development
    mode) so the caller can say them loudly. With a JWKS configured the shared JWT secret is
    not needed (nor used)."""
    names = names or (JWT_SECRET, INTERNAL_SECRET)
    if jwks_source(environ) is not None:
        names = tuple(name for name in names if name != JWT_SECRET)
    for name in names:
        secret(name, environ)
    if development_mode(environ):
        unset = [n for n in names if not (os.environ if environ is None else environ).get(n)]
        return [f"DEVELOPMENT MODE ({DEVELOPMENT}=1): "
                + (f"{', '.join(unset)} not set, using the public development secrets; "
                   if unset else "")
                + "anyone can forge a token for this stack. Never run it like this outside a "
                  "development machine."]
    return []


def _refused(rule: str, message: str) -> Refused:
    return Refused(rule, UNAUTHENTICATED, message)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)


# -- bearer tokens (outside callers) -------------------------------------------------------------

def mint_token(actor: Actor, *, hours: float = 12, environ=None, now=None) -> str:
    """A bearer token for an outside caller, as `huiqi token` hands them out."""
    source = jwks_source(environ)
    if source is not None:
        raise ValueError(f"{JWKS_URL if source[0] == 'url' else JWKS_FILE} is set: this stack "
                         "accepts only its identity provider's tokens, and no token signed with "
                         f"{JWT_SECRET}; ask the identity provider for one")
    if actor.role in INTERNAL_ROLES:
        raise ValueError(f"the {actor.role} role is the stack's own; no token carries it")
    if actor.role in TOKENLESS_ROLES:
        raise ValueError(f"the {actor.role} role is who calls without a token; no token "
                         "carries it")
    lifetime = dt.timedelta(hours=hours)
    if not dt.timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise ValueError(f"a token lives more than 0 and at most "
                         f"{MAX_TOKEN_LIFETIME.total_seconds() / 3600:g} hours; not {hours:g}")
    issued = _now(now)
    claims = {**actor.to_dict(), "iss": token_issuer(environ), "aud": token_audience(environ),
              "iat": issued, "exp": issued + lifetime}
    return jwt.encode(claims, secret(JWT_SECRET, environ), algorithm=ALGORITHM)


class KeySet(Protocol):
    """What the gateway hands `verify_token` in the JWKS mode."""

    def key(self, kid: str) -> jwt.PyJWK:
        """The identity provider's public key `kid`, or `Refused` (an unknown kid; a key set
        that cannot be read)."""


class _BadSignature(Exception):
    """An HS256 signature that does not verify: told apart for the development secret's sake."""


def verify_token(token: str, *, environ=None, keys: KeySet | None = None) -> Actor:
    """The outside caller a bearer token names, or `Refused` (unauthenticated) saying why.
    With a JWKS configured, `keys` is the gateway's key set and only its keys verify."""
    if jwks_source(environ) is not None:
        if keys is None:
            raise RuntimeError("a JWKS is configured, but no key set was given to verify with")
        return _checked(_provider_claims(token, keys, environ))
    return _checked(_shared_secret_claims(token, environ))


_REQUIRED = {"require": ["sub", "role", "iat", "exp", "iss", "aud"]}


def _provider_claims(token: str, keys: KeySet, environ) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise _refused("unauthorized", f"the token is not valid: {exc}") from None
    algorithm, kid = header.get("alg"), header.get("kid")
    if algorithm not in ASYMMETRIC_ALGORITHMS:
        raise _refused("token_algorithm", f"the token is signed {algorithm}; this stack accepts "
                       f"only its identity provider's tokens, signed "
                       f"{', '.join(ASYMMETRIC_ALGORITHMS)}")
    if not isinstance(kid, str) or not kid:
        raise _refused("unauthorized", "the token's header names no key (kid) of the identity "
                       "provider")
    key = keys.key(kid)
    if key.algorithm_name != algorithm:
        raise _refused("token_algorithm", f"the token is signed {algorithm}, but the key {kid!r} "
                       f"signs {key.algorithm_name}")
    return _decoded(token, key.key, algorithm, environ)


def _shared_secret_claims(token: str, environ) -> dict:
    try:
        return _decoded(token, secret(JWT_SECRET, environ), ALGORITHM, environ)
    except _BadSignature:
        if not development_mode(environ) and _signed_with(token, DEVELOPMENT_SECRETS[JWT_SECRET]):
            raise _refused("development_token", "the token is signed with the public development "
                           "secret, which this stack does not accept") from None
        raise _refused("unauthorized", "the token is not valid: its signature does not "
                       "verify") from None


def _decoded(token: str, key, algorithm: str, environ) -> dict:
    try:
        return jwt.decode(token, key, algorithms=[algorithm], issuer=token_issuer(environ),
                          audience=token_audience(environ), options=_REQUIRED)
    except jwt.ExpiredSignatureError:
        raise _refused("unauthorized", "the token has expired; obtain a new one") from None
    except jwt.InvalidSignatureError:
        if algorithm == ALGORITHM:
            raise _BadSignature() from None
        raise _refused("unauthorized", "the token is not valid: its signature does not "
                       "verify") from None
    except jwt.InvalidTokenError as exc:
        raise _refused("unauthorized", f"the token is not valid: {exc}") from None


def _checked(claims: dict) -> Actor:
    """The rules every bearer token keeps, whoever signed it."""
    lifetime = _seconds(claims["exp"]) - _seconds(claims["iat"])
    if lifetime > MAX_TOKEN_LIFETIME.total_seconds():
        raise _refused("token_lifetime", f"the token lives {lifetime / 3600:.1f} hours; at most "
                       f"{MAX_TOKEN_LIFETIME.total_seconds() / 3600:g} are accepted")
    if claims["role"] in INTERNAL_ROLES:
        raise _refused("internal_role", f"the {claims['role']} role is the stack's own; no "
                       "caller from outside acts in it")
    if claims["role"] in TOKENLESS_ROLES:
        raise _refused("tokenless_role", f"the {claims['role']} role is who calls the portal "
                       "without a token; no token carries it")
    return _actor(claims)


def _signed_with(token: str, key: str) -> bool:
    try:
        jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_exp": False,
                                                                 "verify_aud": False})
        return True
    except jwt.InvalidTokenError:
        return False


def _seconds(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _refused("unauthorized", "the token's iat and exp must be numbers") from None


def _actor(claims: dict) -> Actor:
    try:
        return Actor.from_dict(claims)
    except (KeyError, ValueError, TypeError) as exc:
        raise _refused("unauthorized", f"the token's claims are incomplete: {exc}") from None


# -- assertions (inside the stack) ---------------------------------------------------------------

def _assertion(actor: Actor, issuer: str, environ, now) -> str:
    issued = _now(now)
    claims = {**actor.to_dict(), "iss": issuer, "aud": ASSERTION_AUDIENCE, "iat": issued,
              "exp": issued + ASSERTION_LIFETIME}
    return jwt.encode(claims, secret(INTERNAL_SECRET, environ), algorithm=ALGORITHM)


def gateway_assertion(actor: Actor, *, environ=None, now=None) -> str:
    """What the gateway passes to a service for the outside caller it has verified."""
    if actor.role in INTERNAL_ROLES:
        raise _refused("internal_role", f"the {actor.role} role never comes through the gateway")
    return _assertion(actor, GATEWAY_ISSUER, environ, now)


def service_assertion(service: str, *, environ=None, now=None) -> str:
    """What a service passes when it calls another for itself (catching up on a log)."""
    return _assertion(Actor(sub=f"service:{service}", role="system"), SERVICE_ISSUER + service,
                      environ, now)


def verify_assertion(assertion, *, environ=None) -> Actor:
    """The actor an assertion names, or `Refused` (unauthenticated) saying why: a dict (a
    forged actor), nothing, a bad signature, another audience, an expired one, or an issuer
    that may not name that role."""
    if not isinstance(assertion, str) or not assertion:
        raise _refused("assertion_required", "every call to a service carries the caller's "
                       "signed assertion as its first argument; this one does not")
    try:
        claims = jwt.decode(assertion, secret(INTERNAL_SECRET, environ), algorithms=[ALGORITHM],
                            audience=ASSERTION_AUDIENCE,
                            options={"require": ["sub", "role", "iat", "exp", "iss", "aud"]})
    except jwt.ExpiredSignatureError:
        raise _refused("assertion_expired", "the caller's assertion has expired") from None
    except jwt.InvalidTokenError as exc:
        raise _refused("assertion_invalid", f"the caller's assertion is not valid: {exc}") from None
    issuer, role = claims["iss"], claims["role"]
    lifetime = _seconds(claims["exp"]) - _seconds(claims["iat"])
    if lifetime > ASSERTION_LIFETIME.total_seconds():
        raise _refused("assertion_invalid", "the caller's assertion lives longer than "
                       f"{ASSERTION_LIFETIME.total_seconds():g} seconds")
    if issuer == GATEWAY_ISSUER:
        if role in INTERNAL_ROLES:
            raise _refused("internal_role", f"the gateway may not assert the {role} role")
    elif isinstance(issuer, str) and issuer.startswith(SERVICE_ISSUER):
        if role not in INTERNAL_ROLES or claims["sub"] != issuer:
            raise _refused("assertion_invalid", "a service asserts only itself, as system")
    else:
        raise _refused("assertion_invalid", f"no assertion is accepted from {issuer!r}")
    return _actor(claims)
