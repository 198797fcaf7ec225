"""The portal's wire contract (notice 二(二)3): its feed of what was published or amended, and the
units' portal deadlines. Shape only; imports pydantic and the service's shared shapes."""
from __future__ import annotations

from typing import Literal

from services.policy.shapes import Reply

FEED_SIZE = (1, 200)


class FeedEntry(Reply):
    """What the portal's feed (Atom) says: a policy published or amended."""

    policy_id: str
    title: str
    document_number: str
    issuing_unit: str
    kind: Literal["published", "amended"]
    version: int
    at: str
    summary: str


class Feed(Reply):
    items: list[FeedEntry]


class DeadlineCount(Reply):
    status: Literal["met", "late", "missing"]
    met: int
    late: int
    missing: int


class UnitDeadlines(Reply):
    unit: str
    policies: DeadlineCount | None
    rules: DeadlineCount | None


class PortalDeadlines(Reply):
    """The notice's portal deadlines per unit: policies on the portal by May 15, implementation
    rules by May 20 (or their own due date)."""

    year: int
    policies_due: str
    rules_due: str
    units: list[UnitDeadlines]
