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
