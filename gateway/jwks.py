"""The identity provider's public keys, as the gateway keeps them to verify bearer tokens.

The key set (a JWKS, RFC 7517) is read from HUIQI_JWKS_URL or HUIQI_JWKS_FILE, parsed by PyJWT's
`PyJWKSet`, and kept. It is read again every HUIQI_JWKS_REFRESH seconds as tokens arrive, so a key
the provider withdrew stops verifying without a restart; and when a token names a `kid` the set
does not hold, since the provider may have published a new key, but at most once every
HUIQI_JWKS_MIN_REFETCH seconds: tokens with made-up kids cannot make the gateway hammer the
provider. A set that cannot be read again is kept as it was (and said in the log); with no set
read yet, a token cannot be verified and the caller is told to come back (unavailable).
"""
from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from pathlib import Path
from typing import Callable

import jwt
import structlog

from kernel import identity
from kernel.errors import UNAUTHENTICATED, UNAVAILABLE, Refused

log = structlog.get_logger(__name__)

JWKS_REFRESH = "HUIQI_JWKS_REFRESH"
JWKS_MIN_REFETCH = "HUIQI_JWKS_MIN_REFETCH"
FETCH_TIMEOUT = 5.0


class KeySetUnreadable(Exception):
    """The key set could not be fetched or is not a JWKS with a usable key."""


def fetch(source: tuple[str, str]) -> dict[str, jwt.PyJWK]:
    """The signing keys of the JWKS at `source` ("url"/"file", where), by kid."""
    kind, where = source
    try:
        if kind == "url":
            request = urllib.request.Request(where, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as answer:
                text = answer.read(1024 * 1024)
        else:
            text = Path(where).read_bytes()
        document = json.loads(text)
        key_set = jwt.PyJWKSet.from_dict(document)
    except (OSError, ValueError, jwt.PyJWKSetError, jwt.PyJWKError) as exc:
        raise KeySetUnreadable(f"the JWKS at {where} cannot be read: {exc}") from exc
    # A key meant for encryption is not one a token may be signed with.
    keys = {key.key_id: key for key in key_set.keys
            if key.key_id and key.public_key_use in (None, "sig")
            and key.algorithm_name in identity.ASYMMETRIC_ALGORITHMS}
    if not keys:
        raise KeySetUnreadable(f"the JWKS at {where} holds no signing key with a kid "
                               f"({', '.join(identity.ASYMMETRIC_ALGORITHMS)})")
    return keys


class ProviderKeys(identity.KeySet):
    """The provider's keys by kid, refetched periodically and on an unknown kid (bounded)."""

    def __init__(self, source: tuple[str, str], *, refresh: float = 300.0,
                 min_refetch: float = 5.0, clock: Callable[[], float] = time.monotonic,
                 fetcher: Callable[[tuple[str, str]], dict] = fetch):
        self.source = source
        self.refresh = refresh
        self.min_refetch = min_refetch
        self._clock = clock
        self._fetch = fetcher
        self._keys: dict[str, jwt.PyJWK] | None = None
        self._fetched_at = float("-inf")      # the last read that succeeded
        self._attempted_at = float("-inf")    # the last read, whatever came of it
        self._failure: str | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            now = self._clock()
            if self._keys is None or now - self._fetched_at >= self.refresh:
                self._read(now)
            if self._keys is not None and kid not in self._keys:
                self._read(now)
            if self._keys is None:
                raise Refused("identity_provider_unavailable", UNAVAILABLE,
                              "the identity provider's keys cannot be read, so no token can be "
                              f"verified now: {self._failure}")
            if kid not in self._keys:
                raise Refused("unknown_key", UNAUTHENTICATED,
                              f"the token is signed with key {kid!r}, which the identity "
                              "provider does not publish (an expired or foreign token)")
            return self._keys[kid]

    def _read(self, now: float) -> None:
        if now - self._attempted_at < self.min_refetch:
            return
        self._attempted_at = now
        self.fetches += 1
        try:
            keys = self._fetch(self.source)
        except KeySetUnreadable as exc:
            self._failure = str(exc)
            log.warning("identity provider keys unreadable", source=self.source[1],
                        error=str(exc), keeping=sorted(self._keys or ()))
            return
        if self._keys is not None and set(keys) != set(self._keys):
            log.info("identity provider keys rotated", source=self.source[1],
                     kids=sorted(keys), withdrawn=sorted(set(self._keys) - set(keys)))
        self._keys, self._fetched_at, self._failure = keys, now, None


_KEPT: dict[tuple, ProviderKeys] = {}
_KEPT_LOCK = threading.Lock()


def provider_keys(environ=None) -> ProviderKeys | None:
    """The process's key set of the configured JWKS (one per source and timing), or None when
    no JWKS is configured (the shared-secret mode)."""
    environ = os.environ if environ is None else environ
    source = identity.jwks_source(environ)
    if source is None:
        return None
    refresh = _seconds(environ, JWKS_REFRESH, 300.0)
    min_refetch = _seconds(environ, JWKS_MIN_REFETCH, 5.0)
    kept = (source, refresh, min_refetch)
    with _KEPT_LOCK:
        if kept not in _KEPT:
            _KEPT[kept] = ProviderKeys(source, refresh=refresh, min_refetch=min_refetch)
        return _KEPT[kept]


def _seconds(environ, name: str, default: float) -> float:
    given = environ.get(name, "").strip()
    if not given:
        return default
    try:
        value = float(given)
    except ValueError:
        raise identity.MissingSecret(f"{name} must be a number of seconds, not {given!r}") from None
    if value < 0:
        raise identity.MissingSecret(f"{name} must not be negative")
    return value
