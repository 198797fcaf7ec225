"""An appeal's contact (联系人, 联系电话, 电子邮箱) and its 保密 flag: the phone read by libphonenumber
and written one way, the e-mail checked, who must give them, and the read rule that shows the
contact as said, masked (138****5678) or not at all, by reader; then on the real broker and both
stores, every read path (the appeal, a command's answer, the ledger's lines, the history, the
workbook's lines) showing it by that one rule, and the ledger filtered by type and urgency."""
import datetime as dt

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from kernel.actor import Actor
from kernel.errors import Refused, RoleNotAllowed
from services.tickets.appeals import contact
from services.tickets.appeals import exceptions as ex
from services.tickets.appeals.access import HIDDEN, FULL, MASKED, contact_shown, shown_contact
from services.tickets.appeals.contract import LEDGER_HEADERS
from services.tickets.appeals.domain import Ticket
from services.tickets.service import TicketsService
from callers import assertion
from registered_units import known_units

USCC = "91360703MA37K8L9PN"
AT = dt.datetime(2026, 3, 2, 2, tzinfo=dt.timezone.utc)
office = Actor("clerk", "office")
owner = Actor("boss", "enterprise", uscc=USCC)
lead = Actor("li", "unit_officer", unit="finance_bureau")
assisting = Actor("wang", "unit_officer", unit="tax_bureau")
leader = Actor("mayor", "leader")
supervisor = Actor("inspector", "supervisor")
liaison_visits = Actor("liaison-visits", "system")


def raised(actor=office, **fields) -> Ticket:
    body = dict(ledger_number="GZ-2026-000001", enterprise_name="南康某家具企业", uscc=USCC,
                title="出口检验周期长", description="出口检验排队超过十天。", channel="hotline",
                category="logistics", county="nankang", at=AT, actor=actor)
    body.update(fields)
    return Ticket.raise_appeal("t-1", **body)


# -- the phone and the e-mail ------------------------------------------------------------------

@pytest.mark.parametrize("typed, kept", [
    ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("138 1234 5678", "13812345678"), ("0797-8123456", "0797-8123456"),
    ("(0797) 812 3456", "0797-8123456"), ("010 1234 5678", "010-12345678"),
])
def test_a_phone_is_written_the_way_a_clerk_dials_it(typed, kept):
    assert contact.phone(typed) == kept


@pytest.mark.parametrize("typed, why", [
    ("12345678901", "numbering plan"), ("12345", "numbering plan"), ("abc", "not a phone"),
    ("+1 650 253 0000", "not a number in China"), ("400-800-8888", "neither a mobile"),
    ("", "empty"), ("1" * 41, "longer than"),
])
def test_a_number_no_one_can_be_called_back_on_is_refused_naming_the_field(typed, why):
    with pytest.raises(ex.InvalidPhone, match=why) as refused:
        contact.phone(typed)
    assert refused.value.field == "contact_phone"


def test_an_email_is_checked_and_its_domain_lowered():
    assert contact.email(" Zhang.San@Example.CN ") == "Zhang.San@example.cn"
    for bad in ("zhang", "a@b", "a..b@x.cn", "a b@x.cn", ".a@x.cn", "a@-x.cn"):
        with pytest.raises(ex.InvalidEmail) as refused:
            contact.email(bad)
        assert refused.value.field == "contact_email"


def test_masks():
    assert contact.masked_phone("13812345678") == "138****5678"
    assert contact.masked_phone("0797-8123456") == "079****3456"
    assert contact.masked_email("zhang.san@example.cn") == "z***@example.cn"


# -- who must give a contact -------------------------------------------------------------------

@pytest.mark.parametrize("actor", [office, owner])
def test_the_office_and_the_enterprise_name_who_to_call_back_on_a_typed_appeal(actor):
    for missing in ("contact_person", "contact_phone"):
        fields = {"contact_person": "张经理", "contact_phone": "13812345678"}
        del fields[missing]
        with pytest.raises(ex.ContactRequired) as refused:
            raised(actor, appeal_type="complaint", **fields)
        assert refused.value.field == missing
    ticket = raised(actor, appeal_type="complaint", contact_person="张经理",
                    contact_phone="138 1234 5678", contact_email="zhang@example.cn")
    payload = ticket.pending()[0].payload
    assert (payload["contact_person"], payload["contact_phone"], payload["contact_email"]) == (
        "张经理", "13812345678", "zhang@example.cn")


def test_a_system_raise_from_a_visit_carries_what_it_has():
    ticket = raised(liaison_visits, channel="visit", visit_id="visit-1")
    payload = ticket.pending()[0].payload
    assert not {"contact_person", "contact_phone", "confidential", "appeal_type"} & set(payload)


def test_an_untyped_raise_reads_as_it_always_has():
    payload = raised().pending()[0].payload
    assert not {"contact_person", "contact_phone", "contact_email", "confidential",
                "appeal_type", "urgency", "dispatch_due"} & set(payload)


def test_a_bad_contact_changes_nothing_and_names_its_field():
    with pytest.raises(ex.InvalidPhone):
        raised(contact_person="张经理", contact_phone="12345")
    with pytest.raises(ex.ConfidentialWithoutContact) as refused:
        raised(confidential=True)
    assert refused.value.field == "confidential"
    with pytest.raises(RoleNotAllowed):
        raised(assisting, contact_person="张经理", contact_phone="13812345678")


# -- the read rule -----------------------------------------------------------------------------

def view(confidential=False) -> dict:
    return {"lead_unit": "finance_bureau", "assisting_units": ["tax_bureau"],
            "confidential": confidential, "contact_person": "张经理",
            "contact_phone": "13812345678", "contact_email": "zhang@example.cn"}


@pytest.mark.parametrize("reader, plain, confidential", [
    (office, FULL, FULL), (Actor("job", "system"), FULL, FULL),
    (lead, FULL, HIDDEN), (assisting, MASKED, HIDDEN),
    (owner, MASKED, MASKED), (leader, MASKED, MASKED), (supervisor, MASKED, MASKED),
    (Actor("c", "liaison"), MASKED, MASKED),
])
def test_who_is_shown_the_contact_how(reader, plain, confidential):
    assert contact_shown(reader, view()) == plain
    assert contact_shown(reader, view(True)) == confidential


def test_the_rule_masks_or_hides_a_copy_and_leaves_the_original():
    original = view(True)
    assert shown_contact(lead, original, original)["contact_phone"] is None
    assert shown_contact(lead, original, original)["contact_person"] is None
    masked = shown_contact(leader, original, original)
    assert (masked["contact_person"], masked["contact_phone"], masked["contact_email"]) == (
        "张经理", "138****5678", "z***@example.cn")
    assert original == view(True)


# -- every read path, on the real broker and both stores ---------------------------------------

OFFICE = {"sub": "clerk-li", "role": "office"}
LEAD = {"sub": "li", "role": "unit_officer", "unit": "finance_bureau"}
ASSISTING = {"sub": "wang", "role": "unit_officer", "unit": "tax_bureau"}
OWNER = {"sub": "boss", "role": "enterprise", "uscc": USCC}
SUPERVISOR = {"sub": "inspector", "role": "supervisor"}
APPEAL = {"enterprise_name": "南康某家具企业", "uscc": USCC, "title": "实木家具出口检验周期长",
          "description": "出口检验排队超过十天，影响交货。", "channel": "hotline",
          "category": "logistics", "county": "nankang", "appeal_type": "complaint",
          "urgency": "urgent", "contact_person": "张经理", "contact_phone": "+86 138 1234 5678"}


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    config = service_config(db_url)
    container = container_factory(TicketsService, config)
    container.start()
    known_units(db_url, "finance_bureau", "tax_bureau", service="tickets")
    return config


def reads(cluster, who: dict, ticket_id: str) -> dict:
    """The contact as each read path shows it to `who`."""
    got = cluster.tickets.get_ticket(assertion(who), ticket_id)
    line = next(i for i in cluster.tickets.list_tickets(assertion(who), {})["items"]
                if i["id"] == ticket_id)
    raised_payload = cluster.tickets.history(assertion(who), ticket_id)[0]["payload"]
    sheet = cluster.tickets.export_tickets(assertion(who), {})["lines"]
    cells = [dict(zip(LEDGER_HEADERS, cells)) for cells in sheet]
    row = next(c for c in cells if c["诉求标题"] == APPEAL["title"])
    return {"view": got["contact_phone"], "line": line["contact_phone"],
            "history": raised_payload.get("contact_phone"), "sheet": row["联系电话"],
            "person": got["contact_person"]}


def test_every_read_path_shows_the_contact_by_the_one_rule(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        plain = cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        secret = cluster.tickets.raise_appeal(assertion(OFFICE), {
            **APPEAL, "title": "用地指标不足", "description": "扩建厂房缺少用地指标。",
            "confidential": True, "appeal_type": "help", "urgency": None})
        for ticket in (plain, secret):
            answer = cluster.tickets.act(assertion(OFFICE), ticket["id"], "dispatch", {
                "lead_unit": "finance_bureau", "assisting_units": ["tax_bureau"]})
            assert answer["contact_phone"] == "13812345678"  # the office reads it as said
        seen = {name: reads(cluster, who, plain["id"]) for name, who in (
            ("office", OFFICE), ("lead", LEAD), ("assisting", ASSISTING), ("owner", OWNER),
            ("supervisor", SUPERVISOR))}
        hidden = cluster.tickets.get_ticket(assertion(LEAD), secret["id"])
        hidden_history = cluster.tickets.history(assertion(LEAD), secret["id"])[0]["payload"]
        hidden_line = cluster.tickets.list_tickets(assertion(ASSISTING), {
            "appeal_type": "help"})["items"]
        masked_secret = cluster.tickets.get_ticket(assertion(OWNER), secret["id"])
        by_kind = {(kind, value): [i["id"] for i in cluster.tickets.list_tickets(
            assertion(OFFICE), {kind: value})["items"]]
            for kind, value in (("appeal_type", "complaint"), ("appeal_type", "help"),
                                ("appeal_type", "report"), ("urgency", "urgent"),
                                ("urgency", "normal"))}
        with pytest.raises(Refused) as refused:
            cluster.tickets.list_tickets(assertion(OFFICE), {"urgency": "soon"})
        # The log keeps what was said: the office reads the confidential appeal's whole.
        whole = cluster.tickets.history(assertion(OFFICE), secret["id"])[0]["payload"]
    every = ("view", "line", "history", "sheet")
    assert {path: seen["office"][path] for path in every} == dict.fromkeys(every, "13812345678")
    assert {path: seen["lead"][path] for path in every} == dict.fromkeys(every, "13812345678")
    for reader in ("assisting", "owner", "supervisor"):
        assert {path: seen[reader][path] for path in every} == dict.fromkeys(every, "138****5678")
        assert seen[reader]["person"] == "张经理"
    assert hidden["confidential"] is True
    assert (hidden["contact_person"], hidden["contact_phone"]) == (None, None)
    assert hidden["enterprise_name"] == APPEAL["enterprise_name"]  # the matter and its name
    assert hidden["description"] == "扩建厂房缺少用地指标。"
    assert (hidden_history["contact_person"], hidden_history["contact_phone"]) == (None, None)
    assert [(i["contact_person"], i["contact_phone"]) for i in hidden_line] == [(None, None)]
    assert masked_secret["contact_phone"] == "138****5678"
    assert whole["contact_phone"] == "13812345678" and whole["confidential"] is True
    assert by_kind == {("appeal_type", "complaint"): [plain["id"]],
                       ("appeal_type", "help"): [secret["id"]], ("appeal_type", "report"): [],
                       ("urgency", "urgent"): [plain["id"]], ("urgency", "normal"): [secret["id"]]}
    assert (refused.value.rule, refused.value.field) == ("unknown_code", "urgency")


def test_a_bad_phone_over_the_wire_is_refused_naming_it_and_raises_nothing(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        refusals = []
        for body in ({**APPEAL, "contact_phone": "12345"},
                     {**APPEAL, "contact_email": "zhang"},
                     {**APPEAL, "contact_phone": None},
                     {**APPEAL, "appeal_type": "gossip"}):
            with pytest.raises(Refused) as refused:
                cluster.tickets.raise_appeal(assertion(OFFICE), body)
            refusals.append((refused.value.rule, refused.value.field))
        listed = cluster.tickets.list_tickets(assertion(OFFICE), {})
    assert refusals == [("invalid_callback_phone", "contact_phone"), ("invalid_callback_email", "contact_email"),
                        ("callback_contact_required", "contact_phone"), ("unknown_code", "appeal_type")]
    assert listed["items"] == []
