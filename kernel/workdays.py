"""The Chinese working-day calendar every deadline runs on.

Public holidays and make-up working days (调休) come from the `chinesecalendar` package, which
carries the State Council's published arrangements year by year. Days are counted in the office's
zone (Asia/Shanghai); instants go in and come out as timezone-aware datetimes, the results in UTC.

The State Council publishes each year's arrangement only weeks before the year begins, yet an
appeal received in December already has deadlines in January. For a later year the package does
not know yet, days are counted provisionally: Monday to Friday, less the statutory holidays with
fixed dates (New Year's Day, 1–2 May, 1–3 October), and a warning is logged so the operator
upgrades chinesecalendar. Days before the data begins raise `CalendarOutOfRange`: no appeal is
that old.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import structlog

from kernel.clock import OFFICE_TIME
from kernel.errors import CalendarOutOfRange

# 全国年节及纪念日放假办法: the statutory holidays whose dates do not follow the lunar calendar.
FIXED_STATUTORY_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
log = structlog.get_logger(__name__)
_warned_years: set[int] = set()


def known_range() -> tuple[dt.date, dt.date]:
    """The first and last day the installed calendar data covers (whole years)."""
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return dt.date(min(known).year, 1, 1), dt.date(max(known).year, 12, 31)


def local_date(moment: dt.datetime | dt.date) -> dt.date:
    """The office's calendar day of an instant (a plain date is taken as already local)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: a moment must carry its zone to find its day")
        return moment.astimezone(OFFICE_TIME).date()
    return moment


def is_working_day(day: dt.date | dt.datetime) -> bool:
    day = local_date(day)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as missing_year:
        if day < known_range()[0]:
            raise CalendarOutOfRange(day, *known_range()) from missing_year
        return provisional_working_day(day)


def provisional_working_day(day: dt.date) -> bool:
    """A year whose arrangement is not yet in the data: weekdays less fixed statutory holidays."""
    if day.year not in _warned_years:
        _warned_years.add(day.year)
        log.warning("working days counted provisionally: upgrade chinesecalendar",
                    year=day.year, known_until=known_range()[1].isoformat())
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_STATUTORY_HOLIDAYS


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of an office day, in UTC."""
    local_end = dt.datetime.combine(day, dt.time.max, tzinfo=OFFICE_TIME)
    return local_end.astimezone(dt.timezone.utc)


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    if n < 0:
        raise ValueError(f"cannot count {n} working days: the count must be zero or more")
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def add_working_days(start: dt.datetime, n: int) -> dt.datetime:
    """The end of the n-th working day strictly after the office day of `start` (UTC-aware).

    A matter received at any hour of a day has its whole n working days after that day, so the
    hour of receipt never shortens a deadline.
    """
    return end_of_day(nth_working_day_after(local_date(start), n))


def working_days_between(a: dt.datetime | dt.date, b: dt.datetime | dt.date) -> int:
    """Working days after the office day of `a` up to and including that of `b`.

    Negative when `b` falls before `a`; so `working_days_between(a, add_working_days(a, n)) == n`.
    """
    first, last = local_date(a), local_date(b)
    if last < first:
        return -working_days_between(b, a)
    count = 0
    day = first
    while day < last:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
