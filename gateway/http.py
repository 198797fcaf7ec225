"""Reading requests and writing responses: JSON in, JSON or problem+json out.

A body is read only if it is small and shallow enough to be one of the API's shapes: one over a
megabyte is refused (413) by its Content-Length before any of it is read, or, sent without one,
as soon as more than a megabyte has arrived; a deeply nested document is refused (400) before it
is parsed. No client can make the parser recurse or the gateway hold what no command takes.
"""
from __future__ import annotations

import base64
import datetime as dt
import enum
import json
import re
from typing import Iterable, Type, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from kernel.errors import INVALID, MALFORMED, TOO_LARGE, Refused

M = TypeVar("M", bound=BaseModel)

MAX_BODY_BYTES = 1024 * 1024   # the largest command (a classification) is far below this
MAX_DEPTH = 8                  # the API's bodies nest two levels
# A JSON string (escapes included) or a bracket: what the depth scan needs to see.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def json_response(status: int, body, headers: dict | None = None) -> Response:
    """A JSON answer; a thing with a stream version carries it as its ETag, which a change
    names in If-Match (a stale one is refused, 412)."""
    version = body.get("version") if isinstance(body, dict) else None
    if isinstance(version, int) and not isinstance(version, bool):
        headers = {"ETag": f'"{version}"', **(headers or {})}
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def attachment(filename: str, display_name: str | None = None) -> str:
    """The Content-Disposition of a download (RFC 6266): the ASCII `filename` for any client,
    and the name a clerk reads (`display_name`, often Chinese) as `filename*`."""
    shown = display_name or filename
    plain = filename if filename.isascii() else "download" + (
        "." + filename.rsplit(".", 1)[1] if "." in filename else "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(shown)}"


def download(body, media_type: str, filename: str, display_name: str | None = None,
             headers: dict | None = None, **options) -> Response:
    """A file to save: its bytes (or an iterable of them, `direct_passthrough=True` for a file
    streamed off disk) under its names (`attachment`)."""
    return Response(body, status=200, mimetype=media_type, headers={
        **(headers or {}), "Content-Disposition": attachment(filename, display_name)},
        **options)


def rendered_download(made: dict, headers: dict | None = None) -> Response:
    """A file a service rendered and sent over RPC: `base64` bytes, `media_type`, `filename`
    and, when it gives one, the `display_name` a clerk reads."""
    return download(base64.b64decode(made["base64"]), made["media_type"], made["filename"],
                    made.get("display_name"), headers)


def _malformed(message: str) -> Refused:
    return Refused("invalid_json", MALFORMED, message)


def _depth(text: str, limit: int) -> int:
    """How deep the document nests, counted up to `limit + 1`."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def _too_large(message: str) -> Refused:
    return Refused("body_too_large", TOO_LARGE, message)


def read_body(request) -> bytes:
    """The request body, at most MAX_BODY_BYTES of it: a larger one is refused (413) unread."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise _too_large(f"the request body is {length} bytes; at most {MAX_BODY_BYTES} are read")
    # A chunked body has no length to check first; werkzeug would hand it over as empty (the
    # server does not mark its input terminated), so it is read from the server's own decoded
    # input. Either way, one byte more than the cap tells it is too long without reading the
    # rest of it.
    chunked = length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    stream = request.input_stream if chunked else request.stream
    data = stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise _too_large(f"the request body is over {MAX_BODY_BYTES} bytes")
    return data


def read_json(request, empty_ok: bool = False) -> dict:
    data = read_body(request)
    if not data:
        if empty_ok:
            return {}
        raise _malformed("the request body must be a JSON object")
    text = data.decode("utf-8", errors="replace")
    if _depth(text, MAX_DEPTH) > MAX_DEPTH:
        raise _malformed(f"the request body nests deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _malformed(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise _malformed("the request body must be a JSON object")
    if _SURROGATE_ESCAPE.search(text):
        try:  # a lone surrogate (\ud800) is valid JSON but no text a store can keep
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise _malformed("the request body holds an unpaired surrogate escape") from None
    return body


def parse(request, model: Type[M], empty_ok: bool = False) -> M:
    return validated(model, read_json(request, empty_ok))


def read_query(request, model: Type[M], aliased: bool = False) -> M:
    """Query parameters, checked like a body. A repeated parameter keeps its first value; a
    blank one (`?status=`) is as if it were not given; one the model does not name is refused.
    `aliased`: the model's parameters are spelled by their aliases (`from`, a Python keyword),
    and are known and refused by those names."""
    names = [(field.alias or name) if aliased else name
             for name, field in model.model_fields.items()]
    given = {}
    for name, value in request.args.items():
        if name not in names:
            raise Refused("unknown_parameter", INVALID,
                          f"{name} is not a query parameter here; the parameters are: "
                          f"{', '.join(names)}", field=name)
        if value.strip():
            given[name] = value
    return validated(model, given)


def read_path(values: dict, model: Type[M]) -> M:
    return validated(model, values)


def validated(model: Type[M], data: dict) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                  for e in exc.errors()]
        first = errors[0]
        raise Refused("invalid_input", INVALID, f"{first['field']}: {first['message']}",
                      field=first["field"], errors=errors) from None


def as_text(value) -> str:
    """A checked query value as the services take it: text, as a query parameter carries it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def texts(model: BaseModel, names: Iterable[str]) -> dict[str, str]:
    """The given values of `names`, as text."""
    return {name: as_text(value) for name, value in
            model.model_dump(include=set(names), exclude_none=True).items()}
