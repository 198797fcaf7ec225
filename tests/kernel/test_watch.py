"""The watch: a timer whose body one replica at a time runs, under an advisory lock whose key the
service table derives; the others skip the round. On SQLite it is always the one process's turn."""
import eventlet
import pytest
import sqlalchemy as sa
from nameko.testing.services import entrypoint_hook

from kernel.dependencies import EventSourcing
from kernel.registry import KERNEL_LOCKS, Registry, ServiceEntry, lock_key
from kernel.watch import Watch, watch

ROUNDS = []


class Watched:
    name = "watched"
    store = EventSourcing()

    @watch(interval=0.05)
    def look_around(self):
        ROUNDS.append("looked")
        return "looked"


@pytest.fixture(autouse=True)
def no_rounds_yet():
    ROUNDS.clear()


def test_the_timer_runs_the_body_round_after_round(db_url, container_factory, service_config):
    container = container_factory(Watched, service_config(db_url, RELAY_ENABLED=False))
    container.start()
    with eventlet.Timeout(10):
        while len(ROUNDS) < 2:
            eventlet.sleep(0.05)
    assert [e for e in container.entrypoints if isinstance(e, Watch)][0].singleton == "look_around"


def test_a_replica_without_the_turn_skips_the_round(make_pg_url, container_factory,
                                                    service_config):
    url = make_pg_url()
    container = container_factory(Watched, service_config(url, RELAY_ENABLED=False))
    container.start()
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    key = lock_key("watched", "look_around")
    with engine.connect() as other_replica:
        other_replica.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": key})
        with entrypoint_hook(container, "look_around") as look:
            assert look() is None
        eventlet.sleep(0.3)  # the timer's rounds skip too
        assert ROUNDS == []
        other_replica.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    with entrypoint_hook(container, "look_around") as look:
        assert look() == "looked"
    engine.dispose()


def test_lock_keys_come_from_names_and_never_meet():
    entry = ServiceEntry("tickets", "services.tickets.service:TicketsService", port=1,
                         singletons=("watch_deadlines",))
    assert entry.lock("watch_deadlines") == lock_key("tickets", "watch_deadlines")
    assert 0 < entry.lock("watch_deadlines") < 2 ** 31
    with pytest.raises(LookupError, match="watch_deadlines"):
        entry.lock("sweep")
    table = Registry(entry)
    assert set(table.locks) == {*(f"kernel.{name}" for name in KERNEL_LOCKS),
                                "tickets.watch_deadlines"}
    assert len(set(table.locks.values())) == len(table.locks)
