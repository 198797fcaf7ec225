"""What an implementation rule's stream records (stream type "implementation_rule"): the rule
(实施细则) a unit owes for a policy, required, marked overdue, filed. Plain declarations: consumers
(supervision) import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class OwedRule(Payload):
    """Which rule: the policy it is for, the unit that owes it, its kind and its due date (None:
    as soon as possible, 尽快)."""

    policy_id: str
    unit: str
    kind: str
    due: str | None


class ImplementationRuleRequired(OwedRule):
    """The office required of a unit an implementation rule for a policy, by a date or as soon
    as possible."""


class ImplementationRuleOverdue(OwedRule):
    """The rule's due date passed with nothing filed: supervision takes it up."""


class ImplementationRuleFiled(OwedRule):
    """The owing unit (or the office for it) filed the rule's text: operating rules with their
    procedure and time limits, a work plan with its tasks and responsibilities (the other two
    sections none); `late` when after the due date."""

    late: bool
    title: str
    document_number: str
    text: str
    procedure: str | None
    time_limits: str | None
    tasks: str | None
    responsibilities: str | None


EVENTS = Catalogue(
    "policy",
    declare(ImplementationRuleRequired, clause="二(一)1"),
    declare(ImplementationRuleOverdue, clause="二(五)1"),
    declare(ImplementationRuleFiled, clause="二(一)1"),
)
