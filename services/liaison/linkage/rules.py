"""The leaders' linkage rules (领导挂点联系), notice 三(一)1, as data and as checks that name the
rule a linkage breaks.

    市党政领导、市人大常委会和市政协主要领导，每人挂点联系1个园区，并在园区至少挂点联系15户规模以上企业；
    市其他厅级领导每人至少挂点联系15户规模以上企业；县(市、区)及…经济技术开发区领导分别联系本辖区企业…
    按照“好的企业10家、一般的企业3家、困难的企业2家”的要求，为每个市领导确定联系企业名单。

What the rules say, and what is decided here where the notice is silent:

- A top city leader (rank `top_city`) links exactly one park, and every enterprise on his list is
  in that park ("在园区…联系" — his enterprises are the park's).
- Every city leader (rank `top_city` or `city`) links at least 15 enterprises, each above the
  designated size (规模以上) and rated by its county (the list is drawn from the counties' ratings).
- The tier mix 10 good / 3 average / 2 difficult applies to every whole fifteen of a list: a list
  of n enterprises holds at least 10k good, 3k average and 2k difficult, k = n // 15; the n - 15k
  beyond the last whole fifteen are of any tier. So a list of exactly 15 is exactly 10/3/2 (what
  the planner always proposes), a list of 30 is exactly 20/6/4, and a leader who takes on 17
  keeps the 10/3/2 core with 2 more of any tier.
- No enterprise has two city leaders. A county leader's enterprises are not counted here: a
  county leader may link an enterprise a city leader also links.
- A county leader (rank `county`) links only enterprises of his own county/zone, as many as he
  likes (the notice sets no number).

Plain Python, no I/O: the caller hands in the registry's rows as dicts.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from services.liaison.linkage.exceptions import (
    AboveSizeOnly, AtLeastFifteen, CountyLeaderOwnCounty, DuplicateEnterprise,
    EnterpriseNotFound, LeaderNotFound, ParkNotFound, ParkOnlyForTopLeader, TierMix, TierUnrated,
    TopLeaderEnterprisesInPark, TopLeaderOnePark, TwoCityLeaders,
)

TOP_CITY, CITY, COUNTY = "top_city", "city", "county"
CITY_RANKS = (TOP_CITY, CITY)
TIERS = ("good", "average", "difficult")
TIER_LABELS = {"good": "较好", "average": "一般", "difficult": "困难"}

# notice 三(一)1: at least 15 above-size enterprises per city leader
MINIMUM = 15
# notice 三(一)1: 10 good, 3 average, 2 difficult
MIX: dict[str, int] = {"good": 10, "average": 3, "difficult": 2}
assert sum(MIX.values()) == MINIMUM

# The rules as data: code → what it says, for the documents and the API's answers.
RULES: dict[str, str] = {
    "top_leader_one_park": "a top city leader (市党政领导、人大、政协主要领导) links exactly one park",
    "top_leader_enterprises_in_park": "a top city leader's enterprises are all in his park",
    "at_least_fifteen_enterprises": "a city leader links at least 15 enterprises",
    "above_designated_size_only": "a city leader's enterprises are above the designated size",
    "tier_unrated": "a city leader's enterprises are rated by their county (较好/一般/困难)",
    "tier_mix": "each whole fifteen of a city leader's list is 10 good, 3 average, 2 difficult",
    "one_city_leader_per_enterprise": "no enterprise has two city leaders",
    "county_leader_own_county": "a county leader links only enterprises of his own county",
}


def is_city_leader(leader: Mapping) -> bool:
    return leader.get("rank") in CITY_RANKS


def required_mix(count: int) -> dict[str, int]:
    """The least number of each tier a list of `count` enterprises must hold: the mix for every
    whole fifteen (see the module's note)."""
    whole = count // MINIMUM
    return {tier: n * whole for tier, n in MIX.items()}


def _name(row: Mapping | None, key: str) -> str:
    if not row:
        return key
    name = row.get("name")
    return f"{name} ({key})" if name and name != key else key


def check_linkage(leader: Mapping, park: str | None, enterprises: Iterable[str],
                  registry_enterprises: Mapping[str, Mapping],
                  registry_parks: Mapping[str, Mapping]) -> None:
    """Refuse, naming the rule, one leader's linkage (his park, his list) that breaks a rule on
    its own. `registry_*` map ids to the registry's rows."""
    listed = list(enterprises)
    who = _name(leader, leader["id"])
    seen: set[str] = set()
    for uscc in listed:
        if uscc in seen:
            raise DuplicateEnterprise(uscc)
        seen.add(uscc)
        if uscc not in registry_enterprises:
            raise EnterpriseNotFound(uscc, field="enterprises")
    rank = leader.get("rank")
    if rank == COUNTY:
        if park is not None:
            raise ParkOnlyForTopLeader(leader["id"])
        for uscc in listed:
            enterprise = registry_enterprises[uscc]
            if enterprise.get("county") != leader.get("county"):
                raise CountyLeaderOwnCounty(
                    f"county leader {who} of {leader.get('county')} may link only enterprises of "
                    f"his county; {_name(enterprise, uscc)} is in {enterprise.get('county')}")
        return
    if rank == TOP_CITY:
        if not park:
            raise TopLeaderOnePark(f"top city leader {who} links exactly one park; name it",
                                   field="park")
        if park not in registry_parks:
            raise ParkNotFound(park, field="park")
    elif park is not None:
        raise ParkOnlyForTopLeader(leader["id"])
    if len(listed) < MINIMUM:
        raise AtLeastFifteen(f"city leader {who} links {len(listed)} enterprises; at least "
                             f"{MINIMUM} above-size enterprises are required")
    tiers: Counter = Counter()
    for uscc in listed:
        enterprise = registry_enterprises[uscc]
        named = _name(enterprise, uscc)
        if not enterprise.get("above_designated_size"):
            raise AboveSizeOnly(f"{named} is not above the designated size (规模以上); city "
                                f"leader {who} links only above-size enterprises")
        if rank == TOP_CITY and enterprise.get("park") != park:
            raise TopLeaderEnterprisesInPark(
                f"{named} is not in park {_name(registry_parks[park], park)}; top city leader "
                f"{who} links enterprises of his park only")
        if enterprise.get("tier") not in TIERS:
            raise TierUnrated(f"{named} has not been rated 较好/一般/困难 by its county "
                              f"({enterprise.get('county')}); only rated enterprises are listed")
        tiers[enterprise["tier"]] += 1
    needed = required_mix(len(listed))
    short = [f"{needed[t]} {t} (has {tiers[t]})" for t in TIERS if tiers[t] < needed[t]]
    if short:
        raise TierMix(f"city leader {who}'s list of {len(listed)} must hold at least "
                      + ", ".join(f"{needed[t]} {t}" for t in TIERS)
                      + " (10 good, 3 average, 2 difficult for each whole 15); short of: "
                      + ", ".join(short))


def check_no_two_city_leaders(leader: Mapping, enterprises: Iterable[str],
                              others: Mapping[str, str],
                              registry_enterprises: Mapping[str, Mapping] | None = None) -> None:
    """Refuse a city leader's list naming an enterprise that `others` (uscc → another city
    leader's id) already gives a city leader."""
    if not is_city_leader(leader):
        return
    registry_enterprises = registry_enterprises or {}
    for uscc in enterprises:
        other = others.get(uscc)
        if other is not None and other != leader["id"]:
            raise TwoCityLeaders(
                f"{_name(registry_enterprises.get(uscc), uscc)} is already linked to city "
                f"leader {other}; no enterprise has two city leaders")


def check_plan(linkages: Iterable[Mapping], registry_leaders: Mapping[str, Mapping],
               registry_enterprises: Mapping[str, Mapping],
               registry_parks: Mapping[str, Mapping]) -> None:
    """Refuse, naming the rule and the leader, a whole plan: each linkage `{leader_id, park,
    enterprises}` on its own, then no enterprise twice among the city leaders."""
    holders: dict[str, str] = {}
    for linkage in linkages:
        leader = registry_leaders.get(linkage["leader_id"])
        if leader is None:
            raise LeaderNotFound(linkage["leader_id"], field="leader_id")
        check_linkage(leader, linkage.get("park"), linkage["enterprises"],
                      registry_enterprises, registry_parks)
        check_no_two_city_leaders(leader, linkage["enterprises"], holders, registry_enterprises)
        if is_city_leader(leader):
            holders.update({uscc: leader["id"] for uscc in linkage["enterprises"]})


def coverage(linkage: Mapping, registry_enterprises: Mapping[str, Mapping]) -> dict:
    """What supervision reads of one leader's linkage: how many, of which tier, where."""
    listed = [registry_enterprises.get(uscc, {}) for uscc in linkage["enterprises"]]
    return {
        "enterprises": len(listed),
        "tiers": {tier: sum(1 for e in listed if e.get("tier") == tier) for tier in TIERS},
        "counties": sorted({e["county"] for e in listed if e.get("county")}),
        "parks": sorted({e["park"] for e in listed if e.get("park")}),
    }
