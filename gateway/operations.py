"""The gateway's route table. A handler is mounted with a `Routes` decorator, which records what
the OpenAPI document says of it: method, path, operationId, tag, summary, the models of its path,
query and body, its 2xx answers, the kinds of refusal it may give, and the row of its service's
permission table that governs it (the service's RPC, and the action if it dispatches on one).
`gateway.openapi` builds the document from what the service class has mounted, so the two cannot
drift; `gateway.guard` checks the row before a handler reads the request.
"""
from __future__ import annotations

import dataclasses
import re

from pydantic import BaseModel

from gateway.guard import guarded
from kernel import errors
from kernel.entrypoints import http

API = "/api/v1"
JSON = "application/json"
TAGS: dict[str, str] = {}   # tag -> what its part of the API is for
# The shared configuration: changed only with `If-Match`, the ETag (stream version) it was read
# with, so that two clerks editing it at once cannot overwrite each other unseen (428 without,
# 412 when stale): the routing table, the supervision thresholds, the leading group, an
# enterprise's profile and a leader's linkage.
SHARED_CONFIGURATION = frozenset({
    "set_route", "remove_route", "set_supervision_thresholds", "set_working_group",
    "change_enterprise_profile", "post_enterprise_profile", "change_linkage",
})


@dataclasses.dataclass(frozen=True)
class Answer:
    """A 2xx answer: its status, what it means, and its body (a model, or a schema and media
    type for what is not JSON)."""

    status: int
    description: str
    model: type[BaseModel] | None = None
    media_type: str = JSON
    schema: dict | None = None
    headers: tuple[tuple[str, str], ...] = ()   # (name, description)


BINARY = {"type": "string", "format": "binary"}


def file_answer(described: str, media_type: str, *, schema: dict | None = BINARY,
                model: type[BaseModel] | None = None) -> Answer:
    """A 200 that is a file to save (`gateway.http.download`), named in Content-Disposition."""
    return Answer(200, described, model, media_type=media_type,
                  schema=None if model is not None else schema,
                  headers=(("Content-Disposition", "attachment; the file's name"),))


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    path: str                                   # OpenAPI spelling: /api/v1/tickets/{ticket_id}
    operation_id: str
    tag: str
    summary: str
    answers: tuple[Answer, ...]
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    path_model: type[BaseModel] | None = None
    errors: tuple[str, ...] = ()                # kinds of refusal, see kernel.errors.KINDS
    secured: bool = True
    # The row of the service's permission table that governs the operation: the service, its
    # RPC and, for an RPC that dispatches on an action, the action (`kernel.permissions`).
    service: str | None = None
    rpc: str | None = None
    action: str | None = None

    @property
    def permission(self) -> str | None:
        """The row's key in the service's table: `get_ticket`, `act.resolve`."""
        if self.rpc is None:
            return None
        return f"{self.rpc}.{self.action}" if self.action else self.rpc

    @property
    def shared_configuration(self) -> bool:
        """Whether it changes shared configuration, so only with `If-Match`."""
        return self.operation_id in SHARED_CONFIGURATION


class Routes:
    """The routes of one part of the API (a service's, or the gateway's own), under one tag.

    Kinds of refusal that follow from the route's shape are added to what it declares: a bearer
    token (unauthenticated), a body (malformed, invalid, too large), path or query parameters
    (invalid), and a service behind it (unavailable).
    """

    def __init__(self, tag: str, description: str, *, prefix: str = API,
                 calls_service: bool = True, service: str | None = None):
        self.tag = tag
        # The service whose permission table governs these routes.
        self.service = service if service is not None else (tag if calls_service else None)
        self.description = description
        TAGS[tag] = description
        self.prefix = prefix
        self.calls_service = calls_service

    def operation(self, method: str, path: str, operation_id: str, summary: str, *,
                  answers, body=None, query=None, path_model=None, errors_: tuple = (),
                  secured: bool = True, body_required: bool | None = None,
                  rpc: str | None = None, action: str | None = None) -> Operation:
        """The operation; `rpc` names the service's RPC it calls where that is not its
        operationId, `action` the action of an RPC that dispatches on one."""
        kinds = list(errors_)
        if secured:
            kinds.append(errors.UNAUTHENTICATED)
        if body is not None:
            kinds += [errors.MALFORMED, errors.INVALID, errors.TOO_LARGE]
        if query is not None or path_model is not None:
            kinds.append(errors.INVALID)
        if self.calls_service and method.upper() != "GET":
            kinds.append(errors.STALE)   # an If-Match that is no longer current
        if operation_id in SHARED_CONFIGURATION:
            kinds.append(errors.UNCONDITIONAL)
        if self.calls_service:
            # The service's permission table may refuse the caller's role.
            kinds += [errors.UNAVAILABLE] + ([errors.FORBIDDEN] if secured else [])
        if body is not None and body_required is None:
            body_required = any(f.is_required() for f in body.model_fields.values())
        return Operation(
            method=method.upper(), path=self.prefix + path,
            operation_id=operation_id, tag=self.tag, summary=summary,
            answers=tuple(answers) if isinstance(answers, (tuple, list)) else (answers,),
            body=body, body_required=bool(body_required), query=query, path_model=path_model,
            errors=tuple(sorted(set(kinds), key=errors.KINDS.index)), secured=secured,
            service=self.service if self.calls_service else None,
            rpc=(rpc or operation_id) if self.calls_service else None, action=action)

    def __call__(self, method: str, path: str, operation_id: str, summary: str, **options):
        """Mount the handler at `method path` and document it as one operation."""
        operation = self.operation(method, path, operation_id, summary, **options)
        return mount(operation.method, operation.path, operation)


def mount(method: str, path: str, *operations: Operation):
    """Mount a handler at `method path` (`{name}` for a path parameter) documented as
    `operations` (more than one when one handler serves several documented paths)."""
    def decorate(fn):
        handler = guarded(fn, operations)
        handler.operations = getattr(fn, "operations", ()) + operations
        return http(method, werkzeug_rule(path))(handler)
    return decorate


def werkzeug_rule(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<string:\1>", path)


def operations_of(service_cls) -> list[Operation]:
    """Every operation the service class mounts, in the order its handlers are defined."""
    found: list[Operation] = []
    for klass in reversed(service_cls.__mro__):
        for value in vars(klass).values():
            for operation in getattr(value, "operations", ()):
                if operation not in found:
                    found.append(operation)
    return found
