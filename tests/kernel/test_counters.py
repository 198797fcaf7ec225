"""Gap-free counters (the appeal ledger's numbers per year) on SQLite and PostgreSQL: the first
numbers of a new counter taken by many transactions at once all succeed, without gaps, and a
transaction that rolls back gives its number back."""
import eventlet
import pytest

from kernel.database import is_sqlite
from kernel.store import EventStore


def take_numbers_at_once(store: EventStore, name: str, clients: int) -> list:
    """`clients` transactions that start together, each taking a number and holding its
    transaction open a moment before committing (a command deciding)."""
    go = eventlet.event.Event()
    # On PostgreSQL the transactions overlap on the server. SQLite takes its write lock at BEGIN
    # and its driver blocks the whole process while it waits, so there a transaction holding on
    # would only stall the others: they run one after the other, as SQLite runs writers.
    hold = None if is_sqlite(store.engine) else 0.05

    def client():
        go.wait()
        with store.unit_of_work() as uow:
            number = uow.next_number(name)
            if hold:
                eventlet.sleep(hold)
        return number

    threads = [eventlet.spawn(client) for _ in range(clients)]
    eventlet.sleep(0)
    go.send()
    outcomes = []
    for thread in threads:
        try:
            outcomes.append(thread.wait())
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            outcomes.append(exc)
    return outcomes


def test_the_first_numbers_of_a_new_counter_taken_at_once_are_gap_free(migrated_engine):
    store = EventStore(migrated_engine)
    outcomes = take_numbers_at_once(store, "ledger-2031", 8)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert sorted(outcomes) == list(range(1, 9))
    with store.unit_of_work() as uow:
        assert uow.next_number("ledger-2031") == 9
        assert uow.next_number("ledger-2032") == 1  # each counter its own


def test_a_rolled_back_number_is_taken_again(migrated_engine):
    store = EventStore(migrated_engine)
    with store.unit_of_work() as uow:
        assert uow.next_number("ledger-2031") == 1
    with pytest.raises(RuntimeError):
        with store.unit_of_work() as uow:
            assert uow.next_number("ledger-2031") == 2
            raise RuntimeError("the command was refused")
    with store.unit_of_work() as uow:
        assert uow.next_number("ledger-2031") == 2
