"""Every step's time on the ledger, through the tickets service on the real broker and both stores:
an appeal walked through dispatch, signing, a return ruled back to its unit (终审), signing again,
classification, resolution, a callback with its rating and closing off shows, in its view, its
ledger line and its workbook line, when each step last happened (the latest signing, the last
return), its type, urgency and redo count, and the contact as the reader may see it: in full for
the office, masked for the enterprise."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.clock import OFFICE_TIME
from kernel.envelope import parse_time
from registered_units import known_units
from services.tickets.appeals.contract import LEDGER_HEADERS
from services.tickets.appeals.workbook import LEDGER_COLUMNS
from services.tickets.service import TicketsService

UNIT = "huichang-market"
USCC = "91360703MA37K8L9PN"
APPEAL = {"enterprise_name": "会昌某食品公司", "uscc": USCC, "title": "食品经营许可证延续办理慢",
          "description": "延续申请提交二十天未有答复。", "channel": "hotline",
          "category": "labour", "county": "huichang", "appeal_type": "help",
          "urgency": "urgent", "contact_person": "刘经理", "contact_phone": "13812345678"}
TIME_HEADERS = {"受理时间": "received", "交办时间": "dispatched", "签收时间": "signed",
                "首次答复时间": "first_response", "退回时间": "returned", "办结时间": "resolved",
                "回访时间": "called_back", "评价时间": "rated", "销号时间": "closed"}
# The facts each step's time is the latest of, as a clerk reads the ledger.
STEP_OF = {"TicketDispatched": "dispatched", "TicketReturnRuled": "dispatched",
           "TicketSignedFor": "signed", "TicketClassified": "first_response",
           "TicketReturned": "returned", "TicketResolved": "resolved",
           "TicketCalledBack": "called_back", "TicketRated": "rated",
           "TicketClosedOff": "closed"}


def office():
    return assertion({"sub": "clerk-li", "role": "office"})


def officer():
    return assertion({"sub": "officer-lan", "role": "unit_officer", "unit": UNIT})


def owner():
    return assertion({"sub": "boss-liu", "role": "enterprise", "uscc": USCC})


def local(moment: str) -> str:
    return parse_time(moment).astimezone(OFFICE_TIME).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    known_units(db_url, UNIT, service="tickets")
    config = service_config(db_url)
    container_factory(TicketsService, config).start()
    return config


def walked(t) -> str:
    ticket_id = t.raise_appeal(office(), APPEAL)["id"]
    t.act(office(), ticket_id, "dispatch", {"lead_unit": UNIT})
    t.act(officer(), ticket_id, "sign-for", {})
    t.act(officer(), ticket_id, "return", {"reason": "not_its_remit",
                                           "legal_basis": "《食品经营许可管理办法》第五条"})
    t.act(office(), ticket_id, "rule-on-return", {"ruling": "许可延续属市场监管局职责"})
    t.act(officer(), ticket_id, "sign-for", {})
    t.act(officer(), ticket_id, "classify", {"way": "unsolvable", "explanation": "待现场核查"})
    t.act(officer(), ticket_id, "resolve", {"summary": "已现场核查", "reply": "许可证已延续。"})
    t.act(office(), ticket_id, "callback", {"reached": True, "resolved": "yes",
                                            "rating": "very_satisfied"})
    t.act(office(), ticket_id, "close-off", {})
    return ticket_id


def test_every_step_s_time_is_on_the_view_the_line_and_the_workbook(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ticket_id = walked(t)
        history = t.history(office(), ticket_id)
        expected = {"received": history[0]["payload"]["received_at"]}
        for event in history:
            if event["type"] in STEP_OF:
                expected[STEP_OF[event["type"]]] = event["occurred_at"]  # the latest wins
        signings = [e["occurred_at"] for e in history if e["type"] == "TicketSignedFor"]
        assert len(signings) == 2 and expected["signed"] == signings[-1]
        assert set(expected) == set(TIME_HEADERS.values())

        view = t.get_ticket(office(), ticket_id)
        assert view["times"] == expected and view["status"] == "closed"
        item = next(i for i in t.list_tickets(office(), {})["items"] if i["id"] == ticket_id)
        assert item["times"] == expected and item["redo_count"] == 0

        page = t.export_tickets(office(), {"enterprise": USCC})
        assert page["next_cursor"] is None and len(page["lines"]) == 1
        row = dict(zip(LEDGER_HEADERS, page["lines"][0]))
        assert {header: row[header] for header in TIME_HEADERS} == {
            header: local(expected[step]) for header, step in TIME_HEADERS.items()}
        assert (row["诉求类型"], row["紧急程度"], row["重办次数"]) == ("求助", "紧急", 0)
        assert (row["联系人"], row["联系电话"]) == ("刘经理", "13812345678")
        assert (row["办理状态"], row["满意度评价"]) == ("已销号", "非常满意")

        # Outside the office and the handling unit the phone is masked, on every path alike.
        own = dict(zip(LEDGER_HEADERS, t.export_tickets(owner(), {})["lines"][0]))
        assert (own["联系人"], own["联系电话"]) == ("刘经理", "138****5678")
        assert {header: own[header] for header in TIME_HEADERS} \
            == {header: row[header] for header in TIME_HEADERS}
        assert t.get_ticket(owner(), ticket_id)["times"] == expected


def test_a_redo_counts_and_keeps_the_last_resolution_and_callback(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ticket_id = t.raise_appeal(office(), APPEAL)["id"]
        t.act(office(), ticket_id, "dispatch", {"lead_unit": UNIT})
        t.act(officer(), ticket_id, "sign-for", {})
        t.act(officer(), ticket_id, "classify", {"way": "unsolvable", "explanation": "待核查"})
        t.act(officer(), ticket_id, "resolve", {"summary": "已答复", "reply": "正在办理。"})
        back = t.act(office(), ticket_id, "callback", {"reached": True, "resolved": "no",
                                                       "rating": "unsatisfied"})
        assert back["status"] == "in_progress" and back["resolved_at"] is None
        history = t.history(office(), ticket_id)
        resolved = next(e["occurred_at"] for e in history if e["type"] == "TicketResolved")
        # Sent back (重办): where it stands is the status; when it was last resolved stays.
        assert back["times"]["resolved"] == resolved and back["times"]["closed"] is None
        row = dict(zip(LEDGER_HEADERS, t.export_tickets(office(), {})["lines"][0]))
        assert (row["重办次数"], row["办理状态"], row["办结时间"]) == (1, "办理中", local(resolved))
        assert row["回访时间"] == row["评价时间"] and row["销号时间"] is None


def test_a_row_folded_before_step_times_were_kept_shows_what_it_had():
    state = {"received_at": "2026-03-02T02:00:00.000000Z", "signed_for_at": None,
             "resolved_at": "2026-03-05T02:00:00.000000Z", "closed_at": None}
    cells = {header: column(state) for header, column in LEDGER_COLUMNS
             if header in TIME_HEADERS}
    assert cells == {
        "受理时间": "2026-03-02 10:00", "交办时间": None, "签收时间": None, "首次答复时间": None,
        "退回时间": None, "办结时间": "2026-03-05 10:00", "回访时间": None, "评价时间": None,
        "销号时间": None}
