"""Reacting to another service's log, on both stores: a duplicate acts once, a gap is filled from
the source, a failing reaction is retried with backoff and then parked where an operator can
retry it, and a reaction's events carry the causing event's ids."""
import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.aggregate import Fact
from kernel.database import make_engine, migrate
from kernel.reactions import ALL, PoisonMessage, ReactionNotFound, Reactor
from kernel.relay import message_for
from kernel.store import EventStore

AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


class Clock:
    def __init__(self):
        self.now = AT

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


class Source:
    """Another service's log, and what its `events_after` RPC answers."""

    def __init__(self, url: str, types):
        engine = make_engine(url)
        migrate(engine)
        self.store = EventStore(engine)
        for i, event_type in enumerate(types):
            self.store.append(f"s-{i}", "ticket", 0, [Fact(event_type, {"n": i}, AT, "office:x")],
                              correlation_id=f"corr-{i}", causation_id="call")
        self.messages = self.events_after(0, 1000)
        self.fetches = []

    def events_after(self, after: int, limit: int) -> list[dict]:
        out, previous = [], after
        for position, event in self.store.read_all(after=after, limit=limit):
            out.append(message_for("tickets", position, previous, event))
            previous = position
        return out

    def fetch(self, source: str, after: int, limit: int) -> list[dict]:
        assert source == "tickets"
        self.fetches.append(after)
        return self.events_after(after, limit)


def acted_on(uow, event):
    """A reaction that records what it acted on in the consumer's own store."""
    version = len(uow.read_stream("acted"))
    uow.append("acted", "trace", version, [Fact("Acted", {"n": event.payload["n"]}, AT, "system:t")])


def acted(store: EventStore) -> list[int]:
    return [e.payload["n"] for e in store.read_stream("acted")]


@pytest.fixture
def consumer(migrated_engine):
    return EventStore(migrated_engine)


def reactor(consumer, source, reaction=acted_on, types=ALL, **options):
    subscriptions = {"tickets": {t: reaction for t in ([types] if types == ALL else types)}}
    return Reactor("test", consumer, subscriptions, source.fetch, **options)


def failures(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT event_id, attempts, parked FROM reaction_failures")).all()


def test_duplicates_act_once_and_a_gap_is_filled_from_the_source(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 6)
    messages, follower = source.messages, reactor(consumer, source)
    assert follower.receive(messages[0]) == "acted"
    assert follower.receive(messages[0]) == "duplicate"
    assert follower.receive(messages[1]) == "acted"
    assert source.fetches == []
    # messages[2] and [3] are lost on the way; [4] arrives and reveals the gap.
    assert follower.receive(messages[4]) == "gap"
    assert source.fetches == [messages[1]["position"]]
    assert acted(consumer) == [0, 1, 2, 3, 4, 5]
    assert follower.receive(messages[3]) == "duplicate"
    assert follower.receive(messages[5]) == "duplicate"
    assert follower.checkpoint("tickets") == messages[5]["position"]
    assert follower.catch_up("tickets") == 0
    assert acted(consumer) == [0, 1, 2, 3, 4, 5]


def test_redelivery_after_checkpoint_loss_acts_once(consumer, migrated_engine, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 3)
    follower = reactor(consumer, source)
    for message in source.messages:
        follower.receive(message)
    with migrated_engine.begin() as connection:  # as if the checkpoint had not been written
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    assert [follower.receive(m) for m in source.messages] == ["duplicate"] * 3
    assert acted(consumer) == [0, 1, 2]


def test_types_not_subscribed_are_skipped_without_seeming_a_gap(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["TicketRaised", "PolicyWorkRequested", "TicketRaised",
                                        "PolicyWorkRequested"])
    follower = reactor(consumer, source, types=["PolicyWorkRequested"])
    outcomes = [follower.receive(m) for m in source.messages]
    assert outcomes == ["skipped", "acted", "skipped", "acted"]
    assert source.fetches == []
    assert acted(consumer) == [1, 3]


def test_reaction_runs_with_the_causing_events_ids(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["PolicyWorkRequested"])
    reactor(consumer, source).receive(source.messages[0])
    [cause] = source.store.read_all()
    [effect] = consumer.read_stream("acted")
    assert effect.correlation_id == cause[1].correlation_id == "corr-0"
    assert effect.causation_id == cause[1].event_id


def test_fails_twice_then_succeeds_acts_once(consumer, migrated_engine, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 3)
    calls = []

    def flaky(uow, event):
        calls.append(event.payload["n"])
        acted_on(uow, event)  # written, then rolled back with the failure
        if event.payload["n"] == 0 and calls.count(0) <= 2:
            raise RuntimeError("the unit's register is locked")

    clock = Clock()
    follower = reactor(consumer, source, flaky, backoff=10, clock=clock)
    m0, m1, m2 = source.messages
    assert follower.receive(m0) == "failed"
    assert acted(consumer) == []
    # Order matters within a source: the later events wait for the retry.
    assert follower.receive(m1) == "waiting"
    assert follower.catch_up("tickets") == 0  # not due yet
    clock.advance(10)
    assert follower.catch_up("tickets") == 0  # second try fails too
    assert failures(migrated_engine)[0][1:] == (2, False)
    clock.advance(15)
    assert follower.catch_up("tickets") == 0  # backoff doubled: 20 s
    clock.advance(5)
    assert follower.catch_up("tickets") == 3  # third try acts; m1 and m2 follow from the log
    assert acted(consumer) == [0, 1, 2]
    assert calls == [0, 0, 0, 1, 2]
    assert failures(migrated_engine) == []
    assert follower.receive(m2) == "duplicate"
    assert follower.parked() == []


def test_always_failing_is_parked_later_events_flow_and_retry_acts_once(
        consumer, migrated_engine, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 3)
    broken = {"n": 1}

    def fragile(uow, event):
        if event.payload["n"] == broken["n"]:
            raise ValueError(f"no unit for event {event.payload['n']}")
        acted_on(uow, event)

    clock = Clock()
    follower = reactor(consumer, source, fragile, max_attempts=3, backoff=1, clock=clock)
    m0, m1, m2 = source.messages
    assert follower.receive(m0) == "acted"
    assert follower.receive(m1) == "failed"
    for _ in range(2):
        clock.advance(60)
        follower.catch_up("tickets")
    # Parked after its third try; the checkpoint moved past it and m2 flowed.
    assert acted(consumer) == [0, 2]
    [parked] = follower.parked()
    assert parked["event_id"] == m1["event"]["event_id"]
    assert parked["attempts"] == 3 and parked["source"] == "tickets"
    assert "ValueError: no unit for event 1" in parked["last_error"]
    assert parked["correlation_id"] == "corr-1"
    assert follower.receive(m1) == "duplicate"
    assert follower.receive(m2) == "duplicate"

    # An operator retries while it still fails: still parked, one more attempt.
    assert follower.retry(parked["event_id"]) == "parked"
    assert follower.parked()[0]["attempts"] == 4
    # The cause is fixed: the retry acts, once, and the parked list is empty.
    broken["n"] = None
    assert follower.retry(parked["event_id"]) == "acted"
    assert acted(consumer) == [0, 2, 1]
    assert follower.parked() == [] and failures(migrated_engine) == []
    with pytest.raises(ReactionNotFound):
        follower.retry(parked["event_id"])
    assert follower.catch_up("tickets") == 0
    assert acted(consumer) == [0, 2, 1]


def test_a_parked_event_redelivered_after_checkpoint_loss_waits_for_its_operator(
        consumer, migrated_engine, make_sqlite_url):
    """The handled record, not the checkpoint, is what stops a retried event acting twice."""
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 2)
    fail = {"on": True}

    def fragile(uow, event):
        if fail["on"]:
            raise ValueError("down")
        acted_on(uow, event)

    follower = reactor(consumer, source, fragile, max_attempts=1)
    assert follower.receive(source.messages[0]) == "parked"
    fail["on"] = False
    assert follower.receive(source.messages[1]) == "acted"
    assert follower.retry(source.messages[0]["event"]["event_id"]) == "acted"
    with migrated_engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    assert follower.catch_up("tickets") == 0
    assert acted(consumer) == [1, 0]


def test_poison_is_refused_by_reason_and_unknown_types_are_skipped(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted", "SomethingNewlyInvented"])
    follower = reactor(consumer, source, types=["ProgressNoted"])
    good, unknown_type = source.messages
    broken = {**good, "event": {k: v for k, v in good["event"].items() if k != "stream_id"}}
    cases = [
        (["a", "list"], "not_a_relay_message"),
        ({"service": "tickets"}, "not_a_relay_message"),
        (broken, "bad_envelope"),
        ({**good, "position": "1"}, "bad_envelope"),
        ({**good, "event": {**good["event"], "payload": "text"}}, "bad_envelope"),
        ({**good, "previous_position": good["position"]}, "bad_envelope"),
        ({**good, "service": "liaison"}, "source_not_followed"),
    ]
    for message, reason in cases:
        with pytest.raises(PoisonMessage) as poison:
            follower.receive(message)
        assert poison.value.reason == reason
    with pytest.raises(PoisonMessage) as poison:
        follower.receive(good, arrived_from="liaison")  # on another source's queue
    assert poison.value.reason == "source_not_followed"
    assert follower.checkpoint("tickets") == 0  # poison moved nothing
    assert follower.receive(good) == "acted"
    assert follower.receive(unknown_type) == "skipped"
    assert follower.checkpoint("tickets") == unknown_type["position"]


# -- batches (`receive_many`) ------------------------------------------------------------------

class Commits:
    """Counts the transactions committed on an engine, and the statements that write a
    checkpoint (a first write may take two: an update that finds no row, then the insert)."""

    def __init__(self, engine):
        self.commits = 0
        self.checkpoint_writes = 0
        sa.event.listen(engine, "commit", self._commit)
        sa.event.listen(engine, "before_cursor_execute", self._statement)

    def _commit(self, connection):
        self.commits += 1

    def _statement(self, connection, cursor, statement, parameters, context, executemany):
        words = statement.split()
        if words[0] in ("UPDATE", "INSERT") and words[1 + (words[0] == "INSERT")] == "checkpoints":
            self.checkpoint_writes += 1


def handled_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM handled_events")).scalar_one()


def test_a_batch_is_taken_in_by_one_transaction(consumer, migrated_engine, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted", "TicketRaised"] * 5)
    follower = reactor(consumer, source, types=["ProgressNoted"])
    first, *rest = source.messages
    assert follower.receive(first) == "acted"  # the checkpoint's row exists from here on
    counted = Commits(migrated_engine)
    outcomes = follower.receive_many(rest)
    assert outcomes == ["skipped"] + ["acted", "skipped"] * 4
    assert counted.commits == 1 and counted.checkpoint_writes == 1
    assert acted(consumer) == [0, 2, 4, 6, 8]
    assert follower.checkpoint("tickets") == source.messages[-1]["position"]
    assert handled_count(migrated_engine) == 5
    # Each reaction carried its own cause, not the batch's first.
    effects = consumer.read_stream("acted")
    causes = {e.event_id: e for _, e in source.store.read_all()}
    assert [causes[e.causation_id].payload["n"] for e in effects] == [0, 2, 4, 6, 8]
    assert [e.correlation_id for e in effects] == [f"corr-{n}" for n in (0, 2, 4, 6, 8)]

    # Delivered again, with the checkpoint lost: duplicates all, by the handled events, in one
    # transaction that acts on nothing.
    with migrated_engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    before = counted.commits
    assert follower.receive_many(source.messages) == ["duplicate", "skipped"] * 5
    assert counted.commits == before + 1
    assert acted(consumer) == [0, 2, 4, 6, 8]


def test_duplicates_gaps_and_poison_inside_a_batch(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 6)
    m = source.messages
    follower = reactor(consumer, source)
    assert follower.receive(m[0]) == "acted"
    poison = {**m[1], "service": "liaison"}
    # m[0] again (behind the checkpoint), m[1] twice, poison, then m[3]: m[2] was lost, so m[3]
    # reveals a gap that ends the batch for its source; the catch-up after the commit takes in
    # m[2] to m[5], and the batch's later messages are then duplicates.
    outcomes = follower.receive_many([m[0], m[1], m[1], poison, m[3], m[4], m[2]])
    assert outcomes[:3] == ["duplicate", "acted", "duplicate"]
    assert isinstance(outcomes[3], PoisonMessage)
    assert outcomes[3].reason == "source_not_followed"
    assert outcomes[4:] == ["gap", "duplicate", "duplicate"]
    assert source.fetches == [m[1]["position"]]
    assert acted(consumer) == [0, 1, 2, 3, 4, 5]
    assert follower.checkpoint("tickets") == m[5]["position"]
    assert follower.receive_many([m[5]]) == ["duplicate"]


def test_a_gap_the_source_cannot_fill_now_is_left_for_the_sweep(consumer, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 4)
    m = source.messages
    follower = reactor(consumer, source)

    def away(source_name, after, limit):
        raise ConnectionError("tickets is away")

    follower.fetch = away
    assert follower.receive_many([m[0], m[2], m[3]]) == ["acted", "gap", "gap"]
    assert acted(consumer) == [0]
    follower.fetch = source.fetch
    assert follower.sweep() == {"tickets": 3}
    assert acted(consumer) == [0, 1, 2, 3]


def test_a_failing_reaction_in_a_batch_is_isolated_retried_and_parked(
        consumer, migrated_engine, make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 5)
    calls = []
    broken = {"n": 2}

    def fragile(uow, event):
        calls.append(event.payload["n"])
        acted_on(uow, event)
        if event.payload["n"] == broken["n"]:
            raise ValueError(f"no unit for event {event.payload['n']}")

    clock = Clock()
    follower = reactor(consumer, source, fragile, max_attempts=2, backoff=1, clock=clock)
    counted = Commits(migrated_engine)
    outcomes = follower.receive_many(source.messages)
    # The batch was rolled back and its messages taken in one at a time: those before the
    # failure acted once, the failure was recorded, and the later ones wait behind it.
    assert outcomes == ["acted", "acted", "failed", "waiting", "waiting"]
    assert acted(consumer) == [0, 1]
    assert calls == [0, 1, 2, 0, 1, 2]
    assert counted.commits == 3  # 0 and 1 alone, and the failure's record
    assert [(attempts, parked) for _, attempts, parked in failures(migrated_engine)] == [
        (1, False)]
    clock.advance(60)
    # Its last try parks it; the checkpoint moves past it and the rest flow from the log.
    assert follower.catch_up("tickets") == 3  # parked, 3 and 4
    assert acted(consumer) == [0, 1, 3, 4]
    [parked] = follower.parked()
    assert parked["event_id"] == source.messages[2]["event"]["event_id"]
    assert parked["attempts"] == 2
    # Delivered again in a batch: the parked one waits for its operator; nothing acts twice.
    assert follower.receive_many(source.messages) == ["duplicate"] * 5
    assert len(follower.parked()) == 1
    broken["n"] = None
    assert follower.retry(parked["event_id"]) == "acted"
    assert acted(consumer) == [0, 1, 3, 4, 2]
    assert follower.parked() == [] and failures(migrated_engine) == []


def test_catch_up_takes_a_fetched_page_by_one_transaction(consumer, migrated_engine,
                                                          make_sqlite_url):
    source = Source(make_sqlite_url(), ["ProgressNoted"] * 7)
    follower = reactor(consumer, source, batch_size=3)
    counted = Commits(migrated_engine)
    assert follower.catch_up("tickets") == 7
    assert acted(consumer) == list(range(7))
    assert counted.commits == 3  # pages of 3, 3 and 1
    assert counted.checkpoint_writes <= 4  # once each (the first may take two statements)
