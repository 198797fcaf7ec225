"""What a briefing's stream records (stream type "briefing"): a policy briefing (宣讲活动)
scheduled, revised, held or cancelled. Plain declarations: consumers import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class BriefingScheduled(Payload):
    """A policy briefing was scheduled: its day and place, who presides, the units, parks and
    enterprises (credit codes) present, the policies explained and its agenda in order (each
    item its kind, speaker, unit or park, topic)."""

    organiser: str
    date: str
    place: str
    leader: str
    units: list[str]
    parks: list[str]
    enterprises: list[str]
    policy_ids: list[str]
    agenda: list[dict]


class BriefingRevised(Payload):
    """Some of a briefing's details changed before it was held: only those that changed."""

    date: str | None = None
    place: str | None = None
    leader: str | None = None
    units: list[str] | None = None
    parks: list[str] | None = None
    enterprises: list[str] | None = None
    policy_ids: list[str] | None = None
    agenda: list[dict] | None = None


class BriefingHeld(Payload):
    """The briefing was held (on its day, or recorded after it), with how many were present."""

    date: str
    held_on: str
    attendance: int


class BriefingCancelled(Payload):
    """The briefing, not yet held, was cancelled, and why."""

    date: str
    reason: str


EVENTS = Catalogue(
    "policy",
    declare(BriefingScheduled, clause="二(二)1"),
    declare(BriefingRevised, clause="二(二)1"),
    declare(BriefingHeld, clause="二(二)1"),
    declare(BriefingCancelled, clause="二(二)1"),
)
