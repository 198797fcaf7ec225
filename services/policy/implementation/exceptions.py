"""Every rule of an implementation rule (实施细则, notice 二(一)1) that a command can break, one
exception each, on the kernel's shapes (`kernel.errors`): a stable `rule` code, the kind its base
gives, a `template` filled in with the words the raiser names, the `field` at fault."""
from __future__ import annotations

from kernel.errors import InvalidInput, NoSuch, NotNow, UnitNotOwner, Worded


class RuleNotFound(NoSuch):
    rule = "implementation_rule_not_found"
    template = "no implementation rule {id} is required of any unit"


class RuleAlreadyRequired(Worded):
    rule = "implementation_rule_already_required"
    template = "{unit} already owes an implementation rule for policy {policy_id}"
    at = "unit"


class DueBeforeRequired(Worded, InvalidInput):
    rule = "due_before_required"
    template = ("due {due} is before today ({today}); give a date to come, or none for as soon "
                "as possible (尽快)")
    at = "due"


class NotOwingUnit(UnitNotOwner):
    rule = "not_owing_unit"
    template = ("only the unit that owes the rule ({owner}) or the office may {doing}; {unit} "
                "is not it")


class OperatingRulesIncomplete(Worded):
    """notice 二(一)1: 对指向清晰的政策,要重点明确操作流程和时限要求."""

    rule = "operating_rules_incomplete"
    template = ("operating rules (具体办法/操作细则) must state their {label}: {field} is empty "
                "(要重点明确操作流程和时限要求)")


class WorkPlanIncomplete(Worded):
    """notice 二(一)1: 对只明确了方向的政策,要进一步细化举措,出台工作方案."""

    rule = "work_plan_incomplete"
    template = ("a work plan (工作方案) must set out its {label}: {field} is empty "
                "(要进一步细化举措)")


class RuleAlreadyFiled(NotNow):
    rule = "implementation_rule_already_filed"
    template = "the implementation rule is already filed (已报备); you cannot {doing}"


class RuleAlreadyOverdue(NotNow):
    rule = "implementation_rule_already_overdue"
    template = "the implementation rule is already recorded overdue; you cannot {doing}"


class NoDueDate(Worded):
    rule = "no_due_date"
    template = ("the rule is due as soon as possible (尽快), without a date; it is never overdue "
                "by the timer — supervision follows it up")
    at = "due"

