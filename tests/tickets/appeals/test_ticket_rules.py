"""The appeal's rules table (`services.tickets.appeals.rules`): it reads as documented, it covers
every command of the aggregate, and the aggregate refuses exactly where the table says, by the error
the table names."""
import datetime as dt
import inspect
from zoneinfo import ZoneInfo

import pytest

from kernel.actor import SYSTEM, Actor
from kernel import errors
from kernel.errors import DomainError
from services.tickets.appeals import exceptions as ex, rules
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Status, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
OWN_USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=OWN_USCC)
lead = Actor("li", "unit_officer", unit="finance_bureau")
assisting = Actor("wang", "unit_officer", unit="tax_bureau")
supervisor = Actor("inspector", "supervisor")

# The table as the documents quote it (rules.matrix()): ✓ allowed, · refused as the status does
# not allow it, otherwise the rule code of the error that explains the refusal.
MATRIX = """\
| command | roles | unit | own appeal | received | dispatched | returned | signed_for | in_progress | awaiting_upper_level | resolved | rated | closed | merged | split |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| dispatch | office |  |  | ✓ | · | · | · | · | · | · | · | ticket_closed | ticket_merged | ticket_split |
| redispatch | office |  |  | · | ✓ | ✓ | ✓ | ✓ | · | · | · | ticket_closed | ticket_merged | ticket_split |
| sign_for | unit_officer | lead |  | · | ✓ | · | · | · | · | · | · | ticket_closed | ticket_merged | ticket_split |
| urge | office |  |  | · | ✓ | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| classify | unit_officer | lead |  | not_signed_for | not_signed_for | · | ✓ | · | · | · | · | ticket_closed | ticket_merged | ticket_split |
| note_progress | unit_officer, office | involved |  | · | · | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| sign_for_task | unit_officer | assisting |  | · | ✓ | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| answer_task | unit_officer | assisting |  | · | ✓ | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| waive_task | office |  |  | · | ✓ | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| follow_up_upper_level | unit_officer | lead |  | not_awaiting_upper_level | not_awaiting_upper_level | not_awaiting_upper_level | not_awaiting_upper_level | not_awaiting_upper_level | ✓ | not_awaiting_upper_level | not_awaiting_upper_level | ticket_closed | ticket_merged | ticket_split |
| request_extension | unit_officer | lead |  | · | · | · | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| grant_extension | office |  |  | no_pending_extension | no_pending_extension | no_pending_extension | ✓ | ✓ | ✓ | no_pending_extension | no_pending_extension | ticket_closed | ticket_merged | ticket_split |
| refuse_extension | office |  |  | no_pending_extension | no_pending_extension | no_pending_extension | ✓ | ✓ | ✓ | no_pending_extension | no_pending_extension | ticket_closed | ticket_merged | ticket_split |
| resolve | unit_officer | lead |  | not_signed_for | not_signed_for | · | not_classified | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| rate | enterprise, office |  | ✓ | not_resolved | not_resolved | not_resolved | not_resolved | not_resolved | not_resolved | ✓ | not_resolved | ticket_closed | ticket_merged | ticket_split |
| callback | office |  |  | not_awaiting_callback | not_awaiting_callback | not_awaiting_callback | not_awaiting_callback | not_awaiting_callback | not_awaiting_callback | ✓ | ✓ | ticket_closed | ticket_merged | ticket_split |
| close_off | office |  |  | not_rated_satisfied | not_rated_satisfied | not_rated_satisfied | not_rated_satisfied | not_rated_satisfied | not_rated_satisfied | not_rated_satisfied | ✓ | ticket_closed | ticket_merged | ticket_split |
| close_off_unrated | system |  |  | · | · | · | · | · | · | ✓ | · | ticket_closed | ticket_merged | ticket_split |
| reopen | office |  |  | not_closed | not_closed | not_closed | not_closed | not_closed | not_closed | not_closed | not_closed | ✓ | ticket_merged | ticket_split |
| mark_overdue | system |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| link_duplicate | office, system |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ticket_closed | ticket_merged | ticket_split |
| note_policy_answer | system |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| return_appeal | unit_officer | lead |  | · | ✓ | · | ✓ | · | · | · | · | ticket_closed | ticket_merged | ticket_split |
| rule_on_return | office |  |  | not_returned | not_returned | ✓ | not_returned | not_returned | not_returned | not_returned | not_returned | ticket_closed | ticket_merged | ticket_split |
| merge_in | office |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| merge_into | office |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| rate_merged | enterprise, office |  | ✓ | not_merged | not_merged | not_merged | not_merged | not_merged | not_merged | not_merged | not_merged | ticket_closed | ✓ | ticket_split |
| split | office |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | · | · | ticket_closed | ticket_merged | ticket_split |
| link_related | office |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| classify_rectification | unit_officer | rectifying |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| complete_rectification | unit_officer | rectifying |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |
| rule_on_dispute | office |  |  | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ | ✓ |"""


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def test_the_table_reads_as_documented():
    print("\n" + rules.matrix())
    assert rules.matrix() == MATRIX


def test_every_command_of_the_aggregate_has_its_row():
    commands = {name for name, member in vars(Ticket).items()
                if inspect.isfunction(member) and not name.startswith("_")
                and "actor" in inspect.signature(member).parameters}
    assert commands - {"raise_appeal", "check_raiser"} == set(rules.RULES)


def test_an_enterprise_acts_only_on_its_own_appeal_and_a_unit_only_on_its_own_wherever_they_may():
    for rule in rules.RULES.values():
        assert ("enterprise" in rule.roles) == rule.own_appeal, rule.command
        assert ("unit_officer" in rule.roles) == (
            rule.unit in (rules.LEAD, rules.INVOLVED, rules.ASSISTING, rules.RECTIFYING)), \
            rule.command


# -- the aggregate refuses where the table says, by the error it names -------------------------

def rule_allows(command: str, status: str) -> bool:
    return rules.RULES[command].refusal(Status(status)) is None


def in_status(status: str, ticket_id: str = "ticket-1") -> Ticket:
    """An appeal taken to `status` along the shortest way."""
    if status in REGROUPED:
        return REGROUPED[status](in_status("dispatched", ticket_id))
    ticket = Ticket.raise_appeal(
        ticket_id, ledger_number="GZ-2026-000001", enterprise_name="赣州某企业", uscc=OWN_USCC,
        title="贷款贴息未到位", description="去年申请的贴息至今未拨付。", channel="hotline",
        category="financing", county="zhanggong", at=at(3, 2), actor=office, policy=DeadlinePolicy())
    way = ({"way": "escalate_upward", "level": "provincial", "report_reference": "报告"}
           if status == "awaiting_upper_level" else {"way": "unsolvable", "explanation": "已解释"})
    steps = [
        ("dispatched", lambda: ticket.dispatch(lead_unit="finance_bureau", assisting_units=["tax_bureau"],
                                               at=at(3, 2, 11), actor=office)),
        ("signed_for", lambda: ticket.sign_for(at=at(3, 3), actor=lead)),
        ("in_progress", lambda: ticket.classify(at=at(3, 4), actor=lead, **way)),
        ("resolved", lambda: answered_then_resolved(ticket)),
        ("rated", lambda: ticket.rate(rating="satisfied", at=at(3, 6), actor=owner)),
        ("closed", lambda: ticket.close_off(at=at(3, 9), actor=office)),
    ]
    for _, step in steps:
        if ticket.status == status:
            break
        step()
    assert ticket.status == status
    return ticket


def answered_then_resolved(ticket: Ticket) -> None:
    # The lead resolves once the assisting unit's own task is answered (协办).
    ticket.sign_for_task(at=at(3, 5), actor=assisting)
    ticket.answer_task(reply="协办意见", at=at(3, 5), actor=assisting)
    ticket.resolve(summary="已办结", at=at(3, 5), actor=lead)


# The statuses an appeal reaches off the shortest way: returned (退回), merged, split.
REGROUPED = {
    "returned": lambda t: t.return_appeal(reason="not_its_remit", legal_basis="职责规定",
                                          at=at(3, 3), actor=lead) and t,
    "merged": lambda t: t.merge_into(survivor=in_status("received", "ticket-0"), reason="重复",
                                     at=at(3, 3), actor=office) and t,
    "split": lambda t: t.split(matters=MATTERS, reason="多项诉求", raised=RAISED,
                               numbering=numbering(), at=at(3, 3), actor=office) and t,
}
MATTERS = [{"title": "贴息未到位", "description": "贴息"}, {"title": "担保费高", "description": "担保"}]
RAISED = {"ledger_number": "GZ-2026-000001", "enterprise_name": "赣州某企业", "uscc": OWN_USCC,
          "title": "贷款贴息未到位", "description": "两件事", "channel": "hotline",
          "category": "financing", "county": "zhanggong", "received_at": "2026-03-02T02:00:00Z",
          "step_days": {"sign": 1, "first_response": 3, "resolution": 10}}


def numbering():
    numbers = iter(range(2, 100))
    return lambda: (f"part-{next(numbers)}", f"GZ-2026-{next(numbers):06d}")


def right(command: str):
    """The right actor and input for `command`, the other appeals it names made afresh."""
    if command == "merge_in":
        return office, {"appeals": [in_status("received", "ticket-2")], "reason": "重复诉求"}
    if command == "merge_into":
        return office, {"survivor": in_status("received", "ticket-2"), "reason": "重复诉求"}
    if command == "link_related":
        return office, {"other": in_status("received", "ticket-2"), "note": "同一园区"}
    if command == "rate_merged":
        return owner, {"rating": "satisfied", "survivor": in_status("resolved", "ticket-0")}
    if command == "split":
        return office, {"matters": MATTERS, "reason": "多项诉求", "raised": RAISED,
                        "numbering": numbering()}
    return RIGHT[command]


# The rectification a command acts on, in the state it needs (差评整改). A rectification outlives
# the round of handling its bad rating came from, so the table allows it in every status; an
# appeal in each status is given one as its facts would leave it.
RECTIFYING = {"classify_rectification": None, "complete_rectification": "planned",
              "rule_on_dispute": "disputed"}


def with_rectification(ticket: Ticket, way: str | None) -> None:
    ticket._record("RectificationOpened", {
        "number": 1, "unit": "finance_bureau", "rating": "unsatisfied", "via": "enterprise",
        "working_days": 5, "due": "2026-03-13T15:59:59.999999Z"}, at=at(3, 6), actor="test")
    if way is not None:
        ticket._record("RectificationClassified", {
            "number": 1, "unit": "finance_bureau", "way": way, "note": "核实",
            **({"plan": "改", "plan_due": "2026-06-30"} if way == "planned" else {}),
            "due": "2026-03-13T15:59:59.999999Z", "on_time": True}, at=at(3, 9), actor="test")


# A right actor and input for each command, so that only the table can refuse it.
RIGHT = {
    "return_appeal": (lead, {"reason": "not_its_area", "legal_basis": "属地管理规定"}),
    "rule_on_return": (office, {"ruling": "经审核属该单位职责"}),
    "dispatch": (office, {"lead_unit": "finance_bureau"}),
    "redispatch": (office, {"lead_unit": "hr_bureau", "reason": "属人社职责"}),
    "sign_for": (lead, {}),
    "sign_for_task": (assisting, {}),
    "answer_task": (assisting, {"reply": "协办意见"}),
    "waive_task": (office, {"unit": "tax_bureau", "reason": "已无需协办"}),
    "urge": (office, {"message": "请加快"}),
    "classify": (lead, {"way": "unsolvable", "explanation": "已解释"}),
    "note_progress": (assisting, {"note": "协办意见"}),
    "follow_up_upper_level": (lead, {"note": "已跟进"}),
    "request_extension": (lead, {"working_days": 5, "reason": "需时间"}),
    "grant_extension": (office, {}),
    "refuse_extension": (office, {"reason": "不同意"}),
    "resolve": (lead, {"summary": "已办结"}),
    "rate": (owner, {"rating": "satisfied"}),
    "callback": (office, {"reached": True, "resolved": "yes", "rating": "very_satisfied"}),
    "close_off": (office, {}),
    "close_off_unrated": (SYSTEM, {"policy": DeadlinePolicy()}),
    "reopen": (office, {"reason": "再次反映"}),
    "mark_overdue": (SYSTEM, {}),
    "classify_rectification": (lead, {"way": "fixed", "note": "已立行立改"}),
    "complete_rectification": (lead, {"note": "已按计划整改"}),
    "rule_on_dispute": (office, {"ruling": "upheld", "reason": "差评属实"}),
    "link_duplicate": (office, {"title": "贴息未到位", "description": "同一问题", "channel": "fax"}),
    "note_policy_answer": (SYSTEM, {"answer_event_id": "e-1", "policy_id": "p-1",
                                    "document_number": "赣市府发〔2026〕1号", "title": "若干政策措施",
                                    "unit": "finance_bureau"}),
}


@pytest.mark.parametrize("status", Status.codes())
@pytest.mark.parametrize("command", list(rules.RULES))
def test_the_aggregate_refuses_where_the_table_says(command, status):
    ticket = in_status(status)
    if command in ("grant_extension", "refuse_extension") and status in (
            "signed_for", "in_progress", "awaiting_upper_level"):
        ticket.request_extension(working_days=5, reason="需时间", at=at(3, 20), actor=lead)
    if command == "answer_task" and rule_allows(command, status):
        ticket.sign_for_task(at=at(3, 20), actor=assisting)
    if command == "resolve" and rule_allows(command, status):
        ticket.waive_task(unit="tax_bureau", reason="已无需协办", at=at(3, 20), actor=office)
    if command in RECTIFYING:
        with_rectification(ticket, RECTIFYING[command])
    actor, fields = right(command)
    rule = rules.RULES[command]
    error = rule.refusal(Status(status))
    if error is not None and status == "received" and rule.unit and not rule.status_first:
        # Before dispatch no unit leads or assists: who may act is told before the status.
        error = ex.NotLeadUnit if rule.unit == rules.LEAD else ex.UnitNotInvolved
    count = len(ticket.pending())
    # A return is timely only within 2 working days of the dispatch.
    when = at(3, 3, 15) if command == "return_appeal" else at(4, 30)
    if error is None:
        getattr(ticket, command)(at=when, actor=actor, **fields)
    else:
        with pytest.raises(error):
            getattr(ticket, command)(at=when, actor=actor, **fields)
        assert len(ticket.pending()) == count


@pytest.mark.parametrize("command", list(rules.RULES))
def test_a_role_the_row_does_not_name_is_refused(command):
    ticket = in_status("signed_for")
    _, fields = right(command)
    with pytest.raises(errors.RoleNotAllowed) as refused:
        getattr(ticket, command)(at=at(3, 20), actor=supervisor, **fields)
    assert rules.RULES[command].doing in refused.value.message


def test_who_may_act_is_told_before_the_status():
    ticket = in_status("dispatched")
    # classify by an assisting unit before signing for: not the lead unit, whatever the status
    with pytest.raises(ex.NotLeadUnit):
        ticket.classify(way="unsolvable", explanation="e", at=at(3, 3), actor=assisting)
    # signing for before dispatch: there is no lead unit yet, so the status explains it
    with pytest.raises(errors.StatusDoesNotAllow):
        in_status("received").sign_for(at=at(3, 3), actor=lead)
    # a closed-off appeal is closed, whoever asks
    with pytest.raises(ex.TicketClosed):
        in_status("closed").resolve(summary="s", at=at(3, 20), actor=assisting)


def test_a_missing_appeal_is_not_found_before_anything_else():
    with pytest.raises(ex.TicketNotFound):
        rules.check("dispatch", Ticket("nowhere"), supervisor)


def test_every_error_the_table_names_is_a_named_rule():
    for rule in rules.RULES.values():
        for status in Status:
            error = rule.refusal(status)
            assert error is None or (issubclass(error, DomainError) and error.__module__ == ex.__name__)
