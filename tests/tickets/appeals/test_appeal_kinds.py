"""The kind of matter (咨询/求助/投诉/举报/建议) and its urgency (一般/紧急): the resolution days each
type takes, the dispatch window each urgency gives, the office's settings per type, category and
urgency, and an appeal received before types existed folding exactly as it did."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel.actor import SYSTEM, Actor
from kernel.aggregate import Fact
from kernel.envelope import format_time
from kernel.errors import UnknownCode
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.deadlines import DeadlinePolicy, policy_from_json
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.workbook import LEDGER_COLUMNS, line

SHANGHAI = ZoneInfo("Asia/Shanghai")
USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
finance = Actor("li", "unit_officer", unit="finance_bureau")
CONTACT = {"contact_person": "张经理", "contact_phone": "13812345678"}


def at(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def end_of(month, day) -> str:
    return format_time(dt.datetime(2026, month, day, 23, 59, 59, 999999, tzinfo=SHANGHAI))


def raised(policy=DeadlinePolicy(), when=None, **fields) -> Ticket:
    return Ticket.raise_appeal(
        "t-1", ledger_number="GZ-2026-000001", enterprise_name="赣州某企业", uscc=USCC,
        title="留抵退税未到账", description="三月申请的留抵退税至今未到账。", channel="hotline",
        category="financing", county="zhanggong", at=when or at(3, 2), actor=office,
        policy=policy, **fields)


@pytest.mark.parametrize("appeal_type, days", [
    ("consultation", 2), ("help", 10), ("suggestion", 10), ("complaint", 15), ("report", 15)])
def test_each_type_takes_its_resolution_days(appeal_type, days):
    ticket = raised(appeal_type=appeal_type, **CONTACT)
    assert ticket.step_days["resolution"] == days
    assert ticket.appeal_type == appeal_type and ticket.urgency == "normal"


def test_a_consultation_resolved_in_two_working_days_from_signing():
    ticket = raised(appeal_type="consultation", **CONTACT)
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 2, 11), actor=office)
    ticket.sign_for(at=at(3, 3, 9), actor=finance)  # Tuesday
    # Wednesday 4 and Thursday 5 March: the first response cannot come after the answer.
    assert ticket.deadlines["resolution"] == end_of(3, 5)
    assert ticket.deadlines["first_response"] == end_of(3, 5)


def test_an_urgent_appeal_is_dispatched_within_the_hour_and_missed_after_it():
    ticket = raised(appeal_type="complaint", urgency="urgent", **CONTACT,
                    when=at(3, 7, 22))  # a Saturday night: an hour is an hour
    assert ticket.deadlines["dispatch"] == format_time(at(3, 7, 23))
    assert ticket.mark_overdue(at=at(3, 7, 22, 59), actor=SYSTEM) == []
    missed = ticket.mark_overdue(at=at(3, 7, 23, 1), actor=SYSTEM)
    assert [(f.payload["deadline"], f.payload["due"]) for f in missed] == [
        ("dispatch", format_time(at(3, 7, 23)))]
    assert ticket.overdue == {"dispatch"}
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 9, 9), actor=office)
    assert ticket.overdue == set()  # met, late: the missed fact stays in the log


def test_a_normal_appeal_is_dispatched_within_a_working_day():
    ticket = raised(appeal_type="help", **CONTACT)  # Monday
    assert ticket.deadlines["dispatch"] == end_of(3, 3)
    ticket.dispatch(lead_unit="finance_bureau", at=at(3, 3, 9), actor=office)
    assert ticket.snapshot()["deadlines_met"]["dispatch"] is True
    assert ticket.mark_overdue(at=at(3, 4), actor=SYSTEM) == []


def test_urgency_without_a_type_keeps_the_categorys_days_but_has_a_dispatch_window():
    ticket = raised(urgency="urgent")
    assert ticket.step_days == DeadlinePolicy().for_category("financing").to_dict()
    assert ticket.deadlines["dispatch"] == format_time(at(3, 2, 11))
    assert ticket.appeal_type is None


def test_an_office_sets_days_per_type_category_and_urgency():
    policy = policy_from_json("""{
        "per_category": {"financing": {"resolution": 12, "sign": 2}},
        "per_type": {"consultation": {"resolution": 3},
                     "complaint": {"resolution": 20,
                                   "per_category": {"financing": {"resolution": 25}}}},
        "dispatch": {"urgent": {"hours": 2}, "normal": {"working_days": 2}}}""")
    assert policy.for_appeal("financing", "consultation").resolution == 3
    assert policy.for_appeal("financing", "consultation").sign == 2  # the category's
    assert policy.for_appeal("labour", "complaint").resolution == 20
    assert policy.for_appeal("financing", "complaint").resolution == 25
    assert policy.for_appeal("financing", "help").resolution == 10  # the notice's, unset
    assert policy.for_appeal("financing", None).resolution == 12    # untyped: the category's
    ticket = raised(policy=policy, appeal_type="complaint", urgency="urgent", **CONTACT)
    assert ticket.step_days == {"sign": 2, "first_response": 3, "resolution": 25}
    assert ticket.deadlines["dispatch"] == format_time(at(3, 2, 12))


@pytest.mark.parametrize("setting, named", [
    ('{"per_type": {"gossip": {"resolution": 2}}}', "gossip"),
    ('{"per_type": {"complaint": {"resolve": 2}}}', "resolve"),
    ('{"per_type": {"complaint": {"per_category": {"luck": {"resolution": 2}}}}}', "luck"),
    ('{"dispatch": {"urgent": {"hours": 0}}}', "hours"),
    ('{"dispatch": {"urgent": {"hours": 1, "working_days": 1}}}', "either"),
    ('{"dispatch": {"soon": {"hours": 1}}}', "each urgency"),
    ('{"per_type": {"complaint": {"resolution": 0}}}', "resolution"),
])
def test_a_bad_setting_fails_the_start_naming_it(setting, named):
    with pytest.raises(ValueError, match=named):
        policy_from_json(setting)


def test_an_unknown_type_or_urgency_is_refused_naming_the_field_and_nothing_is_recorded():
    with pytest.raises(UnknownCode) as refused:
        raised(appeal_type="gossip", **CONTACT)
    assert refused.value.field == "appeal_type"
    with pytest.raises(UnknownCode) as refused:
        raised(appeal_type="complaint", urgency="asap", **CONTACT)
    assert refused.value.field == "urgency"


def old_raise() -> Fact:
    """A TicketRaised as the ledger recorded it before types existed."""
    return Fact(type="TicketRaised", payload={
        "ledger_number": "GZ-2026-000001", "enterprise_name": "赣州某企业", "uscc": USCC,
        "title": "留抵退税未到账", "description": "三月申请的留抵退税至今未到账。",
        "channel": "hotline", "category": "financing", "county": "zhanggong",
        "received_at": format_time(at(3, 2)),
        "step_days": {"sign": 1, "first_response": 3, "resolution": 15}},
        occurred_at=at(3, 2), actor="office::clerk")


def test_an_old_raise_without_type_folds_exactly_as_before():
    ticket = Ticket.replay("t-1", [old_raise()])
    snapshot = ticket.snapshot()
    assert snapshot["deadlines"] == {"sign": None, "first_response": None, "resolution": None}
    assert snapshot["deadlines_met"] == {"sign": False, "first_response": False,
                                         "resolution": False}
    assert snapshot["step_days"] == {"sign": 1, "first_response": 3, "resolution": 15}
    assert (snapshot["appeal_type"], snapshot["urgency"], snapshot["confidential"]) == (
        None, None, False)
    # No dispatch deadline can be missed on it, however long it waits.
    assert ticket.mark_overdue(at=at(6, 1), actor=SYSTEM) == []
    view = AppealView.fold("t-1", [old_raise()])
    assert view["contact_person"] is None and view["contact_phone"] is None
    assert "dispatch" not in view["deadlines"]


def test_the_workbook_carries_type_and_urgency_in_chinese():
    ticket = raised(appeal_type="report", urgency="urgent", **CONTACT)
    view = AppealView.fold("t-1", ticket.pending())
    cells = dict(zip((h for h, _ in LEDGER_COLUMNS), line(view)))
    assert (cells["诉求类型"], cells["紧急程度"]) == ("举报", "紧急")
    old = dict(zip((h for h, _ in LEDGER_COLUMNS), line(AppealView.fold("t-1", [old_raise()]))))
    assert (old["诉求类型"], old["紧急程度"], old["联系电话"]) == (None, None, None)
