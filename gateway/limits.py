"""How often one caller may call: per caller, the verified token's `sub`, or the client's address
for a caller without a valid token.

Three limits, each a `limits` rate ("600/minute"), or `off`:

- **anonymous** (HUIQI_RATE_LIMIT_ANONYMOUS): every request of a caller without a valid token,
  by address: the portal's readers, and whoever tries tokens;
- **heavy** (HUIQI_RATE_LIMIT_HEAVY): the routes that build a document or walk a whole log
  (`HEAVY`), counted per caller and route;
- **write** (HUIQI_RATE_LIMIT_WRITE): every command (POST, PUT, PATCH, DELETE), per caller.

A request counts against each limit that applies to it. The defaults are ceilings against a
runaway client, high enough for a front-end system that calls for a whole office as one `sub`;
tighten them where callers are people. HUIQI_RATE_LIMITS=off turns them all off.

The counts are kept in memory by default, one gateway's own; HUIQI_RATE_LIMIT_STORAGE
(`redis://host:6379`) keeps them in a store every replica shares, under HUIQI_RATE_LIMIT_PREFIX.
A store that cannot be reached lets requests through (and says so in the log): the limits guard
the services, they are not worth an outage of their own.

An answer of a limited route carries `RateLimit-Policy` and `RateLimit`
(draft-ietf-httpapi-ratelimit-headers: `"write";q=120;w=60` and `"write";r=0;t=30`); an exceeded
limit is a 429 problem naming it, with `Retry-After`.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import time

import limits
import structlog
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from werkzeug.wrappers import Request, Response

from gateway.auth import authenticate
from kernel.entrypoints import CHANGING_METHODS, problem_response
from kernel.errors import Refused

log = structlog.get_logger(__name__)

RATE_LIMITS = "HUIQI_RATE_LIMITS"
STORAGE = "HUIQI_RATE_LIMIT_STORAGE"
PREFIX = "HUIQI_RATE_LIMIT_PREFIX"
ANONYMOUS, HEAVY_ROUTES, WRITE = "anonymous", "heavy", "write"
SETTINGS = {ANONYMOUS: "HUIQI_RATE_LIMIT_ANONYMOUS", HEAVY_ROUTES: "HUIQI_RATE_LIMIT_HEAVY",
            WRITE: "HUIQI_RATE_LIMIT_WRITE"}
DEFAULTS = {ANONYMOUS: "600/minute", HEAVY_ROUTES: "60/minute", WRITE: "6000/minute"}
WHO = {ANONYMOUS: "for this address", HEAVY_ROUTES: "of this route for this caller",
       WRITE: "of commands for this caller"}

# The routes whose answer costs a service far more than a read: documents built on demand,
# exports of whole read models, walks of the whole ledger. By path, as they are served.
HEAVY = {
    "compendium": re.compile(r"^/portal/compendium\.(pdf|docx)$"),
    "compendium_edition": re.compile(r"^/api/v1/compendium/editions/[^/]+\.(pdf|docx)$"),
    "compendium_document": re.compile(r"^(/api/v1|/portal)/compendium/.+/document$"),
    "tickets_export": re.compile(r"^/api/v1/tickets/export$"),
    "assessment_export": re.compile(r"^/api/v1/assessments/[^/]+/export\.(xlsx|pdf)$"),
    "ledger_verify": re.compile(r"^/api/v1/audit/verify$"),
    "evidence_bundle": re.compile(r"^/api/v1/audit/evidence$"),
    "ledger_export": re.compile(r"^/api/v1/audit/(ledger/)?export$"),
}
# Asked by machines every few seconds, and what an operator needs most when load is high.
EXEMPT = frozenset({"/healthz", "/metrics"})


def heavy_route(path: str) -> str | None:
    return next((name for name, pattern in HEAVY.items() if pattern.match(path)), None)


@dataclasses.dataclass(frozen=True)
class Count:
    """One limit applied to one request: where it stands after the request was counted."""

    policy: str
    rate: limits.RateLimitItem
    remaining: int
    reset: int                  # seconds until the window has room again
    exceeded: bool

    @property
    def window(self) -> int:
        return self.rate.get_expiry()


def parse(name: str, given: str) -> limits.RateLimitItem | None:
    if given.strip().lower() == "off":
        return None
    try:
        [rate] = limits.parse_many(given)
    except ValueError:
        raise ValueError(f"{SETTINGS[name]}: {given!r} is not a rate; write it as "
                         "N/second, N/minute, N/hour or N/day (or off)") from None
    return rate


class RateLimits:
    def __init__(self, rates: dict[str, limits.RateLimitItem], storage: str = "memory://",
                 prefix: str = "huiqi"):
        self.rates = rates
        self.storage_uri = storage
        self.limiter = SlidingWindowCounterRateLimiter(
            storage_from_string(storage, key_prefix=prefix, wrap_exceptions=True))

    @classmethod
    def from_environ(cls, environ=None) -> "RateLimits | None":
        environ = os.environ if environ is None else environ
        if environ.get(RATE_LIMITS, "").strip().lower() in ("off", "0", "no", "false"):
            return None
        rates = {}
        for name, setting in SETTINGS.items():
            rate = parse(name, environ.get(setting, "") or DEFAULTS[name])
            if rate is not None:
                rates[name] = rate
        if not rates:
            return None
        return cls(rates, environ.get(STORAGE, "") or "memory://",
                   environ.get(PREFIX, "") or "huiqi")

    def applying(self, request: Request) -> list[tuple[str, tuple[str, ...]]]:
        """The limits the request counts against, each with the counter it counts in."""
        if request.path in EXEMPT or request.method == "OPTIONS":
            return []
        try:
            caller = "sub:" + authenticate(request.headers.get("Authorization")).sub
            anonymous = False
        except Refused:
            caller, anonymous = "address:" + (request.remote_addr or "unknown"), True
        applying = []
        if anonymous:
            applying.append((ANONYMOUS, (caller,)))
        route = heavy_route(request.path)
        if route is not None:
            applying.append((HEAVY_ROUTES, (route, caller)))
        if request.method in CHANGING_METHODS:
            applying.append((WRITE, (caller,)))
        return [(name, counter) for name, counter in applying if name in self.rates]

    def count(self, request: Request) -> list[Count]:
        """Count the request against each limit it falls under, until one is exceeded."""
        counts = []
        for name, counter in self.applying(request):
            rate = self.rates[name]
            try:
                admitted = self.limiter.hit(rate, name, *counter)
                stats = self.limiter.get_window_stats(rate, name, *counter)
            except StorageError as exc:
                log.warning("rate limit store unreachable: not limiting",
                            storage=self.storage_uri, error=str(exc))
                return []
            reset = max(1, math.ceil(stats.reset_time - time.time()))
            counts.append(Count(name, rate, stats.remaining, reset, exceeded=not admitted))
            if not admitted:
                break
        return counts


def policy_header(counts: list[Count]) -> str:
    return ", ".join(f'"{c.policy}";q={c.rate.amount};w={c.window}' for c in counts)


def remaining_header(counts: list[Count]) -> str:
    return ", ".join(f'"{c.policy}";r={c.remaining};t={c.reset}' for c in counts)


def add_headers(response: Response, counts: list[Count]) -> None:
    if counts:
        response.headers["RateLimit-Policy"] = policy_header(counts)
        response.headers["RateLimit"] = remaining_header(counts)


def refusal(counts: list[Count]) -> Response:
    """The 429 of the exceeded limit (the last counted)."""
    exceeded = counts[-1]
    per = _per(exceeded.rate)
    response = problem_response(429, {
        "type": "https://huiqi.example/problems/rate_limited", "title": "rate_limited",
        "status": 429, "limit": exceeded.policy,
        "detail": f"the {exceeded.policy} limit, {exceeded.rate.amount} requests {per} "
                  f"{WHO[exceeded.policy]}, is used up; try again in {exceeded.reset} seconds"},
        headers={"Retry-After": str(exceeded.reset)})
    add_headers(response, counts)
    return response


def _per(rate: limits.RateLimitItem) -> str:
    unit = rate.GRANULARITY.name
    return f"a {unit}" if rate.multiples == 1 else f"every {rate.multiples} {unit}s"
