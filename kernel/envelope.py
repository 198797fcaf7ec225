"""The event envelope every service writes, and the one canonical JSON encoding.

The canonical encoding (sorted keys, no whitespace, UTF-8, UTC ISO-8601 times) is what the audit
ledger hashes, so it must never change for an event that already exists.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

ENVELOPE_FIELDS = (
    "event_id", "stream_id", "stream_type", "version", "type", "occurred_at",
    "actor", "correlation_id", "causation_id", "payload",
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def format_time(value: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds and a trailing Z: one spelling per instant."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: every time in an event must carry its zone")
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def _encode_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} in an event")


# What json.dumps(value, sort_keys=True, ...) builds on every call, built once: the encoder
# keeps no state between calls, so its output is json.dumps's, byte for byte.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
    default=_encode_default,
)


def canonical_json(value: Any) -> bytes:
    """The bytes a hash is taken over: sorted keys, no whitespace, UTF-8 (not \\u escapes)."""
    return _CANONICAL.encode(value).encode("utf-8")


def plain(value: Any) -> Any:
    """The JSON-shaped form of a payload: what is stored and sent is what is hashed."""
    return json.loads(canonical_json(value))


@dataclasses.dataclass(frozen=True)
class Event:
    """One fact in a stream, as stored, published and hashed."""

    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    occurred_at: str
    actor: str
    correlation_id: str
    causation_id: str
    payload: dict

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in ENVELOPE_FIELDS}

    @classmethod
    def from_dict(cls, data: dict) -> "Event":
        missing = [name for name in ENVELOPE_FIELDS if name not in data]
        if missing:
            raise ValueError(f"event envelope lacks {', '.join(missing)}")
        return cls(**{name: data[name] for name in ENVELOPE_FIELDS})

    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    @property
    def occurred(self) -> dt.datetime:
        return parse_time(self.occurred_at)


def new_event_id() -> str:
    return str(uuid.uuid4())
