"""The gateway with every service of the registry behind it, in this process, on the real broker
(a vhost of their own) and SQLite stores: what the OpenAPI and schemathesis tests call over HTTP.
Started once for the gateway tests and stopped after them."""
import shutil
import subprocess
import uuid

import pytest
import requests
from nameko.containers import ServiceContainer
from nameko.testing.utils import find_free_port

from gateway.auth import mint
from registered_units import register_units, until_known
from services.registry import SERVICES

AMQP_BASE = "amqp://guest:guest@127.0.0.1:5672"
# Valid unified social credit codes (check character computed with python-stdnum).
CREDIT_CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"]


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class Live:
    """The running gateway: its base URL and a token per role."""

    def __init__(self, base: str):
        self.base = base
        self.tokens = {
            "office": mint("clerk-li", "office"),
            "supervisor": mint("inspector-wang", "supervisor"),
            "enterprise": mint("ent-1", "enterprise", uscc=CREDIT_CODES[0]),
            "unit_officer": mint("officer-zhao", "unit_officer", unit="zhanggong-tax"),
        }
        self.ticket_ids: list[str] = []

    def call(self, method: str, path: str, role: str | None = "office", **kwargs):
        headers = kwargs.pop("headers", {})
        if role:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=30,
                                **kwargs)


@pytest.fixture(scope="session")
def live_gateway(tmp_path_factory):
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is needed to give the tests a private RabbitMQ vhost")
    vhost = f"huiqi-test-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    var = tmp_path_factory.mktemp("gateway-stack")
    amqp_uri = f"{AMQP_BASE}/{vhost}"
    containers = []
    try:
        # Every process of the registry, the gateway last: a service added there is behind it.
        for cls in (SERVICES[name].load() for name in SERVICES.start_order):
            config = {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
                      "DATABASE_URL": f"sqlite:///{var / cls.name}.db", "RELAY_INTERVAL": 0.2,
                      "RPC_TIMEOUT": 20, "MIGRATIONS": SERVICES.migrations}
            container = ServiceContainer(cls, config)
            container.start()
            containers.append(container)
        live = Live(f"http://{config['WEB_SERVER_ADDRESS']}")
        _seed(live)
        yield live
    finally:
        for container in reversed(containers):
            container.stop()
        _rabbitmqctl("delete_vhost", vhost)


def _seed(live: Live) -> None:
    """A route and a few appeals in different states, so generated calls meet real ones. The
    route's unit is registered in liaison first, and the route set once tickets knows it."""
    register_units(live.base, live.tokens["office"], "zhanggong-tax")
    routed = until_known(lambda: live.call("PUT", "/api/v1/routes", json={
        "category": "tax_and_fees", "county": "*", "unit": "zhanggong-tax"},
        headers={"If-Match": "*"}))
    assert routed.status_code == 200, routed.text
    for n, code in enumerate(CREDIT_CODES):
        raised = live.call("POST", "/api/v1/tickets", json={
            "enterprise_name": f"企业{n}", "uscc": code, "title": f"留抵退税未到账{n}",
            "description": f"第{n}家企业：三月申报，至今未到账。", "channel": "direct_line",
            "category": "tax_and_fees", "county": "zhanggong"})
        assert raised.status_code == 201, raised.text
        live.ticket_ids.append(raised.json()["id"])
    first, second = live.ticket_ids[:2]
    for ticket_id in (first, second):
        assert live.call("POST", f"/api/v1/tickets/{ticket_id}/dispatch", json={}).ok
    assert live.call("POST", f"/api/v1/tickets/{second}/sign-for", "unit_officer").ok
