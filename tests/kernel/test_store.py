"""The event store on SQLite and PostgreSQL: appends, reads, optimistic concurrency."""
import contextlib
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


def test_a_long_entrypoint_name_fits_the_envelope(migrated_engine):
    # nameko's call id, "<service>.<entrypoint>.<uuid>", is a command's causation id.
    causation = f"liaison.{'appoint_liaison_officer_for_the_leader'}.{'0' * 36}"
    correlation = "c" * 150
    store = EventStore(migrated_engine)
    store.append("t-1", "ticket", 0, [fact()], correlation_id=correlation,
                 causation_id=causation)
    [event] = store.read_stream("t-1")
    assert (event.correlation_id, event.causation_id) == (correlation, causation)


def test_a_stream_of_another_kind_is_not_loaded_as_this_kind(migrated_engine):
    from kernel.aggregate import Aggregate

    class Park(Aggregate):
        stream_type = "park"

        def when_ParkRegistered(self, fact):
            pass

    class Unit(Aggregate):
        stream_type = "unit"

    store = EventStore(migrated_engine)
    store.append("0", "park", 0, [fact("ParkRegistered")])
    with store.unit_of_work() as uow:
        assert uow.load(Park, "0").exists
        assert not uow.load(Unit, "0").exists  # not a TypeError: no unit has that id


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


def test_a_lost_race_leaves_the_transaction_usable_and_empty(migrated_engine):
    store = EventStore(migrated_engine)
    store.append("t-1", "ticket", 0, [fact()])
    store.append("t-1", "ticket", 1, [fact("TicketDispatched", unit="u1")])
    with store.unit_of_work() as uow:
        # Versions 2 and 3 asked for: 2 is taken, 3 is free; neither may stay.
        with pytest.raises(ConcurrencyError):
            uow.append("t-1", "ticket", 1, [fact("TicketSigned"), fact("TicketClassified")])
        uow.append("t-2", "ticket", 0, [fact()])
    assert [e.type for e in store.read_stream("t-1")] == ["TicketRaised", "TicketDispatched"]
    assert [e.stream_id for _, e in store.read_all()] == ["t-1", "t-1", "t-2"]


def test_an_expected_version_beyond_the_stream_is_refused(migrated_engine):
    store = EventStore(migrated_engine)
    with pytest.raises(ConcurrencyError):
        store.append("t-1", "ticket", 3, [fact()])
    store.append("t-2", "ticket", 0, [fact()])
    with pytest.raises(ConcurrencyError):
        store.append("t-2", "ticket", 2, [fact()])
    assert store.read_stream("t-1") == [] and len(store.read_stream("t-2")) == 1


def test_a_reader_never_skips_an_event_that_commits_late(make_pg_url):
    """The case a lock around every append used to prevent: an append inserted first commits
    last. Its event must come after what the reader has already passed, not behind it."""
    from kernel.database import make_engine, migrate
    engine = make_engine(make_pg_url())
    migrate(engine)
    store = EventStore(engine)
    try:
        with contextlib.ExitStack() as late:
            slow = late.enter_context(store.unit_of_work())
            slow.append("slow", "ticket", 0, [fact()])      # inserted first, not committed
            store.append("quick", "ticket", 0, [fact()])    # inserted second, committed
            first = store.read_all()
            assert [e.stream_id for _, e in first] == ["quick"]
        # `slow` has committed now.
        after = store.read_all(after=first[-1][0])
        assert [e.stream_id for _, e in after] == ["slow"]
        assert after[0][0] > first[-1][0]
        assert [e.stream_id for _, e in store.read_all()] == ["quick", "slow"]
    finally:
        engine.dispose()


def test_a_follower_sees_every_event_once_under_concurrent_writers(migrated_engine):
    """Sixteen writers append while a follower reads by position: it gets every event once, in
    positions that only rise, with none passed over."""
    store = EventStore(migrated_engine)
    writers, appends = 16, 15
    done = eventlet.event.Event()

    def writer(n):
        for i in range(appends):
            with store.unit_of_work() as uow:
                uow.append(f"w{n}-{i}", "ticket", 0, [fact(), fact("TicketDispatched")])
            eventlet.sleep(0)

    def follower():
        seen, after = [], 0
        while True:
            finished = done.ready()
            page = store.read_all(after=after, limit=7)
            seen += page
            if page:
                after = page[-1][0]
            elif finished:
                return seen
            eventlet.sleep(0)

    reading = eventlet.spawn(follower)
    pool = eventlet.GreenPool(writers)
    for _ in pool.imap(writer, range(writers)):
        pass
    done.send()
    seen = reading.wait()
    positions = [p for p, _ in seen]
    assert positions == sorted(set(positions))
    ids = [e.event_id for _, e in seen]
    assert len(ids) == len(set(ids)) == 2 * writers * appends
    assert sorted(ids) == sorted(e.event_id for _, e in store.read_all(limit=10_000))
    streams = {}  # and each stream's events in their order
    for _, event in seen:
        streams.setdefault(event.stream_id, []).append(event.version)
    assert all(versions == [1, 2] for versions in streams.values())
