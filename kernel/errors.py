"""Every error the kernel defines, in one place: the broken rules a domain raises, the generic
input checks every service shares, the store's lost race, and `Refused`, the one error that
crosses RPC.

An error carries a `kind` — what sort of refusal it is — never an HTTP status: a domain knows
nothing of HTTP. The HTTP edge (`kernel.entrypoints.HTTP_STATUS`) maps kinds to statuses in one
table.
"""
from __future__ import annotations

import json
from typing import ClassVar

# -- kinds -----------------------------------------------------------------------------------

INVALID = "invalid"                  # the input breaks a rule of shape or vocabulary
MALFORMED = "malformed"              # the request cannot even be read (not JSON, not an object)
UNAUTHENTICATED = "unauthenticated"  # no caller, or one that cannot be trusted
FORBIDDEN = "forbidden"              # the caller may not do this
NOT_FOUND = "not_found"              # the thing acted on does not exist
CONFLICT = "conflict"                # the thing's state does not allow it now
UNAVAILABLE = "unavailable"          # a service behind the caller is not answering
TOO_LARGE = "too_large"              # the request is bigger than anything the API takes
STALE = "stale"                      # the caller's If-Match names a version no longer current
UNCONDITIONAL = "unconditional"      # a change of shared configuration sent without If-Match
KINDS = (INVALID, MALFORMED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, UNAVAILABLE,
         TOO_LARGE, STALE, UNCONDITIONAL)


# -- broken rules ----------------------------------------------------------------------------

class DomainError(Exception):
    """A broken rule. `rule` is a stable code; the message is what a clerk can act on; `field`
    names the input at fault, if one is."""

    rule = "domain_rule"
    kind = CONFLICT

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    rule = "invalid_input"
    kind = INVALID


class NotFound(DomainError):
    rule = "not_found"
    kind = NOT_FOUND


class Forbidden(DomainError):
    rule = "forbidden"
    kind = FORBIDDEN


# -- the shapes the services' rules share ----------------------------------------------------
# A service's error on one of these names its `rule` and its `template`, the message with the
# words its base takes in braces ({field} too, the field at fault); `at` is that field, unless
# the caller names another. The kind is the base's.

class Worded(DomainError):
    """A broken rule whose message is its `template` filled in with the words given."""

    template: ClassVar[str] = ""
    at: ClassVar[str | None] = None

    def __init__(self, *, field: str | None = None, **words):
        field = field or self.at
        super().__init__(self.template.format(field=field, **words), field=field)


class NoSuch(Worded, NotFound):
    """The thing named does not exist: {id}, the id it was asked by."""

    at = "id"

    def __init__(self, id: str, field: str | None = None):
        super().__init__(id=id, field=field)


class Taken(Worded):
    """A thing is already there under {id}."""

    at = "id"

    def __init__(self, id: str):
        super().__init__(id=id)


class NotNow(Worded):
    """The thing's state does not allow {doing}, the command (in a rules table's words) now."""

    def __init__(self, doing: str):
        super().__init__(doing=doing)


class RoleNotAllowed(Worded, Forbidden):
    """A {role} may not {doing}: {allowed}, the roles that may, joined by `joiner`."""

    rule = "role_not_allowed"
    template = "a {role} may not {doing}; only {allowed} may"
    joiner: ClassVar[str] = " or "

    def __init__(self, role: str, doing: str, allowed):
        super().__init__(role=role, doing=doing, allowed=self.joiner.join(allowed))


class UnitNotOwner(Worded, Forbidden):
    """An officer of {unit} may not {doing}: the thing is {owner}'s (a rules table's
    `not_own_unit`). A service names its own rule and template where the refusal is its own
    (`not_issuing_unit`, `not_own_county`)."""

    rule = "not_own_unit"
    template = "{doing} is for {owner}'s officers or the office; an officer of {unit} may not"
    at = "unit"

    def __init__(self, unit: str | None, owner: str | None, doing: str):
        super().__init__(unit=unit, owner=owner, doing=doing)


class NotOwnVisit(Worded, Forbidden):
    """A leader (or his liaison officer) acting on a visit that is not his leader's: {doing},
    what he tried. notice 三(一)2: a leader records and follows up his own visits."""

    rule = "not_own_visit"
    template = "a leader may {doing} only for his own visits"
    at = "leader_id"

    def __init__(self, doing: str, field: str | None = None):
        super().__init__(doing=doing, field=field)


class StatusDoesNotAllow(Worded):
    """The thing's {status} does not allow {doing}; {allowed}, the statuses that do (a rules
    table's `status_does_not_allow`). `named` words the status, `listed` each allowed one."""

    rule = "status_does_not_allow"
    template = "cannot {doing} while it is {status}; only while {allowed}"
    joiner: ClassVar[str] = ", "

    def __init__(self, doing: str, status, allowed):
        super().__init__(doing=doing, status=self.named(status),
                         allowed=self.joiner.join(self.listed(s) for s in allowed))

    @staticmethod
    def named(status) -> str:
        return str(status)

    @staticmethod
    def listed(status) -> str:
        return str(status)


class NothingChanged(Worded, InvalidInput):
    """A revision, an amendment or a change that leaves the thing as it is: {what}, the change
    in the caller's words ("revision of the draft")."""

    rule = "nothing_changed"
    template = "the {what} changes nothing; change at least one field"


class NotYetDue(Worded):
    """A thing marked overdue on or before its due day: {what} is due on {due} (inclusive),
    {today} the day it was asked."""

    rule = "not_yet_due"
    template = ("{what} is due on {due} inclusive; it is overdue only after that day (today is "
                "{today})")
    at = "due"


# -- the generic input checks (kernel.checks raises these) -----------------------------------

class FieldRequired(InvalidInput):
    rule = "field_required"

    def __init__(self, field: str, what: str = ""):
        super().__init__(f"{field} is required{': ' + what if what else ''}", field=field)


class FieldTooLong(InvalidInput):
    rule = "field_too_long"

    def __init__(self, field: str, limit: int, length: int):
        super().__init__(f"{field} is {length} characters long; at most {limit} are allowed",
                         field=field)


class UnexpectedField(InvalidInput):
    rule = "unexpected_field"

    def __init__(self, field: str, context: str):
        super().__init__(f"{field} does not belong to {context}", field=field)


class NotAnObject(InvalidInput):
    """A body, or a part of one, that is not an object (a list, a string, a number)."""

    rule = "not_an_object"

    def __init__(self, field: str, fields=(), value=None):
        some = f" with some of: {', '.join(fields)}" if fields else ""
        got = f" {value!r}" if value is not None else ""
        super().__init__(f"{field}{got}: expected an object{some}", field=field)


class NotAList(InvalidInput):
    """A field that takes a list, given something else."""

    rule = "not_a_list"

    def __init__(self, field: str):
        super().__init__(f"{field} must be a list", field=field)


class UnknownUnit(InvalidInput):
    """A unit the liaison service's register does not hold: the request names something that is
    not there (`kernel.units` checks other services' unit names against its copy)."""

    rule = "unknown_unit"

    def __init__(self, field: str, code):
        super().__init__(
            f"{field} {code!r} is not in the register of units kept by the liaison service; "
            "the office registers a unit there first (the counties, districts and development "
            "zones and the leading group's office are always known)", field=field)


class UnknownCode(InvalidInput):
    """A value outside one of a service's vocabularies."""

    rule = "unknown_code"

    def __init__(self, field: str, value, allowed: list[str]):
        super().__init__(f"{field} {value!r} is not one of: {', '.join(allowed)}", field=field)


class InvalidCreditCode(InvalidInput):
    rule = "invalid_uscc"

    def __init__(self, value: str, field: str = "uscc"):
        super().__init__(
            f"{field} {value!r} is not a valid unified social credit code (统一社会信用代码): "
            "18 characters with a correct check character", field=field)


class NaiveTime(InvalidInput):
    rule = "naive_time"

    def __init__(self, field: str = "at"):
        super().__init__(f"{field} must be a timezone-aware moment", field=field)


# -- list queries ----------------------------------------------------------------------------

class InvalidDate(InvalidInput):
    rule = "invalid_date"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r} is not a calendar date (YYYY-MM-DD)", field=field)


class DateInFuture(InvalidInput):
    rule = "date_in_future"

    def __init__(self, field: str, value: str, today: str):
        super().__init__(f"{field} {value} is after today ({today}): record what has happened",
                         field=field)


class UnknownFilter(InvalidInput):
    rule = "unknown_filter"

    def __init__(self, name: str, known: list[str]):
        super().__init__(f"{name} is not a filter here; the filters are: {', '.join(known)}",
                         field=name)


class InvalidFilterValue(InvalidInput):
    rule = "invalid_filter_value"

    def __init__(self, field: str, value, expected: str):
        super().__init__(f"{field} {value!r}: expected {expected}", field=field)


class InvalidCursor(InvalidInput):
    rule = "invalid_cursor"

    def __init__(self):
        super().__init__("cursor is not one this list handed out; start again from the first page",
                         field="cursor")


class LimitOutOfRange(InvalidInput):
    rule = "limit_out_of_range"

    def __init__(self, limit, low: int, high: int):
        super().__init__(f"limit {limit!r}: a page holds {low} to {high} items", field="limit")


# -- the store -------------------------------------------------------------------------------

class ConcurrencyError(Exception):
    """The stream moved on since it was loaded: another command won. Nothing was written."""

    def __init__(self, stream_id: str, expected_version: int):
        super().__init__(
            f"stream {stream_id} is no longer at version {expected_version}: "
            "another change was recorded first; reload and try again")
        self.stream_id = stream_id
        self.expected_version = expected_version


# -- commands carried out once (kernel.dependencies.Commands) ---------------------------------

class IdempotencyKeyReused(DomainError):
    """The caller sent an Idempotency-Key it had already used for another request."""

    rule = "idempotency_key_reused"
    kind = CONFLICT

    def __init__(self, first: str, now: str):
        what = "with other fields" if first == now else f"for {first}, not {now}"
        super().__init__(f"this Idempotency-Key was already used {what}; send a new key for a "
                         "new request", field="Idempotency-Key")


# -- the calendar ----------------------------------------------------------------------------

class CalendarOutOfRange(LookupError):
    """No holiday arrangement is known for the day: the calendar data must be updated."""

    rule = "calendar_out_of_range"

    def __init__(self, day, first, last):
        self.day = day
        self.message = (
            f"no working-day calendar for {day.isoformat()}: the chinesecalendar package knows "
            f"{first.isoformat()} to {last.isoformat()}; upgrade it once the State Council "
            f"publishes the holiday arrangement for {day.year}"
        )
        super().__init__(self.message)


# -- across RPC ------------------------------------------------------------------------------

class Refused(Exception):
    """A refused command or question, as the caller's side of RPC sees it.

    Each service raises its own named domain errors; at the RPC boundary they become `Refused`,
    which nameko rebuilds on the calling side with its arguments intact (`kernel.dependencies`
    registers it with nameko, so that this module, which domains import, stays free of nameko), so the gateway can
    answer with the rule, the kind, the field and the clerk-readable message without importing
    any service's modules.
    """

    def __init__(self, rule: str, kind: str = CONFLICT, message: str = "",
                 field: str | None = None, errors: list | None = None):
        if rule.startswith("{"):
            # Rebuilt on the caller's side from the one JSON argument it travelled as.
            data = json.loads(rule)
            rule, kind, message = data["rule"], data["kind"], data["message"]
            field, errors = data.get("field"), data.get("errors")
        if kind not in KINDS:
            raise ValueError(f"unknown kind of refusal {kind!r}")
        # nameko turns every non-string argument into a string on the wire, so the exception
        # travels as one JSON string that keeps a missing field null and the errors a list.
        super().__init__(json.dumps({"rule": rule, "kind": kind, "message": message,
                                     "field": field, "errors": errors}, ensure_ascii=False))
        self.rule = rule
        self.kind = kind
        self.message = message
        self.field = field
        self.errors = errors or []

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_domain(cls, error: DomainError) -> "Refused":
        return cls(error.rule, error.kind, error.message, error.field)


class OutcomeUnknown(Refused):
    """A command the gateway sent whose answer never came back, however often it asked within
    the request's budget: it may have been carried out, or not. Retrying it under the same
    `idempotency_key` is safe, and answers the first outcome if there was one. Made on the
    caller's side of RPC only; it never crosses it."""

    def __init__(self, idempotency_key: str):
        super().__init__(
            "outcome_unknown", UNAVAILABLE,
            "the command was sent but its answer was lost on the way back, so whether it was "
            "carried out is not known; send it again with the Idempotency-Key given here: that "
            "is safe, it is carried out at most once and the retry answers its first outcome")
        self.idempotency_key = idempotency_key
