"""An appeal's deadlines across the 2026 Spring Festival (15–23 Feb) and its make-up working days
(Saturdays 14 and 28 Feb), as the office would count them by hand."""
import datetime as dt

import pytest
from zoneinfo import ZoneInfo

from kernel.actor import SYSTEM, Actor
from services.tickets.appeals.domain import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = Actor(sub="clerk", role="office")
UNIT = Actor(sub="officer", role="unit_officer", unit="gz-tax")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def end_of(year, month, day) -> str:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=SHANGHAI).astimezone(
        dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def raised() -> Ticket:
    return Ticket.raise_appeal(
        "t-1", ledger_number="GZ-2026-000001", enterprise_name="赣州某稀土企业",
        uscc="91360702MA35G0QX4J", title="春节前后用工返岗难", description="节后普工返岗率不足五成。",
        channel="hotline", category="labour", county="zhanggong", at=local(2026, 2, 12, 9),
        actor=OFFICE)


def test_sign_deadline_falls_on_the_make_up_saturday():
    ticket = raised()
    ticket.dispatch(lead_unit="gz-tax", at=local(2026, 2, 13, 16), actor=OFFICE)  # Friday
    assert ticket.deadlines["sign"] == end_of(2026, 2, 14)


def test_resolution_deadline_runs_over_the_holiday():
    ticket = raised()
    ticket.dispatch(lead_unit="gz-tax", at=local(2026, 2, 13, 16), actor=OFFICE)
    ticket.sign_for(at=local(2026, 2, 14, 10), actor=UNIT)  # signed on the make-up Saturday
    # 24, 25, 26 Feb are the first three working days after the holiday.
    assert ticket.deadlines["first_response"] == end_of(2026, 2, 26)
    # 24–27 Feb, Sat 28 Feb (make-up), 2–6 Mar, 9–13 Mar: the fifteenth is Friday 13 March.
    assert ticket.deadlines["resolution"] == end_of(2026, 3, 13)


def test_no_deadline_is_missed_during_the_holiday_but_is_after_it():
    ticket = raised()
    ticket.dispatch(lead_unit="gz-tax", at=local(2026, 2, 13, 16), actor=OFFICE)
    ticket.sign_for(at=local(2026, 2, 14, 10), actor=UNIT)
    assert ticket.mark_overdue(at=local(2026, 2, 23, 12), actor=SYSTEM) == []  # still holiday
    missed = ticket.mark_overdue(at=local(2026, 2, 27, 9), actor=SYSTEM)
    assert [(f.payload["deadline"], f.payload["due"]) for f in missed] == [
        ("first_response", end_of(2026, 2, 26))]
    assert ticket.mark_overdue(at=local(2026, 2, 27, 10), actor=SYSTEM) == []  # once only


def test_an_office_configures_days_per_category():
    from services.tickets.appeals.deadlines import policy_from_json
    policy = policy_from_json('{"default": {"resolution": 10}, '
                              '"per_category": {"financing": {"resolution": 20}}, '
                              '"close_unrated_after": 3}')
    assert policy.for_category("labour").to_dict() == {"sign": 1, "first_response": 3,
                                                       "resolution": 10}
    assert policy.for_category("financing").resolution == 20
    assert policy.close_unrated_after == 3
    for broken in ('{"per_category": {"weather": {}}}', '{"default": {"sign": 0}}',
                   '{"speed": 1}', "not json"):
        with pytest.raises(ValueError, match="HUIQI_TICKET_DEADLINES"):
            policy_from_json(broken)


def test_the_due_arithmetic_counts_working_days_from_an_instant():
    from services.tickets.appeals import deadlines
    days = deadlines.StepDays(sign=1, first_response=3, resolution=15)
    friday = local(2026, 2, 13, 16)
    assert deadlines.sign_due(friday, days) == end_of(2026, 2, 14)  # the make-up Saturday
    assert deadlines.first_response_due(local(2026, 2, 14, 10), days) == end_of(2026, 2, 26)
    assert deadlines.resolution_due(local(2026, 2, 14, 10), days) == end_of(2026, 3, 13)
    # an extension counts on from the due it had, not from the day it is granted
    assert deadlines.extended(end_of(2026, 3, 13), 2) == end_of(2026, 3, 17)
    # resolved Friday 13 March: the enterprise may rate until the end of the fifth working day
    wait = deadlines.rating_wait_over("2026-03-13T02:00:00.000000Z", deadlines.DeadlinePolicy())
    assert wait == local(2026, 3, 20, 23, 59, 59, 999999)
    due = end_of(2026, 2, 26)
    assert deadlines.met_in_time(due, local(2026, 2, 26, 23)) and not deadlines.passed(due, local(2026, 2, 26, 23))
    assert not deadlines.met_in_time(due, local(2026, 2, 27)) and deadlines.passed(due, local(2026, 2, 27))
    assert deadlines.met_in_time(None, local(2026, 2, 27))
