"""Replies and callbacks (答复意见, 回访) on the aggregate: a resolution's reply to the enterprise
apart from the unit's internal note, the office's callback after it, the five 好差评 levels, and
重办 — a callback's 否 or 部分, or a rating of 不满意 or worse, sends the appeal back under its
number, one more redo counted, the rating kept."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel import errors
from kernel.actor import Actor
from services.tickets.appeals import access
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.exceptions import NotAwaitingCallback
from services.tickets.appeals.vocabulary import BAD_RATINGS, Rating

SHANGHAI = ZoneInfo("Asia/Shanghai")
USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=USCC)
lead = Actor("li", "unit_officer", unit="finance_bureau")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def resolved(**reply) -> Ticket:
    ticket = Ticket.raise_appeal(
        "t-1", ledger_number="GZ-2026-000001", enterprise_name="赣州某企业", uscc=USCC,
        title="贷款贴息未到位", description="去年申请的贴息至今未拨付。", channel="hotline",
        category="financing", county="zhanggong", at=at(3, 2), actor=office,
        policy=DeadlinePolicy())
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 2, 11), actor=office)
    ticket.sign_for(at=at(3, 3), actor=lead)
    ticket.classify(way="unsolvable", explanation="已解释", at=at(3, 4), actor=lead)
    ticket.resolve(summary="内部：已协调财政局拨付", at=at(3, 5), actor=lead, **reply)
    return ticket


def types(facts) -> list[str]:
    return [fact.type for fact in facts]


def view_of(ticket: Ticket) -> dict:
    return AppealView.fold(ticket.id, ticket.pending())


# -- the reply --

def test_a_resolution_carries_its_reply_and_the_policies_apart_from_the_internal_note():
    ticket = resolved(reply="贴息已于3月5日拨付。", policies=["赣市府发〔2026〕1号", "赣市府发〔2026〕1号"])
    payload = ticket.pending()[-1].payload
    assert payload["summary"] == "内部：已协调财政局拨付"
    assert payload["reply"] == "贴息已于3月5日拨付。"
    assert payload["policies"] == ["赣市府发〔2026〕1号"]
    view = view_of(ticket)
    assert (view["reply"], view["reply_policies"]) == ("贴息已于3月5日拨付。", ["赣市府发〔2026〕1号"])


def test_a_summary_alone_resolves_as_before_and_a_reply_may_cite_no_policy():
    assert "reply" not in resolved().pending()[-1].payload
    assert resolved(reply="已答复").pending()[-1].payload["policies"] == []


@pytest.mark.parametrize("reply, field", [
    ({"reply": "  "}, "reply"),
    ({"reply": "已答复", "policies": "赣市府发〔2026〕1号"}, "policies"),
    ({"reply": "已答复", "policies": [""]}, "policies"),
    ({"policies": ["赣市府发〔2026〕1号"]}, "reply"),
])
def test_a_bad_reply_is_refused_naming_its_field(reply, field):
    # The appeal just before its resolution.
    fresh = Ticket.replay("t-1", resolved().pending()[:-1])
    with pytest.raises(errors.InvalidInput) as refused:
        fresh.resolve(summary="内部", at=at(3, 5), actor=lead, **reply)
    assert refused.value.field == field
    assert fresh.pending() == []


def test_the_enterprise_reads_the_reply_not_the_internal_note():
    view = view_of(resolved(reply="贴息已拨付。", policies=[]))
    shown = access.shown_reply(owner, view)
    assert shown["resolution_summary"] is None and shown["reply"] == "贴息已拨付。"
    assert view["resolution_summary"] == "内部：已协调财政局拨付"   # the original untouched
    for reader in (office, lead, Actor("x", "supervisor")):
        assert access.shown_reply(reader, view) is view
    payload = resolved(reply="贴息已拨付。").pending()[-1].payload
    assert "summary" not in access.shown_reply(owner, payload)


# -- the callback --

def test_five_levels_the_old_three_keeping_their_codes_and_the_bad_ones_are_the_two_lowest():
    assert [r.label for r in Rating] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert {"satisfied", "basically_satisfied", "unsatisfied"} <= set(Rating.codes())
    assert [r.value for r in BAD_RATINGS] == ["unsatisfied", "very_unsatisfied"]


def test_an_unreached_callback_is_recorded_without_a_rating_and_the_appeal_waits():
    ticket = resolved()
    facts = ticket.callback(reached=False, comment="无人接听", at=at(3, 6), actor=office)
    assert types(facts) == ["TicketCalledBack"]
    assert facts[0].payload == {"reached": False, "resolved": None, "rating": None,
                                "comment": "无人接听", "attempt": 1}
    assert ticket.status == "resolved" and ticket.rating is None
    second = ticket.callback(reached=True, resolved="yes", rating="very_satisfied",
                             at=at(3, 7), actor=office)
    assert types(second) == ["TicketCalledBack", "TicketRated"]
    assert second[0].payload["attempt"] == 2
    assert second[1].payload == {"rating": "very_satisfied", "comment": "", "via": "follow_up_call"}
    assert ticket.status == "rated"
    ticket.close_off(at=at(3, 8), actor=office)
    assert ticket.status == "closed"


@pytest.mark.parametrize("said, rating", [
    ("no", "satisfied"), ("partly", "basically_satisfied"), ("yes", "unsatisfied"),
    ("yes", "very_unsatisfied")])
def test_unresolved_partly_resolved_or_a_bad_rating_sends_it_back_counting_a_redo(said, rating):
    ticket = resolved()
    facts = ticket.callback(reached=True, resolved=said, rating=rating, at=at(3, 6),
                            actor=office)
    # A 差评 opens its rectification too (差评整改); an unsolved matter alone does not.
    opens = ["RectificationOpened"] if rating in ("unsatisfied", "very_unsatisfied") else []
    assert types(facts) == ["TicketCalledBack", "TicketRated", "TicketSentBack", *opens]
    back = facts[2].payload
    assert (back["redo_count"], back["rating"], back["via"], back["resolved"]) == (
        1, rating, "follow_up_call", said)
    assert ticket.status == "in_progress" and ticket.ledger_number == "GZ-2026-000001"
    assert ticket.snapshot()["redo_count"] == 1
    view = view_of(ticket)
    assert view["redo_count"] == 1 and [r["rating"] for r in view["ratings"]] == [rating]
    assert view["callbacks"][0]["resolved"] == said


def test_the_redo_count_goes_up_with_each_send_back_by_callback_or_by_the_enterprise():
    ticket = resolved()
    ticket.callback(reached=True, resolved="no", rating="satisfied", at=at(3, 6), actor=office)
    ticket.resolve(summary="再次办理", reply="已重新办理", at=at(3, 9), actor=lead)
    facts = ticket.rate(rating="very_unsatisfied", at=at(3, 10), actor=owner)
    assert types(facts) == ["TicketRated", "TicketSentBack", "RectificationOpened"]
    assert facts[1].payload["redo_count"] == 2 and "resolved" not in facts[1].payload
    assert Ticket.replay(ticket.id, ticket.pending()).snapshot()["redo_count"] == 2


def test_an_appeal_sent_back_before_the_count_was_recorded_counts_one_redo():
    ticket = resolved()
    facts = ticket.rate(rating="unsatisfied", at=at(3, 6), actor=owner)
    del facts[1].payload["redo_count"]
    assert Ticket.replay(ticket.id, ticket.pending()).snapshot()["redo_count"] == 1


def test_the_office_calls_back_after_the_enterprise_rated_and_may_find_it_unresolved():
    ticket = resolved()
    ticket.rate(rating="satisfied", at=at(3, 6), actor=owner)
    facts = ticket.callback(reached=True, resolved="partly", rating="basically_satisfied",
                            at=at(3, 7), actor=office)
    assert types(facts)[-1] == "TicketSentBack" and ticket.status == "in_progress"


@pytest.mark.parametrize("fields, field", [
    ({"reached": "yes"}, "reached"),
    ({"reached": True, "rating": "satisfied"}, "resolved"),
    ({"reached": True, "resolved": "yes"}, "rating"),
    ({"reached": True, "resolved": "maybe", "rating": "satisfied"}, "resolved"),
    ({"reached": True, "resolved": "yes", "rating": "great"}, "rating"),
    ({"reached": False, "rating": "satisfied"}, "rating"),
    ({"reached": False, "resolved": "no"}, "resolved"),
])
def test_a_bad_callback_is_refused_naming_its_field_and_changes_nothing(fields, field):
    ticket = resolved()
    count = len(ticket.pending())
    with pytest.raises(errors.InvalidInput) as refused:
        ticket.callback(at=at(3, 6), actor=office, **fields)
    assert refused.value.field == field
    assert len(ticket.pending()) == count and ticket.status == "resolved"


def test_only_the_office_records_a_callback_and_only_once_resolved():
    ticket = resolved()
    for actor in (owner, lead, Actor("x", "supervisor")):
        with pytest.raises(errors.RoleNotAllowed):
            ticket.callback(reached=False, at=at(3, 6), actor=actor)
    before = Ticket.replay("t-1", ticket.pending()[:-1])
    with pytest.raises(NotAwaitingCallback):
        before.callback(reached=False, at=at(3, 6), actor=office)

