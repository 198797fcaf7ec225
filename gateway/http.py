"""Reading requests and writing responses: JSON in, JSON or problem+json out."""
from __future__ import annotations

import json
from typing import Type, TypeVar

from pydantic import BaseModel, ValidationError
from werkzeug.wrappers import Response

from kernel.errors import INVALID, MALFORMED, Refused

M = TypeVar("M", bound=BaseModel)


def json_response(status: int, body, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def read_json(request, empty_ok: bool = False) -> dict:
    if not request.data:
        if empty_ok:
            return {}
        raise Refused("invalid_json", MALFORMED, "the request body must be a JSON object")
    try:
        body = json.loads(request.get_data(as_text=True))
    except ValueError as exc:
        raise Refused("invalid_json", MALFORMED, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise Refused("invalid_json", MALFORMED, "the request body must be a JSON object")
    return body


def parse(request, model: Type[M], empty_ok: bool = False) -> M:
    return _validated(model, read_json(request, empty_ok))


def read_query(request, model: Type[M], only: set | None = None) -> M:
    """Query parameters, checked like a body; a repeated parameter keeps its first value.
    `only` picks the parameters this model reads when others are passed on elsewhere."""
    args = request.args.to_dict()
    if only is not None:
        args = {k: v for k, v in args.items() if k in only}
    return _validated(model, args)


def _validated(model: Type[M], data: dict) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                  for e in exc.errors()]
        first = errors[0]
        raise Refused("invalid_input", INVALID, f"{first['field']}: {first['message']}",
                      field=first["field"], errors=errors) from None
