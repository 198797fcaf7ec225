"""notice 二(四)3 both ways over RabbitMQ: an appeal classified as within a municipal department's
remit opens policy work at the policy service; the unit's policy, once published, answers it;
the appeal notes that policy as a progress note citing it — each exactly once, even when every
message is delivered twice and each side sweeps the other's log again."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.clock import office_day
from kernel.database import make_engine
from kernel.envelope import utc_now
from kernel.errors import Refused
from services.policy.service import PolicyService
from services.tickets.service import TicketsService
from registered_units import known_units
from service_logs import events_of, everything_again, sweep

UNIT = "city-commerce-bureau"
OFFICER = {"sub": "officer-wang", "role": "unit_officer", "unit": UNIT}
OTHER_OFFICER = {"sub": "officer-zhao", "role": "unit_officer", "unit": "city-hr-bureau"}
CONTACT = {"unit": "市商务局", "person": "王强", "phone": "13907971234",
           "email": "swj@ganzhou.gov.cn"}


def test_the_answering_policy_reaches_the_appeal_once(
        stores, container_factory, service_config, office, appeal, wait_until):
    tickets_url, policy_url = stores
    config = service_config()
    tickets = container_factory(TicketsService, service_config(tickets_url))
    policy = container_factory(PolicyService, service_config(policy_url))
    tickets.start()
    policy.start()
    # the unit is in the register each service keeps from liaison (not running here)
    known_units(policy_url, UNIT, service="policy")
    known_units(tickets_url, UNIT, service="tickets")

    with ClusterRpcProxy(config) as cluster:
        raised = cluster.tickets.raise_appeal(assertion(office),
                                              appeal(1, "外贸企业出口信保补贴标准偏低", "financing"))
        ticket_id = raised["id"]
        cluster.tickets.act(assertion(office), ticket_id, "dispatch", {"lead_unit": UNIT})
        cluster.tickets.act(assertion(OFFICER), ticket_id, "sign-for", {})
        cluster.tickets.act(assertion(OFFICER), ticket_id, "classify", {
            "way": "municipal_policy", "policy_work": "研究提高出口信用保险保费补贴比例"})

        wait_until(lambda: cluster.policy.policy_work_items(assertion(OFFICER)))
        [item] = cluster.policy.policy_work_items(assertion(OFFICER))
        assert item["status"] == "open" and item["ticket_id"] == ticket_id

        drafted = cluster.policy.draft_policy(assertion(OFFICER), {
            "issuing_unit": UNIT, "title": "关于提高出口信用保险保费补贴的通知",
            "document_number": "赣市商字〔2026〕21号", "level": "municipal",
            "cost_category": "financing", "summary": "保费补贴比例提高至百分之五十。",
            "effective_from": office_day(utc_now()).isoformat(),
            "full_text": "一、对出口信用保险保费给予百分之五十补贴。", "contact": CONTACT})
        policy_id = drafted["id"]
        answer = {"item_id": item["id"]}
        # a draft answers nothing; nor may another unit answer with its policy
        with pytest.raises(Refused) as refused:
            cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "answer-policy-work",
                                         answer)
        assert refused.value.rule == "answering_policy_not_in_force"
        cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "publish", {})
        with pytest.raises(Refused) as refused:
            cluster.policy.act_on_policy(assertion(OTHER_OFFICER), policy_id,
                                         "answer-policy-work", answer)
        assert refused.value.rule == "not_issuing_unit"

        cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "answer-policy-work", answer)
        with pytest.raises(Refused) as refused:
            cluster.policy.act_on_policy(assertion(office), policy_id, "answer-policy-work",
                                         answer)
        assert refused.value.rule == "policy_work_already_answered"
        [answered] = cluster.policy.policy_work_items(assertion(office))
        assert answered["status"] == "answered"
        assert answered["answer"] == {"policy_id": policy_id,
                                      "document_number": "赣市商字〔2026〕21号",
                                      "title": "关于提高出口信用保险保费补贴的通知"}

        def noted():
            notes = cluster.tickets.get_ticket(assertion(office), ticket_id)["progress_notes"]
            return [note for note in notes if note.get("policy")]
        wait_until(noted)
        [note] = noted()
        assert note["policy"]["policy_id"] == policy_id and "赣市商字〔2026〕21号" in note["note"]
        assert note["unit"] == UNIT
        history = cluster.tickets.history(assertion(office), ticket_id)
        assert [e["type"] for e in history].count("PolicyAnswerNoted") == 1

    tickets_engine, policy_engine = make_engine(tickets_url), make_engine(policy_url)
    [answered_event] = events_of(policy_engine, "PolicyWorkAnswered")
    [noted_event] = events_of(tickets_engine, "PolicyAnswerNoted")
    assert noted_event.causation_id == answered_event.event_id
    assert noted_event.payload["answer_event_id"] == answered_event.event_id

    # Both relays publish everything again, and both sides lose their checkpoints and sweep:
    # nothing opens or is noted twice.
    everything_again(wait_until, tickets_engine, policy_engine)
    sweep(policy, "policy-work")
    sweep(tickets, "policy-answers")
    assert len(events_of(policy_engine, "PolicyWorkOpened")) == 1
    assert len(events_of(tickets_engine, "PolicyAnswerNoted")) == 1
    with ClusterRpcProxy(config) as cluster:
        assert cluster.tickets.parked_reactions(assertion(office)) == []
        assert cluster.policy.parked_reactions(assertion(office)) == []
    tickets_engine.dispose()
    policy_engine.dispose()
