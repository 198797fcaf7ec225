"""The hash chain, as plain functions: what an entry's hash is, and whether a run of entries holds.

An entry is hashed whole: hash = SHA-256(prev_hash ‖ canonical JSON of every other column of the
entry), that is of {seq, event_id, service, source_position, stream_id, stream_type, type,
occurred_at, recorded_at, event} with the event as its parsed JSON object; prev_hash of the first
entry is 64 zeros. A rewrite of any column therefore breaks the entry's own hash (or, for
prev_hash and hash, the link), and `verify` names the column where it can tell which one it was.
Anyone holding the entries can recompute it; nothing here trusts the database.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Iterable

from kernel.envelope import canonical_json

GENESIS = "0" * 64

# The columns the hash covers besides the event itself, in the order the ledger table lists them.
HASHED_COLUMNS = ("seq", "event_id", "service", "source_position", "stream_id", "stream_type",
                  "type", "occurred_at", "recorded_at")
# Columns that repeat a field of the event, for queries: each must agree with the event it holds.
DENORMALISED = ("event_id", "stream_id", "stream_type", "type", "occurred_at")
# What a hash mismatch can only mean once the link and the denormalised columns have held.
UNEXPLAINED = ("event", "service", "source_position", "recorded_at", "hash")


def entry_hash(prev_hash: str, canonical_entry: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_entry).hexdigest()


def canonical_entry(columns: dict, event: dict) -> bytes:
    """The bytes an entry's hash is taken over: its hashed columns and its event, as one object."""
    return canonical_json({**{name: columns[name] for name in HASHED_COLUMNS}, "event": event})


@dataclasses.dataclass(frozen=True)
class Entry:
    seq: int
    event_id: str
    service: str
    source_position: int
    stream_id: str
    stream_type: str
    type: str
    occurred_at: str
    recorded_at: str
    event: str  # the canonical JSON as stored
    prev_hash: str
    hash: str

    @classmethod
    def make(cls, prev_hash: str, *, seq: int, service: str, source_position: int,
             event: dict, recorded_at: str) -> "Entry":
        """The entry that appends `event` (an envelope as a dict) after `prev_hash`."""
        columns = {"seq": seq, "service": service, "source_position": source_position,
                   "recorded_at": recorded_at, **{name: event[name] for name in DENORMALISED}}
        return cls(**columns, event=canonical_json(event).decode("utf-8"), prev_hash=prev_hash,
                   hash=entry_hash(prev_hash, canonical_entry(columns, event)))

    def columns(self) -> dict:
        return {name: getattr(self, name) for name in HASHED_COLUMNS}


@dataclasses.dataclass
class Verdict:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str | None = None

    def to_dict(self) -> dict:
        body = {"ok": self.ok, "entries": self.entries, "head_hash": self.head_hash}
        if not self.ok:
            body.update(first_bad_seq=self.first_bad_seq, reason=self.reason)
        return body


def fault(entry: Entry, expected_prev: str) -> str | None:
    """What is wrong with `entry` as the entry after `expected_prev`; None if it holds."""
    if entry.prev_hash != expected_prev:
        return "column prev_hash does not match the previous entry's hash"
    try:
        event = json.loads(entry.event)
    except ValueError:
        return "column event is not valid JSON"
    if not isinstance(event, dict):
        return "column event is not an event envelope"
    if canonical_json(event).decode("utf-8") != entry.event:
        # Same meaning, other bytes: still a rewrite of the stored column.
        return "column event is not in its canonical form"
    for name in DENORMALISED:
        if getattr(entry, name) != event.get(name):
            return f"column {name} disagrees with the event's {name}"
    try:
        recomputed = entry_hash(entry.prev_hash, canonical_entry(entry.columns(), event))
    except (TypeError, ValueError):
        return "a column holds a value that cannot be hashed"
    if recomputed != entry.hash:
        return ("hash does not match the entry's columns: one of "
                f"{', '.join(UNEXPLAINED)} was rewritten")
    return None


def verify(entries: Iterable[Entry]) -> Verdict:
    """Walk the chain from its start, in seq order; stop at the first entry that does not hold.

    A missing seq is reported at that seq: the entry there was removed, or its seq rewritten
    (a rewritten seq lands elsewhere in the order, and is named in the reason).
    """
    expected_prev, count = GENESIS, 0
    displaced: list[int] = []
    for entry in entries:
        expected = count + 1
        if entry.seq < expected:
            # Only a seq rewritten below the first can sort here; the gap it left is reported.
            displaced.append(entry.seq)
            continue
        if entry.seq != expected:
            return Verdict(False, count, expected_prev, expected,
                           _missing(expected, entry.seq, displaced))
        reason = fault(entry, expected_prev)
        if reason is not None:
            return Verdict(False, count, expected_prev, entry.seq, reason)
        count, expected_prev = expected, entry.hash
    if displaced:
        return Verdict(False, count, expected_prev, count + 1, _missing(count + 1, None, displaced))
    return Verdict(True, count, expected_prev)


def _missing(expected: int, found: int | None, displaced: list[int]) -> str:
    reason = f"column seq: no entry at seq {expected}"
    if found is not None:
        reason += f" (the next is seq {found})"
    if displaced:
        reason += f"; an entry carries seq {', '.join(map(str, displaced))}, out of the sequence"
    return reason + ": an entry removed or its seq rewritten"
