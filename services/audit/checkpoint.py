"""Checkpoints, as C2SP's tlog-checkpoint specification (c2sp.org/tlog-checkpoint) defines them: the
ledger's tree head at one size, signed as a note (services/audit/note.py).

The body is the origin (the log's name, which is also its key's name), the tree size in decimal
without leading zeros, the base64 of the 32-byte RFC 9162 tree hash, then one extension line,
`timestamp <time>`, the UTC time the checkpoint was made as kernel.envelope.format_time spells
it (one spelling per instant):

    huiqi.local/audit
    1042
    Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=
    timestamp 2024-05-01T08:00:00.000000Z

Every line is non-empty. `parse` takes only that shape and names the line that breaks it. Plain
Python, no I/O.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from kernel.envelope import format_time, parse_time
from services.audit import note

ROOT_SIZE = 32
TIMESTAMP_KEY = "timestamp"
MAX_SIZE = 2**63 - 1  # what a bigint column and every other log's tooling hold

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


class CheckpointError(ValueError):
    """A checkpoint that is not of the form this log writes; the message names the line."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    timestamp: str

    def __post_init__(self):
        _check_origin(self.origin, "the origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int) \
                or not 0 <= self.size <= MAX_SIZE:
            raise CheckpointError(f"the tree size {self.size!r} is not a whole number from 0 to "
                                  "2^63-1")
        if not isinstance(self.root, bytes) or len(self.root) != ROOT_SIZE:
            raise CheckpointError(f"the root hash must be {ROOT_SIZE} bytes")
        _check_timestamp(self.timestamp, "the timestamp")

    def body(self) -> str:
        root = base64.b64encode(self.root).decode("ascii")
        return f"{self.origin}\n{self.size}\n{root}\n{TIMESTAMP_KEY} {self.timestamp}\n"


def parse(body: str) -> Checkpoint:
    """The checkpoint whose note text is `body`, refused (CheckpointError naming the line) unless
    it is exactly the four lines `Checkpoint.body` writes."""
    if not body.endswith("\n"):
        raise CheckpointError("a checkpoint's text ends in a newline")
    lines = body[:-1].split("\n")
    for number, line in enumerate(lines, 1):
        if not line:
            raise CheckpointError(f"line {number} is empty: every line of a checkpoint has text")
    if len(lines) < 4:
        raise CheckpointError(f"a checkpoint has four lines (origin, size, root hash, timestamp); "
                              f"this one has {len(lines)}")
    if len(lines) > 4:
        raise CheckpointError(f"line 5: unexpected extension line {lines[4][:60]!r}; this log's "
                              "checkpoints have one, the timestamp")
    origin, size, root, extension = lines
    _check_origin(origin, "line 1 (origin)")
    if not _DECIMAL.fullmatch(size):
        raise CheckpointError(f"line 2 (tree size) {size[:40]!r} is not a decimal number without "
                              "leading zeros")
    if int(size) > MAX_SIZE:
        raise CheckpointError(f"line 2 (tree size) {size} is beyond 2^63-1")
    try:
        root_hash = note.decode_base64(root)
    except ValueError as error:
        raise CheckpointError(f"line 3 (root hash) {root[:60]!r} {error}") from None
    if len(root_hash) != ROOT_SIZE:
        raise CheckpointError(f"line 3 (root hash) holds {len(root_hash)} bytes, not {ROOT_SIZE}")
    key, space, timestamp = extension.partition(" ")
    if key != TIMESTAMP_KEY or not space:
        raise CheckpointError(f"line 4 {extension[:60]!r} is not 'timestamp <UTC time>'")
    _check_timestamp(timestamp, "line 4 (timestamp)")
    return Checkpoint(origin, int(size), root_hash, timestamp)


def sign(checkpoint: Checkpoint, signer: note.Signer) -> str:
    """The signed note of `checkpoint`, by the log's own key (whose name is the origin)."""
    if signer.name != checkpoint.origin:
        raise CheckpointError(f"the key {signer.name!r} does not sign for the origin "
                              f"{checkpoint.origin!r}: a log's key bears the log's name")
    return signer.sign(checkpoint.body())


def open(signed: str | bytes, verifier: note.Verifier) -> Checkpoint:
    """The checkpoint a signed note holds, once its signature by `verifier` holds (note.NoteError
    if not) and its text parses (CheckpointError if not); its origin must be the key's name."""
    checkpoint = parse(note.open_note(signed, verifier))
    if checkpoint.origin != verifier.name:
        raise CheckpointError(f"line 1: the checkpoint's origin {checkpoint.origin!r} is not "
                              f"the log {verifier.name!r} whose key signed it")
    return checkpoint


def _check_origin(origin: str, where: str) -> None:
    if not isinstance(origin, str) or not origin:
        raise CheckpointError(f"{where} is empty: a checkpoint names its log")
    if any(ord(char) < 0x20 for char in origin):
        raise CheckpointError(f"{where} {origin!r} holds a control character or a newline")
    try:
        origin.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError(f"{where} is not valid UTF-8") from None


def _check_timestamp(value: str, where: str) -> None:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise CheckpointError(f"{where} {value!r} is not a UTC time written "
                              "YYYY-MM-DDTHH:MM:SS.ffffffZ")
    try:
        spelled = format_time(parse_time(value))
    except ValueError:
        spelled = None
    if spelled != value:
        raise CheckpointError(f"{where} {value!r} is not a real time")
