"""The facts an appeal records (stream type "ticket"), from its receipt to its closing off
(notice 二(四), 二(五)). Instants are ISO strings in UTC, as the store keeps them; a due time is
null while its step has not started. The policy service takes `PolicyWorkRequested` in; the audit
takes every one. Plain declarations: consumers import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class TicketRaised(Payload):
    """An appeal was received into the ledger (受理) under its ledger number, with the working
    days each of its steps may take fixed for it; visit_id names the visit it was found on."""

    ledger_number: str
    enterprise_name: str
    uscc: str
    title: str
    description: str
    channel: str
    category: str
    county: str
    received_at: str
    step_days: dict
    visit_id: str | None = None


class DuplicateAppealLinked(Payload):
    """The same problem arrived again (another channel, or again) and was linked to this open
    appeal instead of opening a second ledger line."""

    title: str
    description: str
    channel: str


class TicketDispatched(Payload):
    """The office handed the appeal to its lead unit (交办), with any assisting units; the lead
    unit must sign for it by sign_due."""

    lead_unit: str
    assisting_units: list[str]
    sign_due: str


class TicketRedispatched(Payload):
    """The office handed the appeal to another lead unit, for a reason; the new lead unit signs
    for it afresh by sign_due."""

    lead_unit: str
    assisting_units: list[str]
    previous_lead_unit: str | None
    reason: str
    sign_due: str


class TicketSignedFor(Payload):
    """The lead unit signed for the appeal (签收), on time or not; its first response and its
    resolution are due from now."""

    unit: str | None
    sign_due: str | None
    on_time: bool
    first_response_due: str
    resolution_due: str


class TicketUrged(Payload):
    """The office urged the lead unit on the appeal (催办)."""

    message: str
    lead_unit: str | None


class TicketClassified(Payload):
    """The lead unit classified the appeal into one of the five ways of handling, with the
    details that way needs; this is its first response, on time or not."""

    way: str
    details: dict
    unit: str | None
    first_response_due: str | None
    on_time: bool


class PolicyWorkRequested(Payload):
    """An appeal within a municipal department's remit asks that department to study and improve
    its policy (要及时研究、完善政策): the unit, the appeal's category, ledger number and title."""

    unit: str | None
    category: str | None
    policy_work: str
    ledger_number: str | None
    title: str | None


class ProgressNoted(Payload):
    """A unit taking part in the appeal, or the office, noted its progress."""

    note: str
    unit: str | None


class UpperLevelFollowedUp(Payload):
    """The lead unit followed up an appeal reported to the provincial or national level."""

    note: str
    level: str | None


class ExtensionRequested(Payload):
    """The lead unit asked the office for more working days to resolve the appeal."""

    working_days: int
    reason: str
    unit: str | None
    resolution_due: str | None


class ExtensionGranted(Payload):
    """The office granted the pending extension: the resolution is due later."""

    working_days: int
    previous_due: str | None
    resolution_due: str


class ExtensionRefused(Payload):
    """The office refused the pending extension, for a reason."""

    working_days: int
    reason: str


class TicketResolved(Payload):
    """The lead unit resolved the appeal (办结), on time or not."""

    summary: str
    unit: str | None
    resolution_due: str | None
    on_time: bool


class TicketRated(Payload):
    """The enterprise rated the outcome, or the office recorded its rating on a follow-up call
    (回访)."""

    rating: str
    comment: str
    via: str


class TicketSentBack(Payload):
    """An unsatisfied rating sent the appeal back to be handled again (发回重办)."""

    resolution_due: str


class TicketClosedOff(Payload):
    """The appeal was closed off (销号): rated satisfied or basically satisfied, or left unrated
    past the rating wait."""

    reason: str
    rating: str | None


class TicketReopened(Payload):
    """The office reopened a closed-off appeal, for a reason."""

    reason: str
    resolution_due: str


class TicketDeadlineMissed(Payload):
    """A deadline of the appeal passed unmet (sign, first_response or resolution, due at due)."""

    deadline: str
    due: str


class PolicyAnswerNoted(Payload):
    """The policy service answered the appeal's policy work: the policy in force that answers
    it, noted once per answering event."""

    answer_event_id: str
    policy_id: str
    document_number: str
    title: str
    unit: str


EVENTS = Catalogue("tickets",
    declare(TicketRaised, clause="二(四)1"),
    declare(DuplicateAppealLinked, clause="二(四)2"),
    declare(TicketDispatched, clause="二(四)2"),
    declare(TicketRedispatched, clause="二(四)2"),
    declare(TicketSignedFor, clause="二(四)2"),
    declare(TicketUrged, clause="二(五)1"),
    declare(TicketClassified, clause="二(四)3"),
    declare(PolicyWorkRequested, clause="二(四)3"),
    declare(ProgressNoted, clause="二(四)2"),
    declare(UpperLevelFollowedUp, clause="二(四)3"),
    declare(ExtensionRequested, clause="二(四)2"),
    declare(ExtensionGranted, clause="二(四)2"),
    declare(ExtensionRefused, clause="二(四)2"),
    declare(TicketResolved, clause="二(四)2"),
    declare(TicketRated, clause="二(五)2"),
    declare(TicketSentBack, clause="二(五)2"),
    declare(TicketClosedOff, clause="二(四)2"),
    declare(TicketReopened, clause="二(四)2"),
    declare(TicketDeadlineMissed, clause="二(五)1"),
    declare(PolicyAnswerNoted, clause="二(四)3"),
)
