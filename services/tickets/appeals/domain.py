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
from services.tickets.appeals import tasks as assist_tasks
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
from services.tickets.appeals.vocabulary import TaskStatus
from services.tickets.appeals import merging
from services.tickets.appeals.exceptions import (
    AlreadyLinked, MergedOutcomeAlreadyRated, ReturnAlreadyRuled, ReturnPeriodOver,
    SurvivorNotResolved,
)
from services.tickets.appeals.vocabulary import ReturnReason
from services.tickets.appeals import contact
from services.tickets.appeals.exceptions import ConfidentialWithoutContact, ContactRequired
from services.tickets.appeals.vocabulary import AppealType, Urgency
from services.tickets.appeals.vocabulary import BAD_RATINGS, CallbackResolved
from services.tickets.appeals import rectification as rectifying
from services.tickets.appeals.vocabulary import (
    DisputeRuling, RectificationStatus, RectificationWay,
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


def _reply(reply, policies) -> dict:
    """The reply to the enterprise a resolution records, and the document numbers it cites (a
    list, which may be empty): none when no reply is given."""
    if reply is None:
        if policies:
            raise FieldRequired("reply", "the reply to the enterprise the policies are cited in")
        return {}
    if policies is None:
        policies = []
    if isinstance(policies, str) or not isinstance(policies, (list, tuple)):
        raise FieldRequired("policies", "a list of the policies' document numbers, may be empty")
    cited: list[str] = []
    for item in policies:
        number = checks.text("policies", item, NAME_LIMIT)
        if number not in cited:
            cited.append(number)
    return {"reply": checks.text("reply", reply, DESCRIPTION_LIMIT), "policies": cited}


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


def _kind_of_matter(appeal_type, urgency) -> dict:
    """The type and urgency a raise records: none for an appeal raised without either (it keeps
    the category's days and has no dispatch deadline); a typed one is 一般 unless said 紧急."""
    if appeal_type is None and urgency is None:
        return {}
    kind = {"urgency": checks.code("urgency", urgency or Urgency.NORMAL.value, Urgency).value}
    if appeal_type is not None:
        kind["appeal_type"] = checks.code("appeal_type", appeal_type, AppealType).value
    return kind


# Who must name the person to call back: the office taking a call and the enterprise writing in,
# whenever the appeal is a typed work order, since its callback (回访) needs a number. A visit's
# problem carries what the visit recorded: the cadre who made the visit is the way back to it.
CONTACT_REQUIRED_OF = ("office", "enterprise")


def _contact(actor: Actor, appeal_type: str | None, person, phone, email,
             confidential) -> dict:
    """The contact fields a raise records, each only when given, so an appeal raised without
    them reads as it always has."""
    if appeal_type is not None and actor.role in CONTACT_REQUIRED_OF:
        for field, value in (("contact_person", person), ("contact_phone", phone)):
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ContactRequired(field, appeal_type)
    if confidential is not None and not isinstance(confidential, bool):
        raise FieldRequired("confidential", "true or false")
    if confidential and (person is None or phone is None):
        raise ConfidentialWithoutContact()
    reached: dict = {}
    if person is not None:
        reached["contact_person"] = checks.text("contact_person", person, NAME_LIMIT)
    if phone is not None:
        reached["contact_phone"] = contact.phone(phone)
    if email is not None and not (isinstance(email, str) and not email.strip()):
        reached["contact_email"] = contact.email(email)
    if confidential:
        reached["confidential"] = True
    return reached


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
        # The dispatch deadline is added by a raise that sets it (when_TicketRaised), so an
        # appeal received before types existed folds to the deadlines it always had.
        self._due: dict[str, str | None] = {kind.value: None for kind in Deadline
                                            if kind is not Deadline.DISPATCH}
        self._met: dict[str, bool] = {kind: False for kind in self._due}
        # The kind of matter and its urgency (None on an appeal received before they existed),
        # and whether the contact is kept from the handling unit (保密): a read rule's input.
        self.appeal_type: str | None = None
        self.urgency: str | None = None
        self.confidential = False
        self._missed: set[tuple[str, str]] = set()
        # The policy service's answers already noted, by the answering event's id.
        self._policy_answers: set[str] = set()
        self._extension_days: int | None = None
        self._upper_level: str | None = None
        self._rating: str | None = None
        self.resolved_at: str | None = None
        # 退回: the dispatch a return would return (its version and time); whether the office
        # has ruled (终审) on a return, which is final for the appeal.
        self._dispatch: tuple[int, dt.datetime] | None = None
        self._returned_at: str | None = None
        self._return_ruled = False
        # 合并 and 关联: the survivor a merged appeal follows, the merged enterprise's own rating,
        # the appeals linked as related.
        self._survivor_id: str | None = None
        self._merged_rating: str | None = None
        self._related: set[str] = set()
        # The new appeals a split just raised, for the caller to save with the original.
        self.split_parts: list[Ticket] = []
        # The assisting units' own tasks (协办), by unit: the resolve gate reads them.
        self._tasks: dict[str, assist_tasks.Task] = {}
        # 重办: how often it was sent back; 回访: the callbacks made since it was last resolved.
        self._redo_count = 0
        self._callbacks = 0
        # 差评整改: the rectifications the appeal's bad ratings opened, by number.
        self._rectifications: dict[int, rectifying.Rectification] = {}

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
    def tasks(self) -> list[dict]:
        """The assisting units' tasks of the current dispatch: unit, due, status, overdue."""
        return [task.to_dict() for task in self._tasks.values()]

    @property
    def rectifying_units(self) -> list[str]:
        """The units a rectification of a bad rating on the appeal is for (差评整改)."""
        return sorted({r.unit for r in self._rectifications.values() if r.unit})

    @property
    def rectifications(self) -> list[dict]:
        """Every rectification of a bad rating on the appeal: number, unit, rating, due, status,
        plan_due, the due pending and whether it is overdue."""
        return [r.to_dict() for r in self._rectifications.values()]

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
            "appeal_type": self.appeal_type,
            "urgency": self.urgency,
            "confidential": self.confidential,
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
            "tasks": self.tasks,
            "redo_count": self._redo_count,
            "rectifications": self.rectifications,
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
                     visit_id: str | None = None, appeal_type: str | None = None,
                     urgency: str | None = None, contact_person: str | None = None,
                     contact_phone: str | None = None, contact_email: str | None = None,
                     confidential: bool | None = None) -> "Ticket":
        """Receive an appeal (受理) into the ledger. notice 二(四)1-2

        With its type (咨询 …) it is a 12345 work order: its resolution days are its type's and
        it must be handed on within its urgency's window (`deadlines`)."""
        at = checks.moment(at)
        ticket_id = checks.text("ticket_id", ticket_id, CODE_LIMIT)
        code = cls.check_raiser(actor, uscc, visit_id)
        # Only when given: an appeal raised without a visit reads as it always has.
        visit = {"visit_id": checks.text("visit_id", visit_id, CODE_LIMIT)} if visit_id else {}
        chosen_category = checks.code("category", category, Category)
        kind = _kind_of_matter(appeal_type, urgency)
        reached = _contact(actor, kind.get("appeal_type"), contact_person, contact_phone,
                           contact_email, confidential)
        if kind:
            window = policy.dispatch_within(kind["urgency"])
            kind["dispatch_due"] = deadlines.dispatch_due(at, window)
        step_days = policy.for_appeal(chosen_category, kind.get("appeal_type"))
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
            "step_days": step_days.to_dict(),
            **visit,
            **kind,
            **reached,
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
                 actor: Actor, task_days: dict | None = None) -> list[Fact]:
        """Hand the appeal to the unit in charge (谁主管、谁负责), each assisting unit with a task
        of its own due in `task_days[unit]` working days (default: `tasks.default_days`).
        notice 二(四)2"""
        at = self._begin("dispatch", at, actor)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        assisting = _units("assisting_units", assisting_units, lead)
        days = assist_tasks.checked_days(task_days, assisting, self._step_days)
        facts = [self._record_fact("TicketDispatched", {
            "lead_unit": lead,
            "assisting_units": assisting,
            "sign_due": deadlines.sign_due(at, self._step_days),
        }, at, actor)]
        return facts + self._open_tasks(lead, days, at, actor)

    def _open_tasks(self, lead: str, days: dict[str, int], at: dt.datetime,
                    actor: Actor) -> list[Fact]:
        return [self._record_fact("AssistTaskOpened", payload, at, actor)
                for payload in assist_tasks.opened(at, lead, days)]

    def redispatch(self, *, lead_unit: str, assisting_units: Iterable[str] = (), reason: str,
                   at: dt.datetime, actor: Actor, task_days: dict | None = None) -> list[Fact]:
        at = self._begin("redispatch", at, actor)
        lead = checks.text("lead_unit", lead_unit, CODE_LIMIT)
        assisting = _units("assisting_units", assisting_units, lead)
        days = assist_tasks.checked_days(task_days, assisting, self._step_days)
        checked_reason = checks.text("reason", reason, NOTE_LIMIT)
        # The open tasks answered the previous lead unit: the new one gets its own replies.
        facts = [self._record_fact("AssistTaskWithdrawn", {
            "unit": unit, "reason": checked_reason, "due": self._tasks[unit].due,
        }, at, actor) for unit in assist_tasks.open_units(self._tasks)]
        facts.append(self._record_fact("TicketRedispatched", {
            "lead_unit": lead,
            "assisting_units": assisting,
            "previous_lead_unit": self._lead_unit,
            "reason": checked_reason,
            "sign_due": deadlines.sign_due(at, self._step_days),
        }, at, actor))
        return facts + self._open_tasks(lead, days, at, actor)

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

    def sign_for_task(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """An assisting unit signs for its own task (协办签收); no unit signs for another's."""
        at = self._begin("sign_for_task", at, actor)
        task = assist_tasks.task_of(self._tasks, actor.unit)
        assist_tasks.check_may_sign(task)
        return [self._record_fact("AssistTaskSignedFor", {
            "unit": task.unit, "due": task.due, "on_time": assist_tasks.on_time(task, at),
        }, at, actor)]

    def answer_task(self, *, reply: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """An assisting unit replies to the lead unit on its own task (协办意见)."""
        at = self._begin("answer_task", at, actor)
        task = assist_tasks.task_of(self._tasks, actor.unit)
        assist_tasks.check_may_answer(task)
        return [self._record_fact("AssistTaskAnswered", {
            "unit": task.unit, "lead_unit": self._lead_unit,
            "reply": checks.text("reply", reply, NOTE_LIMIT),
            "due": task.due, "on_time": assist_tasks.on_time(task, at),
        }, at, actor)]

    def waive_task(self, *, unit: str, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """The office lets the lead unit resolve without an assisting unit's reply."""
        at = self._begin("waive_task", at, actor)
        task = assist_tasks.task_of(self._tasks, checks.text("unit", unit, CODE_LIMIT))
        assist_tasks.check_open(task, "waived")
        return [self._record_fact("AssistTaskWaived", {
            "unit": task.unit, "reason": checks.text("reason", reason, NOTE_LIMIT),
            "due": task.due,
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

    def resolve(self, *, summary: str, at: dt.datetime, actor: Actor, reply: str | None = None,
                policies: list[str] | None = None) -> list[Fact]:
        """办结: `summary` is the unit's internal note; `reply` (答复意见) what the enterprise is
        told, citing the `policies` (document numbers) it rests on, recorded only when given so
        that a caller who sends a summary alone resolves as before."""
        at = self._begin("resolve", at, actor)
        assist_tasks.check_all_closed(self._tasks)
        due = self._due[Deadline.RESOLUTION]
        answer = _reply(reply, policies)
        return [self._record_fact("TicketResolved", {
            "summary": checks.text("summary", summary, DESCRIPTION_LIMIT),
            "unit": actor.unit,
            "resolution_due": due,
            "on_time": deadlines.met_in_time(due, at),
            **answer,
        }, at, actor)]

    def rate(self, *, rating: str, comment: str = "", at: dt.datetime, actor: Actor,
             policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        """The enterprise's rating, or the office's follow-up call (回访). notice 二(五)2"""
        at = self._begin("rate", at, actor)
        chosen = checks.code("rating", rating, Rating)
        via = RatedVia.ENTERPRISE if actor.role == "enterprise" else RatedVia.FOLLOW_UP_CALL
        checked_comment = checks.optional_text("comment", comment, NOTE_LIMIT)
        return self._rated(chosen, checked_comment, via, None, at, actor, policy)

    def _rated(self, chosen: Rating, comment: str, via: RatedVia, resolved: CallbackResolved | None,
               at: dt.datetime, actor: Actor, policy: DeadlinePolicy) -> list[Fact]:
        facts = [self._record_fact("TicketRated", {
            "rating": chosen.value, "comment": comment, "via": via.value,
        }, at, actor)]
        if chosen in BAD_RATINGS or resolved in (CallbackResolved.NO, CallbackResolved.PARTLY):
            # 发回重办: an unsatisfied enterprise, or one whose matter is not (wholly) solved,
            # means the problem is not solved yet; the rating stays in the log and is named here.
            facts.append(self._record_fact("TicketSentBack", {
                "resolution_due": deadlines.resolution_due(at, self._step_days),
                "redo_count": self._redo_count + 1,
                "rating": chosen.value,
                "via": via.value,
                **({"resolved": resolved.value} if resolved is not None else {}),
            }, at, actor))
        if chosen in BAD_RATINGS:
            facts.append(self._open_rectification(chosen, via, at, actor, policy))
        return facts

    def _open_rectification(self, chosen: Rating, via: RatedVia, at: dt.datetime, actor: Actor,
                           policy: DeadlinePolicy, merged_appeal_id: str | None = None) -> Fact:
        """差评整改: a bad rating opens a rectification for the lead unit that handled the
        appeal, due the policy's working days after the rating. Not a command of its own: the
        rating that is bad opens it, here or (a merged enterprise's) on the survivor."""
        days = policy.rectification_days
        return self._record_fact("RectificationOpened", {
            "number": len(self._rectifications) + 1,
            "unit": self._lead_unit,
            "rating": chosen.value,
            "via": via.value,
            "working_days": days,
            "due": deadlines.due_after(at, days),
            **({"merged_appeal_id": merged_appeal_id} if merged_appeal_id else {}),
        }, at, actor)

    def classify_rectification(self, *, way: str, note: str, plan: str | None = None,
                               plan_due: str | None = None, number: int | None = None,
                               at: dt.datetime, actor: Actor) -> list[Fact]:
        """The unit verifies the bad rating and classifies it (核实): 立行立改, 限期整改 with a plan
        and its date, 解释说明, or 申诉 with its reason, the note. Once per rectification."""
        at = self._begin("classify_rectification", at, actor)
        chosen = rectifying.chosen(self._rectifications, number, (RectificationStatus.OPEN,),
                                   "classify")
        rectifying.check_unit(chosen, actor.unit)
        rectifying.check_may_classify(chosen)
        way_chosen = checks.code("way", way, RectificationWay)
        details = rectifying.classification(way_chosen, plan, plan_due, at, NOTE_LIMIT)
        return [self._record_fact("RectificationClassified", {
            "number": chosen.number, "unit": chosen.unit, "way": way_chosen.value,
            "note": checks.text("note", note, NOTE_LIMIT), **details,
            "due": chosen.due, "on_time": rectifying.on_time(chosen, at),
        }, at, actor)]

    def complete_rectification(self, *, note: str, number: int | None = None, at: dt.datetime,
                               actor: Actor) -> list[Fact]:
        """The unit reports its 限期整改 plan carried out (整改完成)."""
        at = self._begin("complete_rectification", at, actor)
        chosen = rectifying.chosen(self._rectifications, number,
                                   (RectificationStatus.PLANNED,), "report completed")
        rectifying.check_unit(chosen, actor.unit)
        rectifying.check_may_complete(chosen)
        return [self._record_fact("RectificationCompleted", {
            "number": chosen.number, "unit": chosen.unit,
            "note": checks.text("note", note, NOTE_LIMIT), "plan_due": chosen.plan_due,
            "on_time": rectifying.plan_met(chosen, at),
        }, at, actor)]

    def rule_on_dispute(self, *, ruling: str, reason: str, number: int | None = None,
                        at: dt.datetime, actor: Actor) -> list[Fact]:
        """The office reviews a unit's 申诉: upheld, the rating stays counted; voided, it leaves
        the measures, for the reason given."""
        at = self._begin("rule_on_dispute", at, actor)
        chosen = rectifying.chosen(self._rectifications, number,
                                   (RectificationStatus.DISPUTED,), "rule on")
        rectifying.check_may_rule(chosen)
        decided = checks.code("ruling", ruling, DisputeRuling)
        return [self._record_fact("RectificationDisputeRuled", {
            "number": chosen.number, "unit": chosen.unit, "ruling": decided.value,
            "reason": checks.text("reason", reason, NOTE_LIMIT), "rating": chosen.rating,
        }, at, actor)]

    def callback(self, *, reached: bool, resolved: str | None = None, rating: str | None = None,
                 comment: str = "", at: dt.datetime, actor: Actor,
                 policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        """回访: the office calls the contact back after the resolution. Reached, the contact
        says whether the matter is resolved (是/否/部分) and rates it on the five 好差评 levels;
        否, 部分 or 不满意 and worse send it back (重办). Unreached, it is recorded and the appeal
        waits for another callback."""
        at = self._begin("callback", at, actor)
        if not isinstance(reached, bool):
            raise FieldRequired("reached", "true or false: whether the callback reached the "
                                           "contact")
        checked_comment = checks.optional_text("comment", comment, NOTE_LIMIT)
        if not reached:
            for field, value in (("resolved", resolved), ("rating", rating)):
                if value is not None:
                    raise UnexpectedField(field, "a callback that did not reach the contact")
            return [self._called_back(False, None, None, checked_comment, at, actor)]
        if resolved is None:
            raise FieldRequired("resolved", "yes, no or partly: whether the matter is resolved")
        if rating is None:
            raise FieldRequired("rating", "the contact's rating: " + ", ".join(Rating.codes()))
        said = checks.code("resolved", resolved, CallbackResolved)
        chosen = checks.code("rating", rating, Rating)
        facts = [self._called_back(True, said, chosen, checked_comment, at, actor)]
        return facts + self._rated(chosen, checked_comment, RatedVia.FOLLOW_UP_CALL, said, at,
                                   actor, policy)

    def _called_back(self, reached: bool, said: CallbackResolved | None, chosen: Rating | None,
                     comment: str, at: dt.datetime, actor: Actor) -> Fact:
        return self._record_fact("TicketCalledBack", {
            "reached": reached,
            "resolved": said.value if said else None,
            "rating": chosen.value if chosen else None,
            "comment": comment,
            "attempt": self._callbacks + 1,
        }, at, actor)

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
            if kind not in self._due or self._status in rules.ENDED:
                continue  # an appeal received before dispatch deadlines existed has none
            due = self._due[kind]
            if due is None or self._met[kind] or (kind.value, due) in self._missed:
                continue
            if deadlines.passed(due, at):
                facts.append(self._record_fact("TicketDeadlineMissed", {
                    "deadline": kind.value, "due": due}, at, actor))
        # A task is late only while its unit may act on it: not while the appeal is back with
        # the office (returned), where the office redispatches or rules first.
        handled = self._status in rules.OPEN_BEFORE_RESOLUTION
        for task in assist_tasks.missed_by(self._tasks, at) if handled else ():
            facts.append(self._record_fact("AssistTaskMissed", {
                "unit": task.unit, "due": task.due}, at, actor))
        # A rectification runs on its own clock, whatever became of the appeal since its rating.
        for late, due in rectifying.missed_by(self._rectifications, at):
            facts.append(self._record_fact("RectificationMissed", {
                "number": late.number, "unit": late.unit, "due": due}, at, actor))
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

    # -- returns, merges, splits and links (merging) --

    def return_appeal(self, *, reason: str, legal_basis: str, at: dt.datetime,
                      actor: Actor) -> list[Fact]:
        """退回: the lead unit sends an appeal not its own back to the office, within 2 working
        days of its dispatch, with a reason code and the legal basis."""
        at = self._begin("return_appeal", at, actor)
        if self._return_ruled:
            raise ReturnAlreadyRuled(self._lead_unit)
        version, dispatched_at = self._dispatch
        until = merging.return_until(dispatched_at)
        if at > until:
            raise ReturnPeriodOver(merging.RETURN_WORKING_DAYS, format_time(until))
        return [self._record_fact("TicketReturned", {
            "unit": actor.unit,
            "reason": checks.code("reason", reason, ReturnReason).value,
            "legal_basis": checks.text("legal_basis", legal_basis, NOTE_LIMIT),
            "dispatch_version": version,
            "dispatched_at": format_time(dispatched_at),
            "return_until": format_time(until),
        }, at, actor)]

    def rule_on_return(self, *, ruling: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """终审: the office rules that the unit that returned the appeal must take it; the unit
        signs for it afresh, and no unit may return it again."""
        at = self._begin("rule_on_return", at, actor)
        return [self._record_fact("TicketReturnRuled", {
            "unit": self._lead_unit,
            "ruling": checks.text("ruling", ruling, NOTE_LIMIT),
            "returned_at": self._returned_at,
            "sign_due": deadlines.sign_due(at, self._step_days),
        }, at, actor)]

    def merge_in(self, *, appeals: list["Ticket"], reason: str, at: dt.datetime,
                 actor: Actor) -> list[Fact]:
        """合并: the office merges duplicate appeals into this one, the survivor; each of them
        ends (merge_into) and follows this one. The duplicate check only proposes."""
        at = self._begin("merge_in", at, actor)
        merging.appeal_ids("appeals", [other.id for other in appeals], self.id)
        checked_reason = checks.text("reason", reason, NOTE_LIMIT)
        for other in appeals:
            other.merge_into(survivor=self, reason=checked_reason, at=at, actor=actor)
        return [self._record_fact("AppealsMerged", {
            "merged": [{"ticket_id": other.id, "ledger_number": other.ledger_number,
                        "uscc": other.uscc} for other in appeals],
            "reason": checked_reason,
        }, at, actor)]

    def merge_into(self, *, survivor: "Ticket", reason: str, at: dt.datetime,
                   actor: Actor) -> list[Fact]:
        at = self._begin("merge_into", at, actor)
        merging.other_id("appeals", survivor.id, self.id)
        return [self._record_fact("TicketMerged", {
            "survivor_id": survivor.id,
            "survivor_ledger_number": survivor.ledger_number,
            "reason": checks.text("reason", reason, NOTE_LIMIT),
        }, at, actor)]

    def rate_merged(self, *, rating: str, comment: str = "", survivor: "Ticket",
                    at: dt.datetime, actor: Actor,
                    policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        """A merged enterprise rates its own outcome once the survivor is resolved: on its own
        appeal, once; the survivor's rating stays its own enterprise's."""
        at = self._begin("rate_merged", at, actor)
        chosen = checks.code("rating", rating, Rating)
        if self._merged_rating is not None:
            raise MergedOutcomeAlreadyRated(self._merged_rating)
        if survivor.status not in (Status.RESOLVED, Status.RATED, Status.CLOSED):
            raise SurvivorNotResolved(survivor.ledger_number, Status(survivor.status).label)
        via = RatedVia.ENTERPRISE if actor.role == "enterprise" else RatedVia.FOLLOW_UP_CALL
        facts = [self._record_fact("MergedAppealRated", {
            "rating": chosen.value,
            "comment": checks.optional_text("comment", comment, NOTE_LIMIT),
            "via": via.value,
            "survivor_id": self._survivor_id,
        }, at, actor)]
        if chosen in BAD_RATINGS:
            # Its rectification is the unit's that handled the survivor, whose officers read it
            # there; the survivor is saved with this appeal (across.perform).
            survivor._open_rectification(chosen, via, at, actor, policy, merged_appeal_id=self.id)
        return facts

    @property
    def survivor_id(self) -> str | None:
        """The appeal this one was merged into, if it was."""
        return self._survivor_id

    def split(self, *, matters: list, reason: str, raised: dict, numbering, at: dt.datetime,
              actor: Actor, policy: DeadlinePolicy = DEFAULT_POLICY) -> list[Fact]:
        """拆分: the office splits an appeal of several matters into new appeals, one per
        matter, each with its ledger number from `numbering()` (an id and a number) and the
        original's receipt (`raised`, its TicketRaised payload); this one ends, pointing at
        them. The new appeals are left in `split_parts` for the caller to save."""
        at = self._begin("split", at, actor)
        checked = merging.matters(matters, self.category, TITLE_LIMIT, DESCRIPTION_LIMIT)
        checked_reason = checks.text("reason", reason, NOTE_LIMIT)
        parts = []
        for matter in checked:
            part_id, number = numbering()
            parts.append(self._raise_part(part_id, number, raised, matter, at, actor, policy))
        self.split_parts = parts
        return [self._record_fact("TicketSplit", {
            "parts": [{"ticket_id": part.id, "ledger_number": part.ledger_number,
                       "title": part.title, "category": part.category} for part in parts],
            "reason": checked_reason,
        }, at, actor)]

    def _raise_part(self, part_id: str, number: str, raised: dict, matter: dict,
                    at: dt.datetime, actor: Actor, policy: DeadlinePolicy) -> "Ticket":
        # Received when the original was, from the same enterprise by the same channel: only
        # the matter, and the step days of its category if that differs, are its own.
        payload = {key: value for key, value in raised.items() if key != "split_from"}
        if matter["category"] != raised["category"]:
            payload["step_days"] = policy.for_category(Category(matter["category"])).to_dict()
        part = Ticket(part_id)
        part._record_fact("TicketRaised", {
            **payload, **matter, "ledger_number": number,
            "split_from": {"ticket_id": self.id, "ledger_number": self.ledger_number},
        }, at, actor)
        return part

    def link_related(self, *, other: "Ticket", note: str = "", at: dt.datetime,
                     actor: Actor) -> list[Fact]:
        """关联: link this appeal and another as related; both record it."""
        at = self._begin("link_related", at, actor)
        merging.other_id("related_id", other.id, self.id)
        if other.id in self._related:
            raise AlreadyLinked(other.ledger_number)
        other._begin("link_related", at, actor)
        checked_note = checks.optional_text("note", note, NOTE_LIMIT)
        other._record_fact("AppealLinked", {
            "ticket_id": self.id, "ledger_number": self.ledger_number, "note": checked_note,
        }, at, actor)
        return [self._record_fact("AppealLinked", {
            "ticket_id": other.id, "ledger_number": other.ledger_number, "note": checked_note,
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
        self.appeal_type = p.get("appeal_type")
        self.urgency = p.get("urgency")
        self.confidential = bool(p.get("confidential"))
        if p.get("dispatch_due"):
            self._set_due(Deadline.DISPATCH, p["dispatch_due"])

    def when_DuplicateAppealLinked(self, fact: Fact) -> None:
        pass  # shown by the read model; the appeal's handling goes on unchanged

    def when_TicketDispatched(self, fact: Fact) -> None:
        if Deadline.DISPATCH in self._due:
            self._met[Deadline.DISPATCH] = True
        self._hand_to(fact.payload)
        self._dispatch = (self.version + 1, fact.occurred_at)

    def when_TicketRedispatched(self, fact: Fact) -> None:
        self._hand_to(fact.payload)
        self._dispatch = (self.version + 1, fact.occurred_at)

    def _hand_to(self, payload: dict) -> None:
        # A new lead unit starts afresh: it signs, classifies and answers within its own deadlines.
        self._status = Status.DISPATCHED.value
        self._lead_unit = payload["lead_unit"]
        self._assisting_units = list(payload["assisting_units"])
        # Its tasks are opened by the facts that follow; those of a previous lead unit are done.
        self._tasks = {}
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
        self._callbacks = 0
        self._status = Status.RESOLVED.value
        self.resolved_at = format_time(fact.occurred_at)
        self._met[Deadline.RESOLUTION] = True
        # Resolving answers the matter: a request for more time is moot.
        self._extension_days = None

    def when_TicketRated(self, fact: Fact) -> None:
        self._status = Status.RATED.value
        self._rating = fact.payload["rating"]

    def when_TicketSentBack(self, fact: Fact) -> None:
        # One sent back before the count was recorded counted one redo too.
        self._redo_count = fact.payload.get("redo_count") or self._redo_count + 1
        self._start_again(fact.payload["resolution_due"])

    def when_TicketCalledBack(self, fact: Fact) -> None:
        self._callbacks += 1

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

    def when_TicketReturned(self, fact: Fact) -> None:
        # Back with the office: the unit's own deadlines stop until it is handed on or ruled.
        self._status = Status.RETURNED.value
        self._returned_at = format_time(fact.occurred_at)
        self._extension_days = None
        for kind in (Deadline.SIGN, Deadline.FIRST_RESPONSE, Deadline.RESOLUTION):
            self._set_due(kind, None)

    def when_TicketReturnRuled(self, fact: Fact) -> None:
        self._status = Status.DISPATCHED.value
        self._return_ruled = True
        self._set_due(Deadline.SIGN, fact.payload["sign_due"])

    def when_AppealsMerged(self, fact: Fact) -> None:
        pass  # the survivor's handling goes on; the read model shows what it took in

    def when_TicketMerged(self, fact: Fact) -> None:
        self._status = Status.MERGED.value
        self._survivor_id = fact.payload["survivor_id"]
        self._stop_clocks()

    def when_MergedAppealRated(self, fact: Fact) -> None:
        self._merged_rating = fact.payload["rating"]

    def when_TicketSplit(self, fact: Fact) -> None:
        self._status = Status.SPLIT.value
        self._stop_clocks()

    def _stop_clocks(self) -> None:
        # Ended without handling of its own: nothing of it is due any more (the deadline watch
        # reads only what is due).
        for kind in Deadline:
            if kind.value in self._due:
                self._set_due(kind, None)
        self._extension_days = None

    def when_AppealLinked(self, fact: Fact) -> None:
        self._related.add(fact.payload["ticket_id"])

    def when_AssistTaskOpened(self, fact: Fact) -> None:
        p = fact.payload
        self._tasks[p["unit"]] = assist_tasks.Task(p["unit"], p["due"])

    def when_AssistTaskSignedFor(self, fact: Fact) -> None:
        self._tasks[fact.payload["unit"]].status = TaskStatus.SIGNED_FOR

    def when_AssistTaskAnswered(self, fact: Fact) -> None:
        self._tasks[fact.payload["unit"]].status = TaskStatus.ANSWERED

    def when_AssistTaskWaived(self, fact: Fact) -> None:
        self._tasks[fact.payload["unit"]].status = TaskStatus.WAIVED

    def when_AssistTaskWithdrawn(self, fact: Fact) -> None:
        del self._tasks[fact.payload["unit"]]

    def when_AssistTaskMissed(self, fact: Fact) -> None:
        self._tasks[fact.payload["unit"]].missed = True

    def when_RectificationOpened(self, fact: Fact) -> None:
        p = fact.payload
        self._rectifications[p["number"]] = rectifying.Rectification(
            p["number"], p["unit"], p["rating"], p["due"])

    def when_RectificationClassified(self, fact: Fact) -> None:
        p = fact.payload
        found = self._rectifications[p["number"]]
        found.status = rectifying.CLASSIFIED_AS[RectificationWay(p["way"])]
        found.plan_due = p.get("plan_due")

    def when_RectificationCompleted(self, fact: Fact) -> None:
        self._rectifications[fact.payload["number"]].status = RectificationStatus.COMPLETED

    def when_RectificationDisputeRuled(self, fact: Fact) -> None:
        self._rectifications[fact.payload["number"]].status = (
            RectificationStatus.UPHELD if fact.payload["ruling"] == DisputeRuling.UPHELD
            else RectificationStatus.VOIDED)

    def when_RectificationMissed(self, fact: Fact) -> None:
        self._rectifications[fact.payload["number"]].missed.add(fact.payload["due"])
