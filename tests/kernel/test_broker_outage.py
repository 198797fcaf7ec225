"""Services outlive their broker. The services reach their private vhost through a proxy the
test cuts (`broker_proxy`): while it is cut, `/healthz` says so and the gateway answers 503 with
Retry-After; a reply that cannot be sent is dropped without killing the service (its command is
committed, and the same command id answers it afterwards); once the broker is back, everything
serves again."""
import pytest
import requests
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from gateway.auth import mint
from gateway.service import Gateway
from kernel import rpc
from kernel.dependencies import EventSourcing
from service_logs import event_count
from services.tickets.service import TicketsService


def health(config) -> tuple[int, dict]:
    response = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/healthz", timeout=10)
    return response.status_code, response.json()


@pytest.fixture
def behind_proxy(broker_proxy, container_factory, service_config, make_sqlite_url):
    """The tickets service and the gateway, both reaching the broker through the proxy."""
    tickets_url = make_sqlite_url()
    tickets_config = service_config(tickets_url, AMQP_URI=broker_proxy.amqp_uri)
    tickets = container_factory(TicketsService, tickets_config)
    gateway_config = service_config(AMQP_URI=broker_proxy.amqp_uri, RPC_TIMEOUT=60)
    gateway = container_factory(Gateway, gateway_config)
    tickets.start()
    gateway.start()
    yield tickets, tickets_config, tickets_url, gateway_config
    # Stopped while their broker is still there: the proxy closes before nameko's own teardown.
    broker_proxy.restore()
    for container in (gateway, tickets):
        container.stop()


def test_healthz_and_the_gateway_say_so_while_the_broker_is_cut(
        behind_proxy, broker_proxy, wait_until):
    tickets, tickets_config, _, gateway_config = behind_proxy
    token = mint("clerk-li", "office")
    base = f"http://{gateway_config['WEB_SERVER_ADDRESS']}/api/v1"
    assert health(tickets_config) == (200, {"status": "ok", "service": "tickets",
                                            "broker": "reachable", "store": "reachable"})
    assert health(gateway_config)[1]["broker"] == "reachable"

    broker_proxy.cut()
    wait_until(lambda: health(tickets_config)[0] == 503, 10)
    assert health(tickets_config)[1] == {"status": "degraded", "service": "tickets",
                                         "broker": "unreachable", "store": "reachable"}
    wait_until(lambda: health(gateway_config)[0] == 503, 10)
    assert health(gateway_config)[1]["broker"] == "unreachable"
    answer = requests.get(f"{base}/tickets", headers={"Authorization": f"Bearer {token}"},
                          timeout=90)
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.json()["title"] == "service_unavailable"
    assert int(answer.headers["Retry-After"]) > 0

    broker_proxy.restore()
    wait_until(lambda: health(tickets_config)[0] == 200 and health(gateway_config)[0] == 200, 20)

    def serves() -> bool:
        return requests.get(f"{base}/tickets", headers={"Authorization": f"Bearer {token}"},
                            timeout=90).status_code == 200
    wait_until(serves, 60)


def test_a_reply_the_broker_cannot_take_does_not_kill_the_service(
        behind_proxy, broker_proxy, service_config, office, appeal, monkeypatch, wait_until):
    tickets, tickets_config, tickets_url, _ = behind_proxy
    # No pauses between tries: the first failed reply is dropped at once.
    monkeypatch.setattr(rpc, "REPLY_RETRY_PAUSES", ())
    store = next(d for d in tickets.dependencies if isinstance(d, EventSourcing)).store
    cut_once = []

    def cut_after_commit(_events):
        # Between the command's commit and its reply: the broker goes.
        if not cut_once:
            cut_once.append(True)
            broker_proxy.cut()

    store.on_commit(cut_after_commit)
    # The test's own calls reach the vhost directly; only the service's connections are cut.
    caller = service_config()
    with ClusterRpcProxy(caller, context_data={"command_id": "outage-1"}, timeout=60) as cluster:
        with pytest.raises(RpcTimeout):
            cluster.tickets.raise_appeal(assertion(office), appeal(0))
    assert cut_once and event_count(tickets_url) == 1  # committed, though never answered

    broker_proxy.restore()
    assert not tickets._died.ready()  # the service outlived its lost reply

    answered = []

    def answers_again() -> bool:
        try:
            with ClusterRpcProxy(caller, context_data={"command_id": "outage-1"},
                                 timeout=10) as cluster:
                answered.append(cluster.tickets.raise_appeal(assertion(office), appeal(0)))
                return True
        except RpcTimeout:
            return False
    wait_until(answers_again, 90)
    # The first response, not a second decision (which would have linked it to the first).
    assert answered[-1]["linked_to_open_appeal"] is False
    assert event_count(tickets_url) == 1


def test_a_six_second_outage_leaves_the_service_serving(
        behind_proxy, broker_proxy, service_config, office, appeal, wait_until):
    tickets, tickets_config, tickets_url, _ = behind_proxy
    caller = service_config()
    # Each call with a command id, as the gateway sends every command: a message whose ack the
    # outage swallowed is delivered again afterwards, and must not be carried out twice.
    with ClusterRpcProxy(caller, context_data={"command_id": "six-1"}, timeout=30) as cluster:
        cluster.tickets.raise_appeal(assertion(office), appeal(0))
    with broker_proxy.outage(6):
        pass
    assert not tickets._died.ready()
    wait_until(lambda: health(tickets_config)[0] == 200, 20)
    with ClusterRpcProxy(caller, context_data={"command_id": "six-2"}, timeout=60) as cluster:
        assert cluster.tickets.raise_appeal(assertion(office), appeal(1))["ledger_number"]
    assert event_count(tickets_url) == 2
