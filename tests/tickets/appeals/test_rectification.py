"""The rectification of a bad rating (差评整改) on the aggregate: a rating of 不满意 or worse opens
one for the unit that handled the appeal, due 5 working days later (settable); the unit
classifies it once — 立行立改, 限期整改 with a plan and its date, 解释说明, 申诉 — and reports a
plan carried out; the office upholds or voids a 申诉; the deadline watch records each due missed
once, whatever became of the appeal. Pure, no I/O."""
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
USCC, OTHER = "91350100M000100Y43", "91360702MA35G0QX4J"
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=USCC)
lead = Actor("li", "unit_officer", unit="finance_bureau")
other_unit = Actor("wang", "unit_officer", unit="tax_bureau")
watch = Actor("system", "system")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def raised(ticket_id="t-1", uscc=USCC, number=1) -> Ticket:
    return Ticket.raise_appeal(
        ticket_id, ledger_number=f"GZ-2026-{number:06d}", enterprise_name="赣州某企业",
        uscc=uscc, title="贷款贴息未到位", description="去年申请的贴息至今未拨付。",
        channel="hotline", category="financing", county="zhanggong", at=at(3, 2), actor=office,
        policy=DeadlinePolicy())


def resolved(ticket: Ticket | None = None, day=5) -> Ticket:
    ticket = ticket or raised()
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 2, 11), actor=office)
    ticket.sign_for(at=at(3, 3), actor=lead)
    ticket.classify(way="unsolvable", explanation="已解释", at=at(3, 4), actor=lead)
    ticket.resolve(summary="内部", reply="已答复", at=at(3, day), actor=lead)
    return ticket


def rated_badly(rating="unsatisfied", policy=None) -> Ticket:
    """Resolved Thursday 5 March 2026, rated 不满意 on Friday 6 March."""
    ticket = resolved()
    ticket.rate(rating=rating, at=at(3, 6), actor=owner,
                **({"policy": policy} if policy else {}))
    return ticket


def opened(ticket: Ticket) -> dict:
    [fact] = [f for f in ticket.pending() if f.type == "RectificationOpened"]
    return fact.payload


def last(ticket: Ticket) -> dict:
    return ticket.pending()[-1].payload


# -- opened by a bad rating --

@pytest.mark.parametrize("rating", ["unsatisfied", "very_unsatisfied"])
def test_a_bad_rating_opens_a_rectification_for_the_lead_unit_due_in_five_working_days(rating):
    ticket = rated_badly(rating)
    assert [f.type for f in ticket.pending()[-3:]] == [
        "TicketRated", "TicketSentBack", "RectificationOpened"]
    # Rated Friday 6 March: five working days on is Friday 13 March, end of the day (Beijing).
    assert opened(ticket) == {"number": 1, "unit": "finance_bureau", "rating": rating,
                              "via": "enterprise", "working_days": 5,
                              "due": "2026-03-13T15:59:59.999999Z"}
    assert ticket.rectifications[0]["status"] == "open"


@pytest.mark.parametrize("rating", ["very_satisfied", "satisfied", "basically_satisfied"])
def test_a_rating_not_bad_opens_none(rating):
    ticket = resolved()
    ticket.rate(rating=rating, at=at(3, 6), actor=owner)
    assert "RectificationOpened" not in [f.type for f in ticket.pending()]
    assert ticket.rectifications == []


def test_the_office_sets_the_working_days_and_a_bad_callback_opens_one_too():
    ticket = resolved()
    ticket.callback(reached=True, resolved="yes", rating="very_unsatisfied", at=at(3, 6),
                    actor=office, policy=DeadlinePolicy(rectification_days=2))
    payload = opened(ticket)
    assert (payload["via"], payload["working_days"]) == ("follow_up_call", 2)
    assert payload["due"] == "2026-03-10T15:59:59.999999Z"  # Monday 9, Tuesday 10 March


def test_rectification_days_out_of_range_fail_the_policy():
    for days in (0, 31, True, "5"):
        with pytest.raises(ValueError, match="rectification_days"):
            DeadlinePolicy(rectification_days=days)
    assert DeadlinePolicy.from_dict({"rectification_days": 7}).rectification_days == 7


def test_a_merged_enterprises_bad_rating_opens_the_survivors_rectification():
    survivor, merged = raised("a"), raised("b", OTHER, 2)
    survivor.merge_in(appeals=[merged], reason="重复", at=at(3, 2, 10), actor=office)
    resolved(survivor)
    merged.rate_merged(rating="unsatisfied", survivor=survivor, at=at(3, 6),
                       actor=Actor("boss2", "enterprise", uscc=OTHER))
    assert [f.type for f in merged.pending()][-1] == "MergedAppealRated"
    payload = opened(survivor)
    assert (payload["unit"], payload["merged_appeal_id"], payload["number"]) == (
        "finance_bureau", "b", 1)


# -- the unit classifies it --

def test_the_unit_fixes_it_at_once():
    ticket = rated_badly()
    [fact] = ticket.classify_rectification(way="fixed", note="已当面致歉并拨付贴息", at=at(3, 9),
                                           actor=lead)
    assert fact.payload == {"number": 1, "unit": "finance_bureau", "way": "fixed",
                            "note": "已当面致歉并拨付贴息", "due": opened(ticket)["due"],
                            "on_time": True}
    assert ticket.rectifications[0]["status"] == "fixed"
    assert ticket.rectifications[0]["pending_due"] is None


def test_a_plan_needs_its_text_and_a_date_after_today_and_is_then_carried_out():
    ticket = rated_badly()
    with pytest.raises(errors.FieldRequired) as refused:
        ticket.classify_rectification(way="planned", note="核实属实", plan_due="2026-03-31",
                                      at=at(3, 9), actor=lead)
    assert refused.value.field == "plan"
    for bad, error in (("2026-03-09", ex.PlanDateNotAhead), ("31/03/2026", errors.InvalidDate),
                       ("2026-02-30", errors.InvalidDate)):
        with pytest.raises(error) as refused:
            ticket.classify_rectification(way="planned", note="核实属实", plan="改流程",
                                          plan_due=bad, at=at(3, 9), actor=lead)
        assert refused.value.field == "plan_due"
    [fact] = ticket.classify_rectification(way="planned", note="核实属实", plan="优化拨付流程",
                                           plan_due="2026-03-31", at=at(3, 9), actor=lead)
    assert (fact.payload["plan"], fact.payload["plan_due"]) == ("优化拨付流程", "2026-03-31")
    assert ticket.rectifications[0]["status"] == "planned"
    # The plan is met by the end of its date, the office's day.
    assert ticket.rectifications[0]["pending_due"] == "2026-03-31T15:59:59.999999Z"
    [done] = ticket.complete_rectification(note="流程已优化", at=at(3, 31, 18), actor=lead)
    assert done.payload == {"number": 1, "unit": "finance_bureau", "note": "流程已优化",
                            "plan_due": "2026-03-31", "on_time": True}
    assert ticket.rectifications[0]["status"] == "completed"


def test_a_way_without_a_plan_takes_no_plan():
    ticket = rated_badly()
    with pytest.raises(errors.UnexpectedField) as refused:
        ticket.classify_rectification(way="explained", note="已解释", plan="无",
                                      at=at(3, 9), actor=lead)
    assert refused.value.field == "plan"
    with pytest.raises(errors.UnknownCode) as refused:
        ticket.classify_rectification(way="ignored", note="不理", at=at(3, 9), actor=lead)
    assert refused.value.field == "way"


def test_only_the_unit_the_rating_was_for_classifies_it_once():
    ticket = rated_badly()
    before = len(ticket.pending())
    with pytest.raises(ex.NotRectifyingUnit):
        ticket.classify_rectification(way="fixed", note="x", at=at(3, 9), actor=other_unit)
    for who in (owner, office):
        with pytest.raises(errors.RoleNotAllowed):
            ticket.classify_rectification(way="fixed", note="x", at=at(3, 9), actor=who)
    assert len(ticket.pending()) == before
    ticket.classify_rectification(way="explained", note="已解释政策", at=at(3, 9), actor=lead)
    with pytest.raises(ex.NoRectification):  # none waits for a classification any more
        ticket.classify_rectification(way="fixed", note="x", at=at(3, 9), actor=lead)
    with pytest.raises(ex.RectificationNotOpen):
        ticket.classify_rectification(way="fixed", note="x", number=1, at=at(3, 9), actor=lead)
    with pytest.raises(ex.RectificationNotPlanned):
        ticket.complete_rectification(note="x", number=1, at=at(3, 9), actor=lead)
    with pytest.raises(ex.NoRectification) as refused:
        ticket.classify_rectification(way="fixed", note="x", number=2, at=at(3, 9), actor=lead)
    assert refused.value.field == "number"


def test_with_two_waiting_the_unit_names_the_one_it_classifies():
    ticket = rated_badly()
    ticket.resolve(summary="内部", reply="再答复", at=at(3, 10), actor=lead)
    ticket.rate(rating="very_unsatisfied", at=at(3, 11), actor=owner)
    assert [r["number"] for r in ticket.rectifications] == [1, 2]
    with pytest.raises(ex.RectificationToChoose) as refused:
        ticket.classify_rectification(way="fixed", note="x", at=at(3, 12), actor=lead)
    assert refused.value.field == "number"
    [fact] = ticket.classify_rectification(way="fixed", note="x", number=2, at=at(3, 12),
                                           actor=lead)
    assert fact.payload["number"] == 2


# -- a dispute (申诉) and the office's ruling --

@pytest.mark.parametrize("ruling, status", [("upheld", "upheld"), ("voided", "voided")])
def test_the_office_upholds_or_voids_a_disputed_rating(ruling, status):
    ticket = rated_badly()
    with pytest.raises(ex.RectificationNotDisputed):
        ticket.rule_on_dispute(ruling=ruling, reason="x", number=1, at=at(3, 9), actor=office)
    ticket.classify_rectification(way="disputed", note="企业诉求超出政策范围，已按规定办理",
                                  at=at(3, 9), actor=lead)
    assert ticket.rectifications[0]["status"] == "disputed"
    with pytest.raises(errors.RoleNotAllowed):
        ticket.rule_on_dispute(ruling=ruling, reason="x", at=at(3, 10), actor=lead)
    with pytest.raises(errors.UnknownCode):
        ticket.rule_on_dispute(ruling="maybe", reason="x", at=at(3, 10), actor=office)
    [fact] = ticket.rule_on_dispute(ruling=ruling, reason="经核查", at=at(3, 10), actor=office)
    assert fact.payload == {"number": 1, "unit": "finance_bureau", "ruling": ruling,
                            "reason": "经核查", "rating": "unsatisfied"}
    assert ticket.rectifications[0]["status"] == status
    with pytest.raises(ex.NoRectification):
        ticket.rule_on_dispute(ruling=ruling, reason="again", at=at(3, 10), actor=office)


# -- its clock --

def test_the_watch_records_a_missed_classification_once_even_after_the_appeal_is_closed():
    ticket = rated_badly()
    ticket.resolve(summary="内部", reply="再答复", at=at(3, 9), actor=lead)
    ticket.rate(rating="satisfied", at=at(3, 10), actor=owner)
    ticket.close_off(at=at(3, 10, 11), actor=office)
    assert ticket.mark_overdue(at=at(3, 13, 23), actor=watch) == []  # 13 March not over yet
    [missed] = ticket.mark_overdue(at=at(3, 14), actor=watch)
    assert (missed.type, missed.payload) == ("RectificationMissed", {
        "number": 1, "unit": "finance_bureau", "due": "2026-03-13T15:59:59.999999Z"})
    assert ticket.mark_overdue(at=at(3, 20), actor=watch) == []
    assert ticket.rectifications[0]["overdue"] is True
    # Late, it is still classified, and counted late.
    [fact] = ticket.classify_rectification(way="fixed", note="迟到的整改", at=at(3, 16),
                                           actor=lead)
    assert fact.payload["on_time"] is False


def test_a_plan_not_carried_out_by_its_date_is_missed_and_completed_late():
    ticket = rated_badly()
    ticket.classify_rectification(way="planned", note="属实", plan="改", plan_due="2026-03-20",
                                  at=at(3, 9), actor=lead)
    assert [f.type for f in ticket.mark_overdue(at=at(3, 20, 23), actor=watch)] == []
    [missed] = ticket.mark_overdue(at=at(3, 21, 9), actor=watch)
    assert missed.payload["due"] == "2026-03-20T15:59:59.999999Z"
    [done] = ticket.complete_rectification(note="已改", at=at(3, 23), actor=lead)
    assert done.payload["on_time"] is False


# -- what is shown --

def test_the_view_shows_each_step_for_the_enterprise_to_be_told():
    ticket = rated_badly()
    ticket.classify_rectification(way="disputed", note="已按政策办理", at=at(3, 9), actor=lead)
    ticket.rule_on_dispute(ruling="upheld", reason="差评属实", at=at(3, 10), actor=office)
    view = AppealView.fold(ticket.id, ticket.pending())
    [entry] = view["rectifications"]
    assert entry["status"] == "upheld" and entry["way"] == "disputed"
    assert (entry["note"], entry["ruling"], entry["ruling_reason"]) == (
        "已按政策办理", "upheld", "差评属实")
    assert entry["classified_at"] and entry["ruled_at"] and entry["opened_at"]
    assert entry["on_time"] is True and entry["rating"] == "unsatisfied"
