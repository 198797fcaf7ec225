"""The events of the action's deliverables and the scheduling reports (notice 二(五)1): what each
fact's payload holds, as its aggregate records it."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class DeliverableDelivered(Payload):
    """An owner unit declared its delivery of a deliverable, citing its evidence."""

    at: str
    document: str | None
    evidence_seqs: list
    note: str
    on_time: bool
    unit: str


class DeliverableMissed(Payload):
    """An owner unit's deliverable passed its date undelivered."""

    due: str
    unit: str


class DeliverableScheduled(Payload):
    """One of the action's deliverables was scheduled for a campaign year, with its date and owner units."""

    clause: str
    code: str
    due: str
    owners: list
    title: str
    year: int


class DeliveryAccepted(Payload):
    """The office accepted a unit's delivery: it counts in the assessment."""

    delivered_at: str
    note: str
    on_time: bool
    unit: str


class DeliverySentBack(Payload):
    """The office sent a unit's delivery back: it is owed again."""

    delivered_at: str
    reason: str
    unit: str


class SummaryReportReceived(Payload):
    """A unit's summary report (总结报告) was received as its delivery."""

    at: str
    document: str
    evidence_seqs: list
    on_time: bool
    pages: int
    title: str
    unit: str


class SchedulingReportIssued(Payload):
    """The office issued a scheduling report (调度通报): what each unit owed, did and did late as of a moment."""

    as_of: str
    number: str
    title: str
    totals: dict
    units: list


EVENTS = Catalogue(
    "supervision",
    declare(DeliverableDelivered, clause="二(五)1"),
    declare(DeliverableMissed, clause="二(五)1"),
    declare(DeliverableScheduled, clause="二(五)1"),
    declare(DeliveryAccepted, clause="二(五)1"),
    declare(DeliverySentBack, clause="二(五)1"),
    declare(SummaryReportReceived, clause="二(五)1"),
    declare(SchedulingReportIssued, clause="二(五)1"),
)
