"""The permission row of an operation, checked before its handler reads the request.

The rows are the services' own (`services/<name>/permissions.py`, beside the contract): the gateway
reads them as it reads a contract, and holds no rule of its own. Checking here first means a
caller who may not call an operation is told `forbidden`, not that a body it should never have
sent is malformed; the service checks the same row again on its RPC before any work is done.
"""
from __future__ import annotations

import functools
import importlib

from gateway.auth import authenticate
from kernel.errors import UNCONDITIONAL, Refused
from kernel.permissions import Table


@functools.lru_cache(maxsize=None)
def table(service: str) -> Table | None:
    """The service's permission table; None for one that has none (the gateway's own routes)."""
    try:
        module = importlib.import_module(f"services.{service}.permissions")
    except ModuleNotFoundError:
        return None
    return module.PERMISSIONS


def role_of(operation, request) -> str:
    """Who calls: the verified bearer token's role, or the public for an open route."""
    if not operation.secured:
        return "public"
    return authenticate(request.headers.get("Authorization")).role


def check(operation, request) -> None:
    """Refuse (unauthenticated, forbidden) a caller the operation's row does not let in."""
    rows = table(operation.service) if operation.service else None
    if rows is None or operation.permission is None:
        return
    rows.row(operation.permission).refuse_unless_allowed(role_of(operation, request),
                                                         operation.service)


def require_if_match(operation, request) -> None:
    """A change of shared configuration names the version it was read at (`If-Match`)."""
    if operation.shared_configuration and not request.headers.get("If-Match"):
        raise Refused("if_match_required", UNCONDITIONAL,
                      "this is shared configuration: read it first and send the change with "
                      "If-Match set to the ETag it was read with", field="If-Match")


def guarded(handler, operations: tuple):
    """`handler`, checking the row of the operation a request is for first. A handler mounted
    for several operations tells them apart by the `action` in its path."""
    rows = {operation.permission for operation in operations}
    by_action = {operation.action: operation for operation in operations}

    @functools.wraps(handler)
    def guarding(service, request, *args, **values):
        operation = operations[0] if len(rows) == 1 else by_action.get(values.get("action"))
        if operation is not None:
            check(operation, request)
            require_if_match(operation, request)
        return handler(service, request, *args, **values)

    return guarding
