"""Every rule of the evaluation rounds (评议反馈), the year-end assessment (年终考核) and its records
(表彰、诫勉谈话、问责、移交纪检监察) that a command can break, one exception each: a stable `rule`
code, the kind of refusal from its kernel base, a message a clerk can act on, the field at fault.
"""
from __future__ import annotations

from fractions import Fraction

from kernel import errors
from services.supervision.deliverables import rules as deliverable_rules
from kernel.errors import DomainError, Forbidden, InvalidInput, NoSuch, NotNow, Taken, Worded
from services.supervision.cases.exceptions import InvalidDate as InvalidDate  # the same words

# -- the assessment's settings -------------------------------------------------------------------

class InvalidWeight(InvalidInput):
    rule = "invalid_weight"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r} is not a number from 0 to 1", field=field)


class UnknownMeasure(InvalidInput):
    rule = "unknown_measure"

    def __init__(self, field: str, code, known: list[str]):
        super().__init__(f"{field}: {code!r} is not a measure; the measures are: "
                         f"{', '.join(known)}", field=field)


class WeightsDoNotSumToOne(InvalidInput):
    rule = "weights_do_not_sum_to_one"

    def __init__(self, total: Fraction):
        super().__init__(f"the weights make {float(total):g} together; they must make 1",
                         field="weights")


class InvalidFloor(InvalidInput):
    rule = "invalid_satisfaction_floor"

    def __init__(self, value):
        super().__init__(f"satisfaction_floor {value!r} is not a rate from 0 to 1 (0.85 is 85%)",
                         field="satisfaction_floor")


class UnknownStep(InvalidInput):
    rule = "unknown_supervision_step"

    def __init__(self, field: str, step, known: list[str]):
        super().__init__(f"{field}: {step!r} is not a supervision step; the steps are: "
                         f"{', '.join(known)}", field=field)


class InvalidYear(deliverable_rules.InvalidYear):
    """The deliverables' refusal, in the assessment's words."""

    def __init__(self, value, low: int, high: int):
        InvalidInput.__init__(self, f"year {value!r} is not a campaign year from {low} to {high}",
                              field="year")


# -- who may -----------------------------------------------------------------------------------

class RoleNotAllowed(errors.RoleNotAllowed):
    template, joiner = "a {role} may not {doing}; only: {allowed}", ", "


class NotOwnCreditCode(Worded, Forbidden):
    rule = "not_own_credit_code"
    template, at = "an enterprise rates units under its own credit code only", "uscc"


class NotServedByUnit(Forbidden):
    rule = "not_served_by_unit"

    def __init__(self, uscc: str, unit: str):
        super().__init__(f"enterprise {uscc} has had no appeal handled by {unit}: an enterprise "
                         f"rates the units that served it (服务对象评议)", field="unit")


# -- evaluation rounds -------------------------------------------------------------------------

class EvaluationRoundNotFound(NoSuch):
    rule = "evaluation_round_not_found"
    template, at = "no evaluation round {id}", "round_id"


class EvaluationRoundExists(Taken):
    rule = "evaluation_round_exists"
    template, at = "evaluation round {id} is already open", "round_id"


class WindowReversed(InvalidInput):
    rule = "window_reversed"

    def __init__(self, opens: str, closes: str):
        super().__init__(f"the round closes ({closes}) before it opens ({opens})",
                         field="closes")


class MarkOutOfRange(InvalidInput):
    rule = "mark_out_of_range"

    def __init__(self, field: str, value, low: int, high: int):
        super().__init__(f"{field} {value!r} is not a whole mark from {low} (worst) to "
                         f"{high} (best)", field=field)


class UnitNotInRound(DomainError):
    rule = "unit_not_in_round"

    def __init__(self, unit: str, round_id: str):
        super().__init__(f"{unit} is not among the units rated in round {round_id}",
                         field="unit")


class AlreadyRated(DomainError):
    rule = "already_rated"

    def __init__(self, uscc: str, unit: str):
        super().__init__(f"enterprise {uscc} has already rated {unit} in this round: one rating "
                         f"per unit and round", field="unit")


class OutsideWindow(DomainError):
    rule = "outside_rating_window"

    def __init__(self, today: str, opens: str, closes: str):
        super().__init__(f"ratings are taken from {opens} to {closes}; today is {today}",
                         field="at")


class RoundClosed(NotNow):
    rule = "evaluation_round_closed"
    template = "cannot {doing}: the round is closed"


# -- the assessment's records --------------------------------------------------------------------

class NotComputed(NotNow):
    rule = "assessment_not_computed"
    template = "cannot {doing}: the assessment of the year has not been computed"


class UnitNotAssessed(DomainError):
    rule = "unit_not_assessed"

    def __init__(self, unit: str, year: int):
        super().__init__(f"{unit} is not among the units assessed for {year}", field="unit")


class NothingRanked(Worded):
    rule = "nothing_ranked"
    template, at = "no unit has a score: there is no one to commend", "top"


class InvalidTop(InvalidInput):
    rule = "invalid_top"

    def __init__(self, value, high: int):
        super().__init__(f"top {value!r} is not a number of units from 1 to {high}",
                         field="top")


class AlreadyCommended(DomainError):
    rule = "already_commended"

    def __init__(self, units: list[str]):
        super().__init__(f"already commended for this year: {', '.join(units)}", field="top")


class AlreadyPublished(DomainError):
    rule = "ranking_already_published"

    def __init__(self, computation: int):
        super().__init__(f"the ranking of computation {computation} is already published; "
                         "compute the assessment again to publish a new one",
                         field="computation")


class NotBelowThreshold(DomainError):
    rule = "not_below_threshold"

    def __init__(self, unit: str, score, threshold, rate, floor):
        super().__init__(
            f"{unit} scores {score} (threshold {threshold}) and its satisfaction rate is {rate} "
            f"(floor {floor}): an admonishment talk is for a unit below the threshold or the "
            f"floor (服务企业不到位)", field="unit")


class NotRepeatedlyListed(DomainError):
    rule = "not_repeatedly_listed"

    def __init__(self, unit: str, listed: int, minimum: int):
        super().__init__(f"{unit} was listed for supervision (挂牌督办) {listed} times; "
                         f"accountability (问责) is for {minimum} or more", field="unit")


class EvidenceRequired(deliverable_rules.EvidenceRequired):
    template, at = "a referral cites at least one ledger entry as its evidence", "seqs"


class UnknownSeq(InvalidInput):
    rule = "unknown_seq"

    def __init__(self, field: str, value, size: int):
        super().__init__(f"{field} {value!r} is not an entry of the ledger (1 to {size})",
                         field=field)
