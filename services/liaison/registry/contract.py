"""The liaison registry's wire contract: what crosses its API, in one module that the service and
the gateway both import (notice 三(一)1, 保障措施(一)).

- the request models: registering an enterprise, changing its profile, rating its tier, the
  enterprise list's filters; registering and changing a park, a unit, a leader; setting a
  working group's members;
- the response models: an enterprise with its ratings, the lists, a park, a unit, a leader, the
  leading group.

Shape only (types, presence, lengths, vocabularies): whether a value is allowed (a credit code's
check character, a park in the enterprise's county …) is for the aggregates to say, by an error
naming the field. The wire's enums are the registry's vocabularies under names of their own,
since OpenAPI names each schema by its class and other contracts have an OperatingTier, an
EnterpriseSize and a County. Imports pydantic, the pure kernel and this area's vocabulary.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kernel import checks
from kernel.campaign import COUNTIES
from kernel.vocabulary import LabelledEnum
from kernel.wire import Body, CreditCode, Text
from services.liaison.registry.vocabulary import (
    EnterpriseSize,
    LeaderRank,
    MemberRole,
    OperatingTier,
    UnitKind,
    WorkingGroup,
)


def _wire(name: str, vocabulary, what: str):
    enum = LabelledEnum(name, {member.name: (member.value, member.label)
                               for member in vocabulary})
    enum.__doc__ = what + ": " + ", ".join(f"{m.value} {m.label}" for m in vocabulary)
    enum.__module__ = __name__
    return enum


EnterpriseTier = _wire("EnterpriseTier", OperatingTier,
                       "An enterprise's operating tier (notice 三(一)1)")
EnterpriseSizeClass = _wire("EnterpriseSizeClass", EnterpriseSize,
                            "An enterprise's size class (大中小微企业划型)")
RegistryCounty = LabelledEnum("RegistryCounty", {code.upper(): (code, label)
                                                 for code, label in COUNTIES.items()})
RegistryCounty.__doc__ = "A county-level division of Ganzhou or a development zone (县市区、经开区)."
RegistryCounty.__module__ = __name__
UnitKindCode = _wire("UnitKindCode", UnitKind, "What a unit is")
LeaderRankCode = _wire("LeaderRankCode", LeaderRank, "A leader's rank")
WorkingGroupCode = _wire("WorkingGroupCode", WorkingGroup,
                         "One of the leading group's four working groups")
MemberRoleCode = _wire("MemberRoleCode", MemberRole, "A member's place in a working group")

# -- limits ----------------------------------------------------------------------------------
# The aggregates' own (services.liaison.registry.domain).

NAME_LIMIT = checks.NAME_LIMIT
CODE_LIMIT = checks.CODE_LIMIT
INDUSTRY_LIMIT = 100
TITLE_LIMIT = 200
MEMBERS_LIMIT = 200
# An id or a code: it names a stream and a path.
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=CODE_LIMIT,
                                              pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
UNRATED = "unrated"


# -- requests: enterprises -------------------------------------------------------------------

class EnterpriseRegistration(Body):
    """An enterprise entered into the register by the office or its county's unit officer."""

    uscc: CreditCode = Field(description="统一社会信用代码 (its check character is verified)")
    name: Text(NAME_LIMIT)
    county: RegistryCounty
    park: Identifier | None = Field(None, description="a registered park in the same county")
    industry: Text(INDUSTRY_LIMIT)
    size: EnterpriseSizeClass
    above_designated_size: bool = Field(description="规模以上工业企业")


class EnterpriseProfileChange(Body):
    """The profile fields to change; the others stay. park null takes it out of its park."""

    name: Text(NAME_LIMIT) | None = None
    county: RegistryCounty | None = None
    park: Identifier | None = None
    industry: Text(INDUSTRY_LIMIT) | None = None
    size: EnterpriseSizeClass | None = None
    above_designated_size: bool | None = None


class EnterpriseTierRating(Body):
    """The operating tier its county (or the office) gives it: 较好/一般/困难."""

    tier: EnterpriseTier


class EnterpriseListQuery(Body):
    """The enterprise list's filters; each given narrows it."""

    county: RegistryCounty | None = None
    park: Identifier | None = None
    tier: Annotated[str, StringConstraints(
        pattern=f"^({'|'.join([*OperatingTier.codes(), UNRATED])})$")] | None = Field(
        None, description=f"{', '.join(OperatingTier.codes())} or {UNRATED}")
    above_designated_size: bool | None = None


ENTERPRISE_FILTERS: tuple[str, ...] = tuple(EnterpriseListQuery.model_fields)


class EnterpriseUsccPath(Body):
    uscc: CreditCode = Field(description="统一社会信用代码")


# -- requests: parks, units, leaders, the leading group --------------------------------------

class ParkRegistration(Body):
    id: Identifier = Field(description="the park's id: letters, digits, _ - .")
    name: Text(NAME_LIMIT)
    county: RegistryCounty


class ParkChange(Body):
    name: Text(NAME_LIMIT) | None = None
    county: RegistryCounty | None = None


class ParkIdPath(Body):
    park_id: Identifier


class ParkListQuery(Body):
    county: RegistryCounty | None = None


class UnitRegistration(Body):
    """A unit: a city department (its own code, no county), or a county or zone (coded as the
    county: kernel.campaign.COUNTIES)."""

    code: Identifier
    name: Text(NAME_LIMIT)
    kind: UnitKindCode
    county: RegistryCounty | None = Field(None, description="a county's or zone's own code")


class UnitChange(Body):
    name: Text(NAME_LIMIT)


class UnitCodePath(Body):
    code: Identifier


class UnitListQuery(Body):
    kind: UnitKindCode | None = None


class LeaderRegistration(Body):
    id: Identifier
    name: Text(NAME_LIMIT)
    rank: LeaderRankCode
    title: Text(TITLE_LIMIT) = Field(description="市委书记, 市长, 副市长, 县委书记 …")
    county: RegistryCounty | None = Field(None, description="a county leader's county")


class LeaderChange(Body):
    """The fields to change; county null for a leader who is no longer a county's."""

    name: Text(NAME_LIMIT) | None = None
    rank: LeaderRankCode | None = None
    title: Text(TITLE_LIMIT) | None = None
    county: RegistryCounty | None = None


class LeaderIdPath(Body):
    leader_id: Identifier


class LeaderListQuery(Body):
    rank: LeaderRankCode | None = None


class LeadingGroupMember(Body):
    name: Text(NAME_LIMIT)
    unit: Text(CODE_LIMIT) = Field(description="a registered unit's code")
    role: MemberRoleCode = MemberRoleCode("member")


class LeadingGroupMembers(Body):
    """A working group's members, set as a whole."""

    group: WorkingGroupCode
    members: list[LeadingGroupMember] = Field(max_length=MEMBERS_LIMIT)


# -- responses -------------------------------------------------------------------------------

class RegistryReply(BaseModel):
    """A response body. Fields may be added; none is taken away."""


# Shown to the office, the supervision group, the enterprise's county's officers and the
# helping-enterprises group's units; left out for every other caller.
TIER_SHOWN = ("; absent for a caller not shown tiers (only the office, the supervision group, "
              "the enterprise's county's officers and the helping-enterprises group see them)")


class EnterpriseRating(RegistryReply):
    tier: EnterpriseTier
    rated_by: str = Field(description="the rating county's unit code, or office")
    rated_at: str
    actor: str | None = Field(None, description="who rated it, as the event records; shown to "
                                                "the office only")


class EnterpriseSummary(RegistryReply):
    uscc: str
    name: str
    county: RegistryCounty
    park: str | None
    industry: str
    size: EnterpriseSizeClass
    above_designated_size: bool
    tier: EnterpriseTier | None = Field(None, description="null until rated" + TIER_SHOWN)
    rated_at: str | None = Field(None, description="the last rating's time" + TIER_SHOWN)
    rated_by: str | None = Field(None, description="the last rating's county, or office"
                                                   + TIER_SHOWN)
    version: int


class EnterpriseView(EnterpriseSummary):
    ratings: list[EnterpriseRating] | None = Field(None, description="every rating, oldest "
                                                                     "first" + TIER_SHOWN)
    registered_at: str
    registered_by: str
    updated_at: str


class EnterpriseList(RegistryReply):
    items: list[EnterpriseSummary]


class EnterpriseRatings(RegistryReply):
    uscc: str
    tier: EnterpriseTier | None
    ratings: list[EnterpriseRating]


class ParkSummary(RegistryReply):
    id: str
    name: str
    county: RegistryCounty
    version: int


class ParkView(ParkSummary):
    registered_at: str
    registered_by: str
    updated_at: str


class ParkList(RegistryReply):
    items: list[ParkSummary]


class UnitSummary(RegistryReply):
    code: str
    name: str
    kind: UnitKindCode
    county: RegistryCounty | None
    version: int


class UnitView(UnitSummary):
    registered_at: str
    registered_by: str
    updated_at: str


class UnitList(RegistryReply):
    items: list[UnitSummary]


class LeaderSummary(RegistryReply):
    id: str
    name: str
    rank: LeaderRankCode
    title: str
    county: RegistryCounty | None
    version: int


class LeaderView(LeaderSummary):
    registered_at: str
    registered_by: str
    updated_at: str


class LeaderList(RegistryReply):
    items: list[LeaderSummary]


class LeadingGroupMemberView(RegistryReply):
    name: str
    unit: str
    role: MemberRoleCode


class LeadingGroupWorkingGroup(RegistryReply):
    code: WorkingGroupCode
    name: str
    members: list[LeadingGroupMemberView]


class LeadingGroupOffice(RegistryReply):
    unit: str
    name: str


class LeadingGroupView(RegistryReply):
    id: str
    office: LeadingGroupOffice = Field(description="领导小组办公室, at the development and reform "
                                                   "commission")
    groups: dict[str, LeadingGroupWorkingGroup] = Field(
        description="policy_briefing, enterprise_help, problem_solving, supervision")
    updated_at: str | None
    version: int
