"""Every rule of the policy registry that a command can break, one exception each.

Each carries a stable `rule` code, the `kind` of refusal inherited from its kernel base, and a
message a clerk can act on; input errors name the `field`. The generic checks (a field required,
too long, unexpected; an unknown code naming the allowed codes) are the kernel's, in
`kernel.errors`, and so are the shapes many rules share (a role not allowed, a thing not found
or already there, a status or state that does not allow the command, another unit's).
"""
from __future__ import annotations

import datetime as dt

from kernel import errors
from kernel.errors import DomainError, InvalidInput, NoSuch, NotNow, Taken, UnitNotOwner
from kernel.errors import InvalidDate as InvalidDate  # the policy registry's words too
from kernel.errors import RoleNotAllowed as RoleNotAllowed  # the policy registry's words too
from services.policy.vocabulary import Status

# -- bad input ------------------------------------------------------------------------------------

class EndBeforeStart(InvalidInput):
    rule = "end_before_start"

    def __init__(self, start: dt.date, end: dt.date):
        super().__init__(
            f"effective_until {end.isoformat()} is before effective_from {start.isoformat()}",
            field="effective_until")


class InvalidPhone(InvalidInput):
    rule = "invalid_phone"

    def __init__(self, value, field: str = "contact.phone"):
        super().__init__(
            f"{field} {value!r} is not a mainland phone number: a mobile number (11 digits, "
            "1[3-9]…) or a landline with its area code (0797-8123456, extension optional) or a "
            "400/800 number", field=field)


class InvalidEmail(InvalidInput):
    rule = "invalid_email"

    def __init__(self, value, field: str = "contact.email"):
        super().__init__(f"{field} {value!r} is not an e-mail address (name@domain.cn)",
                         field=field)


class InvalidFlag(InvalidInput):
    rule = "invalid_flag"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r}: expected true, false or null (either)", field=field)


class NotAnObject(InvalidInput):
    rule = "not_an_object"

    def __init__(self, field: str, value, fields):
        super().__init__(f"{field} {value!r}: expected an object with some of: {', '.join(fields)}",
                         field=field)


class PointsToItself(InvalidInput):
    rule = "points_to_itself"

    def __init__(self):
        super().__init__("a policy cannot implement itself: master_policy_id names this policy",
                         field="master_policy_id")


class NothingAmended(InvalidInput):
    rule = "nothing_amended"

    def __init__(self, what: str = "amendment"):
        super().__init__(f"the {what} changes nothing of the policy; change at least one field")


# -- publication ----------------------------------------------------------------------------------

class ContactRequired(DomainError):
    """notice 二(一)3: 谁出台、谁宣讲、谁解释 — every policy names who answers for it."""

    rule = "contact_required"

    def __init__(self):
        super().__init__(
            "set the consultation contact (咨询单位、联系人、联系电话、电子邮箱) before publishing: "
            "谁出台、谁宣讲、谁解释", field="contact")


class FullTextRequired(DomainError):
    rule = "full_text_required"

    def __init__(self):
        super().__init__("the policy's full text is empty; add it before publishing",
                         field="full_text")


class AlreadyLapsed(DomainError):
    rule = "already_lapsed"

    def __init__(self, until: str):
        super().__init__(f"the policy's effective dates ended on {until}; it cannot be published",
                         field="effective_until")


# -- who may act ----------------------------------------------------------------------------------

class NotIssuingUnit(UnitNotOwner):
    rule = "not_issuing_unit"
    template = ("only the issuing unit ({owner}) or the office may {doing}; {unit} is not it "
                "(谁出台、谁解释)")


# -- the policy's life ----------------------------------------------------------------------------

class PolicyNotFound(NoSuch):
    rule = "policy_not_found"
    template = "no policy {id} in the registry"


class PolicyAlreadyExists(Taken):
    rule = "policy_already_exists"
    template = "policy {id} is already in the registry"


class PolicyRepealed(NotNow):
    rule = "policy_repealed"
    template = "the policy was repealed (已废止); you cannot {doing}"


class PolicyExpired(DomainError):
    rule = "policy_expired"

    def __init__(self, doing: str, until: str | None = None):
        when = f" on {until}" if until else ""
        super().__init__(f"the policy expired (已失效){when}; you cannot {doing}")


class NotADraft(NotNow):
    rule = "not_a_draft"
    template = ("only a draft can be revised; you cannot {doing} — a published policy is "
                "amended, which keeps its earlier text as a version")


class AlreadyPublished(NotNow):
    rule = "already_published"
    template = "the policy is already published; you cannot {doing} — amend it instead"


class NotPublished(NotNow):
    rule = "not_published"
    template = "the policy is still a draft; you cannot {doing} — publish it first"


class NoEndDate(DomainError):
    rule = "no_end_date"

    def __init__(self):
        super().__init__("the policy has no end date (effective_until); it expires only if "
                         "amended to have one, or is repealed", field="effective_until")


class NotYetExpired(DomainError):
    rule = "not_yet_expired"

    def __init__(self, until: str):
        super().__init__(
            f"the policy is in force until {until} inclusive; it expires after that day",
            field="effective_until")


class StatusDoesNotAllow(errors.StatusDoesNotAllow):
    template = "cannot {doing} a policy that is {status}; only one that is {allowed}"
    joiner = "、"

    @staticmethod
    def named(status) -> str:
        return f"{Status(status).label} ({Status(status).value})"

    @staticmethod
    def listed(status) -> str:
        return f"{Status(status).label} {Status(status).value}"


# -- implementation rules (实施细则, notice 二(一)1) -----------------------------------------------

class RuleNotFound(NoSuch):
    rule = "implementation_rule_not_found"
    template = "no implementation rule {id} is required of any unit"


class RuleAlreadyRequired(DomainError):
    rule = "implementation_rule_already_required"

    def __init__(self, policy_id: str, unit: str):
        super().__init__(f"{unit} already owes an implementation rule for policy {policy_id}",
                         field="unit")


class DueBeforeRequired(InvalidInput):
    rule = "due_before_required"

    def __init__(self, due: str, day: str):
        super().__init__(f"due {due} is before today ({day}); give a date to come, or none for "
                         "as soon as possible (尽快)", field="due")


class NotOwingUnit(UnitNotOwner):
    rule = "not_owing_unit"
    template = ("only the unit that owes the rule ({owner}) or the office may {doing}; {unit} "
                "is not it")


class OperatingRulesIncomplete(DomainError):
    """notice 二(一)1: 对指向清晰的政策,要重点明确操作流程和时限要求."""

    rule = "operating_rules_incomplete"

    def __init__(self, field: str, label: str):
        super().__init__(f"operating rules (具体办法/操作细则) must state their {label}: {field} "
                         "is empty (要重点明确操作流程和时限要求)", field=field)


class WorkPlanIncomplete(DomainError):
    """notice 二(一)1: 对只明确了方向的政策,要进一步细化举措,出台工作方案."""

    rule = "work_plan_incomplete"

    def __init__(self, field: str, label: str):
        super().__init__(f"a work plan (工作方案) must set out its {label}: {field} is empty "
                         "(要进一步细化举措)", field=field)


class RuleAlreadyFiled(NotNow):
    rule = "implementation_rule_already_filed"
    template = "the implementation rule is already filed (已报备); you cannot {doing}"


class RuleAlreadyOverdue(NotNow):
    rule = "implementation_rule_already_overdue"
    template = "the implementation rule is already recorded overdue; you cannot {doing}"


class NoDueDate(DomainError):
    rule = "no_due_date"

    def __init__(self):
        super().__init__("the rule is due as soon as possible (尽快), without a date; it is never "
                         "overdue by the timer — supervision follows it up", field="due")


class NotYetDue(DomainError):
    rule = "not_yet_due"

    def __init__(self, due: str):
        super().__init__(f"the rule is due on {due} inclusive; it is overdue only after that day",
                         field="due")


# -- briefings (宣讲活动) --------------------------------------------------------------------------

class BriefingNotFound(NoSuch):
    rule = "briefing_not_found"
    template = "no briefing {id} is scheduled"


class BriefingAlreadyExists(Taken):
    rule = "briefing_already_exists"
    template = "briefing {id} is already scheduled; revise it instead"


class NotOrganisingUnit(UnitNotOwner):
    rule = "not_organising_unit"
    template = "only the organising unit ({owner}) or the office may {doing}; {unit} is not it"


class NoPoliciesExplained(InvalidInput):
    rule = "no_policies_explained"

    def __init__(self):
        super().__init__("a briefing explains at least one policy (宣讲《若干政策措施》): "
                         "policy_ids is empty", field="policy_ids")


class EmptyAgenda(InvalidInput):
    rule = "empty_agenda"

    def __init__(self):
        super().__init__("a briefing has an agenda (议程): give at least one item — a leader's "
                         "speech, a department's reading or a park's statement", field="agenda")


class AgendaItemIncomplete(InvalidInput):
    rule = "agenda_item_incomplete"

    def __init__(self, field: str, label: str):
        super().__init__(f"{field}: {label} is required for this agenda item", field=field)


class BriefingDateInPast(InvalidInput):
    rule = "briefing_date_in_past"

    def __init__(self, date: str, today: str):
        super().__init__(f"the briefing's date {date} is before today ({today}); schedule it for "
                         "today or later", field="date")


class NothingRevised(InvalidInput):
    rule = "nothing_revised"

    def __init__(self):
        super().__init__("the revision changes nothing of the briefing; change at least one field")


class BriefingAlreadyHeld(NotNow):
    rule = "briefing_already_held"
    template = "the briefing has already been held (已举行); you cannot {doing}"


class BriefingCancelled(NotNow):
    rule = "briefing_cancelled"
    template = "the briefing was cancelled (已取消); you cannot {doing}"


class BriefingNotYetDue(DomainError):
    rule = "briefing_not_yet_due"

    def __init__(self, date: str, today: str):
        super().__init__(f"the briefing is set for {date}; it cannot be recorded as held on "
                         f"{today}, before its date", field="date")


class InvalidAttendance(InvalidInput):
    rule = "invalid_attendance"

    def __init__(self, value):
        super().__init__(f"attendance {value!r} is not a count of people present (a whole "
                         "number, at least 1)", field="attendance")
