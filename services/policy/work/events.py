"""What a policy-work item's stream records (stream type "policy_work"): the policy work an
appeal within a municipal department's remit asks for (notice 二(四)3), opened and answered. The
tickets service takes `PolicyWorkAnswered` in to tell the appeal. Plain declarations: consumers
import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class PolicyWorkOpened(Payload):
    """The policy service opened the item a classified appeal's policy-work request calls for:
    the unit that owes it, the appeal's category, ledger number and title, and the request."""

    unit: str
    category: str
    policy_work: str
    ledger_number: str
    title: str
    ticket_id: str
    requested_event_id: str


class PolicyWorkAnswered(Payload):
    """The unit's policy in force answers the item: the appeal that asked for it is told."""

    ticket_id: str
    ledger_number: str
    policy_id: str
    document_number: str
    title: str
    unit: str


EVENTS = Catalogue(
    "policy",
    declare(PolicyWorkOpened, clause="二(四)3"),
    declare(PolicyWorkAnswered, clause="二(四)3"),
)
