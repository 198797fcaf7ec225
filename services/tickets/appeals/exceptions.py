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

from kernel.errors import Forbidden, InvalidInput, NoSuch, NotNow, StatusDoesNotAllow, Worded
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
