"""Building evidence bundles (services.audit.evidence) from the audit database: the subject's
entries as of a signed checkpoint, each with its inclusion proof from the stored tree
(services.audit.tree), sealed by the log's key.

Entries are taken up to the checkpoint's size only: an entry the checkpoint does not cover has no
proof against it, and comes into a bundle made after the next checkpoint.
"""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from kernel.envelope import format_time, parse_time, utc_now
from kernel.errors import DomainError, InvalidInput
from services.audit import checkpoint, checkpoints, evidence, note, tree
from services.audit.chain import FIELDS
from services.audit.ledger import ledger

# The most entries one bundle holds: a bundle travels as one RPC answer and one HTTP download.
MAX_ENTRIES = 2000
# Correlation ids looked for in one query.
CORRELATION_BATCH = 50


class CheckpointUnverified(DomainError):
    rule = "checkpoint_unverified"

    def __init__(self, reason: str):
        super().__init__(f"the latest checkpoint does not verify with the log's key ({reason}): "
                         "evidence is given only against a checkpoint the key signed")


class TreeDisagrees(DomainError):
    rule = "tree_disagrees"

    def __init__(self, size: int):
        super().__init__(f"the ledger's tree at size {size} is not the one its checkpoint of that "
                         "size signed: verify the ledger (GET /api/v1/audit/verify) before "
                         "giving out evidence from it")


class TooManyEntries(InvalidInput):
    rule = "evidence_too_large"

    def __init__(self, what: str, limit: int, field: str):
        super().__init__(f"{what} has more than {limit} entries, more than one bundle holds: "
                         "narrow the window", field=field)


def build(connection: sa.Connection, signer: note.Signer, *, checkpoint_note: str | None = None,
          stream_id: str | None = None, unit: str | None = None,
          since: str | dt.datetime | None = None, until: str | dt.datetime | None = None,
          now: dt.datetime | None = None, limit: int = MAX_ENTRIES) -> bytes:
    """The bundle of one matter (`stream_id`) or one unit in [since, until), proved against
    `checkpoint_note` (default: the latest checkpoint kept) and sealed by `signer`, the log's
    key that signed it."""
    subject = evidence.subject_of(stream_id=stream_id, unit=unit, since=since, until=until)
    if checkpoint_note is None:
        checkpoint_note = checkpoints.latest(connection)
        if checkpoint_note is None:
            raise checkpoints.NoCheckpoint()
    try:
        cp = evidence.open_checkpoint(checkpoint_note, signer.verifier())
    except (note.NoteError, checkpoint.CheckpointError) as error:
        raise CheckpointUnverified(str(error)) from None
    if tree.root(connection, cp.size) != cp.root:
        raise TreeDisagrees(cp.size)
    if subject["kind"] == evidence.MATTER:
        entries = matter_entries(connection, subject["stream_id"], cp.size, limit)
    else:
        entries = unit_entries(connection, subject, cp.size, limit)
    proofs = {entry["seq"]: tree.inclusion_proof(connection, entry["seq"], cp.size)
              for entry in entries}
    return evidence.make(subject=subject, made_at=format_time(now or utc_now()), signer=signer,
                         checkpoint_note=checkpoint_note, entries=entries, proofs=proofs)


def _select(size: int):
    return sa.select(*(ledger.c[name] for name in FIELDS)).where(
        ledger.c.seq >= 1, ledger.c.seq <= size).order_by(ledger.c.seq)


def _rows(connection: sa.Connection, query, limit: int) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(query.limit(limit + 1))]


def matter_entries(connection: sa.Connection, stream_id: str, size: int,
                   limit: int = MAX_ENTRIES) -> list[dict]:
    """The stream's entries up to seq `size`, and those of other streams that share a
    correlation id with its events, in seq order."""
    own = _rows(connection, _select(size).where(ledger.c.stream_id == stream_id), limit)
    correlated = sorted(evidence.correlation_ids(own, stream_id))
    found = {entry["seq"]: entry for entry in own}
    for start in range(0, len(correlated), CORRELATION_BATCH):
        batch = correlated[start:start + CORRELATION_BATCH]
        # The event column is canonical JSON, so a correlation id is spelled one way in it; the
        # match is confirmed on the parsed event.
        spelled = [f'"correlation_id":{json.dumps(cid, ensure_ascii=False)}' for cid in batch]
        query = _select(size).where(
            ledger.c.stream_id != stream_id,
            sa.or_(*(ledger.c.event.contains(text, autoescape=True) for text in spelled)))
        for entry in _rows(connection, query, limit):
            if json.loads(entry["event"]).get("correlation_id") in batch:
                found[entry["seq"]] = entry
        if len(found) > limit:
            break
    if len(found) > limit:
        raise TooManyEntries(f"the matter of stream {stream_id}", limit, "stream_id")
    return [found[seq] for seq in sorted(found)]


def unit_entries(connection: sa.Connection, subject: dict, size: int,
                 limit: int = MAX_ENTRIES) -> list[dict]:
    """The entries up to seq `size` that occurred in the subject's window and name its unit."""
    unit = subject["unit"]
    since, until = parse_time(subject["since"]), parse_time(subject["until"])
    # occurred_at is written by format_time, whose spelling sorts as time does; a unit named
    # anywhere in the event appears in its canonical JSON as it does inside a JSON string.
    query = _select(size).where(
        ledger.c.occurred_at >= subject["since"], ledger.c.occurred_at < subject["until"],
        ledger.c.event.contains(json.dumps(unit, ensure_ascii=False)[1:-1], autoescape=True))
    entries = []
    for row in connection.execute(query).mappings():
        entry = dict(row)
        if not since <= parse_time(entry["occurred_at"]) < until:
            continue
        if evidence.names_unit(json.loads(entry["event"]), unit):
            entries.append(entry)
            if len(entries) > limit:
                raise TooManyEntries(f"unit {unit} from {subject['since']} until "
                                     f"{subject['until']}", limit, "since")
    return entries
