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
import itertools
import json
import operator
from json.encoder import c_make_encoder, encode_basestring
from typing import Iterable

import orjson

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


# An entry as a row: its columns in the order of Entry's fields (the ledger selects them so).
FIELDS = tuple(field.name for field in dataclasses.fields(Entry))
_as_row = operator.attrgetter(*FIELDS)


def _refuse(value):
    raise TypeError(f"not JSON: {type(value).__name__}")


# canonical_json's text for a parsed JSON value: json.dumps's own C encoder with canonical_json's
# settings (sorted keys, no whitespace, UTF-8 kept, NaN refused), made once and without the
# circular-reference bookkeeping, which a parsed value (a tree) never needs. A test holds it
# equal to canonical_json; where the C encoder is missing, canonical_json itself.
if c_make_encoder is not None:
    _encoder = c_make_encoder(None, _refuse, encode_basestring, None, ":", ",", True, False, False)

    def _canonical_text(value) -> str:
        return "".join(_encoder(value, 0))
else:  # pragma: no cover
    def _canonical_text(value) -> str:
        return canonical_json(value).decode("utf-8")


def canonical_row(row: tuple, event_text: str) -> str:
    """`canonical_entry` of the entry in `row`, as text, spliced around `event_text`: the event's
    canonical JSON, which `holds` has proven to be the stored column. The keys are sorted and
    ASCII, so the object is its members in key order ("event" sorts first); each value is
    encoded by the same function json.dumps uses for it (`encode_basestring` for a str with
    ensure_ascii off, int's own text for an int). Only for rows whose columns are exactly str
    and int; a test holds it equal to canonical_entry."""
    (seq, event_id, service, source_position, stream_id, stream_type, type_, occurred_at,
     recorded_at) = row[:9]
    return (f'{{"event":{event_text},"event_id":{encode_basestring(event_id)},'
            f'"occurred_at":{encode_basestring(occurred_at)},'
            f'"recorded_at":{encode_basestring(recorded_at)},"seq":{int.__repr__(seq)},'
            f'"service":{encode_basestring(service)},'
            f'"source_position":{int.__repr__(source_position)},'
            f'"stream_id":{encode_basestring(stream_id)},'
            f'"stream_type":{encode_basestring(stream_type)},"type":{encode_basestring(type_)}}}')


def holds(row: tuple, expected_prev: str) -> bool:
    """True only where `fault` finds nothing wrong with the entry in `row` after `expected_prev`:
    the same checks, each on the same values, with the event parsed and serialised once. Where
    it says no (a fault, or merely a row it does not take the quick way: a column of another
    type, an event it cannot prove canonical) `verify` asks `fault`, so every reason comes
    from there."""
    (seq, event_id, service, source_position, stream_id, stream_type, type_, occurred_at,
     recorded_at, event_text, prev_hash, stored_hash) = row
    if prev_hash != expected_prev or type(event_text) is not str:
        return False
    if not (type(seq) is int and type(source_position) is int and type(event_id) is str
            and type(service) is str and type(stream_id) is str and type(stream_type) is str
            and type(type_) is str and type(occurred_at) is str and type(recorded_at) is str):
        return False
    # Parsed by orjson, serialised by canonical_json's own encoder: if that gives back
    # `event_text`, json.loads would have parsed `event_text` to the same value (it reads back
    # whatever canonical_json writes: floats by repr, ints, strings and their escapes exactly),
    # so fault's canonical check holds. orjson only parses faster; it decides nothing.
    try:
        event = orjson.loads(event_text)
        if type(event) is not dict or _canonical_text(event) != event_text:
            return False
    except (TypeError, ValueError):  # not JSON to orjson, or refused by canonical_json (NaN, ...)
        return False
    if (event_id != event.get("event_id") or stream_id != event.get("stream_id")
            or stream_type != event.get("stream_type") or type_ != event.get("type")
            or occurred_at != event.get("occurred_at")):
        return False
    try:
        body = canonical_row(row, event_text).encode("utf-8")
        return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest() == stored_hash
    except ValueError:
        return False


def verify(entries: Iterable[Entry]) -> Verdict:
    """Walk the chain from its start, in seq order; stop at the first entry that does not hold."""
    return verify_rows(map(_as_row, entries))


def verify_rows(rows: Iterable[tuple]) -> Verdict:
    """`verify` over rows (an entry's columns in FIELDS order), as the ledger reads them.

    A missing seq is reported at that seq: the entry there was removed, or its seq rewritten
    (a rewritten seq lands elsewhere in the order, and is named in the reason).
    """
    walk = _Walk()
    return walk.through(rows) or walk.end()


def leading_holds(rows: list[tuple], seq: int | None, prev_hash: str) -> int:
    """How many of `rows`, from the first, the walk takes by `holds` alone if it reaches the first
    expecting `seq` after `prev_hash`: what a chunk's checker, elsewhere, reports."""
    for index, row in enumerate(rows):
        if row[0] != seq or not holds(row, prev_hash):
            return index
        seq, prev_hash = seq + 1, row[11]
    return len(rows)


def assumed_after(row: tuple) -> tuple[int | None, str]:
    """What the walk expects after `row` if `row` holds: its seq + 1, and its hash."""
    return (row[0] + 1 if type(row[0]) is int else None), row[11]


def verify_chunks(chunks: Iterable[tuple[list[tuple], int | None, str, int]]) -> Verdict:
    """`verify_rows` over consecutive chunks of rows, each checked ahead (maybe in another
    process) as `leading_holds(rows, seq, prev_hash)` = `leading`, (seq, prev_hash) being what
    the walk expects if the row before the chunk holds. Where the walk does reach the chunk
    expecting just that, those leading rows are the ones it would take by `holds`, and it takes
    them at once; anything else it walks row by row. The verdict is therefore `verify_rows`'s
    over all the rows, whatever was checked ahead: the first bad seq wins."""
    walk = _Walk()
    for rows, seq, prev_hash, leading in chunks:
        if leading and walk.count + 1 == seq and walk.expected_prev == prev_hash:
            walk.count, walk.expected_prev = walk.count + leading, rows[leading - 1][11]
            rows = itertools.islice(rows, leading, None)
        verdict = walk.through(rows)
        if verdict is not None:
            return verdict
    return walk.end()


class _Walk:
    """The walk along the chain: how many entries held, the hash the next must link to, and
    seqs met below the walk's place (rewritten seqs, reported at the gap they left)."""

    def __init__(self):
        self.count, self.expected_prev = 0, GENESIS
        self.displaced: list[int] = []

    def through(self, rows: Iterable[tuple]) -> Verdict | None:
        """Take `rows` in order; the verdict if the walk stops at one of them."""
        count, expected_prev, displaced = self.count, self.expected_prev, self.displaced
        for row in rows:
            expected = count + 1
            if row[0] == expected and holds(row, expected_prev):
                count, expected_prev = expected, row[11]
                continue
            entry = Entry(*row)
            if entry.seq < expected:
                # Only a seq rewritten below the first can sort here; the gap it left is
                # reported.
                displaced.append(entry.seq)
                continue
            if entry.seq != expected:
                return Verdict(False, count, expected_prev, expected,
                               _missing(expected, entry.seq, displaced))
            reason = fault(entry, expected_prev)
            if reason is not None:
                return Verdict(False, count, expected_prev, entry.seq, reason)
            count, expected_prev = expected, entry.hash
        self.count, self.expected_prev = count, expected_prev
        return None

    def end(self) -> Verdict:
        count, expected_prev, displaced = self.count, self.expected_prev, self.displaced
        if displaced:
            return Verdict(False, count, expected_prev, count + 1,
                           _missing(count + 1, None, displaced))
        return Verdict(True, count, expected_prev)


def _missing(expected: int, found: int | None, displaced: list[int]) -> str:
    reason = f"column seq: no entry at seq {expected}"
    if found is not None:
        reason += f" (the next is seq {found})"
    if displaced:
        reason += f"; an entry carries seq {', '.join(map(str, displaced))}, out of the sequence"
    return reason + ": an entry removed or its seq rewritten"
