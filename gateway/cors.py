"""Cross-origin calls from the browser front-ends the city runs on origins of their own.

Only the origins listed in HUIQI_CORS_ORIGINS (comma-separated, exact: scheme, host and port) are
answered with CORS headers; with none listed, none is, and a browser keeps every other site's
pages from reading the API. A preflight (`OPTIONS` with `Origin` and
`Access-Control-Request-Method`) from a listed origin is answered here, before routing, since no
route takes OPTIONS; from any other origin it is routed like any request, and refused (405).
Bearer tokens travel in a header, never a cookie, so no credentials are allowed.
"""
from __future__ import annotations

import os

from werkzeug.wrappers import Request, Response

CORS_ORIGINS = "HUIQI_CORS_ORIGINS"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
# What a front-end sends beyond the simple headers: its token, JSON bodies, a command's id, the
# version it read (optimistic concurrency), and its own correlation id.
REQUEST_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match",
                   "X-Correlation-ID")
# What a front-end's script may read of an answer beyond the simple headers.
EXPOSED_HEADERS = ("ETag", "Location", "Retry-After", "RateLimit", "RateLimit-Policy",
                   "Idempotency-Key")
# How long a browser may keep a preflight's answer (Chromium keeps at most 2 hours).
MAX_AGE = 7200


def origins_from(environ=None) -> frozenset[str]:
    given = (os.environ if environ is None else environ).get(CORS_ORIGINS, "")
    origins = set()
    for origin in given.split(","):
        origin = origin.strip().rstrip("/")
        if not origin:
            continue
        scheme, sep, host = origin.partition("://")
        if not sep or scheme.lower() not in ("http", "https") or not host or "/" in host:
            raise ValueError(f"{CORS_ORIGINS}: {origin!r} is not an origin; write each as "
                             "scheme://host[:port], e.g. https://portal.example.gov.cn")
        origins.add(f"{scheme.lower()}://{host.lower()}")
    return frozenset(origins)


class Cors:
    def __init__(self, origins: frozenset[str]):
        self.origins = origins

    def allowed(self, request: Request) -> str | None:
        """The request's origin if it is listed."""
        origin = request.headers.get("Origin", "")
        return origin if origin.lower() in self.origins else None

    def preflight(self, request: Request) -> Response | None:
        """The answer to a listed origin's preflight; None for anything else."""
        if (request.method != "OPTIONS"
                or not request.headers.get("Access-Control-Request-Method")):
            return None
        origin = self.allowed(request)
        if origin is None:
            return None
        response = Response(status=204)
        response.headers.update({
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ", ".join(METHODS),
            "Access-Control-Allow-Headers": ", ".join(REQUEST_HEADERS),
            "Access-Control-Max-Age": str(MAX_AGE),
        })
        response.vary.add("Origin")
        return response

    def answer(self, request: Request, response: Response) -> None:
        """The CORS headers of an actual answer."""
        if not self.origins:
            return
        # Whether the headers are there depends on the Origin: a cache must keep them apart.
        response.vary.add("Origin")
        origin = self.allowed(request)
        if origin is None or "Access-Control-Allow-Origin" in response.headers:
            return
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
