"""nameko's HTTP entrypoint as the kernel uses it: carrying the correlation id, and answering every
error as problem+json, a refusal's kind mapped to its status in one table."""
from __future__ import annotations

import json
import time
import uuid

import structlog
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from kernel import errors, metrics
from kernel.errors import Refused

log = structlog.get_logger(__name__)
PROBLEM_JSON = "application/problem+json"

# The one place a kind of refusal becomes an HTTP status.
HTTP_STATUS = {
    errors.MALFORMED: 400,
    errors.UNAUTHENTICATED: 401,
    errors.FORBIDDEN: 403,
    errors.NOT_FOUND: 404,
    errors.CONFLICT: 409,
    errors.INVALID: 422,
    errors.UNAVAILABLE: 503,
}


def problem_response(status: int, body: dict, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype=PROBLEM_JSON, headers=headers)


def problem(refused: Refused) -> tuple[int, dict]:
    """RFC 9457 problem details of a refusal: `title` is the rule, `field` the input at fault."""
    status = HTTP_STATUS[refused.kind]
    body = {"type": f"https://huiqi.example/problems/{refused.rule}", "title": refused.rule,
            "status": status, "detail": refused.message}
    if refused.field:
        body["field"] = refused.field
    if refused.errors:
        body["errors"] = refused.errors
    return status, body


class ProblemWsgiApp(WsgiApp):
    """Routing misses (no such path, a method the path does not take) answer as problem+json too,
    so a front-end reads every error the same way."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(
                exc, "valid_methods", None) else None
            response = problem_response(exc.code, {
                "type": "about:blank", "title": exc.name.lower().replace(" ", "_"),
                "status": exc.code, "detail": exc.description}, headers)
            return response(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class CorrelatingWebServer(WebServer):
    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def context_data_from_headers(self, request):
        # The id a front-end sends is kept so its own logs line up with ours.
        given = request.headers.get("X-Correlation-ID", "")
        valid = 0 < len(given) <= 64 and given.replace("-", "").isalnum()
        return {"correlation_id": given if valid else uuid.uuid4().hex}


class HttpEntrypoint(HttpRequestHandler):
    server = CorrelatingWebServer()

    def handle_request(self, request):
        started = time.perf_counter()
        response = super().handle_request(request)
        service = self.container.service_name
        metrics.HTTP_REQUESTS.labels(service, self.url, str(response.status_code)).inc()
        metrics.HTTP_SECONDS.labels(service, self.url).observe(time.perf_counter() - started)
        return response

    def response_from_exception(self, exc):
        if isinstance(exc, Refused):
            return problem_response(*problem(exc))
        if isinstance(exc, (UnknownService, RpcTimeout)):
            return problem_response(503, {
                "type": "about:blank", "title": "service_unavailable", "status": 503,
                "detail": f"a service behind the gateway is not answering: {exc}"},
                headers={"Retry-After": "5"})
        log.error("request failed", exc_info=exc, url=self.url)
        return problem_response(500, {
            "type": "about:blank", "title": "internal_error", "status": 500,
            "detail": "the server could not complete the request; it has been logged"})


http = HttpEntrypoint.decorator
