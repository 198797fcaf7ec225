"""The liaison linkage's wire contract: what crosses its API, in one module the service and the
gateway both import (notice 三(一)1, 2).

- requests: proposing a plan (optionally pinning top leaders' parks), changing one leader's
  linkage, linking a city department to a park, appointing a liaison officer;
- replies: a plan, the plans, a linkage, the linkages, a department's park, the liaison officers.

Shapes only; whether a linkage meets the notice's rules is for the aggregate to say, naming the
rule. Schema names are prefixed Plan/Linkage (OpenAPI names each schema by its class).
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kernel.wire import Body, CreditCode, Text

CODE_LIMIT = 100
LIST_LIMIT = 500
PIN_LIMIT = 50
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=CODE_LIMIT,
                                              pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


# -- requests ------------------------------------------------------------------------------------

class PlanProposal(Body):
    """Ask the planner for every city leader's list from the registry as it is."""

    parks: dict[Identifier, Identifier] = Field(
        default_factory=dict, max_length=PIN_LIMIT,
        description="top city leader id → the park he is to link (optional; the planner "
                    "chooses the others)")


class LinkageChange(Body):
    """One leader's linkage as it is to be: his whole list (and, a top leader, his park)."""

    enterprises: list[CreditCode] = Field(max_length=LIST_LIMIT,
                                          description="统一社会信用代码 of every linked enterprise")
    park: Identifier | None = Field(default=None, description="a top city leader's one park")
    reason: Text(500)


class LinkageDepartmentPark(Body):
    park: Identifier = Field(description="the park the city department is linked to")


class LinkageOfficerAppointment(Body):
    cadre_id: Identifier = Field(description="the cadre's id (the 'sub' of his token, role "
                                             "liaison)")
    name: Text(100)
    unit: Identifier = Field(description="the city department or county/zone he comes from")
    leader_id: Identifier = Field(description="the city leader whose enterprises he serves")
    phone: Text(40) | None = None


class PlanPath(Body):
    plan_id: Identifier


class LinkageLeaderPath(Body):
    leader_id: Identifier


class LinkageUnitPath(Body):
    unit: Identifier


class LinkageOfficerQuery(Body):
    leader_id: Identifier | None = None


# -- replies -------------------------------------------------------------------------------------

class LinkageReply(BaseModel):
    """A response body. Fields may be added; none is taken away."""


class LinkageCoverage(LinkageReply):
    enterprises: int
    tiers: dict[str, int]
    counties: list[str]
    parks: list[str]


class PlanLinkage(LinkageReply):
    leader_id: str
    rank: str | None
    park: str | None
    enterprises: list[str]
    coverage: LinkageCoverage


class PlanCoverage(LinkageReply):
    leaders: int
    enterprises: int
    parks: int
    counties: int


class PlanSummary(LinkageReply):
    id: str
    status: str = Field(description="proposed or accepted")
    proposed_at: str | None
    proposed_by: str | None
    accepted_at: str | None
    coverage: PlanCoverage | None
    stats: dict = Field(description="the solver's: status, objective, sizes, seconds")


class PlanView(PlanSummary):
    linkages: list[PlanLinkage]
    pinned_parks: dict[str, str]


class PlanList(LinkageReply):
    items: list[PlanSummary]


class LinkageOfficerView(LinkageReply):
    cadre_id: str
    leader_id: str
    name: str
    unit: str
    phone: str | None
    appointed_at: str


class LinkageView(PlanLinkage):
    plan_id: str | None
    changed_at: str
    version: int | None = Field(None, description="the city's linkage's version, its ETag: "
                                                  "a change is sent with If-Match")
    liaison_officers: list[LinkageOfficerView] = Field(default_factory=list)


class LinkageList(LinkageReply):
    items: list[LinkageView]


class LinkageDepartmentView(LinkageReply):
    unit: str
    park: str
    linked_at: str


class LinkageOfficerList(LinkageReply):
    items: list[LinkageOfficerView]
