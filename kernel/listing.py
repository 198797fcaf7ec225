"""What every list a service answers shares: query-parameter filters checked and refused by name,
page sizes, and opaque cursors (URL-safe base64 of a small JSON value) that a client hands back
unchanged. A list's own filters, order and cursor contents belong to its service."""
from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Callable, Mapping

import sqlalchemy as sa

from kernel.errors import (
    FieldTooLong, InvalidCursor, InvalidFilterValue, LimitOutOfRange, UnknownCode, UnknownFilter,
)

TOKEN = re.compile(r"[A-Za-z0-9_-]+")

# A filter's clause: (its name, its value as text) → a WHERE clause, or a refusal naming it.
Clause = Callable[[str, str], sa.ColumnElement]


def bounded(name: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise FieldTooLong(name, limit, len(value))
    return value


def coded(column: sa.Column, codes: list[str]) -> Clause:
    """A filter on `column` that takes one of `codes` and refuses anything else by name."""
    def clause(name: str, value: str) -> sa.ColumnElement:
        if value not in codes:
            raise UnknownCode(name, value, codes)
        return column == value
    return clause


def given(filters: Mapping | None, known: Mapping) -> dict[str, str]:
    """The filters that narrow anything: a blank query parameter (`?status=`) is no filter."""
    found = {}
    for name, value in (filters or {}).items():
        if name not in known:
            raise UnknownFilter(name, list(known))
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidFilterValue(name, value, "text, as a query parameter carries it")
        if value.strip():
            found[name] = value.strip()
    return found


def page_size(limit, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(limit, bool) or not isinstance(limit, int) or not low <= limit <= high:
        raise LimitOutOfRange(limit, low, high)
    return limit


def encode_cursor(value) -> str:
    raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode("utf-8")).rstrip(b"=").decode("ascii")


def decode_cursor(token, limit: int):
    """The value a cursor holds; `InvalidCursor` for anything this module did not hand out
    (its caller still checks the value's shape)."""
    if not isinstance(token, str) or len(token) > limit or not TOKEN.fullmatch(token):
        raise InvalidCursor()
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
                          .decode("utf-8"))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor() from None
