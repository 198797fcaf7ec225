"""Evidence bundles: what the ledger holds about one matter, or about one unit in a window of
time, as one file a reviewer verifies offline with the log's public key and nothing else.

A bundle is one JSON object, written in the canonical encoding (kernel.envelope.canonical_json)
and a final newline:

    format      "huiqi-evidence/1"
    subject     {"kind": "matter", "stream_id"}: the entries of that stream, and the entries
                whose correlation id is one of that stream's events' (what other services raised
                for the same matter); or {"kind": "unit", "unit", "since", "until"}: the entries
                that occurred in [since, until) and name the unit (`names_unit`)
    made_at     when the bundle was made (UTC, kernel.envelope.format_time)
    key         the log's verifier key, `<name>+<hex id>+<base64 key>` (services.audit.note)
    checkpoint  the signed checkpoint the entries are proved against (services.audit.checkpoint)
    entries     the ledger entries, in seq order, each with the columns of
                services.audit.contract.LedgerEntry
    proofs      {"<seq>": [base64 hash, ...]}: each entry's RFC 9162 inclusion proof in the tree
                of the checkpoint's size
    seal        a signed note by the log's key over `sealed_text`: the SHA-256 of the bundle's
                canonical bytes without the seal

`verify_bundle` refuses a file that is not exactly its canonical bytes, so the file has one
spelling; it then recomputes every entry's hash from its columns, checks each inclusion proof
against the signed checkpoint, checks that each entry belongs to the subject as the bundle states
it, and checks the seal, so that no byte of the file (the subject, the time it was made, a
proof's spelling) can change unnoticed.

What a bundle proves, and what it does not. An inclusion proof shows that an entry is in the ledger
the checkpoint signs: membership. Nothing in a file can show that no other entry about the subject
exists: completeness. The seal shows which selection the log's key vouched for, so a reviewer who
pins that key can hold the log's keeper to it; to find what a bundle may have left out, check the
whole exported ledger (`huiqi verify ledger`).

Plain Python, no I/O: the bundle is built from entries and proofs the caller has read
(services.audit.bundles) and verified from its bytes alone.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping

from kernel.envelope import canonical_json, format_time, parse_time
from kernel.errors import InvalidInput
from services.audit import checkpoint as checkpoints
from services.audit import merkle, note
from services.audit.chain import FIELDS, GENESIS, Entry, fault

FORMAT = "huiqi-evidence/1"
SEAL_HEADER = f"{FORMAT} seal"
MATTER, UNIT = "matter", "unit"
BUNDLE_FIELDS = ("format", "subject", "made_at", "key", "checkpoint", "entries", "proofs", "seal")
SUBJECT_FIELDS = {MATTER: ("kind", "stream_id"), UNIT: ("kind", "unit", "since", "until")}
STREAM_ID_LIMIT = 120  # the ledger's stream_id column
UNIT_LIMIT = 120
FIRST_YEAR, LAST_YEAR = 1900, 9999
INTEGER_FIELDS = ("seq", "source_position")
_HEX64 = re.compile(r"[0-9a-f]{64}")

# Payload fields that name a unit (责任单位) by its code, in the services' events: a ticket's
# lead and assisting units (and those it was taken from), its county unit; a policy's issuing
# unit; a briefing's organiser and units; a visit's units; a route's unit; a department linked to
# a park; a liaison officer's unit; the county that rated an enterprise. Looked for at any depth
# of the payload (a ticket's details hold county_unit).
UNIT_FIELDS = frozenset({
    "unit", "units", "lead_unit", "assisting_units", "previous_lead_unit", "previous_unit",
    "county_unit", "issuing_unit", "organiser", "rated_by",
})
# Actor labels (kernel.actor.Actor.label) are role:scope:sub; for these roles the scope is a
# credit code, not a unit.
NOT_UNIT_SCOPES = frozenset({"enterprise"})
# The registry keeps each unit as a stream of its own, whose id is the unit's code.
UNIT_STREAM_TYPE = "unit"


class SubjectError(InvalidInput):
    rule = "evidence_subject"


# ---------------------------------------------------------------------------------------------
# The subject: one matter, or one unit in a window of time.


def subject_of(stream_id: str | None = None, unit: str | None = None,
            since: str | dt.datetime | None = None,
            until: str | dt.datetime | None = None) -> dict:
    """The subject a bundle is about, as the bundle states it; SubjectError naming the field if
    the question is not one of the two a bundle answers."""
    if stream_id not in (None, ""):
        if unit not in (None, "") or since not in (None, "") or until not in (None, ""):
            raise SubjectError("a bundle is about one matter (stream_id) or one unit in a window "
                               "(unit, since, until), not both", field="stream_id")
        return {"kind": MATTER, "stream_id": _name(stream_id, "stream_id", STREAM_ID_LIMIT)}
    if unit in (None, ""):
        raise SubjectError("give stream_id (one matter) or unit with since and until (one unit "
                           "in a window of time)", field="stream_id")
    if since in (None, "") or until in (None, ""):
        raise SubjectError("a unit's bundle covers a window: give since and until",
                           field="since" if since in (None, "") else "until")
    start, end = _moment(since, "since"), _moment(until, "until")
    if start >= end:
        raise SubjectError(f"the window is empty: since {format_time(start)} is not before "
                           f"until {format_time(end)}", field="until")
    return {"kind": UNIT, "unit": _name(unit, "unit", UNIT_LIMIT),
            "since": format_time(start), "until": format_time(end)}


def _name(value, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SubjectError(f"{field} must be a non-empty string", field=field)
    if len(value) > limit or "\x00" in value:
        raise SubjectError(f"{field} must be at most {limit} characters, without NUL",
                           field=field)
    return value


def _moment(value, field: str) -> dt.datetime:
    """A time with its zone: a datetime, or ISO 8601 text (…Z or …+08:00)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise SubjectError(f"{field} {value!r} is not an ISO 8601 time "
                               "(e.g. 2026-05-01T00:00:00+08:00)", field=field) from None
    if not isinstance(value, dt.datetime):
        raise SubjectError(f"{field} must be a time", field=field)
    if value.tzinfo is None:
        raise SubjectError(f"{field} must carry its zone (…Z or …+08:00): a time without one "
                           "names no instant", field=field)
    # Within the years format_time spells in four digits, so that spellings sort as times do.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise SubjectError(f"{field} must fall in the years {FIRST_YEAR}..{LAST_YEAR}",
                           field=field)
    try:
        in_utc = value.astimezone(dt.timezone.utc)
    except OverflowError:
        in_utc = None
    if in_utc is None or not FIRST_YEAR <= in_utc.year <= LAST_YEAR:
        raise SubjectError(f"{field} must fall in the years {FIRST_YEAR}..{LAST_YEAR}",
                           field=field)
    return in_utc


def describe(subject: Mapping) -> str:
    if subject.get("kind") == MATTER:
        return f"the matter of stream {subject['stream_id']}"
    return (f"unit {subject['unit']} from {subject['since']} until {subject['until']} "
            "(the end excluded)")


def names_unit(event: Mapping, unit: str) -> bool:
    """Whether `event` (an envelope, as a dict) names `unit`: it acted (its actor is an officer
    of the unit), the event is of the unit's own stream in the registry, or a payload field that
    names units (UNIT_FIELDS, at any depth) holds it."""
    actor = event.get("actor")
    if isinstance(actor, str):
        parts = actor.split(":", 2)
        if len(parts) == 3 and parts[0] not in NOT_UNIT_SCOPES and parts[1] == unit:
            return True
    if event.get("stream_type") == UNIT_STREAM_TYPE and event.get("stream_id") == unit:
        return True
    return _payload_names(event.get("payload"), unit)


def _payload_names(value, unit: str) -> bool:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in UNIT_FIELDS and (item == unit or (isinstance(item, list) and unit in item)):
                return True
            if isinstance(item, (Mapping, list)) and _payload_names(item, unit):
                return True
    elif isinstance(value, list):
        return any(_payload_names(item, unit) for item in value)
    return False


def correlation_ids(entries: Iterable[Mapping], stream_id: str) -> set[str]:
    """The correlation ids of `stream_id`'s events among `entries` (ledger entry dicts)."""
    found = set()
    for entry in entries:
        if entry["stream_id"] == stream_id:
            cid = json.loads(entry["event"]).get("correlation_id")
            if isinstance(cid, str) and cid:
                found.add(cid)
    return found


def belongs(entry: Mapping, event: Mapping, subject: Mapping, correlated: set[str]) -> str | None:
    """Why `entry` (its event parsed) is not about the subject; None if it is. `correlated` is
    the correlation ids of the matter's own events."""
    if subject["kind"] == MATTER:
        stream_id = subject["stream_id"]
        if entry["stream_id"] == stream_id or event.get("correlation_id") in correlated:
            return None
        return (f"is not about stream {stream_id}: it is of stream {entry['stream_id']} and "
                "shares no correlation id with that stream's events")
    occurred = parse_time(entry["occurred_at"])
    if not parse_time(subject["since"]) <= occurred < parse_time(subject["until"]):
        return (f"occurred at {entry['occurred_at']}, outside the window "
                f"[{subject['since']}, {subject['until']})")
    if not names_unit(event, subject["unit"]):
        return (f"does not name unit {subject['unit']} (not in its actor, its stream or a "
                "unit field of its payload)")
    return None


# ---------------------------------------------------------------------------------------------
# Making a bundle.


def sealed_text(body: Mapping) -> str:
    """The note text the seal signs: the bundle's digest without its seal."""
    unsealed = {name: value for name, value in body.items() if name != "seal"}
    return f"{SEAL_HEADER}\nsha256 {hashlib.sha256(canonical_json(unsealed)).hexdigest()}\n"


def file_name(data: bytes) -> str:
    """The name a bundle is saved under: its subject and when it was made, in ASCII
    (`evidence-<stream or unit>-<YYYYmmddTHHMMSSZ>.json`)."""
    body = json.loads(data)
    subject, made_at = body["subject"], parse_time(body["made_at"])
    name = subject["stream_id"] if subject["kind"] == MATTER else subject["unit"]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:60] or subject["kind"]
    return f"evidence-{slug}-{made_at.strftime('%Y%m%dT%H%M%SZ')}.json"


def encode(body: Mapping) -> bytes:
    """A bundle's bytes: its canonical JSON and a newline, the one spelling `verify_bundle`
    takes."""
    return canonical_json(body) + b"\n"


def make(*, subject: Mapping, made_at: str, signer: note.Signer, checkpoint_note: str,
         entries: list[Mapping], proofs: Mapping[int, list[bytes]]) -> bytes:
    """The bundle of `entries` (ledger entry dicts, in seq order) with their inclusion `proofs`
    against `checkpoint_note`, sealed by `signer` (the log's key, which signed the checkpoint)."""
    body = {
        "format": FORMAT,
        "subject": dict(subject),
        "made_at": made_at,
        "key": signer.verifier_key(),
        "checkpoint": checkpoint_note,
        "entries": [{name: entry[name] for name in FIELDS} for entry in entries],
        "proofs": {str(seq): [base64.b64encode(h).decode("ascii") for h in proof]
                   for seq, proof in proofs.items()},
    }
    body["seal"] = signer.sign(sealed_text(body))
    return encode(body)


# ---------------------------------------------------------------------------------------------
# Verifying a bundle.


@dataclasses.dataclass
class BundleVerdict:
    """What verifying a bundle found: `problems` (empty when it holds) and what was proved."""

    problems: list[str]
    subject: dict | None = None
    made_at: str | None = None
    key: str | None = None            # name+hex id of the key that signed
    pinned: bool = False              # whether that key was the one the reviewer gave
    checkpoint: checkpoints.Checkpoint | None = None
    seqs: list[int] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """What holds or what fails, in words a reviewer acts on."""
        if not self.ok:
            return "\n".join(["the bundle does not verify:", *(f"- {p}" for p in self.problems)])
        cp = self.checkpoint
        lines = [
            f"the bundle verifies: {len(self.seqs)} entries about {describe(self.subject)}",
            f"  seq {_ranges(self.seqs)}" if self.seqs else "  (no entries)",
            f"are in the ledger {cp.origin} as its checkpoint of size {cp.size} made at "
            f"{cp.timestamp} signs it, by key {self.key}; the bundle was made and sealed by "
            f"that key at {self.made_at}.",
        ]
        if not self.pinned:
            lines.append("the key was taken from the bundle itself: it proves who signed only "
                         "once you give the log's key you trust (--key).")
        lines.append("an inclusion proof shows membership, not completeness: that no other entry "
                     "about the subject exists is not proved (verify the exported ledger for "
                     "that).")
        return "\n".join(lines)


def _ranges(seqs: list[int]) -> str:
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in runs)


class _Refused(Exception):
    """The bundle cannot be checked further."""


def verify_bundle(data: bytes, pinned_key: str | None = None) -> BundleVerdict:
    """Verify a bundle from its bytes alone, against `pinned_key` (a verifier key text) if given,
    else against the key the bundle carries. Every check that fails is named: the field, and for
    an entry its seq and the rule."""
    verdict = BundleVerdict(problems=[])
    try:
        _verify(data, pinned_key, verdict)
    except _Refused as refused:
        verdict.problems.append(str(refused))
    return verdict


def _verify(data: bytes, pinned_key: str | None, verdict: BundleVerdict) -> None:
    problems = verdict.problems
    body = _decoded(data)
    verifier = _verifier(body["key"], pinned_key, verdict)

    try:
        cp = open_checkpoint(body["checkpoint"], verifier)
    except (note.NoteError, checkpoints.CheckpointError) as error:
        raise _Refused(f"checkpoint: {error}") from None
    verdict.checkpoint = cp

    try:
        if open_exactly(body["seal"], verifier) != sealed_text(body):
            problems.append("seal: the digest it signs is not this bundle's: something in the "
                            "bundle was changed after it was made")
    except note.NoteError as error:
        problems.append(f"seal: {error}")

    if body["format"] != FORMAT:
        problems.append(f"format: {body['format']!r} is not {FORMAT!r}")
    made_at = body["made_at"]
    if not _is_time(made_at):
        problems.append(f"made_at: {made_at!r} is not a UTC time written "
                        "YYYY-MM-DDTHH:MM:SS.ffffffZ")
    elif parse_time(made_at) < parse_time(cp.timestamp):
        problems.append(f"made_at: the bundle says it was made at {made_at}, before its "
                        f"checkpoint ({cp.timestamp})")
    verdict.made_at = made_at

    subject = _subject(body["subject"])
    verdict.subject = subject
    entries = _entries(body["entries"])
    proofs = body["proofs"]
    if not isinstance(proofs, dict):
        raise _Refused("proofs: not an object of seq -> inclusion proof")

    faults = {entry["seq"]: entry_fault(entry) for entry in entries}
    # The matter's correlation ids, from those of its entries that hold.
    correlated = (correlation_ids([e for e in entries if faults[e["seq"]] is None],
                                  subject["stream_id"]) if subject["kind"] == MATTER else set())
    previous: Mapping | None = None
    for entry in entries:
        seq = entry["seq"]
        verdict.seqs.append(seq)
        problems.extend(f"entry seq {seq}: {problem}" for problem in (
            [faults[seq]] if faults[seq] is not None else
            _entry_problems(entry, previous, cp, proofs.get(str(seq)), subject, correlated)))
        previous = entry
    unproved = sorted(set(proofs) - {str(entry["seq"]) for entry in entries})
    if unproved:
        problems.append(f"proofs: for seq {', '.join(unproved)}, which the bundle holds no entry "
                        "of")


def _decoded(data: bytes) -> dict:
    if not isinstance(data, (bytes, bytearray)):
        raise _Refused("the bundle must be read as bytes")
    try:
        body = json.loads(bytes(data).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise _Refused(f"the bundle is not UTF-8 text (byte {error.start})") from None
    except ValueError as error:
        raise _Refused(f"the bundle is not JSON: {error}") from None
    except RecursionError:
        raise _Refused("the bundle nests deeper than any bundle does") from None
    try:
        canonical = encode(body)
    except (TypeError, ValueError, RecursionError):
        canonical = None
    if canonical != data:
        raise _Refused("the bundle is not in its canonical form (sorted keys, no whitespace, "
                       "UTF-8, one final newline): it is not the file as it was made")
    if not isinstance(body, dict):
        raise _Refused("the bundle is not a JSON object")
    missing = [name for name in BUNDLE_FIELDS if name not in body]
    if missing:
        raise _Refused(f"the bundle lacks {', '.join(missing)}")
    extra = sorted(set(body) - set(BUNDLE_FIELDS))
    if extra:
        raise _Refused(f"the bundle holds fields a bundle does not: {', '.join(extra)}")
    return body


def _verifier(key, pinned_key: str | None, verdict: BundleVerdict) -> note.Verifier:
    try:
        if not isinstance(key, str):
            raise note.NoteError("not a string")
        carried = note.Verifier.from_text(key)
    except note.NoteError as error:
        raise _Refused(f"key: not a verifier key: {error}") from None
    if key != carried.text():
        raise _Refused("key: not written as the log writes a verifier key")
    verdict.key = f"{carried.name}+{carried.key_id.hex()}"
    if pinned_key is None:
        return carried
    try:
        pinned = note.Verifier.from_text(pinned_key)
    except note.NoteError as error:
        raise _Refused(f"the key given to verify with is not a verifier key: {error}") from None
    if (pinned.name, pinned.public_key) != (carried.name, carried.public_key):
        raise _Refused(f"key: the bundle carries key {verdict.key}, not the key you gave "
                       f"({pinned.name}+{pinned.key_id.hex()}): it was not made by that log")
    verdict.pinned = True
    return pinned


def open_exactly(signed, verifier: note.Verifier) -> str:
    """`note.open_note`, for a note that must be exactly as the log's key wrote it: its one
    signature, spelled as base64 spells it (a decoder takes other spellings of the same bytes,
    which would let a byte of the file change unnoticed)."""
    if not isinstance(signed, str):
        raise note.NoteError("not a signed note (a string)")
    text = note.open_note(signed, verifier)
    _, signatures = note.parse(signed)
    spelled = text + "\n" + "".join(
        f"{note.SIGNATURE_PREFIX}{s.name} "
        f"{base64.b64encode(s.key_id + s.signature).decode('ascii')}\n" for s in signatures)
    if len(signatures) != 1 or spelled != signed:
        raise note.NoteError("not written as the log's key writes a note: one signature, in "
                             "standard base64")
    return text


def open_checkpoint(signed, verifier: note.Verifier) -> checkpoints.Checkpoint:
    """`checkpoint.open`, for a checkpoint that must be exactly as the log wrote it."""
    text = open_exactly(signed, verifier)
    cp = checkpoints.open(signed, verifier)
    if cp.body() != text:
        raise checkpoints.CheckpointError("not written as the log writes a checkpoint (its root "
                                          "hash in standard base64)")
    return cp


def _is_time(value) -> bool:
    try:
        return isinstance(value, str) and format_time(parse_time(value)) == value
    except ValueError:
        return False


def _subject(value) -> dict:
    if not isinstance(value, dict) or value.get("kind") not in SUBJECT_FIELDS:
        raise _Refused(f"subject: not a matter or a unit's window: {str(value)[:120]}")
    names = SUBJECT_FIELDS[value["kind"]]
    if sorted(value) != sorted(names):
        raise _Refused(f"subject: a {value['kind']} subject has the fields {', '.join(names)}")
    try:
        stated = subject_of(**{name: value[name] for name in names if name != "kind"})
    except SubjectError as error:
        raise _Refused(f"subject: {error.message}") from None
    if stated != value:
        raise _Refused("subject: not written as a bundle writes it (times as "
                       "YYYY-MM-DDTHH:MM:SS.ffffffZ)")
    return stated


def _entries(value) -> list[dict]:
    if not isinstance(value, list):
        raise _Refused("entries: not a list")
    entries, last = [], 0
    for position, entry in enumerate(value, 1):
        problem = shape_problem(entry)
        if problem is not None:
            raise _Refused(f"entries[{position}]: {problem}")
        if entry["seq"] <= last:
            raise _Refused(f"entries[{position}]: seq {entry['seq']} does not follow seq {last}: "
                           "entries are in ascending seq order, each once")
        last = entry["seq"]
        entries.append(entry)
    return entries


def shape_problem(entry) -> str | None:
    """Why `entry` is not a ledger entry's columns (FIELDS, each of its type); None if it is."""
    if not isinstance(entry, dict):
        return "not an object"
    if sorted(entry) != sorted(FIELDS):
        missing = sorted(set(FIELDS) - set(entry))
        extra = sorted(set(entry) - set(FIELDS))
        return "; ".join(part for part in (
            missing and f"lacks {', '.join(missing)}",
            extra and f"holds {', '.join(extra)}, which an entry does not") if part)
    for name in FIELDS:
        wanted = int if name in INTEGER_FIELDS else str
        if type(entry[name]) is not wanted:
            return f"{name} is not {'a whole number' if wanted is int else 'a string'}"
    return None


def entry_fault(entry: Mapping) -> str | None:
    """What is wrong with an entry taken alone (its columns as `shape_problem` allows them):
    every rule of the chain (chain.fault) but the link to an entry that may not be at hand; the
    first entry's link is known."""
    if not _HEX64.fullmatch(entry["prev_hash"]):
        return "column prev_hash is not 64 lowercase hexadecimal digits"
    return fault(Entry(**entry), GENESIS if entry["seq"] == 1 else entry["prev_hash"])


def _entry_problems(entry: dict, previous: Mapping | None, cp: checkpoints.Checkpoint,
                    proof, subject: Mapping, correlated: set[str]) -> list[str]:
    """What is wrong with one entry of a bundle whose own hash holds (`entry_fault`): its link
    to the entry before if that is in the bundle too, its inclusion proof, its subject."""
    problems = []
    if previous is not None and previous["seq"] == entry["seq"] - 1 \
            and entry["prev_hash"] != previous["hash"]:
        problems.append(f"column prev_hash does not link to entry seq {previous['seq']}")
    problems.extend(inclusion_problems(entry, proof, cp))
    why_not = belongs(entry, json.loads(entry["event"]), subject, correlated)
    if why_not is not None:
        problems.append(f"{why_not}, so it is not part of the bundle's subject")
    return problems


def inclusion_problems(entry: Mapping, proof, cp: checkpoints.Checkpoint) -> list[str]:
    """Why `proof` (base64 hashes) does not prove `entry` in the tree `cp` signs; [] if it does."""
    seq = entry["seq"]
    if not 1 <= seq <= cp.size:
        return [f"seq {seq} is not in the checkpoint's tree of size {cp.size}"]
    hashes = decode_hashes(proof)
    if isinstance(hashes, str):
        return [f"inclusion proof: {hashes}"]
    try:
        leaf = merkle.leaf_hash(bytes.fromhex(entry["hash"]))
    except ValueError:
        return ["column hash is not hexadecimal"]
    if not merkle.verify_inclusion(seq - 1, cp.size, leaf, hashes, cp.root):
        return [f"its inclusion proof does not lead to the root of the checkpoint of size "
                f"{cp.size}: the entry is not the one the checkpoint's tree holds at seq {seq}"]
    return []


def decode_hashes(proof) -> list[bytes] | str:
    """A proof's hashes from their base64, or why they cannot be read. Only the one spelling
    base64 gives a 32-byte hash is taken."""
    if proof is None:
        return "missing"
    if not isinstance(proof, list):
        return "not a list of base64 hashes"
    hashes = []
    for position, text in enumerate(proof, 1):
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (AttributeError, UnicodeEncodeError, binascii.Error):
            return f"hash {position} is not base64"
        if len(raw) != merkle.HASH_SIZE:
            return f"hash {position} holds {len(raw)} bytes, not {merkle.HASH_SIZE}"
        if base64.b64encode(raw).decode("ascii") != text:
            return f"hash {position} is not written as base64 writes it"
        hashes.append(raw)
    return hashes
