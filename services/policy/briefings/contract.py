"""The briefings' wire contract (宣讲活动, notice 二(二)1): scheduling a briefing with its agenda,
the bodies of the commands on it and their action table, the list's filters, a briefing as it is
read. Shape only; imports pydantic, the pure kernel, the service's shared shapes and this area's
vocabulary."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from kernel.wire import Action, Body, CreditCode, Text
from services.policy.briefings.vocabulary import AgendaItemKind, BriefingStatus
from services.policy.shapes import CODE_LIMIT, CODES_LIMIT, NAME_LIMIT, REASON_LIMIT, Reply

AGENDA_LIMIT = 50


class AgendaItem(Body):
    """One item of a briefing's agenda: a department's reading names its unit, a park's
    statement its park."""

    kind: AgendaItemKind
    speaker: Text(NAME_LIMIT)
    unit: Text(CODE_LIMIT) | None = None
    park: Text(CODE_LIMIT) | None = None
    topic: Text(NAME_LIMIT) | None = None


class ScheduleBriefing(Body):
    """A policy briefing (宣讲活动, notice 二(二)1)."""

    date: dt.date
    place: Text(NAME_LIMIT)
    leader: Text(NAME_LIMIT) = Field(description="the presiding leader (主持)")
    units: list[Text(CODE_LIMIT)] = Field(default_factory=list, max_length=CODES_LIMIT)
    parks: list[Text(CODE_LIMIT)] = Field(default_factory=list, max_length=CODES_LIMIT)
    enterprises: list[CreditCode] = Field(default_factory=list, max_length=CODES_LIMIT)
    policy_ids: list[Text(CODE_LIMIT)] = Field(min_length=1, max_length=CODES_LIMIT)
    agenda: list[AgendaItem] = Field(min_length=1, max_length=AGENDA_LIMIT)


class ReviseBriefing(Body):
    """Change a briefing still ahead: only the fields given."""

    date: dt.date | None = None
    place: Text(NAME_LIMIT) | None = None
    leader: Text(NAME_LIMIT) | None = None
    units: list[Text(CODE_LIMIT)] | None = Field(None, max_length=CODES_LIMIT)
    parks: list[Text(CODE_LIMIT)] | None = Field(None, max_length=CODES_LIMIT)
    enterprises: list[CreditCode] | None = Field(None, max_length=CODES_LIMIT)
    policy_ids: list[Text(CODE_LIMIT)] | None = Field(None, min_length=1,
                                                      max_length=CODES_LIMIT)
    agenda: list[AgendaItem] | None = Field(None, min_length=1, max_length=AGENDA_LIMIT)


class RecordHeld(Body):
    attendance: int = Field(strict=True, ge=1, description="how many were present")


class CancelBriefing(Body):
    reason: Text(REASON_LIMIT)


# The commands on a briefing (POST /briefings/{id}/<action>).
BRIEFING_ACTIONS: dict[str, Action] = {
    "revise": Action("revise", ReviseBriefing, "Change a briefing still ahead"),
    "record-held": Action("record_held", RecordHeld, "Record the briefing held"),
    "cancel": Action("cancel", CancelBriefing, "Cancel a briefing not yet held"),
}


class BriefingPath(Body):
    briefing_id: Text(CODE_LIMIT)


class BriefingFilters(Body):
    status: BriefingStatus | None = None
    organiser: Text(CODE_LIMIT) | None = None
    policy_id: Text(CODE_LIMIT) | None = Field(None, description="briefings explaining it")


BRIEFING_FILTERS: tuple[str, ...] = tuple(BriefingFilters.model_fields)


class AgendaItemView(Reply):
    kind: AgendaItemKind
    kind_label: str
    speaker: str
    unit: str | None
    park: str | None
    topic: str | None


class BriefingView(Reply):
    """A policy briefing (宣讲活动)."""

    id: str
    version: int
    status: BriefingStatus
    status_label: str
    organiser: str
    date: str
    place: str
    leader: str
    units: list[str]
    parks: list[str]
    enterprises: list[str]
    policy_ids: list[str]
    agenda: list[AgendaItemView]
    attendance: int | None
    held_on: str | None
    cancel_reason: str | None
    scheduled_at: str | None
    revised_at: str | None
    held_at: str | None
    cancelled_at: str | None


class BriefingList(Reply):
    items: list[BriefingView]
