"""The outbox relay against the real RabbitMQ: what is committed is published, persistently and in
order, and a broker that is away loses nothing."""
import datetime as dt

import eventlet
import pytest
from kombu import Connection, Exchange, Queue

from kernel.aggregate import Fact
from kernel.database import make_engine, migrate
from kernel.relay import AmqpPublisher, OutboxRelay
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
