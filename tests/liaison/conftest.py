"""What the liaison service's tests share: the service started in a container on the real broker
and a given store (`liaison`, `liaison_container`); a refusal over RPC is caught by
`liaison_rpc.refused`."""
import pytest

from services.liaison.service import LiaisonService


@pytest.fixture
def liaison_container(container_factory, service_config):
    """Start the liaison service on the store at `url`; its container (its config is
    `container.config`, what a `ClusterRpcProxy` takes)."""
    def start(url: str):
        container = container_factory(LiaisonService, service_config(url))
        container.start()
        return container
    return start


@pytest.fixture
def liaison(liaison_container):
    """Start the liaison service on the store at `url`; the config to call it with."""
    return lambda url: liaison_container(url).config
