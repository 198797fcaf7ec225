"""A service behind the gateway that does not answer: the client gets 503 problem+json within
the request's budget, not a hung request. A read is plainly unavailable; a command sent and never
answered may have been carried out, so its answer says the outcome is unknown and names the
Idempotency-Key to retry it with."""
import pytest
import requests
from kombu import Connection, Exchange, Queue

from gateway.auth import mint
from gateway.service import Gateway

APPEAL = {"enterprise_name": "企业0", "uscc": "91360702MA35G0QX4J", "title": "留抵退税未到账",
          "description": "三月申报，至今未到账。", "channel": "direct_line",
          "category": "tax_and_fees", "county": "zhanggong"}
# What a driver, a socket or the broker's client would put in a message: none of it is for the
# client.
DRIVER_WORDS = ("127.0.0.1", "5672", "amqp", "kombu", "socket", "errno", "Traceback",
                "Connection refused", "RpcTimeout")


@pytest.fixture
def silent_tickets(container_factory, service_config, amqp_uri):
    """The gateway, and a tickets queue that exists (a service ran before) but nobody consumes."""
    with Connection(amqp_uri) as connection:
        Queue("rpc-tickets", Exchange("nameko-rpc", type="topic", durable=True),
              routing_key="tickets.*", durable=True)(connection.channel()).declare()
    config = service_config(RPC_TIMEOUT=1, REQUEST_BUDGET=3)
    container_factory(Gateway, config).start()
    return f"http://{config['WEB_SERVER_ADDRESS']}/api/v1"


def waiting_command_ids(amqp_uri: str) -> list[str]:
    """The command ids of the calls waiting in the tickets queue, each try of each call."""
    ids = []
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while (message := channel.basic_get("rpc-tickets", no_ack=True)) is not None:
            ids.append(message.headers.get("nameko.command_id"))
    return ids


def office() -> dict:
    return {"Authorization": f"Bearer {mint('c', 'office')}"}


def test_a_silent_service_gives_503(silent_tickets):
    response = requests.get(f"{silent_tickets}/tickets/t-1", headers=office(), timeout=30)
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "service_unavailable"
    assert "did not answer within 3s" in problem["detail"]
    assert int(response.headers["Retry-After"]) > 0
    # Nothing to retry under: a read is asked again freely.
    assert "Idempotency-Key" not in response.headers and "idempotency_key" not in problem


def test_an_unanswered_command_names_the_key_to_retry_it_with(silent_tickets):
    response = requests.post(f"{silent_tickets}/tickets", json=APPEAL,
                             headers={**office(), "Idempotency-Key": "appeal-7"}, timeout=30)
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "outcome_unknown"
    assert problem["idempotency_key"] == "appeal-7"
    assert response.headers["Idempotency-Key"] == "appeal-7"
    assert int(response.headers["Retry-After"]) > 0
    assert "Idempotency-Key" in problem["detail"] and "safe" in problem["detail"]
    assert "first outcome" in problem["detail"]
    text = response.text + "".join(f"{k}: {v}" for k, v in response.headers.items())
    assert not [word for word in DRIVER_WORDS if word.lower() in text.lower()]


def test_an_unanswered_command_without_a_key_is_given_the_one_it_was_sent_under(
        silent_tickets, amqp_uri):
    response = requests.post(f"{silent_tickets}/tickets", json=APPEAL, headers=office(),
                             timeout=30)
    assert response.status_code == 503
    problem = response.json()
    assert problem["title"] == "outcome_unknown"
    key = response.headers["Idempotency-Key"]
    assert key and problem["idempotency_key"] == key
    # The id the gateway made travelled with every try, so whichever is carried out first
    # answers a retry under it.
    sent = waiting_command_ids(amqp_uri)
    assert len(sent) > 1 and set(sent) == {key}
