"""The appeal ledger (诉求台账) of notice 二(四): the Ticket aggregate, one appeal from its receipt to
its closing off (销号), and the RoutingTable aggregate that says which unit leads on which kind of
appeal in which county (谁主管、谁负责).

Plain Python, no I/O: a command checks the rules against the folded facts and records new facts;
state changes only in the `when_<Fact>` methods, so a replayed ticket and a live one cannot differ.
Every command returns the facts it recorded.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time, parse_time
from kernel.workdays import add_working_days
from services.tickets.deadlines import DEFAULT_POLICY, DeadlinePolicy, StepDays
from services.tickets.duplicates import is_near_duplicate
from kernel.errors import FieldRequired, UnexpectedField
from services.tickets.exceptions import (
    ExtensionAlreadyPending, ExtensionDaysOutOfRange, LeadUnitAlsoAssisting, NoPendingExtension,
    NotAwaitingUpperLevel, NotClassified, NotClosed, NotLeadUnit, NotOwnAppeal, NotRatedSatisfied,
    NotResolved, NotSignedFor, RatingPeriodNotOver, RoleNotAllowed, RouteNotFound,
    StatusDoesNotAllow, TicketClosed, TicketNotFound, UnitNotInvolved,
)
from services.tickets.vocabulary import (
    COUNTIES, Category, Channel, CloseReason, Deadline, RatedVia, Rating, Status,
    UpperLevel, Way,
)

__all__ = [
    "Ticket", "RoutingTable", "ROUTING_TABLE_ID", "ANY_COUNTY", "is_near_duplicate",
    "COUNTIES", "Category", "Channel", "CloseReason", "Deadline", "RatedVia", "Rating", "Status",
    "UpperLevel", "Way", "DeadlinePolicy", "StepDays", "DEFAULT_POLICY",
]

TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 5000
NOTE_LIMIT = 5000
NAME_LIMIT = checks.NAME_LIMIT
CODE_LIMIT = checks.CODE_LIMIT
EXTENSION_DAYS = (1, 30)

OPEN_BEFORE_RESOLUTION = (Status.DISPATCHED, Status.SIGNED_FOR, Status.IN_PROGRESS,
                          Status.AWAITING_UPPER_LEVEL)
BEING_HANDLED = (Status.SIGNED_FOR, Status.IN_PROGRESS, Status.AWAITING_UPPER_LEVEL)
CLASSIFIED = (Status.IN_PROGRESS, Status.AWAITING_UPPER_LEVEL)
REDISPATCHABLE = (Status.DISPATCHED, Status.SIGNED_FOR, Status.IN_PROGRESS)

# Who may raise an appeal: the enterprise itself, the office taking a call, fax, email or letter,
# and leaders, liaison officers and the liaison service turning a problem found on a visit into
# an appeal (notice 二(三)2: 摸清企业…存在的突出问题).
RAISERS = ("enterprise", "office", "leader", "liaison", "system")

# The details each way of handling must carry. notice 二(四)3
WAY_DETAILS = {
    Way.POLICY_AVAILABLE: ("policies", "guidance"),
    Way.ESCALATE_UPWARD: ("level", "report_reference"),
    Way.MUNICIPAL_POLICY: ("policy_work",),
    Way.COUNTY_COORDINATION: ("county_unit",),
    Way.UNSOLVABLE: ("explanation",),
}


# -- input checks ----------------------------------------------------------------------------

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


# -- the appeal ------------------------------------------------------------------------------

class Ticket(Aggregate):
    """One appeal (诉求): a line of the ledger, kept until it is closed off. notice 二(四)2"""

    stream_type = "ticket"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.ledger_number: str | None = None
        self.enterprise_name: str | None = None
        self._uscc: str | None = None
        self.title: str | None = None
        self.description: str | None = None
        self.channel: str | None = None
        self.category: str | None = None
        self.county: str | None = None
        self.received_at: str | None = None
        self.step_days: dict | None = None
        self._status: str | None = None
        self._lead_unit: str | None = None
        self._assisting_units: list[str] = []
        self.signed_for_at: str | None = None
        self._classification: dict | None = None
        self._due: dict[str, str | None] = {kind.value: None for kind in Deadline}
        self._met: dict[str, bool] = {kind.value: False for kind in Deadline}
        self._missed: set[tuple[str, str]] = set()
        self.pending_extension: dict | None = None
        self.extensions: list[dict] = []
        self.urge_count = 0
        self.progress_notes: list[dict] = []
        self.upper_level_follow_ups: list[dict] = []
        self.duplicates: list[dict] = []
        self.resolution_summary: str | None = None
        self.resolved_at: str | None = None
        self._rating: str | None = None
        self.ratings: list[dict] = []
        self._reopen_count = 0
        self.closed_at: str | None = None
        self.close_reason: str | None = None

    # -- read helpers --

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
    def deadlines(self) -> dict[str, str | None]:
        """Each deadline's current due time (ISO, UTC), or None while it has not started."""
        return dict(self._due)

    @property
    def overdue(self) -> set[str]:
        """The deadlines recorded as missed that are still not met."""
        return {kind for kind, due in self._due.items()
                if due is not None and not self._met[kind] and (kind, due) in self._missed}

    @property
    def rating(self) -> str | None:
        """The rating of the current round of handling (cleared when sent back or reopened)."""
        return self._rating

    @property
    def reopen_count(self) -> int:
        return self._reopen_count

    @property
    def classification(self) -> dict | None:
        if self._classification is None:
            return None
        return {"way": self._classification["way"], **self._classification["details"]}

    def snapshot(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "ledger_number": self.ledger_number,
            "enterprise_name": self.enterprise_name,
            "uscc": self._uscc,
            "title": self.title,
            "description": self.description,
            "channel": self.channel,
            "category": self.category,
            "county": self.county,
            "received_at": self.received_at,
            "step_days": self.step_days,
            "status": self._status,
            "lead_unit": self._lead_unit,
            "assisting_units": list(self._assisting_units),
            "signed_for_at": self.signed_for_at,
            "classification": self.classification,
            "deadlines": dict(self._due),
            "deadlines_met": dict(self._met),
            "missed": sorted([kind, due] for kind, due in self._missed),
            "overdue": sorted(self.overdue),
            "pending_extension": self.pending_extension,
            "extensions": list(self.extensions),
            "urge_count": self.urge_count,
            "progress_notes": list(self.progress_notes),
            "upper_level_follow_ups": list(self.upper_level_follow_ups),
            "duplicates": list(self.duplicates),
            "resolution_summary": self.resolution_summary,
            "resolved_at": self.resolved_at,
            "rating": self._rating,
            "ratings": list(self.ratings),
            "reopen_count": self._reopen_count,
            "closed_at": self.closed_at,
            "close_reason": self.close_reason,
        }

    # -- rule checks shared by the commands --

    def _begin(self, command: str, at, actor: Actor, roles: tuple[str, ...], *,
               allow_closed: bool = False) -> dt.datetime:
        at = checks.moment(at)
        if not self.exists:
            raise TicketNotFound(self.id)
        if actor.role not in roles:
            raise RoleNotAllowed(actor.role, command, roles)
        if actor.role == "enterprise" and actor.uscc != self._uscc:
            raise NotOwnAppeal(command)
        if self._status == Status.CLOSED and not allow_closed:
            raise TicketClosed(command)
        return at

    def _require_status(self, command: str, *allowed: Status) -> None:
        if self._status not in allowed:
            raise StatusDoesNotAllow(command, self._status, allowed)

    def _require_lead_unit(self, command: str, actor: Actor) -> None:
        if actor.role == "unit_officer" and actor.unit != self._lead_unit:
            raise NotLeadUnit(actor.unit, self._lead_unit, command)

    def _record_fact(self, type_: str, payload: dict, at: dt.datetime, actor: Actor) -> Fact:
        return self._record(type_, payload, at=at, actor=actor.label)

    def _days(self, step: str) -> int:
        return self.step_days[step]

    # -- commands --

    @staticmethod
    def check_raiser(actor: Actor, uscc) -> str:
        """Who may raise an appeal for which enterprise; returns the compact credit code."""
        if actor.role not in RAISERS:
            raise RoleNotAllowed(actor.role, "raise an appeal", RAISERS)
        code = checks.credit_code(uscc)
        if actor.role == "enterprise" and actor.uscc != code:
            raise NotOwnAppeal("raise an appeal")
        return code

    @classmethod
    def raise_appeal(cls, ticket_id: str, *, ledger_number: str, enterprise_name: str, uscc: str,
                     title: str, description: str, channel: str, category: str, county: str,
                     at: dt.datetime, actor: Actor, policy: DeadlinePolicy = DEFAULT_POLICY) -> "Ticket":
        """Receive an appeal (受理) into the ledger. notice 二(四)1-2"""
        at = checks.moment(at)
        ticket_id = checks.text("ticket_id", ticket_id, CODE_LIMIT)
        code = cls.check_raiser(actor, uscc)
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
        }, at, actor)
        return ticket

    def link_duplicate(self, *, title: str, description: str, channel: str, at: dt.datetime,
                       actor: Actor) -> list[Fact]:
        """The same problem arrived again: one ledger line per problem. notice 二(四)2"""
        at = self._begin("link a duplicate appeal", at, actor, ("office", "system"))
        return [self._record_fact("DuplicateAppealLinked", {
            "title": checks.text("title", title, TITLE_LIMIT),
            "description": checks.text("description", description, DESCRIPTION_LIMIT),
            "channel": checks.code("channel", channel, Channel).value,
        }, at, actor)]

    def dispatch(self, *, lead_unit: str, assisting_units: Iterable[str] = (), at: dt.datetime,
                 actor: Actor) -> list[Fact]:
        """Hand the appeal to the unit in charge (谁主管、谁负责). notice 二(四)2"""
        at = self._begin("dispatch", at, actor, ("office",))
        self._require_status("dispatch", Status.RECEIVED)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        return [self._record_fact("TicketDispatched", {
            "lead_unit": lead,
            "assisting_units": _units("assisting_units", assisting_units, lead),
            "sign_due": format_time(add_working_days(at, self._days("sign"))),
        }, at, actor)]

    def redispatch(self, *, lead_unit: str, assisting_units: Iterable[str] = (), reason: str,
                   at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("redispatch", at, actor, ("office",))
        self._require_status("redispatch", *REDISPATCHABLE)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        return [self._record_fact("TicketRedispatched", {
            "lead_unit": lead,
            "assisting_units": _units("assisting_units", assisting_units, lead),
            "previous_lead_unit": self._lead_unit,
            "reason": checks.text("reason", reason, NOTE_LIMIT),
            "sign_due": format_time(add_working_days(at, self._days("sign"))),
        }, at, actor)]

    def sign_for(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("sign for the appeal", at, actor, ("unit_officer",))
        self._require_status("sign for", Status.DISPATCHED)
        self._require_lead_unit("sign for the appeal", actor)
        sign_due = self._due[Deadline.SIGN]
        return [self._record_fact("TicketSignedFor", {
            "unit": actor.unit,
            "sign_due": sign_due,
            "on_time": parse_time(sign_due) >= at,
            "first_response_due": format_time(add_working_days(at, self._days("first_response"))),
            "resolution_due": format_time(add_working_days(at, self._days("resolution"))),
        }, at, actor)]

    def urge(self, *, message: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """催办. notice 二(五)1"""
        at = self._begin("urge", at, actor, ("office",))
        self._require_status("urge", *OPEN_BEFORE_RESOLUTION)
        return [self._record_fact("TicketUrged", {
            "message": checks.text("message", message, NOTE_LIMIT),
            "lead_unit": self._lead_unit,
        }, at, actor)]

    def classify(self, *, way: str, at: dt.datetime, actor: Actor, **details) -> list[Fact]:
        """Decide which of the five ways of handling applies; this is the first response. notice 二(四)3"""
        at = self._begin("classify", at, actor, ("unit_officer",))
        self._require_lead_unit("classify the appeal", actor)
        if self._status in (Status.RECEIVED, Status.DISPATCHED):
            raise NotSignedFor("classify the appeal")
        self._require_status("classify", Status.SIGNED_FOR)
        chosen = checks.code("way", way, Way)
        expected = WAY_DETAILS[chosen]
        for field in details:
            if field not in expected:
                raise UnexpectedField(field, f"the way {chosen.value} ({chosen.label})")
        checked = self._classification_details(chosen, details)
        due = self._due[Deadline.FIRST_RESPONSE]
        facts = [self._record_fact("TicketClassified", {
            "way": chosen.value,
            "details": checked,
            "unit": actor.unit,
            "first_response_due": due,
            "on_time": due is None or parse_time(due) >= at,
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

    def _classification_details(self, way: Way, details: dict) -> dict:
        if way is Way.POLICY_AVAILABLE:
            return {"policies": _policy_references(details.get("policies")),
                    "guidance": checks.text("guidance", details.get("guidance"), NOTE_LIMIT)}
        if way is Way.ESCALATE_UPWARD:
            if details.get("level") is None:
                raise FieldRequired("level", "provincial or national")
            return {"level": checks.code("level", details["level"], UpperLevel).value,
                    "report_reference": checks.text("report_reference", details.get("report_reference"), NOTE_LIMIT)}
        if way is Way.MUNICIPAL_POLICY:
            return {"policy_work": checks.text("policy_work", details.get("policy_work"), NOTE_LIMIT)}
        if way is Way.COUNTY_COORDINATION:
            return {"county_unit": checks.text("county_unit", details.get("county_unit"), CODE_LIMIT)}
        return {"explanation": checks.text("explanation", details.get("explanation"), NOTE_LIMIT)}

    def note_progress(self, *, note: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("note progress", at, actor, ("unit_officer", "office"))
        if actor.role == "unit_officer" and actor.unit != self._lead_unit \
                and actor.unit not in self._assisting_units:
            raise UnitNotInvolved(actor.unit)
        self._require_status("note progress on", *BEING_HANDLED)
        return [self._record_fact("ProgressNoted", {
            "note": checks.text("note", note, NOTE_LIMIT),
            "unit": actor.unit,
        }, at, actor)]

    def follow_up_upper_level(self, *, note: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """做好沟通汇报,争取上级支持. notice 二(四)3"""
        at = self._begin("follow up with the upper level", at, actor, ("unit_officer",))
        self._require_lead_unit("follow up with the upper level", actor)
        if self._status != Status.AWAITING_UPPER_LEVEL:
            raise NotAwaitingUpperLevel()
        return [self._record_fact("UpperLevelFollowedUp", {
            "note": checks.text("note", note, NOTE_LIMIT),
            "level": self._classification["details"]["level"],
        }, at, actor)]

    def request_extension(self, *, working_days: int, reason: str, at: dt.datetime,
                          actor: Actor) -> list[Fact]:
        at = self._begin("request an extension", at, actor, ("unit_officer",))
        self._require_lead_unit("request an extension", actor)
        self._require_status("request an extension for", *BEING_HANDLED)
        if self.pending_extension is not None:
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
        at = self._begin("grant an extension", at, actor, ("office",))
        if self.pending_extension is None:
            raise NoPendingExtension()
        days = self.pending_extension["working_days"]
        previous_due = self._due[Deadline.RESOLUTION]
        return [self._record_fact("ExtensionGranted", {
            "working_days": days,
            "previous_due": previous_due,
            "resolution_due": format_time(add_working_days(parse_time(previous_due), days)),
        }, at, actor)]

    def refuse_extension(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("refuse an extension", at, actor, ("office",))
        if self.pending_extension is None:
            raise NoPendingExtension()
        return [self._record_fact("ExtensionRefused", {
            "working_days": self.pending_extension["working_days"],
            "reason": checks.text("reason", reason, NOTE_LIMIT),
        }, at, actor)]

    def resolve(self, *, summary: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("resolve", at, actor, ("unit_officer",))
        self._require_lead_unit("resolve the appeal", actor)
        if self._status in (Status.RECEIVED, Status.DISPATCHED):
            raise NotSignedFor("resolve the appeal")
        if self._status == Status.SIGNED_FOR:
            raise NotClassified("resolve the appeal")
        self._require_status("resolve", *CLASSIFIED)
        due = self._due[Deadline.RESOLUTION]
        return [self._record_fact("TicketResolved", {
            "summary": checks.text("summary", summary, DESCRIPTION_LIMIT),
            "unit": actor.unit,
            "resolution_due": due,
            "on_time": parse_time(due) >= at,
        }, at, actor)]

    def rate(self, *, rating: str, comment: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        """The enterprise's rating, or the office's follow-up call (回访). notice 二(五)2"""
        at = self._begin("rate the appeal", at, actor, ("enterprise", "office"))
        if self._status != Status.RESOLVED:
            raise NotResolved()
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
                "resolution_due": format_time(add_working_days(at, self._days("resolution"))),
            }, at, actor))
        return facts

    def close_off(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """销号. notice 二(四)2"""
        at = self._begin("close off", at, actor, ("office",))
        if self._status != Status.RATED or self._rating == Rating.UNSATISFIED:
            raise NotRatedSatisfied()
        return [self._record_fact("TicketClosedOff", {
            "reason": CloseReason.RATED.value,
            "rating": self._rating,
        }, at, actor)]

    def close_off_unrated(self, *, at: dt.datetime, actor: Actor,
                          policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        at = self._begin("close off an unrated appeal", at, actor, ("system",))
        self._require_status("close off unrated", Status.RESOLVED)
        wait_until = add_working_days(parse_time(self.resolved_at), policy.close_unrated_after)
        if at <= wait_until:
            raise RatingPeriodNotOver(format_time(wait_until))
        return [self._record_fact("TicketClosedOff", {
            "reason": CloseReason.UNRATED.value,
            "rating": None,
        }, at, actor)]

    def reopen(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("reopen", at, actor, ("office",), allow_closed=True)
        if self._status != Status.CLOSED:
            raise NotClosed()
        return [self._record_fact("TicketReopened", {
            "reason": checks.text("reason", reason, NOTE_LIMIT),
            "resolution_due": format_time(add_working_days(at, self._days("resolution"))),
        }, at, actor)]

    def mark_overdue(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Record each pending deadline that has passed, once per due time. notice 二(五)1"""
        at = self._begin("mark deadlines missed", at, actor, ("system",))
        facts = []
        for kind in Deadline:
            due = self._due[kind]
            if due is None or self._met[kind] or (kind.value, due) in self._missed:
                continue
            if parse_time(due) < at:
                facts.append(self._record_fact("TicketDeadlineMissed", {
                    "deadline": kind.value, "due": due}, at, actor))
        return facts

    # -- facts applied --

    def when_TicketRaised(self, fact: Fact) -> None:
        p = fact.payload
        self.ledger_number = p["ledger_number"]
        self.enterprise_name = p["enterprise_name"]
        self._uscc = p["uscc"]
        self.title = p["title"]
        self.description = p["description"]
        self.channel = p["channel"]
        self.category = p["category"]
        self.county = p["county"]
        self.received_at = p["received_at"]
        self.step_days = StepDays.from_dict(p["step_days"]).to_dict()
        self._status = Status.RECEIVED.value

    def when_DuplicateAppealLinked(self, fact: Fact) -> None:
        self.duplicates.append({**fact.payload, "linked_at": format_time(fact.occurred_at)})

    def when_TicketDispatched(self, fact: Fact) -> None:
        self._hand_to(fact.payload)

    def when_TicketRedispatched(self, fact: Fact) -> None:
        self._hand_to(fact.payload)

    def _hand_to(self, payload: dict) -> None:
        # A new lead unit starts afresh: it signs, classifies and answers within its own deadlines.
        self._status = Status.DISPATCHED.value
        self._lead_unit = payload["lead_unit"]
        self._assisting_units = list(payload["assisting_units"])
        self.signed_for_at = None
        self._classification = None
        self.pending_extension = None
        self._set_due(Deadline.SIGN, payload["sign_due"])
        self._set_due(Deadline.FIRST_RESPONSE, None)
        self._set_due(Deadline.RESOLUTION, None)

    def _set_due(self, kind: Deadline, due: str | None) -> None:
        self._due[kind.value] = due
        self._met[kind.value] = False

    def when_TicketSignedFor(self, fact: Fact) -> None:
        self._status = Status.SIGNED_FOR.value
        self.signed_for_at = format_time(fact.occurred_at)
        self._met[Deadline.SIGN] = True
        self._set_due(Deadline.FIRST_RESPONSE, fact.payload["first_response_due"])
        self._set_due(Deadline.RESOLUTION, fact.payload["resolution_due"])

    def when_TicketUrged(self, fact: Fact) -> None:
        self.urge_count += 1

    def when_TicketClassified(self, fact: Fact) -> None:
        p = fact.payload
        self._classification = {"way": p["way"], "details": dict(p["details"])}
        self._met[Deadline.FIRST_RESPONSE] = True
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
        self.progress_notes.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def when_UpperLevelFollowedUp(self, fact: Fact) -> None:
        self.upper_level_follow_ups.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def when_ExtensionRequested(self, fact: Fact) -> None:
        self.pending_extension = {
            "working_days": fact.payload["working_days"],
            "reason": fact.payload["reason"],
            "requested_at": format_time(fact.occurred_at),
        }

    def when_ExtensionGranted(self, fact: Fact) -> None:
        self.extensions.append({**self.pending_extension, "granted": True,
                                "resolution_due": fact.payload["resolution_due"]})
        self.pending_extension = None
        self._set_due(Deadline.RESOLUTION, fact.payload["resolution_due"])

    def when_ExtensionRefused(self, fact: Fact) -> None:
        self.extensions.append({**self.pending_extension, "granted": False,
                                "refusal_reason": fact.payload["reason"]})
        self.pending_extension = None

    def when_TicketResolved(self, fact: Fact) -> None:
        self._status = Status.RESOLVED.value
        self.resolution_summary = fact.payload["summary"]
        self.resolved_at = format_time(fact.occurred_at)
        self._met[Deadline.RESOLUTION] = True
        # Resolving answers the matter: a request for more time is moot.
        self.pending_extension = None

    def when_TicketRated(self, fact: Fact) -> None:
        self._status = Status.RATED.value
        self._rating = fact.payload["rating"]
        self.ratings.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def when_TicketSentBack(self, fact: Fact) -> None:
        self._start_again(fact.payload["resolution_due"])

    def when_TicketReopened(self, fact: Fact) -> None:
        self.closed_at = None
        self.close_reason = None
        self._start_again(fact.payload["resolution_due"])

    def _start_again(self, resolution_due: str) -> None:
        self._status = Status.IN_PROGRESS.value
        self._rating = None
        self.resolved_at = None
        self._reopen_count += 1
        self._set_due(Deadline.RESOLUTION, resolution_due)

    def when_TicketClosedOff(self, fact: Fact) -> None:
        self._status = Status.CLOSED.value
        self.closed_at = format_time(fact.occurred_at)
        self.close_reason = fact.payload["reason"]

    def when_TicketDeadlineMissed(self, fact: Fact) -> None:
        self._missed.add((fact.payload["deadline"], fact.payload["due"]))


# -- who leads on what -----------------------------------------------------------------------

ROUTING_TABLE_ID = "routing-table"
ANY_COUNTY = "*"


class RoutingTable(Aggregate):
    """Which unit leads on an appeal of a category in a county (谁主管、谁负责). notice 二(四)2

    A county-specific route wins over the category's city-wide route (county "*").
    """

    stream_type = "routing_table"

    def __init__(self, stream_id: str = ROUTING_TABLE_ID):
        super().__init__(stream_id)
        self._routes: dict[tuple[str, str], str] = {}

    def unit_for(self, category: str, county: str) -> str | None:
        return self._routes.get((category, county)) or self._routes.get((category, ANY_COUNTY))

    @property
    def routes(self) -> list[dict]:
        return [{"category": category, "county": county, "unit": unit}
                for (category, county), unit in sorted(self._routes.items())]

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "routes": self.routes}

    def set_route(self, *, category: str, county: str, unit: str, at: dt.datetime,
                  actor: Actor) -> list[Fact]:
        """Set who leads; setting the route it already has records nothing."""
        at = self._begin("set a route", at, actor)
        chosen = checks.code("category", category, Category).value
        where = checks.text("county", county, CODE_LIMIT)
        lead = checks.text("unit", unit, CODE_LIMIT)
        previous = self._routes.get((chosen, where))
        if previous == lead:
            return []
        return [self._record("RouteSet", {
            "category": chosen, "county": where, "unit": lead, "previous_unit": previous,
        }, at=at, actor=actor.label)]

    def remove_route(self, *, category: str, county: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("remove a route", at, actor)
        chosen = checks.code("category", category, Category).value
        where = checks.text("county", county, CODE_LIMIT)
        if (chosen, where) not in self._routes:
            raise RouteNotFound(chosen, where)
        return [self._record("RouteRemoved", {
            "category": chosen, "county": where, "unit": self._routes[(chosen, where)],
        }, at=at, actor=actor.label)]

    def _begin(self, command: str, at, actor: Actor) -> dt.datetime:
        at = checks.moment(at)
        if actor.role != "office":
            raise RoleNotAllowed(actor.role, command, ("office",))
        return at

    def when_RouteSet(self, fact: Fact) -> None:
        p = fact.payload
        self._routes[(p["category"], p["county"])] = p["unit"]

    def when_RouteRemoved(self, fact: Fact) -> None:
        p = fact.payload
        self._routes.pop((p["category"], p["county"]), None)
