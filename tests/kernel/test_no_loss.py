"""Nothing accepted is lost: commands committed while the relay is down reach the ledger once it
is back; repeated publications and catch-up over RPC never double an entry."""
import time

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from kernel.database import make_engine
from kernel.dependencies import Reactions
from kernel.store import EventStore
from services.audit.service import AuditService
from services.tickets.service import TicketsService
from callers import assertion


def sweep(container):
    """What the audit's periodic sweep does, now (the tests set its interval to an hour)."""
    [reactions] = [d for d in container.dependencies if isinstance(d, Reactions)]
    return reactions.sweep()


def ledger_rows(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT event_id, service FROM ledger ORDER BY seq")).all()


def relay_checkpoint(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT position FROM checkpoints WHERE name = 'relay'")).scalar()


@pytest.fixture
def stores(db_url, make_sqlite_url, make_pg_url):
    """tickets and audit each on a database of its own, of the kind under test."""
    second = make_sqlite_url() if db_url.startswith("sqlite") else make_pg_url()
    return db_url, second


def test_relay_down_then_back_loses_nothing_and_doubles_nothing(
        stores, container_factory, service_config, office, appeal, wait_until):
    tickets_url, audit_url = stores
    audit = container_factory(AuditService, service_config(audit_url))
    audit.start()
    silent = container_factory(TicketsService, service_config(tickets_url, RELAY_ENABLED=False))
    silent.start()

    with ClusterRpcProxy(service_config()) as cluster:
        raised = [cluster.tickets.raise_appeal(assertion(office), appeal(n)) for n in range(5)]
    assert len({r["id"] for r in raised}) == 5

    tickets_engine, audit_engine = make_engine(tickets_url), make_engine(audit_url)
    committed = [e.event_id for _, e in EventStore(tickets_engine).read_all()]
    assert len(committed) == 5
    time.sleep(1)
    assert ledger_rows(audit_engine) == []  # accepted, committed, not yet published

    silent.stop()  # the relay "crashed" between commit and publish
    recovered = container_factory(TicketsService, service_config(tickets_url))
    recovered.start()
    wait_until(lambda: len(ledger_rows(audit_engine)) >= 5)
    assert [r.event_id for r in ledger_rows(audit_engine)] == committed

    # A crash after publishing but before the checkpoint moved: everything goes out again.
    with tickets_engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = 0 WHERE name = 'relay'"))
    wait_until(lambda: relay_checkpoint(tickets_engine) > 0)
    # and the audit's own sweep over RPC finds nothing new either
    sweep(audit)
    time.sleep(0.5)
    rows = ledger_rows(audit_engine)
    assert [r.event_id for r in rows] == committed
    with ClusterRpcProxy(service_config()) as cluster:
        verdict = cluster.audit.verify(assertion({"sub": "w", "role": "supervisor"}))
    assert verdict["ok"] and verdict["entries"] == 5
    tickets_engine.dispose()
    audit_engine.dispose()


def test_sweep_over_rpc_fills_what_messages_never_brought(
        stores, container_factory, service_config, office, appeal):
    tickets_url, audit_url = stores
    tickets = container_factory(TicketsService, service_config(tickets_url, RELAY_ENABLED=False))
    tickets.start()
    audit = container_factory(AuditService, service_config(audit_url))
    audit.start()
    with ClusterRpcProxy(service_config()) as cluster:
        for n in range(3):
            cluster.tickets.raise_appeal(assertion(office), appeal(n))
    audit_engine = make_engine(audit_url)
    assert ledger_rows(audit_engine) == []
    sweep(audit)
    rows = ledger_rows(audit_engine)
    assert len(rows) == 3 and {r.service for r in rows} == {"tickets"}
    audit_engine.dispose()
