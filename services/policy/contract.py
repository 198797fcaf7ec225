"""The policy service's wire contract: what crosses its API, in one module that the service and
the gateway both import (notice 二(一), 二(二)).

- the limits (characters, items, page sizes) the aggregates check and the gateway declares;
- the request models: drafting a policy, the body of each command on a policy, an implementation
  rule and a briefing, the filters and paging of the policy list;
- the ACTIONS tables, one per aggregate: each command as the HTTP API names it, with the method
  it runs and its body;
- the response models: a policy and its versions, a page of the list, an implementation rule,
  a briefing, the compendium's editions and contact sheet, the portal's feed and deadlines,
  matching.

Shape only (types, presence, lengths, vocabularies): whether a value is allowed by the notice's
rules is for the aggregates to say, by an error naming the field. Imports pydantic, the pure
kernel and this service's vocabulary, nothing else, so that any caller can take it without taking
the service.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from kernel import checks
from kernel.wire import Action, Body, CreditCode, Text
from services.policy.vocabulary import (
    AgendaItemKind, BriefingStatus, CostCategory, EnterpriseSize, Level, OperatingTier, RuleKind,
    RuleStatus, Status,
)

# A policy's status as the wire names it: the vocabulary's codes and labels under a name of its
# own, since OpenAPI names each schema by its class and the appeal's Status is another.
PolicyStatus = Status.renamed("PolicyStatus", module=__name__, what="A policy's life")

# -- limits ----------------------------------------------------------------------------------
# The aggregates' own (the areas' domains and the policies' contact): a test holds
# the two equal.

TITLE_LIMIT = 200
DOCUMENT_NUMBER_LIMIT = checks.CODE_LIMIT
CODE_LIMIT = checks.CODE_LIMIT          # a unit, a county, an industry, an id
NAME_LIMIT = checks.NAME_LIMIT          # who issued it, a place, a leader, a speaker
SUMMARY_LIMIT = 2000
FULL_TEXT_LIMIT = 100_000
REASON_LIMIT = checks.TEXT_LIMIT
SECTION_LIMIT = checks.TEXT_LIMIT       # a rule's procedure, time limits, tasks, responsibilities
PERSON_LIMIT = 50
PHONE_LIMIT = 40
EMAIL_LIMIT = 254
AGENDA_LIMIT = 50
CODES_LIMIT = 200                       # codes in one list (units, parks, industries …)
PAGE_SIZE = (1, 200)
DEFAULT_PAGE_SIZE = 50
CURSOR_LIMIT = 400
FEED_SIZE = (1, 200)


# -- requests --------------------------------------------------------------------------------

class Criteria(Body):
    """Who a policy is for (申报条件): an empty list means any, a null flag either."""

    industries: list[Text(CODE_LIMIT)] = Field(default_factory=list, max_length=CODES_LIMIT)
    sizes: list[EnterpriseSize] = Field(default_factory=list)
    above_designated_size: bool | None = Field(None, description="规模以上 only (true), below "
                                                                 "only (false), either (null)")
    counties: list[Text(CODE_LIMIT)] = Field(default_factory=list, max_length=CODES_LIMIT)
    tiers: list[OperatingTier] = Field(default_factory=list)


class Contact(Body):
    """The consultation contact (谁出台、谁宣讲、谁解释, notice 二(一)3): all four are required."""

    unit: Text(NAME_LIMIT)
    person: Text(PERSON_LIMIT)
    phone: Text(PHONE_LIMIT) = Field(description="a mainland mobile, landline with area code, "
                                                 "or 400/800 number")
    email: Text(EMAIL_LIMIT)


class SetContact(Contact):
    """Set (or change) a policy's consultation contact."""


class DraftPolicy(Body):
    """A policy (惠企政策) as its issuing unit drafts it; publication needs its full text and
    contact."""

    issuing_unit: Text(CODE_LIMIT) = Field(description="the unit that answers for the policy")
    title: Text(TITLE_LIMIT)
    document_number: Text(DOCUMENT_NUMBER_LIMIT) = Field(description="文号")
    level: Level
    cost_category: CostCategory
    summary: Text(SUMMARY_LIMIT)
    effective_from: dt.date = Field(description="YYYY-MM-DD")
    effective_until: dt.date | None = Field(None, description="YYYY-MM-DD, inclusive; null: "
                                                              "no end date")
    full_text: Text(FULL_TEXT_LIMIT, minimum=0) = ""
    issued_by: Text(NAME_LIMIT, minimum=0) = Field("", description="the issuing authority as "
                                                                   "printed (发文机关)")
    criteria: Criteria | None = None
    contact: Contact | None = None
    master_policy_id: Text(CODE_LIMIT) | None = Field(
        None, description="the city's master measures (《若干政策措施》) it implements")


class Revise(Body):
    """Change a draft before publication: only the fields given."""

    title: Text(TITLE_LIMIT) | None = None
    document_number: Text(DOCUMENT_NUMBER_LIMIT) | None = None
    issued_by: Text(NAME_LIMIT, minimum=0) | None = None
    level: Level | None = None
    cost_category: CostCategory | None = None
    summary: Text(SUMMARY_LIMIT) | None = None
    full_text: Text(FULL_TEXT_LIMIT, minimum=0) | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    criteria: Criteria | None = None
    master_policy_id: Text(CODE_LIMIT) | None = None


class Amend(Body):
    """Publish a new version of a policy in force, saying why; the level never changes."""

    reason: Text(REASON_LIMIT)
    title: Text(TITLE_LIMIT) | None = None
    document_number: Text(DOCUMENT_NUMBER_LIMIT) | None = None
    issued_by: Text(NAME_LIMIT, minimum=0) | None = None
    cost_category: CostCategory | None = None
    summary: Text(SUMMARY_LIMIT) | None = None
    full_text: Text(FULL_TEXT_LIMIT) | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    criteria: Criteria | None = None
    master_policy_id: Text(CODE_LIMIT) | None = None


class Repeal(Body):
    """废止: the policy no longer applies."""

    reason: Text(REASON_LIMIT)


class NoPolicyFields(Body):
    """A command that needs nothing but the aggregate and the caller."""


# Under the tickets' name too; the class's own name is the service's (OpenAPI names schemas by it).
NoFields = NoPolicyFields


class AnswerPolicyWork(Body):
    """The policy (published, in force) answers a policy-work item of its unit (notice 二(四)3):
    the appeal that asked for it is told."""

    item_id: Text(CODE_LIMIT)


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


class EnterpriseProfile(Body):
    """An enterprise as matching reads it (精准推送)."""

    uscc: CreditCode
    industry: Text(CODE_LIMIT)
    size: EnterpriseSize
    county: Text(CODE_LIMIT)
    tier: OperatingTier
    above_designated_size: bool


# The commands on a policy, as the HTTP API names them (POST /policies/{id}/<action>).
POLICY_ACTIONS: dict[str, Action] = {
    "revise": Action("revise_draft", Revise, "Revise the draft before publication"),
    "set-contact": Action("set_contact", SetContact,
                          "Set the consultation contact (谁出台、谁宣讲、谁解释)"),
    "publish": Action("publish", NoFields, "Publish the draft as version 1"),
    "amend": Action("amend", Amend, "Publish a new version; earlier ones stay readable"),
    "repeal": Action("repeal", Repeal, "Repeal the policy (废止)"),
    "expire": Action("expire", NoFields, "Record that its effective dates ran out (失效)"),
    "answer-policy-work": Action("answer_policy_work", AnswerPolicyWork,
                                 "Answer a policy-work item of the unit with this policy"),
}
ACTIONS = POLICY_ACTIONS

# The commands on an implementation rule (POST /rules/{id}/<action>).
RULE_ACTIONS: dict[str, Action] = {
    "file": Action("file", FileRule, "File the implementation rule (报备)"),
}

# The commands on a briefing (POST /briefings/{id}/<action>).
BRIEFING_ACTIONS: dict[str, Action] = {
    "revise": Action("revise", ReviseBriefing, "Change a briefing still ahead"),
    "record-held": Action("record_held", RecordHeld, "Record the briefing held"),
    "cancel": Action("cancel", CancelBriefing, "Cancel a briefing not yet held"),
}


class PolicyPath(Body):
    policy_id: Text(CODE_LIMIT)


class VersionPath(PolicyPath):
    number: int = Field(ge=1)


class RulePath(Body):
    rule_id: Text(CODE_LIMIT)


class BriefingPath(Body):
    briefing_id: Text(CODE_LIMIT)


class EditionPath(Body):
    number: int = Field(ge=1)


class PolicyFilters(Body):
    """The filters of the policy list: each narrows it; a blank one is no filter."""

    q: Text(NAME_LIMIT) | None = Field(None, description="Chinese or other words, ranked by "
                                                         "relevance when given")
    level: Level | None = None
    cost_category: CostCategory | None = None
    unit: Text(CODE_LIMIT) | None = Field(None, description="the issuing unit")
    in_force_on: dt.date | None = Field(None, description="YYYY-MM-DD: in force that day")
    status: PolicyStatus | None = None


class ListQuery(PolicyFilters):
    """The filters and one page of the policy list: newest published first, or by relevance."""

    cursor: Annotated[str, StringConstraints(max_length=CURSOR_LIMIT,
                                             pattern=r"^[A-Za-z0-9_-]*$")] | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=PAGE_SIZE[0], le=PAGE_SIZE[1])


FILTERS: tuple[str, ...] = tuple(PolicyFilters.model_fields)
PAGING: tuple[str, ...] = ("cursor", "limit")


class RuleFilters(Body):
    policy_id: Text(CODE_LIMIT) | None = None
    unit: Text(CODE_LIMIT) | None = None
    status: RuleStatus | None = None


class BriefingFilters(Body):
    status: BriefingStatus | None = None
    organiser: Text(CODE_LIMIT) | None = None
    policy_id: Text(CODE_LIMIT) | None = Field(None, description="briefings explaining it")


RULE_FILTERS: tuple[str, ...] = tuple(RuleFilters.model_fields)
BRIEFING_FILTERS: tuple[str, ...] = tuple(BriefingFilters.model_fields)

DOCUMENT_FORMATS = ("html", "pdf", "docx")


class DocumentQuery(Body):
    format: Literal["html", "pdf", "docx"] = "html"


# -- responses -------------------------------------------------------------------------------

class Reply(BaseModel):
    """A response body. Fields may be added; none is taken away."""


class CriteriaView(Reply):
    industries: list[str]
    sizes: list[EnterpriseSize]
    above_designated_size: bool | None
    counties: list[str]
    tiers: list[OperatingTier]


class ContactView(Reply):
    unit: str
    person: str
    phone: str
    email: str


class VersionView(Reply):
    """One published version of a policy, exactly as it was published or amended."""

    number: int
    title: str
    document_number: str
    issued_by: str | None
    level: Level
    cost_category: CostCategory
    summary: str
    full_text: str | None
    effective_from: str
    effective_until: str | None
    criteria: CriteriaView
    master_policy_id: str | None
    published_at: str
    reason: str | None = Field(description="why it was amended; null for version 1")


class PolicyView(Reply):
    """A policy as `GET /policies/{id}` and every command on it return it."""

    id: str
    version: int
    status: PolicyStatus
    status_label: str
    issuing_unit: str
    title: str
    document_number: str
    issued_by: str | None
    level: Level
    level_label: str
    cost_category: CostCategory
    cost_category_label: str
    summary: str
    full_text: str | None
    effective_from: str
    effective_until: str | None
    criteria: CriteriaView
    master_policy_id: str | None
    contact: ContactView | None
    current_version: int | None
    versions: list[VersionView]
    drafted_at: str | None
    published_at: str | None
    ended_at: str | None
    end_reason: str | None


class PolicySummary(Reply):
    """A policy as one line of the list."""

    id: str
    version: int
    status: PolicyStatus
    status_label: str
    issuing_unit: str
    title: str
    document_number: str
    level: Level
    level_label: str
    cost_category: CostCategory
    cost_category_label: str
    summary: str
    effective_from: str
    effective_until: str | None
    current_version: int | None
    published_at: str | None
    updated_at: str


class PolicyPage(Reply):
    items: list[PolicySummary]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null at "
                                                "the end")


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


class EditionSummary(Reply):
    """An edition of the compendium: its number, day, digest and how many policies it holds."""

    number: int
    day: str
    digest: str
    built_at: str
    policies: int
    new: bool | None = Field(None, description="build_compendium only: false when the latest "
                                               "edition already showed the same")


class EditionList(Reply):
    items: list[EditionSummary]


class ContactRow(Reply):
    """A row of the contact sheet (咨询联系表)."""

    number: int
    title: str
    document_number: str
    issued_by: str
    contact_unit: str
    person: str
    phone: str
    email: str


class ContactRows(Reply):
    items: list[ContactRow]
    edition: int | None = Field(description="the edition the sheet is of; null: the policies "
                                            "in force now, no edition built yet")


class EditionView(Reply):
    """An edition as built (`services.policy.compendium.edition.Edition`): sections by level and cost
    category, the table of contents, the contact sheet."""

    number: int
    day: str
    title: str
    digest: str
    built_at: str | None = None
    sections: list[dict[str, Any]]
    contents: list[dict[str, Any]]
    contacts: list[ContactRow]


class EditionDocument(Reply):
    filename: str
    media_type: str
    base64: str


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


class Match(Reply):
    """Whether an enterprise meets a policy in force, and why in words."""

    policy_id: str
    title: str
    eligible: bool
    reason: str


class MatchList(Reply):
    items: list[Match]
