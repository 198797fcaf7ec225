"""Dead-letter queues of the reactions' consumers: what a consumer could not take, kept where an
operator sees it and can send it back.

Each queue a `kernel.dependencies.Reactions` dependency consumes is declared with the dead-letter
exchange `huiqi.dead-letters` and a routing key naming its consumer, so a message the consumer
rejects lands in `dlq--<service>.<consumer>`: one queue per consumer, whichever source the message
came from, with RabbitMQ's `x-death` header naming the queue it was rejected from.
`DeadLetterQueue` counts and lists them (peeking: they stay) and replays them, unchanged, to the
queue each came from.

Why a message was rejected is not stored with it (RabbitMQ moves it as it is): it is a function
of the message and of the consumer, so a listing reads it again (`describe`) and names the same
reason the rejection logged and counted.
"""
from __future__ import annotations

from typing import Callable

from kombu import Connection, Exchange, Producer, Queue
from kombu.exceptions import ContentDisallowed

from kernel.reactions import MALFORMED_JSON, UNSUPPORTED_CONTENT

DEAD_LETTER_EXCHANGE = Exchange("huiqi.dead-letters", type="direct", durable=True)
# How many times an operator sent a message back (its `x-death` history is the broker's own).
REPLAYS_HEADER = "huiqi.replays"
EXCERPT = 500


def consumer_key(service: str, consumer: str) -> str:
    return f"{service}.{consumer}"


def dead_letter_queue(service: str, consumer: str) -> Queue:
    key = consumer_key(service, consumer)
    return Queue(f"dlq--{key}", exchange=DEAD_LETTER_EXCHANGE, routing_key=key, durable=True,
                 auto_delete=False)


def source_queue(service: str, consumer: str, source: str, exchange: Exchange) -> Queue:
    """The consumer's durable queue of one source, every event type, dead-lettering to its DLQ.

    Named anew (the `evt-<source>-all--…` queues of earlier versions had no dead-letter
    arguments, and RabbitMQ refuses to redeclare a queue with other arguments).
    """
    key = consumer_key(service, consumer)
    return Queue(f"reactions-{source}--{key}", exchange=exchange, routing_key="#", durable=True,
                 auto_delete=False,
                 queue_arguments={"x-dead-letter-exchange": DEAD_LETTER_EXCHANGE.name,
                                  "x-dead-letter-routing-key": key})


def undecodable_reason(error: Exception) -> str:
    """Why kombu could not decode a body: a content type consumers do not accept, or a body
    that is not what its content type says (malformed JSON)."""
    return UNSUPPORTED_CONTENT if isinstance(error, ContentDisallowed) else MALFORMED_JSON


def origin(message) -> str | None:
    """The queue a dead-lettered message was rejected from (its latest `x-death` entry)."""
    deaths = (message.headers or {}).get("x-death") or []
    return deaths[0].get("queue") if deaths and isinstance(deaths[0], dict) else None


# describe(message, source_queue_name) -> (reason, detail)
Describe = Callable[[object, "str | None"], "tuple[str, str]"]


class DeadLetterQueue:
    """One consumer's dead-letter queue, on a connection of its own per call."""

    def __init__(self, amqp_uri: str, service: str, consumer: str, describe: Describe, *,
                 accept: list[str] | None = None, timeout: float = 5.0):
        self.amqp_uri = amqp_uri
        self.consumer = consumer
        self.queue = dead_letter_queue(service, consumer)
        self.describe = describe
        self.accept = accept or ["json"]
        self.timeout = timeout

    def _connect(self) -> Connection:
        return Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                          connect_timeout=self.timeout)

    def peek(self, limit: int) -> dict:
        """How many messages wait, and the first `limit` with their reasons; all stay queued."""
        with self._connect() as connection:
            channel = connection.channel()
            queue = self.queue(channel)
            queue.declare()  # its exchange and binding too, should no consumer have run yet
            count = queue.queue_declare(passive=True).message_count
            taken, items = [], []
            try:
                for _ in range(limit):
                    message = queue.get(no_ack=False, accept=self.accept)
                    if message is None:
                        break
                    taken.append(message)
                    items.append(self._item(message))
            finally:
                for message in taken:  # back where they were, in order
                    message.requeue()
        return {"consumer": self.consumer, "queue": self.queue.name, "count": count,
                "messages": items}

    def _item(self, message) -> dict:
        came_from = origin(message)
        reason, detail = self.describe(message, came_from)
        deaths = (message.headers or {}).get("x-death") or [{}]
        died_at = deaths[0].get("time")
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode()
        return {"reason": reason, "detail": detail, "queue": came_from,
                "routing_key": (deaths[0].get("routing-keys") or [None])[0],
                "dead_lettered_at": died_at.isoformat() if hasattr(died_at, "isoformat")
                else died_at,
                "times_dead_lettered": deaths[0].get("count"),
                "replays": (message.headers or {}).get(REPLAYS_HEADER, 0),
                "content_type": message.content_type,
                "body": body[:EXCERPT].decode("utf-8", errors="replace")}

    def replay(self, limit: int) -> int:
        """Move up to `limit` messages back to the queue each came from, unchanged; return how
        many moved. Each is acknowledged here only once the broker confirmed its copy."""
        replayed, unplaceable = 0, []
        with self._connect() as connection:
            channel = connection.channel()
            queue = self.queue(channel)
            queue.declare()
            # Only what waits now: a replayed message that is rejected again joins the tail of
            # this same queue, and must not come round a second time in one replay.
            waiting = queue.queue_declare(passive=True).message_count
            producer = Producer(channel)
            try:
                for _ in range(min(limit, waiting)):
                    message = queue.get(no_ack=False, accept=self.accept)
                    if message is None:
                        break
                    target = origin(message)
                    if target is None:  # not rejected by a consumer: nowhere to send it back
                        unplaceable.append(message)
                        continue
                    headers = {name: value for name, value in (message.headers or {}).items()
                               if not name.startswith("x-")}
                    headers[REPLAYS_HEADER] = int(headers.get(REPLAYS_HEADER, 0)) + 1
                    producer.publish(
                        message.body, exchange="", routing_key=target,
                        content_type=message.content_type or "application/data",
                        content_encoding=message.content_encoding or "binary",
                        headers=headers, delivery_mode=2, retry=False,
                        timeout=self.timeout, confirm_timeout=self.timeout)
                    message.ack()
                    replayed += 1
            finally:
                for message in unplaceable:
                    message.requeue()
        return replayed
