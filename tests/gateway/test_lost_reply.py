"""A command committed whose reply is lost: the gateway does not call that "unavailable". The
tickets service reaches the broker through the test's own proxy, the gateway reaches it directly;
the proxy is cut between the command's commit and its reply. The client gets the answer (a retry
of the gateway's, or the redelivered first try, answered from the command's record) or 503
`outcome_unknown` with the key it was sent under; retrying with that key answers the first
outcome, and exactly one appeal exists."""
import eventlet
import pytest
import requests
import sqlalchemy as sa

from gateway.auth import mint
from gateway.service import Gateway
from kernel import rpc
from kernel.database import make_engine
from kernel.dependencies import EventSourcing
from services.tickets.service import TicketsService

APPEAL = {"enterprise_name": "企业0", "uscc": "91360702MA35G0QX4J", "title": "用工难题",
          "description": "第0家企业反映：用工难题。", "channel": "hotline",
          "category": "labour", "county": "ganxian"}


def raised_appeals(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT count(*) FROM events WHERE type = 'TicketRaised'")).scalar_one()
    finally:
        engine.dispose()


def office() -> dict:
    return {"Authorization": f"Bearer {mint('clerk-li', 'office')}"}


@pytest.fixture
def lost_reply(broker_proxy, container_factory, service_config, make_sqlite_url, monkeypatch):
    """The stack, with the broker cut once, right after the first command commits."""
    monkeypatch.setattr(rpc, "REPLY_RETRY_PAUSES", ())  # the reply dropped at its first failure
    url = make_sqlite_url()
    tickets = container_factory(TicketsService, service_config(url, AMQP_URI=broker_proxy.amqp_uri))
    cuts = []

    def cut_after_commit(_events):
        if not cuts:
            cuts.append(True)
            broker_proxy.cut()

    started = [tickets]

    def start(budget: float) -> str:
        gateway_config = service_config(RPC_TIMEOUT=2, REQUEST_BUDGET=budget)
        gateway = container_factory(Gateway, gateway_config)
        started.append(gateway)
        tickets.start()
        gateway.start()
        next(d for d in tickets.dependencies if isinstance(d, EventSourcing)).store.on_commit(
            cut_after_commit)
        return f"http://{gateway_config['WEB_SERVER_ADDRESS']}/api/v1"

    yield start, url, cuts
    # Stopped while their broker is still there: the proxy closes before nameko's own teardown.
    broker_proxy.restore()
    for container in reversed(started):
        container.stop()


def retried_until_answered(base: str, key: str, attempts: int = 20) -> requests.Response:
    """What a client does with `outcome_unknown`: the same command again, under the key given."""
    for _ in range(attempts):
        answer = requests.post(f"{base}/tickets", json=APPEAL,
                               headers={**office(), "Idempotency-Key": key}, timeout=60)
        if answer.status_code != 503:
            return answer
        assert answer.json()["title"] == "outcome_unknown"
        assert answer.headers["Idempotency-Key"] == key
    raise AssertionError(f"still no answer after {attempts} retries")


def the_ledger(base: str) -> list[dict]:
    page = requests.get(f"{base}/tickets", headers=office(), timeout=60)
    assert page.status_code == 200, page.text
    return page.json()["items"]


def test_a_reply_lost_for_longer_than_the_budget_is_an_outcome_unknown_retried_safely(
        lost_reply, broker_proxy):
    start, url, cuts = lost_reply
    base = start(budget=6)

    first = requests.post(f"{base}/tickets", json=APPEAL, headers=office(), timeout=60)
    assert cuts and raised_appeals(url) == 1  # committed, and the broker went before the reply
    assert first.status_code == 503
    problem = first.json()
    assert problem["title"] == "outcome_unknown"
    key = first.headers["Idempotency-Key"]
    assert key and problem["idempotency_key"] == key

    broker_proxy.restore()
    answer = retried_until_answered(base, key)
    # The first outcome: raised, not linked to itself as a near-identical open appeal.
    assert answer.status_code == 201, answer.text
    assert answer.json()["linked_to_open_appeal"] is False
    assert [line["id"] for line in the_ledger(base)] == [answer.json()["id"]]
    assert raised_appeals(url) == 1


def test_a_reply_lost_for_less_than_the_budget_is_answered_once(lost_reply, broker_proxy):
    start, url, cuts = lost_reply
    base = start(budget=20)
    # Back a moment after the cut, while the gateway is still asking.
    restorer = eventlet.spawn(_restore_after_cut, broker_proxy, cuts)

    first = requests.post(f"{base}/tickets", json=APPEAL,
                          headers={**office(), "Idempotency-Key": "appeal-short-outage"},
                          timeout=60)
    restorer.wait()
    assert cuts
    if first.status_code == 503:  # the broker came back too late for this request: retry it
        assert first.json()["title"] == "outcome_unknown"
        first = retried_until_answered(base, first.headers["Idempotency-Key"])
    assert first.status_code == 201, first.text
    assert first.json()["linked_to_open_appeal"] is False
    assert [line["id"] for line in the_ledger(base)] == [first.json()["id"]]
    assert raised_appeals(url) == 1


def _restore_after_cut(broker_proxy, cuts) -> None:
    while not cuts:
        eventlet.sleep(0.05)
    eventlet.sleep(1)
    broker_proxy.restore()
