"""An appeal classified as within a municipal department's remit reaches the policy service over
RabbitMQ and opens exactly one policy-work item, carrying the appeal's correlation id; a
redelivery of every message and a sweep of the log open nothing more."""
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import metrics
from kernel.database import make_engine
from kernel.errors import Refused
from kernel.store import EventStore
from policy.service_pairs import relay_again
from service_logs import events_of, sweep
from services.policy.service import PolicyService
from services.tickets.service import TicketsService
from callers import assertion
from registered_units import known_units

UNIT = "city-industry-bureau"
OFFICER = {"sub": "officer-wang", "role": "unit_officer", "unit": UNIT}


def consumed(outcome):
    return metrics.CONSUMED.labels("policy", "tickets", outcome)._value.get()


def test_policy_work_requested_opens_one_item(
        stores, container_factory, service_config, office, appeal, wait_until):
    tickets_url, policy_url = stores
    config = service_config()
    tickets = container_factory(TicketsService, service_config(tickets_url))
    policy = container_factory(PolicyService, service_config(policy_url))
    tickets.start()
    policy.start()
    # the unit is in the register the tickets service keeps from liaison (not running here)
    known_units(tickets_url, UNIT, service="tickets")

    with ClusterRpcProxy(config, context_data={"correlation_id": "appeal-7"}) as cluster:
        raised = cluster.tickets.raise_appeal(assertion(office), appeal(0, "出口退税政策滞后", "tax_and_fees"))
        ticket_id = raised["id"]
        cluster.tickets.act(assertion(office), ticket_id, "dispatch", {"lead_unit": UNIT})
        cluster.tickets.act(assertion(OFFICER), ticket_id, "sign-for", {})
        cluster.tickets.act(assertion(OFFICER), ticket_id, "classify", {
            "way": "municipal_policy", "policy_work": "修订出口退税办理细则，压缩办理时限"})

    with ClusterRpcProxy(config) as cluster:
        wait_until(lambda: cluster.policy.policy_work_items(assertion(office)))
        [item] = cluster.policy.policy_work_items(assertion(office))
        assert cluster.policy.policy_work_items(assertion(OFFICER)) == [item]
        assert cluster.policy.policy_work_items(assertion(
            {"sub": "o", "role": "unit_officer", "unit": "another-unit"})) == []

    tickets_engine, policy_engine = make_engine(tickets_url), make_engine(policy_url)
    [requested] = events_of(tickets_engine, "PolicyWorkRequested")
    [opened] = events_of(policy_engine, "PolicyWorkOpened")
    assert opened.correlation_id == requested.correlation_id == "appeal-7"
    assert opened.causation_id == requested.event_id
    assert opened.payload == {
        "unit": UNIT, "category": "tax_and_fees", "policy_work": "修订出口退税办理细则，压缩办理时限",
        "ledger_number": raised["ledger_number"], "title": requested.payload["title"],
        "ticket_id": ticket_id, "requested_event_id": requested.event_id}
    assert item["id"] == opened.stream_id and item["status"] == "open"

    # Every message again, as after a relay crash between publishing and its checkpoint ...
    published = len(EventStore(tickets_engine).read_all(limit=1000))
    duplicates = consumed("duplicate")
    relay_again(tickets_engine)
    wait_until(lambda: consumed("duplicate") >= duplicates + published)
    # ... and a sweep after the policy service lost its checkpoint: nothing opens twice.
    with policy_engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    sweep(policy, "policy-work")
    assert len(events_of(policy_engine, "PolicyWorkOpened")) == 1
    with ClusterRpcProxy(config) as cluster:
        assert len(cluster.policy.policy_work_items(assertion(office))) == 1
        assert cluster.policy.parked_reactions(assertion(office)) == []
    tickets_engine.dispose()
    policy_engine.dispose()


def test_only_operators_see_parked_reactions(container_factory, service_config, make_sqlite_url):
    policy = container_factory(PolicyService, service_config(make_sqlite_url()))
    policy.start()
    enterprise = {"sub": "e", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
    with ClusterRpcProxy(service_config()) as cluster:
        assert cluster.policy.parked_reactions(assertion({"sub": "s", "role": "supervisor"})) == []
        with pytest.raises(Refused) as refused:
            cluster.policy.parked_reactions(assertion(enterprise))
        assert refused.value.rule == "role_not_allowed" and refused.value.kind == "forbidden"
        with pytest.raises(Refused) as refused:
            cluster.policy.retry_reaction(assertion({"sub": "s", "role": "office"}), "no-such-event")
        assert refused.value.rule == "reaction_not_found" and refused.value.kind == "not_found"
