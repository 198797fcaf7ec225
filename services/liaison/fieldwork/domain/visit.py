"""A visit (走访) to an enterprise, and the problems found on it. notice 二(三)2

Who went (the leader, the cadres, the units), when, to which enterprise, and what was found; each
problem found is a fact of its own, `VisitProblemFound`, which the tickets service turns into an
appeal (channel "visit") whose id derives from the fact's event id (`appeal_id_for`), so a
problem becomes one appeal however often its event is delivered. The tickets service's facts
about that appeal come back (`services.liaison.fieldwork.rpc`): the visit records the appeal
raised from each problem (`VisitAppealRaised`) and each change of its status
(`VisitAppealStatusChanged`), as facts of its own — the visit's history, in the audit ledger, and
rebuilt with it — each once, by the tickets event's id.

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from services.liaison.fieldwork.events import EVENTS
from services.liaison.fieldwork.domain import inputs
from services.liaison.fieldwork.exceptions import (
    AlreadyExists, UnitNotOwner, NotOwnVisit, RoleNotAllowed, VisitNotFound,
)
from services.liaison.fieldwork.vocabulary import AppealStatus, FieldProblemKind

# The appeal raised from a problem has the id uuid5(VISIT_APPEALS, the VisitProblemFound event's
# id). The tickets service derives it the same way (tickets.appeals.reactions); a test holds the
# two namespaces equal, as services share events and conventions, never modules.
VISIT_APPEALS = uuid.UUID("0b6a3f0e-2f4c-5c55-9a51-6f1d3c8e7a21")

RECORDERS = ("leader", "liaison", "unit_officer", "office")
# The service itself notes what the tickets service says of the appeals.
NOTERS = ("system",)

# The status an appeal is in after each of the tickets service's facts that changes it.
APPEAL_STATUS_AFTER = {
    "TicketRaised": AppealStatus.RECEIVED,
    "TicketDispatched": AppealStatus.DISPATCHED,
    "TicketRedispatched": AppealStatus.DISPATCHED,
    "TicketSignedFor": AppealStatus.SIGNED_FOR,
    "TicketResolved": AppealStatus.RESOLVED,
    "TicketRated": AppealStatus.RATED,
    "TicketSentBack": AppealStatus.IN_PROGRESS,
    "TicketReopened": AppealStatus.IN_PROGRESS,
    "TicketClosedOff": AppealStatus.CLOSED,
}
APPEAL_STATUS_EVENTS = (*APPEAL_STATUS_AFTER, "TicketClassified")


def appeal_id_for(problem_event_id: str) -> str:
    return str(uuid.uuid5(VISIT_APPEALS, problem_event_id))


def appeal_status_after(event_type: str, payload: dict) -> str | None:
    """The appeal's status after the tickets fact `event_type`; None if it changes none."""
    if event_type == "TicketClassified":
        return (AppealStatus.AWAITING_UPPER_LEVEL if payload.get("way") == "escalate_upward"
                else AppealStatus.IN_PROGRESS).value
    after = APPEAL_STATUS_AFTER.get(event_type)
    return after.value if after is not None else None


class Visit(Aggregate):
    events = EVENTS
    stream_type = "visit"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.date: str | None = None
        self.leader_id: str | None = None
        self.cadres: list[str] = []
        self.units: list[str] = []
        self.uscc: str | None = None
        self.enterprise_name: str | None = None
        self.county: str | None = None
        self.findings: str | None = None
        self.recorded_at: str | None = None
        self.recorded_by: str | None = None
        self.problems: dict[str, dict] = {}
        self.appeals: dict[str, dict] = {}
        self._ticket_events: set[str] = set()

    @staticmethod
    def check_recorder(actor: Actor, leader_id: str | None, units, doing: str) -> None:
        """A leader records his own visits; a unit officer those its unit took part in; a
        liaison officer and the office any."""
        if actor.role not in RECORDERS:
            raise RoleNotAllowed(actor.role, doing, RECORDERS)
        if actor.role == "leader" and actor.sub != leader_id:
            raise NotOwnVisit(doing)
        if actor.role == "unit_officer" and actor.unit not in units:
            raise UnitNotOwner(actor.unit, ", ".join(units) or "the visiting units", doing)

    @classmethod
    def record(cls, visit_id: str, *, date, leader_id: str, cadres=(), units=(), uscc: str,
               enterprise_name: str, county: str, findings: str, at: dt.datetime, actor: Actor,
               existing: "Visit | None" = None) -> "Visit":
        """The visit as it happened; the enterprise's name and county are the register's."""
        at = checks.moment(at)
        if existing is not None and existing.exists:
            raise AlreadyExists("visit", visit_id)
        leader_id = checks.text("leader_id", leader_id, inputs.CODE_LIMIT)
        units = inputs.names("units", units, "unit", limit=inputs.CODE_LIMIT)
        cls.check_recorder(actor, leader_id, units, "record a visit")
        visit = cls(checks.text("visit_id", visit_id, inputs.CODE_LIMIT))
        visit._record_fact("VisitRecorded", {
            "date": inputs.past_date("date", date, at),
            "leader_id": leader_id,
            "cadres": inputs.names("cadres", cadres, "cadre"),
            "units": units,
            "uscc": checks.credit_code(uscc),
            "enterprise_name": checks.text("enterprise_name", enterprise_name, inputs.NAME_LIMIT),
            "county": checks.text("county", county, inputs.CODE_LIMIT),
            "findings": checks.text("findings", findings, inputs.TEXT_LIMIT),
        }, at, actor)
        return visit

    def _require(self) -> None:
        if not self.exists:
            raise VisitNotFound(self.id)

    def find_problem(self, *, problem_id: str, title: str, description: str, category: str,
                     at: dt.datetime, actor: Actor) -> list[Fact]:
        """A problem found on the visit: it becomes an appeal (tickets reacts)."""
        at = checks.moment(at)
        self._require()
        self.check_recorder(actor, self.leader_id, self.units, "record a visit's problem")
        problem_id = checks.text("problem_id", problem_id, inputs.CODE_LIMIT)
        if problem_id in self.problems:
            raise AlreadyExists("problem", problem_id)
        return [self._record_fact("VisitProblemFound", {
            "visit_id": self.id,
            "problem_id": problem_id,
            "uscc": self.uscc,
            "enterprise_name": self.enterprise_name,
            "county": self.county,
            "title": checks.text("title", title, inputs.TITLE_LIMIT),
            "description": checks.text("description", description, inputs.TEXT_LIMIT),
            "category": checks.code("category", category, FieldProblemKind).value,
        }, at, actor)]

    def note_appeal(self, *, ticket_id: str, ticket_event_id: str, ledger_number: str,
                    problem_id: str | None, at: dt.datetime, actor: Actor) -> list[Fact]:
        """The appeal the tickets service raised from this visit (once per appeal)."""
        at = self._noting(at, actor)
        if ticket_id in self.appeals or ticket_event_id in self._ticket_events:
            return []
        return [self._record_fact("VisitAppealRaised", {
            "ticket_id": checks.text("ticket_id", ticket_id, inputs.CODE_LIMIT),
            "ticket_event_id": ticket_event_id,
            "ledger_number": checks.text("ledger_number", ledger_number, inputs.CODE_LIMIT),
            "problem_id": problem_id if problem_id in self.problems else None,
            "status": AppealStatus.RECEIVED.value,
        }, at, actor)]

    def note_appeal_status(self, *, ticket_id: str, ticket_event_id: str, status: str,
                           at: dt.datetime, actor: Actor) -> list[Fact]:
        """A change of an appeal's status, once per tickets event; nothing for an appeal not
        raised from this visit, or a status it is already in."""
        at = self._noting(at, actor)
        appeal = self.appeals.get(ticket_id)
        if appeal is None or ticket_event_id in self._ticket_events or appeal["status"] == status:
            return []
        if status not in AppealStatus.codes():
            raise ValueError(f"unknown appeal status {status!r}")
        return [self._record_fact("VisitAppealStatusChanged", {
            "ticket_id": ticket_id, "ticket_event_id": ticket_event_id,
            "ledger_number": appeal["ledger_number"], "previous_status": appeal["status"],
            "status": status,
        }, at, actor)]

    def _noting(self, at, actor: Actor) -> dt.datetime:
        at = checks.moment(at)
        self._require()
        if actor.role not in NOTERS:
            raise RoleNotAllowed(actor.role, "note a visit's appeal", NOTERS)
        return at

    # -- facts applied --

    def when_VisitRecorded(self, fact: Fact) -> None:
        p = fact.payload
        self.date, self.leader_id = p["date"], p["leader_id"]
        self.cadres, self.units = list(p["cadres"]), list(p["units"])
        self.uscc, self.enterprise_name, self.county = p["uscc"], p["enterprise_name"], p["county"]
        self.findings = p["findings"]
        self.recorded_at = format_time(fact.occurred_at)
        self.recorded_by = fact.actor

    def when_VisitProblemFound(self, fact: Fact) -> None:
        p = fact.payload
        self.problems[p["problem_id"]] = {
            "problem_id": p["problem_id"], "title": p["title"], "description": p["description"],
            "category": p["category"], "found_at": format_time(fact.occurred_at)}

    def when_VisitAppealRaised(self, fact: Fact) -> None:
        p = fact.payload
        self._ticket_events.add(p["ticket_event_id"])
        self.appeals[p["ticket_id"]] = {
            "ticket_id": p["ticket_id"], "ledger_number": p["ledger_number"],
            "problem_id": p["problem_id"], "status": p["status"],
            "updated_at": format_time(fact.occurred_at)}

    def when_VisitAppealStatusChanged(self, fact: Fact) -> None:
        p = fact.payload
        self._ticket_events.add(p["ticket_event_id"])
        appeal = self.appeals[p["ticket_id"]]
        appeal["status"] = p["status"]
        appeal["updated_at"] = format_time(fact.occurred_at)

    def snapshot(self) -> dict:
        by_problem = {a["problem_id"]: a for a in self.appeals.values() if a["problem_id"]}
        problems = []
        for problem in self.problems.values():
            appeal = by_problem.get(problem["problem_id"])
            problems.append({**problem, "appeal": (
                {k: appeal[k] for k in ("ticket_id", "ledger_number", "status")}
                if appeal else None)})
        return {"id": self.id, "version": self.version, "date": self.date,
                "leader_id": self.leader_id, "cadres": list(self.cadres),
                "units": list(self.units), "uscc": self.uscc,
                "enterprise_name": self.enterprise_name, "county": self.county,
                "findings": self.findings, "recorded_at": self.recorded_at,
                "recorded_by": self.recorded_by, "problems": problems,
                "appeals": [dict(a) for a in self.appeals.values()]}
