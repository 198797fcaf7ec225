"""The liaison registry over RPC, in a container on the real broker and each store: units, parks,
leaders and enterprises registered by the office, a county's enterprises by its own officer and
rated by it with the history kept; the lists filtered; the leading group's members set; bad input
refused naming the field with nothing written; the read models rebuilt from the log the same,
and the query functions the linkage and the field work read."""
from __future__ import annotations

from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from liaison_rpc import refused
from kernel.database import make_engine
from services.liaison import projections
from services.liaison.registry import views

OFFICE = {"sub": "clerk-li", "role": "office"}
ZHANGGONG = {"sub": "officer-wang", "role": "unit_officer", "unit": "zhanggong"}
NANKANG = {"sub": "officer-zhao", "role": "unit_officer", "unit": "nankang"}
ENTERPRISE = {"sub": "boss", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
PUBLIC = {"sub": "portal", "role": "public"}
USCC = "91360702MA35G0QX4J"
USCC_2 = "91360702MA35G0QX19"
USCC_3 = "91360781MA35G0QX53"


def seed(registry) -> None:
    office = assertion(OFFICE)
    registry.register_unit(office, {"code": "zhanggong", "name": "章贡区", "kind": "county"})
    registry.register_unit(office, {"code": "nankang", "name": "南康区", "kind": "county"})
    registry.register_unit(office, {"code": "finance", "name": "市财政局",
                                    "kind": "city_department"})
    registry.register_park(office, {"id": "zg-hitech", "name": "章贡高新区",
                                    "county": "zhanggong"})
    registry.register_park(office, {"id": "nk-furniture", "name": "南康家具产业园",
                                    "county": "nankang"})


def test_the_registry_life_over_rpc(db_url, liaison):
    config = liaison(db_url)
    with ClusterRpcProxy(config) as cluster:
        registry = cluster.liaison
        seed(registry)
        office = assertion(OFFICE)

        # a county's officer registers its own enterprise; the office another county's
        mine = registry.register_enterprise(assertion(ZHANGGONG), {
            "uscc": "9136 0702 MA35 G0QX 4J", "name": "赣州稀土集团", "county": "zhanggong",
            "park": "zg-hitech", "industry": "稀土", "size": "large",
            "above_designated_size": True})
        assert mine["uscc"] == USCC and mine["version"] == 1 and mine["tier"] is None
        registry.register_enterprise(office, {
            "uscc": USCC_2, "name": "章贡小微", "county": "zhanggong", "industry": "电子",
            "size": "micro", "above_designated_size": False})
        registry.register_enterprise(office, {
            "uscc": USCC_3, "name": "南康家具", "county": "nankang", "park": "nk-furniture",
            "industry": "家具", "size": "medium", "above_designated_size": True})

        # rated by its county, then again; the history kept, who and when
        registry.rate_enterprise(assertion(ZHANGGONG), USCC, "difficult")
        rated = registry.rate_enterprise(office, USCC, "good")
        assert rated["tier"] == "good" and rated["rated_by"] == "office"
        history = registry.enterprise_ratings(office, USCC)
        assert [(r["tier"], r["rated_by"], r["actor"]) for r in history["ratings"]] == [
            ("difficult", "zhanggong", "unit_officer:zhanggong:officer-wang"),
            ("good", "office", "office:clerk-li")]
        # its county sees the history, who rated stays with the office
        assert registry.enterprise_ratings(assertion(ZHANGGONG), USCC)["ratings"] == [
            {k: v for k, v in r.items() if k != "actor"} for r in history["ratings"]]
        registry.rate_enterprise(assertion(NANKANG), USCC_3, "average")

        changed = registry.change_enterprise(assertion(ZHANGGONG), USCC,
                                             {"name": "中国稀土集团(赣州)", "size": "large"})
        assert changed["name"] == "中国稀土集团(赣州)" and changed["version"] == 4

        # another county's officer reads the profile, not the tier
        got = registry.get_enterprise(assertion(NANKANG), USCC)
        assert got == {k: v for k, v in registry.get_enterprise(office, USCC).items()
                       if k not in ("tier", "rated_at", "rated_by", "ratings")}
        assert got["name"] == changed["name"]

        # the lists, filtered
        def usccs(**filters):
            return [item["uscc"] for item in registry.list_enterprises(office, filters)["items"]]
        assert usccs() == sorted([USCC, USCC_2, USCC_3])
        assert usccs(county="zhanggong") == sorted([USCC, USCC_2])
        assert usccs(park="nk-furniture") == [USCC_3]
        assert usccs(tier="good") == [USCC]
        assert usccs(tier="unrated") == [USCC_2]
        assert usccs(above_designated_size="true") == sorted([USCC, USCC_3])
        assert usccs(above_designated_size=False) == [USCC_2]

        # leaders, units, parks
        registry.register_leader(office, {"id": "secretary", "name": "李书记",
                                          "rank": "top_city", "title": "市委书记"})
        registry.register_leader(office, {"id": "vice-mayor-wu", "name": "吴副市长",
                                          "rank": "city", "title": "副市长"})
        registry.register_leader(office, {"id": "zg-secretary", "name": "王书记",
                                          "rank": "county", "title": "章贡区委书记",
                                          "county": "zhanggong"})
        assert [row["id"] for row in registry.list_leaders(office, {"rank": "top_city"})[
            "items"]] == ["secretary"]
        assert registry.get_leader(office, "zg-secretary")["county"] == "zhanggong"
        moved = registry.change_leader(office, "vice-mayor-wu", {"title": "常务副市长"})
        assert moved["title"] == "常务副市长" and moved["version"] == 2
        assert [row["code"] for row in registry.list_units(office, {"kind": "county"})[
            "items"]] == ["nankang", "zhanggong"]
        assert registry.get_unit(office, "finance")["kind"] == "city_department"
        registry.change_unit(office, "finance", {"name": "市财政局(市国资委)"})
        assert [row["id"] for row in registry.list_parks(office, {"county": "nankang"})[
            "items"]] == ["nk-furniture"]
        assert registry.change_park(office, "zg-hitech", {"name": "章贡高新技术产业园区"})[
            "name"] == "章贡高新技术产业园区"
        assert registry.get_park(assertion(ENTERPRISE), "zg-hitech")["county"] == "zhanggong"

        # the leading group's working groups
        group = registry.set_working_group(office, "enterprise_help", [
            {"name": "张三", "unit": "finance", "role": "head"},
            {"name": "李四", "unit": "zhanggong"}])
        assert group["groups"]["enterprise_help"]["members"][1] == {
            "name": "李四", "unit": "zhanggong", "role": "member"}
        assert registry.get_leading_group(assertion(ZHANGGONG)) == group

    # the read models: what linkage and field work read, and the same after a rebuild
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            before = {
                "enterprise": views.enterprise(connection, USCC),
                "enterprises": views.enterprises(connection, county="zhanggong", tier="good",
                                                 above_designated_size=True),
                "park": views.park(connection, "zg-hitech"), "parks": views.parks(connection),
                "unit": views.unit(connection, "finance"),
                "units": views.units(connection, kind="county"),
                "leader": views.leader(connection, "secretary"),
                "leaders": views.leaders(connection, rank="county"),
                "group": views.working_group_units(connection, "enterprise_help"),
            }
        assert before["enterprise"]["tier"] == "good"
        assert before["enterprise"]["above_designated_size"] is True
        assert [row["uscc"] for row in before["enterprises"]] == [USCC]
        assert before["unit"]["name"] == "市财政局(市国资委)"
        assert before["group"] == ["finance", "zhanggong"]
        assert [row["id"] for row in before["leaders"]] == ["zg-secretary"]
        with engine.connect() as connection:
            assert views.enterprise(connection, "91360702MA35G0QX2C") is None
        # 3 enterprises, 2 parks, 3 units, 3 leaders, the leading group
        assert projections.rebuild(engine) == 12
        with engine.connect() as connection:
            assert views.enterprise(connection, USCC) == before["enterprise"]
            assert views.parks(connection) == before["parks"]
            assert views.units(connection, kind="county") == before["units"]
            assert views.leader(connection, "secretary") == before["leader"]
            assert views.working_group_units(connection, "enterprise_help") == before["group"]
    finally:
        engine.dispose()


def test_bad_input_and_wrong_callers_are_refused_changing_nothing(db_url, liaison):
    config = liaison(db_url)
    with ClusterRpcProxy(config) as cluster:
        registry = cluster.liaison
        seed(registry)
        office = assertion(OFFICE)
        good = {"uscc": USCC, "name": "赣州稀土集团", "county": "zhanggong", "park": "zg-hitech",
                "industry": "稀土", "size": "large", "above_designated_size": True}
        for overrides, rule, field in (
                ({"uscc": "91360702MA35G0QX4K"}, "invalid_uscc", "uscc"),
                ({"county": "beijing"}, "unknown_county", "county"),
                ({"park": "no-such-park"}, "unknown_park", "park"),
                ({"park": "nk-furniture"}, "park_not_in_county", "park"),
                ({"size": "giant"}, "unknown_code", "size"),
                ({"above_designated_size": "yes"}, "not_a_flag", "above_designated_size"),
                ({"tier": "good"}, "unexpected_field", "tier")):
            error = refused(registry.register_enterprise, office, {**good, **overrides})
            assert (error.rule, error.field) == (rule, field), overrides
        error = refused(registry.register_enterprise, assertion(NANKANG), good)
        assert (error.rule, error.kind, error.field) == ("not_own_county", "forbidden", "county")
        assert registry.list_enterprises(office, {})["items"] == []

        registry.register_enterprise(office, good)
        assert refused(registry.register_enterprise, office, good).rule == \
            "enterprise_already_registered"
        error = refused(registry.rate_enterprise, assertion(ZHANGGONG), USCC, "excellent")
        assert (error.rule, error.field) == ("unknown_code", "tier")
        assert refused(registry.rate_enterprise, assertion(NANKANG), USCC, "good").rule == \
            "not_own_county"
        assert refused(registry.rate_enterprise, assertion(ENTERPRISE), USCC, "good").rule == \
            "role_not_allowed"
        error = refused(registry.change_enterprise, assertion(ZHANGGONG), USCC,
                        {"county": "nankang", "park": "nk-furniture"})
        assert (error.rule, error.field) == ("not_own_county", "county")
        assert refused(registry.rate_enterprise, office, USCC_2, "good").rule == \
            "enterprise_not_found"
        assert refused(registry.get_enterprise, office, USCC_2).kind == "not_found"
        assert refused(registry.get_enterprise, assertion(PUBLIC), USCC).rule == \
            "role_not_allowed"
        after = registry.get_enterprise(office, USCC)
        assert after["version"] == 1 and after["ratings"] == []

        # the organisation is the office's; an id names one thing only
        assert refused(registry.register_park, assertion(ZHANGGONG), {
            "id": "p9", "name": "x", "county": "zhanggong"}).rule == "role_not_allowed"
        error = refused(registry.register_park, office, {"id": "finance", "name": "x",
                                                         "county": "zhanggong"})
        assert (error.rule, error.field) == ("id_in_use", "id")
        error = refused(registry.register_leader, office, {"id": "x", "name": "x",
                                                           "rank": "county", "title": "书记"})
        assert (error.rule, error.field) == ("county_required", "county")
        error = refused(registry.set_working_group, office, "supervision",
                        [{"name": "赵六", "unit": "no-such-unit"}])
        assert (error.rule, error.field) == ("unknown_unit", "members[0].unit")
        error = refused(registry.list_enterprises, office, {"colour": "red"})
        assert error.rule == "unknown_filter"
        assert refused(registry.list_units, office, {"kind": "ministry"}).field == "kind"
        assert registry.list_leaders(office)["items"] == []
        assert [p["id"] for p in registry.list_parks(office)["items"]] == [
            "nk-furniture", "zg-hitech"]
