"""The broker goes away and comes back: commands the service accepts meanwhile reach the ledger
once the broker is back, nothing twice, and the services carry on over RabbitMQ.

The outage is the test's own: the services reach their private vhost through a proxy the test
cuts (`broker_proxy`), so the broker other tests share never stops."""
import time

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from kernel.database import make_engine
from services.audit.service import AuditService
from services.tickets.service import TicketsService
from callers import assertion


def ledger_ids(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT event_id FROM ledger ORDER BY seq")).scalars().all()


@pytest.fixture
def broker_restart(broker_proxy):
    """Cut the services off their broker, and always let them reach it again."""
    yield broker_proxy.cut, broker_proxy.restore
    broker_proxy.restore()


def test_commands_accepted_while_the_broker_is_down_reach_the_ledger(
        make_pg_url, container_factory, service_config, broker_proxy, broker_restart, office,
        appeal, wait_until):
    stop_broker, start_broker = broker_restart
    tickets_url, audit_url = make_pg_url(), make_pg_url()
    behind_proxy = {"AMQP_URI": broker_proxy.amqp_uri}
    tickets = container_factory(TicketsService, service_config(tickets_url, **behind_proxy))
    audit = container_factory(AuditService, service_config(audit_url, **behind_proxy))
    tickets.start()
    audit.start()
    tickets_engine, audit_engine = make_engine(tickets_url), make_engine(audit_url)

    with ClusterRpcProxy(service_config()) as cluster:
        cluster.tickets.raise_appeal(assertion(office), appeal(0, "融资担保难", "financing"))
    wait_until(lambda: len(ledger_ids(audit_engine)) == 1, 20)

    stop_broker()
    with entrypoint_hook(tickets, "raise_appeal") as raise_appeal:  # accepted in process
        for n in (1, 2):
            raise_appeal(office, appeal(n, "融资担保难", "financing"))
    time.sleep(1)
    assert len(ledger_ids(audit_engine)) == 1  # nothing could be published
    start_broker()

    with ClusterRpcProxy(service_config(), timeout=60) as cluster:  # and RPC works again
        cluster.tickets.raise_appeal(assertion(office), appeal(3, "融资担保难", "financing"))
    with tickets_engine.connect() as connection:
        committed = connection.execute(sa.text(
            "SELECT event_id FROM events ORDER BY position")).scalars().all()
    assert len(committed) == 4
    wait_until(lambda: len(ledger_ids(audit_engine)) >= 4, 60)
    time.sleep(1)
    assert ledger_ids(audit_engine) == committed  # once each, in the order of the log
    with ClusterRpcProxy(service_config()) as cluster:
        assert cluster.audit.verify(assertion({"sub": "w", "role": "supervisor"}))["ok"] is True
    tickets_engine.dispose()
    audit_engine.dispose()
    # Stopped while their broker is still there: the proxy closes before nameko's own teardown.
    for container in (tickets, audit):
        container.stop()
