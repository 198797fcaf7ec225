"""The gateway's edge: what every request from outside passes before any route, and every answer
on its way out (`kernel.entrypoints.Edge`). A CORS preflight is answered here (`gateway.cors`),
a caller over a rate limit is refused here (`gateway.limits`), and the answers carry the CORS
and rate-limit headers. Declared on the gateway's class as a dependency, so only the gateway's
server has one; the settings are read when the gateway starts.
"""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from gateway import jwks, limits
from gateway.cors import Cors, origins_from
from kernel.entrypoints import CorrelatingWebServer


class Edge(DependencyProvider):
    # The same shared server as the gateway's HTTP entrypoints (nameko shares it by its class).
    server = CorrelatingWebServer()

    def setup(self):
        # Settings a gateway cannot work with stop it at its start, each named, not at a request.
        jwks.provider_keys()
        self.cors = Cors(origins_from())
        self.limits = limits.RateLimits.from_environ()
        self.server.edge = self

    def stop(self):
        if self.server.edge is self:
            self.server.edge = None

    def get_dependency(self, worker_ctx):
        return self

    def before(self, request):
        preflight = self.cors.preflight(request)
        if preflight is not None:
            return preflight
        counts = self.limits.count(request) if self.limits is not None else []
        request.environ["huiqi.rate_limits"] = counts
        if counts and counts[-1].exceeded:
            return limits.refusal(counts)
        return None

    def after(self, request, response):
        counts = request.environ.get("huiqi.rate_limits")
        if counts and "RateLimit" not in response.headers:
            limits.add_headers(response, counts)
        self.cors.answer(request, response)
