"""The base of every aggregate: command methods check a rule and record a fact; state changes only
when a fact is applied, so a replayed aggregate and a live one cannot differ.

Aggregates are plain Python: no clock, no database, no broker. A command receives the moment it
happens and who acts; the store gives the recorded facts their envelope.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar, Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.envelope import Event, parse_time, plain
from kernel.events import Catalogue


@dataclasses.dataclass(frozen=True)
class Fact:
    """A recorded event before (or after) it is wrapped in its envelope."""

    type: str
    payload: dict
    occurred_at: dt.datetime
    actor: str

    @classmethod
    def from_event(cls, event: Event) -> "Fact":
        return cls(event.type, event.payload, parse_time(event.occurred_at), event.actor)


class Aggregate:
    """Subclasses set `stream_type`, define `when_<EventType>(self, fact)` for each fact and, for
    `_begin`, `_check(command, actor)` asking their rules table, and `events`, the catalogue of
    the facts they may record (`kernel.events`)."""

    stream_type: ClassVar[str] = ""
    events: ClassVar[Catalogue | None] = None

    def __init__(self, stream_id: str):
        self.id = stream_id
        self.version = 0
        self._pending: list[Fact] = []

    @classmethod
    def replay(cls, stream_id: str, facts: Iterable[Fact]):
        aggregate = cls(stream_id)
        for fact in facts:
            aggregate._apply(fact)
        return aggregate

    @classmethod
    def from_events(cls, stream_id: str, events: Iterable[Event]):
        return cls.replay(stream_id, (Fact.from_event(e) for e in events))

    @property
    def exists(self) -> bool:
        return self.version > 0

    def _begin(self, command: str, at, actor: Actor) -> dt.datetime:
        """The moment checked, then the rules table asked: what every command does first."""
        at = checks.moment(at)
        self._check(command, actor)
        return at

    def _check(self, command: str, actor: Actor) -> None:
        """Refuse, by its named error, an actor who may not run `command` now."""
        raise NotImplementedError(f"{type(self).__name__} has no rules table")

    def _record_fact(self, type_: str, payload: dict, at: dt.datetime, actor: Actor) -> Fact:
        """Record a fact on behalf of `actor`."""
        return self._record(type_, payload, at=at, actor=actor.label)

    def _record(self, type_: str, payload: dict, *, at: dt.datetime, actor: str) -> Fact:
        # The payload is normalised to its JSON shape first, so that what the live aggregate
        # applies is exactly what a replay from the store will apply.
        fact = Fact(type_, plain(payload), at, actor)
        if self.events is not None:
            # A fact is the contract its consumers read: one the catalogue does not declare,
            # or whose payload breaks its declared shape, is never recorded.
            self.events.checked(type_, fact.payload)
        self._apply(fact)
        self._pending.append(fact)
        return fact

    def _apply(self, fact: Fact) -> None:
        handler = getattr(self, f"when_{fact.type}", None)
        if handler is None:
            raise TypeError(f"{type(self).__name__} has no when_{fact.type}")
        handler(fact)
        self.version += 1

    def pending(self) -> list[Fact]:
        return list(self._pending)

    @property
    def loaded_version(self) -> int:
        """The version the aggregate had when loaded: the expected version for the append."""
        return self.version - len(self._pending)
