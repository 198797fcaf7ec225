"""The OpenAPI document the gateway serves at /api/v1/openapi.json, built from the routes the
gateway class mounts (`gateway.operations`) and the services' wire contracts that validate the
requests, so the document, the checks and the services cannot drift.

Every vocabulary is an `enum` component; every operation has an operationId, a tag, its path and
query parameters, its 2xx answers with their schemas, and every error status its kinds of refusal
map to (`kernel.entrypoints.HTTP_STATUS`), each a problem+json body. Every operation that calls a
service carries the row of that service's permission table that governs it (`x-permission`: the
roles allowed, each with its scope), and says it in words in its description.
"""
from __future__ import annotations

import copy
import functools

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from gateway import guard
from gateway.operations import TAGS, Operation, operations_of
from kernel import errors
from kernel.entrypoints import HTTP_STATUS, PROBLEM_JSON
from kernel.permissions import SCOPE_WORDS

REF = "#/components/schemas/{model}"
WHAT_KIND_MEANS = {
    errors.MALFORMED: "the body cannot be read: not JSON, not an object, or nested too deep",
    errors.TOO_LARGE: "the body is larger than any the API takes (1 MiB)",
    errors.UNAUTHENTICATED: "no bearer token, or one that is not valid",
    errors.FORBIDDEN: "the caller may not do this",
    errors.NOT_FOUND: "no such thing",
    errors.CONFLICT: "the thing's state does not allow it now (a broken rule: see title)",
    errors.INVALID: "the input breaks a rule of shape or vocabulary: field names it",
    errors.UNAVAILABLE: "a service behind the gateway is not answering; retry later",
    errors.STALE: "If-Match names a version that is no longer current: read it again",
    errors.UNCONDITIONAL: "shared configuration changes only with If-Match: the ETag it was "
                          "read with",
}
PROBLEM = {
    "type": "object",
    "description": "Problem details (RFC 9457): title is the rule, field the input at fault",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string", "description": "the rule, a stable code"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "what a clerk can act on"},
        "field": {"type": "string", "description": "the input at fault"},
        "instance": {"type": "string",
                     "description": "of an internal error (500): urn:huiqi:error:<error_id>"},
        "error_id": {"type": "string",
                     "description": "of an internal error (500): quote it; the log has it too"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


def _models(operations: list[Operation]) -> dict[tuple[type[BaseModel], str], None]:
    found: dict[tuple[type[BaseModel], str], None] = {}
    for operation in operations:
        for model in (operation.body, operation.query, operation.path_model):
            if model is not None:
                found[(model, "validation")] = None
        for answer in operation.answers:
            if answer.model is not None:
                found[(answer.model, "serialization")] = None
    return found


def _plain(schema: dict) -> dict:
    """A parameter's schema: without the `null` a pydantic Optional adds, title or default."""
    schema = copy.deepcopy(schema)
    variants = schema.pop("anyOf", None)
    if variants is not None:
        kept = [v for v in variants if v.get("type") != "null"]
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    for key in ("title", "default"):
        schema.pop(key, None)
    return schema


def _parameters(model: type[BaseModel] | None, where: str, schemas: dict) -> list[dict]:
    if model is None:
        return []
    shape = schemas[model.__name__]
    required = set(shape.get("required", ()))
    parameters = []
    for name, schema in shape["properties"].items():
        parameter = {"name": name, "in": where, "required": where == "path" or name in required,
                     "schema": _plain(schema)}
        description = parameter["schema"].pop("description", None) or schema.get("description")
        if description:
            parameter["description"] = description
        if where == "query" and name not in required:
            parameter["allowEmptyValue"] = True  # a blank parameter is as if not given
        parameters.append(parameter)
    return parameters


def _content(media_type: str, schema: dict) -> dict:
    return {media_type: {"schema": schema}}


def _responses(operation: Operation) -> dict:
    responses = {}
    for answer in operation.answers:
        schema = {"$ref": REF.format(model=answer.model.__name__)} if answer.model else answer.schema
        response = {"description": answer.description,
                    "content": _content(answer.media_type, schema)}
        if answer.headers:
            response["headers"] = {name: {"description": description,
                                          "schema": {"type": "string"}}
                                   for name, description in answer.headers}
        responses[str(answer.status)] = response
    for kind in operation.errors:
        status = str(HTTP_STATUS[kind])
        meaning = WHAT_KIND_MEANS[kind]
        if status in responses:  # two kinds on one status: say both
            responses[status]["description"] += f"; {meaning}"
            continue
        responses[status] = {"description": meaning, "content": _content(
            PROBLEM_JSON, {"$ref": REF.format(model="Problem")})}
        if kind == errors.UNAVAILABLE:
            responses[status]["headers"] = {"Retry-After": {
                "description": "seconds to wait", "schema": {"type": "string"}}}
            if operation.method != "GET":
                responses[status]["description"] += (
                    "; outcome_unknown: the command may have been carried out — send it again "
                    "with the Idempotency-Key answered, which returns its first outcome")
                responses[status]["headers"]["Idempotency-Key"] = {
                    "description": "of a command whose outcome is unknown: the key to retry "
                                   "under", "schema": {"type": "string"}}
    # The gateway's edge limits every caller (gateway/limits.py).
    responses["429"] = {
        "description": "the caller's rate limit is used up: wait Retry-After seconds",
        "content": _content(PROBLEM_JSON, {"$ref": REF.format(model="Problem")}),
        "headers": {name: {"description": words, "schema": {"type": "string"}} for name, words in (
            ("Retry-After", "seconds to wait"),
            ("RateLimit-Policy", "the limit applied (IETF RateLimit headers)"),
            ("RateLimit", "what is left of it, and when it resets"))}}
    return dict(sorted(responses.items()))


def permission(operation: Operation) -> dict | None:
    """The operation's row of its service's permission table, as the document spells it; None
    for the gateway's own routes, or for a row the table lacks (which a test refuses)."""
    rows = guard.table(operation.service) if operation.service else None
    if rows is None or operation.permission not in rows:
        return None
    row = rows.row(operation.permission)
    return {"service": operation.service, "operation": operation.permission,
            "roles": {role: scope.value for role, scope in row.grants.items()},
            **({"note": row.note} if row.note else {})}


def _who(row: dict) -> str:
    roles = "; ".join(f"{role}: {SCOPE_WORDS[scope]}" for role, scope in row["roles"].items())
    return f"Who may call ({row['service']}.{row['operation']}): {roles or 'no one'}."


def _operation(operation: Operation, schemas: dict) -> dict:
    spelled = {
        "operationId": operation.operation_id,
        "tags": [operation.tag],
        "summary": operation.summary,
        "security": [{"bearer": []}] if operation.secured else [],
        "responses": _responses(operation),
    }
    parameters = (_parameters(operation.path_model, "path", schemas)
                  + _parameters(operation.query, "query", schemas))
    if parameters:
        spelled["parameters"] = parameters
    row = permission(operation)
    if row is not None:
        spelled["x-permission"] = row
        spelled["description"] = _who(row) + (f" {row['note']}" if row.get("note") else "")
    if operation.body is not None:
        spelled["requestBody"] = {"required": operation.body_required, "content": _content(
            "application/json", {"$ref": REF.format(model=operation.body.__name__)})}
    return spelled


def _referenced(node, found: set) -> set:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)
    return found


@functools.lru_cache(maxsize=None)
def document(service_cls) -> dict:
    operations = operations_of(service_cls)
    _, definitions = models_json_schema(list(_models(operations)), ref_template=REF)
    schemas = {**definitions.get("$defs", {}), "Problem": PROBLEM}
    paths: dict[str, dict] = {}
    seen_ids: set[str] = set()
    for operation in operations:
        if operation.operation_id in seen_ids:
            raise ValueError(f"operationId {operation.operation_id} is used twice")
        seen_ids.add(operation.operation_id)
        method = operation.method.lower()
        if method in paths.setdefault(operation.path, {}):
            raise ValueError(f"{operation.method} {operation.path} is documented twice")
        paths[operation.path][method] = _operation(operation, schemas)
    # Path and query models become parameters; keep only the schemas something refers to.
    used = _referenced(paths, set())
    while True:
        more = _referenced([schemas[name] for name in used], set(used))
        if more == used:
            break
        used = more
    tags = sorted({operation.tag for operation in operations})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Huiqi (惠企) gateway", "version": "1",
                 "description": "JSON under /api/v1 for front-end systems. Errors are "
                                "application/problem+json whose title is the rule and field "
                                "the input at fault."},
        "tags": [{"name": tag, "description": TAGS.get(tag, "")} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": {name: schemas[name] for name in sorted(used)},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "HS256 JWT with sub, role (see Role) and unit or uscc"}},
        },
    }
