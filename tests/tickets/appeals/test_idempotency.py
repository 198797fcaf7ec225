"""Every command carried out once: a command carries an id (the gateway's Idempotency-Key, or one
it makes per request) in the RPC message's headers, and the service records it with the
command's events. The same id again, redelivered or retried, answers the first response and
appends nothing; the same key for another request is refused."""
import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from gateway.auth import mint
from gateway.service import Gateway
from kernel.errors import Refused
from service_logs import event_count
from services.tickets.service import TicketsService


def test_a_redelivered_command_answers_its_first_response_and_appends_nothing(
        db_url, container_factory, service_config, office, appeal):
    config = service_config(db_url)
    container_factory(TicketsService, config).start()

    def raise_appeal(command_id: str, fields: dict, who: dict = office):
        with ClusterRpcProxy(config, context_data={"command_id": command_id},
                             timeout=30) as cluster:
            return cluster.tickets.raise_appeal(assertion(who), fields)

    first = raise_appeal("cmd-1", appeal(0))
    assert raise_appeal("cmd-1", appeal(0)) == first  # the same delivery again
    assert event_count(db_url) == 1

    with pytest.raises(Refused) as reused:  # the same key for another request
        raise_appeal("cmd-1", appeal(1))
    assert reused.value.rule == "idempotency_key_reused"
    assert reused.value.field == "Idempotency-Key"
    assert event_count(db_url) == 1

    # A key is the caller's own: another caller's identical key is another command.
    other = raise_appeal("cmd-1", appeal(0), {"sub": "clerk-wu", "role": "office"})
    assert other["linked_to_open_appeal"] is True and first["linked_to_open_appeal"] is False
    assert event_count(db_url) == 2
    # A new key is a new command: the enterprise's open appeal takes it in.
    assert raise_appeal("cmd-2", appeal(0))["linked_to_open_appeal"] is True
    assert event_count(db_url) == 3


def test_a_refused_command_is_decided_again_on_retry(
        db_url, container_factory, service_config, office, appeal):
    config = service_config(db_url)
    container_factory(TicketsService, config).start()
    broken = {**appeal(0), "category": "no-such-category"}
    with ClusterRpcProxy(config, context_data={"command_id": "cmd-9"}, timeout=30) as cluster:
        for _ in range(2):  # refused twice: a refusal wrote nothing, not even its id
            with pytest.raises(Refused) as refused:
                cluster.tickets.raise_appeal(assertion(office), broken)
            assert refused.value.field == "category"
    assert event_count(db_url) == 0


@pytest.fixture
def gateway_over(container_factory, service_config, make_sqlite_url):
    tickets_url = make_sqlite_url()
    container_factory(TicketsService, service_config(tickets_url)).start()
    config = service_config(RPC_TIMEOUT=20)
    container_factory(Gateway, config).start()
    return f"http://{config['WEB_SERVER_ADDRESS']}/api/v1", tickets_url


def test_a_retried_post_answers_the_first_response(gateway_over, appeal):
    base, tickets_url = gateway_over
    token = mint("ent-1", "enterprise", uscc=appeal(0)["uscc"])

    def post(key: str | None, body: dict):
        headers = {"Authorization": f"Bearer {token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return requests.post(f"{base}/tickets", json=body, headers=headers, timeout=30)

    first = post("retry-me-1", appeal(0))
    assert first.status_code == 201
    again = post("retry-me-1", appeal(0))
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Location"] == first.headers["Location"]
    assert event_count(tickets_url) == 1

    reused = post("retry-me-1", {**appeal(0), "title": "另一件事"})
    assert reused.status_code == 409
    assert reused.json()["title"] == "idempotency_key_reused"
    assert reused.json()["field"] == "Idempotency-Key"

    # Without a key every request is its own command: the open appeal takes the second in.
    assert post(None, appeal(0)).status_code == 200
    assert event_count(tickets_url) == 2


@pytest.mark.parametrize("key", ["", "x" * 101, "キー", "tab\there"])
def test_a_bad_idempotency_key_is_refused_naming_the_header(gateway_over, appeal, key):
    base, tickets_url = gateway_over
    response = requests.post(
        f"{base}/tickets", json=appeal(0), timeout=30,
        headers={"Authorization": f"Bearer {mint('clerk-li', 'office')}",
                 "Idempotency-Key": key.encode("utf-8")})
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert event_count(tickets_url) == 0
