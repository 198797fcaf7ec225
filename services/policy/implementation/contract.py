"""The implementation rules' wire contract (实施细则, notice 二(一)1): the office's requirement of a
rule, the unit's filing and its action table, the list's filters, a rule as it is read. Shape
only; imports pydantic, the pure kernel, the service's shared shapes and this area's vocabulary."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from kernel import checks
from kernel.wire import Action, Body, Text
from services.policy.implementation.vocabulary import RuleKind, RuleStatus
from services.policy.shapes import (
    CODE_LIMIT, DOCUMENT_NUMBER_LIMIT, FULL_TEXT_LIMIT, TITLE_LIMIT, Reply,
)

SECTION_LIMIT = checks.TEXT_LIMIT       # a rule's procedure, time limits, tasks, responsibilities


class RequireRule(Body):
    """The office requires of a unit an implementation rule (实施细则) for a policy (notice 二(一)1):
    by a date (city departments: May 20), or as soon as possible (null)."""

    policy_id: Text(CODE_LIMIT)
    unit: Text(CODE_LIMIT)
    kind: RuleKind
    due: dt.date | None = Field(None, description="YYYY-MM-DD, inclusive; null: 尽快")


class FileRule(Body):
    """The unit files its rule: operating rules state procedure and time_limits, a work plan
    tasks and responsibilities."""

    title: Text(TITLE_LIMIT)
    text: Text(FULL_TEXT_LIMIT)
    document_number: Text(DOCUMENT_NUMBER_LIMIT, minimum=0) = ""
    procedure: Text(SECTION_LIMIT) | None = Field(None, description="operating rules: 办理流程")
    time_limits: Text(SECTION_LIMIT) | None = Field(None, description="operating rules: 办理时限")
    tasks: Text(SECTION_LIMIT) | None = Field(None, description="work plan: 工作任务")
    responsibilities: Text(SECTION_LIMIT) | None = Field(None, description="work plan: 责任分工")


# The commands on an implementation rule (POST /rules/{id}/<action>).
RULE_ACTIONS: dict[str, Action] = {
    "file": Action("file", FileRule, "File the implementation rule (报备)"),
}


class RulePath(Body):
    rule_id: Text(CODE_LIMIT)


class RuleFilters(Body):
    policy_id: Text(CODE_LIMIT) | None = None
    unit: Text(CODE_LIMIT) | None = None
    status: RuleStatus | None = None


RULE_FILTERS: tuple[str, ...] = tuple(RuleFilters.model_fields)


class RuleFiling(Reply):
    title: str
    document_number: str | None
    text: str
    procedure: str | None
    time_limits: str | None
    tasks: str | None
    responsibilities: str | None


class RuleView(Reply):
    """An implementation rule (实施细则) one unit owes for one policy."""

    id: str
    version: int
    status: RuleStatus
    status_label: str
    policy_id: str
    unit: str
    kind: RuleKind
    kind_label: str
    due: str | None
    due_label: str
    filing: RuleFiling | None
    late: bool
    required_at: str | None
    overdue_at: str | None
    filed_at: str | None


class RuleList(Reply):
    items: list[RuleView]
