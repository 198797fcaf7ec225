"""Supervision follows the audit's ledger by seq, on both stores: one checkpoint (the last seq
taken in), written with what each entry folds, so an entry announced twice folds once, an entry
whose announcement was lost is caught up by the timer's pull, and a follower started again
resumes after its checkpoint. The ledger is the audit's own (`services.audit.ledger`) in a
database of its own, read as the audit's `ledger_after` answers; the follower is the kernel's
`Reactor` with supervision's subscriptions."""
import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.database import make_engine, migrate
from kernel.envelope import Event, format_time
from kernel.reactions import Reactor
from kernel.store import EventStore
from services.audit import ledger
from services.registry import SERVICES
from services.supervision.tracking import reactions as following
from services.supervision.tracking import views as tracking

AT = dt.datetime(2026, 5, 6, 1, 0, tzinfo=dt.UTC)
UNIT = "city_industry"


class Audit:
    """The audit's ledger, and what its `ledger_after` answers; each fetch is remembered."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        migrate(self.engine, SERVICES["audit"].migrations_path)
        self.position = 0
        self.fetches: list[int] = []

    def enter(self, event: Event) -> int:
        self.position += 1
        with self.engine.begin() as connection:
            return ledger.append(connection, "tickets", self.position, event)

    def fetch(self, source: str, after: int, limit: int) -> list[dict]:
        assert source == "ledger"
        self.fetches.append(after)
        with self.engine.connect() as connection:
            return ledger.relayed_after(connection, after, limit)


def dispatched(appeal: str) -> Event:
    return Event(event_id=f"{appeal}-1", stream_id=appeal, stream_type="ticket", version=1,
                 type="TicketDispatched", occurred_at=format_time(AT), actor="office:clerk",
                 correlation_id="c", causation_id="",
                 payload={"lead_unit": UNIT, "assisting_units": [],
                          "sign_due": format_time(AT + dt.timedelta(days=1))})


@pytest.fixture(params=["sqlite", "postgres"])
def urls(request, make_sqlite_url):
    if request.param == "sqlite":
        return make_sqlite_url(), make_sqlite_url()
    make = request.getfixturevalue("make_pg_url")
    return make(), make()


@pytest.fixture
def audit(urls):
    made = Audit(urls[0])
    yield made
    made.engine.dispose()


@pytest.fixture
def store(urls):
    engine = make_engine(urls[1])
    migrate(engine, SERVICES["supervision"].migrations_path)
    yield EventStore(engine)
    engine.dispose()


def follower(store: EventStore, audit: Audit) -> Reactor:
    return Reactor(following.CONSUMER, store, following.SUBSCRIPTIONS, audit.fetch,
                   service="supervision")


def matters(store: EventStore) -> list[tuple[str, str]]:
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(tracking.matters_table.c.matter_id,
                                            tracking.matters_table.c.seqs)
                                  .order_by(tracking.matters_table.c.matter_id)).all()
    return [tuple(row) for row in rows]


def read(store: EventStore) -> int:
    with store.engine.connect() as connection:
        return tracking.ledger_read(connection)


def test_an_entry_announced_twice_folds_once(audit, store):
    reactor = follower(store, audit)
    seq = audit.enter(dispatched("T1"))
    # Two announcements of the same head: each pulls; the second finds nothing after the seq.
    assert reactor.catch_up("ledger") == 1
    assert reactor.catch_up("ledger") == 0
    assert matters(store) == [("appeal_signing:T1:1", f"[{seq}]")]
    assert read(store) == seq
    # The same entry delivered again (a replica's pull racing this one): a duplicate.
    again = audit.fetch("ledger", seq - 1, 10)
    assert reactor.receive_many(again) == ["duplicate"]
    assert matters(store) == [("appeal_signing:T1:1", f"[{seq}]")]


def test_an_announcement_lost_is_caught_up_by_the_pull(audit, store):
    reactor = follower(store, audit)
    audit.enter(dispatched("T1"))
    reactor.catch_up("ledger")
    # Two entries whose announcements never arrived: the timer's sweep takes them in, in order.
    second, third = audit.enter(dispatched("T2")), audit.enter(dispatched("T3"))
    assert reactor.sweep() == {"ledger": 2}
    assert [m for m, _ in matters(store)] == [
        "appeal_signing:T1:1", "appeal_signing:T2:1", "appeal_signing:T3:1"]
    assert dict(matters(store))["appeal_signing:T3:1"] == f"[{third}]"
    assert read(store) == third == second + 1


def test_a_restart_resumes_from_the_checkpoint(audit, store):
    audit.enter(dispatched("T1"))
    follower(store, audit).catch_up("ledger")
    first = read(store)
    audit.fetches.clear()
    # A new follower (the service started again) on the same store asks only after its
    # checkpoint, and every entry is folded once.
    later = audit.enter(dispatched("T2"))
    restarted = follower(store, audit)
    assert restarted.catch_up("ledger") == 1
    assert audit.fetches[0] == first
    assert read(store) == later
    assert [m for m, _ in matters(store)] == ["appeal_signing:T1:1", "appeal_signing:T2:1"]


def test_a_gap_in_what_is_delivered_is_filled_from_the_ledger(audit, store):
    reactor = follower(store, audit)
    seqs = [audit.enter(dispatched(f"T{n}")) for n in range(1, 4)]
    # Only the last entry reaches the follower: it is not next, so the ledger fills the gap.
    last = audit.fetch("ledger", seqs[1], 10)
    assert reactor.receive_many(last) == ["gap"]
    assert read(store) == seqs[-1]
    assert len(matters(store)) == 3
