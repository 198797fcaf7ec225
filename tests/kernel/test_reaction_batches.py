"""Batches on the real broker: a consumer takes delivered messages in together and acknowledges
each only once the transaction that took it in has committed. A consumer that dies before the
commit loses nothing (the broker delivers the batch again, to the next consumer, which acts on
each message once); one that stops takes in what it holds before it goes."""
import threading
import time

import pytest

from followers import noted, noting, relay_message
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions

SOURCE_QUEUE = "reactions-tickets--batcher.trace"


class Gate:
    """Holds the reaction to event `held` until opened: a transaction caught before its commit."""

    def __init__(self):
        self.held = None
        self.entered = threading.Event()
        self.opened = threading.Event()


GATE = Gate()


def held_at_the_gate(event):
    if event.payload["n"] == GATE.held:
        GATE.entered.set()
        GATE.opened.wait()


class BatcherService(EventSourcedService):
    name = "batcher"
    store = EventSourcing()
    reactions = Reactions("trace", {"tickets": {
        "ProgressNoted": noting("system:batcher", before=held_at_the_gate)}})


@pytest.fixture
def gate():
    global GATE
    GATE = Gate()
    yield GATE
    GATE.opened.set()


def source_queue_of(container):
    [reactions] = [d for d in container.dependencies if isinstance(d, Reactions)]
    [queue] = reactions._queues
    return queue


def test_a_batch_is_acknowledged_after_its_commit_and_delivered_again_if_the_consumer_dies(
        db_url, container_factory, service_config, broker, gate, wait_until):
    # A long linger, so that the five messages surely make one batch.
    config = service_config(db_url, REACTION_BATCH_LINGER=1.0)
    gate.held = 3
    first = container_factory(BatcherService, config)
    first.start()
    for n in range(1, 6):
        broker.publish(relay_message(n))
    wait_until(gate.entered.is_set)
    # Every message delivered, the batch's transaction caught before its commit (1 and 2 acted
    # on inside it): nothing committed, and nothing acknowledged.
    assert broker.ready(SOURCE_QUEUE) == 0
    assert noted(first) == []

    first.kill()  # dies before the commit
    wait_until(lambda: broker.ready(SOURCE_QUEUE) == 5)  # the broker has them all back
    assert noted(first) == []

    gate.held = None
    gate.opened.set()
    second = container_factory(BatcherService, config)
    second.start()
    wait_until(lambda: noted(second) == [1, 2, 3, 4, 5])
    wait_until(lambda: broker.ready(SOURCE_QUEUE) == 0)
    second.stop()
    assert broker.ready(SOURCE_QUEUE) == 0  # acknowledged: not delivered a third time
    assert noted(second) == [1, 2, 3, 4, 5]


def test_a_stopping_consumer_takes_in_and_acknowledges_what_it_holds(
        db_url, container_factory, service_config, broker, wait_until):
    # A linger far longer than the test: only the stop can make this batch go.
    config = service_config(db_url, REACTION_BATCH_LINGER=60)
    follower = container_factory(BatcherService, config)
    follower.start()
    for n in range(1, 4):
        broker.publish(relay_message(n))
    queue = source_queue_of(follower)
    wait_until(lambda: len(queue._buffer) == 3)
    assert noted(follower) == []
    follower.stop()
    assert noted(follower) == [1, 2, 3]
    assert broker.ready(SOURCE_QUEUE) == 0

    again = container_factory(BatcherService, config)
    again.start()
    time.sleep(0.5)
    assert len(source_queue_of(again)._buffer) == 0  # nothing delivered again
    again.stop()
    assert noted(again) == [1, 2, 3]
