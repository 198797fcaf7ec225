"""The input checks every aggregate shares: required text within a limit, a code from a
vocabulary, a timezone-aware moment, a list of unit codes, a credit code, the fields a command
accepts. Each raises the named error of `kernel.errors` that names the field at fault.

Plain Python, no I/O: aggregates call these before they record a fact, so bad input never
reaches a store whichever door it came in by.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, TypeVar

from stdnum.cn import uscc as credit_codes

from kernel.errors import (
    FieldRequired, FieldTooLong, InvalidCreditCode, NaiveTime, UnexpectedField, UnknownCode,
)
from kernel.vocabulary import LabelledEnum

E = TypeVar("E", bound=LabelledEnum)

# The common limits, in characters.
NAME_LIMIT = 200
CODE_LIMIT = 100
TEXT_LIMIT = 5000


def text(field: str, value, limit: int) -> str:
    """Non-blank text, stripped, at most `limit` characters."""
    if not isinstance(value, str) or not value.strip():
        raise FieldRequired(field)
    value = value.strip()
    if len(value) > limit:
        raise FieldTooLong(field, limit, len(value))
    return value


def optional_text(field: str, value, limit: int) -> str:
    """As `text`, but absent or blank is the empty string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return text(field, value, limit)


def code(field: str, value, vocabulary: type[E]) -> E:
    try:
        return vocabulary(value)
    except ValueError:
        raise UnknownCode(field, value, vocabulary.codes()) from None


def moment(at, field: str = "at") -> dt.datetime:
    if not isinstance(at, dt.datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise NaiveTime(field)
    return at


def codes(field: str, values: Iterable[str] | str | None, limit: int = CODE_LIMIT) -> list[str]:
    """A list of codes (units, say), each checked as text, duplicates dropped, order kept."""
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values or ():
        item = text(field, value, limit)
        if item not in found:
            found.append(item)
    return found


def credit_code(value, field: str = "uscc") -> str:
    """A unified social credit code (统一社会信用代码), compacted; its check character verified."""
    if not isinstance(value, str) or not value.strip():
        raise FieldRequired(field)
    compact = credit_codes.compact(value)
    if not credit_codes.is_valid(compact):
        raise InvalidCreditCode(value, field)
    return compact


def only_fields(given, allowed, context: str) -> None:
    """Refuse a field the command does not take, naming it."""
    for field in given:
        if field not in allowed:
            raise UnexpectedField(field, context)
