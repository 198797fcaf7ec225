"""Satisfaction counted as given (满意率): every rating the enterprise gives an appeal is a fact kept
with the appeal and the unit that led it, read off the ledger's TicketRated entries, and counted,
an unsatisfied rating that sends the appeal back included; a rating after the redo is another.

The hand-computed case: unit B led three appeals, each rated; one was rated unsatisfied, which
sent it back (as the tickets service records it: TicketRated, then TicketSentBack). By hand 2 of
3 ratings were satisfied: 66.7%, below the 85% floor, and B is named below it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from kernel.envelope import format_time
from services.supervision.tracking import views as tracking
from test_supervision_rpc import (  # noqa: F401 - the fixtures
    OFFICE, T0, USCC_A, USCC_B, audit, dispatched, engine, event, raised,
)

UNIT_B = "city-land"


def rated_appeal(ticket: str, unit: str, uscc: str, at: dt.datetime, rating: str) -> list:
    """An appeal dispatched, signed, resolved and rated; an unsatisfied rating sends it back in
    the same command, as the tickets' aggregate records it."""
    events = [
        raised(ticket, at, uscc), dispatched(ticket, unit, at, at + dt.timedelta(days=1)),
        event(ticket, "ticket", "TicketSignedFor", 3, at + dt.timedelta(hours=2), {
            "resolution_due": format_time(at + dt.timedelta(days=10))}),
        event(ticket, "ticket", "TicketResolved", 4, at + dt.timedelta(days=2),
              {"summary": "办结"}),
        event(ticket, "ticket", "TicketRated", 5, at + dt.timedelta(days=3),
              {"rating": rating, "comment": "", "via": "enterprise"},
              actor=f"enterprise:{uscc}:ent")]
    if rating == "unsatisfied":
        events.append(event(ticket, "ticket", "TicketSentBack", 6, at + dt.timedelta(days=3), {
            "resolution_due": format_time(at + dt.timedelta(days=13))},
            actor=f"enterprise:{uscc}:ent"))
    return events


def unit_of(computed: dict, unit: str) -> dict:
    return next(u for u in computed["assessment"]["units"] if u["unit"] == unit)


def test_an_unsatisfied_rating_that_sent_the_appeal_back_still_counts(audit):
    audit.ledger.take("tickets", [
        *rated_appeal("b-1", UNIT_B, USCC_A, T0, "satisfied"),
        *rated_appeal("b-2", UNIT_B, USCC_B, T0, "basically_satisfied"),
        *rated_appeal("b-3", UNIT_B, USCC_A, T0, "unsatisfied")])

    computed = audit.compute_assessment(OFFICE, {"year": T0.year})
    b = unit_of(computed, UNIT_B)["figures"]["satisfaction"]
    assert (b["numerator"], b["denominator"]) == (2, 3)
    assert b["value"] == 0.6667
    assert unit_of(computed, UNIT_B)["below_floor"] is True
    assert UNIT_B in computed["assessment"]["below_floor"]
    # the figure cites the three rating entries, the unsatisfied one among them
    with audit.store.engine.connect() as connection:
        cited = connection.execute(sa.select(tracking.ratings_table.c.appeal_id,
                                             tracking.ratings_table.c.rating)
                                   .where(tracking.ratings_table.c.seq.in_(b["seqs"]))).all()
    assert sorted(cited) == [("b-1", "satisfied"), ("b-2", "basically_satisfied"),
                             ("b-3", "unsatisfied")]


def test_a_rating_after_the_redo_is_a_new_one(audit):
    audit.ledger.take("tickets", [
        *rated_appeal("b-1", UNIT_B, USCC_A, T0, "satisfied"),
        *rated_appeal("b-3", UNIT_B, USCC_A, T0, "unsatisfied"),
        event("b-3", "ticket", "TicketResolved", 7, T0 + dt.timedelta(days=5),
              {"summary": "重办办结"}),
        event("b-3", "ticket", "TicketRated", 8, T0 + dt.timedelta(days=6),
              {"rating": "satisfied", "comment": "", "via": "enterprise"})])

    computed = audit.compute_assessment(OFFICE, {"year": T0.year})
    b = unit_of(computed, UNIT_B)["figures"]
    assert (b["satisfaction"]["numerator"], b["satisfaction"]["denominator"]) == (2, 3)
    # the redo measure still counts appeals: one of the two was sent back
    assert (b["redo"]["numerator"], b["redo"]["denominator"]) == (1, 2)
