"""The policies' wire contract (惠企政策, notice 二(一), 二(二)): drafting a policy, the body of each
command on it and their action table, the list's filters and paging, an enterprise's profile for
matching (精准推送); a policy, its versions, a page of the list and matching's verdicts as they are
read. Shape only: whether a value is allowed by the notice's rules is for the aggregate to say,
by an error naming the field. Imports pydantic, the pure kernel, the service's shared shapes and
its vocabulary, and the policy work's answer (a command on a policy)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, StringConstraints

from kernel.wire import Action, Body, CreditCode, Text
from services.policy.shapes import (
    CODE_LIMIT, CODES_LIMIT, DOCUMENT_NUMBER_LIMIT, FULL_TEXT_LIMIT, NAME_LIMIT, REASON_LIMIT,
    TITLE_LIMIT, Reply,
)
from services.policy.vocabulary import CostCategory, EnterpriseSize, Level, OperatingTier, Status
from services.policy.work.contract import AnswerPolicyWork

# A policy's status as the wire names it: the vocabulary's codes and labels under a name of its
# own, since OpenAPI names each schema by its class and the appeal's Status is another.
PolicyStatus = Status.renamed("PolicyStatus", module=__name__, what="A policy's life")

# The aggregate's own (the policies' domain and contact).
SUMMARY_LIMIT = 2000
PERSON_LIMIT = 50
PHONE_LIMIT = 40
EMAIL_LIMIT = 254
PAGE_SIZE = (1, 200)
DEFAULT_PAGE_SIZE = 50
CURSOR_LIMIT = 400


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


class PolicyPath(Body):
    policy_id: Text(CODE_LIMIT)


class VersionPath(PolicyPath):
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


# -- responses -------------------------------------------------------------------------------

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


class Match(Reply):
    """Whether an enterprise meets a policy in force, and why in words."""

    policy_id: str
    title: str
    eligible: bool
    reason: str


class MatchList(Reply):
    items: list[Match]
