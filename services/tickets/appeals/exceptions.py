"""Every rule of the appeal ledger that a command can break, one exception each.

Each carries a stable `rule` code (what the gateway and the audit trail key on), the `kind` of
refusal inherited from its kernel base, and a message a clerk can act on; input errors name the
`field`. The generic checks (a field required, too long, unexpected; an unknown code; a filter,
cursor or limit a list refuses) are the kernel's, in `kernel.errors`.
"""
from __future__ import annotations

from kernel.errors import DomainError, Forbidden, InvalidInput, NotFound
from services.tickets.appeals.vocabulary import Status


# -- bad input ------------------------------------------------------------------------------------

class ExtensionDaysOutOfRange(InvalidInput):
    rule = "extension_days_out_of_range"

    def __init__(self, days, low: int, high: int):
        super().__init__(
            f"working_days {days!r}: an extension is {low} to {high} working days", field="working_days")


class LeadUnitAlsoAssisting(InvalidInput):
    rule = "lead_unit_also_assisting"

    def __init__(self, unit: str):
        super().__init__(
            f"{unit} cannot be both the lead unit and an assisting unit", field="assisting_units")


# -- who may act ----------------------------------------------------------------------------------

class RoleNotAllowed(Forbidden):
    rule = "role_not_allowed"

    def __init__(self, role: str, command: str, allowed: tuple[str, ...]):
        super().__init__(f"a {role} may not {command}; only {' or '.join(allowed)} may")


class NotLeadUnit(Forbidden):
    rule = "not_lead_unit"

    def __init__(self, unit: str | None, lead_unit: str | None, command: str):
        super().__init__(
            f"only the lead unit ({lead_unit or 'none yet'}) may {command}; {unit} is not it "
            "(assisting units may only add progress notes)")


class UnitNotInvolved(Forbidden):
    rule = "unit_not_involved"

    def __init__(self, unit: str | None):
        super().__init__(f"{unit} is neither the lead unit nor an assisting unit of this appeal")


class NotInLinkage(Forbidden):
    rule = "not_in_linkage"

    def __init__(self, role: str):
        whose = "his" if role == "leader" else "his leader's"
        super().__init__(
            f"a {role} reads only the appeals of {whose} linkage: the enterprises and park it "
            "links, and the appeals raised from its visits (a leader the register does not "
            "hold, or a liaison officer not appointed, reads none)")


class NotACounty(InvalidInput):
    rule = "not_a_county"

    def __init__(self, field: str, code: str, kind: str | None):
        super().__init__(
            f"{field} {code!r} is {('a ' + kind.replace('_', ' ')) if kind else 'not a county'}: "
            "county coordination (由县(市、区)协调解决) names a registered county, county-level "
            "city or district (县市区)", field=field)


class NotOwnAppeal(Forbidden):
    rule = "not_own_appeal"

    def __init__(self, command: str):
        super().__init__(f"an enterprise may {command} only for an appeal raised under its own credit code")


class NotOwnVisit(Forbidden):
    """The visit named is not one the caller's leader made to that enterprise: a problem is
    raised in an enterprise's name only from a visit to it (notice 三(一)2)."""

    rule = "not_own_visit"

    def __init__(self, visit_id: str):
        super().__init__(f"visit {visit_id} is not a recorded visit of your leader to this "
                         "enterprise; name the visit the problem was found on", field="visit_id")


class VisitRequired(Forbidden):
    """A leader or liaison officer raises an appeal in an enterprise's name only for a problem
    found on a visit (notice 二(三)2), and says which visit."""

    rule = "visit_required"

    def __init__(self, role: str):
        super().__init__(f"a {role} raises an appeal in an enterprise's name only for a problem "
                         "found on a visit: name the visit in visit_id", field="visit_id")


# -- the ticket's life ----------------------------------------------------------------------------

class TicketNotFound(NotFound):
    rule = "ticket_not_found"

    def __init__(self, ticket_id: str):
        super().__init__(f"no appeal {ticket_id} in the ledger")


class TicketClosed(DomainError):
    rule = "ticket_closed"

    def __init__(self, command: str):
        super().__init__(f"the appeal is closed off (已销号); it must be reopened before you {command}")


class StatusDoesNotAllow(DomainError):
    rule = "status_does_not_allow"

    def __init__(self, command: str, status, allowed):
        current = Status(status)
        allowed_labels = "、".join(f"{Status(s).label} {Status(s).value}" for s in allowed)
        super().__init__(
            f"cannot {command} an appeal that is {current.label} ({current.value}); "
            f"only one that is {allowed_labels}")


class NotSignedFor(DomainError):
    rule = "not_signed_for"

    def __init__(self, command: str):
        super().__init__(f"the appeal must be signed for first (签收) before you {command}")


class NotClassified(DomainError):
    rule = "not_classified"

    def __init__(self, command: str):
        super().__init__(
            f"the appeal must be classified into one of the five ways of handling first before you {command}")


class NotResolved(DomainError):
    rule = "not_resolved"

    def __init__(self):
        super().__init__("only a resolved appeal (已办结) that is awaiting its rating can be rated")


class NotRatedSatisfied(DomainError):
    rule = "not_rated_satisfied"

    def __init__(self):
        super().__init__(
            "only an appeal rated satisfied or basically satisfied can be closed off (销号)")


class RatingPeriodNotOver(DomainError):
    rule = "rating_period_not_over"

    def __init__(self, wait_until: str):
        super().__init__(f"the enterprise may still rate this appeal until {wait_until}")


class NotAwaitingUpperLevel(DomainError):
    rule = "not_awaiting_upper_level"

    def __init__(self):
        super().__init__("only an appeal reported to the provincial or national level can record its follow-up")


class NotClosed(DomainError):
    rule = "not_closed"

    def __init__(self):
        super().__init__("only a closed-off appeal can be reopened")


class ExtensionAlreadyPending(DomainError):
    rule = "extension_already_pending"

    def __init__(self):
        super().__init__("an extension request is already waiting for the office's decision")


class NoPendingExtension(DomainError):
    rule = "no_pending_extension"

    def __init__(self):
        super().__init__("there is no extension request waiting for a decision")


# -- the routing table ----------------------------------------------------------------------------

class RouteNotFound(NotFound):
    rule = "route_not_found"

    def __init__(self, category: str, county: str):
        super().__init__(f"no route for category {category} in {county}")
