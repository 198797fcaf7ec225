"""退回 and 终审 on the appeal (`Ticket.return_appeal`, `Ticket.rule_on_return`): a lead unit
returns within 2 working days of its dispatch with a reason code and the legal basis; the office
redispatches or rules, and a ruled appeal is never returned again. Pure, no I/O."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel import errors
from kernel.actor import Actor
from services.tickets.appeals import exceptions as ex
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=USCC)
lead = Actor("li", "unit_officer", unit="finance_bureau")
other_unit = Actor("zhou", "unit_officer", unit="hr_bureau")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def dispatched(day=2) -> Ticket:
    """Received and dispatched on Monday 2026-03-02 (or the day given)."""
    ticket = Ticket.raise_appeal(
        "t-1", ledger_number="GZ-2026-000001", enterprise_name="赣州某企业", uscc=USCC,
        title="厂区道路归属不清", description="道路维修无人负责。", channel="hotline",
        category="financing", county="zhanggong", at=at(3, day), actor=office,
        policy=DeadlinePolicy())
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, day, 11), actor=office)
    return ticket


def returned(ticket: Ticket, when=None) -> list:
    return ticket.return_appeal(reason="not_its_remit", legal_basis="《财政部门职责规定》第三条",
                                at=when or at(3, 3), actor=lead)


def test_a_return_names_the_unit_the_dispatch_and_its_window_and_stops_the_units_clocks():
    ticket = dispatched()
    [fact] = returned(ticket)
    assert fact.type == "TicketReturned"
    assert fact.payload == {
        "unit": "finance_bureau", "reason": "not_its_remit",
        "legal_basis": "《财政部门职责规定》第三条", "dispatch_version": 2,
        "dispatched_at": "2026-03-02T03:00:00.000000Z",
        # Two working days after Monday's office day: the end of Wednesday, office time.
        "return_until": "2026-03-04T15:59:59.999999Z"}
    assert ticket.status == "returned"
    assert ticket.deadlines["sign"] is None and ticket.deadlines["resolution"] is None


def test_a_signed_appeal_may_be_returned_but_not_once_classified():
    ticket = dispatched()
    ticket.sign_for(at=at(3, 2, 15), actor=lead)
    returned(ticket)
    assert ticket.status == "returned"
    ticket = dispatched()
    ticket.sign_for(at=at(3, 2, 15), actor=lead)
    ticket.classify(way="unsolvable", explanation="已解释", at=at(3, 3), actor=lead)
    with pytest.raises(errors.StatusDoesNotAllow):
        returned(ticket)


def test_after_two_working_days_the_return_is_refused_by_name_and_nothing_is_recorded():
    # Friday 2026-03-06: a weekend lies between, so the window runs to Tuesday's end.
    ticket = dispatched(day=6)
    returned(ticket, at(3, 10, 23))
    assert ticket.status == "returned"
    ticket = dispatched(day=6)
    count = len(ticket.pending())
    with pytest.raises(ex.ReturnPeriodOver) as refused:
        returned(ticket, at(3, 11, 8))
    assert refused.value.rule == "return_period_over"
    assert "2026-03-10" in refused.value.message
    assert len(ticket.pending()) == count and ticket.status == "dispatched"


def test_bad_input_names_the_field_and_changes_nothing():
    ticket = dispatched()
    with pytest.raises(errors.UnknownCode) as refused:
        ticket.return_appeal(reason="too_busy", legal_basis="x", at=at(3, 3), actor=lead)
    assert refused.value.field == "reason"
    with pytest.raises(errors.FieldRequired) as refused:
        ticket.return_appeal(reason="not_its_area", legal_basis="  ", at=at(3, 3), actor=lead)
    assert refused.value.field == "legal_basis"
    assert ticket.status == "dispatched" and ticket.version == 2


def test_only_the_lead_unit_returns_and_only_the_office_rules():
    ticket = dispatched()
    with pytest.raises(ex.NotLeadUnit):
        ticket.return_appeal(reason="not_its_area", legal_basis="属地", at=at(3, 3),
                             actor=other_unit)
    for who in (owner, Actor("inspector", "supervisor")):
        with pytest.raises(errors.RoleNotAllowed):
            ticket.return_appeal(reason="not_its_area", legal_basis="属地", at=at(3, 3), actor=who)
    returned(ticket)
    for who in (lead, owner):
        with pytest.raises(errors.RoleNotAllowed):
            ticket.rule_on_return(ruling="属你单位职责", at=at(3, 4), actor=who)


def test_the_office_rules_the_unit_must_take_it_and_then_no_unit_returns_it_again():
    ticket = dispatched()
    returned(ticket)
    [ruled] = ticket.rule_on_return(ruling="经审核属财政局职责", at=at(3, 4), actor=office)
    assert ruled.type == "TicketReturnRuled"
    assert ruled.payload["unit"] == "finance_bureau"
    assert ruled.payload["returned_at"] == "2026-03-03T02:00:00.000000Z"
    assert ticket.status == "dispatched" and ticket.lead_unit == "finance_bureau"
    assert ticket.deadlines["sign"] == ruled.payload["sign_due"]
    with pytest.raises(ex.ReturnAlreadyRuled):
        returned(ticket, at(3, 4, 15))
    # 终审 is final for the appeal: a unit it is handed on to later cannot return it either.
    ticket.redispatch(lead_unit="hr_bureau", reason="另行交办", at=at(3, 4, 16), actor=office)
    with pytest.raises(ex.ReturnAlreadyRuled):
        ticket.return_appeal(reason="not_its_remit", legal_basis="x", at=at(3, 5),
                             actor=other_unit)
    ticket = dispatched()
    ticket.sign_for(at=at(3, 2, 15), actor=lead)
    with pytest.raises(ex.NotReturned):
        ticket.rule_on_return(ruling="x", at=at(3, 4), actor=office)


def test_the_office_may_redispatch_a_returned_appeal_and_the_new_unit_has_its_own_window():
    ticket = dispatched()
    returned(ticket)
    [*_, redispatched] = ticket.redispatch(lead_unit="hr_bureau", reason="属人社职责",
                                           at=at(3, 9), actor=office)
    assert redispatched.type == "TicketRedispatched"
    assert ticket.status == "dispatched" and ticket.lead_unit == "hr_bureau"
    [fact] = ticket.return_appeal(reason="unclear_appeal", legal_basis="诉求不明确",
                                  at=at(3, 10), actor=other_unit)
    assert fact.payload["dispatch_version"] == 4
    assert fact.payload["dispatched_at"].startswith("2026-03-09")


def test_the_view_shows_each_return_with_its_ruling():
    ticket = dispatched()
    returned(ticket)
    ticket.rule_on_return(ruling="经审核属财政局职责", at=at(3, 4), actor=office)
    view = AppealView.fold("t-1", ticket.pending())
    assert view["returns"] == [{
        "unit": "finance_bureau", "reason": "not_its_remit",
        "legal_basis": "《财政部门职责规定》第三条", "dispatched_at": "2026-03-02T03:00:00.000000Z",
        "returned_at": "2026-03-03T02:00:00.000000Z", "ruling": "经审核属财政局职责",
        "ruled_at": "2026-03-04T02:00:00.000000Z"}]
    assert view["status"] == "dispatched"
