"""Every rule of the supervision ladder (督查) that a command can break, one exception each: a
stable `rule` code, the kind of refusal from its kernel base, a message a clerk can act on, the
field at fault. The shapes many rules share (a role not allowed, a case not found, a closed case,
another unit's notice) are the kernel's (`kernel.errors`)."""
from __future__ import annotations

from kernel import errors
from services.supervision.access import SupervisionRoleNotAllowed
from kernel.errors import (
    DomainError, InvalidInput, NoSuch, NotNow, Taken, UnitNotOwner, Worded,
)
from kernel.errors import DateInFuture as DateInFuture  # supervision's words too
from kernel.errors import InvalidDate as InvalidDate  # supervision's words too

# -- the thresholds (督办时限) ------------------------------------------------------------------

class InvalidThreshold(InvalidInput):
    rule = "invalid_threshold"

    def __init__(self, step: str, value, low: int, high: int):
        super().__init__(f"thresholds.{step} {value!r}: a step is due after {low} to {high} "
                         "working days overdue (a whole number)", field=f"thresholds.{step}")


class ThresholdMissing(InvalidInput):
    rule = "threshold_missing"

    def __init__(self, step: str):
        super().__init__(f"thresholds.{step} is required: every step of the ladder has its "
                         "number of working days overdue", field=f"thresholds.{step}")


class ThresholdsNotAscending(InvalidInput):
    rule = "thresholds_not_ascending"

    def __init__(self, step: str, value: int, before: str, before_value: int):
        super().__init__(f"thresholds.{step} {value} must be above thresholds.{before} "
                         f"({before_value}): the ladder climbs one step at a time, in order",
                         field=f"thresholds.{step}")


class UnknownStep(InvalidInput):
    rule = "unknown_step"

    def __init__(self, step, allowed):
        super().__init__(f"thresholds.{step} is not a step of the ladder; the steps are: "
                         f"{', '.join(allowed)}", field=f"thresholds.{step}")


# -- who may ------------------------------------------------------------------------------------

class RoleNotAllowed(SupervisionRoleNotAllowed):
    """The same refusal as the service's (`access`), the roles named by their codes alone."""

    template, joiner = "a {role} may not {doing}; only: {allowed}", ", "

    def __init__(self, role: str, doing: str, allowed):
        errors.RoleNotAllowed.__init__(self, role, doing, allowed)


class NotOwnUnit(UnitNotOwner):
    template, at = "{doing} is for {owner}'s officers; an officer of {unit} may not", "unit"


# -- what exists --------------------------------------------------------------------------------

class CaseNotFound(NoSuch):
    rule = "supervision_case_not_found"
    template, at = "no supervision case {id}", "case_id"


class CaseAlreadyOpen(Taken):
    rule = "supervision_case_open"
    template, at = "supervision case {id} is already open for this matter", "case_id"


# -- the case's state ---------------------------------------------------------------------------

class StatusDoesNotAllow(errors.StatusDoesNotAllow):
    rule = "supervision_status_does_not_allow"


class CaseClosed(NotNow):
    rule = "supervision_case_closed"
    template = "cannot {doing}: the case is closed (its matter is done)"


class StepNotDue(DomainError):
    """The ladder's next step is not due yet: nothing to climb to."""

    rule = "supervision_step_not_due"

    def __init__(self, due: str | None, reached: str | None):
        super().__init__(f"no step to climb: the step due is {due or 'none'} and the case has "
                         f"reached {reached or 'none'}; a case never climbs down", field="step")


class AlreadyListed(Worded):
    rule = "supervision_already_listed"
    template, at = "the case is already under listed supervision (挂牌督办)", "step"


class StepNotReached(DomainError):
    """The office records an inspection or an interview only once the ladder has reached it."""

    rule = "supervision_step_not_reached"

    def __init__(self, doing: str, step: str, reached: str | None):
        super().__init__(f"cannot {doing}: the case has reached {reached or 'no step'}, "
                         f"not {step} yet", field="step")


class AlreadyRecorded(DomainError):
    rule = "supervision_already_recorded"

    def __init__(self, what: str):
        super().__init__(f"the {what} of this case is recorded already", field="case_id")


class NoticeDetailsRequired(InvalidInput):
    rule = "supervision_notice_details_required"

    def __init__(self, field: str):
        super().__init__(f"{field} is required to issue a supervision notice (督查通知书)",
                         field=field)


class AnswerByTooEarly(InvalidInput):
    rule = "supervision_answer_by_too_early"

    def __init__(self, answer_by: str, issued_on: str):
        super().__init__(f"answer_by {answer_by} must fall after the day the notice is issued "
                         f"({issued_on})", field="answer_by")


class NoNoticeIssued(Worded):
    rule = "supervision_no_notice"
    template = ("no supervision notice (督查通知书) was issued in this case: there is nothing to "
                "answer")
    at = "case_id"


class NoticeAlreadyAnswered(DomainError):
    rule = "supervision_notice_answered"

    def __init__(self, number: str):
        super().__init__(f"supervision notice {number} is answered already", field="case_id")


class InvalidSeqs(InvalidInput):
    rule = "invalid_seqs"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r}: ledger seqs are whole numbers from 1", field=field)


class InvalidOverdueDays(InvalidInput):
    rule = "invalid_overdue_days"

    def __init__(self, value):
        super().__init__(f"overdue_working_days {value!r}: a count of working days from 0",
                         field="overdue_working_days")


class NamesRequired(InvalidInput):
    rule = "names_required"

    def __init__(self, field: str):
        super().__init__(f"{field} needs at least one name", field=field)
