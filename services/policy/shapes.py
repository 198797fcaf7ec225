"""What every area's wire contract of the policy service shares: the limits of a body's values
that more than one area declares, and the base of every reply. The aggregates keep the same
limits (the areas' domains and the policies' contact): a test holds the two equal. Imports
pydantic and the pure kernel, nothing else."""
from __future__ import annotations

from pydantic import BaseModel

from kernel import checks

TITLE_LIMIT = 200
DOCUMENT_NUMBER_LIMIT = checks.CODE_LIMIT
CODE_LIMIT = checks.CODE_LIMIT          # a unit, a county, an industry, an id
NAME_LIMIT = checks.NAME_LIMIT          # who issued it, a place, a leader, a speaker
FULL_TEXT_LIMIT = 100_000
REASON_LIMIT = checks.TEXT_LIMIT
CODES_LIMIT = 200                       # codes in one list (units, parks, industries …)


class Reply(BaseModel):
    """A response body. Fields may be added; none is taken away."""
