"""The audit service's wire contract: the ledger query, an entry of the hash-chained ledger, the
verdict of a walk along the chain and against the witnessed checkpoints, a checkpoint, and the
RFC 9162 proofs (hashes in base64, in the RFC's order). The service and the gateway both import it.

Imports pydantic and nothing of the service, so that any caller can take it.
"""
from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

# -- limits ----------------------------------------------------------------------------------

ENTRIES_PAGE = (1, 1000)          # entries in one answer
DEFAULT_ENTRIES = 100
STREAM_ID_LIMIT = 120             # as the ledger's stream_id column
HASH_LENGTH = 64                  # SHA-256, hex
LAST_SEQ = 2**63 - 1              # a seq is a 64-bit integer in every store
B64_HASH = r"^[A-Za-z0-9+/]{43}=$"  # a 32-byte hash, base64
# The ledger followed by seq (`ledger_after`): the relay messages' source, and the fanout
# exchange on which the audit announces the new head after each ingest commit (best effort: a
# follower also pulls on its timer).
LEDGER_SOURCE = "ledger"
LEDGER_AFTER = "ledger_after"
LEDGER_HEAD_EXCHANGE = "audit.ledger"
TEXT = "text/plain"               # checkpoints and keys, as signed-note tools read them


# -- requests --------------------------------------------------------------------------------

class LedgerQuery(BaseModel):
    """Entries after a seq, oldest first, optionally of one stream."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    after: int = Field(0, ge=0, le=LAST_SEQ, description="entries after this seq")
    limit: int = Field(DEFAULT_ENTRIES, ge=ENTRIES_PAGE[0], le=ENTRIES_PAGE[1])
    stream_id: str | None = Field(None, max_length=STREAM_ID_LIMIT, pattern=r"^[^\x00]*$",
                                  description="only this stream's entries (an appeal's id, say)")


class EntryPath(BaseModel):
    seq: int = Field(ge=1, le=LAST_SEQ, description="the entry's place in the ledger, from 1")


class InclusionQuery(BaseModel):
    """An entry's inclusion proof in the tree of a size a checkpoint names."""

    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1, le=LAST_SEQ, description="the entry (leaf index seq - 1)")
    size: int | None = Field(None, ge=0, le=LAST_SEQ,
                             description="the tree size; by default the latest checkpoint's")


class ConsistencyQuery(BaseModel):
    """A proof that the tree of size `to` extends the tree of size `from`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: int = Field(alias="from", ge=0, le=LAST_SEQ, description="the earlier tree size")
    second: int | None = Field(None, alias="to", ge=0, le=LAST_SEQ,
                               description="the later tree size; by default the latest "
                                           "checkpoint's")


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


class CheckpointView(BaseModel):
    """A checkpoint the log made: its fields, and the signed note (C2SP tlog-checkpoint)."""

    origin: str = Field(description="the log's name, which is also its key's")
    size: int = Field(description="the tree size: the ledger's entries seq 1..size")
    root: str = Field(pattern=B64_HASH, description="the RFC 9162 tree hash, base64")
    timestamp: str = Field(description="when it was made, UTC")
    note: str = Field(description="the signed note, as GET /audit/checkpoint serves it")


class InclusionProof(BaseModel):
    """PATH(seq - 1, D[size]) (RFC 9162 §2.1.3.1). Check it against the root of a signed
    checkpoint of the same size: a size and a root hold only together."""

    seq: int
    leaf_index: int = Field(description="seq - 1")
    size: int = Field(description="the tree size the proof is for")
    leaf_hash: str = Field(pattern=B64_HASH,
                           description="SHA-256(0x00 ‖ the entry's 32-byte hash), base64")
    root: str = Field(pattern=B64_HASH, description="the tree hash at size, as the log has it")
    proof: list[str] = Field(description="base64 hashes, the leaf's own sibling first")
    checkpoint: str | None = Field(
        description="the signed note of the latest checkpoint of this size, if one was made")


class ConsistencyProof(BaseModel):
    """PROOF(from, D[to]) (RFC 9162 §2.1.4.1): the tree of size `to` extends that of `from`."""

    model_config = ConfigDict(populate_by_name=True)

    first: int = Field(alias="from", description="the earlier tree size")
    second: int = Field(alias="to", description="the later tree size")
    from_root: str = Field(pattern=B64_HASH)
    to_root: str = Field(pattern=B64_HASH)
    proof: list[str] = Field(description="base64 hashes, innermost first")
    from_checkpoint: str | None = Field(description="the signed note of a checkpoint of size from")
    to_checkpoint: str | None = Field(description="the signed note of a checkpoint of size to")


class WitnessedCheckpoint(BaseModel):
    size: int
    timestamp: str


class WitnessProblem(BaseModel):
    where: str = Field(description="the witness, or the file or list item it holds")
    reason: str


class LedgerVerdict(BaseModel):
    """The chain, and the ledger's tree against every checkpoint the witnesses hold: ok only if
    both hold. A tail rewritten and re-chained passes the chain but not the witnessed
    checkpoint covering it; where not ok, the first finding in the ledger's order names the
    seq (or the seq range) and the witnessed checkpoint."""

    ok: bool
    entries: int = Field(description="entries that hold on the chain, from the first")
    head_hash: str
    first_bad_seq: int | None = None
    last_bad_seq: int | None = Field(None, description="the end of the range named")
    reason: str | None = None
    checkpoint: WitnessedCheckpoint | None = Field(
        None, description="the witnessed checkpoint the finding is against")
    problems: list[str] = Field(description="every finding, in the ledger's order")
    chain: ChainVerdict = Field(description="the walk along the hash chain alone")
    witnessed: int = Field(description="witnessed checkpoints compared")
    newest_witnessed: WitnessedCheckpoint | None = None
    holds_to: int | None = Field(
        None, description="the largest witnessed size that holds, up to the first that does not")
    untrusted: list[WitnessProblem] = Field(
        description="notes a witness holds that the log's key did not sign: reported, not "
                    "trusted")
    unreachable: list[WitnessProblem] = Field(description="witnesses that could not be read")


# -- evidence bundles ------------------------------------------------------------------------

class EvidenceQuery(BaseModel):
    """One matter (stream_id), or one unit in a window of time (unit, since, until)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stream_id: str | None = Field(None, max_length=STREAM_ID_LIMIT, pattern=r"^[^\x00]*$",
                                  description="one matter: its stream (an appeal's id, say), with "
                                              "what other services raised for it")
    unit: str | None = Field(None, max_length=STREAM_ID_LIMIT, pattern=r"^[^\x00]*$",
                             description="one unit's code: the entries that name it")
    since: AwareDatetime | None = Field(None, description="with unit: from this time (with zone)")
    until: AwareDatetime | None = Field(None, description="with unit: until this time, excluded")


class EvidenceSubject(BaseModel):
    kind: str = Field(description="matter or unit")
    stream_id: str | None = None
    unit: str | None = None
    since: str | None = None
    until: str | None = None


class EvidenceBundle(BaseModel):
    """An evidence bundle (huiqi-evidence/1), canonical JSON and a newline: verify it offline
    with `huiqi verify bundle FILE --key <the log's key>`. Its inclusion proofs show each entry is
    in the ledger the checkpoint signs (membership), not that no other entry exists
    (completeness)."""

    format: str = Field(description="huiqi-evidence/1")
    subject: EvidenceSubject
    made_at: str
    key: str = Field(description="the log's verifier key, <name>+<key id>+<key>")
    checkpoint: str = Field(description="the signed checkpoint the entries are proved against")
    entries: list[LedgerEntry]
    proofs: dict[str, list[str]] = Field(
        description="seq -> its inclusion proof: base64 hashes, the leaf's own sibling first")
    seal: str = Field(description="a signed note by the log's key over the bundle's digest")


class JobPath(BaseModel):
    """A job of the audit service (a verification or an export run apart)."""

    job_id: str = Field(min_length=1, max_length=40, description="the job's id")
