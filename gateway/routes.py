"""The shapes most of the API's routes share, as a table of route makers: create a thing, list
them, get one, change one, act on one. Each makes a handler that reads the request, calls one RPC
of the service behind the area's proxy with the caller first, and is documented by the operation
it is mounted with, so a route is a line of its area's class, its words and models all that is
its own.
"""
from __future__ import annotations

import re
from typing import Callable

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes, mount
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND, Refused

COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)
CREATE_ERRORS = (FORBIDDEN, CONFLICT)


# -- how a body's fields are sent on --------------------------------------------------------

def as_given(request, model) -> dict:
    """The fields as given: an absent field is not sent, an explicit null is (a change's park
    null takes the enterprise out of its park)."""
    return parse(request, model).model_dump(mode="json", exclude_unset=True)


def in_full(request, model) -> dict:
    return parse(request, model).model_dump(mode="json")


def without_nulls(request, model) -> dict:
    return parse(request, model).model_dump(mode="json", exclude_none=True)


def action_fields(request, model) -> dict:
    """An action's fields: an empty body gives none, a null is not sent."""
    return parse(request, model, empty_ok=True).model_dump(mode="json", exclude_none=True)


Dump = Callable[..., dict]


def named(handler, operation_id: str):
    handler.__name__ = handler.__qualname__ = operation_id
    return handler


def parameters(path: str) -> list[str]:
    """The path's parameters, in their order: /parks/{park_id} → [park_id]."""
    return re.findall(r"\{(\w+)\}", path)


def _parameter(path: str) -> str:
    """The path's one parameter: /parks/{park_id} → park_id."""
    [name] = parameters(path)
    return name


def path_values(values: dict, path_model, names: list[str]) -> list:
    """The path's parameters `names` as its model reads them; none without a model."""
    if path_model is None:
        return []
    found = read_path(values, path_model)
    return [getattr(found, name) for name in names]


class Resources:
    """The route makers of one area, mounted on its `api`: `read_errors` and `list_errors` are
    the kinds of refusal its reads may give; `dump` sends a body's fields on, unless a route
    says otherwise, and `action_dump` an action's; `body_first` reads a creation's body before
    its caller; `proxy` names the service class's RPC proxy the handlers call."""

    def __init__(self, api: Routes, *, read_errors: tuple, list_errors: tuple = (),
                 proxy: str, dump: Dump = in_full, body_first: bool = False,
                 action_dump: Dump = action_fields):
        self.api = api
        self.read_errors = read_errors
        self.list_errors = list_errors
        self.dump = dump
        self.body_first = body_first
        self.proxy = proxy
        self.action_dump = action_dump

    def call(self, service, rpc: str):
        """The RPC `rpc` of the service behind the area's proxy."""
        return getattr(getattr(service, self.proxy), rpc)

    def create(self, collection: str, operation_id: str, summary: str, *, body, view,
               described: str, key: str = "id", rpc: str | None = None):
        """POST /<collection>: 201 with the thing made, located at /<collection>/<its key>."""
        rpc = rpc or operation_id

        @self.api("POST", f"/{collection}", operation_id, summary, body=body,
                  errors_=CREATE_ERRORS, rpc=rpc,
                  answers=Answer(201, described, view, headers=(("Location", "its URL"),)))
        def handler(service, request):
            if self.body_first:
                fields = self.dump(request, body)
                actor = caller(request)
            else:
                actor = caller(request)
                fields = self.dump(request, body)
            made = self.call(service, rpc)(actor, fields)
            return json_response(201, made, {"Location": f"{API}/{collection}/{made[key]}"})
        return named(handler, operation_id)

    def listing(self, collection: str, operation_id: str, summary: str, *, query, filters,
             view, described: str, rpc: str | None = None):
        """GET /<collection>, narrowed by the query's `filters`."""
        rpc = rpc or operation_id

        @self.api("GET", f"/{collection}", operation_id, summary, query=query,
                  errors_=self.list_errors, rpc=rpc, answers=Answer(200, described, view))
        def handler(service, request):
            actor = caller(request)
            given = read_query(request, query)
            return json_response(200, self.call(service, rpc)(actor, texts(given, filters)))
        return named(handler, operation_id)

    def get(self, path: str, operation_id: str, summary: str, *, path_model, view,
            described: str, rpc: str | None = None, words: tuple = ()):
        """GET a thing by the path's one parameter; `words` go before it in the call."""
        rpc, name = rpc or operation_id, _parameter(path)

        @self.api("GET", path, operation_id, summary, path_model=path_model,
                  errors_=self.read_errors, rpc=rpc, answers=Answer(200, described, view))
        def handler(service, request, **values):
            actor = caller(request)
            found = read_path(values, path_model)
            return json_response(200, self.call(service, rpc)(
                actor, *words, getattr(found, name)))
        return named(handler, operation_id)

    def change(self, method: str, path: str, operation_id: str, summary: str, *, path_model,
               body, view, described: str, rpc: str | None = None, words: tuple = (),
               dump: Dump | None = None, status: int = 200):
        """`method` on a thing by the path's one parameter, with a body of fields."""
        rpc, name, dump = rpc or operation_id, _parameter(path), dump or self.dump

        @self.api(method, path, operation_id, summary, path_model=path_model, body=body,
                  errors_=COMMAND_ERRORS, rpc=rpc, answers=Answer(status, described, view))
        def handler(service, request, **values):
            actor = caller(request)
            found = read_path(values, path_model)
            return json_response(status, self.call(service, rpc)(
                actor, *words, getattr(found, name), dump(request, body)))
        return named(handler, operation_id)

    def act(self, path: str, path_model, actions: dict, *, kind: str, prefix: str, view,
            rpc: str):
        """POST <path>/<action> for a thing by the path's parameters: one handler for every
        action of `actions` (the contract's), each documented as its own operation
        `<prefix>_<method>`; `kind` names the thing in the refusal of an unknown action. The
        path's parameters come first in the call, then the action and its fields."""
        names = parameters(path)
        operations = tuple(
            self.api.operation("POST", f"{path}/{action}",
                               f"{prefix}_{command.method}", command.summary,
                               path_model=path_model, body=command.body,
                               errors_=COMMAND_ERRORS, rpc=rpc, action=action,
                               answers=Answer(200, "after the command", view))
            for action, command in actions.items())

        @mount("POST", f"{API}{path}/{{action}}", *operations)
        def handler(service, request, action, **values):
            actor = caller(request)
            command = actions.get(action)
            if command is None:
                raise Refused("unknown_action", NOT_FOUND,
                              f"no action {action!r} on {kind}; the actions are: "
                              f"{', '.join(sorted(actions))}")
            arguments = path_values(values, path_model, names)
            fields = self.action_dump(request, command.body)
            return json_response(200, self.call(service, rpc)(actor, *arguments, action, fields))
        return named(handler, f"act_on_{prefix}")
