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
    # A 12345 work order: its kind of matter and urgency (absent on appeals received before
    # they existed, which keep their days), and the instant it must be handed on by.
    appeal_type: str | None = None
    urgency: str | None = None
    dispatch_due: str | None = None
    # Who to call back, as said: the log keeps it whole; who reads it is the permission
    # table's read rule (access.shown_contact). confidential (保密): not for the handling unit.
    contact_person: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    confidential: bool | None = None
    # A part of a split appeal: the appeal it came from (ticket_id, ledger_number).
    split_from: dict | None = None


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
    """The lead unit resolved the appeal (办结), on time or not. summary is the unit's internal
    note; reply (答复意见) is what the enterprise is told, citing the policies (document numbers)
    it rests on: absent on resolutions recorded before replies existed."""

    summary: str
    unit: str | None
    resolution_due: str | None
    on_time: bool
    reply: str | None = None
    policies: list[str] | None = None


class TicketRated(Payload):
    """The enterprise rated the outcome, or the office recorded its rating on a follow-up call
    (回访)."""

    rating: str
    comment: str
    via: str


class TicketSentBack(Payload):
    """An unsatisfied rating sent the appeal back to be handled again (发回重办), or a callback
    found the matter unresolved: it keeps its number and counts one more redo (重办). The rating
    that sent it back stays counted: rating, via and, from a callback, resolved (no, partly)
    name it; absent on appeals sent back before they were recorded, each of which counted one
    redo."""

    resolution_due: str
    redo_count: int | None = None
    rating: str | None = None
    via: str | None = None
    resolved: str | None = None


class TicketCalledBack(Payload):
    """The office called the contact back (回访) after the resolution: whether it reached them;
    if so, whether the matter is resolved (yes, no, partly) and the rating on the five 好差评
    levels, recorded as TicketRated (via follow_up_call) beside it. Unreached: no rating, the
    appeal waits for another callback."""

    reached: bool
    resolved: str | None
    rating: str | None
    comment: str
    attempt: int


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


class AssistTaskOpened(Payload):
    """A dispatch (or redispatch) gave an assisting unit its own task (协办任务), to sign for and
    answer to the lead unit by due, working_days after the dispatch."""

    unit: str
    lead_unit: str
    working_days: int
    due: str


class AssistTaskSignedFor(Payload):
    """The assisting unit signed for its task (签收), on time or not (before due)."""

    unit: str
    due: str
    on_time: bool


class AssistTaskAnswered(Payload):
    """The assisting unit replied to the lead unit (协办意见), on time or not."""

    unit: str
    lead_unit: str | None
    reply: str
    due: str
    on_time: bool


class AssistTaskWaived(Payload):
    """The office waived an assisting unit's open task, for a reason: the lead resolves without
    its reply."""

    unit: str
    reason: str
    due: str


class AssistTaskWithdrawn(Payload):
    """A redispatch ended an assisting unit's open task: the new lead unit's tasks are opened
    afresh."""

    unit: str
    reason: str
    due: str


class AssistTaskMissed(Payload):
    """An assisting unit's task passed its due unanswered (逾期), recorded once by the deadline
    watch."""

    unit: str
    due: str


class RectificationOpened(Payload):
    """A 差评 (a rating of 不满意 or worse, TicketRated or MergedAppealRated) opened a
    rectification (差评整改) for the unit that handled the appeal: number n of the appeal's, due
    working_days after the rating, for the unit to verify and classify."""

    number: int
    unit: str | None
    rating: str
    via: str
    working_days: int
    due: str
    # A merged enterprise's 差评 of the survivor's outcome: its rectification is the survivor's
    # lead unit's, opened on the survivor, naming the merged appeal the rating is on.
    merged_appeal_id: str | None = None


class RectificationClassified(Payload):
    """The unit verified the 差评 and classified it (核实): fixed at once (立行立改), a plan with its
    date (限期整改: plan, plan_due), explained (解释说明) or disputed (申诉, for the office to
    review). note is the unit's verification; on_time whether it came by due."""

    number: int
    unit: str | None
    way: str
    note: str
    plan: str | None = None
    plan_due: str | None = None
    due: str
    on_time: bool


class RectificationCompleted(Payload):
    """The unit carried out its 限期整改 plan (整改完成), on time or not (by plan_due)."""

    number: int
    unit: str | None
    note: str
    plan_due: str | None
    on_time: bool


class RectificationDisputeRuled(Payload):
    """The office reviewed the unit's 申诉 of a 差评: upheld (维持, the rating stays counted) or
    voided (撤销, the rating leaves the measures), with its reason; rating is the one disputed."""

    number: int
    unit: str | None
    ruling: str
    reason: str
    rating: str


class RectificationMissed(Payload):
    """A rectification passed its due unfinished (逾期): unclassified by due, or a 限期整改 plan
    not completed by its plan_due; recorded once per due by the deadline watch."""

    number: int
    unit: str | None
    due: str


class TicketReturned(Payload):
    """The lead unit returned the appeal to the office (退回) within its return window, with a
    reason code and the legal basis: the unit, the dispatch it returns (its version in the
    stream and its time) and the end of the window; counted per unit as 回退率."""

    unit: str | None
    reason: str
    legal_basis: str
    dispatch_version: int
    dispatched_at: str
    return_until: str


class TicketReturnRuled(Payload):
    """The office ruled on a return (终审): the unit must take the appeal, and signs for it
    afresh by sign_due. Final: the appeal cannot be returned again."""

    unit: str | None
    ruling: str
    returned_at: str | None
    sign_due: str


class AppealsMerged(Payload):
    """The office merged duplicate appeals into this one, the survivor: each merged appeal
    (ticket_id, ledger_number, uscc) follows it from now on."""

    merged: list[dict]
    reason: str


class TicketMerged(Payload):
    """The office merged this appeal into the surviving one: it ends here (已合并), and its
    enterprise follows the survivor's progress."""

    survivor_id: str
    survivor_ledger_number: str | None
    reason: str


class MergedAppealRated(Payload):
    """The enterprise of a merged appeal rated its own outcome once the survivor was resolved
    (or the office recorded it on a callback): kept on the merged appeal's own stream."""

    rating: str
    comment: str
    via: str
    survivor_id: str


class TicketSplit(Payload):
    """The office split this appeal's several matters into new appeals, each with its own ledger
    number (ticket_id, ledger_number, title, category): it ends here (已拆分)."""

    parts: list[dict]
    reason: str


class AppealLinked(Payload):
    """The office linked this appeal to another as related (关联): both appeals record it."""

    ticket_id: str
    ledger_number: str | None
    note: str


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
    declare(TicketCalledBack, clause="二(五)2"),
    declare(TicketClosedOff, clause="二(四)2"),
    declare(TicketReopened, clause="二(四)2"),
    declare(TicketDeadlineMissed, clause="二(五)1"),
    declare(PolicyAnswerNoted, clause="二(四)3"),
    declare(TicketReturned, clause="二(四)2"),
    declare(TicketReturnRuled, clause="二(四)2"),
    declare(AppealsMerged, clause="二(四)2"),
    declare(TicketMerged, clause="二(四)2"),
    declare(MergedAppealRated, clause="二(五)2"),
    declare(TicketSplit, clause="二(四)2"),
    declare(AppealLinked, clause="二(四)2"),
    declare(AssistTaskOpened, clause="二(四)2"),
    declare(AssistTaskSignedFor, clause="二(四)2"),
    declare(AssistTaskAnswered, clause="二(四)2"),
    declare(AssistTaskWaived, clause="二(四)2"),
    declare(AssistTaskWithdrawn, clause="二(四)2"),
    declare(AssistTaskMissed, clause="二(五)1"),
    declare(RectificationOpened, clause="二(五)2"),
    declare(RectificationClassified, clause="二(五)2"),
    declare(RectificationCompleted, clause="二(五)2"),
    declare(RectificationDisputeRuled, clause="二(五)2"),
    declare(RectificationMissed, clause="二(五)1"),
)
