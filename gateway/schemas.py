"""The shapes of request bodies the gateway accepts. Shape only (types, presence, lengths):
whether a value is allowed by the notice's rules is for the service's aggregate to say."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RaiseAppeal(Body):
    enterprise_name: str = Field(min_length=1, max_length=200, description="企业名称")
    uscc: str = Field(min_length=18, max_length=18, description="统一社会信用代码")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    channel: str = Field(description="hotline, fax, email, direct_line, visit, briefing, letter")
    category: str = Field(description="tax_and_fees, financing, labour, land_and_energy, …")
    county: str = Field(min_length=1, max_length=40, description="county or zone code")


class LedgerQuery(Body):
    after: int = Field(0, ge=0, description="entries after this seq")
    limit: int = Field(100, ge=1, le=1000)
    stream_id: str | None = Field(None, max_length=120)


# -- commands on an appeal: one body shape per action, named as the domain names it ---------

class Dispatch(Body):
    lead_unit: str | None = Field(None, max_length=100,
                                  description="omit to take the unit from the routing table")
    assisting_units: list[str] = Field(default_factory=list, max_length=20)


class Redispatch(Body):
    lead_unit: str = Field(min_length=1, max_length=100)
    assisting_units: list[str] = Field(default_factory=list, max_length=20)
    reason: str = Field(min_length=1, max_length=5000)


class Empty(Body):
    pass


class Urge(Body):
    message: str = Field(min_length=1, max_length=5000)


class Classify(Body):
    way: str = Field(description="policy_available, escalate_upward, municipal_policy, "
                                 "county_coordination, unsolvable")
    policies: list[str] | None = Field(None, max_length=50)
    guidance: str | None = Field(None, max_length=5000)
    level: str | None = Field(None, description="provincial or national")
    report_reference: str | None = Field(None, max_length=200)
    policy_work: str | None = Field(None, max_length=5000)
    county_unit: str | None = Field(None, max_length=100)
    explanation: str | None = Field(None, max_length=5000)


class Note(Body):
    note: str = Field(min_length=1, max_length=5000)


class RequestExtension(Body):
    working_days: int = Field(ge=1, le=30)
    reason: str = Field(min_length=1, max_length=5000)


class Reason(Body):
    reason: str = Field(min_length=1, max_length=5000)


class Resolve(Body):
    summary: str = Field(min_length=1, max_length=5000)


class Rate(Body):
    rating: str = Field(description="satisfied, basically_satisfied, unsatisfied")
    comment: str = Field("", max_length=5000)


ACTIONS = {
    "dispatch": Dispatch, "redispatch": Redispatch, "sign-for": Empty, "urge": Urge,
    "classify": Classify, "progress": Note, "follow-up-upper-level": Note,
    "request-extension": RequestExtension, "grant-extension": Empty, "refuse-extension": Reason,
    "resolve": Resolve, "rate": Rate, "close-off": Empty, "reopen": Reason,
}


class RoutePlace(Body):
    category: str = Field(min_length=1, max_length=40)
    county: str = Field(min_length=1, max_length=100, description="a county code, or * for all")


class Route(RoutePlace):
    unit: str = Field(min_length=1, max_length=100)


class Page(Body):
    cursor: str | None = Field(None, max_length=400)
    limit: int = Field(50, ge=1, le=200)
