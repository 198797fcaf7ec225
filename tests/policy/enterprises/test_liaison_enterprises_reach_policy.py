"""An enterprise registered, rated and changed in the liaison registry reaches the policy
service's matching (精准推送) over RabbitMQ: unrated, a policy limited to the difficult tier
does not apply to it; rated difficult by its county, it does; changed to below designated size,
it no longer does — and every message delivered twice changes nothing."""
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.clock import office_day
from kernel.database import make_engine
from kernel.envelope import utc_now
from kernel.errors import Refused
from policy.service_pairs import relay_again
from services.liaison.service import LiaisonService
from services.policy.service import PolicyService

USCC = "91360702MA35G0QX4J"
UNIT = "city-industry-bureau"
OFFICE = {"sub": "clerk-li", "role": "office"}
ZHANGGONG = {"sub": "officer-wang", "role": "unit_officer", "unit": "zhanggong"}
OFFICER = {"sub": "officer-he", "role": "unit_officer", "unit": UNIT}
CONTACT = {"unit": "市工信局", "person": "何平", "phone": "13907971234",
           "email": "gxj@ganzhou.gov.cn"}


def test_a_liaison_enterprise_reaches_policy_matching(stores, container_factory, service_config,
                                                      wait_until):
    liaison_url, policy_url = stores
    container_factory(LiaisonService, service_config(liaison_url)).start()
    container_factory(PolicyService, service_config(policy_url)).start()

    with ClusterRpcProxy(service_config()) as cluster:
        office = assertion(OFFICE)
        cluster.liaison.register_park(office, {"id": "zg-hitech", "name": "章贡高新区",
                                               "county": "zhanggong"})
        cluster.liaison.register_enterprise(assertion(ZHANGGONG), {
            "uscc": USCC, "name": "赣州稀土集团", "county": "zhanggong", "park": "zg-hitech",
            "industry": "稀土", "size": "medium", "above_designated_size": True})

        # The issuing unit is in liaison's register of units, which policy follows.
        cluster.liaison.register_unit(office, {"code": UNIT, "name": "市工业和信息化局",
                                               "kind": "city_department"})
        drafted = []

        def draft() -> bool:
            try:
                drafted.append(cluster.policy.draft_policy(assertion(OFFICER), {
                    "issuing_unit": UNIT, "title": "关于帮扶困难规上工业企业的若干措施",
                    "document_number": "赣市工信字〔2026〕3号", "level": "municipal",
                    "cost_category": "financing", "summary": "对困难规上企业给予贷款贴息。",
                    "effective_from": office_day(utc_now()).isoformat(),
                    "full_text": "一、对运营困难的规模以上工业企业给予贷款贴息。",
                    "contact": CONTACT,
                    "criteria": {"tiers": ["difficult"], "counties": ["zhanggong"],
                                 "above_designated_size": True}}))
                return True
            except Refused as refused:
                if refused.rule != "unknown_unit":
                    raise
                return False

        wait_until(draft)
        policy_id = drafted[0]["id"]
        cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "publish", {})

        def verdict():
            try:
                items = cluster.policy.match_enterprise(office, USCC)["items"]
            except Refused as refused:
                assert refused.rule == "enterprise_not_known"
                return None
            [found] = [item for item in items if item["policy_id"] == policy_id]
            return found

        # registered, not yet rated: known to policy, but not in the tier
        wait_until(lambda: verdict() is not None)
        unrated = verdict()
        assert unrated["eligible"] is False and "未评定" in unrated["reason"]

        cluster.liaison.rate_enterprise(assertion(ZHANGGONG), USCC, "difficult")
        wait_until(lambda: verdict()["eligible"])

        cluster.liaison.change_enterprise(assertion(ZHANGGONG), USCC,
                                          {"above_designated_size": False})
        wait_until(lambda: not verdict()["eligible"])

        # every liaison event delivered again: policy's row stays as it is
        relay_again(make_engine(liaison_url))
        cluster.liaison.rate_enterprise(assertion(ZHANGGONG), USCC, "difficult")
        policy_engine = make_engine(policy_url)

        def row():
            with policy_engine.connect() as connection:
                return connection.execute(sa.text(
                    "SELECT tier, above_designated_size, version FROM policy_enterprises "
                    "WHERE uscc = :uscc"), {"uscc": USCC}).one()
        wait_until(lambda: row().version == 4)
        tier, above, version = row()
        assert (tier, bool(above), version) == ("difficult", False, 4)
        assert verdict()["eligible"] is False
