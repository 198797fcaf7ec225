"""The linkage rules (notice 三(一)1), pure: each broken rule refused naming it, and the aggregate
checking a change against the rest of the city's linkage."""
from __future__ import annotations

import datetime as dt

import pytest

from bench.city import credit_code
from kernel.actor import Actor
from kernel.errors import DomainError
from services.liaison.linkage import rules
from services.liaison.linkage.domain import CityLinkage, LinkagePlan, Registry

NOW = dt.datetime(2016, 5, 20, 9, tzinfo=dt.timezone.utc)
OFFICE = Actor(sub="clerk", role="office")
PARKS = {"park-a": {"id": "park-a", "name": "章贡高新区", "county": "zhanggong"},
         "park-b": {"id": "park-b", "name": "南康家具园", "county": "nankang"}}
LEADERS = {
    "top": {"id": "top", "name": "王书记", "rank": "top_city", "county": None},
    "vice": {"id": "vice", "name": "李副市长", "rank": "city", "county": None},
    "vice2": {"id": "vice2", "name": "张副市长", "rank": "city", "county": None},
    "nk": {"id": "nk", "name": "南康区长", "rank": "county", "county": "nankang"},
}


def enterprises() -> dict:
    """Per park: 20 good, 6 average, 4 difficult above-size; 2 below size; 1 unrated."""
    rows, number = {}, 0
    for park, county in (("park-a", "zhanggong"), ("park-b", "nankang")):
        for tier, n in (("good", 20), ("average", 6), ("difficult", 4), ("small", 2),
                        (None, 1)):
            for _ in range(n):
                number += 1
                uscc = credit_code(number)
                rows[uscc] = {"uscc": uscc, "name": f"企业{number}", "county": county,
                              "park": park, "above_designated_size": tier != "small",
                              "tier": "good" if tier == "small" else tier}
    return rows


ENTERPRISES = enterprises()


def pick(park: str, good=10, average=3, difficult=2) -> list[str]:
    chosen = []
    for tier, n in (("good", good), ("average", average), ("difficult", difficult)):
        chosen += [u for u, e in ENTERPRISES.items() if e["park"] == park and e["tier"] == tier
                   and e["above_designated_size"]][:n]
    return chosen


def broken(leader: str, park, listed) -> DomainError:
    with pytest.raises(DomainError) as refused:
        rules.check_linkage(LEADERS[leader], park, listed, ENTERPRISES, PARKS)
    return refused.value


def test_a_valid_list_of_fifteen_passes():
    rules.check_linkage(LEADERS["top"], "park-a", pick("park-a"), ENTERPRISES, PARKS)
    rules.check_linkage(LEADERS["vice"], None, pick("park-a")[:13] + pick("park-b")[13:],
                        ENTERPRISES, PARKS)


def test_a_top_leader_links_exactly_one_park():
    assert broken("top", None, pick("park-a")).rule == "top_leader_one_park"


def test_a_top_leaders_enterprises_are_in_his_park():
    mixed = pick("park-a")[:-1] + pick("park-b")[-1:]
    error = broken("top", "park-a", mixed)
    assert error.rule == "top_leader_enterprises_in_park" and "章贡高新区" in error.message


def test_at_least_fifteen():
    error = broken("vice", None, pick("park-a")[:14])
    assert error.rule == "at_least_fifteen_enterprises" and "14" in error.message


def test_above_designated_size_only():
    small = next(u for u, e in ENTERPRISES.items() if not e["above_designated_size"])
    assert broken("vice", None, pick("park-a")[:-1] + [small]).rule == \
        "above_designated_size_only"


def test_rated_only():
    unrated = next(u for u, e in ENTERPRISES.items() if e["tier"] is None)
    assert broken("vice", None, pick("park-a")[:-1] + [unrated]).rule == "tier_unrated"


def test_the_tier_mix_and_beyond_fifteen():
    error = broken("vice", None, pick("park-a", good=11, average=3, difficult=1))
    assert error.rule == "tier_mix" and "difficult (has 1)" in error.message
    # beyond 15 the extra ones are of any tier, the 10/3/2 core stays
    rules.check_linkage(LEADERS["vice"], None, pick("park-a", good=12, average=3, difficult=2),
                        ENTERPRISES, PARKS)
    assert broken("vice", None, pick("park-a", good=14, average=3, difficult=0)).rule == \
        "tier_mix"
    # a list of 30 is two whole fifteens: 20/6/4
    rules.check_linkage(LEADERS["vice"], None, pick("park-a", 20, 6, 4), ENTERPRISES, PARKS)
    assert broken("vice", None, pick("park-a", 20, 6, 3) + pick("park-b", 1, 0, 0)).rule == \
        "tier_mix"
    assert rules.required_mix(15) == {"good": 10, "average": 3, "difficult": 2}
    assert rules.required_mix(29) == {"good": 10, "average": 3, "difficult": 2}
    assert rules.required_mix(30) == {"good": 20, "average": 6, "difficult": 4}


def test_no_enterprise_has_two_city_leaders():
    listed = pick("park-a")
    with pytest.raises(DomainError) as refused:
        rules.check_plan([{"leader_id": "top", "park": "park-a", "enterprises": listed},
                          {"leader_id": "vice", "park": None, "enterprises": listed}],
                         LEADERS, ENTERPRISES, PARKS)
    assert refused.value.rule == "one_city_leader_per_enterprise"
    assert "top" in refused.value.message


def test_a_county_leader_links_only_his_county():
    assert broken("nk", None, pick("park-a")[:1]).rule == "county_leader_own_county"
    rules.check_linkage(LEADERS["nk"], None, pick("park-b")[:3], ENTERPRISES, PARKS)


def test_a_park_only_for_a_top_leader_and_nothing_twice():
    assert broken("vice", "park-a", pick("park-a")).rule == "park_only_for_top_leader"
    listed = pick("park-a")
    assert broken("vice", None, listed + listed[:1]).rule == "duplicate_enterprise"


# -- the aggregate: a change is checked with the rest of the city standing -----------------------

def accepted_city() -> CityLinkage:
    registry = Registry(LEADERS, ENTERPRISES, PARKS, {})
    plan = LinkagePlan("plan-1")
    plan.propose([{"leader_id": "top", "rank": "top_city", "park": "park-a",
                   "enterprises": pick("park-a")},
                  {"leader_id": "vice", "rank": "city", "park": None,
                   "enterprises": pick("park-b")}],
                 stats={}, pinned_parks={}, registry=registry, at=NOW, actor=OFFICE,
                 enterprise_help_units=[])
    city = CityLinkage()
    city.accept(plan, registry=registry, at=NOW, actor=OFFICE)
    assert [f.type for f in city.pending()] == ["PlanAccepted"]
    return city


def test_a_change_taking_another_leaders_enterprise_is_refused_then_a_good_one_accepted():
    city = accepted_city()
    registry = Registry(LEADERS, ENTERPRISES, PARKS, {})
    with pytest.raises(DomainError) as refused:
        city.change("vice2", park=None, enterprises=pick("park-a"), reason="调整",
                    registry=registry, at=NOW, actor=OFFICE)
    assert refused.value.rule == "one_city_leader_per_enterprise"
    fresh = pick("park-a", 20, 6, 4)[10:20] + pick("park-a", 20, 6, 4)[23:26] \
        + pick("park-a", 20, 6, 4)[28:30]
    city.change("vice2", park=None, enterprises=fresh, reason="新增挂点", registry=registry,
                at=NOW, actor=OFFICE)
    assert city.linkages["vice2"]["enterprises"] == fresh
    changed = city.pending()[-1]
    assert changed.type == "LinkageChanged" and changed.payload["coverage"]["tiers"] == \
        {"good": 10, "average": 3, "difficult": 2}


def test_only_the_office_accepts_and_changes():
    city = accepted_city()
    with pytest.raises(DomainError) as refused:
        city.change("vice", park=None, enterprises=pick("park-b"), reason="x",
                    registry=Registry(LEADERS, ENTERPRISES, PARKS, {}), at=NOW,
                    actor=Actor(sub="u", role="unit_officer", unit="fgw"))
    assert refused.value.rule == "role_not_allowed"
