"""The outbox relay against the real RabbitMQ: what is committed is published, persistently and in
order, and a broker that is away loses nothing. The turn is fenced: a relay that lost it (its lock
connection gone, the checkpoint moved by another) stops within a batch and never moves the
checkpoint back; no transaction stays open while it waits on the broker, and a confirm that never
comes times out."""
import datetime as dt

import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Queue

from kernel import metrics
from kernel.aggregate import Fact
from kernel.database import make_engine, migrate
from kernel.relay import RELAY_LOCK, AmqpPublisher, OutboxRelay, PublishTimedOut
from kernel.store import EventStore

AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def tap(amqp_uri):
    """A queue bound to everything on `tickets.events`, read back as a list."""
    connection = Connection(amqp_uri)
    queue = Queue("relay-test-tap", Exchange("tickets.events", type="topic", durable=True),
                  routing_key="#", durable=False, auto_delete=False)
    queue(connection.channel()).declare()

    def drain():
        messages, simple = [], connection.SimpleQueue(queue)
        try:
            while True:
                try:
                    message = simple.get(timeout=0.5)
                except simple.Empty:
                    return messages
                messages.append(message)
                message.ack()
        finally:
            simple.close()

    yield drain
    queue(connection.channel()).delete()
    connection.release()


def append_many(store, count, stream="t-1"):
    for i in range(count):
        store.append(stream, "ticket", i, [Fact("ProgressNoted", {"n": i}, AT, "system:timer")])


def test_committed_events_are_published_persistently_in_order(migrated_engine, amqp_uri, tap):
    store = EventStore(migrated_engine)
    append_many(store, 3)
    relay = OutboxRelay("tickets", store, AmqpPublisher("tickets", amqp_uri))
    tap()  # declare and empty
    assert relay.publish_pending() == 3
    messages = tap()
    assert [m.delivery_info["routing_key"] for m in messages] == ["ProgressNoted"] * 3
    assert all(m.properties["delivery_mode"] == 2 for m in messages)
    bodies = [m.payload for m in messages]
    assert [b["event"]["payload"]["n"] for b in bodies] == [0, 1, 2]
    assert [b["previous_position"] for b in bodies] == [0] + [b["position"] for b in bodies[:-1]]
    assert relay.checkpoint() == bodies[-1]["position"]
    assert relay.publish_pending() == 0  # nothing new, nothing sent twice
    assert tap() == []
    relay.publisher.close()


class FailingAfter:
    """A publisher whose broker goes away after `n` confirmed publications."""

    def __init__(self, inner, n):
        self.inner, self.left = inner, n

    def publish(self, *args, **kwargs):
        if self.left == 0:
            raise ConnectionRefusedError("broker unreachable")
        self.left -= 1
        self.inner.publish(*args, **kwargs)


def test_broker_away_loses_nothing(migrated_engine, amqp_uri, tap):
    store = EventStore(migrated_engine)
    append_many(store, 5)
    tap()

    unreachable = OutboxRelay("tickets", store, AmqpPublisher("tickets", "amqp://guest:guest@127.0.0.1:1//"))
    with pytest.raises(OSError):
        unreachable.publish_pending()
    assert unreachable.checkpoint() == 0

    flaky = OutboxRelay("tickets", store, FailingAfter(AmqpPublisher("tickets", amqp_uri), 2))
    with pytest.raises(ConnectionRefusedError):
        flaky.publish_pending()
    first = tap()
    assert [m.payload["event"]["payload"]["n"] for m in first] == [0, 1]
    assert flaky.checkpoint() == first[-1].payload["position"]

    append_many_more = [Fact("ProgressNoted", {"n": 5}, AT, "system:timer")]
    store.append("t-1", "ticket", 5, append_many_more)  # accepted while the broker was away
    recovered = OutboxRelay("tickets", store, AmqpPublisher("tickets", amqp_uri))
    assert recovered.publish_pending() == 4
    rest = tap()
    assert [m.payload["event"]["payload"]["n"] for m in rest] == [2, 3, 4, 5]
    recovered.publisher.close()


class Recording:
    """A publisher that keeps what it was given, yielding between messages like a real one."""

    def __init__(self):
        self.sent = []

    def publish(self, message, routing_key, correlation_id):
        eventlet.sleep(0.001)
        self.sent.append(message["event"]["event_id"])


def test_replicas_on_postgres_publish_each_event_once(make_pg_url):
    engine = make_engine(make_pg_url())
    migrate(engine)
    store = EventStore(engine)
    append_many(store, 120)
    publisher = Recording()
    relays = [OutboxRelay("tickets", store, publisher, batch_size=25) for _ in range(3)]
    for _ in range(3):  # racing rounds until all is out
        threads = [eventlet.spawn(relay.publish_pending) for relay in relays]
        for thread in threads:
            thread.wait()
    assert len(publisher.sent) == 120
    assert len(set(publisher.sent)) == 120
    assert relays[0].checkpoint() == store.head_position()
    engine.dispose()


# -- the turn is fenced; nothing waits on the broker for ever -----------------------------------

class Hooked:
    """A publisher that records what it was given and runs `hook` before its first message."""

    def __init__(self, hook=None):
        self.sent, self.hook = [], hook

    def publish(self, message, routing_key, correlation_id):
        if self.hook is not None:
            hook, self.hook = self.hook, None
            hook()
        self.sent.append(message["position"])


def set_checkpoint(engine, position):
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = :p WHERE name = 'relay'"),
                           {"p": position})


def test_a_relay_that_lost_its_turn_cannot_move_the_checkpoint_back(migrated_engine):
    store = EventStore(migrated_engine)
    append_many(store, 4)
    first = Hooked()
    relay = OutboxRelay("tickets", store, first, batch_size=4)
    assert relay.publish_pending() == 4
    assert relay.checkpoint() == 4
    append_many_more(store, 8)
    lost = metrics.RELAY_TURNS_LOST.labels("tickets")._value.get()
    # While this relay publishes positions 5..8, another one takes over and publishes
    # everything (its checkpoint write is what the hook does).
    relay.publisher = Hooked(lambda: set_checkpoint(migrated_engine, store.head_position()))
    assert relay.publish_pending() == 4
    assert relay.publisher.sent == [5, 6, 7, 8]  # one batch, then it stopped
    assert relay.checkpoint() == store.head_position() == 12  # not moved back to 8
    assert metrics.RELAY_TURNS_LOST.labels("tickets")._value.get() == lost + 1


def append_many_more(store, count, stream="t-2"):
    append_many(store, count, stream)


def lock_holders(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.objid = :k AND l.granted"
            " AND a.datname = current_database()"),
            {"k": RELAY_LOCK}).all()


def test_a_relay_whose_lock_connection_dies_stops_publishing(make_pg_url):
    url = make_pg_url()
    engine, observer = make_engine(url), make_engine(url)
    migrate(engine)
    store = EventStore(engine)
    append_many(store, 12)

    def terminate_the_lock_connection():
        [(pid, _)] = lock_holders(observer)
        with observer.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    cut_off = Hooked(terminate_the_lock_connection)
    relay = OutboxRelay("tickets", store, cut_off, batch_size=4)
    assert relay.publish_pending() == 4
    assert cut_off.sent == [1, 2, 3, 4]  # the batch under way, then no more
    assert relay.checkpoint() == 0  # its write failed with its session: fenced
    assert lock_holders(observer) == []

    successor = Hooked()
    assert OutboxRelay("tickets", store, successor, batch_size=4).publish_pending() == 12
    assert successor.sent == list(range(1, 13))
    assert relay.checkpoint() == 12
    engine.dispose()
    observer.dispose()


def test_no_transaction_is_open_while_publishing(make_pg_url):
    url = make_pg_url()
    engine, observer = make_engine(url), make_engine(url)
    migrate(engine)
    store = EventStore(engine)
    append_many(store, 6)
    seen = []

    class Watching:
        def publish(self, message, routing_key, correlation_id):
            with observer.connect() as connection:
                seen.append(connection.execute(sa.text(
                    "SELECT a.state, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid"
                    " AND l.locktype = 'advisory' AND l.objid = :k AND l.granted)"
                    " FROM pg_stat_activity a WHERE a.datname = current_database()"
                    " AND a.pid <> pg_backend_pid()"), {"k": RELAY_LOCK}).all())

    assert OutboxRelay("tickets", store, Watching(), batch_size=4).publish_pending() == 6
    assert len(seen) == 6
    for backends in seen:
        assert [state for state, holds in backends if holds] == ["idle"]
        assert "idle in transaction" not in [state for state, _ in backends]
    engine.dispose()
    observer.dispose()


def test_a_confirm_that_never_comes_times_out(make_sqlite_url, broker_proxy, tap):
    engine = make_engine(make_sqlite_url())
    migrate(engine)
    store = EventStore(engine)
    append_many(store, 1)
    publisher = AmqpPublisher("tickets", broker_proxy.amqp_uri, confirm_timeout=1)
    relay = OutboxRelay("tickets", store, publisher)
    tap()
    assert relay.publish_pending() == 1
    timeouts = metrics.RELAY_CONFIRM_TIMEOUTS.labels("tickets")._value.get()

    broker_proxy.freeze()  # the broker stops answering; the connection stays open
    append_many(store, 2, stream="t-2")
    # Bounded only so that a regression fails instead of hanging the run.
    with eventlet.Timeout(60, AssertionError("the relay waited for ever on a confirm")):
        with pytest.raises(PublishTimedOut):
            relay.publish_pending()
    assert relay.checkpoint() == 1
    assert metrics.RELAY_CONFIRM_TIMEOUTS.labels("tickets")._value.get() == timeouts + 1

    broker_proxy.restore()
    assert relay.publish_pending() == 2
    assert relay.checkpoint() == store.head_position() == 3
    assert {m.payload["position"] for m in tap()} >= {1, 2, 3}
    publisher.close()
    engine.dispose()


def test_keepalive_keeps_an_idle_publisher_connection(migrated_engine, amqp_uri):
    store = EventStore(migrated_engine)
    append_many(store, 1)
    publisher = AmqpPublisher("tickets", amqp_uri, heartbeat=1)
    relay = OutboxRelay("tickets", store, publisher)
    assert relay.publish_pending() == 1
    connection = publisher._connection
    # Idle for well over two heartbeats, as a relay between commits; the broker would close a
    # connection that sent nothing meanwhile.
    for _ in range(20):
        eventlet.sleep(0.25)
        publisher.keepalive()
    append_many(store, 1, stream="t-2")
    assert relay.publish_pending() == 1
    assert publisher._connection is connection
    publisher.close()
