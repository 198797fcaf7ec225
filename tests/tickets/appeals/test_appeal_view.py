"""The appeal's view (`services.tickets.appeals.appeal_view`): what clients are shown, folded
from the facts alone — the aggregate's own state beside what is kept for display."""
import datetime as dt
from zoneinfo import ZoneInfo

from kernel.actor import Actor
from kernel.envelope import Event, format_time
from services.tickets.appeals import contract
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.appeal_view import AppealView

SHANGHAI = ZoneInfo("Asia/Shanghai")
OWN_USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=OWN_USCC)
finance = Actor("li", "unit_officer", unit="finance_bureau")
tax = Actor("wang", "unit_officer", unit="tax_bureau")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def raised() -> Ticket:
    return Ticket.raise_appeal(
        "ticket-1", ledger_number="GZ-2026-000001", enterprise_name="赣州稀土新材料有限公司",
        uscc=OWN_USCC, title="贷款贴息迟迟未到位", description="技改贷款贴息至今未拨付。",
        channel="hotline", category="financing", county="zhanggong", at=at(3, 2), actor=owner,
        policy=DeadlinePolicy())


def view(ticket: Ticket) -> dict:
    return AppealView.fold(ticket.id, ticket.pending())


def test_the_view_has_the_keys_of_the_wire_contract():
    assert set(view(raised())) == set(contract.TicketView.model_fields)


def test_the_view_shows_the_whole_life():
    ticket = raised()
    ticket.link_duplicate(title="贴息未到位", description="同一问题再次来电", channel="fax", at=at(3, 2, 11),
                          actor=office)
    ticket.dispatch(lead_unit="finance_bureau", assisting_units=["tax_bureau"], at=at(3, 2, 12), actor=office)
    ticket.urge(message="请尽快签收", at=at(3, 3, 9), actor=office)
    ticket.sign_for(at=at(3, 3), actor=finance)
    ticket.note_progress(note="已与企业沟通", at=at(3, 3, 15), actor=tax)
    ticket.classify(way="escalate_upward", level="provincial", report_reference="赣企呈〔2026〕3号",
                    at=at(3, 4), actor=finance)
    ticket.follow_up_upper_level(note="已电话跟进", at=at(3, 5), actor=finance)
    ticket.sign_for_task(at=at(3, 5), actor=tax)
    ticket.answer_task(reply="税款已核实", at=at(3, 6), actor=tax)
    ticket.resolve(summary="省里已拨付", at=at(3, 10), actor=finance)
    ticket.rate(rating="unsatisfied", comment="仍未到账", at=at(3, 11), actor=owner)
    ticket.resolve(summary="已到账", at=at(3, 12), actor=finance)
    ticket.rate(rating="satisfied", at=at(3, 13), actor=owner)
    ticket.close_off(at=at(3, 16), actor=office)
    shown = view(ticket)
    assert shown["enterprise_name"] == "赣州稀土新材料有限公司"
    assert shown["description"] == "技改贷款贴息至今未拨付。" and shown["channel"] == "hotline"
    assert shown["received_at"] == format_time(at(3, 2))
    assert [d["channel"] for d in shown["duplicates"]] == ["fax"]
    assert shown["duplicates"][0]["linked_at"] == format_time(at(3, 2, 11))
    assert shown["urge_count"] == 1
    assert shown["signed_for_at"] == format_time(at(3, 3))
    assert shown["progress_notes"] == [{"note": "已与企业沟通", "unit": "tax_bureau",
                                        "at": format_time(at(3, 3, 15))}]
    assert shown["classification"] == {"way": "escalate_upward", "level": "provincial",
                                       "report_reference": "赣企呈〔2026〕3号"}
    assert shown["upper_level_follow_ups"] == [{"note": "已电话跟进", "level": "provincial",
                                                "at": format_time(at(3, 5))}]
    [task] = shown["tasks"]
    assert task == {"unit": "tax_bureau", "status": "answered", "due": task["due"],
                    "working_days": 13, "overdue": False, "opened_at": format_time(at(3, 2, 12)),
                    "signed_for_at": format_time(at(3, 5)), "answered_at": format_time(at(3, 6)),
                    "reply": "税款已核实", "on_time": True}
    assert shown["resolution_summary"] == "已到账"
    assert [r["rating"] for r in shown["ratings"]] == ["unsatisfied", "satisfied"]
    assert shown["reopen_count"] == 1
    assert shown["closed_at"] == format_time(at(3, 16)) and shown["close_reason"] == "rated"
    # what the aggregate decides on is its own, never recomputed by the view
    decided = ticket.snapshot()
    for key in ("status", "lead_unit", "assisting_units", "deadlines", "deadlines_met", "missed",
                "overdue", "rating", "resolved_at", "step_days", "version"):
        assert shown[key] == decided[key], key


def test_a_pending_extension_is_shown_while_the_aggregate_says_it_waits():
    ticket = raised()
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 2, 12), actor=office)
    ticket.sign_for(at=at(3, 3), actor=finance)
    ticket.request_extension(working_days=5, reason="需等待银行审批", at=at(3, 4), actor=finance)
    assert view(ticket)["pending_extension"] == {"working_days": 5, "reason": "需等待银行审批",
                                                 "requested_at": format_time(at(3, 4))}
    ticket.grant_extension(at=at(3, 5), actor=office)
    shown = view(ticket)
    assert shown["pending_extension"] is None
    assert shown["extensions"] == [{"working_days": 5, "reason": "需等待银行审批",
                                    "requested_at": format_time(at(3, 4)), "granted": True,
                                    "resolution_due": ticket.deadlines["resolution"]}]
    ticket.request_extension(working_days=3, reason="再延", at=at(3, 6), actor=finance)
    ticket.redispatch(lead_unit="tax_bureau", reason="属税务职责", at=at(3, 6, 15), actor=office)
    shown = view(ticket)
    # a new lead unit starts afresh: no request waits, nothing is signed for or classified
    assert shown["pending_extension"] is None and len(shown["extensions"]) == 1
    assert shown["signed_for_at"] is None and shown["classification"] is None


def test_the_view_folds_the_same_from_stored_events():
    ticket = raised()
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 2, 12), actor=office)
    events = [Event(event_id=str(n), stream_id=ticket.id, stream_type="ticket", version=n,
                    type=fact.type, occurred_at=format_time(fact.occurred_at), actor=fact.actor,
                    correlation_id="c", causation_id="", payload=fact.payload)
              for n, fact in enumerate(ticket.pending(), start=1)]
    assert AppealView.fold_events(ticket.id, events) == view(ticket)
