"""Poison on the real broker: messages a consumer cannot take (malformed JSON, a content type it
does not accept, JSON that is not a relay message, an envelope that breaks the schema, a source it
does not follow) go to the consumer's dead-letter queue with a log line and a metric by reason,
and the good message behind them is handled; an operator lists them with their reasons and
replays them, and they dead-letter again without blocking anything."""
import json

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from followers import noted, noting, relay_message
from kernel import metrics
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from kernel.errors import Refused

OFFICE = {"sub": "clerk-li", "role": "office"}
SOURCE_QUEUE = "reactions-tickets--follower.trace"
DEAD_LETTERS = "dlq--follower.trace"


class FollowerService(EventSourcedService):
    name = "follower"
    store = EventSourcing()
    reactions = Reactions("trace", {"tickets": {"ProgressNoted": noting("system:follower")}})


def without(message: dict, field: str) -> dict:
    broken = json.loads(json.dumps(message))
    del broken["event"][field]
    return broken


# (body, content type, the reason it is dead-lettered for)
POISON = [
    (b'{"service": "tickets", "position": 1, "event": {', "application/json", "malformed_json"),
    (b"\x80\x04K\x01.", "application/x-python-serialize", "unsupported_content"),
    (json.dumps({"hello": "world"}).encode(), "application/json", "not_a_relay_message"),
    (json.dumps(without(relay_message(1), "stream_id")).encode(), "application/json",
     "bad_envelope"),
    (json.dumps({**relay_message(1), "position": "1"}).encode(), "application/json",
     "bad_envelope"),
    (json.dumps(relay_message(1, service="liaison")).encode(), "application/json",
     "source_not_followed"),
]
REASONS = sorted(reason for _, _, reason in POISON)


def dead_lettered(reason: str) -> float:
    return metrics.DEAD_LETTERED.labels("follower", "trace", reason)._value.get()


def test_poison_is_dead_lettered_and_the_next_good_message_is_handled(
        db_url, container_factory, service_config, broker, wait_until):
    config = service_config(db_url)
    follower = container_factory(FollowerService, config)
    follower.start()
    before = {reason: dead_lettered(reason) for reason in set(REASONS)}

    for body, content_type, _ in POISON:
        broker.publish_raw(body, content_type)
    broker.publish(relay_message(1))

    wait_until(lambda: noted(follower) == [1])
    wait_until(lambda: broker.ready(DEAD_LETTERS) == len(POISON))
    assert broker.ready(SOURCE_QUEUE) == 0
    for reason in set(REASONS):
        assert dead_lettered(reason) - before[reason] == REASONS.count(reason)

    with ClusterRpcProxy(config) as cluster:
        listed = cluster.follower.dead_letters(assertion(OFFICE), 50)
        assert listed["count"] == len(POISON)
        [trace] = listed["consumers"]
        assert trace["queue"] == DEAD_LETTERS and trace["consumer"] == "trace"
        assert sorted(m["reason"] for m in trace["messages"]) == REASONS
        assert {m["queue"] for m in trace["messages"]} == {SOURCE_QUEUE}
        assert all(m["replays"] == 0 and m["detail"] for m in trace["messages"])
        # Peeking leaves them where they are.
        assert broker.ready(DEAD_LETTERS) == len(POISON)

        # Replayed to the consumer's queue, they are still poison: dead-lettered again, and
        # the good message after them is handled all the same.
        assert cluster.follower.replay_dead_letters(assertion(OFFICE), 100) == {
            "replayed": len(POISON), "consumers": {"trace": len(POISON)}}
        broker.publish(relay_message(2))
        wait_until(lambda: noted(follower) == [1, 2])
        wait_until(lambda: broker.ready(DEAD_LETTERS) == len(POISON))
        for reason in set(REASONS):
            assert dead_lettered(reason) - before[reason] == 2 * REASONS.count(reason)
        again = cluster.follower.dead_letters(assertion(OFFICE), 50)["consumers"][0]
        assert sorted(m["reason"] for m in again["messages"]) == REASONS
        assert {m["replays"] for m in again["messages"]} == {1}


def test_only_operators_handle_dead_letters(make_sqlite_url, container_factory, service_config):
    config = service_config(make_sqlite_url())
    container_factory(FollowerService, config).start()
    enterprise = {"sub": "e", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
    with ClusterRpcProxy(config) as cluster:
        assert cluster.follower.dead_letters(assertion({"sub": "s", "role": "supervisor"})) == {
            "count": 0, "consumers": [
                {"consumer": "trace", "queue": DEAD_LETTERS, "count": 0, "messages": []}]}
        for call in (cluster.follower.dead_letters, cluster.follower.replay_dead_letters):
            with pytest.raises(Refused) as refused:
                call(assertion(enterprise))
            assert refused.value.rule == "role_not_allowed" and refused.value.kind == "forbidden"
        with pytest.raises(Refused) as refused:
            cluster.follower.replay_dead_letters(assertion(OFFICE), 0)
        assert refused.value.kind == "invalid" and refused.value.field == "limit"
