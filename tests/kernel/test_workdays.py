"""The working-day calendar: Spring Festival and National Day 2026 with their make-up days, as the
chinesecalendar package records them, and a clear refusal outside its data."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel.workdays import (
    CalendarOutOfRange, add_working_days, is_working_day, known_range, working_days_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc


def local(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def end_of(year, month, day):
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=SHANGHAI).astimezone(UTC)


def test_spring_festival_2026_as_the_calendar_records_it():
    holiday = [dt.date(2026, 2, d) for d in range(15, 24)]
    assert not any(is_working_day(day) for day in holiday)
    # make-up working days (调休) on two Saturdays
    assert is_working_day(dt.date(2026, 2, 14))
    assert is_working_day(dt.date(2026, 2, 28))
    assert not is_working_day(dt.date(2026, 3, 1))


def test_a_make_up_saturday_counts_as_the_next_working_day():
    due = add_working_days(local(2026, 2, 13), 1)
    assert due == end_of(2026, 2, 14)
    assert due.tzinfo is not None and due.utcoffset() == dt.timedelta(0)


def test_a_deadline_crosses_the_spring_festival():
    assert add_working_days(local(2026, 2, 14), 1) == end_of(2026, 2, 24)
    # 3 working days from Friday 13 Feb: Sat 14, Tue 24, Wed 25
    assert add_working_days(local(2026, 2, 13), 3) == end_of(2026, 2, 25)


def test_the_office_day_not_the_utc_day_counts():
    # 20:00 UTC on Thursday 12 Feb is already Friday 13 Feb in Ganzhou
    late_utc = dt.datetime(2026, 2, 12, 20, tzinfo=UTC)
    assert add_working_days(late_utc, 1) == end_of(2026, 2, 14)


def test_fifteen_working_days_over_the_holiday():
    # received Mon 9 Feb: 10,11,12,13,14(Sat make-up),24,25,26,27,28(Sat make-up),2,3,4,5,6 Mar
    assert add_working_days(local(2026, 2, 9), 15) == end_of(2026, 3, 6)


def test_national_day_2026():
    golden_week = [dt.date(2026, 10, d) for d in range(1, 8)]
    assert not any(is_working_day(day) for day in golden_week)
    assert is_working_day(dt.date(2026, 10, 10))  # make-up Saturday
    assert add_working_days(local(2026, 9, 30), 1) == end_of(2026, 10, 8)
    assert add_working_days(local(2026, 10, 9), 1) == end_of(2026, 10, 10)


def test_working_days_between_counts_after_the_first_day_up_to_the_last():
    start = local(2026, 2, 13)
    assert working_days_between(start, local(2026, 2, 24)) == 2
    assert working_days_between(local(2026, 2, 24), start) == -2
    assert working_days_between(start, start) == 0
    for n in (1, 3, 15):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_zero_days_is_the_end_of_the_same_day_and_negative_is_refused():
    assert add_working_days(local(2026, 3, 3), 0) == end_of(2026, 3, 3)
    with pytest.raises(ValueError):
        add_working_days(local(2026, 3, 3), -1)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 3, 3, 10), 1)


def test_before_the_calendar_data_is_a_named_error():
    first, _ = known_range()
    before = first - dt.timedelta(days=1)
    with pytest.raises(CalendarOutOfRange) as refused:
        is_working_day(before)
    assert before.isoformat() in str(refused.value)
    assert refused.value.rule == "calendar_out_of_range"


def test_a_year_not_yet_published_is_counted_provisionally():
    _, last = known_range()
    year = last.year + 1
    assert not is_working_day(dt.date(year, 1, 1))  # New Year's Day, fixed by statute
    assert not is_working_day(dt.date(year, 10, 2))
    monday = next(dt.date(year, 3, d) for d in range(1, 8) if dt.date(year, 3, d).weekday() == 0)
    assert is_working_day(monday)
    assert not is_working_day(monday + dt.timedelta(days=5))  # Saturday
    # A deadline set in late December runs on into the new year instead of failing.
    received = dt.datetime.combine(last, dt.time(10), tzinfo=SHANGHAI)
    due = add_working_days(received, 15)
    assert due.astimezone(SHANGHAI).year == year
    assert working_days_between(received, due) == 15
