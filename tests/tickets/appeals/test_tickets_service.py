"""The tickets service in process on the real broker and both stores: duplicate appeals, logs that
carry the correlation id, metrics, and the rebuild command."""
import io
import json
import logging
import os
import subprocess
import sys

import pytest
import requests
import sqlalchemy as sa
import structlog
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import logs, settings
from kernel.errors import Refused
from kernel.database import make_engine
from services.tickets.service import TicketsService
from callers import assertion
from registered_units import known_units

OFFICE = {"sub": "clerk-li", "role": "office"}
APPEAL = {"enterprise_name": "南康家具产业园某企业", "uscc": "91360703MA37K8L9PN",
          "title": "实木家具出口检验周期长", "description": "出口检验排队超过十天，影响交货。",
          "channel": "email", "category": "logistics", "county": "nankang"}


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    config = service_config(db_url)
    container = container_factory(TicketsService, config)
    container.start()
    return container, config


def test_a_near_identical_open_appeal_is_linked_not_doubled(tickets):
    _, config = tickets
    with ClusterRpcProxy(config) as cluster:
        first = cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        again = cluster.tickets.raise_appeal(assertion(OFFICE), {**APPEAL, "channel": "hotline",
                                                      "description": APPEAL["description"] + "。"})
        other = cluster.tickets.raise_appeal(assertion(OFFICE), {**APPEAL, "title": "用地指标不足",
                                                      "description": "扩建厂房缺少用地指标。"})
        history = cluster.tickets.history(assertion(OFFICE), first["id"])
    assert first["linked_to_open_appeal"] is False
    assert again == {**first, "linked_to_open_appeal": True}
    assert other["id"] != first["id"] and other["ledger_number"] != first["ledger_number"]
    assert [e["type"] for e in history] == ["TicketRaised", "DuplicateAppealLinked"]
    assert history[1]["payload"]["channel"] == "hotline"

    # Another enterprise sending the same text under the first one's code learns nothing.
    impostor = {"sub": "x", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
    with ClusterRpcProxy(config) as cluster, pytest.raises(Refused) as refused:
        cluster.tickets.raise_appeal(assertion(impostor), APPEAL)
    assert refused.value.kind == "forbidden" and refused.value.rule == "not_own_appeal"


def test_a_raising_body_is_taken_by_the_contract_s_fields_and_refused_otherwise(tickets):
    _, config = tickets
    with ClusterRpcProxy(config) as cluster:
        refusals = []
        for body in ({**APPEAL, "priority": "high"}, [APPEAL], {**APPEAL, "visit_id": "v-1",
                                                               "uscc": None}):
            with pytest.raises(Refused) as refused:
                cluster.tickets.raise_appeal(assertion(OFFICE), body)
            refusals.append((refused.value.rule, refused.value.field))
        listed = cluster.tickets.list_tickets(assertion(OFFICE), {})
    assert refusals == [("unexpected_field", "priority"), ("not_an_object", "fields"),
                        ("field_required", "uscc")]
    assert listed["items"] == []


@pytest.fixture
def log_lines():
    """The JSON log lines written while the test runs; logging is put back afterwards."""
    stream, root = io.StringIO(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logs.configure("tickets", stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()
                   if line.startswith("{")]
    structlog.reset_defaults()
    root.handlers[:], root.level = handlers, level


def test_logs_carry_the_correlation_id_and_metrics_count_commands(tickets, log_lines):
    _, config = tickets
    with ClusterRpcProxy(config, context_data={"correlation_id": "corr-42"}) as cluster:
        cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        with pytest.raises(Exception):
            cluster.tickets.raise_appeal(assertion(OFFICE), {**APPEAL, "uscc": "123"})
    lines = log_lines()
    handled = [l for l in lines if l.get("event") == "command handled"]
    refused = [l for l in lines if l.get("event") == "refused"]
    assert handled and handled[0]["correlation_id"] == "corr-42"
    assert handled[0]["service"] == "tickets" and handled[0]["events"] == ["TicketRaised"]
    assert refused and refused[0]["rule"] == "invalid_uscc" and refused[0]["field"] == "uscc"

    text = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/metrics", timeout=5).text
    assert 'huiqi_commands_total{command="raise_appeal",outcome="ok",service="tickets"}' in text
    assert 'huiqi_commands_total{command="raise_appeal",outcome="refused",service="tickets"}' in text
    assert 'huiqi_relay_lag_events{service="tickets"}' in text


def test_rebuild_command_refolds_the_read_model(tickets, db_url):
    _, config = tickets
    known_units(db_url, "nankang-commerce", service="tickets")
    with ClusterRpcProxy(config) as cluster:
        raised = cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        cluster.tickets.act(assertion(OFFICE), raised["id"], "dispatch", {"lead_unit": "nankang-commerce"})
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ticket_rows"))
    done = subprocess.run([sys.executable, "-m", "huiqi", "rebuild-projections", "tickets"],
                          env={**os.environ, "TICKETS_DATABASE_URL": db_url},
                          cwd=settings.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 streams refolded" in done.stdout
    with engine.connect() as connection:
        row = connection.execute(sa.text("SELECT status, lead_unit FROM ticket_rows")).one()
    assert tuple(row) == ("dispatched", "nankang-commerce")
    engine.dispose()


def test_a_connection_the_database_ended_is_replaced_not_answered_with_an_error(
        make_pg_url, pg_admin, container_factory, service_config):
    """An administrator's pg_terminate_backend (or a failover) between two commands: the next
    command and the next question decide again on a fresh connection, and nothing is lost."""
    url = make_pg_url()
    config = service_config(url)
    container = container_factory(TicketsService, config)
    container.start()
    database = sa.make_url(url).database
    with ClusterRpcProxy(config) as cluster:
        first = cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        with pg_admin.connect() as connection:  # only this test's own database
            ended = connection.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database}).scalar_one()
        assert ended >= 1
        second = cluster.tickets.raise_appeal(assertion(OFFICE), {
            **APPEAL, "title": "用地指标不足", "description": "扩建厂房缺少用地指标。"})
        with pg_admin.connect() as connection:
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": database})
        seen = cluster.tickets.get_ticket(assertion(OFFICE), first["id"])
    assert second["ledger_number"] != first["ledger_number"]
    assert seen["ledger_number"] == first["ledger_number"]
