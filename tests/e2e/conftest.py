"""The whole stack as `bin/huiqi up` starts it: five processes on the real RabbitMQ, SQLite under a
temporary var/, ports of the test's own."""
import time

import pytest
import requests

from gateway.auth import mint
from huiqi import stack


@pytest.fixture(scope="session")
def stack_env(stack_amqp_uri, tmp_path_factory, free_port):
    env = {"AMQP_URI": stack_amqp_uri, "HUIQI_VAR_DIR": str(tmp_path_factory.mktemp("var")),
           "HUIQI_RELAY_INTERVAL": "0.5", "HUIQI_CATCHUP_INTERVAL": "2",
           "HUIQI_LOG_LEVEL": "WARNING"}
    for name in stack.ORDER:
        env[f"{name.upper()}_PORT"] = str(free_port())
    return env


@pytest.fixture(scope="session")
def running_stack(stack_env):
    children = stack.start(stack_env)
    try:
        stack.wait_healthy(children, stack_env, timeout=90)
        yield stack_env
    finally:
        stack.stop(children)


class Api:
    """A front-end system's view: HTTP to the gateway with a bearer token."""

    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, f"{self.base}/api/v1{path}", headers=headers,
                                timeout=30, **kwargs)

    def wait_for(self, predicate, timeout: float = 30, interval: float = 0.3):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(interval)


@pytest.fixture(scope="session")
def api(running_stack):
    return Api(stack.base_url("gateway", running_stack))


@pytest.fixture(scope="session")
def tokens():
    return {
        "office": mint("clerk-li", "office"),
        "supervisor": mint("inspector-wang", "supervisor"),
    }


@pytest.fixture
def act(api):
    """A command on an appeal over HTTP as `token`, its status held to `expect`; its answer."""
    def act(token, ticket_id, action, body=None, expect=200):
        response = api.call("POST", f"/tickets/{ticket_id}/{action}", token, json=body or {})
        assert response.status_code == expect, (action, response.text)
        return response.json()
    return act
