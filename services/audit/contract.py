"""The audit service's wire contract: the ledger query, an entry of the hash-chained ledger, and
the verdict of a walk along the chain. The service and the gateway both import it.

Imports pydantic and nothing of the service, so that any caller can take it.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# -- limits ----------------------------------------------------------------------------------

ENTRIES_PAGE = (1, 1000)          # entries in one answer
DEFAULT_ENTRIES = 100
STREAM_ID_LIMIT = 120             # as the ledger's stream_id column
HASH_LENGTH = 64                  # SHA-256, hex
LAST_SEQ = 2**63 - 1              # a seq is a 64-bit integer in every store


# -- requests --------------------------------------------------------------------------------

class LedgerQuery(BaseModel):
    """Entries after a seq, oldest first, optionally of one stream."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    after: int = Field(0, ge=0, le=LAST_SEQ, description="entries after this seq")
    limit: int = Field(DEFAULT_ENTRIES, ge=ENTRIES_PAGE[0], le=ENTRIES_PAGE[1])
    stream_id: str | None = Field(None, max_length=STREAM_ID_LIMIT, pattern=r"^[^\x00]*$",
                                  description="only this stream's entries (an appeal's id, say)")


# -- responses -------------------------------------------------------------------------------

class LedgerEntry(BaseModel):
    """One entry: the event as canonical JSON, chained to the one before by its hash."""

    seq: int
    event_id: str
    service: str = Field(description="the service whose log the event came from")
    source_position: int
    stream_id: str
    stream_type: str
    type: str
    occurred_at: str
    event: str = Field(description="the event envelope as canonical JSON, as hashed")
    prev_hash: str = Field(min_length=HASH_LENGTH, max_length=HASH_LENGTH)
    hash: str = Field(min_length=HASH_LENGTH, max_length=HASH_LENGTH,
                      description="SHA-256(prev_hash ‖ event)")
    recorded_at: str


class LedgerEntries(BaseModel):
    items: list[LedgerEntry]


class ChainVerdict(BaseModel):
    """Whether the whole chain holds; if not, the first entry that does not and why."""

    ok: bool
    entries: int = Field(description="entries that hold, from the first")
    head_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None
