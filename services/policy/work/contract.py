"""The policy work's wire contract (notice 二(四)3): the body of a policy's answer to a
policy-work item of its unit, and an item as it is read. Shape only; imports pydantic, the pure
kernel and the service's shared shapes."""
from __future__ import annotations

from typing import Literal

from kernel.wire import Body, Text
from services.policy.shapes import CODE_LIMIT, Reply


class AnswerPolicyWork(Body):
    """The policy (published, in force) answers a policy-work item of its unit (notice 二(四)3):
    the appeal that asked for it is told."""

    item_id: Text(CODE_LIMIT)


class PolicyWorkAnswer(Reply):
    policy_id: str
    document_number: str
    title: str


class PolicyWorkItem(Reply):
    """Policy work a unit owes because of an appeal (notice 二(四)3)."""

    id: str
    version: int
    status: Literal["open", "answered"]
    unit: str
    category: str
    policy_work: str
    ledger_number: str
    title: str
    ticket_id: str
    requested_event_id: str
    opened_at: str
    answer: PolicyWorkAnswer | None = None
    answered_at: str | None = None
