"""The field work's input checks beyond the kernel's (`kernel.checks`): dates, months, lists of
names, credit codes and items, figures, the default due dates. Each raises a named error naming
the field. Plain Python, no I/O."""
from __future__ import annotations

import datetime as dt
import math
import re

from kernel import checks
from kernel.clock import office_day
from kernel.errors import FieldRequired
# The aggregates check the limits the wire contract declares (the aggregates' modules read them
# from here).
from services.liaison.fieldwork.contract import CODE_LIMIT as CODE_LIMIT
from services.liaison.fieldwork.contract import ITEMS_LIMIT, NAME_LIMIT
from services.liaison.fieldwork.contract import TEXT_LIMIT as TEXT_LIMIT
from services.liaison.fieldwork.contract import TITLE_LIMIT as TITLE_LIMIT
from services.liaison.fieldwork.exceptions import (
    DateInFuture, DueBeforeToday, InvalidDate, InvalidFigure, InvalidPeriod, ListRequired,
    NegativeFigure, NotAList, NotAnItem, PeriodInFuture, TooMany,
)

# The largest figure an operation report takes: 万元 (10^10 万元 is 10^14 yuan), persons.
WAN_YUAN_LIMIT = 10 ** 10
PERSONS_LIMIT = 10 ** 7
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def date(field: str, value) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise InvalidDate(field, value)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidDate(field, value) from None


def past_date(field: str, value, at: dt.datetime) -> str:
    """A date that has come (a visit, a consultation): not after the office's today."""
    day, today = date(field, value), office_day(at)
    if day > today:
        raise DateInFuture(field, day.isoformat(), today.isoformat())
    return day.isoformat()


def month(field: str, value) -> str:
    """A month, YYYY-MM."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise FieldRequired(field, "a month, YYYY-MM")
    found = MONTH.match(value.strip()) if isinstance(value, str) else None
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:
        raise InvalidPeriod(value, field)
    return value.strip()


def past_month(field: str, value, at: dt.datetime) -> str:
    """A month that has begun: not after the office's current month."""
    given, current = month(field, value), office_day(at).isoformat()[:7]
    if given > current:
        raise PeriodInFuture(given, current)
    return given


def figure(field: str, value, *, whole: bool = False) -> float | int | None:
    """A figure of a report: None (not given), else a finite number, 0 or more, within its
    limit; `whole` for a count of persons."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value):
        raise InvalidFigure(field, value, "a number")
    if value < 0:
        raise NegativeFigure(field, value)
    limit = PERSONS_LIMIT if whole else WAN_YUAN_LIMIT
    if value > limit:
        raise InvalidFigure(field, value, f"at most {limit}")
    if whole:
        if value != int(value):
            raise InvalidFigure(field, value, "a whole number of persons")
        return int(value)
    return float(value)


def due(value, at: dt.datetime, default: tuple[int, int]) -> str:
    """The due date given, or the notice's (month, day) of the office's current year."""
    today = office_day(at)
    if value is None:
        return dt.date(today.year, *default).isoformat()
    day = date("due", value)
    if day < today:
        raise DueBeforeToday(day.isoformat(), today.isoformat())
    return day.isoformat()


def items(field: str, value, what: str, *, required: bool = False) -> list:
    if value is None:
        value = []
    if not isinstance(value, (list, tuple)):
        raise NotAList(field)
    if required and not value:
        raise ListRequired(field, what)
    if len(value) > ITEMS_LIMIT:
        raise TooMany(field, ITEMS_LIMIT)
    return list(value)


def names(field: str, value, what: str, *, required: bool = False,
          limit: int = NAME_LIMIT) -> list[str]:
    """Names (people, units, banks), each checked as text, duplicates dropped, order kept."""
    found: list[str] = []
    for item in items(field, value, what, required=required):
        name = checks.text(field, item, limit)
        if name not in found:
            found.append(name)
    return found


def credit_codes(field: str, value, *, required: bool = False) -> list[str]:
    found: list[str] = []
    for item in items(field, value, "enterprise (统一社会信用代码)", required=required):
        code = checks.credit_code(item, field)
        if code not in found:
            found.append(code)
    return found


def mapping(field: str, value, what: str) -> dict:
    if not isinstance(value, dict):
        raise NotAnItem(field, what)
    return value
