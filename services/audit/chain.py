"""The hash chain, as plain functions: what an entry's hash is, and whether a run of entries holds.

hash = SHA-256(prev_hash ‖ canonical JSON of the event), prev_hash of the first entry being 64
zeros. Anyone holding the entries can recompute it; nothing here trusts the database.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Iterable

from kernel.envelope import canonical_json

GENESIS = "0" * 64


def entry_hash(prev_hash: str, canonical_event: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_event).hexdigest()


@dataclasses.dataclass(frozen=True)
class Entry:
    seq: int
    event: str  # the canonical JSON as stored
    prev_hash: str
    hash: str


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


def verify(entries: Iterable[Entry]) -> Verdict:
    """Walk the chain from its start; stop at the first entry that does not hold."""
    expected_prev, count = GENESIS, 0
    for entry in entries:
        count += 1
        if entry.seq != count:
            return Verdict(False, count - 1, expected_prev, entry.seq,
                           f"sequence broken: expected seq {count}")
        if entry.prev_hash != expected_prev:
            return Verdict(False, count - 1, expected_prev, entry.seq,
                           "prev_hash does not match the previous entry's hash")
        try:
            recomputed = entry_hash(entry.prev_hash, canonical_json(json.loads(entry.event)))
        except ValueError:
            return Verdict(False, count - 1, expected_prev, entry.seq, "event is not valid JSON")
        if recomputed != entry.hash:
            return Verdict(False, count - 1, expected_prev, entry.seq,
                           "hash does not match the entry's content")
        expected_prev = entry.hash
    return Verdict(True, count, expected_prev)
