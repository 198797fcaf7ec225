"""nameko's HTTP entrypoint as the kernel uses it: carrying the correlation id, and answering every
error as problem+json, a refusal's kind mapped to its status in one table; a 401 says how to
authenticate (RFC 6750).

A service whose HTTP faces the outside (the gateway) gives its server an `Edge`: every request
passes it before routing, so it can answer what no route takes (a CORS preflight) or refuse a
request before any handler runs (a rate limit), and it sees every answer, routing misses
included, on the way out."""
from __future__ import annotations

import json
import time
import uuid
from typing import Protocol

import structlog
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RpcTimeout, UnknownService
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from kernel import errors, metrics
from kernel.errors import Refused

log = structlog.get_logger(__name__)
PROBLEM_JSON = "application/problem+json"
IDEMPOTENCY_KEY = "Idempotency-Key"
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The worker context key of a command's id; nameko carries context data on every RPC it makes.
COMMAND_ID = "command_id"
# The worker context key of the stream version a command's If-Match names (`UnitOfWork.expects`).
IF_MATCH = "if_match"
# What a call raises when the broker is gone (after kombu's own retries): the client should come
# back, as for a service that does not answer.
BROKER_ERRORS = (OSError, KombuOperationalError, AmqpConnectionError)
RETRY_AFTER = "5"

# The one place a kind of refusal becomes an HTTP status.
HTTP_STATUS = {
    errors.MALFORMED: 400,
    errors.UNAUTHENTICATED: 401,
    errors.FORBIDDEN: 403,
    errors.NOT_FOUND: 404,
    errors.CONFLICT: 409,
    errors.INVALID: 422,
    errors.UNAVAILABLE: 503,
    errors.TOO_LARGE: 413,
    errors.STALE: 412,
    errors.UNCONDITIONAL: 428,
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


class Edge(Protocol):
    """What stands between the outside and a server's routes (see the module's docstring)."""

    def before(self, request: Request) -> Response | None:
        """An answer given instead of routing the request, or None to route it."""

    def after(self, request: Request, response: Response) -> None:
        """Add to the answer (headers) before it leaves."""


class ProblemWsgiApp(WsgiApp):
    """Routing misses (no such path, a method the path does not take) answer as problem+json too,
    so a front-end reads every error the same way."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        edge = self.server.edge
        response = edge.before(request) if edge is not None else None
        if response is None:
            response = self._routed(request, environ)
        if edge is not None:
            edge.after(request, response)
        return response(environ, start_response)

    def _routed(self, request, environ) -> Response:
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            headers = {"Allow": ", ".join(exc.valid_methods)} if getattr(
                exc, "valid_methods", None) else None
            return problem_response(exc.code, {
                "type": "about:blank", "title": exc.name.lower().replace(" ", "_"),
                "status": exc.code, "detail": exc.description}, headers)
        request.path_values = values
        return provider.handle_request(request)


class CorrelatingWebServer(WebServer):
    # Set by the service's `Edge` dependency when it is set up; none for an inside service.
    edge: Edge | None = None

    def get_wsgi_app(self):
        return ProblemWsgiApp(self)

    def context_data_from_headers(self, request):
        # The id a front-end sends is kept so its own logs line up with ours.
        given = request.headers.get("X-Correlation-ID", "")
        valid = 0 < len(given) <= 64 and given.replace("-", "").isalnum()
        data = {"correlation_id": given if valid else uuid.uuid4().hex}
        if request.method in CHANGING_METHODS:
            data[COMMAND_ID] = command_id(request.headers.get(IDEMPOTENCY_KEY))
            # `*` asks for no version (RFC 9110 13.1.1: any current representation).
            if request.headers.get("If-Match", "").strip() not in ("", "*"):
                data[IF_MATCH] = expected_version(request.headers["If-Match"])
        return data


def expected_version(header: str) -> int:
    """The stream version an `If-Match` names: the ETag the resource was read with, `"7"`
    (weak or strong alike, since the version is the whole of it)."""
    tag = header.strip()
    tag = tag[2:] if tag.startswith("W/") else tag
    tag = tag.strip('"')
    if not tag.isdigit():
        raise Refused("invalid_if_match", errors.INVALID,
                      'If-Match must be the ETag the resource was read with, e.g. "7"',
                      field="If-Match")
    return int(tag)


def command_id(key: str | None) -> str:
    """The id a command is carried out once under: the client's Idempotency-Key, else one made
    for this request. It travels in the RPC message's headers, so a message redelivered after a
    crash or a broker outage carries the same id and answers the first response."""
    if key is None:
        return uuid.uuid4().hex
    if not (1 <= len(key) <= 100 and all(" " <= ch <= "~" for ch in key)):
        raise Refused("invalid_idempotency_key", errors.INVALID,
                      f"{IDEMPOTENCY_KEY} must be 1 to 100 printable ASCII characters",
                      field=IDEMPOTENCY_KEY)
    return key


REALM = "huiqi"


def www_authenticate(authorization: str | None, detail: str) -> str:
    """The challenge of a 401 (RFC 6750 3): the realm alone when no bearer token came, so a
    client knows to get one; `invalid_token` and why, when the one that came is not good."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return f'Bearer realm="{REALM}"'
    # error_description is a quoted-string of printable ASCII, without " or \ (RFC 6750 3).
    description = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "?" for ch in detail)
    return f'Bearer realm="{REALM}", error="invalid_token", error_description="{description}"'


class HttpEntrypoint(HttpRequestHandler):
    server = CorrelatingWebServer()

    def handle_request(self, request):
        started = time.perf_counter()
        response = super().handle_request(request)
        if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
            response.headers["WWW-Authenticate"] = www_authenticate(
                request.headers.get("Authorization"), getattr(response, "detail", ""))
        service = self.container.service_name
        metrics.HTTP_REQUESTS.labels(service, self.url, str(response.status_code)).inc()
        metrics.HTTP_SECONDS.labels(service, self.url).observe(time.perf_counter() - started)
        return response

    def response_from_exception(self, exc):
        if isinstance(exc, Refused):
            status, body = problem(exc)
            # Unavailable is the one refusal that passes: say when to come back.
            headers = {"Retry-After": RETRY_AFTER} if status == 503 else None
            key = getattr(exc, "idempotency_key", None)
            if key is not None:
                # An outcome not known: the key to retry with, also when the gateway made it.
                body["idempotency_key"] = key
                headers = {**(headers or {}), IDEMPOTENCY_KEY: key}
            response = problem_response(status, body, headers)
            # Why, for a 401's challenge (`handle_request`).
            response.detail = exc.message
            return response
        if isinstance(exc, (UnknownService, RpcTimeout)):
            return problem_response(503, {
                "type": "about:blank", "title": "service_unavailable", "status": 503,
                "detail": f"a service behind the gateway is not answering: {exc}"},
                headers={"Retry-After": RETRY_AFTER})
        if isinstance(exc, BROKER_ERRORS):
            log.warning("broker unreachable", url=self.url, error=str(exc))
            return problem_response(503, {
                "type": "about:blank", "title": "service_unavailable", "status": 503,
                "detail": "the message broker behind the gateway cannot be reached; try again "
                          "shortly (a command sent with an Idempotency-Key is carried out once)"},
                headers={"Retry-After": RETRY_AFTER})
        # An id the caller can quote and an operator can find: in the answer and the log line.
        error_id = uuid.uuid4().hex
        log.error("request failed", exc_info=exc, url=self.url, error_id=error_id)
        return problem_response(500, {
            "type": "about:blank", "title": "internal_error", "status": 500,
            "detail": f"the server could not complete the request; it has been logged as "
                      f"error {error_id}: quote it when reporting this",
            "instance": f"urn:huiqi:error:{error_id}", "error_id": error_id})


http = HttpEntrypoint.decorator
