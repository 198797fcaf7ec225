"""A service behind the gateway that does not answer: the client gets 503 problem+json in time,
not a hung request."""
import requests
from kombu import Connection, Exchange, Queue

from gateway.auth import mint
from gateway.service import Gateway


def test_a_silent_service_gives_503(container_factory, service_config, amqp_uri):
    # The tickets queue exists (a service ran before) but nobody consumes it now.
    with Connection(amqp_uri) as connection:
        Queue("rpc-tickets", Exchange("nameko-rpc", type="topic", durable=True),
              routing_key="tickets.*", durable=True)(connection.channel()).declare()
    config = service_config(RPC_TIMEOUT=1)
    gateway = container_factory(Gateway, config)
    gateway.start()
    response = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/api/v1/tickets/t-1",
                            headers={"Authorization": f"Bearer {mint('c', 'office')}"},
                            timeout=10)
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "did not answer within 1s" in response.json()["detail"]
