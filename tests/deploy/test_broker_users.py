"""Each process reaches the broker as a user of its own, limited to what it needs; no guest, no
published management port. Checked by reading the compose file and the broker's user table
(`deploy/rabbitmq/users.txt`, what `provision.sh` grants) against the registry and the names the
code gives its exchanges and queues."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from services.registry import EVENT_SOURCES, SERVICES

ROOT = Path(__file__).resolve().parents[2]
RABBITMQ = ROOT / "deploy" / "rabbitmq"


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


@pytest.fixture(scope="module")
def grants() -> dict[str, tuple[str, str, str]]:
    """user -> (configure, write, read) regexes."""
    table = {}
    for line in (RABBITMQ / "users.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            user, configure, write, read = line.split()
            table[user] = (configure, write, read)
    return table


def may(grants, user: str, what: str, name: str) -> bool:
    regex = grants[user][("configure", "write", "read").index(what)]
    return re.fullmatch(regex, name) is not None


@pytest.mark.parametrize("name", SERVICES.names)
def test_each_process_logs_in_as_its_own_user_with_a_secret_password(services, name):
    uri = urlsplit(services[name]["environment"]["AMQP_URI"])
    assert uri.username == f"huiqi_{name}" and uri.path == "/huiqi"
    # from the environment (.env), never written here
    assert uri.password == f"${{HUIQI_AMQP_PASSWORD_{name.upper()}}}"


def test_no_guest_no_management_no_published_broker_port(services):
    broker = services["rabbitmq"]
    assert "management" not in broker["image"] and "ports" not in broker
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "guest" not in text.lower()
    provision = (RABBITMQ / "provision.sh").read_text(encoding="utf-8")
    assert "delete_user guest" in provision
    mounted = " ".join(broker["volumes"])
    assert "provision.sh" in mounted and "users.txt" in mounted
    for name in SERVICES.names:  # provision.sh is given every password, which must be set
        required = f"HUIQI_AMQP_PASSWORD_{name.upper()}"
        assert broker["environment"][required].startswith(f"${{{required}:?")


def test_secrets_have_no_default_in_the_compose_file(services):
    assert services["gateway"]["environment"]["HUIQI_JWT_SECRET"].startswith(
        "${HUIQI_JWT_SECRET:?")
    for name in SERVICES.names:
        assert services[name]["environment"]["HUIQI_INTERNAL_SECRET"].startswith(
            "${HUIQI_INTERNAL_SECRET:?")


def test_every_process_has_a_user_and_no_one_else_does(grants):
    assert set(grants) == {f"huiqi_{name}" for name in SERVICES.names}


@pytest.mark.parametrize("name", EVENT_SOURCES)
def test_a_service_may_do_its_own_work(grants, name):
    user = f"huiqi_{name}"
    for what in ("configure", "write", "read"):
        assert may(grants, user, what, f"rpc-{name}")                    # its RPC queue
        assert may(grants, user, what, "nameko-rpc")
        assert may(grants, user, what, f"rpc.reply-{name}-0f3c")         # replies to its calls
        assert may(grants, user, what, "rpc.reply-standalone_rpc_proxy-0f3c")
        assert may(grants, user, what, f"reactions-tickets--{name}.ledger")  # its event queues
        assert may(grants, user, what, f"dlq--{name}.ledger")            # its dead letters
        assert may(grants, user, what, "huiqi.dead-letters")
    assert may(grants, user, "write", f"{name}.events")                 # publishes its events
    for source in EVENT_SOURCES:                                        # follows anyone's
        assert may(grants, user, "read", f"{source}.events")


@pytest.mark.parametrize("name", EVENT_SOURCES)
def test_a_service_may_not_do_another_ones(grants, name):
    user = f"huiqi_{name}"
    for other in EVENT_SOURCES:
        if other == name:
            continue
        assert not may(grants, user, "write", f"{other}.events"), "publishing as another"
        for what in ("configure", "write", "read"):
            assert not may(grants, user, what, f"rpc-{other}"), "serving another's calls"
            assert not may(grants, user, what, f"rpc.reply-{other}-0f3c")
            assert not may(grants, user, what, f"reactions-tickets--{other}.ledger")
            assert not may(grants, user, what, f"dlq--{other}.ledger")


def test_the_gateway_only_calls(grants):
    for what in ("configure", "write", "read"):
        assert may(grants, "huiqi_gateway", what, "nameko-rpc")
        assert may(grants, "huiqi_gateway", what, "rpc.reply-gateway-0f3c")
        for name in EVENT_SOURCES:
            assert not may(grants, "huiqi_gateway", what, f"rpc-{name}")
            assert not may(grants, "huiqi_gateway", what, f"{name}.events")
