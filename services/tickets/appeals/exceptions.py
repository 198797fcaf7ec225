"""Every rule of the appeal ledger that a command can break, one exception each, on the kernel's
shapes (`kernel.errors`).

Each carries a stable `rule` code (what the gateway and the audit trail key on), the `kind` of
refusal inherited from its kernel base, and its `template`, the message a clerk can act on;
input errors name the `field`. The refusals every service shares are the kernel's and are
raised as they are: a role that may not act (`RoleNotAllowed`), a visit not the leader's own
(`NotOwnVisit`), a field required, too long or unexpected, an unknown code, a filter, cursor or
limit a list refuses. A status that does not allow a command is the kernel's
`StatusDoesNotAllow`, worded with the appeal's statuses (`AppealStatusDoesNotAllow`).
"""
from __future__ import annotations

from kernel.errors import (
    Forbidden, InvalidInput, NoSuch, NotFound, NotNow, StatusDoesNotAllow, Worded,
)
from services.tickets.appeals.vocabulary import Status


# -- bad input ------------------------------------------------------------------------------------

class ExtensionDaysOutOfRange(Worded, InvalidInput):
    rule = "extension_days_out_of_range"
    template = "working_days {days!r}: an extension is {low} to {high} working days"
    at = "working_days"

    def __init__(self, days, low: int, high: int):
        super().__init__(days=days, low=low, high=high)


class LeadUnitAlsoAssisting(Worded, InvalidInput):
    rule = "lead_unit_also_assisting"
    template = "{unit} cannot be both the lead unit and an assisting unit"
    at = "assisting_units"

    def __init__(self, unit: str):
        super().__init__(unit=unit)


class NotACounty(Worded, InvalidInput):
    """County coordination names a county of the register; {what} is what `code` is instead."""

    rule = "not_a_county"
    template = ("{field} {code!r} is {what}: county coordination (由县(市、区)协调解决) names a "
                "registered county, county-level city or district (县市区)")

    def __init__(self, field: str, code: str, kind: str | None):
        what = ("a " + kind.replace("_", " ")) if kind else "not a county"
        super().__init__(field=field, code=code, what=what)


class InvalidPhone(Worded, InvalidInput):
    """Not a number a clerk can call back in China: {why} says what is wrong with it."""

    rule = "invalid_callback_phone"
    template = ("{field} {value!r} is not a Chinese mobile or fixed-line number ({why}); write it "
                "as 13812345678, or a fixed line with its area code as 0797-8123456")
    at = "contact_phone"

    def __init__(self, value, why: str, field: str | None = None):
        super().__init__(value=value, why=why, field=field)


class InvalidEmail(Worded, InvalidInput):
    rule = "invalid_callback_email"
    template = "{field} {value!r} is not an e-mail address ({why}); write it as name@example.cn"
    at = "contact_email"

    def __init__(self, value, why: str, field: str | None = None):
        super().__init__(value=value, why=why, field=field)


class ContactRequired(Worded, InvalidInput):
    """A typed appeal (a 12345 work order) names who to call back: {field} is missing."""

    rule = "callback_contact_required"
    template = ("{field} is required: an appeal raised with its type ({appeal_type}) names who "
                "the office calls back (contact_person and contact_phone)")

    def __init__(self, field: str, appeal_type: str):
        super().__init__(field=field, appeal_type=appeal_type)


class ConfidentialWithoutContact(Worded, InvalidInput):
    rule = "confidential_without_contact"
    template = ("confidential hides the contact from the handling unit; give contact_person and "
                "contact_phone, or leave confidential out")
    at = "confidential"

    def __init__(self):
        super().__init__()


# -- who may act ----------------------------------------------------------------------------------

class NotLeadUnit(Worded, Forbidden):
    rule = "not_lead_unit"
    template = ("only the lead unit ({lead_unit}) may {doing}; {unit} is not it "
                "(assisting units may only add progress notes)")

    def __init__(self, unit: str | None, lead_unit: str | None, doing: str):
        super().__init__(unit=unit, lead_unit=lead_unit or "none yet", doing=doing)


class UnitNotInvolved(Worded, Forbidden):
    rule = "unit_not_involved"
    template = "{unit} is neither the lead unit nor an assisting unit of this appeal"

    def __init__(self, unit: str | None):
        super().__init__(unit=unit)


class NotAssistingUnit(Worded, Forbidden):
    rule = "not_assisting_unit"
    template = ("only an assisting unit may {doing}, and only on its own task; {unit} is not an "
                "assisting unit of this appeal (the lead unit reads the replies, the office may "
                "waive a task)")

    def __init__(self, unit: str | None, doing: str):
        super().__init__(unit=unit, doing=doing)


class NotInLinkage(Worded, Forbidden):
    rule = "not_in_linkage"
    template = ("a {role} reads only the appeals of {whose} linkage: the enterprises and park it "
                "links, and the appeals raised from its visits (a leader the register does not "
                "hold, or a liaison officer not appointed, reads none)")

    def __init__(self, role: str):
        super().__init__(role=role, whose="his" if role == "leader" else "his leader's")


class NotOwnAppeal(Worded, Forbidden):
    rule = "not_own_appeal"
    template = "an enterprise may {doing} only for an appeal raised under its own credit code"

    def __init__(self, doing: str):
        super().__init__(doing=doing)


class VisitRequired(Worded, Forbidden):
    """A leader or liaison officer raises an appeal in an enterprise's name only for a problem
    found on a visit (notice 二(三)2), and says which visit."""

    rule = "visit_required"
    template = ("a {role} raises an appeal in an enterprise's name only for a problem found on a "
                "visit: name the visit in visit_id")
    at = "visit_id"

    def __init__(self, role: str):
        super().__init__(role=role)


# -- the ticket's life ----------------------------------------------------------------------------

class TicketNotFound(NoSuch):
    rule = "ticket_not_found"
    template = "no appeal {id} in the ledger"
    at = None


class AppealStatusDoesNotAllow(StatusDoesNotAllow):
    """The kernel's refusal, the appeal's statuses worded with their labels."""

    template = "cannot {doing} an appeal that is {status}; only one that is {allowed}"
    joiner = "、"

    @staticmethod
    def named(status) -> str:
        current = Status(status)
        return f"{current.label} ({current.value})"

    @staticmethod
    def listed(status) -> str:
        allowed = Status(status)
        return f"{allowed.label} {allowed.value}"


class TicketClosed(NotNow):
    rule = "ticket_closed"
    template = "the appeal is closed off (已销号); it must be reopened before you {doing}"


class NotSignedFor(NotNow):
    rule = "not_signed_for"
    template = "the appeal must be signed for first (签收) before you {doing}"


class NotClassified(NotNow):
    rule = "not_classified"
    template = ("the appeal must be classified into one of the five ways of handling first "
                "before you {doing}")


class NotResolved(Worded):
    rule = "not_resolved"
    template = "only a resolved appeal (已办结) that is awaiting its rating can be rated"


class NotRatedSatisfied(Worded):
    rule = "not_rated_satisfied"
    template = "only an appeal rated satisfied or basically satisfied can be closed off (销号)"


class RatingPeriodNotOver(Worded):
    rule = "rating_period_not_over"
    template = "the enterprise may still rate this appeal until {wait_until}"

    def __init__(self, wait_until: str):
        super().__init__(wait_until=wait_until)


class NotAwaitingUpperLevel(Worded):
    rule = "not_awaiting_upper_level"
    template = ("only an appeal reported to the provincial or national level can record its "
                "follow-up")


class NotClosed(Worded):
    rule = "not_closed"
    template = "only a closed-off appeal can be reopened"


class ExtensionAlreadyPending(Worded):
    rule = "extension_already_pending"
    template = "an extension request is already waiting for the office's decision"


class NoPendingExtension(Worded):
    rule = "no_pending_extension"
    template = "there is no extension request waiting for a decision"


# -- assisting units' tasks (协办) ---------------------------------------------------------------

class NoAssistTask(Worded, NotFound):
    rule = "no_assist_task"
    template = "{unit} has no task on this appeal: only the assisting units it was dispatched to do"
    at = "unit"

    def __init__(self, unit: str | None):
        super().__init__(unit=unit)


class AssistTaskNotOpen(Worded):
    rule = "assist_task_not_open"
    template = "the task of {unit} is {state} already: only an open task can be {doing}"

    def __init__(self, unit: str, state: str, doing: str):
        super().__init__(unit=unit, state=state, doing=doing)


class AssistTaskNotSignedFor(Worded):
    rule = "assist_task_not_signed_for"
    template = "{unit} must sign for its task (签收) before it replies to the lead unit"

    def __init__(self, unit: str):
        super().__init__(unit=unit)


class AssistTasksOpen(Worded):
    """The lead unit answers for the whole appeal (主办), so the assisting units' parts come first."""

    rule = "assist_tasks_open"
    template = ("the appeal cannot be resolved while assisting units' tasks are open: {units}; "
                "each must reply to the lead unit, or the office waive it")

    def __init__(self, units: list[str]):
        super().__init__(units=", ".join(units))
        self.open_tasks = list(units)


class TaskDaysNotAssisting(Worded, InvalidInput):
    rule = "task_days_not_assisting"
    template = "task_days names {unit}, which is not among the assisting units dispatched to"
    at = "task_days"

    def __init__(self, unit: str):
        super().__init__(unit=unit)


class TaskDaysOutOfRange(Worded, InvalidInput):
    rule = "task_days_out_of_range"
    template = "task_days of {unit}: {days!r}: a task is given {low} to {high} working days"
    at = "task_days"

    def __init__(self, unit: str, days, low: int, high: int):
        super().__init__(unit=unit, days=days, low=low, high=high)


# -- returns, merges, splits and links ------------------------------------------------------------

class ReturnPeriodOver(Worded):
    """退回: a lead unit returns an appeal within 2 working days of its dispatch, or takes it."""

    rule = "return_period_over"
    template = ("an appeal may be returned only within {days} working days of its dispatch "
                "(until {until}); it must now be handled, or the office asked to redispatch it")

    def __init__(self, days: int, until: str):
        super().__init__(days=days, until=until)


class ReturnAlreadyRuled(Worded):
    """终审 is final for the appeal: once the office ruled on a return, no unit returns it again."""

    rule = "return_already_ruled"
    template = ("the office has ruled (终审) that {unit} must take this appeal; it cannot be "
                "returned again")

    def __init__(self, unit: str | None):
        super().__init__(unit=unit or "the lead unit")


class NotReturned(Worded):
    rule = "not_returned"
    template = "only an appeal returned to the office (退回待处理) can be ruled on"


class TicketMergedAway(NotNow):
    rule = "ticket_merged"
    template = ("the appeal was merged into another (已合并) and is handled there: no one may "
                "{doing} now")


class TicketSplitAway(NotNow):
    rule = "ticket_split"
    template = ("the appeal was split into new appeals (已拆分), each handled on its own: no one "
                "may {doing} now")


class SameAppeal(Worded, InvalidInput):
    rule = "same_appeal"
    template = "{field} names this appeal itself ({id}): name another appeal"

    def __init__(self, field: str, id: str):
        super().__init__(field=field, id=id)


class AppealNamedTwice(Worded, InvalidInput):
    rule = "appeal_named_twice"
    template = "{field} names the appeal {id} more than once"

    def __init__(self, field: str, id: str):
        super().__init__(field=field, id=id)


class TooFewMatters(Worded, InvalidInput):
    rule = "too_few_matters"
    template = "a split needs at least {least} matters in {field}; {given} given"
    at = "matters"

    def __init__(self, given: int, least: int = 2):
        super().__init__(given=given, least=least)


class AlreadyLinked(Worded):
    rule = "already_linked"
    template = "the appeal is already linked to {ledger_number}"

    def __init__(self, ledger_number: str | None):
        super().__init__(ledger_number=ledger_number)


class NotMerged(Worded):
    rule = "not_merged"
    template = ("only an appeal merged into another (已合并) is rated this way; rate any other "
                "appeal once it is resolved")


class SurvivorNotResolved(Worded):
    rule = "survivor_not_resolved"
    template = ("the appeal it was merged into ({ledger_number}) is {status}: its outcome can be "
                "rated once that appeal is resolved")

    def __init__(self, ledger_number: str | None, status: str):
        super().__init__(ledger_number=ledger_number, status=status)


class MergedOutcomeAlreadyRated(Worded):
    rule = "merged_outcome_already_rated"
    template = "the enterprise's outcome of this merged appeal is already rated ({rating})"

    def __init__(self, rating: str):
        super().__init__(rating=rating)


class NotAwaitingCallback(Worded):
    rule = "not_awaiting_callback"
    template = ("a callback (回访) is recorded on a resolved appeal (已办结 or 已评价), before it is "
                "closed off (销号)")


# -- the rectification of a bad rating (差评整改) --------------------------------------------------

class NoRectification(Worded, NotFound):
    rule = "no_rectification"
    template = ("the appeal has no rectification {number}: a rectification (差评整改) is opened "
                "by a rating of 不满意 or worse, numbered 1, 2, … on the appeal")
    at = "number"

    def __init__(self, number):
        super().__init__(number="waiting" if number is None else repr(number))


class RectificationToChoose(Worded, InvalidInput):
    rule = "rectification_to_choose"
    template = ("the appeal has rectifications {numbers} waiting: name the one to {doing} by "
                "its number")
    at = "number"

    def __init__(self, numbers: list[int], doing: str):
        super().__init__(numbers=", ".join(map(str, numbers)), doing=doing)


class NotRectifyingUnit(Worded, Forbidden):
    rule = "not_rectifying_unit"
    template = ("only the unit the bad rating was for ({owner}) verifies and rectifies it; "
                "{unit} may not")

    def __init__(self, unit: str | None, owner: str | None):
        super().__init__(unit=unit, owner=owner)


class RectificationNotOpen(Worded):
    rule = "rectification_not_open"
    template = ("rectification {number} is {state} already: it is classified once, while it "
                "waits for the unit's verification (待核实)")

    def __init__(self, number: int, state: str, doing: str = "classified"):
        super().__init__(number=number, state=state)


class RectificationNotPlanned(Worded):
    rule = "rectification_not_planned"
    template = ("rectification {number} is {state}: only a 限期整改 plan not yet carried out is "
                "reported completed")

    def __init__(self, number: int, state: str):
        super().__init__(number=number, state=state)


class RectificationNotDisputed(Worded):
    rule = "rectification_not_disputed"
    template = ("rectification {number} is {state}: the office rules only on a 申诉 that waits "
                "for its review")

    def __init__(self, number: int, state: str):
        super().__init__(number=number, state=state)


class PlanDateNotAhead(Worded, InvalidInput):
    rule = "plan_date_not_ahead"
    template = "plan_due {value!r}: a 限期整改 plan is carried out by a calendar date after today"
    at = "plan_due"

    def __init__(self, value):
        super().__init__(value=value)
