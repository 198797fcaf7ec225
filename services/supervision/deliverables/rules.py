"""The rules of the action's deliverables and of scheduling reports: who may schedule, deliver,
record a miss or issue a report, and the named errors that refuse them. Plain Python, no I/O.

notice 二(五)1: the office (领导小组办公室) tracks and schedules (跟踪调度) the action; the
supervision-and-assessment working group (督查考核组, `supervisor`) acts beside it. A unit's
officer records only its own unit's delivery; the office or the group may record any unit's (a
meeting held, a report received on paper). The timer (`system`) records what was missed.
"""
from __future__ import annotations

import dataclasses

from kernel import errors, rules_table
from kernel.actor import Actor
from kernel.errors import InvalidInput, NoSuch, NotNow, Taken, Worded
from kernel.errors import RoleNotAllowed as RoleNotAllowed  # the deliverables' words too
from services.supervision.cases.exceptions import InvalidDate as InvalidDate  # the same words

OFFICE = ("office", "supervisor")
DELIVERERS = ("unit_officer", "office", "supervisor")
TIMER = ("system", "office", "supervisor")


class DeliverableNotFound(NoSuch):
    rule = "deliverable_not_found"
    template = "no deliverable {id} is scheduled"


class AlreadyScheduled(Taken):
    rule = "deliverable_already_scheduled"
    template = "deliverable {id} is already scheduled"


class NotAnOwner(Worded, errors.Forbidden):
    rule = "not_a_deliverable_owner"
    template = "{unit} owes nothing of {deliverable}; its owners are {owners}"
    at = "unit"

    def __init__(self, unit: str, deliverable: str, owners):
        super().__init__(unit=unit, deliverable=deliverable, owners=", ".join(owners))


class NotOwnUnit(errors.UnitNotOwner):
    template = "an officer of {unit} may not record a delivery of {owner}"

    def __init__(self, own: str | None, unit: str):
        super().__init__(unit=own, owner=unit, doing="record a delivery")


class AlreadyDelivered(Worded):
    rule = "already_delivered"
    template = "{unit} already delivered {deliverable} (at {at})"
    at = "unit"

    def __init__(self, unit: str, deliverable: str, at: str):
        super().__init__(unit=unit, deliverable=deliverable, at=at)


class EvidenceRequired(Worded, InvalidInput):
    rule = "evidence_required"
    template = ("a delivery names its evidence: the ledger seqs that show it (evidence_seqs) or a "
                "document reference (document)")
    at = "evidence_seqs"


class InvalidSeq(InvalidInput):
    rule = "invalid_seq"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r} is not a ledger seq (a whole number ≥ 1)",
                         field=field)


class InvalidYear(InvalidInput):
    rule = "invalid_year"

    def __init__(self, value, low: int, high: int):
        super().__init__(f"year {value!r}: a campaign year is a whole number from {low} to "
                         f"{high}", field="year")


class OwnersRequired(InvalidInput):
    rule = "owners_required"

    def __init__(self, field: str = "owners"):
        super().__init__(f"{field} needs at least one unit that owes the deliverable",
                         field=field)


class InvalidPages(InvalidInput):
    rule = "invalid_pages"

    def __init__(self, value):
        super().__init__(f"pages {value!r} is not a whole number of pages ≥ 1", field="pages")


class NotSummaryReports(Worded):
    rule = "not_summary_reports"
    template = ("{deliverable} is not the summary reports (总结报告); record its delivery as a "
                "delivery")
    at = "id"

    def __init__(self, deliverable: str):
        super().__init__(deliverable=deliverable)


class NotYetDue(NotNow):
    rule = "deliverable_not_yet_due"
    template = "{doing}: it is due {due} and today is {today}"
    at = "at"

    def __init__(self, due: str, today: str):
        Worded.__init__(self, doing="record a miss", due=due, today=today)


class NothingToReview(Worded):
    rule = "no_delivery_to_review"
    template = "{unit} has no delivery of {deliverable} awaiting review: it is {state}"
    at = "unit"

    def __init__(self, unit: str, deliverable: str, state: str):
        super().__init__(unit=unit, deliverable=deliverable, state=state)


class ReportAlreadyIssued(Taken):
    rule = "scheduling_report_already_issued"
    template = "scheduling report {id} is already issued"


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.Row):
    """A row of the deliverables' table: the roles only (a deliverable has no status that
    refuses a command; its own checks name the unit at fault)."""

    role_not_allowed = RoleNotAllowed

    def check(self, actor: Actor) -> None:
        self.check_role(actor)


RULES = rules_table.table(
    Rule("schedule", OFFICE, (), doing="schedule the action's deliverables"),
    Rule("deliver", DELIVERERS, (), doing="record a deliverable's delivery"),
    Rule("receive_summary_report", DELIVERERS, (), doing="record a summary report received"),
    Rule("mark_missed", TIMER, (), doing="record a deliverable missed"),
    # A unit's delivery is its declaration; the office alone accepts it or sends it back.
    Rule("review", ("office",), (), doing="accept or send back a delivery"),
    Rule("issue_scheduling_report", OFFICE, (), doing="issue a scheduling report"),
)


def check(command: str, actor: Actor) -> None:
    RULES[command].check(actor)
