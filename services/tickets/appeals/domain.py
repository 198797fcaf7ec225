"""The appeal ledger (诉求台账) of notice 二(四): the Ticket aggregate, one appeal from its receipt to
its closing off (销号).

Plain Python, no I/O. A command first asks the rules table (`rules.check`) whether this actor may
run it on the appeal in its status, then checks its own fields and records new facts; state
changes only in the `when_<Fact>` methods, so a replayed ticket and a live one cannot differ.
Every command returns the facts it recorded.

The aggregate keeps only what its decisions need: status, units, the enterprise's credit code,
category and county (for routing), the step days and deadlines, a pending extension, the rating,
when it was resolved, the level an escalation went to, and the ledger number and title the
policy service is told of. What is kept for display (the enterprise's name, the description,
notes, follow-ups, ratings and extensions as history …) is folded by the read model
(`appeal_view`). The routing table is `services.tickets.routing.domain`, the deadline
arithmetic `services.tickets.appeals.deadlines`.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.errors import FieldRequired, RoleNotAllowed, UnexpectedField
from services.tickets.appeals import deadlines, rules
from services.tickets.appeals.deadlines import DEFAULT_POLICY, DeadlinePolicy, StepDays
from services.tickets.appeals.duplicates import is_near_duplicate
from services.tickets.appeals.events import EVENTS
from services.tickets.appeals.exceptions import (
    ExtensionAlreadyPending, ExtensionDaysOutOfRange, LeadUnitAlsoAssisting, NoPendingExtension,
    NotACounty, NotOwnAppeal, RatingPeriodNotOver, VisitRequired,
)
from services.tickets.appeals.vocabulary import (
    COUNTIES, Category, Channel, CloseReason, Deadline, RatedVia, Rating, Status,
    UpperLevel, Way,
)

__all__ = [
    "Ticket", "is_near_duplicate",
    "COUNTIES", "Category", "Channel", "CloseReason", "Deadline", "RatedVia", "Rating", "Status",
    "UpperLevel", "Way", "DeadlinePolicy", "StepDays", "DEFAULT_POLICY",
]

# The limits are the wire contract's, so the gateway declares what the aggregate checks.
from services.tickets.appeals.contract import (  # noqa: E402
    CODE_LIMIT, DESCRIPTION_LIMIT, EXTENSION_DAYS, NAME_LIMIT, NOTE_LIMIT, TITLE_LIMIT,
)

# The details each way of handling must carry. notice 二(四)3
WAY_DETAILS = {
    Way.POLICY_AVAILABLE: ("policies", "guidance"),
    Way.ESCALATE_UPWARD: ("level", "report_reference"),
    Way.MUNICIPAL_POLICY: ("policy_work",),
    Way.COUNTY_COORDINATION: ("county_unit",),
    Way.UNSOLVABLE: ("explanation",),
}


# -- input checks ----------------------------------------------------------------------------

# The kind of unit a county coordination names: a county, county-level city or district (县市区),
# as the register of units files it. notice 二(四)3: 属县(市、区)职责范围的,由县(市、区)协调解决
COORDINATING_KIND = "county"


def check_coordinating_county(code: str, kind: str | None) -> None:
    """Refuse, naming county_unit, a unit that is not a county of the register (`kind` is the
    register's word for it: city_department, county, zone, or None when it names none)."""
    if kind != COORDINATING_KIND:
        raise NotACounty("county_unit", code, kind)


def _units(field: str, values: Iterable[str], lead_unit: str) -> list[str]:
    units = checks.codes(field, values)
    for unit in units:
        if unit == lead_unit:
            raise LeadUnitAlsoAssisting(unit)
    return units


def _policy_references(value) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise FieldRequired("policies", "a list of the policies (document numbers) that apply")
    references: list[str] = []
    for item in value:
        reference = checks.text("policies", item, NAME_LIMIT)
        if reference not in references:
            references.append(reference)
    return references


def _classification_details(way: Way, details: dict) -> dict:
    if way is Way.POLICY_AVAILABLE:
        return {"policies": _policy_references(details.get("policies")),
                "guidance": checks.text("guidance", details.get("guidance"), NOTE_LIMIT)}
    if way is Way.ESCALATE_UPWARD:
        if details.get("level") is None:
            raise FieldRequired("level", "provincial or national")
        return {"level": checks.code("level", details["level"], UpperLevel).value,
                "report_reference": checks.text("report_reference", details.get("report_reference"),
                                                NOTE_LIMIT)}
    if way is Way.MUNICIPAL_POLICY:
        return {"policy_work": checks.text("policy_work", details.get("policy_work"), NOTE_LIMIT)}
    if way is Way.COUNTY_COORDINATION:
        return {"county_unit": checks.text("county_unit", details.get("county_unit"), CODE_LIMIT)}
    return {"explanation": checks.text("explanation", details.get("explanation"), NOTE_LIMIT)}


# -- the appeal ------------------------------------------------------------------------------

class Ticket(Aggregate):
    """One appeal (诉求): a line of the ledger, kept until it is closed off. notice 二(四)2"""

    stream_type = "ticket"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        # Named in facts the appeal records (PolicyWorkRequested), and in the raise answer.
        self.ledger_number: str | None = None
        self.title: str | None = None
        self._uscc: str | None = None
        # Routing (谁主管、谁负责) and the policy service's request.
        self.category: str | None = None
        self.county: str | None = None
        self._step_days: StepDays | None = None
        self._status: str | None = None
        self._lead_unit: str | None = None
        self._assisting_units: list[str] = []
        self._due: dict[str, str | None] = {kind.value: None for kind in Deadline}
        self._met: dict[str, bool] = {kind.value: False for kind in Deadline}
        self._missed: set[tuple[str, str]] = set()
        # The policy service's answers already noted, by the answering event's id.
        self._policy_answers: set[str] = set()
        self._extension_days: int | None = None
        self._upper_level: str | None = None
        self._rating: str | None = None
        self.resolved_at: str | None = None

    # -- what the rules and the service read --

    @property
    def status(self) -> str | None:
        return self._status

    @property
    def lead_unit(self) -> str | None:
        return self._lead_unit

    @property
    def assisting_units(self) -> list[str]:
        return list(self._assisting_units)

    @property
    def uscc(self) -> str | None:
        return self._uscc

    @property
    def step_days(self) -> dict | None:
        return self._step_days.to_dict() if self._step_days else None

    @property
    def deadlines(self) -> dict[str, str | None]:
        """Each deadline's current due time (ISO, UTC), or None while it has not started."""
        return dict(self._due)

    @property
    def overdue(self) -> set[str]:
        """The deadlines recorded as missed that are still not met."""
        return {kind for kind, due in self._due.items()
                if due is not None and not self._met[kind] and (kind, due) in self._missed}

    @property
    def pending_extension(self) -> dict | None:
        """The extension waiting for the office's decision: its working days."""
        return None if self._extension_days is None else {"working_days": self._extension_days}

    @property
    def rating(self) -> str | None:
        """The rating of the current round of handling (cleared when sent back or reopened)."""
        return self._rating

    def snapshot(self) -> dict:
        """The state the aggregate decides on (the read model's view adds what is for display)."""
        return {
            "id": self.id,
            "version": self.version,
            "ledger_number": self.ledger_number,
            "uscc": self._uscc,
            "title": self.title,
            "category": self.category,
            "county": self.county,
            "step_days": self.step_days,
            "status": self._status,
            "lead_unit": self._lead_unit,
            "assisting_units": list(self._assisting_units),
            "deadlines": dict(self._due),
            "deadlines_met": dict(self._met),
            "missed": sorted([kind, due] for kind, due in self._missed),
            "overdue": sorted(self.overdue),
            "pending_extension": self.pending_extension,
            "upper_level": self._upper_level,
            "resolved_at": self.resolved_at,
            "rating": self._rating,
        }

    # -- shared by the commands --

    def _begin(self, command: str, at, actor: Actor) -> dt.datetime:
        """The moment checked, then the rules table's row for the command. rules.RULES"""
        at = checks.moment(at)
        rules.check(command, self, actor)
        return at

    def _record_fact(self, type_: str, payload: dict, at: dt.datetime, actor: Actor) -> Fact:
        return self._record(type_, payload, at=at, actor=actor.label)

    # -- commands --

    @staticmethod
    def check_raiser(actor: Actor, uscc, visit_id=None) -> str:
        """Who may raise an appeal for which enterprise; returns the compact credit code.

        A leader or liaison officer must name the visit the problem was found on. No visit
        register exists yet to check it against: the id is recorded with the appeal, so the
        ledger shows on whose visit it was raised."""
        if actor.role not in rules.RAISERS:
            raise RoleNotAllowed(actor.role, "raise an appeal", rules.RAISERS)
        code = checks.credit_code(uscc)
        if actor.role == "enterprise" and actor.uscc != code:
            raise NotOwnAppeal("raise an appeal")
        if actor.role in rules.RAISERS_BY_VISIT and not (
                isinstance(visit_id, str) and visit_id.strip()):
            raise VisitRequired(actor.role)
        return code

    @classmethod
    def raise_appeal(cls, ticket_id: str, *, ledger_number: str, enterprise_name: str, uscc: str,
                     title: str, description: str, channel: str, category: str, county: str,
                     at: dt.datetime, actor: Actor, policy: DeadlinePolicy = DEFAULT_POLICY,
                     visit_id: str | None = None) -> "Ticket":
        """Receive an appeal (受理) into the ledger. notice 二(四)1-2"""
        at = checks.moment(at)
        ticket_id = checks.text("ticket_id", ticket_id, CODE_LIMIT)
        code = cls.check_raiser(actor, uscc, visit_id)
        # Only when given: an appeal raised without a visit reads as it always has.
        visit = {"visit_id": checks.text("visit_id", visit_id, CODE_LIMIT)} if visit_id else {}
        chosen_category = checks.code("category", category, Category)
        ticket = cls(ticket_id)
        ticket._record_fact("TicketRaised", {
            "ledger_number": checks.text("ledger_number", ledger_number, CODE_LIMIT),
            "enterprise_name": checks.text("enterprise_name", enterprise_name, NAME_LIMIT),
            "uscc": code,
            "title": checks.text("title", title, TITLE_LIMIT),
            "description": checks.text("description", description, DESCRIPTION_LIMIT),
            "channel": checks.code("channel", channel, Channel).value,
            "category": chosen_category.value,
            "county": checks.text("county", county, CODE_LIMIT),
            "received_at": format_time(at),
            "step_days": policy.for_category(chosen_category).to_dict(),
            **visit,
        }, at, actor)
        return ticket

    def link_duplicate(self, *, title: str, description: str, channel: str, at: dt.datetime,
                       actor: Actor) -> list[Fact]:
        """The same problem arrived again: one ledger line per problem. notice 二(四)2"""
        at = self._begin("link_duplicate", at, actor)
        return [self._record_fact("DuplicateAppealLinked", {
            "title": checks.text("title", title, TITLE_LIMIT),
            "description": checks.text("description", description, DESCRIPTION_LIMIT),
            "channel": checks.code("channel", channel, Channel).value,
        }, at, actor)]

    def dispatch(self, *, lead_unit: str, assisting_units: Iterable[str] = (), at: dt.datetime,
                 actor: Actor) -> list[Fact]:
        """Hand the appeal to the unit in charge (谁主管、谁负责). notice 二(四)2"""
        at = self._begin("dispatch", at, actor)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        return [self._record_fact("TicketDispatched", {
            "lead_unit": lead,
            "assisting_units": _units("assisting_units", assisting_units, lead),
            "sign_due": deadlines.sign_due(at, self._step_days),
        }, at, actor)]

    def redispatch(self, *, lead_unit: str, assisting_units: Iterable[str] = (), reason: str,
                   at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("redispatch", at, actor)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        return [self._record_fact("TicketRedispatched", {
            "lead_unit": lead,
            "assisting_units": _units("assisting_units", assisting_units, lead),
            "previous_lead_unit": self._lead_unit,
            "reason": checks.text("reason", reason, NOTE_LIMIT),
            "sign_due": deadlines.sign_due(at, self._step_days),
        }, at, actor)]

    def sign_for(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("sign_for", at, actor)
        sign_due = self._due[Deadline.SIGN]
        return [self._record_fact("TicketSignedFor", {
            "unit": actor.unit,
            "sign_due": sign_due,
            "on_time": deadlines.met_in_time(sign_due, at),
            "first_response_due": deadlines.first_response_due(at, self._step_days),
            "resolution_due": deadlines.resolution_due(at, self._step_days),
        }, at, actor)]

    def urge(self, *, message: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """催办. notice 二(五)1"""
        at = self._begin("urge", at, actor)
        return [self._record_fact("TicketUrged", {
            "message": checks.text("message", message, NOTE_LIMIT),
            "lead_unit": self._lead_unit,
        }, at, actor)]

    def classify(self, *, way: str, at: dt.datetime, actor: Actor, **details) -> list[Fact]:
        """Decide which of the five ways of handling applies; this is the first response. notice 二(四)3"""
        at = self._begin("classify", at, actor)
        chosen = checks.code("way", way, Way)
        expected = WAY_DETAILS[chosen]
        for field in details:
            if field not in expected:
                raise UnexpectedField(field, f"the way {chosen.value} ({chosen.label})")
        checked = _classification_details(chosen, details)
        due = self._due[Deadline.FIRST_RESPONSE]
        facts = [self._record_fact("TicketClassified", {
            "way": chosen.value,
            "details": checked,
            "unit": actor.unit,
            "first_response_due": due,
            "on_time": deadlines.met_in_time(due, at),
        }, at, actor)]
        if chosen is Way.MUNICIPAL_POLICY:
            # notice 二(四)3: 属市直部门职责范围的,要及时研究、完善政策 — the policy service acts on it.
            facts.append(self._record_fact("PolicyWorkRequested", {
                "unit": actor.unit,
                "category": self.category,
                "policy_work": checked["policy_work"],
                "ledger_number": self.ledger_number,
                "title": self.title,
            }, at, actor))
        return facts

    def note_progress(self, *, note: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("note_progress", at, actor)
        return [self._record_fact("ProgressNoted", {
            "note": checks.text("note", note, NOTE_LIMIT),
            "unit": actor.unit,
        }, at, actor)]

    def follow_up_upper_level(self, *, note: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """做好沟通汇报,争取上级支持. notice 二(四)3"""
        at = self._begin("follow_up_upper_level", at, actor)
        return [self._record_fact("UpperLevelFollowedUp", {
            "note": checks.text("note", note, NOTE_LIMIT),
            "level": self._upper_level,
        }, at, actor)]

    def request_extension(self, *, working_days: int, reason: str, at: dt.datetime,
                          actor: Actor) -> list[Fact]:
        at = self._begin("request_extension", at, actor)
        if self._extension_days is not None:
            raise ExtensionAlreadyPending()
        low, high = EXTENSION_DAYS
        if isinstance(working_days, bool) or not isinstance(working_days, int) \
                or not low <= working_days <= high:
            raise ExtensionDaysOutOfRange(working_days, low, high)
        return [self._record_fact("ExtensionRequested", {
            "working_days": working_days,
            "reason": checks.text("reason", reason, NOTE_LIMIT),
            "unit": actor.unit,
            "resolution_due": self._due[Deadline.RESOLUTION],
        }, at, actor)]

    def grant_extension(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("grant_extension", at, actor)
        if self._extension_days is None:
            raise NoPendingExtension()
        previous_due = self._due[Deadline.RESOLUTION]
        return [self._record_fact("ExtensionGranted", {
            "working_days": self._extension_days,
            "previous_due": previous_due,
            "resolution_due": deadlines.extended(previous_due, self._extension_days),
        }, at, actor)]

    def refuse_extension(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("refuse_extension", at, actor)
        if self._extension_days is None:
            raise NoPendingExtension()
        return [self._record_fact("ExtensionRefused", {
            "working_days": self._extension_days,
            "reason": checks.text("reason", reason, NOTE_LIMIT),
        }, at, actor)]

    def resolve(self, *, summary: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("resolve", at, actor)
        due = self._due[Deadline.RESOLUTION]
        return [self._record_fact("TicketResolved", {
            "summary": checks.text("summary", summary, DESCRIPTION_LIMIT),
            "unit": actor.unit,
            "resolution_due": due,
            "on_time": deadlines.met_in_time(due, at),
        }, at, actor)]

    def rate(self, *, rating: str, comment: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        """The enterprise's rating, or the office's follow-up call (回访). notice 二(五)2"""
        at = self._begin("rate", at, actor)
        chosen = checks.code("rating", rating, Rating)
        via = RatedVia.ENTERPRISE if actor.role == "enterprise" else RatedVia.FOLLOW_UP_CALL
        facts = [self._record_fact("TicketRated", {
            "rating": chosen.value,
            "comment": checks.optional_text("comment", comment, NOTE_LIMIT),
            "via": via.value,
        }, at, actor)]
        if chosen is Rating.UNSATISFIED:
            # 发回重办: an unsatisfied enterprise means the problem is not solved yet.
            facts.append(self._record_fact("TicketSentBack", {
                "resolution_due": deadlines.resolution_due(at, self._step_days),
            }, at, actor))
        return facts

    def close_off(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """销号. notice 二(四)2 — rated is rated satisfied or basically satisfied: an unsatisfied
        rating sends the appeal back at once (rate)."""
        at = self._begin("close_off", at, actor)
        return [self._record_fact("TicketClosedOff", {
            "reason": CloseReason.RATED.value,
            "rating": self._rating,
        }, at, actor)]

    def close_off_unrated(self, *, at: dt.datetime, actor: Actor,
                          policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        at = self._begin("close_off_unrated", at, actor)
        wait_until = deadlines.rating_wait_over(self.resolved_at, policy)
        if at <= wait_until:
            raise RatingPeriodNotOver(format_time(wait_until))
        return [self._record_fact("TicketClosedOff", {
            "reason": CloseReason.UNRATED.value,
            "rating": None,
        }, at, actor)]

    def reopen(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("reopen", at, actor)
        return [self._record_fact("TicketReopened", {
            "reason": checks.text("reason", reason, NOTE_LIMIT),
            "resolution_due": deadlines.resolution_due(at, self._step_days),
        }, at, actor)]

    def mark_overdue(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Record each pending deadline that has passed, once per due time. notice 二(五)1"""
        at = self._begin("mark_overdue", at, actor)
        facts = []
        for kind in Deadline:
            due = self._due[kind]
            if due is None or self._met[kind] or (kind.value, due) in self._missed:
                continue
            if deadlines.passed(due, at):
                facts.append(self._record_fact("TicketDeadlineMissed", {
                    "deadline": kind.value, "due": due}, at, actor))
        return facts

    def note_policy_answer(self, *, answer_event_id: str, policy_id: str, document_number: str,
                           title: str, unit: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """The policy the appeal's policy work was answered by (notice 二(四)3: 要及时研究、完善
        政策): noted once per answer, whatever the appeal's status by then — a second delivery of
        the same answer records nothing."""
        at = self._begin("note_policy_answer", at, actor)
        answer_event_id = checks.text("answer_event_id", answer_event_id, CODE_LIMIT)
        if answer_event_id in self._policy_answers:
            return []
        return [self._record_fact("PolicyAnswerNoted", {
            "answer_event_id": answer_event_id,
            "policy_id": checks.text("policy_id", policy_id, CODE_LIMIT),
            "document_number": checks.text("document_number", document_number, NAME_LIMIT),
            "title": checks.text("title", title, NAME_LIMIT),
            "unit": checks.text("unit", unit, CODE_LIMIT),
        }, at, actor)]

    # -- facts applied --

    def when_TicketRaised(self, fact: Fact) -> None:
        p = fact.payload
        self.ledger_number = p["ledger_number"]
        self._uscc = p["uscc"]
        self.title = p["title"]
        self.category = p["category"]
        self.county = p["county"]
        self._step_days = StepDays.from_dict(p["step_days"])
        self._status = Status.RECEIVED.value

    def when_DuplicateAppealLinked(self, fact: Fact) -> None:
        pass  # shown by the read model; the appeal's handling goes on unchanged

    def when_TicketDispatched(self, fact: Fact) -> None:
        self._hand_to(fact.payload)

    def when_TicketRedispatched(self, fact: Fact) -> None:
        self._hand_to(fact.payload)

    def _hand_to(self, payload: dict) -> None:
        # A new lead unit starts afresh: it signs, classifies and answers within its own deadlines.
        self._status = Status.DISPATCHED.value
        self._lead_unit = payload["lead_unit"]
        self._assisting_units = list(payload["assisting_units"])
        self._upper_level = None
        self._extension_days = None
        self._set_due(Deadline.SIGN, payload["sign_due"])
        self._set_due(Deadline.FIRST_RESPONSE, None)
        self._set_due(Deadline.RESOLUTION, None)

    def _set_due(self, kind: Deadline, due: str | None) -> None:
        self._due[kind.value] = due
        self._met[kind.value] = False

    def when_TicketSignedFor(self, fact: Fact) -> None:
        self._status = Status.SIGNED_FOR.value
        self._met[Deadline.SIGN] = True
        self._set_due(Deadline.FIRST_RESPONSE, fact.payload["first_response_due"])
        self._set_due(Deadline.RESOLUTION, fact.payload["resolution_due"])

    def when_TicketUrged(self, fact: Fact) -> None:
        pass  # shown by the read model (the urge count)

    def when_TicketClassified(self, fact: Fact) -> None:
        p = fact.payload
        self._met[Deadline.FIRST_RESPONSE] = True
        # Reported upward, it awaits the level it went to; follow-ups name that level.
        self._upper_level = p["details"].get("level")
        if p["way"] == Way.ESCALATE_UPWARD:
            self._status = Status.AWAITING_UPPER_LEVEL.value
        else:
            self._status = Status.IN_PROGRESS.value
        county_unit = p["details"].get("county_unit")
        # notice 二(四)3: 由县(市、区)协调解决 — the county takes part, so it may note progress.
        if county_unit and county_unit != self._lead_unit and county_unit not in self._assisting_units:
            self._assisting_units.append(county_unit)

    def when_PolicyWorkRequested(self, fact: Fact) -> None:
        pass  # a signal to the policy service; the appeal itself is already classified

    def when_ProgressNoted(self, fact: Fact) -> None:
        pass  # shown by the read model

    def when_UpperLevelFollowedUp(self, fact: Fact) -> None:
        pass  # shown by the read model

    def when_ExtensionRequested(self, fact: Fact) -> None:
        self._extension_days = fact.payload["working_days"]

    def when_ExtensionGranted(self, fact: Fact) -> None:
        self._extension_days = None
        self._set_due(Deadline.RESOLUTION, fact.payload["resolution_due"])

    def when_ExtensionRefused(self, fact: Fact) -> None:
        self._extension_days = None

    def when_TicketResolved(self, fact: Fact) -> None:
        self._status = Status.RESOLVED.value
        self.resolved_at = format_time(fact.occurred_at)
        self._met[Deadline.RESOLUTION] = True
        # Resolving answers the matter: a request for more time is moot.
        self._extension_days = None

    def when_TicketRated(self, fact: Fact) -> None:
        self._status = Status.RATED.value
        self._rating = fact.payload["rating"]

    def when_TicketSentBack(self, fact: Fact) -> None:
        self._start_again(fact.payload["resolution_due"])

    def when_TicketReopened(self, fact: Fact) -> None:
        self._start_again(fact.payload["resolution_due"])

    def _start_again(self, resolution_due: str) -> None:
        self._status = Status.IN_PROGRESS.value
        self._rating = None
        self.resolved_at = None
        self._set_due(Deadline.RESOLUTION, resolution_due)

    def when_TicketClosedOff(self, fact: Fact) -> None:
        self._status = Status.CLOSED.value

    def when_TicketDeadlineMissed(self, fact: Fact) -> None:
        self._missed.add((fact.payload["deadline"], fact.payload["due"]))

    def when_PolicyAnswerNoted(self, fact: Fact) -> None:
        self._policy_answers.add(fact.payload["answer_event_id"])
