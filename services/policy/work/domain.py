"""The policy work appeals ask for: the PolicyWork aggregate, one policy-work item (政策研究完善事项).

notice 二(四)3: an appeal within a municipal department's remit (属市直部门职责范围的) calls for the
department to study and improve the policy. When the tickets service classifies an appeal that
way it records `PolicyWorkRequested`; the policy service opens one item for it here, and when the
unit's policy in force answers it, `PolicyWorkAnswered` tells the appeal (once).


Plain Python, no I/O: commands check the rules and record facts; state changes only in the
`when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.errors import RoleNotAllowed
from services.policy.work.events import EVENTS
from services.policy.work.exceptions import (
    NotItemUnit,
    PolicyWorkAlreadyAnswered,
    PolicyWorkAlreadyOpen,
    PolicyWorkNotFound,
)

# Item ids derive from the request's event id: the same request can only ever name one item.
ITEM_NAMESPACE = uuid.UUID("5f0c1a52-3d1e-4d62-9b0a-7a61c2f0e9b4")
UNIT_LIMIT = checks.CODE_LIMIT
TITLE_LIMIT = 200
WORK_LIMIT = checks.TEXT_LIMIT
# Who answers the policy work: the unit it is owed by, or the office.
ANSWERERS = ("unit_officer", "office")


def item_id_for(requested_event_id: str) -> str:
    """The id of the item opened for the `PolicyWorkRequested` event `requested_event_id`."""
    return str(uuid.uuid5(ITEM_NAMESPACE, requested_event_id))


class PolicyWork(Aggregate):
    """One piece of policy work a unit owes because of an appeal. notice 二(四)3"""

    stream_type = "policy_work"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.unit: str | None = None
        self.category: str | None = None
        self.policy_work: str | None = None
        self.ledger_number: str | None = None
        self.title: str | None = None
        self.ticket_id: str | None = None
        self.requested_event_id: str | None = None
        self.opened_at: str | None = None
        self.status: str | None = None
        self.answered_by: dict | None = None
        self.answered_at: str | None = None

    @classmethod
    def open(cls, *, unit: str, category: str, policy_work: str, ledger_number: str, title: str,
             ticket_id: str, requested_event_id: str, at: dt.datetime, actor: Actor,
             existing: PolicyWork | None = None) -> PolicyWork:
        """Open the item for one request; `existing` is what the store holds under its id."""
        item = existing or cls(item_id_for(requested_event_id))
        if item.id != item_id_for(requested_event_id):
            raise ValueError("an item's id derives from the request's event id")
        if item.exists:
            raise PolicyWorkAlreadyOpen(item.id)
        at = checks.moment(at)
        item._record("PolicyWorkOpened", {
            "unit": checks.text("unit", unit, UNIT_LIMIT),
            "category": checks.text("category", category, UNIT_LIMIT),
            "policy_work": checks.text("policy_work", policy_work, WORK_LIMIT),
            "ledger_number": checks.text("ledger_number", ledger_number, UNIT_LIMIT),
            "title": checks.text("title", title, TITLE_LIMIT),
            "ticket_id": checks.text("ticket_id", ticket_id, UNIT_LIMIT),
            "requested_event_id": checks.text("requested_event_id", requested_event_id,
                                              UNIT_LIMIT),
        }, at=at, actor=actor.label)
        return item

    def answer(self, *, policy_id: str, document_number: str, title: str, at: dt.datetime,
               actor: Actor) -> list[Fact]:
        """The unit's policy in force answers the item (the service has checked it is in force):
        the appeal that asked for it is told. Only the item's unit or the office; only once."""
        at = checks.moment(at)
        if not self.exists:
            raise PolicyWorkNotFound(self.id)
        if actor.role not in ANSWERERS:
            raise RoleNotAllowed(actor.role, "answer policy work",
                                  ("the unit officer of the unit it is owed by", "the office"))
        if actor.role == "unit_officer" and actor.unit != self.unit:
            raise NotItemUnit(actor.unit, self.unit, "answer it")
        if self.status == "answered":
            raise PolicyWorkAlreadyAnswered(
                id=self.id, document_number=(self.answered_by or {}).get("document_number"))
        return [self._record("PolicyWorkAnswered", {
            "ticket_id": self.ticket_id,
            "ledger_number": self.ledger_number,
            "policy_id": checks.text("policy_id", policy_id, UNIT_LIMIT),
            "document_number": checks.text("document_number", document_number, UNIT_LIMIT),
            "title": checks.text("title", title, TITLE_LIMIT),
            "unit": self.unit,
        }, at=at, actor=actor.label)]

    def when_PolicyWorkOpened(self, fact: Fact) -> None:
        p = fact.payload
        self.unit, self.category = p["unit"], p["category"]
        self.policy_work, self.ledger_number, self.title = (
            p["policy_work"], p["ledger_number"], p["title"])
        self.ticket_id, self.requested_event_id = p["ticket_id"], p["requested_event_id"]
        self.opened_at = format_time(fact.occurred_at)
        self.status = "open"

    def when_PolicyWorkAnswered(self, fact: Fact) -> None:
        p = fact.payload
        self.status = "answered"
        self.answered_by = {"policy_id": p["policy_id"], "document_number": p["document_number"],
                        "title": p["title"]}
        self.answered_at = format_time(fact.occurred_at)

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "status": self.status,
                "unit": self.unit, "category": self.category, "policy_work": self.policy_work,
                "ledger_number": self.ledger_number, "title": self.title,
                "ticket_id": self.ticket_id, "requested_event_id": self.requested_event_id,
                "opened_at": self.opened_at,
                "answer": dict(self.answered_by) if self.answered_by else None,
                "answered_at": self.answered_at}

