"""Figure 4, audit ingestion: events per second from RabbitMQ into the chained ledger, sustained
over N events, beside a bare kombu consume-and-ack loop on the same broker.

The real path, on the run's own vhost and fresh databases: a tickets service whose log already
holds N events (appended through the kernel's store before it starts, ten to a stream) relays
them all to RabbitMQ as it does any commit, into the audit's queue (declared by starting the
audit once, and stopping it). Then the audit (`huiqi serve audit`) starts and takes the N
messages into its ledger, filling whatever it sees out of order from the source's
`events_after`. The rate is read from the ledger itself: entries 1 to N over the time between
their `recorded_at`. Like the peer's, the queue is full when consuming starts, so the figure is
the consumer's and not the relay's. The peer drains N messages of the same shape from a queue of
its own, acking each, with the prefetch the audit's consumer gets.

`HUIQI_BENCH_INGEST_EVENTS` sets N for a shorter run while working on it.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

from kombu import Connection, Exchange, Producer, Queue
import sqlalchemy as sa

from bench.infra import Borrowed
from bench.services import Children, free_port
from bench.table import Row
from kernel import settings
from kernel.aggregate import Fact
from kernel.database import make_engine, migrate, reading
from kernel.dead_letters import source_queue
from kernel.envelope import Event, format_time, new_event_id, parse_time, utc_now
from kernel.relay import message_for
from kernel.store import EventStore

SOURCE = "tickets"
PER_STREAM = 10
# The prefetch of the audit's consumer (`kernel.dependencies._ReactionsQueueConsumer`): two
# batches, or nameko's worker count if that is more.
PREFETCH = max(20, 2 * settings.reaction_batch_size())


def messages(count: int):
    previous = 0
    for position in range(1, count + 1):
        event = Event(
            event_id=new_event_id(), stream_id=str(uuid.uuid4()), stream_type="ticket",
            version=1, type="TicketRaised", occurred_at=format_time(utc_now()),
            actor="enterprise:91360702MA35G0QX4J:bench", correlation_id=uuid.uuid4().hex,
            causation_id="", payload={"title": f"留抵退税未到账{position}", "county": "zhanggong",
                                      "category": "tax_and_fees", "channel": "direct_line",
                                      "description": "三月申报，至今未到账"})
        yield message_for(SOURCE, position, previous, event)
        previous = position


def seed_log(database_url: str, count: int) -> None:
    """N events in the source's log, through the kernel's store (a thousand to a transaction)."""
    engine = make_engine(database_url)
    try:
        migrate(engine)
        store = EventStore(engine)
        payload = {"text": "企业反映：三月申报留抵退税，至今未到账", "county": "zhanggong"}
        left = count
        while left:
            with store.unit_of_work() as uow:
                for _ in range(min(100, -(-left // PER_STREAM))):
                    n = min(PER_STREAM, left)
                    facts = [Fact("BenchNoted", payload, utc_now(), "bench:seed")] * n
                    uow.append(str(uuid.uuid4()), "bench_note", 0, facts)
                    left -= n
    finally:
        engine.dispose()


def publish(amqp_uri: str, exchange: Exchange, count: int) -> None:
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=exchange)
        for message in messages(count):
            producer.publish(message, routing_key=message["event"]["type"], serializer="json",
                             delivery_mode=2, headers={
                                 "nameko.correlation_id": message["event"]["correlation_id"]})


def ledger_rate(database_url: str, count: int, timeout: float) -> float:
    engine = make_engine(database_url)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with reading(engine) as connection:
                head = connection.execute(sa.text("SELECT max(seq) FROM ledger")).scalar() or 0
            if head >= count:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the ledger took in {head} of {count} events in {timeout:.0f}s")
            time.sleep(0.5)
        with reading(engine) as connection:
            first, last = (parse_time(connection.execute(
                sa.text("SELECT recorded_at FROM ledger WHERE seq = :s"), {"s": seq}).scalar_one())
                for seq in (1, count))
        return (count - 1) / max((last - first).total_seconds(), 1e-6)
    finally:
        engine.dispose()


def kombu_rate(amqp_uri: str, count: int) -> float:
    exchange = Exchange("bench-peer.events", type="topic", durable=True)
    queue = Queue("bench-peer-consume-and-ack", exchange, routing_key="#", durable=True)
    with Connection(amqp_uri) as connection:
        queue(connection.channel()).declare()
    publish(amqp_uri, exchange, count)
    taken = []

    def on_message(_body, message):
        message.ack()
        taken.append(1)

    with Connection(amqp_uri) as connection:
        with connection.Consumer(queue, callbacks=[on_message], prefetch_count=PREFETCH):
            started = time.perf_counter()
            while len(taken) < count:
                connection.drain_events(timeout=30)
            return count / (time.perf_counter() - started)


def stop(children: Children, name: str, timeout: float = 20) -> None:
    process = children.processes[name]
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def queue_depth(amqp_uri: str, queue: Queue) -> int:
    with Connection(amqp_uri) as connection:
        return queue(connection.channel()).queue_declare(passive=True).message_count


def relayed(amqp_uri: str, count: int, children: Children, timeout: float) -> None:
    """Wait until the audit's queue of the source holds all N messages."""
    queue = source_queue("audit", "ledger", SOURCE, Exchange(f"{SOURCE}.events", type="topic"))
    deadline = time.monotonic() + timeout
    while (depth := queue_depth(amqp_uri, queue)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the relay published {depth} of {count} events in "
                               f"{timeout:.0f}s\ntickets' log:\n{children.tail('tickets')}")
        time.sleep(0.5)


def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    # `HUIQI_BENCH_INGEST_EVENTS` runs the figure shorter while working on it; the table's
    # figure is the harness's count.
    count = int(os.environ.get("HUIQI_BENCH_INGEST_EVENTS") or counts["ingest_events"])
    rows = []
    amqp_uri = borrowed.vhost()
    peer = kombu_rate(amqp_uri, count)
    for label in ("PostgreSQL", "SQLite"):
        audit_url, source_url = ((borrowed.pg(), borrowed.pg()) if label == "PostgreSQL" else
                                 (borrowed.sqlite("audit"), borrowed.sqlite("tickets")))
        seed_log(source_url, count)
        ports = {"audit": free_port(), "tickets": free_port()}
        env = {"AMQP_URI": amqp_uri, "AUDIT_DATABASE_URL": audit_url,
               "TICKETS_DATABASE_URL": source_url,
               "AUDIT_PORT": str(ports["audit"]), "TICKETS_PORT": str(ports["tickets"]),
               # Only the tickets service runs: the audit's periodic sweep of every source
               # would wait on the others; gaps are filled from tickets when they are seen.
               "HUIQI_CATCHUP_INTERVAL": "3600"}
        health = {"audit": f"http://127.0.0.1:{ports['audit']}/healthz"}
        with Children(env, borrowed.directory("ingest")) as children:
            # The audit once, so that its queues exist before the relay publishes; then the
            # relay fills them while the audit is away.
            children.serve("audit")
            children.wait_healthy(health)
            stop(children, "audit")
            children.serve("tickets")
            relayed(amqp_uri, count, children, timeout=60 + count / 50)
            children.serve("audit")
            try:
                ours = ledger_rate(audit_url, count, timeout=60 + count / 20)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\naudit's log:\n{children.tail('audit')}") from exc
        rows.append(Row("4 audit ingestion, RabbitMQ → chained ledger",
                        f"{label}, {count:,} events", ours, "events/s",
                        "bare kombu consume-and-ack", peer, target="40% of the bare loop"))
        if label == "PostgreSQL":
            borrowed.drop_pg(audit_url)
            borrowed.drop_pg(source_url)
    return rows
