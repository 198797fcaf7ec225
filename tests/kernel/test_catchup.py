"""Following a log: duplicates taken once, gaps filled from the source, on both stores."""
import datetime as dt

import sqlalchemy as sa

from kernel.aggregate import Fact
from kernel.catchup import LogFollower
from kernel.database import make_engine, migrate
from kernel.relay import message_for
from kernel.store import EventStore

AT = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def source_log(make_sqlite_url, count):
    engine = make_engine(make_sqlite_url())
    migrate(engine)
    store = EventStore(engine)
    for i in range(count):
        store.append(f"s-{i % 2}", "ticket", i // 2, [Fact("ProgressNoted", {"n": i}, AT, "x")])
    messages, previous = [], 0
    for position, event in store.read_all():
        messages.append(message_for("tickets", position, previous, event))
        previous = position
    return store, messages


def test_duplicates_and_gaps(migrated_engine, make_sqlite_url):
    store, messages = source_log(make_sqlite_url, 6)
    taken = []
    fetches = []

    def handle(connection, source, position, event):
        taken.append(event.payload["n"])

    def fetch(source, after, limit):
        # What the source's `events_after` RPC answers.
        fetches.append(after)
        out, previous = [], after
        for position, event in store.read_all(after=after, limit=limit):
            out.append(message_for(source, position, previous, event))
            previous = position
        return out

    follower = LogFollower("test", migrated_engine, handle, fetch)
    assert follower.receive(messages[0]) == "applied"
    assert follower.receive(messages[0]) == "duplicate"
    assert follower.receive(messages[1]) == "applied"
    assert fetches == []
    # messages[2] and [3] are lost on the way; [4] arrives and reveals the gap.
    assert follower.receive(messages[4]) == "gap"
    assert taken == [0, 1, 2, 3, 4, 5]
    assert follower.receive(messages[3]) == "duplicate"
    assert follower.receive(messages[5]) == "duplicate"
    assert follower.checkpoint("tickets") == messages[5]["position"]
    assert follower.catch_up("tickets") == 0


def test_redelivery_after_checkpoint_loss_is_taken_once(migrated_engine, make_sqlite_url):
    _, messages = source_log(make_sqlite_url, 3)
    taken = []
    follower = LogFollower("test", migrated_engine,
                           lambda c, s, p, e: taken.append(e.event_id), lambda *a: [])
    for message in messages:
        follower.receive(message)
    with migrated_engine.begin() as connection:  # as if the checkpoint had not been written
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    for message in messages:
        follower.receive(message)
    assert len(taken) == 3 and len(set(taken)) == 3
