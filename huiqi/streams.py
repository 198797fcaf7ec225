"""Every stream's state rebuilt from the audit ledger alone: which aggregate each stream type is,
and the fold of a stream's ledger entries into its state as of a seq or a time.

The ledger holds every event of every service, each as the canonical JSON of its envelope, so a
stream's entries in seq order are its events in version order, and folding them through the
aggregate's own `when_<Event>` methods gives the state the service itself had (the services fold
their read models the same way). What is folded is checked first, entry by entry: each entry's
own hash over its columns and event (`chain.holds`, or `chain.fault` for the reason) — not its
link to the entry before, which only a walk of the whole chain can check (`huiqi verify`) — and
the stream's versions, which must run 1, 2, 3 … with none missing.

The state printed for each stream type (`KINDS`):
- ticket: the appeal's view, `services.tickets.appeals.appeal_view.AppealView` — what the tickets service
  answers for `GET /api/v1/tickets/{id}` (its read model's `state`);
- every aggregate with a `snapshot()`: that snapshot, which its service's read model stores as the
  row's `state` and answers with;
- compendium: the editions, each as the policy service's `compendium_editions.state`;
- linkage (the city's one linkage stream): no snapshot exists, so its public attributes as they
  are (`linkages`, `accepted_plans`, `changed_at`, `departments`, `officers`), with id and version.

`--as-of` is compared with each event's `occurred_at`: the moment the fact happened in its
service, the time the service's own view shows and decides deadlines by. The ledger's
`recorded_at` is when the audit took the event in, later by the broker's and the audit's delay
(hours, if the audit was down): the state "as of" a recorded_at would be what the audit knew
then, not how the matter stood. A stream's events are taken in order up to the first that occurred
after the time, so the state is always one the service had.

Imports the services' domain modules (plain Python): only `huiqi` may import every service.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from typing import Callable, Iterable, Iterator

import orjson

from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time, parse_time
from services.audit import chain
from services.audit.chain import Entry
from services.supervision.assessment.accountability import YearAssessment
from services.supervision.cases.domain import SupervisionCase
from services.supervision.deliverables.domain import Deliverable
from services.supervision.assessment.evaluation import EvaluationRound
from services.supervision.cases.ladder import LadderSettings
from services.supervision.deliverables.scheduling import SchedulingReport
from services.liaison.fieldwork.domain.activities import Consultation, Matchmaking
from services.liaison.fieldwork.domain.help_plan import HelpPlan
from services.liaison.fieldwork.domain.operation_report import OperationReport
from services.liaison.fieldwork.domain.survey import Survey
from services.liaison.fieldwork.domain.visit import Visit
from services.liaison.linkage.domain import CityLinkage, LinkagePlan
from services.liaison.registry.domain import Enterprise, LeadingGroup, Leader, Park, Unit
from services.policy.briefings.domain import Briefing
from services.policy.work.domain import PolicyWork
from services.policy.compendium.domain import CompendiumEditions
from services.policy.implementation.domain import ImplementationRule
from services.policy.policies.domain import Policy
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.domain import Ticket
from services.tickets.routing.domain import RoutingTable


class ReplayError(ValueError):
    """A stream that cannot be replayed from the entries given, and why."""


class StreamNotFound(ReplayError):
    """No entry of the stream in the ledger (before the bound, if one was given)."""


# -- how each kind of stream is folded and shown --------------------------------------------------

class Folding:
    """One stream folded fact by fact: its aggregate, and whatever its state shows beside it."""

    def __init__(self, kind: "Kind", stream_id: str):
        self.kind = kind
        self.aggregate: Aggregate = kind.aggregate(stream_id)

    def apply(self, fact: Fact) -> None:
        self.aggregate._apply(fact)

    def state(self) -> dict:
        return self.kind.show(self.aggregate)


class AppealFolding(Folding):
    """The appeal: its `Ticket` and its `AppealView` side by side, as `AppealView.fold` folds
    them, so the state is the tickets service's view of the appeal."""

    def __init__(self, kind: "Kind", stream_id: str):
        super().__init__(kind, stream_id)
        self.view = AppealView()

    def apply(self, fact: Fact) -> None:
        self.aggregate._apply(fact)
        self.view.apply(fact)

    def state(self) -> dict:
        return self.view.as_dict(self.aggregate.snapshot())


def _snapshot(aggregate) -> dict:
    return aggregate.snapshot()


def _editions(editions: CompendiumEditions) -> dict:
    return {"id": editions.id, "version": editions.version, "editions": editions.editions}


def public_attributes(aggregate: Aggregate) -> dict:
    """The generic state of an aggregate without a snapshot: its public attributes (not the
    ones named with a leading underscore), id and version included."""
    return {name: value for name, value in vars(aggregate).items() if not name.startswith("_")}


@dataclasses.dataclass(frozen=True)
class Kind:
    """A stream type: the service that writes it, its aggregate, and how its state is shown."""

    stream_type: str
    service: str
    aggregate: type[Aggregate]
    show: Callable[[Aggregate], dict] = _snapshot
    shown_as: str = "the aggregate's snapshot, as its service's read model stores it"
    folding: type[Folding] = Folding


def _kinds() -> dict[str, Kind]:
    snapshots = {
        "supervision": (SupervisionCase, LadderSettings, Deliverable, EvaluationRound,
                        YearAssessment, SchedulingReport),
        "tickets": (RoutingTable,),
        "policy": (Policy, ImplementationRule, Briefing, PolicyWork),
        "liaison": (Enterprise, Park, Unit, Leader, LeadingGroup, LinkagePlan, Survey, HelpPlan,
                    Visit, Consultation, Matchmaking, OperationReport),
    }
    kinds = [Kind(cls.stream_type, service, cls)
             for service, classes in snapshots.items() for cls in classes]
    kinds += [
        Kind(Ticket.stream_type, "tickets", Ticket, shown_as="the tickets service's view of the "
             "appeal (services.tickets.appeals.appeal_view.AppealView)", folding=AppealFolding),
        Kind(CompendiumEditions.stream_type, "policy", CompendiumEditions, _editions,
             "every edition, as the compendium_editions read model stores each"),
        Kind(CityLinkage.stream_type, "liaison", CityLinkage, public_attributes,
             "the aggregate's public attributes (it has no snapshot)"),
    ]
    return {kind.stream_type: kind for kind in kinds}


# The stream type → aggregate table: every aggregate of every service (a test holds it complete).
KINDS: dict[str, Kind] = _kinds()


def kind_of(stream_type: str, stream_id: str) -> Kind:
    kind = KINDS.get(stream_type)
    if kind is None:
        raise ReplayError(f"stream {stream_id} is of stream type {stream_type!r}, which no "
                          f"aggregate replays (known: {', '.join(sorted(KINDS))})")
    return kind


# -- checking and reading an entry ---------------------------------------------------------------

_as_row = operator.attrgetter(*chain.FIELDS)


def checked_event(entry: Entry) -> dict:
    """The event an entry holds, once the entry's own hash holds over its columns and event;
    `ReplayError` naming the seq and the column otherwise."""
    if not chain.holds(_as_row(entry), entry.prev_hash):
        reason = chain.fault(entry, entry.prev_hash) or "the entry does not hold"
        raise ReplayError(f"ledger entry seq {entry.seq}: {reason} (its own hash is checked "
                          "here; `huiqi verify` walks the whole chain)")
    return orjson.loads(entry.event)


def fact_of(event: dict) -> Fact:
    return Fact(event["type"], event["payload"], parse_time(event["occurred_at"]), event["actor"])


def entry_of(data: dict) -> Entry:
    """A ledger entry from a dict of its columns (an exported ledger's line, a row's mapping);
    `ReplayError` naming what is missing."""
    missing = [name for name in chain.FIELDS if name not in data]
    if missing:
        raise ReplayError(f"a ledger entry lacks {', '.join(missing)}"
                          + (f" (seq {data['seq']})" if "seq" in data else ""))
    return Entry(**{name: data[name] for name in chain.FIELDS})


# -- one stream ----------------------------------------------------------------------------------

@dataclasses.dataclass
class Replayed:
    """A stream's state rebuilt from the ledger, and which entries it was folded from."""

    stream_id: str
    stream_type: str
    service: str
    version: int
    first_seq: int
    last_seq: int
    occurred_at: str  # of the last event folded
    shown_as: str
    state: dict

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def replay(entries: Iterable[Entry], stream_id: str, *, seq: int | None = None,
           as_of: dt.datetime | None = None, stream_type: str | None = None) -> Replayed:
    """The state of stream `stream_id` folded from `entries` (in seq order; entries of other
    streams are passed over): every entry of the stream up to ledger seq `seq`, and up to the
    first event that occurred after `as_of` (see the module's docstring), each checked.
    `stream_type` picks the stream when the same id names streams of more than one type."""
    if as_of is not None and as_of.tzinfo is None:
        raise ReplayError("as_of must carry its zone")
    found: dict[str, Folding] = {}
    last: dict[str, tuple[int, str]] = {}  # stream type -> (seq, occurred_at) of the last folded
    first: dict[str, int] = {}
    skipped_later = None  # the first entry that occurred after as_of
    stopped: set[str] = set()  # stream types folded up to as_of
    previous_seq = 0
    for entry in entries:
        if entry.stream_id != stream_id:
            continue
        if seq is not None and entry.seq > seq:
            break
        if entry.seq <= previous_seq:
            raise ReplayError(f"ledger entry seq {entry.seq} comes after seq {previous_seq}: the "
                              "entries are not in seq order")
        previous_seq = entry.seq
        if (stream_type is not None and entry.stream_type != stream_type) \
                or entry.stream_type in stopped:
            continue
        event = checked_event(entry)
        if as_of is not None and parse_time(event["occurred_at"]) > as_of:
            stopped.add(entry.stream_type)
            skipped_later = skipped_later or entry
            continue
        folding = found.get(entry.stream_type)
        if folding is None:
            kind = kind_of(entry.stream_type, stream_id)
            if kind.service != entry.service:
                raise ReplayError(f"ledger entry seq {entry.seq}: stream type "
                                  f"{entry.stream_type!r} is written by the {kind.service} "
                                  f"service, not by {entry.service}")
            folding = found[entry.stream_type] = kind.folding(kind, stream_id)
            first[entry.stream_type] = entry.seq
        expected = folding.aggregate.version + 1
        if event["version"] != expected:
            raise ReplayError(
                f"ledger entry seq {entry.seq}: stream {stream_id} has version {event['version']}"
                f" where version {expected} comes next: an event of the stream is missing from "
                "the ledger, or out of its order")
        folding.apply(fact_of(event))
        last[entry.stream_type] = (entry.seq, event["occurred_at"])
    if len(found) > 1:
        raise ReplayError(f"stream id {stream_id} names streams of {len(found)} types "
                          f"({', '.join(sorted(found))}): name one (--stream-type)")
    if not found:
        bound = []
        if seq is not None:
            bound.append(f"up to seq {seq}")
        if as_of is not None:
            bound.append(f"as of {format_time(as_of)}")
        if stream_type is not None:
            bound.append(f"of stream type {stream_type}")
        where = f" {' and '.join(bound)}" if bound else ""
        later = (f"; its first is seq {skipped_later.seq}, which occurred at "
                 f"{skipped_later.occurred_at}" if skipped_later is not None else "")
        raise StreamNotFound(f"stream {stream_id} has no entry in the ledger{where}{later}")
    [(type_, folding)] = found.items()
    last_seq, occurred_at = last[type_]
    return Replayed(stream_id=stream_id, stream_type=type_, service=folding.kind.service,
                    version=folding.aggregate.version,
                    first_seq=first[type_], last_seq=last_seq, occurred_at=occurred_at,
                    shown_as=folding.kind.shown_as, state=folding.state())


# -- every stream --------------------------------------------------------------------------------

def replay_all(entries: Iterable[Entry], *, seq: int | None = None
               ) -> dict[tuple[str, str], dict]:
    """Every stream's state, (stream type, stream id) → state, folded from `entries` (the whole
    ledger in seq order) up to ledger seq `seq`, with every entry checked as `replay` checks
    it."""
    return {key: folding.state() for key, folding in fold_all(entries, seq=seq)}


def fold_all(entries: Iterable[Entry], *, seq: int | None = None
             ) -> Iterator[tuple[tuple[str, str], Folding]]:
    foldings: dict[tuple[str, str], Folding] = {}
    for entry in entries:
        if seq is not None and entry.seq > seq:
            break
        event = checked_event(entry)
        key = (entry.stream_type, entry.stream_id)
        folding = foldings.get(key)
        if folding is None:
            kind = kind_of(entry.stream_type, entry.stream_id)
            folding = foldings[key] = kind.folding(kind, entry.stream_id)
        if event["version"] != folding.aggregate.version + 1:
            raise ReplayError(
                f"ledger entry seq {entry.seq}: stream {entry.stream_id} has version "
                f"{event['version']} where version {folding.aggregate.version + 1} comes next")
        folding.apply(fact_of(event))
    yield from foldings.items()
