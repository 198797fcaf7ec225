"""The event store on SQLite and PostgreSQL: appends, reads, optimistic concurrency."""
import datetime as dt

import eventlet
import pytest

from kernel.aggregate import Fact
from kernel.envelope import canonical_json
from kernel.errors import ConcurrencyError
from kernel.store import EventStore

AT = dt.datetime(2026, 2, 13, 2, 0, tzinfo=dt.timezone.utc)


def fact(type_="TicketRaised", **payload):
    return Fact(type_, payload or {"title": "融资难"}, AT, "office:clerk")


def test_append_and_read_back(migrated_engine):
    store = EventStore(migrated_engine)
    written = store.append("t-1", "ticket", 0, [fact(), fact("TicketDispatched", unit="u1")],
                           correlation_id="c-1", causation_id="cmd-1")
    assert [e.version for e in written] == [1, 2]
    stream = store.read_stream("t-1")
    assert [e.to_dict() for e in stream] == [e.to_dict() for e in written]
    assert stream[0].payload == {"title": "融资难"}
    assert stream[0].correlation_id == "c-1" and stream[0].causation_id == "cmd-1"
    assert stream[0].occurred_at == "2026-02-13T02:00:00.000000Z"


def test_read_all_follows_global_position(migrated_engine):
    store = EventStore(migrated_engine)
    store.append("a", "ticket", 0, [fact()])
    store.append("b", "ticket", 0, [fact()])
    store.append("a", "ticket", 1, [fact("TicketDispatched")])
    everything = store.read_all()
    assert [(e.stream_id, e.version) for _, e in everything] == [("a", 1), ("b", 1), ("a", 2)]
    positions = [p for p, _ in everything]
    assert positions == sorted(positions)
    after_first = store.read_all(after=positions[0])
    assert [p for p, _ in after_first] == positions[1:]
    assert store.head_position() == positions[-1]


def test_stale_version_is_refused_and_writes_nothing(migrated_engine):
    store = EventStore(migrated_engine)
    store.append("t-1", "ticket", 0, [fact()])
    with pytest.raises(ConcurrencyError) as refused:
        store.append("t-1", "ticket", 0, [fact(), fact()])
    assert "t-1" in str(refused.value)
    assert len(store.read_stream("t-1")) == 1
    assert len(store.read_all()) == 1


def test_concurrent_appends_at_the_same_version_one_wins(migrated_engine):
    store = EventStore(migrated_engine)
    store.append("t-1", "ticket", 0, [fact()])
    start = eventlet.event.Event()

    def contender(name):
        start.wait()
        try:
            store.append("t-1", "ticket", 1, [fact("ProgressNoted", by=name)])
            return "won"
        except ConcurrencyError:
            return "refused"

    threads = [eventlet.spawn(contender, name) for name in ("a", "b", "c")]
    eventlet.sleep(0)
    start.send()
    outcomes = sorted(t.wait() for t in threads)
    assert outcomes == ["refused", "refused", "won"]
    stream = store.read_stream("t-1")
    assert [e.version for e in stream] == [1, 2]


def test_projectors_run_in_the_same_transaction(migrated_engine):
    seen = []

    def failing_projector(connection, events):
        seen.extend(events)
        raise RuntimeError("projection broke")

    store = EventStore(migrated_engine, projectors=[failing_projector])
    with pytest.raises(RuntimeError):
        store.append("t-1", "ticket", 0, [fact()])
    assert len(seen) == 1
    assert store.read_all() == []  # the append rolled back with its projection


def test_unit_of_work_counter_is_gap_free_per_name(migrated_engine):
    store = EventStore(migrated_engine)
    with store.unit_of_work() as uow:
        assert [uow.next_number("ledger-2026") for _ in range(3)] == [1, 2, 3]
        assert uow.next_number("ledger-2027") == 1
    with pytest.raises(RuntimeError):
        with store.unit_of_work() as uow:
            uow.next_number("ledger-2026")
            raise RuntimeError("command failed")
    with store.unit_of_work() as uow:
        assert uow.next_number("ledger-2026") == 4


def test_canonical_json_is_stable():
    value = {"b": 1, "a": {"时间": AT, "z": [1, 2]}}
    assert canonical_json(value) == (
        '{"a":{"z":[1,2],"时间":"2026-02-13T02:00:00.000000Z"},"b":1}'.encode("utf-8"))
    with pytest.raises(ValueError):
        canonical_json({"naive": dt.datetime(2026, 1, 1)})
