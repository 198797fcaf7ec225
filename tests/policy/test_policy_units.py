"""A unit registered in the liaison registry becomes known to the policy service over RabbitMQ
(kernel.units): before, a policy issued in its name is refused naming `issuing_unit`; once the
registration has arrived, the unit's officer drafts it. A renaming follows, and every message
delivered twice changes nothing."""
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.clock import office_day
from kernel.database import make_engine
from kernel.envelope import utc_now
from kernel.errors import Refused
from policy.service_pairs import relay_again
from registered_units import known_unit
from services.liaison.service import LiaisonService
from services.policy.service import PolicyService

UNIT = "city-transport-bureau"
OFFICE = {"sub": "clerk-li", "role": "office"}
OFFICER = {"sub": "officer-xu", "role": "unit_officer", "unit": UNIT}


def draft() -> dict:
    return {"issuing_unit": UNIT, "title": "关于降低物流成本的若干措施",
            "document_number": "赣市交字〔2026〕5号", "level": "municipal",
            "cost_category": "logistics", "summary": "减免货车通行费。",
            "effective_from": office_day(utc_now()).isoformat(),
            "full_text": "一、对本市物流企业货车通行费给予百分之二十减免。"}


def test_a_unit_registered_in_liaison_becomes_known_to_policy(stores, container_factory,
                                                              service_config, wait_until):
    liaison_url, policy_url = stores
    container_factory(LiaisonService, service_config(liaison_url)).start()
    container_factory(PolicyService, service_config(policy_url)).start()
    policy_engine = make_engine(policy_url)

    with ClusterRpcProxy(service_config()) as cluster:
        with pytest.raises(Refused) as refused:
            cluster.policy.draft_policy(assertion(OFFICER), draft())
        assert (refused.value.rule, refused.value.field) == ("unknown_unit", "issuing_unit")

        cluster.liaison.register_unit(assertion(OFFICE), {
            "code": UNIT, "name": "市交通运输局", "kind": "city_department"})
        wait_until(lambda: known_unit(policy_engine, UNIT) is not None)
        assert tuple(known_unit(policy_engine, UNIT)) == ("市交通运输局", "city_department", None, 1)
        drafted = cluster.policy.draft_policy(assertion(OFFICER), draft())
        assert drafted["issuing_unit"] == UNIT and drafted["status"] == "draft"

        cluster.liaison.change_unit(assertion(OFFICE), UNIT, {"name": "市交通运输局(港航)"})
        wait_until(lambda: known_unit(policy_engine, UNIT).version == 2)
        assert known_unit(policy_engine, UNIT).name == "市交通运输局(港航)"

        # every liaison event delivered again, and one more: the row stays as it is
        relay_again(make_engine(liaison_url))
        cluster.liaison.register_unit(assertion(OFFICE), {
            "code": "ruijin", "name": "瑞金市", "kind": "county"})
        wait_until(lambda: known_unit(policy_engine, "ruijin") is not None)
        assert tuple(known_unit(policy_engine, UNIT)) == ("市交通运输局(港航)", "city_department", None, 2)
        with policy_engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT count(*) FROM handled_events WHERE consumer = 'known-units'")
            ).scalar_one() == 3
    policy_engine.dispose()
