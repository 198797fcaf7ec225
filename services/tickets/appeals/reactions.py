"""What the tickets service does on other services' events:

- a problem found on a leader's or a cadre's visit (liaison `VisitProblemFound`, notice 二(三)2 —
  对走访中发现的问题 … 纳入诉求台账) is received into the ledger as an appeal, channel "visit",
  naming the visit. Exactly once: the appeal's id derives from the problem's event id (uuid5 in
  `VISIT_APPEALS`, the namespace the liaison service derives it in too — a convention both keep,
  and a test holds), so a second delivery, or a sweep of the liaison log after a lost checkpoint,
  finds the appeal and raises nothing. The ledger number is given in the same transaction;
- the policy service's answer to an appeal's policy work (policy `PolicyWorkAnswered`, notice
  二(四)3) is noted on the appeal, once;
- the leaders' linkage, their liaison officers and visits (liaison `LeaderRegistered`,
  `PlanAccepted`, `LinkageChanged`, `EnterpriseRegistered`, `EnterpriseProfileChanged`,
  `LiaisonOfficerAppointed`, `VisitRecorded`) keep the linkage's tables of `views`, each row
  written as the event says it is now, so taking an event in twice changes nothing.

Each reads what it takes in through the producer's declared model (`services.liaison.events`,
`services.policy.events`), so it reads no field the producer does not declare.
"""
from __future__ import annotations

import functools
import uuid

import sqlalchemy as sa
import structlog

from kernel.actor import Actor
from kernel.envelope import Event, utc_now
from kernel.refolding import replace_row
from kernel.store import UnitOfWork
from services.liaison.events import EVENTS as LIAISON
from services.policy.events import EVENTS as POLICY
from services.tickets.appeals.deadlines import DEFAULT_POLICY, DeadlinePolicy
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.numbers import ledger_number
from services.tickets.appeals.views import (
    enterprise_parks, leader_linkages, linked_enterprises, linked_leaders, liaison_appointments,
    visit_leaders,
)

log = structlog.get_logger(__name__)


# -- a visit's problems ----------------------------------------------------------------------

# The liaison service's visits raise these appeals; the tickets service acts in their name.
VISITS = Actor(sub="liaison-visits", role="system")
# uuid5(VISIT_APPEALS, the VisitProblemFound event's id) is the appeal's id.
VISIT_APPEALS = uuid.UUID("0b6a3f0e-2f4c-5c55-9a51-6f1d3c8e7a21")
CONSUMER = "visits"


def appeal_id_for(problem_event_id: str) -> str:
    return str(uuid.uuid5(VISIT_APPEALS, problem_event_id))


def raise_from_visit(uow: UnitOfWork, event: Event,
                     policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """liaison `VisitProblemFound` → one appeal, raised once, under the deadlines `policy`."""
    ticket_id = appeal_id_for(event.event_id)
    if uow.load(Ticket, ticket_id).exists:
        return
    problem = LIAISON.parse(event)
    at = utc_now()
    ticket = Ticket.raise_appeal(
        ticket_id, ledger_number=ledger_number(uow, at), enterprise_name=problem.enterprise_name,
        uscc=problem.uscc, title=problem.title, description=problem.description,
        channel="visit", category=problem.category, county=problem.county,
        visit_id=problem.visit_id, at=at, actor=VISITS, policy=policy)
    uow.save(ticket)
    log.info("appeal raised from a visit", ticket_id=ticket_id, visit_id=problem.visit_id,
             problem_id=problem.problem_id)


def visit_subscriptions(policy: DeadlinePolicy = DEFAULT_POLICY) -> dict:
    """The tickets service's subscription to the liaison service's visits, under `policy`."""
    return {"liaison": {"VisitProblemFound": functools.partial(raise_from_visit,
                                                               policy=policy)}}


# -- the policy service's answers ------------------------------------------------------------

# The tickets service itself notes on the appeal what the policy service answered.
POLICY_ANSWERS = Actor(sub="policy-answers", role="system")
POLICY_ANSWERS_CONSUMER = "policy-answers"


def note_policy_answer(uow: UnitOfWork, event: Event) -> None:
    """policy `PolicyWorkAnswered` → the appeal that asked for the policy work notes the policy
    answering it (notice 二(四)3), once: the answer's event id is kept in the fact, so a second
    delivery notes nothing."""
    answer = POLICY.parse(event)
    ticket = uow.load(Ticket, answer.ticket_id)
    if not ticket.exists:
        log.warning("policy answer for an unknown appeal", ticket_id=answer.ticket_id,
                    event_id=event.event_id)
        return
    ticket.note_policy_answer(answer_event_id=event.event_id, policy_id=answer.policy_id,
                              document_number=answer.document_number, title=answer.title,
                              unit=answer.unit, at=utc_now(), actor=POLICY_ANSWERS)
    uow.save(ticket)


POLICY_ANSWER_SUBSCRIPTIONS = {"policy": {"PolicyWorkAnswered": note_policy_answer}}


# -- the leaders' linkage --------------------------------------------------------------------

LINKAGE_CONSUMER = "leader-linkage"
# The liaison service's city leaders' ranks (its linkage rules' CITY_RANKS): an accepted plan
# sets every one of their linkages, and leaves a county leader's alone.
CITY_RANKS = ("top_city", "city")


def _set_linkage(connection: sa.Connection, leader_id: str, rank: str | None,
                 park: str | None, enterprises) -> None:
    replace_row(connection, leader_linkages, "leader_id",
             {"leader_id": leader_id, "rank": rank, "park": park})
    connection.execute(linked_enterprises.delete()
                       .where(linked_enterprises.c.leader_id == leader_id))
    listed = sorted(set(enterprises or ()))
    if listed:
        connection.execute(linked_enterprises.insert(),
                           [{"leader_id": leader_id, "uscc": uscc} for uscc in listed])


def leader_registered(uow: UnitOfWork, event: Event) -> None:
    """liaison LeaderRegistered: a leader the register holds."""
    leader = LIAISON.parse(event)
    replace_row(uow.connection, linked_leaders, "leader_id", {"leader_id": leader.id})


def plan_accepted(uow: UnitOfWork, event: Event) -> None:
    """liaison PlanAccepted: every city leader's linkage is the plan's. A plan's linkage is
    {leader_id, rank, park, enterprises, coverage} (the liaison linkage's events module)."""
    plan = LIAISON.parse(event)
    connection = uow.connection
    city = sa.select(leader_linkages.c.leader_id).where(leader_linkages.c.rank.in_(CITY_RANKS))
    connection.execute(linked_enterprises.delete().where(linked_enterprises.c.leader_id.in_(city)))
    connection.execute(leader_linkages.delete().where(leader_linkages.c.rank.in_(CITY_RANKS)))
    for linkage in plan.linkages:
        _set_linkage(connection, linkage["leader_id"], linkage.get("rank"), linkage.get("park"),
                     linkage.get("enterprises"))


def linkage_changed(uow: UnitOfWork, event: Event) -> None:
    """liaison LinkageChanged: one leader's linkage, as it now is."""
    change = LIAISON.parse(event)
    _set_linkage(uow.connection, change.leader_id, change.rank, change.park, change.enterprises)


def enterprise_registered(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseRegistered: the park it lies in, if any."""
    enterprise = LIAISON.parse(event)
    replace_row(uow.connection, enterprise_parks, "uscc",
             {"uscc": enterprise.uscc, "park": enterprise.park})


def enterprise_changed(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseProfileChanged, which carries only the fields that changed: a new
    park (None: it left its park), if it moved."""
    changes = LIAISON.parse(event).changes()
    if "park" in changes:
        replace_row(uow.connection, enterprise_parks, "uscc",
                 {"uscc": event.stream_id, "park": changes["park"]})


def liaison_appointed(uow: UnitOfWork, event: Event) -> None:
    """liaison LiaisonOfficerAppointed: whose liaison officer the cadre is."""
    appointment = LIAISON.parse(event)
    replace_row(uow.connection, liaison_appointments, "cadre_id",
             {"cadre_id": appointment.cadre_id, "leader_id": appointment.leader_id})


def visit_recorded(uow: UnitOfWork, event: Event) -> None:
    """liaison VisitRecorded on the visit's stream: whose visit it was, to which enterprise."""
    visit = LIAISON.parse(event)
    replace_row(uow.connection, visit_leaders, "visit_id",
             {"visit_id": event.stream_id, "leader_id": visit.leader_id, "uscc": visit.uscc})


LINKAGE_SUBSCRIPTIONS = {"liaison": {
    "LeaderRegistered": leader_registered,
    "PlanAccepted": plan_accepted,
    "LinkageChanged": linkage_changed,
    "EnterpriseRegistered": enterprise_registered,
    "EnterpriseProfileChanged": enterprise_changed,
    "LiaisonOfficerAppointed": liaison_appointed,
    "VisitRecorded": visit_recorded,
}}


