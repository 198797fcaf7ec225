"""What the kernel's tests of a consumer on the real broker share: a test service following the
tickets' log (its reaction notes each event's number), the relay's messages it is sent, and the
tickets' event exchange to send them on.

- `noting(actor, before=None)`: the reaction, appending each event's `n` to the stream "noted"
  of the follower's own store; `before(event)`, if given, runs first, inside the transaction.
- `noted(container)`: the numbers the follower has noted, in order.
- `relay_message(n, service="tickets")`: the relay's message for a `ProgressNoted` of ticket t-1
  at position n, the n-th event of its log.
- `broker` (a fixture, registered by `conftest.py`): `publish(message)` as the relay would,
  `publish_raw(body, content_type)` for what no relay sends, and `ready(queue)`.
"""
import pytest
from kombu import Connection, Producer, Queue
from nameko.standalone.events import get_event_exchange

from kernel.aggregate import Fact
from kernel.dependencies import EventSourcing
from kernel.envelope import Event
from kernel.relay import message_for


def noting(actor: str, before=None):
    def note(uow, event):
        if before is not None:
            before(event)
        version = len(uow.read_stream("noted"))
        uow.append("noted", "trace", version,
                   [Fact("Noted", {"n": event.payload["n"]}, event.occurred, actor)])
    return note


def noted(container) -> list[int]:
    store = next(d for d in container.dependencies if isinstance(d, EventSourcing)).store
    return [e.payload["n"] for e in store.read_stream("noted")]


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-4000-8000-{n:012d}", stream_id="t-1",
                 stream_type="ticket", version=n, type="ProgressNoted",
                 occurred_at="2026-06-01T00:00:00.000000Z", actor="office:x",
                 correlation_id=f"corr-{n}", causation_id="call", payload={"n": n})


def relay_message(n: int, service: str = "tickets") -> dict:
    return message_for(service, n, n - 1, event(n))


@pytest.fixture
def broker(amqp_uri):
    connection = Connection(amqp_uri)
    channel = connection.channel()
    exchange = get_event_exchange("tickets", {})
    exchange(channel).declare()
    producer = Producer(channel, exchange=exchange)

    class Broker:
        def publish(self, message: dict):
            producer.publish(message, routing_key=message["event"]["type"], serializer="json")

        def publish_raw(self, body: bytes, content_type: str, routing_key="ProgressNoted"):
            producer.publish(body, routing_key=routing_key, content_type=content_type,
                             content_encoding="utf-8" if "json" in content_type else "binary")

        def ready(self, name: str) -> int:
            """Messages in the queue not delivered to any consumer (unacknowledged ones are
            not counted)."""
            return Queue(name, channel=channel).queue_declare(passive=True).message_count

    yield Broker()
    connection.release()
