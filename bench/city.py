"""A generated city for the linkage planner: its 18 counties/districts and 3 development zones
(kernel.campaign.COUNTIES), parks spread over them, city leaders (some of them top leaders) and
enterprises with a county, maybe a park, an above-designated-size flag and an operating tier —
the shapes of the liaison registry's read model. Seeded: the same arguments give the same city.

Used by the bench's "plan" figure and by the linkage's tests (tests/liaison/linkage/), never by
production code.
"""
from __future__ import annotations

import dataclasses
import random

from stdnum.cn import uscc as credit_codes

from kernel.campaign import COUNTIES

# The shares of the generated enterprises: above the designated size; tiers among the rated.
ABOVE_SIZE_SHARE = 0.65
IN_PARK_SHARE = 0.75
TIER_WEIGHTS = {"good": 0.60, "average": 0.25, "difficult": 0.15}
UNRATED_SHARE = 0.03
SIZES = ("large", "medium", "small", "micro")
INDUSTRIES = ("rare_earth", "electronics", "furniture", "textiles", "new_energy_vehicles",
              "pharmaceuticals", "food", "nonferrous_metals")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "明华建国伟军平东海峰强志勇斌涛浩然文杰"


@dataclasses.dataclass
class City:
    leaders: list[dict]
    parks: list[dict]
    enterprises: list[dict]

    @property
    def size(self) -> str:
        top = sum(1 for l in self.leaders if l["rank"] == "top_city")
        city = sum(1 for l in self.leaders if l["rank"] in ("top_city", "city"))
        return (f"{len(COUNTIES)} counties/zones, {city} city leaders ({top} top), "
                f"{len(self.parks)} parks, {len(self.enterprises):,} enterprises")


def credit_code(number: int) -> str:
    """A valid unified social credit code: a company (91) in Ganzhou (3607xx), numbered."""
    body = f"913607{number % 100:02d}{number:09d}"
    return body + credit_codes.calc_check_digit(body)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate(seed: int = 2016, *, city_leaders: int = 30, top_leaders: int = 6, parks: int = 40,
             enterprises: int = 2000, county_leaders: bool = False,
             above_size_share: float = ABOVE_SIZE_SHARE,
             tier_weights: dict[str, float] | None = None) -> City:
    rng = random.Random(seed)
    counties = list(COUNTIES)
    weights = tier_weights or TIER_WEIGHTS
    # Every county/zone has a park; the rest go to counties at random.
    owners = counties[:min(parks, len(counties))] + [rng.choice(counties)
                                                     for _ in range(parks - len(counties))]
    park_rows, county_parks = [], {c: [] for c in counties}
    for number, county in enumerate(owners, start=1):
        park_id = f"park-{number:02d}"
        park_rows.append({"id": park_id, "name": f"{COUNTIES[county]}工业园{number:02d}",
                          "county": county})
        county_parks[county].append(park_id)
    enterprise_rows = []
    for number in range(1, enterprises + 1):
        county = rng.choice(counties)
        park = (rng.choice(county_parks[county])
                if county_parks[county] and rng.random() < IN_PARK_SHARE else None)
        above = rng.random() < above_size_share
        tier = (None if rng.random() < UNRATED_SHARE
                else rng.choices(list(weights), weights=list(weights.values()))[0])
        enterprise_rows.append({
            "uscc": credit_code(number), "name": f"赣州{number:04d}号企业有限公司",
            "county": county, "park": park, "industry": rng.choice(INDUSTRIES),
            "size": rng.choice(SIZES[:2]) if above else rng.choice(SIZES[2:]),
            "above_designated_size": above, "tier": tier,
        })
    titles = ("市委书记", "市长", "市人大常委会主任", "市政协主席")
    leader_rows = []
    for number in range(1, city_leaders + 1):
        top = number <= top_leaders
        leader_rows.append({
            "id": f"leader-{number:02d}", "name": person(rng),
            "rank": "top_city" if top else "city",
            "title": titles[(number - 1) % len(titles)] if top else "副市长",
            "county": None,
        })
    if county_leaders:
        for county in counties:
            leader_rows.append({"id": f"leader-{county}", "name": person(rng), "rank": "county",
                                "title": f"{COUNTIES[county]}领导", "county": county})
    return City(leader_rows, park_rows, enterprise_rows)
