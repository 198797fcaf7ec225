"""The linkage over RPC, in a container on the real broker and each store: the registry seeded
with its own events (a generated city), a plan proposed by the enterprise help working group and
accepted by the office, a change refused naming the rule and one accepted, the department's park,
a liaison officer appointed, and who reads which linkage."""
from __future__ import annotations

from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy

from bench.city import generate
from callers import assertion
from liaison_rpc import refused
from kernel.aggregate import Fact
from kernel.database import make_engine, migrate
from kernel.envelope import utc_now
from kernel.store import EventStore
from services.liaison import projections
from services.liaison.linkage import views

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "liaison" / "migrations"
OFFICE = {"sub": "clerk-li", "role": "office"}
HELPER = {"sub": "officer-wang", "role": "unit_officer", "unit": "fgw"}
OUTSIDER = {"sub": "officer-zhao", "role": "unit_officer", "unit": "gxj"}
SUPERVISOR = {"sub": "inspector", "role": "supervisor"}


def seed_registry(url: str):
    """The registry as its own events would have it: units, parks, leaders, enterprises rated."""
    city = generate(seed=11, city_leaders=3, top_leaders=1, parks=3, enterprises=600,
                    county_leaders=True)
    engine = make_engine(url)
    migrate(engine, MIGRATIONS)
    store = EventStore(engine, [projections.project])
    now, by = utc_now(), "office:seed"

    def fact(type_, payload):
        return [Fact(type_, payload, now, by)]

    with store.unit_of_work() as uow:
        for code, name in (("fgw", "市发改委"), ("gxj", "市工信局")):
            uow.append(code, "unit", 0, fact("UnitRegistered", {
                "code": code, "name": name, "kind": "city_department", "county": None}))
        uow.append("zhanggong", "unit", 0, fact("UnitRegistered", {
            "code": "zhanggong", "name": "章贡区", "kind": "county", "county": "zhanggong"}))
        for park in city.parks:
            uow.append(park["id"], "park", 0, fact("ParkRegistered", park))
        for leader in city.leaders:
            uow.append(leader["id"], "leader", 0, fact("LeaderRegistered", {
                k: leader[k] for k in ("id", "name", "rank", "title", "county")}))
        for e in city.enterprises:
            facts = [Fact("EnterpriseRegistered", {
                k: e[k] for k in ("uscc", "name", "county", "park", "industry", "size",
                                  "above_designated_size")}, now, by)]
            if e["tier"]:
                facts.append(Fact("EnterpriseTierRated", {"tier": e["tier"],
                                                          "rated_by": e["county"]}, now, by))
            uow.append(e["uscc"], "enterprise", 0, facts)
    engine.dispose()
    return city


def test_a_plan_is_proposed_accepted_changed_and_read_as_each_may(db_url, liaison):
    city = seed_registry(db_url)
    rows = {e["uscc"]: e for e in city.enterprises}
    config = liaison(db_url)
    with ClusterRpcProxy(config) as cluster:
        rpc = cluster.liaison
        rpc.set_working_group(assertion(OFFICE), "enterprise_help",
                              [{"name": "张主任", "unit": "fgw", "role": "member"}])

        # only the enterprise help working group proposes
        assert refused(rpc.propose_plan, assertion(OUTSIDER)).rule == \
            "not_enterprise_help_member"
        assert refused(rpc.propose_plan, assertion({"sub": "l", "role": "leader"})).rule == \
            "role_not_allowed"
        # a pinned park that cannot hold the top leader: the exact reason
        thin = refused(rpc.propose_plan, assertion(HELPER), {"leader-01": "nowhere"})
        assert thin.rule == "park_not_found"

        plan = rpc.propose_plan(assertion(HELPER))
        assert plan["status"] == "proposed"
        assert [l["leader_id"] for l in plan["linkages"]] == ["leader-01", "leader-02",
                                                              "leader-03"]
        for linkage in plan["linkages"]:
            assert linkage["coverage"]["tiers"] == {"good": 10, "average": 3, "difficult": 2}
        top = plan["linkages"][0]
        assert top["park"] and all(rows[u]["park"] == top["park"] for u in top["enterprises"])
        assert plan["stats"]["status"] in ("optimal", "feasible")
        assert rpc.get_plan(assertion(SUPERVISOR), plan["id"])["id"] == plan["id"]
        assert [p["id"] for p in rpc.list_plans(assertion(OFFICE))["items"]] == [plan["id"]]
        assert rpc.linkages(assertion(OFFICE))["items"] == []

        # the office accepts it as a whole, once
        assert refused(rpc.accept_plan, assertion(HELPER), plan["id"]).rule == "role_not_allowed"
        accepted = rpc.accept_plan(assertion(OFFICE), plan["id"])
        assert accepted["status"] == "accepted" and accepted["accepted_at"]
        assert refused(rpc.accept_plan, assertion(OFFICE), plan["id"]).rule == \
            "plan_already_accepted"
        assert refused(rpc.accept_plan, assertion(OFFICE), "no-such-plan").rule == \
            "plan_not_found"

        # who reads which linkage
        assert len(rpc.linkages(assertion(OFFICE))["items"]) == 3
        mine = rpc.linkages(assertion({"sub": "leader-01", "role": "leader"}))["items"]
        assert [l["leader_id"] for l in mine] == ["leader-01"]
        assert refused(rpc.get_linkage, assertion({"sub": "leader-01", "role": "leader"}),
                       "leader-02").rule == "may_not_read_linkage"
        assert refused(rpc.linkages, assertion({"sub": "x", "role": "enterprise",
                                                "uscc": city.enterprises[0]["uscc"]})).rule \
            == "role_not_allowed"
        officer = rpc.appoint_liaison(assertion(OFFICE), {
            "cadre_id": "cadre-7", "name": "刘联络", "unit": "gxj", "leader_id": "leader-02"})
        assert officer["leader_id"] == "leader-02"
        assert refused(rpc.appoint_liaison, assertion(OFFICE), {
            "cadre_id": "cadre-7", "name": "刘联络", "unit": "gxj",
            "leader_id": "leader-03"}).rule == "liaison_already_appointed"
        liaison_sees = rpc.linkages(assertion({"sub": "cadre-7", "role": "liaison"}))["items"]
        assert [l["leader_id"] for l in liaison_sees] == ["leader-02"]
        assert liaison_sees[0]["liaison_officers"][0]["cadre_id"] == "cadre-7"
        assert rpc.linkages(assertion({"sub": "cadre-9", "role": "liaison"}))["items"] == []

        # a change is checked against every rule with the rest standing
        second, third = plan["linkages"][1]["enterprises"], plan["linkages"][2]["enterprises"]
        taking = [second[0]] + third[1:]
        same_tier = rows[second[0]]["tier"] == rows[third[0]]["tier"]
        error = refused(rpc.change_linkage, assertion(OFFICE), "leader-03", taking, None,
                        "调整")
        assert error.rule == ("one_city_leader_per_enterprise" if same_tier else "tier_mix")
        assert refused(rpc.change_linkage, assertion(OFFICE), "leader-03", third[1:], None,
                       "减少").rule == "at_least_fifteen_enterprises"
        linked = {u for l in plan["linkages"] for u in l["enterprises"]}
        spare = next(u for u, e in rows.items() if u not in linked and e["tier"] ==
                     rows[third[0]]["tier"] and e["above_designated_size"])
        changed = rpc.change_linkage(assertion(OFFICE), "leader-03", [spare] + third[1:], None,
                                     "企业调整")
        assert spare in changed["enterprises"] and third[0] not in changed["enterprises"]
        outside = next(u for u, e in rows.items() if e["county"] != "zhanggong")
        assert refused(rpc.change_linkage, assertion(OFFICE), "leader-zhanggong", [outside],
                       None, "县领导挂点").rule == "county_leader_own_county"
        home = [u for u, e in rows.items() if e["county"] == "zhanggong"][:2]
        assert rpc.change_linkage(assertion(OFFICE), "leader-zhanggong", home, None,
                                  "县领导挂点")["rank"] == "county"

        # departments and their parks
        assert rpc.link_department(assertion(OFFICE), "fgw", "park-01")["park"] == "park-01"
        assert rpc.department_park(assertion(HELPER), "fgw")["park"] == "park-01"
        assert refused(rpc.link_department, assertion(OFFICE), "zhanggong",
                       "park-01").rule == "not_city_department"
        assert refused(rpc.department_park, assertion(HELPER), "gxj").rule == \
            "department_park_not_found"

    # the read models rebuild from the log to what they were
    engine = make_engine(db_url)
    with engine.connect() as connection:
        before = (views.linkages(connection), views.plans(connection),
                  views.officers(connection), views.department_parks(connection))
    projections.rebuild(engine)
    with engine.connect() as connection:
        assert (views.linkages(connection), views.plans(connection),
                views.officers(connection), views.department_parks(connection)) == before
    engine.dispose()
