"""The linkage planner on a generated city (bench.city: 18 counties/districts and 3 zones, 30 city
leaders of whom 6 top, 40 parks, 2,000 enterprises), its plan proved valid by a checker written
here from the notice's words (三(一)1), not from services.liaison.linkage.rules; and cities where
no plan exists, each refused with the exact reason."""
from __future__ import annotations

import copy
from collections import Counter

import pytest

from bench.city import generate
from kernel.campaign import COUNTIES
from services.liaison.linkage import plan
from services.liaison.linkage.exceptions import PlanInfeasible


def notice_violations(city, linkages) -> list[str]:
    """Everything a plan breaks of notice 三(一)1, read independently:
    市党政领导、市人大常委会和市政协主要领导，每人挂点联系1个园区，并在园区至少挂点联系15户规模以上企业；
    市其他厅级领导每人至少挂点联系15户规模以上企业；…好的企业10家、一般的企业3家、困难的企业2家。"""
    found = []
    enterprises = {e["uscc"]: e for e in city.enterprises}
    parks = {p["id"] for p in city.parks}
    city_leaders = {l["id"]: l for l in city.leaders if l["rank"] in ("top_city", "city")}
    planned = {l["leader_id"]: l for l in linkages}
    if set(planned) != set(city_leaders):
        found.append(f"leaders planned {sorted(planned)} are not the city leaders")
    holders = Counter()
    for leader_id, leader in city_leaders.items():
        linkage = planned.get(leader_id)
        if linkage is None:
            continue
        listed = linkage["enterprises"]
        if len(set(listed)) != len(listed):
            found.append(f"{leader_id} lists an enterprise twice")
        rows = [enterprises[u] for u in listed]
        if len(rows) < 15:
            found.append(f"{leader_id} has fewer than 15")
        if any(not e["above_designated_size"] for e in rows):
            found.append(f"{leader_id} has an enterprise below the designated size")
        tiers = Counter(e["tier"] for e in rows)
        if len(rows) == 15 and (tiers["good"], tiers["average"], tiers["difficult"]) != (10, 3, 2):
            found.append(f"{leader_id} is not 10 good / 3 average / 2 difficult: {dict(tiers)}")
        if leader["rank"] == "top_city":
            if linkage["park"] not in parks:
                found.append(f"top leader {leader_id} has no park")
            if any(e["park"] != linkage["park"] for e in rows):
                found.append(f"top leader {leader_id} has an enterprise outside his park")
        elif linkage["park"] is not None:
            found.append(f"{leader_id} is not a top leader but links a park")
        holders.update(listed)
    found += [f"{u} has {n} city leaders" for u, n in holders.items() if n > 1]
    return found


@pytest.fixture(scope="module")
def city():
    return generate(seed=2016)


def test_the_generated_city_is_the_one_the_issue_asks_for(city):
    assert len({e["county"] for e in city.enterprises}) == len(COUNTIES) == 21
    assert sum(l["rank"] == "top_city" for l in city.leaders) == 6
    assert sum(l["rank"] in ("top_city", "city") for l in city.leaders) == 30
    assert len(city.parks) == 40 and len(city.enterprises) == 2000


def test_the_planner_solves_the_city_and_the_notice_checker_finds_nothing_wrong(city):
    solved = plan.solve(city.leaders, city.enterprises, city.parks)
    assert notice_violations(city, solved.linkages) == []
    assert solved.stats["status"] in ("optimal", "feasible")
    assert solved.stats["seconds"] < 60
    # spread: no county carries much more than its share of the 450 linked enterprises
    assert solved.stats["objective"]["most_in_a_county"] <= 30
    # the six top leaders in six different parks
    assert len({l["park"] for l in solved.linkages if l["rank"] == "top_city"}) == 6


def test_the_checker_itself_catches_a_broken_plan(city):
    solved = plan.solve(city.leaders, city.enterprises, city.parks)
    broken = copy.deepcopy(solved.linkages)
    broken[7]["enterprises"][0] = broken[8]["enterprises"][0]
    assert any("2 city leaders" in v for v in notice_violations(city, broken))


def test_the_same_city_gives_the_same_plan(city):
    first = plan.solve(city.leaders, city.enterprises, city.parks)
    again = plan.solve(city.leaders, city.enterprises, city.parks)
    assert first.linkages == again.linkages


def test_a_pinned_park_is_kept(city):
    top = next(l for l in city.leaders if l["rank"] == "top_city")
    chosen = plan.solve(city.leaders, city.enterprises, city.parks).linkages[1]["park"]
    solved = plan.solve(city.leaders, city.enterprises, city.parks, {top["id"]: chosen})
    assert next(l for l in solved.linkages if l["leader_id"] == top["id"])["park"] == chosen
    assert notice_violations(city, solved.linkages) == []


# -- cities without a plan ------------------------------------------------------------------------

def reasons(city, pinned=None) -> list[str]:
    with pytest.raises(PlanInfeasible) as refused:
        plan.solve(city.leaders, city.enterprises, city.parks, pinned)
    assert refused.value.rule == "plan_infeasible"
    assert refused.value.reasons == plan.diagnose(city.leaders, city.enterprises, city.parks,
                                                  pinned)
    return refused.value.reasons


def test_too_few_above_size_enterprises_for_the_city_leaders():
    small = generate(seed=1, enterprises=300)
    usable = sum(1 for e in small.enterprises if plan.eligible(e))
    found = reasons(small)
    assert f"30 city leaders need 450 rated above-size enterprises (15 each), the city has " \
           f"{usable}" in found[0]


def test_too_few_difficult_enterprises():
    city = generate(seed=3, tier_weights={"good": 0.80, "average": 0.18, "difficult": 0.02})
    difficult = sum(1 for e in city.enterprises if plan.eligible(e) and e["tier"] == "difficult")
    assert difficult < 60
    assert (f"30 city leaders need 60 difficult above-size enterprises (2 each), the city has "
            f"{difficult}") in reasons(city)


def test_a_pinned_park_short_of_difficult_enterprises_is_named():
    city = generate(seed=4)
    park = city.parks[0]
    # the park keeps exactly one difficult above-size enterprise
    difficult = [e for e in city.enterprises if e["park"] == park["id"]
                 and plan.eligible(e) and e["tier"] == "difficult"]
    for e in difficult[1:]:
        e["tier"] = "average"
    top = next(l for l in city.leaders if l["rank"] == "top_city")
    found = reasons(city, {top["id"]: park["id"]})
    assert found == [f"park {park['name']} has 1 difficult above-size enterprise, its leader "
                     f"{top['name']} needs 2"]


def test_no_park_can_hold_a_top_leader():
    city = generate(seed=5, enterprises=2000, parks=40)
    for e in city.enterprises:
        if e["tier"] == "difficult" and e["park"]:
            e["park"] = None   # every difficult enterprise outside the parks
    found = reasons(city)
    assert len(found) == 1
    assert found[0].startswith("6 top city leaders each need a park of his own with 10 good, 3 "
                               "average and 2 difficult rated above-size enterprises; none can "
                               "be placed: park ")
    assert "0 difficult (needs 2)" in found[0]


def test_unrated_enterprises_are_counted_apart():
    city = generate(seed=6, enterprises=800)
    for e in city.enterprises[:100]:
        if e["above_designated_size"]:
            e["tier"] = None
    waiting = sum(1 for e in city.enterprises if e["above_designated_size"] and not e["tier"])
    assert "still await their county's rating" in reasons(city)[0]
    assert f"({waiting} more above-size enterprises" in reasons(city)[0]


def test_no_city_leaders_nothing_to_plan():
    city = generate(seed=7, city_leaders=0, top_leaders=0)
    with pytest.raises(Exception) as refused:
        plan.solve(city.leaders, city.enterprises, city.parks)
    assert refused.value.rule == "no_city_leaders"
