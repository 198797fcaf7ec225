"""What the tracking tests that fold a real ledger share: a database migrated for the audit's
ledger and supervision's tables (`ledger_engine`), tracking emptied and folded again from that
ledger by seq (`refold`), as the follower takes it in anew after a rebuild, and a hand-made
payload made whole as its producer declares it (`declared`)."""
import datetime as dt
import types
import typing

import pytest

from kernel.database import make_engine, migrate
from kernel.envelope import Event, format_time
from kernel.store import write_checkpoint
from services.audit import ledger
from services.registry import SERVICES
from services.supervision.tracking import views as tracking


def declared(stream_type: str, type_: str, payload: dict) -> dict:
    """`payload` whole, as the producer of an event tracking folds declares it: the fold parses
    every event through its producer's model, so a test naming only the fields it is about
    has the others given plain values (an empty text, list or object, false, zero; none where
    the field may be none). A field the producer does not declare is the test's mistake."""
    found = tracking.HANDLERS.get((stream_type, type_))
    if found is None:
        return payload  # not folded: nothing reads it through a model
    fields = found[0][type_].payload.model_fields
    undeclared = sorted(set(payload) - set(fields))
    assert not undeclared, f"{type_} declares no field {', '.join(undeclared)}"
    return {**{name: _plain(field.annotation) for name, field in fields.items()
               if field.is_required() and name not in payload}, **payload}


def _plain(annotation):
    if type(None) in typing.get_args(annotation):
        return None
    origin = typing.get_origin(annotation) or annotation
    assert not isinstance(origin, types.UnionType), annotation
    return {str: "", list: [], dict: {}, bool: False, int: 0}[origin]


def refold(connection, chunk: int = 1000) -> int:
    """Tracking emptied and folded again from the ledger by seq, as the follower takes the
    ledger in anew after a rebuild (`ledger.relayed_after`, the audit's `ledger_after`)."""
    tracking.rebuild(connection)
    read = 0
    while batch := ledger.relayed_after(connection, read, chunk):
        for message in batch:
            tracking.track(connection, message["position"], message["origin"],
                           Event.from_dict(message["event"]))
            read = message["position"]
        write_checkpoint(connection, tracking.CHECKPOINT, read)
    return read


@pytest.fixture
def ledger_engine(db_url):
    """An engine on a fresh database holding the audit's ledger and supervision's tables."""
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    yield engine
    engine.dispose()



class TicketBook:
    """Appeal facts written into the ledger one at a time and tracked as they land, as the
    ledger's ingest does: `book(appeal, type, when, **payload)` gives the entry's seq. `when` is
    days after `start`; the payload is filled in as the producer declares it (`declared`)."""

    def __init__(self, engine, start, ids):
        self.engine, self.start, self.ids, self.position = engine, start, ids, 0

    def __call__(self, appeal: str, type_: str, when: float, **payload) -> int:
        n = next(self.ids)
        event = Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=appeal,
                      stream_type="ticket", version=n, type=type_,
                      occurred_at=format_time(self.start + dt.timedelta(days=when)),
                      actor="office:clerk", correlation_id="c", causation_id="k",
                      payload=declared("ticket", type_, payload))
        self.position += 1
        with self.engine.begin() as connection:
            seq = ledger.append(connection, "tickets", self.position, event)
            tracking.track(connection, seq, "tickets", event)
            write_checkpoint(connection, tracking.CHECKPOINT, seq)
        return seq
