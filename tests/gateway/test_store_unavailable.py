"""A service whose database cannot be reached answers 503 `store_unavailable` in one fixed
sentence a clerk can read: the driver's words (host, port, user, psycopg2's explanations) go to
the service's log, never to the client. The tickets service reaches its PostgreSQL database
through a proxy of the test's own, which the test cuts."""
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from cuttable import CuttableProxy
from gateway.auth import mint
from gateway.service import Gateway
from kernel.dependencies import STORE_UNAVAILABLE
from services.tickets.service import TicketsService

APPEAL = {"enterprise_name": "企业0", "uscc": "91360702MA35G0QX4J", "title": "用工难题",
          "description": "第0家企业反映：用工难题。", "channel": "hotline",
          "category": "labour", "county": "ganxian"}
DRIVER_WORDS = ("127.0.0.1", "localhost", "5432", "port", "psycopg", "sqlite", "postgres",
                "OperationalError", "server closed", "connection to server", "Connection refused",
                "sqlalchemy", "background on this error")


@pytest.fixture
def tickets_behind_a_cut_database(make_pg_url, container_factory, service_config):
    url = urlsplit(make_pg_url())
    proxy = CuttableProxy(url.hostname, url.port or 5432)
    credentials = url.netloc.rpartition("@")[0]
    through_proxy = urlunsplit(url._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}"))
    tickets = container_factory(TicketsService, service_config(through_proxy))
    gateway_config = service_config(RPC_TIMEOUT=20, REQUEST_BUDGET=20)
    gateway = container_factory(Gateway, gateway_config)
    tickets.start()  # migrated through the proxy, while it still forwards
    gateway.start()
    proxy.cut()
    yield f"http://{gateway_config['WEB_SERVER_ADDRESS']}/api/v1", proxy.port
    proxy.restore()
    for container in (gateway, tickets):
        container.stop()
    proxy.close()


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/tickets", None),        # a question (`Commands.query`)
    ("POST", "/tickets", APPEAL),     # a command (`Commands.execute`)
], ids=["read", "command"])
def test_a_database_out_of_reach_is_told_without_the_drivers_words(
        tickets_behind_a_cut_database, method, path, body):
    base, proxy_port = tickets_behind_a_cut_database
    answer = requests.request(method, f"{base}{path}", json=body, timeout=60, headers={
        "Authorization": f"Bearer {mint('clerk-li', 'office')}"})
    assert answer.status_code == 503, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert int(answer.headers["Retry-After"]) > 0
    problem = answer.json()
    assert problem["title"] == "store_unavailable"
    assert problem["detail"] == STORE_UNAVAILABLE
    text = answer.text.lower()
    assert str(proxy_port) not in text
    assert not [word for word in DRIVER_WORDS if word.lower() in text]
