"""The briefings of notice 二(二)1: the Briefing aggregate, one policy briefing (宣讲活动) from its
scheduling to the day it is held, or its cancellation.

市领导带领市直相关部门,深入工业园区、重点企业宣讲《若干政策措施》……宣讲活动原则上由当地党政主要领导
主持,园区管理部门、各企业负责同志……参加。宣讲活动议程包括市领导讲话、市直部门政策解读、园区表态发言等.
A briefing has a date, a place, the presiding leader (主持), the units, parks and enterprises present
(codes; enterprises by credit code), the policies explained (at least one) and its agenda in order,
each item of a kind with who speaks: a department's reading names its unit, a park's statement
its park.

The office or a unit officer schedules it; the organiser (the officer's unit, or the office) and
the office revise or cancel it while it is still ahead, and record it held on its date or after,
with the attendance. Plain Python, no I/O. A command asks the table (`check`) first, then checks
its fields, then records facts; state changes only in the `when_<Fact>` methods. Every command
returns the facts it recorded. Dates are calendar days in the office's zone.
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.errors import FieldRequired, FieldTooLong, NothingChanged, UnexpectedField
from services.policy.briefings.events import EVENTS
from services.policy.briefings.exceptions import (
    AgendaItemIncomplete,
    BriefingDateInPast,
    BriefingNotYetDue,
    EmptyAgenda,
    InvalidAttendance,
    NoPoliciesExplained,
)
from services.policy.briefings.rules import (
    CANCELLED, HELD, OFFICE, SCHEDULED, check, check_scheduler,
)
from services.policy.briefings.vocabulary import AgendaItemKind, BriefingStatus
from services.policy.policies.domain import (  # a briefing's date is read as an effective date is
    calendar_date,
    office_day_of,
)

# The limits, in characters (and items).
ID_LIMIT = checks.CODE_LIMIT
PLACE_LIMIT = checks.NAME_LIMIT
NAME_LIMIT = checks.NAME_LIMIT
TOPIC_LIMIT = checks.NAME_LIMIT
REASON_LIMIT = checks.TEXT_LIMIT
AGENDA_LIMIT = 50

# Who speaks, for each kind of agenda item, beside the speaker's name. notice 二(二)1
SPEAKING_FOR: dict[AgendaItemKind, dict[str, str]] = {
    AgendaItemKind.LEADER_SPEECH: {},
    AgendaItemKind.POLICY_READING: {"unit": "the department reading its policies (市直部门)"},
    AgendaItemKind.PARK_STATEMENT: {"park": "the park making its statement (园区)"},
}
ITEM_FIELDS = ("kind", "speaker", "unit", "park", "topic")

# What `revise` may change; the organiser is fixed at scheduling.
DETAIL_FIELDS = ("date", "place", "leader", "units", "parks", "enterprises", "policy_ids",
                 "agenda")


# -- input checks -----------------------------------------------------------------------------

def agenda_item(index: int, item) -> dict:
    """One agenda item, checked: its kind, who speaks, and whom they speak for."""
    where = f"agenda[{index}]"
    if not isinstance(item, dict):
        raise FieldRequired(where, "an item with its kind and speaker")
    for field in item:
        if field not in ITEM_FIELDS:
            raise UnexpectedField(f"{where}.{field}", "an agenda item")
    if item.get("kind") is None:
        raise FieldRequired(f"{where}.kind", f"one of: {', '.join(AgendaItemKind.codes())}")
    kind = checks.code(f"{where}.kind", item["kind"], AgendaItemKind)
    checked = {
        "kind": kind.value,
        "speaker": checks.text(f"{where}.speaker", item.get("speaker"), NAME_LIMIT),
        "unit": None,
        "park": None,
        "topic": checks.optional_text(f"{where}.topic", item.get("topic"), TOPIC_LIMIT) or None,
    }
    speaking_for = SPEAKING_FOR[kind]
    for field in ("unit", "park"):
        value = checks.optional_text(f"{where}.{field}", item.get(field), ID_LIMIT)
        if field in speaking_for:
            if not value:
                raise AgendaItemIncomplete(field=f"{where}.{field}", label=speaking_for[field])
            checked[field] = value
        elif value:
            raise UnexpectedField(f"{where}.{field}", f"a {kind.value} ({kind.label})")
    return checked


def agenda(items) -> list[dict]:
    """The agenda in order: at least one item, each checked."""
    if isinstance(items, (str, dict)):
        items = [items]
    items = list(items or ())
    if not items:
        raise EmptyAgenda()
    if len(items) > AGENDA_LIMIT:
        raise FieldTooLong("agenda", AGENDA_LIMIT, len(items))
    return [agenda_item(index, item) for index, item in enumerate(items)]


def policies_explained(values) -> list[str]:
    found = checks.codes("policy_ids", values, ID_LIMIT)
    if not found:
        raise NoPoliciesExplained()
    return found


def enterprises_present(values) -> list[str]:
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for index, value in enumerate(values or ()):
        code = checks.credit_code(value, f"enterprises[{index}]")
        if code not in found:
            found.append(code)
    return found


def briefing_date(value, at: dt.datetime) -> str:
    """The briefing's day: today or later at the moment it is scheduled or revised."""
    date = calendar_date("date", value)
    today = office_day_of(at).isoformat()
    if date < today:
        raise BriefingDateInPast(date=date, today=today)
    return date


DETAIL_CHECKS = {
    "place": lambda value, at: checks.text("place", value, PLACE_LIMIT),
    "leader": lambda value, at: checks.text("leader", value, NAME_LIMIT),
    "units": lambda value, at: checks.codes("units", value, ID_LIMIT),
    "parks": lambda value, at: checks.codes("parks", value, ID_LIMIT),
    "enterprises": lambda value, at: enterprises_present(value),
    "policy_ids": lambda value, at: policies_explained(value),
    "agenda": lambda value, at: agenda(value),
    "date": briefing_date,
}


def checked_details(fields: dict, at: dt.datetime) -> dict:
    return {field: DETAIL_CHECKS[field](fields.get(field), at) for field in DETAIL_FIELDS}


# -- the briefing -----------------------------------------------------------------------------

class Briefing(Aggregate):
    """A policy briefing (宣讲活动). notice 二(二)1"""

    stream_type = "briefing"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self._status: str | None = None
        self._organiser: str | None = None
        self._details: dict = {}
        self.attendance: int | None = None
        self.held_on: str | None = None
        self.cancel_reason: str | None = None
        self.scheduled_at: str | None = None
        self.revised_at: str | None = None
        self.held_at: str | None = None
        self.cancelled_at: str | None = None

    # -- what the table, the service and readers read --

    @property
    def status(self) -> str | None:
        return self._status

    @property
    def organiser(self) -> str | None:
        """The organising unit's code, or "office" when the office scheduled it itself."""
        return self._organiser

    @property
    def date(self) -> str | None:
        return self._details.get("date")

    @property
    def policy_ids(self) -> list[str]:
        return list(self._details.get("policy_ids", ()))

    @property
    def agenda(self) -> list[dict]:
        return [dict(item) for item in self._details.get("agenda", ())]

    def snapshot(self) -> dict:
        """The briefing as readers see it: when, where, who presides, who is present, which
        policies are explained, its agenda in order, and how it ended."""
        details = self._details
        return {
            "id": self.id,
            "version": self.version,
            "status": self._status,
            "status_label": BriefingStatus(self._status).label if self._status else None,
            "organiser": self._organiser,
            "date": details.get("date"),
            "place": details.get("place"),
            "leader": details.get("leader"),
            "units": list(details.get("units", ())),
            "parks": list(details.get("parks", ())),
            "enterprises": list(details.get("enterprises", ())),
            "policy_ids": self.policy_ids,
            "agenda": [{**item, "kind_label": AgendaItemKind(item["kind"]).label}
                       for item in self.agenda],
            "attendance": self.attendance,
            "held_on": self.held_on,
            "cancel_reason": self.cancel_reason,
            "scheduled_at": self.scheduled_at,
            "revised_at": self.revised_at,
            "held_at": self.held_at,
            "cancelled_at": self.cancelled_at,
        }

    # -- shared by the commands --

    def _check(self, command: str, actor: Actor) -> None:
        check(command, self, actor)

    # -- commands --

    @classmethod
    def schedule(cls, briefing_id: str, *, at: dt.datetime, actor: Actor,
                 existing: Briefing | None = None, **fields) -> Briefing:
        """Schedule a briefing: `date`, `place`, `leader`, `units`, `parks`, `enterprises`
        (credit codes), `policy_ids` (at least one) and `agenda` (at least one item).
        `existing` is what the store holds under `briefing_id`."""
        at = checks.moment(at)
        briefing_id = checks.text("id", briefing_id, ID_LIMIT)
        check_scheduler(actor, existing, briefing_id)
        checks.only_fields(fields, DETAIL_FIELDS, "scheduling a briefing")
        details = checked_details(fields, at)
        organiser = actor.unit if actor.role == "unit_officer" else OFFICE
        briefing = existing or cls(briefing_id)
        briefing._record_fact("BriefingScheduled", {"organiser": organiser, **details}, at, actor)
        return briefing

    def revise(self, *, at: dt.datetime, actor: Actor, **fields) -> list[Fact]:
        """Change some of the details before the briefing is held; only what changes is
        recorded."""
        at = self._begin("revise", at, actor)
        checks.only_fields(fields, DETAIL_FIELDS, "revising a briefing")
        changed = {}
        for field in DETAIL_FIELDS:
            if field in fields:
                value = DETAIL_CHECKS[field](fields[field], at)
                if value != self._details.get(field):
                    changed[field] = value
        if not changed:
            raise NothingChanged(what="revision of the briefing")
        return [self._record_fact("BriefingRevised", changed, at, actor)]

    def record_held(self, *, attendance: int, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Record the briefing held, on its date or after, with how many were present."""
        at = self._begin("record_held", at, actor)
        if isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 1:
            raise InvalidAttendance(value=attendance)
        today = office_day_of(at).isoformat()
        if today < self.date:
            raise BriefingNotYetDue(date=self.date, today=today)
        return [self._record_fact("BriefingHeld", {
            "date": self.date, "held_on": today, "attendance": attendance,
        }, at, actor)]

    def cancel(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Cancel a briefing not yet held, saying why."""
        at = self._begin("cancel", at, actor)
        reason = checks.text("reason", reason, REASON_LIMIT)
        return [self._record_fact("BriefingCancelled", {
            "date": self.date, "reason": reason,
        }, at, actor)]

    # -- facts applied --

    def when_BriefingScheduled(self, fact: Fact) -> None:
        p = fact.payload
        self._status = SCHEDULED.value
        self._organiser = p["organiser"]
        self._details = {field: p[field] for field in DETAIL_FIELDS}
        self.scheduled_at = format_time(fact.occurred_at)

    def when_BriefingRevised(self, fact: Fact) -> None:
        self._details = {**self._details, **fact.payload}
        self.revised_at = format_time(fact.occurred_at)

    def when_BriefingHeld(self, fact: Fact) -> None:
        self._status = HELD.value
        self.attendance = fact.payload["attendance"]
        self.held_on = fact.payload["held_on"]
        self.held_at = format_time(fact.occurred_at)

    def when_BriefingCancelled(self, fact: Fact) -> None:
        self._status = CANCELLED.value
        self.cancel_reason = fact.payload["reason"]
        self.cancelled_at = format_time(fact.occurred_at)
