"""The action's own deliverables (专项行动的时间节点): what the notice requires by which date and of
whom, scheduled for a campaign year, delivered by each owner unit, and — once past its date and
not delivered — missed, which tracking turns into an overdue matter for supervision.

The notice's dates (`NOTICE_ITEMS`, each with its clause):

| code | deliverable | owners | due |
|---|---|---|---|
| mobilisation_meeting | 专项行动动员大会 (二(二)1) | the office | 5月15日 |
| portal_publication | 部门门户网公布具体办法、惠企政策及咨询方式 (二(二)3) | each city department | 5月15日 |
| department_rules | 具体办法或操作细则 (二(一)1) | each city department | 5月20日 |
| compendium | 《惠企政策文件汇编》编制并在政务网公布 (二(一)2, 二(二)3) | the office | 5月20日 |
| surveys | 赴对口园区和企业调研、形成专题报告 (二(三)2) | each city department | 5月25日 |
| help_plans | 市领导挂点联系帮扶方案 (二(三)2) | each city department | 5月底 |
| briefings | 《若干政策措施》宣讲活动 (二(二)1) | each city department, county and zone | 5月底 |
| summary_reports | 专项行动总结报告 (二(五)2) | each city department, county and zone | 12月30日 |

The notice names the survey of the departments alone (各市直部门…先行赴对口园区和企业开展调研), so
the counties owe none; the briefings the counties hold at the same time (同步开展宣讲活动) they do.

A `Deliverable` is one of these for one year (stream type "deliverable", stream id
`deliverable:<year>:<code>`): DeliverableScheduled (title, owners, due), DeliverableDelivered
(one per owner: the unit, when, the evidence — ledger seqs or a document reference — and
whether on time), SummaryReportReceived (the summary reports' delivery: the report's title and
pages beside the same), DeliverableMissed (one per owner, once, by the sweep after the due
date). A due date is inclusive, in office time: delivered on it is on time.

A unit's delivery is its own declaration: it counts in the year's assessment only once the office
accepts it (DeliveryAccepted), and the office may send it back instead with its reason
(DeliverySentBack), after which the unit owes it again and delivers anew (on time or not by the
new delivery's moment). Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.vocabulary import LabelledEnum
from services.supervision.deliverables.events import EVENTS
from services.supervision.deliverables import rules
from services.supervision.deliverables.rules import (
    AlreadyDelivered,
    AlreadyScheduled,
    DeliverableNotFound,
    EvidenceRequired,
    InvalidDate,
    InvalidPages,
    InvalidSeq,
    InvalidYear,
    NotAnOwner,
    NotOwnUnit,
    NotSummaryReports,
    NothingToReview,
    NotYetDue,
    OwnersRequired,
)

STREAM_TYPE = "deliverable"
UNIT_LIMIT = 100
TITLE_LIMIT = 300
NOTE_LIMIT = 2000
DOCUMENT_LIMIT = 300
EVIDENCE_LIMIT = 200
YEARS = (2016, 2100)
# The leading group's office as a unit (kernel.units.OFFICE).
OFFICE_UNIT = "office"


class DeliverableCode(LabelledEnum):
    MOBILISATION_MEETING = "mobilisation_meeting", "专项行动动员大会"
    PORTAL_PUBLICATION = "portal_publication", "门户网公布具体办法、惠企政策及咨询方式"
    DEPARTMENT_RULES = "department_rules", "具体办法或操作细则"
    COMPENDIUM = "compendium", "《赣州市惠企政策文件汇编》编制并公布"
    SURVEYS = "surveys", "对口园区和企业调研专题报告"
    HELP_PLANS = "help_plans", "市领导挂点联系帮扶方案"
    BRIEFINGS = "briefings", "《若干政策措施》宣讲活动"
    SUMMARY_REPORTS = "summary_reports", "专项行动总结报告"


class Owners(LabelledEnum):
    OFFICE = "office", "领导小组办公室"
    DEPARTMENTS = "departments", "市直各部门"
    COUNTIES = "counties", "各县(市、区)和经开区"


class Review(LabelledEnum):
    """The office's review of a unit's delivery: only an accepted one counts."""

    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已认可"


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", "待报送"
    DELIVERED = "delivered", "已报送"
    DELIVERED_LATE = "delivered_late", "逾期报送"
    MISSED = "missed", "逾期未报送"


@dataclasses.dataclass(frozen=True)
class NoticeItem:
    """One of the notice's dated requirements: `day` None is the month's end (月底)."""

    code: DeliverableCode
    owners: tuple[Owners, ...]
    month: int
    day: int | None
    clause: str

    def due(self, year: int) -> dt.date:
        if self.day is not None:
            return dt.date(year, self.month, self.day)
        following = dt.date(year + (self.month == 12), self.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)


NOTICE_ITEMS = (
    NoticeItem(DeliverableCode.MOBILISATION_MEETING, (Owners.OFFICE,), 5, 15, "二(二)1"),
    NoticeItem(DeliverableCode.PORTAL_PUBLICATION, (Owners.DEPARTMENTS,), 5, 15, "二(二)3"),
    NoticeItem(DeliverableCode.DEPARTMENT_RULES, (Owners.DEPARTMENTS,), 5, 20, "二(一)1"),
    NoticeItem(DeliverableCode.COMPENDIUM, (Owners.OFFICE,), 5, 20, "二(一)2、二(二)3"),
    NoticeItem(DeliverableCode.SURVEYS, (Owners.DEPARTMENTS,), 5, 25, "二(三)2"),
    NoticeItem(DeliverableCode.HELP_PLANS, (Owners.DEPARTMENTS,), 5, None, "二(三)2"),
    NoticeItem(DeliverableCode.BRIEFINGS, (Owners.DEPARTMENTS, Owners.COUNTIES), 5, None,
               "二(二)1"),
    NoticeItem(DeliverableCode.SUMMARY_REPORTS, (Owners.DEPARTMENTS, Owners.COUNTIES), 12, 30,
               "二(五)2"),
)


def stream_id_for(year: int, code: str) -> str:
    return f"{STREAM_TYPE}:{year}:{code}"


def campaign_year(value) -> int:
    low, high = YEARS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidYear(value, low, high)
    return value


def _units(field: str, values) -> list[str]:
    if isinstance(values, str) or values is None:
        raise OwnersRequired(field)
    units: list[str] = []
    for value in values:
        unit = checks.text(field, value, UNIT_LIMIT)
        if unit not in units:
            units.append(unit)
    return units


@dataclasses.dataclass(frozen=True)
class Planned:
    """One deliverable of a year's schedule, before it is scheduled."""

    stream_id: str
    year: int
    code: str
    title: str
    owners: tuple[str, ...]
    due: dt.date
    clause: str


def year_schedule(year, *, departments: Iterable[str], counties: Iterable[str],
                  office: str = OFFICE_UNIT) -> list[Planned]:
    """The notice's deliverables for `year`, with their owner units: `departments` the city
    departments (市直各部门), `counties` the counties, districts and zones."""
    year = campaign_year(year)
    by_kind = {Owners.OFFICE: [checks.text("office", office, UNIT_LIMIT)],
               Owners.DEPARTMENTS: _units("departments", departments),
               Owners.COUNTIES: _units("counties", counties)}
    planned = []
    for item in NOTICE_ITEMS:
        owners = [unit for kind in item.owners for unit in by_kind[kind]]
        if not owners:
            raise OwnersRequired(item.owners[0].value)
        planned.append(Planned(stream_id_for(year, item.code.value), year, item.code.value,
                               item.code.label, tuple(dict.fromkeys(owners)), item.due(year),
                               item.clause))
    return planned


def _date(field: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        raise InvalidDate(field, value)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDate(field, value) from None


def _evidence(value) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidSeq("evidence_seqs", value)
    seqs = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item < 1:
            raise InvalidSeq("evidence_seqs", item)
        seqs.append(item)
    if len(seqs) > EVIDENCE_LIMIT:
        raise InvalidSeq("evidence_seqs", f"{len(seqs)} seqs (at most {EVIDENCE_LIMIT})")
    return sorted(set(seqs))


class Deliverable(Aggregate):
    """One of the action's deliverables for one campaign year, owed by its owner units."""

    stream_type = STREAM_TYPE
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.year: int | None = None
        self.code: str | None = None
        self.title: str | None = None
        self.owners: list[str] = []
        self.due: str | None = None
        self.clause: str | None = None
        self.scheduled_at: str | None = None
        # unit → {"at", "on_time", "evidence_seqs", "document", …} as delivered
        self.delivered: dict[str, dict] = {}
        self.missed: dict[str, str] = {}     # unit → when the miss was recorded
        # unit → the deliveries the office sent back, each {"at", "reason", "delivered_at"}
        self.sent_back: dict[str, list[dict]] = {}

    @property
    def status(self) -> str | None:
        if not self.exists:
            return None
        return "complete" if len(self.delivered) == len(self.owners) else "open"

    def accepted(self, unit: str) -> bool:
        delivery = self.delivered.get(unit)
        return delivery is not None and delivery.get("review") == Review.ACCEPTED

    def status_of(self, unit: str) -> DeliveryStatus:
        delivery = self.delivered.get(unit)
        if delivery is not None:
            return DeliveryStatus.DELIVERED if delivery["on_time"] else \
                DeliveryStatus.DELIVERED_LATE
        return DeliveryStatus.MISSED if unit in self.missed else DeliveryStatus.PENDING

    def past_due(self, at: dt.datetime) -> bool:
        return self.due is not None and office_day(at).isoformat() > self.due

    def missing(self, at: dt.datetime) -> list[str]:
        """The owners whose miss the sweep would record at `at`: past the date, not delivered,
        not yet recorded missed."""
        if not self.past_due(at):
            return []
        return [unit for unit in self.owners
                if unit not in self.delivered and unit not in self.missed]

    def snapshot(self) -> dict:
        return {
            "id": self.id, "version": self.version, "year": self.year, "code": self.code,
            "code_label": DeliverableCode(self.code).label if self.code else None,
            "title": self.title, "owners": list(self.owners), "due": self.due,
            "clause": self.clause, "scheduled_at": self.scheduled_at, "status": self.status,
            "units": [{"unit": unit, "status": self.status_of(unit).value,
                       "status_label": self.status_of(unit).label,
                       "delivery": self.delivered.get(unit),
                       "review": (self.delivered[unit].get("review", Review.PENDING.value)
                                  if unit in self.delivered else None),
                       "sent_back": list(self.sent_back.get(unit, ())),
                       "missed_at": self.missed.get(unit)} for unit in self.owners],
        }

    # -- commands --

    def _check(self, command: str, actor: Actor) -> None:
        rules.check(command, actor)

    @classmethod
    def schedule(cls, planned: Planned, *, at: dt.datetime, actor: Actor,
                 existing: Deliverable | None = None) -> Deliverable:
        """Schedule one deliverable of a year (`year_schedule`); refused if already there."""
        at = checks.moment(at)
        rules.check("schedule", actor)
        if existing is not None and existing.exists:
            raise AlreadyScheduled(planned.stream_id)
        deliverable = cls(planned.stream_id)
        owners = _units("owners", planned.owners)
        if not owners:
            raise OwnersRequired()
        deliverable._record_fact("DeliverableScheduled", {
            "year": campaign_year(planned.year),
            "code": checks.code("code", planned.code, DeliverableCode).value,
            "title": checks.text("title", planned.title, TITLE_LIMIT),
            "owners": owners,
            "due": _date("due", planned.due).isoformat(),
            "clause": checks.optional_text("clause", planned.clause, 40),
        }, at, actor)
        return deliverable

    def _owner_command(self, command: str, unit, at, actor: Actor) -> tuple[dt.datetime, str]:
        at = checks.moment(at)
        if not self.exists:
            raise DeliverableNotFound(self.id)
        self._check(command, actor)
        unit = checks.text("unit", unit, UNIT_LIMIT)
        if unit not in self.owners:
            raise NotAnOwner(unit, self.title or self.id, self.owners)
        return at, unit

    def _delivering(self, command: str, unit, at, actor: Actor) -> tuple[dt.datetime, str]:
        at, unit = self._owner_command(command, unit, at, actor)
        if actor.role == "unit_officer" and actor.unit != unit:
            raise NotOwnUnit(actor.unit, unit)
        if unit in self.delivered:
            raise AlreadyDelivered(unit, self.title or self.id, self.delivered[unit]["at"])
        return at, unit

    def deliver(self, *, unit: str, at: dt.datetime, actor: Actor, evidence_seqs=None,
                document: str = "", note: str = "") -> list[Fact]:
        """The unit delivered (late too, after a miss): the evidence names the ledger entries
        that show it (a meeting's record, a filing …) or the document it delivered."""
        at, unit = self._delivering("deliver", unit, at, actor)
        seqs = _evidence(evidence_seqs)
        document = checks.optional_text("document", document, DOCUMENT_LIMIT)
        if not seqs and not document:
            raise EvidenceRequired()
        return [self._record_fact("DeliverableDelivered", {
            "unit": unit, "at": at, "on_time": not self.past_due(at),
            "evidence_seqs": seqs, "document": document or None,
            "note": checks.optional_text("note", note, NOTE_LIMIT),
        }, at, actor)]

    def receive_summary_report(self, *, unit: str, title: str, pages: int, document: str,
                               at: dt.datetime, actor: Actor, evidence_seqs=None) -> list[Fact]:
        """A unit's summary report (总结报告) received by the office. notice 二(五)2"""
        if self.exists and self.code != DeliverableCode.SUMMARY_REPORTS:
            raise NotSummaryReports(self.id)
        at, unit = self._delivering("receive_summary_report", unit, at, actor)
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            raise InvalidPages(pages)
        return [self._record_fact("SummaryReportReceived", {
            "unit": unit, "at": at, "on_time": not self.past_due(at),
            "title": checks.text("title", title, TITLE_LIMIT), "pages": pages,
            "document": checks.text("document", document, DOCUMENT_LIMIT),
            "evidence_seqs": _evidence(evidence_seqs),
        }, at, actor)]

    def _reviewing(self, command: str, unit, at, actor: Actor) -> tuple[dt.datetime, str, dict]:
        at, unit = self._owner_command(command, unit, at, actor)
        delivery = self.delivered.get(unit)
        if delivery is None or delivery.get("review") == Review.ACCEPTED:
            raise NothingToReview(unit, self.title or self.id,
                                  "accepted" if delivery is not None else "not delivered")
        return at, unit, delivery

    def accept(self, *, unit: str, at: dt.datetime, actor: Actor, note: str = "") -> list[Fact]:
        """The office accepts the unit's delivery: from now it counts, as delivered when the
        unit delivered it."""
        at, unit, delivery = self._reviewing("review", unit, at, actor)
        return [self._record_fact("DeliveryAccepted", {
            "unit": unit, "delivered_at": delivery["at"], "on_time": delivery["on_time"],
            "note": checks.optional_text("note", note, NOTE_LIMIT),
        }, at, actor)]

    def send_back(self, *, unit: str, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """The office sends the unit's delivery back, saying why: the unit owes it again."""
        at, unit, delivery = self._reviewing("review", unit, at, actor)
        return [self._record_fact("DeliverySentBack", {
            "unit": unit, "delivered_at": delivery["at"],
            "reason": checks.text("reason", reason, NOTE_LIMIT),
        }, at, actor)]

    def mark_missed(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Record, once per owner, that the date passed with nothing delivered; nothing when
        every owner has delivered or was already recorded. Refused before the date is past."""
        at = checks.moment(at)
        if not self.exists:
            raise DeliverableNotFound(self.id)
        self._check("mark_missed", actor)
        if not self.past_due(at):
            raise NotYetDue(self.due, office_day(at).isoformat())
        return [self._record_fact("DeliverableMissed", {"unit": unit, "due": self.due}, at, actor)
                for unit in self.missing(at)]

    # -- facts applied --

    def when_DeliverableScheduled(self, fact: Fact) -> None:
        p = fact.payload
        self.year, self.code, self.title = p["year"], p["code"], p["title"]
        self.owners, self.due, self.clause = list(p["owners"]), p["due"], p.get("clause")
        self.scheduled_at = fact.occurred_at.isoformat()

    def _delivered(self, fact: Fact) -> None:
        p = fact.payload
        self.delivered[p["unit"]] = {**{key: value for key, value in p.items() if key != "unit"},
                                     "review": Review.PENDING.value}

    def when_DeliverableDelivered(self, fact: Fact) -> None:
        self._delivered(fact)

    def when_SummaryReportReceived(self, fact: Fact) -> None:
        self._delivered(fact)

    def when_DeliveryAccepted(self, fact: Fact) -> None:
        self.delivered[fact.payload["unit"]].update(
            review=Review.ACCEPTED.value, accepted_at=fact.occurred_at.isoformat())

    def when_DeliverySentBack(self, fact: Fact) -> None:
        p = fact.payload
        self.delivered.pop(p["unit"], None)
        self.sent_back.setdefault(p["unit"], []).append({
            "at": fact.occurred_at.isoformat(), "reason": p["reason"],
            "delivered_at": p["delivered_at"]})

    def when_DeliverableMissed(self, fact: Fact) -> None:
        self.missed[fact.payload["unit"]] = fact.occurred_at.isoformat()
