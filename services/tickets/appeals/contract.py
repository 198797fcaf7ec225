"""The appeal ledger's wire contract: what crosses its API, in one module that the service, its
domain and the gateway all import (the routing table's is `routing.contract`).

- the limits (characters, days, page sizes) the aggregate checks and the gateway declares;
- the request models: raising an appeal, the body of each command on it, the ledger's filters
  and paging;
- the ACTIONS table: each command as the HTTP API names it, with the aggregate method it runs and
  its body;
- the response models: the raise result, the appeal as `GET /tickets/{id}` returns it, a page of
  the ledger, an appeal's history, a page of the ledger workbook.

Shape only (types, presence, lengths, vocabularies): whether a value is allowed by the notice's
rules is for the aggregate to say. Imports pydantic, the kernel and this service's vocabulary,
nothing else, so that any caller can take it without taking the service.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from kernel import checks
from kernel.wire import NO_NUL, Action, Body, CreditCode, Text
from services.tickets.appeals.vocabulary import (
    Category, Channel, CloseReason, County, Deadline, RatedVia, Rating, Status, UpperLevel, Way,
)
from services.tickets.appeals.vocabulary import TaskStatus
from services.tickets.appeals.vocabulary import AppealType, Urgency
from services.tickets.appeals.vocabulary import LinkKind, ReturnReason
from services.tickets.appeals.vocabulary import CallbackResolved
from services.tickets.appeals.vocabulary import DisputeRuling, RectificationStatus, RectificationWay

# -- limits ----------------------------------------------------------------------------------

TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 5000
NOTE_LIMIT = 5000
NAME_LIMIT = checks.NAME_LIMIT      # an enterprise's name, a policy's document number
CODE_LIMIT = checks.CODE_LIMIT      # a unit, a county, an id
EXTENSION_DAYS = (1, 30)            # working days one extension may add
ASSISTING_UNITS_LIMIT = 20
TASK_DAYS = (1, 30)                 # working days the office may give an assisting unit's task
POLICIES_LIMIT = 50
PHONE_LIMIT = 40                    # a phone number as typed, spaces and hyphens included
EMAIL_LIMIT = 254
MERGE_LIMIT = 50                    # appeals one merge takes in
MATTERS_LIMIT = 20                  # matters one split makes
PAGE_SIZE = (1, 200)                # items on one page of the ledger
DEFAULT_PAGE_SIZE = 50
CURSOR_LIMIT = 400                  # longer than any cursor the ledger hands out

# -- requests --------------------------------------------------------------------------------

class RaiseAppeal(Body):
    """An appeal (诉求) as an enterprise, the office or a visiting cadre raises it."""

    enterprise_name: Text(NAME_LIMIT) = Field(description="企业名称")
    uscc: CreditCode = \
        Field(description="统一社会信用代码, 18 characters with a valid check character")
    title: Text(TITLE_LIMIT)
    description: Text(DESCRIPTION_LIMIT)
    channel: Channel
    category: Category
    county: County
    visit_id: Text(CODE_LIMIT) | None = Field(
        None, description="the visit the problem was found on: required when a leader or a "
                          "liaison officer raises the appeal in the enterprise's name")
    appeal_type: AppealType | None = Field(
        None, description="诉求类型; with it the appeal is a work order: its resolution days are "
                          "its type's, and the office or enterprise raising it names the contact")
    urgency: Urgency | None = Field(None, description="紧急程度; normal (一般) unless urgent")
    contact_person: Text(NAME_LIMIT) | None = Field(
        None, description="联系人: required with appeal_type when the office or the enterprise "
                          "raises it")
    contact_phone: Text(PHONE_LIMIT) | None = Field(
        None, description="联系电话: a Chinese mobile or fixed-line number, with appeal_type "
                          "required of the office and the enterprise; kept as 13812345678 or "
                          "0797-8123456")
    contact_email: Text(EMAIL_LIMIT) | None = Field(None, description="电子邮箱, optional")
    confidential: bool | None = Field(
        None, strict=True, description="保密: the handling unit sees the enterprise and the matter, "
                                       "not the contact")


# One body shape per command on an appeal, named as the domain names it.

TaskDays = dict[Text(CODE_LIMIT), Annotated[int, Field(strict=True, ge=TASK_DAYS[0],
                                                       le=TASK_DAYS[1])]] | None
TASK_DAYS_FIELD = Field(None, description="working days of an assisting unit's task (协办), by "
                                          "unit; a unit left out: its lead's resolution days "
                                          "less two")


class Dispatch(Body):
    lead_unit: Annotated[str, StringConstraints(max_length=CODE_LIMIT, pattern=NO_NUL)] | None = \
        Field(None, description="omit to take the unit from the routing table")
    assisting_units: list[Text(CODE_LIMIT)] = Field(default_factory=list,
                                                    max_length=ASSISTING_UNITS_LIMIT)
    task_days: TaskDays = TASK_DAYS_FIELD


class Redispatch(Body):
    lead_unit: Text(CODE_LIMIT)
    assisting_units: list[Text(CODE_LIMIT)] = Field(default_factory=list,
                                                    max_length=ASSISTING_UNITS_LIMIT)
    reason: Text(NOTE_LIMIT)
    task_days: TaskDays = TASK_DAYS_FIELD


class NoFields(Body):
    """A command that needs nothing but the appeal and the caller."""


class Urge(Body):
    message: Text(NOTE_LIMIT)


class Classify(Body):
    """One of the five ways of handling and the details it needs. notice 二(四)3"""

    way: Way
    policies: list[Text(NAME_LIMIT)] | None = Field(
        None, max_length=POLICIES_LIMIT, description="policy_available: the policies that apply")
    guidance: Text(NOTE_LIMIT) | None = Field(None, description="policy_available")
    level: UpperLevel | None = Field(None, description="escalate_upward")
    report_reference: Text(NOTE_LIMIT) | None = Field(None, description="escalate_upward")
    policy_work: Text(NOTE_LIMIT) | None = Field(None, description="municipal_policy")
    county_unit: Text(CODE_LIMIT) | None = Field(None, description="county_coordination")
    explanation: Text(NOTE_LIMIT) | None = Field(None, description="unsolvable")


class Note(Body):
    note: Text(NOTE_LIMIT)


class RequestExtension(Body):
    working_days: int = Field(strict=True, ge=EXTENSION_DAYS[0], le=EXTENSION_DAYS[1])
    reason: Text(NOTE_LIMIT)


class Reason(Body):
    reason: Text(NOTE_LIMIT)


class AnswerTask(Body):
    reply: Text(NOTE_LIMIT) = Field(description="the assisting unit's reply to the lead unit")


class WaiveTask(Body):
    unit: Text(CODE_LIMIT) = Field(description="the assisting unit whose task is waived")
    reason: Text(NOTE_LIMIT)


class Resolve(Body):
    summary: Text(DESCRIPTION_LIMIT) = Field(description="the unit's internal note: not shown to "
                                                         "the enterprise")
    reply: Text(DESCRIPTION_LIMIT) | None = Field(
        None, description="答复意见: the reply to the enterprise, which it is shown")
    policies: list[Text(NAME_LIMIT)] | None = Field(
        None, max_length=POLICIES_LIMIT,
        description="the document numbers of the policies the reply rests on; may be empty")


class Callback(Body):
    """回访: what the office's callback after the resolution found."""

    reached: bool = Field(strict=True, description="whether the call reached the contact")
    resolved: CallbackResolved | None = Field(
        None, description="reached: whether the matter is resolved (是/否/部分); no and partly "
                          "send the appeal back (重办)")
    rating: Rating | None = Field(
        None, description="reached: the contact's rating on the five 好差评 levels; unsatisfied "
                          "or worse sends the appeal back (重办)")
    comment: Text(NOTE_LIMIT, minimum=0) = ""


class ReturnAppeal(Body):
    """退回: why the appeal is not the unit's, and the rule that says so."""

    reason: ReturnReason
    legal_basis: Text(NOTE_LIMIT) = Field(description="the law, rule or remit the return rests on")


class RuleOnReturn(Body):
    ruling: Text(NOTE_LIMIT) = Field(description="终审: why the unit must take the appeal")


class Merge(Body):
    appeals: list[Text(CODE_LIMIT)] = Field(min_length=1, max_length=MERGE_LIMIT,
                                            description="the ids of the duplicates merged in")
    reason: Text(NOTE_LIMIT)


class Matter(Body):
    title: Text(TITLE_LIMIT)
    description: Text(DESCRIPTION_LIMIT)
    category: Category | None = Field(None, description="the original's when left out")


class Split(Body):
    matters: list[Matter] = Field(min_length=2, max_length=MATTERS_LIMIT,
                                  description="one new appeal per matter")
    reason: Text(NOTE_LIMIT)


class LinkRelated(Body):
    related_id: Text(CODE_LIMIT) = Field(description="the id of the related appeal")
    note: Text(NOTE_LIMIT, minimum=0) = ""


class Rate(Body):
    rating: Rating
    comment: Text(NOTE_LIMIT, minimum=0) = ""


RECTIFICATION_NUMBER = Field(
    None, strict=True, ge=1,
    description="the rectification's number on the appeal; may be left out when only one waits")


class ClassifyRectification(Body):
    """差评整改: how the unit, having verified the bad rating, classifies it."""

    way: RectificationWay
    note: Text(NOTE_LIMIT) = Field(description="the unit's verification: what was fixed, the "
                                               "explanation, or for a 申诉 why the rating is "
                                               "disputed")
    plan: Text(NOTE_LIMIT) | None = Field(None, description="planned (限期整改): the plan")
    plan_due: str | None = Field(None, description="planned (限期整改): the date it is carried "
                                                   "out by, YYYY-MM-DD, after today")
    number: int | None = RECTIFICATION_NUMBER


class CompleteRectification(Body):
    note: Text(NOTE_LIMIT) = Field(description="what the plan put right")
    number: int | None = RECTIFICATION_NUMBER


class RuleOnDispute(Body):
    ruling: DisputeRuling = Field(description="upheld: the rating stays counted; voided: it "
                                              "leaves the measures")
    reason: Text(NOTE_LIMIT)
    number: int | None = RECTIFICATION_NUMBER


# The commands on an appeal, as the HTTP API names them (POST /tickets/{id}/<action>).
ACTIONS: dict[str, Action] = {
    "dispatch": Action("dispatch", Dispatch, "Dispatch to the lead unit (交办); without "
                                             "lead_unit the routing table decides"),
    "redispatch": Action("redispatch", Redispatch, "Hand the appeal to another lead unit"),
    "sign-for": Action("sign_for", NoFields, "The lead unit signs for the appeal (签收)"),
    "sign-for-task": Action("sign_for_task", NoFields,
                            "An assisting unit signs for its own task (协办签收)"),
    "answer-task": Action("answer_task", AnswerTask,
                          "An assisting unit replies to the lead unit on its own task"),
    "waive-task": Action("waive_task", WaiveTask,
                         "Waive an assisting unit's open task; the lead resolves without it"),
    "urge": Action("urge", Urge, "Urge the lead unit (催办)"),
    "classify": Action("classify", Classify, "Classify into one of the five ways of handling"),
    "progress": Action("note_progress", Note, "Note progress (lead or assisting unit, office)"),
    "follow-up-upper-level": Action("follow_up_upper_level", Note,
                                    "Record a follow-up with the provincial or national level"),
    "request-extension": Action("request_extension", RequestExtension,
                                "Ask the office for more working days"),
    "grant-extension": Action("grant_extension", NoFields, "Grant the pending extension"),
    "refuse-extension": Action("refuse_extension", Reason, "Refuse the pending extension"),
    "resolve": Action("resolve", Resolve, "Resolve the appeal (办结)"),
    "rate": Action("rate", Rate, "Rate the outcome; unsatisfied sends it back (发回重办)"),
    "callback": Action("callback", Callback,
                       "Record the office's callback (回访) after the resolution; unresolved, "
                       "partly resolved or unsatisfied sends it back (重办)"),
    "close-off": Action("close_off", NoFields, "Close off a satisfied appeal (销号)"),
    "reopen": Action("reopen", Reason, "Reopen a closed-off appeal"),
    "return": Action("return_appeal", ReturnAppeal,
                     "The lead unit returns the appeal to the office (退回) within 2 working days "
                     "of its dispatch"),
    "rule-on-return": Action("rule_on_return", RuleOnReturn,
                             "Rule that the returning unit must take the appeal (终审)"),
    "merge": Action("merge_in", Merge, "Merge duplicate appeals into this one (合并)"),
    "split": Action("split", Split, "Split the appeal's matters into new appeals (拆分)"),
    "link": Action("link_related", LinkRelated, "Link the appeal to another as related (关联)"),
    "rate-merged": Action("rate_merged", Rate,
                          "Rate the outcome of an appeal merged into another, once that one is "
                          "resolved"),
    "classify-rectification": Action(
        "classify_rectification", ClassifyRectification,
        "The unit classifies the rectification of a bad rating (差评整改): 立行立改, 限期整改, "
        "解释说明 or 申诉"),
    "complete-rectification": Action("complete_rectification", CompleteRectification,
                                     "The unit reports its 限期整改 plan carried out"),
    "rule-on-dispute": Action("rule_on_dispute", RuleOnDispute,
                              "The office upholds or voids a bad rating its unit disputed (申诉)"),
}


class TicketPath(Body):
    ticket_id: Text(CODE_LIMIT) = Field(description="the appeal's id")


class TicketFilters(Body):
    """The filters of the ledger (台账): each narrows it; a blank one is no filter."""

    status: Status | None = None
    unit: Text(CODE_LIMIT) | None = Field(None, description="lead or assisting unit")
    open_task_unit: Text(CODE_LIMIT) | None = Field(
        None, description="an assisting unit whose own task (协办) awaits its signature or reply")
    county: County | None = None
    category: Category | None = None
    channel: Channel | None = None
    appeal_type: AppealType | None = None
    urgency: Urgency | None = None
    overdue: bool | None = Field(None, description="a deadline recorded as missed and not met")
    received_from: dt.date | None = Field(None, description="YYYY-MM-DD, office time, inclusive")
    received_to: dt.date | None = Field(None, description="YYYY-MM-DD, office time, inclusive")
    enterprise: Text(NAME_LIMIT) | None = Field(None, description="credit code or part of the name")
    q: Text(NAME_LIMIT) | None = Field(None, description="words that must all be in the title")


class TicketListQuery(TicketFilters):
    """The filters and one page of the ledger, newest first."""

    cursor: Annotated[str, StringConstraints(max_length=CURSOR_LIMIT,
                                             pattern=r"^[A-Za-z0-9_-]*$")] | None = Field(
        None, description="next_cursor of the previous page")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=PAGE_SIZE[0], le=PAGE_SIZE[1])


# The names of the ledger's filters, as query parameters and as the service's `filters` keys.
FILTERS: tuple[str, ...] = tuple(TicketFilters.model_fields)
PAGING: tuple[str, ...] = ("cursor", "limit")


# -- responses -------------------------------------------------------------------------------

class Reply(BaseModel):
    """A response body. Fields may be added; none is taken away."""


class RaiseResult(Reply):
    id: str
    ledger_number: str = Field(description="GZ-<year>-<000123>")
    status: Status
    linked_to_open_appeal: bool = Field(
        description="true when a near-identical open appeal of the enterprise took it in")


class StepDays(Reply):
    """Working days allowed for each step, fixed when the appeal was received."""

    sign: int
    first_response: int
    resolution: int


class Deadlines(Reply):
    """Each deadline's due time (UTC), null while it has not started."""

    sign: str | None
    first_response: str | None
    resolution: str | None
    dispatch: str | None = Field(None, description="交办: only on an appeal raised with its type "
                                                   "or urgency")


class StepTimes(Reply):
    """When each step of the appeal last happened (UTC), null until it has: kept when the appeal
    goes back (退回, 重办, reopened), unlike resolved_at and closed_at, which say where it stands."""

    received: str | None = Field(None, description="受理时间")
    dispatched: str | None = Field(None, description="交办时间: dispatched, redispatched or "
                                                     "ruled back to its unit after a return (终审)")
    signed: str | None = Field(None, description="签收时间")
    first_response: str | None = Field(None, description="首次答复时间: classified")
    returned: str | None = Field(None, description="退回时间: the last return")
    resolved: str | None = Field(None, description="办结时间")
    called_back: str | None = Field(None, description="回访时间")
    rated: str | None = Field(None, description="评价时间")
    closed: str | None = Field(None, description="销号时间, or merged or split")


class DeadlinesMet(Reply):
    sign: bool
    first_response: bool
    resolution: bool
    dispatch: bool | None = None


class Classification(Reply):
    """The way of handling and its details; only the way's own details are present."""

    way: Way
    policies: list[str] | None = None
    guidance: str | None = None
    level: UpperLevel | None = None
    report_reference: str | None = None
    policy_work: str | None = None
    county_unit: str | None = None
    explanation: str | None = None


class PendingExtension(Reply):
    working_days: int
    reason: str
    requested_at: str


class Extension(PendingExtension):
    granted: bool
    resolution_due: str | None = None
    refusal_reason: str | None = None


class ProgressNote(Reply):
    note: str
    unit: str | None = None
    at: str


class UpperLevelFollowUp(Reply):
    note: str
    level: UpperLevel
    at: str


class LinkedDuplicate(Reply):
    title: str
    description: str
    channel: Channel
    linked_at: str


class RatingGiven(Reply):
    rating: Rating
    comment: str
    via: RatedVia
    at: str


class CallbackMade(Reply):
    """A callback (回访) the office made after a resolution."""

    reached: bool
    resolved: CallbackResolved | None
    rating: Rating | None
    comment: str
    attempt: int = Field(description="the callback's number since the appeal was last resolved")
    at: str


class AssistTask(Reply):
    """An assisting unit's own task (协办任务) on the current dispatch, and what became of it."""

    unit: str
    status: TaskStatus
    due: str = Field(description="when the reply to the lead unit is due (UTC)")
    working_days: int
    overdue: bool = Field(description="recorded as missed and still unanswered")
    opened_at: str
    signed_for_at: str | None = None
    answered_at: str | None = None
    reply: str | None = None
    on_time: bool | None = Field(None, description="answered by its due")
    waived_at: str | None = None
    waive_reason: str | None = None


class AppealRectification(Reply):
    """A rectification of a bad rating (差评整改) and each step of it: what the enterprise is told
    of the unit's verification and of the office's ruling on a 申诉."""

    number: int
    unit: str | None
    rating: Rating
    status: RectificationStatus
    due: str = Field(description="when the unit's classification is due (UTC)")
    pending_due: str | None = Field(description="what the unit must meet next: the "
                                                "classification's due, or the end of the "
                                                "plan's date; null once nothing is owed")
    overdue: bool = Field(description="its pending due recorded as missed and still not met")
    opened_at: str
    merged_appeal_id: str | None = Field(None, description="a merged appeal's bad rating, "
                                                           "rectified on this survivor")
    way: RectificationWay | None = None
    note: str | None = Field(None, description="the unit's verification, explanation or 申诉 "
                                               "reason")
    plan: str | None = None
    plan_due: str | None = Field(None, description="限期整改: the date the plan is carried out by")
    classified_at: str | None = None
    on_time: bool | None = Field(None, description="classified by its due")
    completed_at: str | None = None
    completion_note: str | None = None
    completed_on_time: bool | None = Field(None, description="the plan carried out by its date")
    ruling: DisputeRuling | None = Field(None, description="申诉: the office's ruling")
    ruling_reason: str | None = None
    ruled_at: str | None = None


class AppealReturn(Reply):
    """A return to the office (退回) and, once ruled (终审), the ruling."""

    unit: str | None
    reason: ReturnReason
    legal_basis: str
    returned_at: str
    dispatched_at: str
    ruling: str | None = None
    ruled_at: str | None = None


class AppealLink(Reply):
    """Another appeal this one points at: related, merged into or from, split into or from."""

    kind: LinkKind
    ticket_id: str
    ledger_number: str | None
    at: str
    note: str | None = None
    uscc: str | None = Field(None, description="merged_from: the merged appeal's enterprise")


class SurvivorProgress(Reply):
    """The progress of the appeal a merged one follows, as its enterprise is shown it."""

    id: str
    ledger_number: str
    status: Status
    lead_unit: str | None
    signed_for_at: str | None
    classification: Classification | None
    deadlines: Deadlines
    reply: str | None = Field(None, description="答复意见: the survivor's reply to its enterprises")
    resolved_at: str | None
    closed_at: str | None


# The contact as the caller may read it (access.shown_contact): as said for the office and the
# lead unit, masked (138****5678) for other readers, null for any unit on a 保密 appeal.
CONTACT_SHOWN = "as said, masked (138****5678) or null, as the caller may read it"


class TicketView(Reply):
    """An appeal as `GET /tickets/{id}` and every command on it return it."""

    id: str
    version: int
    ledger_number: str
    enterprise_name: str
    uscc: str
    title: str
    description: str
    channel: Channel
    visit_id: str | None = Field(None, description="the visit the appeal was raised from")
    category: Category
    county: str
    appeal_type: AppealType | None = Field(None, description="null on appeals received before "
                                                             "types were recorded")
    urgency: Urgency | None = None
    confidential: bool = Field(False, description="保密: the handling unit is not shown the contact")
    contact_person: str | None = Field(None, description=CONTACT_SHOWN)
    contact_phone: str | None = Field(None, description=CONTACT_SHOWN)
    contact_email: str | None = Field(None, description=CONTACT_SHOWN)
    received_at: str
    step_days: StepDays
    status: Status
    lead_unit: str | None
    assisting_units: list[str]
    signed_for_at: str | None
    classification: Classification | None
    deadlines: Deadlines
    deadlines_met: DeadlinesMet
    missed: list[tuple[Deadline, str]] = Field(
        description="every deadline recorded as missed: [deadline, due time]")
    overdue: list[Deadline] = Field(description="missed deadlines still not met")
    pending_extension: PendingExtension | None
    extensions: list[Extension]
    urge_count: int
    progress_notes: list[ProgressNote]
    upper_level_follow_ups: list[UpperLevelFollowUp]
    duplicates: list[LinkedDuplicate]
    tasks: list[AssistTask] = Field(default_factory=list,
                                    description="the assisting units' own tasks (协办)")
    resolution_summary: str | None = Field(description="the unit's internal note; null for the "
                                                       "enterprise")
    reply: str | None = Field(None, description="答复意见: the reply to the enterprise")
    reply_policies: list[str] = Field(default_factory=list,
                                      description="the document numbers the reply cites")
    resolved_at: str | None
    rating: Rating | None
    ratings: list[RatingGiven]
    callbacks: list[CallbackMade] = Field(default_factory=list, description="回访, oldest first")
    redo_count: int = Field(0, description="重办: how often it was sent back to be handled again")
    reopen_count: int
    closed_at: str | None
    close_reason: CloseReason | None
    returns: list[AppealReturn] = Field(default_factory=list, description="退回 and 终审")
    rectifications: list[AppealRectification] = Field(
        default_factory=list, description="差评整改: each bad rating's rectification")
    links: list[AppealLink] = Field(default_factory=list,
                                    description="related, merged and split appeals")
    survivor: SurvivorProgress | None = Field(
        None, description="a merged appeal: the progress of the appeal it follows")
    times: StepTimes = Field(default_factory=StepTimes,
                             description="when each step last happened, as the ledger shows it")


class LedgerLine(Reply):
    """An appeal as one line of the ledger."""

    id: str
    version: int
    ledger_number: str
    enterprise_name: str
    uscc: str
    title: str
    channel: Channel
    category: Category
    county: str
    status: Status
    lead_unit: str | None
    assisting_units: list[str]
    received_at: str
    resolved_at: str | None
    closed_at: str | None
    rating: Rating | None
    overdue: bool
    next_due: str | None = Field(description="the next pending deadline, if any")
    deadlines: Deadlines
    visit_id: str | None = Field(None, description="the visit the appeal was raised from")
    tasks: list[AssistTask] = Field(default_factory=list,
                                    description="the assisting units' own tasks (协办)")
    appeal_type: AppealType | None = None
    urgency: Urgency | None = None
    confidential: bool = False
    contact_person: str | None = Field(None, description=CONTACT_SHOWN)
    contact_phone: str | None = Field(None, description=CONTACT_SHOWN)
    redo_count: int = Field(0, description="重办: how often it was sent back to be handled again")
    times: StepTimes = Field(default_factory=StepTimes,
                             description="when each step last happened, as the ledger shows it")


class TicketPage(Reply):
    items: list[LedgerLine]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null at the end")


class TicketEvent(Reply):
    """One event of an appeal, in the envelope every event travels in."""

    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str = Field(description="a past-tense fact, e.g. TicketSignedFor")
    occurred_at: str
    actor: str = Field(description="role:unit-or-credit-code:sub")
    correlation_id: str | None
    causation_id: str | None
    payload: dict[str, Any]


class TicketHistory(Reply):
    events: list[TicketEvent]


class MergeProposal(Reply):
    """An open appeal that reads as the same matter: a proposal, never a merge."""

    id: str
    ledger_number: str
    enterprise_name: str
    uscc: str
    title: str
    status: Status
    received_at: str


class MergeProposals(Reply):
    ticket_id: str
    proposals: list[MergeProposal]


# -- the ledger workbook (诉求台账.xlsx) -------------------------------------------------------
# The service answers the workbook's lines a page at a time (`export_tickets`, a cursor as the
# list's); the gateway writes them into the sheet, so no reply carries the whole ledger.

EXPORT_PAGE_SIZE = 500
LEDGER_SHEET = "诉求台账"
LEDGER_HEADERS: tuple[str, ...] = (
    "台账编号", "企业名称", "统一社会信用代码", "联系人", "联系电话", "诉求标题", "诉求内容",
    "受理渠道", "诉求类别", "诉求类型", "紧急程度",
    "所属县(市、区)", "责任单位(主办)", "协办单位", "办理状态", "处理方式", "重办次数",
    "受理时间", "交办时间", "签收期限", "签收时间", "首次答复时间", "退回时间",
    "办结期限", "是否逾期", "办结时间", "回访时间", "满意度评价", "评价时间", "销号时间")


class ExportPage(Reply):
    """A page of the ledger workbook: one line per appeal, a cell per header, newest first."""

    lines: list[list[str | int | None]] = Field(description="重办次数 a number, every other cell "
                                                        "text or null")
    next_cursor: str | None = Field(description="pass as cursor for the next page; null at the end")
