"""The gateway by itself, in this process, on a test's own vhost: what the edge's tests call over
HTTP. No service stands behind it, so the calls they make are ones the gateway answers itself
(who am I, the document, a refusal of shape) or that its edge answers before any route. The
edge reads its settings when the gateway starts: set them (monkeypatch) before."""
from __future__ import annotations

import contextlib

from nameko.containers import ServiceContainer
from nameko.testing.utils import find_free_port

from gateway.service import Gateway


@contextlib.contextmanager
def running(amqp_uri: str, *, count: int = 1):
    """`count` gateways at once; yields their base URLs."""
    containers, bases = [], []
    try:
        for _ in range(count):
            address = f"127.0.0.1:{find_free_port()}"
            container = ServiceContainer(Gateway, {
                "AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": address, "RPC_TIMEOUT": 5})
            container.start()
            containers.append(container)
            bases.append(f"http://{address}")
        yield bases
    finally:
        for container in reversed(containers):
            container.stop()
