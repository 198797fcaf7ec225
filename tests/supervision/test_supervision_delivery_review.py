"""A unit's delivery is its own declaration: the office accepts it, or sends it back with its
reason (each a recorded step, in the ledger), and only an accepted delivery counts in the year's
assessment; a delivery sent back is owed again."""
from __future__ import annotations

import sqlalchemy as sa

from services.audit import ledger
from test_supervision_rpc import (  # noqa: F401 - the fixtures
    DEPARTMENTS, OFFICE, SUPERVISOR, TAX, audit, engine, refused,
)

RULES = "deliverable:2016:department_rules"


def deliveries_of(audit, unit: str = "zhanggong-tax") -> dict:
    audit.ledger.take_own(audit.store.store, audit.position)
    audit.position = audit.store.store.read_all(after=0, limit=10_000)[-1][0]
    computed = audit.compute_assessment(OFFICE, {"year": 2016})
    audit.ledger.take_own(audit.store.store, audit.position)
    audit.position = audit.store.store.read_all(after=0, limit=10_000)[-1][0]
    figures = next(u for u in computed["assessment"]["units"] if u["unit"] == unit)["figures"]
    return figures["deliverables"]["detail"]


def test_only_a_delivery_the_office_accepted_counts(audit):
    audit.position = 0
    audit.schedule_deliverables(OFFICE, {"year": 2016, "departments": DEPARTMENTS,
                                         "counties": ["zhanggong"]})
    shown = audit.deliver(TAX, RULES, {"unit": "zhanggong-tax", "document": "赣税发〔2016〕5号"})
    mine = next(u for u in shown["units"] if u["unit"] == "zhanggong-tax")
    assert mine["review"] == "pending"
    # declared, not yet accepted: it does not count
    assert deliveries_of(audit)["late"] == 0

    for who in (TAX, SUPERVISOR):
        no = refused(audit.act_on_delivery, who, RULES, "zhanggong-tax", "accept", {})
        assert no.kind == "forbidden"
    bad = refused(audit.act_on_delivery, OFFICE, RULES, "zhanggong-tax", "send-back", {})
    assert (bad.kind, bad.field) == ("invalid", "reason")
    assert refused(audit.act_on_delivery, OFFICE, RULES, "zhanggong-tax", "shred",
                   {}).field == "action"
    back = audit.act_on_delivery(OFFICE, RULES, "zhanggong-tax", "send-back",
                                 {"reason": "未附实施细则全文"})
    mine = next(u for u in back["units"] if u["unit"] == "zhanggong-tax")
    assert mine["review"] is None and mine["sent_back"][0]["reason"] == "未附实施细则全文"
    assert refused(audit.act_on_delivery, OFFICE, RULES, "zhanggong-tax", "accept",
                   {}).kind == "conflict"
    assert deliveries_of(audit)["late"] == 0

    audit.deliver(TAX, RULES, {"unit": "zhanggong-tax", "document": "赣税发〔2016〕6号"})
    accepted = audit.act_on_delivery(OFFICE, RULES, "zhanggong-tax", "accept", {})
    assert next(u for u in accepted["units"]
                if u["unit"] == "zhanggong-tax")["review"] == "accepted"
    assert refused(audit.act_on_delivery, OFFICE, RULES, "zhanggong-tax", "accept",
                   {}).kind == "conflict"
    # delivered in this century for a 2016 date: accepted, and late
    assert deliveries_of(audit)["late"] == 1

    with audit.store.engine.connect() as connection:
        steps = connection.execute(sa.select(ledger.ledger.c.type).where(
            ledger.ledger.c.stream_id == RULES).order_by(ledger.ledger.c.seq)).scalars().all()
    assert [t for t in steps if t != "DeliverableScheduled"] == [
        "DeliverableDelivered", "DeliverySentBack", "DeliverableDelivered", "DeliveryAccepted"]
