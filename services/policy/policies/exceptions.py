"""Every rule of a policy (惠企政策, notice 二(一)) that a command can break, one exception each.

Each is a kernel shape (`kernel.errors`): a stable `rule` code, the `kind` of refusal its base
gives, and a `template` a clerk can act on, filled in with the words the raiser names; input
errors name the `field`. The generic checks (a field required, too long, unexpected; an unknown
code; a date that is not one; a role not allowed) are the kernel's own classes.
"""
from __future__ import annotations

from kernel import errors
from kernel.errors import Forbidden, InvalidInput, NoSuch, NotNow, Taken, UnitNotOwner
from kernel.errors import Worded
from services.policy.vocabulary import Status

# -- bad input ------------------------------------------------------------------------------------

class EndBeforeStart(Worded, InvalidInput):
    rule = "end_before_start"
    template = "effective_until {end} is before effective_from {start}"
    at = "effective_until"


class InvalidPhone(Worded, InvalidInput):
    rule = "invalid_phone"
    template = ("{field} {value!r} is not a mainland phone number: a mobile number (11 digits, "
                "1[3-9]…) or a landline with its area code (0797-8123456, extension optional) or "
                "a 400/800 number")
    at = "contact.phone"


class InvalidEmail(Worded, InvalidInput):
    rule = "invalid_email"
    template = "{field} {value!r} is not an e-mail address (name@domain.cn)"
    at = "contact.email"


class InvalidFlag(Worded, InvalidInput):
    rule = "invalid_flag"
    template = "{field} {value!r}: expected true, false or null (either)"


class PointsToItself(Worded, InvalidInput):
    rule = "points_to_itself"
    template = "a policy cannot implement itself: master_policy_id names this policy"
    at = "master_policy_id"


# -- publication ----------------------------------------------------------------------------------

class ContactRequired(Worded):
    """notice 二(一)3: 谁出台、谁宣讲、谁解释 — every policy names who answers for it."""

    rule = "contact_required"
    template = ("set the consultation contact (咨询单位、联系人、联系电话、电子邮箱) before publishing: "
                "谁出台、谁宣讲、谁解释")
    at = "contact"


class FullTextRequired(Worded):
    rule = "full_text_required"
    template = "the policy's full text is empty; add it before publishing"
    at = "full_text"


class AlreadyLapsed(Worded):
    rule = "already_lapsed"
    template = "the policy's effective dates ended on {until}; it cannot be published"
    at = "effective_until"


# -- who may act ----------------------------------------------------------------------------------

class NotIssuingUnit(UnitNotOwner):
    rule = "not_issuing_unit"
    template = ("only the issuing unit ({owner}) or the office may {doing}; {unit} is not it "
                "(谁出台、谁解释)")


class MayNotMatch(Worded, Forbidden):
    """A known enterprise's verdicts tell its operating tier (notice 三(一)1)."""

    rule = "may_not_match_enterprise"
    template = "a {role} may not {doing}"
    at = "enterprise"


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


class PolicyExpired(NotNow):
    rule = "policy_expired"
    template = "the policy expired (已失效); you cannot {doing}"


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


class NoEndDate(Worded):
    rule = "no_end_date"
    template = ("the policy has no end date (effective_until); it expires only if amended to have "
                "one, or is repealed")
    at = "effective_until"


class NotYetExpired(Worded):
    rule = "not_yet_expired"
    template = "the policy is in force until {until} inclusive; it expires after that day"
    at = "effective_until"


class StatusDoesNotAllow(errors.StatusDoesNotAllow):
    template = "cannot {doing} a policy that is {status}; only one that is {allowed}"
    joiner = "、"

    @staticmethod
    def named(status) -> str:
        return f"{Status(status).label} ({Status(status).value})"

    @staticmethod
    def listed(status) -> str:
        return f"{Status(status).label} {Status(status).value}"
