"""Who may raise an appeal in an enterprise's name (a leader or liaison officer only on the
strength of a visit, which the appeal records), and what an enterprise is shown of who acted in
its appeal's history (role and unit, never a person's internal id)."""
import datetime as dt

import pytest

from kernel.actor import SYSTEM, Actor
from kernel.envelope import Event
from services.tickets.appeals import exceptions as ex
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.appeal_view import history_entry, shown_actor

USCC = "91350100M000100Y43"
AT = dt.datetime(2026, 3, 2, 2, tzinfo=dt.timezone.utc)
APPEAL = dict(ledger_number="GZ-2026-000001", enterprise_name="某企业", uscc=USCC,
              title="用工难", description="招工难。", channel="visit", category="labour",
              county="zhanggong", at=AT)


@pytest.mark.parametrize("role", ["leader", "liaison"])
def test_a_leader_or_liaison_raises_only_on_a_named_visit(role):
    cadre = Actor("cadre-1", role)
    for missing in (None, "", "   "):
        with pytest.raises(ex.VisitRequired) as refused:
            Ticket.raise_appeal("t-1", actor=cadre, visit_id=missing, **APPEAL)
        assert refused.value.kind == "forbidden" and refused.value.field == "visit_id"
    ticket = Ticket.raise_appeal("t-1", actor=cadre, visit_id="visit-42", **APPEAL)
    [fact] = ticket.pending()
    assert fact.payload["visit_id"] == "visit-42"


def test_others_raise_without_a_visit_and_record_none():
    for actor in (Actor("clerk", "office"), Actor("boss", "enterprise", uscc=USCC)):
        [fact] = Ticket.raise_appeal("t-1", actor=actor, **APPEAL).pending()
        assert "visit_id" not in fact.payload


def test_an_enterprise_sees_roles_and_units_not_internal_ids():
    labels = {"unit_officer:ruijin-power:officer-zhao": "unit_officer:ruijin-power",
              f"enterprise:{USCC}:boss": f"enterprise:{USCC}",
              "office:clerk-li": "office", SYSTEM.label: "system",
              "system:service:tickets": "system", "liaison:cadre-1": "liaison"}
    for label, shown in labels.items():
        assert shown_actor("enterprise", label) == shown
        assert shown_actor("office", label) == label
        assert shown_actor("unit_officer", label) == label
    event = Event("e-1", "t-1", "ticket", 1, "TicketSignedFor", "2026-03-02T02:00:00Z",
                  "unit_officer:ruijin-power:officer-zhao", "c", "c", {})
    assert history_entry("enterprise", event)["actor"] == "unit_officer:ruijin-power"
    assert history_entry("office", event) == event.to_dict()
