"""The shapes most of the API's routes share, as a table of route makers: create a thing, list
(filtered, or a page at a time), get one, change one, act on one, and the reads and commands
that are none of those. Each makes a handler that reads the request, calls one RPC of the
service behind the area's proxy with the caller first, and is documented by the operation it is
mounted with, so a route is a line of its area's class, its words and models all that is its
own.
"""
from __future__ import annotations

import re
from typing import Callable

from pydantic import BaseModel

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes, mount
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND, Refused

COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)
CREATE_ERRORS = (FORBIDDEN, CONFLICT)
READ_ERRORS = (FORBIDDEN, NOT_FOUND)
LIST_ERRORS = (FORBIDDEN,)


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


class Spread(list):
    """A dump's fields sent as arguments of their own, one a field, not as one argument."""


def each(*names: str, empty_ok: bool = False) -> Dump:
    """The body's fields `names`, each its own argument, as JSON gives them."""
    def dump(request, model) -> Spread:
        given = parse(request, model, empty_ok=empty_ok).model_dump(mode="json")
        return Spread(given[name] for name in names)
    return dump


# -- how a query is sent on -----------------------------------------------------------------

Sends = Callable[[BaseModel], list]


def filtered(names) -> Sends:
    """The query's filters `names`, as text, in one argument."""
    return lambda given: [texts(given, names)]


def paged(names) -> Sends:
    """The filters `names` as text, then the page asked for: its cursor and its size."""
    return lambda given: [texts(given, names), given.cursor, given.limit]


def fields(*names: str) -> Sends:
    """The query's values `names`, each its own argument."""
    return lambda given: [getattr(given, name) for name in names]


def whole(given: BaseModel) -> list:
    """The query as one argument, every field of it."""
    return [given.model_dump(mode="json")]


# -- handlers -------------------------------------------------------------------------------

def named(handler, operation_id: str):
    handler.__name__ = handler.__qualname__ = operation_id
    return handler


def parameters(path: str) -> list[str]:
    """The path's parameters, in their order: /parks/{park_id} → [park_id]."""
    return re.findall(r"\{(\w+)\}", path)


def path_values(values: dict, path_model, names: list[str]) -> list:
    """The path's parameters `names` as its model reads them; none without a model."""
    if path_model is None:
        return []
    found = read_path(values, path_model)
    return [getattr(found, name) for name in names]


def action_named(actions: dict, kind: str, name: str):
    """The command `name` of `actions`, or a 404 naming the ones there are."""
    command = actions.get(name)
    if command is None:
        raise Refused("unknown_action", NOT_FOUND,
                      f"no action {name!r} on {kind}; the actions are: "
                      f"{', '.join(sorted(actions))}")
    return command


class Resources:
    """The route makers of one area, mounted on its `api`: `read_errors` and `list_errors` are
    the kinds of refusal its reads may give; `dump` sends a body's fields on, unless a route
    says otherwise, and `action_dump` an action's; `body_first` reads a body before its
    caller; `proxy` names the service class's RPC proxy the handlers call."""

    def __init__(self, api: Routes, *, read_errors: tuple = READ_ERRORS,
                 list_errors: tuple = (), proxy: str, dump: Dump = in_full,
                 body_first: bool = False, action_dump: Dump = action_fields):
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

    def route(self, method: str, path: str, operation_id: str, summary: str, *, answers,
              errors_: tuple, rpc: str | None = None, words: tuple = (), path_model=None,
              query=None, sends: Sends | None = None, reader=read_query, body=None,
              dump: Dump | None = None, status: int | Callable[[dict], int] = 200,
              location: str | None = None, into: str | None = None):
        """The handler every maker makes. It calls `rpc` with the caller, then `words`, the
        path's parameters in their order, what `sends` takes of the query (`reader` reads
        it) and the body's fields (`dump` reads them); it answers `status` (or what it
        gives for the answer), with `location` (a format of the answer's fields) as the
        Location of a thing made, the answer under `into` if that is given."""
        rpc, names, dump = rpc or operation_id, parameters(path), dump or self.dump
        sends = sends or (lambda given: [])

        @self.api(method, path, operation_id, summary, path_model=path_model, query=query,
                  body=body, errors_=errors_, rpc=rpc, answers=answers)
        def handler(service, request, **values):
            read_first = body is not None and self.body_first
            sent = dump(request, body) if read_first else None
            actor = caller(request)
            arguments = [*words, *path_values(values, path_model, names)]
            if query is not None:
                arguments += sends(reader(request, query))
            if body is not None:
                sent = sent if read_first else dump(request, body)
                arguments += sent if isinstance(sent, Spread) else [sent]
            made = self.call(service, rpc)(actor, *arguments)
            where = {"Location": API + location.format(**made)} if location else None
            return json_response(status(made) if callable(status) else status,
                                 {into: made} if into else made, where)
        return named(handler, operation_id)

    def create(self, collection: str, operation_id: str, summary: str, *, body, view,
               described: str, key: str = "id", rpc: str | None = None,
               errors_: tuple = CREATE_ERRORS, dump: Dump | None = None,
               where: str = "its URL"):
        """POST /<collection>: 201 with the thing made, located at /<collection>/<its key>
        (`where` says so in the document)."""
        return self.route(
            "POST", f"/{collection}", operation_id, summary, body=body, dump=dump,
            errors_=errors_, rpc=rpc, status=201, location=f"/{collection}/{{{key}}}",
            answers=Answer(201, described, view, headers=(("Location", where),)))

    def make_or_find(self, path: str, operation_id: str, summary: str, *, body, view,
                     made: str, found: str, location: str, new: Callable[[dict], bool],
                     where: str, where_found: str | None = None,
                     errors_: tuple = CREATE_ERRORS):
        """POST a thing that may be there already: 201 with the thing `made`, or 200 with the
        one `found` (`new` tells which from the answer), located by `location` (a format of
        the answer's fields) either way; `where` and `where_found` say so in the document."""
        return self.command(
            "POST", path, operation_id, summary, body=body, errors_=errors_,
            status=lambda answer: 201 if new(answer) else 200, location=location, answers=(
                Answer(201, made, view, headers=(("Location", where),)),
                Answer(200, found, view, headers=(("Location", where_found or where),))))

    def listing(self, collection: str, operation_id: str, summary: str, *, query,
                filters: tuple = (), sends: Sends | None = None, view, described: str,
                rpc: str | None = None):
        """GET /<collection>, narrowed by the query's `filters` (or what `sends` takes of it:
        `paged` for one page at a time)."""
        return self.read(f"/{collection}", operation_id, summary, query=query,
                         sends=sends or filtered(filters), view=view, described=described,
                         rpc=rpc, errors_=self.list_errors)

    def get(self, path: str, operation_id: str, summary: str, *, path_model, view,
            described: str, rpc: str | None = None, words: tuple = (), into: str | None = None):
        """GET a thing by the path's parameters; `words` go before them in the call."""
        return self.read(path, operation_id, summary, path_model=path_model, view=view,
                         described=described, rpc=rpc, words=words, into=into)

    def read(self, path: str, operation_id: str, summary: str, *, view, described: str,
             path_model=None, query=None, filters: tuple = (), sends: Sends | None = None,
             reader=read_query, rpc: str | None = None, words: tuple = (),
             errors_: tuple | None = None, into: str | None = None):
        """GET: the path's parameters, then the query's filters as text (or what `sends`
        takes of it) if it has a query."""
        if query is not None and sends is None:
            sends = filtered(filters)
        return self.route(
            "GET", path, operation_id, summary, path_model=path_model, query=query,
            sends=sends, reader=reader, rpc=rpc, words=words, into=into,
            errors_=self.read_errors if errors_ is None else errors_,
            answers=Answer(200, described, view))

    def change(self, method: str, path: str, operation_id: str, summary: str, *, path_model,
               body, view, described: str, rpc: str | None = None, words: tuple = (),
               dump: Dump | None = None, status: int = 200):
        """`method` on a thing by the path's parameters, with a body of fields."""
        return self.command(method, path, operation_id, summary, path_model=path_model,
                            body=body, view=view, described=described, rpc=rpc, words=words,
                            dump=dump, status=status)

    def command(self, method: str, path: str, operation_id: str, summary: str, *, body,
                view=None, described: str = "", path_model=None, query=None,
                sends: Sends | None = None, rpc: str | None = None, words: tuple = (),
                dump: Dump | None = None, status: int | Callable[[dict], int] = 200,
                errors_: tuple = COMMAND_ERRORS, location: str | None = None,
                answers: tuple | None = None):
        """A command: the path's parameters, then what `sends` takes of the query, then the
        body's fields (none if `body` is None). `location` (a format with the answer's
        fields) says where a thing made is; `answers` replace the one answer of `status`
        where a command may answer two ways (`status` then tells which from the answer)."""
        headers = (("Location", "its URL"),) if location else ()
        return self.route(
            method, path, operation_id, summary, path_model=path_model, query=query,
            sends=sends, body=body, dump=dump, rpc=rpc, words=words, status=status,
            errors_=errors_, location=location,
            answers=answers or Answer(status, described, view, headers=headers))

    def act(self, path: str, path_model, actions: dict, *, kind: str, prefix: str, view,
            rpc: str, described: str = "after the command"):
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
                               answers=Answer(200, described, view))
            for action, command in actions.items())

        @mount("POST", f"{API}{path}/{{action}}", *operations)
        def handler(service, request, action, **values):
            actor = caller(request)
            command = action_named(actions, kind, action)
            arguments = path_values(values, path_model, names)
            sent = self.action_dump(request, command.body)
            return json_response(200, self.call(service, rpc)(actor, *arguments, action, sent))
        return named(handler, f"act_on_{prefix}")
