"""What every area's wire contract of supervision shares: the limits of a body's values, the
list types, and the base of every reply. Imports pydantic and the pure kernel, nothing else."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from kernel import checks
from kernel.wire import Text

CODE_LIMIT = checks.CODE_LIMIT        # a unit, a case, a round, an id
NAME_LIMIT = checks.NAME_LIMIT        # a person, a title
TEXT_LIMIT = checks.TEXT_LIMIT        # findings, notes, a notice's text
TITLE_LIMIT = 200
ITEMS_LIMIT = 200                     # items in one list
SEQS_LIMIT = 1000                     # ledger seqs cited by one record
LAST_SEQ = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 2016, 2100    # the campaign years (the action began in 2016)

Codes = list[Text(CODE_LIMIT)]
Seqs = list[int]


class SupervisionReply(BaseModel):
    """A response body. Fields may be added; none is taken away."""

    model_config = ConfigDict(extra="allow")
