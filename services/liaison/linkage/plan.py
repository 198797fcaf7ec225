"""The linkage planner: every city leader's list (notice 三(一)1) from the registry, with OR-Tools
CP-SAT, or an exact statement of which rule cannot be met and why.

The model
- x[e, l] (bool): enterprise e is on city leader l's list, for every rated above-size enterprise
  e (and, for a top city leader, only those in a park that could hold him) — summed by class:
  enterprises of one county, park and tier are interchangeable under every rule and the
  objective, so the model holds n[c, l] = Σ_{e in c} x[e, l] (how many of class c leader l takes)
  and hands the enterprises out afterwards in credit-code order; the 2,000-enterprise city is
  then ~5,000 small integers instead of ~36,000 booleans, and solves in about a second instead of
  a minute;
- y[p, l] (bool): top city leader l links park p;
- each top leader links exactly one park (Σp y = 1) and only enterprises of it (x[e,l] ≤
  y[park(e),l]); each city leader's list is exactly 15: 10 good, 3 average, 2 difficult (the mix of
  `rules.MIX`; the planner proposes the least the notice asks, a leader may take on more later);
  no enterprise is on two city leaders' lists (Σl x ≤ 1);
- objective (spread, 均衡): minimise the most linked enterprises in any county, then in any park,
  then the most top leaders in one park, so that the leaders' attention is spread over the city
  instead of piling on its biggest parks and counties.
The solver runs deterministically: a fixed seed, a fixed number of workers searching in
interleaved (deterministic) batches and a deterministic time limit, with a wall-clock limit only
as the last safety net. The same registry gives the same plan.

Before the solver runs, `diagnose` counts: the rules here are such that the counts below are
exactly the conditions for a plan to exist (a top leader needs a park with 10/3/2 rated above-size
enterprises of its own, every other leader can draw from anywhere), so when a count falls short
its sentence is the reason, in words, and the solver is not asked. Should the solver still find
no plan, an honest generic statement is given instead.

Plain Python plus ortools (a solver library, no I/O).
"""
from __future__ import annotations

import dataclasses
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from services.liaison.linkage import rules
from services.liaison.linkage.exceptions import (
    LeaderNotFound, NoCityLeaders, ParkNotFound, ParkOnlyForTopLeader, PlanInfeasible,
)
from services.liaison.linkage.rules import MIX, MINIMUM, TIERS, TOP_CITY

# The solver's limits: deterministic time (CP-SAT's own work units, roughly seconds on a fast
# core) decides where it stops, so the answer does not depend on the machine's load; the wall
# limit only keeps a pathological registry from holding a worker.
DETERMINISTIC_LIMIT = 10.0
WALL_LIMIT = 25.0
# One worker: on the generated city it proves the optimum fastest, and it is deterministic.
WORKERS = 1
SEED = 20160501   # the notice's month

# The objective's weights: county spread first, then park spread, then top leaders apart.
COUNTY_WEIGHT, PARK_WEIGHT, SHARED_PARK_WEIGHT = 10_000, 100, 1


@dataclasses.dataclass
class Plan:
    """A solved plan: one linkage per city leader, and how it was found."""

    linkages: list[dict]
    stats: dict


def eligible(enterprise: Mapping) -> bool:
    """An enterprise a city leader may list: above the designated size and rated."""
    return bool(enterprise.get("above_designated_size")) and enterprise.get("tier") in TIERS


def _park_name(parks: Mapping[str, Mapping], park_id: str) -> str:
    park = parks.get(park_id) or {}
    return park.get("name") or park_id


def _leader_name(leader: Mapping) -> str:
    return leader.get("name") or leader["id"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def diagnose(leaders: Sequence[Mapping], enterprises: Sequence[Mapping],
             parks: Sequence[Mapping], pinned: Mapping[str, str] | None = None) -> list[str]:
    """Why no plan can exist, in words, one sentence per shortfall; empty when the counts allow
    a plan (and then one exists). `pinned` fixes some top leaders' parks (leader id → park)."""
    pinned = dict(pinned or {})
    parks_by_id = {p["id"]: p for p in parks}
    city = [l for l in leaders if rules.is_city_leader(l)]
    tops = [l for l in city if l["rank"] == TOP_CITY]
    usable = [e for e in enterprises if eligible(e)]
    unrated = sum(1 for e in enterprises
                  if e.get("above_designated_size") and e.get("tier") not in TIERS)
    reasons: list[str] = []

    # Every city leader: 15 rated above-size enterprises, 10/3/2, none shared.
    wanted, have = MINIMUM * len(city), len(usable)
    if have < wanted:
        waiting = (f" ({_plural(unrated, 'more above-size enterprise')} still await their "
                   "county's rating)") if unrated else ""
        reasons.append(f"{len(city)} city leaders need {wanted} rated above-size enterprises "
                       f"({MINIMUM} each), the city has {have}{waiting}")
    tiers = Counter(e["tier"] for e in usable)
    for tier in TIERS:
        need = MIX[tier] * len(city)
        if tiers[tier] < need:
            reasons.append(f"{len(city)} city leaders need {need} {tier} above-size enterprises "
                           f"({MIX[tier]} each), the city has {tiers[tier]}")

    # Top leaders: one park each, their 10/3/2 inside it.
    in_park: dict[str, Counter] = defaultdict(Counter)
    for e in usable:
        if e.get("park"):
            in_park[e["park"]][e["tier"]] += 1
    by_park: dict[str, list[Mapping]] = defaultdict(list)
    for leader in tops:
        if leader["id"] in pinned:
            by_park[pinned[leader["id"]]].append(leader)
    used: dict[str, Counter] = defaultdict(Counter)
    for park_id, held in sorted(by_park.items()):
        if park_id not in parks_by_id:
            reasons.append(f"park {park_id}, named for top city leader "
                           f"{_leader_name(held[0])}, is not in the registry")
            continue
        who = (f"its leader {_leader_name(held[0])}" if len(held) == 1 else
               f"its {len(held)} leaders ({', '.join(_leader_name(l) for l in held)})")
        for tier in TIERS:
            need = MIX[tier] * len(held)
            count = in_park[park_id][tier]
            if count < need:
                reasons.append(f"park {_park_name(parks_by_id, park_id)} has "
                               f"{_plural(count, tier + ' above-size enterprise')}, {who} "
                               f"needs {need}")
            used[park_id][tier] = need
    free = [l for l in tops if l["id"] not in pinned]
    if free:
        room = {p: min((in_park[p][t] - used[p][t]) // MIX[t] for t in TIERS)
                for p in parks_by_id}
        places = sum(max(0, n) for n in room.values())
        if places < len(free):
            near = sorted((p for p in parks_by_id if room[p] <= 0),
                          key=lambda p: (sum(max(0, MIX[t] - (in_park[p][t] - used[p][t]))
                                             for t in TIERS), p))[:5]
            shortfalls = []
            for p in near:
                lacking = [f"{in_park[p][t] - used[p][t]} {t} (needs {MIX[t]})" for t in TIERS
                           if in_park[p][t] - used[p][t] < MIX[t]]
                shortfalls.append(f"park {_park_name(parks_by_id, p)} has " + ", ".join(lacking))
            held = f"only {places} can be placed" if places else "none can be placed"
            reasons.append(
                (f"{len(free)} top city leaders each need" if len(free) > 1 else
                 "1 top city leader needs") + " a park of his own with "
                + f"{MIX['good']} good, {MIX['average']} average and {MIX['difficult']} difficult "
                f"rated above-size enterprises; {held}"
                + (": " + "; ".join(shortfalls) if shortfalls else ""))
    return reasons


def _check_pins(leaders_by_id: Mapping[str, Mapping], pinned: Mapping[str, str],
                parks_by_id: Mapping[str, Mapping]) -> None:
    for leader_id, park_id in pinned.items():
        leader = leaders_by_id.get(leader_id)
        if leader is None:
            raise LeaderNotFound(leader_id, field="parks")
        if leader.get("rank") != TOP_CITY:
            raise ParkOnlyForTopLeader(leader_id)
        if park_id not in parks_by_id:
            raise ParkNotFound(park_id, field="parks")


def solve(leaders: Sequence[Mapping], enterprises: Sequence[Mapping], parks: Sequence[Mapping],
          pinned: Mapping[str, str] | None = None, *,
          deterministic_limit: float = DETERMINISTIC_LIMIT, wall_limit: float = WALL_LIMIT,
          workers: int = WORKERS) -> Plan:
    """Every city leader's linkage, or `PlanInfeasible` naming why none exists."""
    started = time.perf_counter()
    pinned = dict(pinned or {})
    leaders_by_id = {l["id"]: l for l in leaders}
    parks_by_id = {p["id"]: p for p in parks}
    _check_pins(leaders_by_id, pinned, parks_by_id)
    city = sorted((l for l in leaders if rules.is_city_leader(l)), key=lambda l: l["id"])
    if not city:
        raise NoCityLeaders()
    reasons = diagnose(leaders, enterprises, parks, pinned)
    if reasons:
        raise PlanInfeasible(reasons)

    usable = sorted((e for e in enterprises if eligible(e)), key=lambda e: e["uscc"])
    park_tiers: dict[str, Counter] = defaultdict(Counter)
    for e in usable:
        if e.get("park") in parks_by_id:
            park_tiers[e["park"]][e["tier"]] += 1
    # Parks that could hold a top leader at all: the rest are never offered to one.
    host_parks = sorted(p for p, held in park_tiers.items()
                        if all(held[t] >= MIX[t] for t in TIERS))

    # Enterprises of the same county, park and tier are interchangeable under every rule and
    # the objective: the model counts how many of each class a leader takes (the enterprise ×
    # leader booleans summed by class, which removes the classes' symmetry and takes the model
    # from ~36,000 booleans to a few thousand small integers); the enterprises themselves are
    # handed out afterwards in credit-code order.
    classes: dict[tuple, list[str]] = defaultdict(list)
    for e in usable:
        park_id = e.get("park") if e.get("park") in parks_by_id else None
        classes[e.get("county") or "", park_id, e["tier"]].append(e["uscc"])
    keys = sorted(classes, key=lambda k: (k[0], k[1] or "", k[2]))

    # Imported here, not with the module: OR-Tools adds some 60 MB to a process, which a
    # liaison service that is not planning has no use for.
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    n: dict[tuple[int, int], cp_model.IntVar] = {}
    y: dict[tuple[str, int], cp_model.IntVar] = {}
    for li, leader in enumerate(city):
        top = leader["rank"] == TOP_CITY
        offered = ([pinned[leader["id"]]] if leader["id"] in pinned else host_parks) if top else []
        for park_id in offered:
            y[park_id, li] = model.new_bool_var(f"y_{park_id}_{li}")
        if top:
            # notice 三(一)1: a top city leader links exactly one park
            model.add_exactly_one(y[p, li] for p in offered)
        for ci, (county, park_id, tier) in enumerate(keys):
            if top and (park_id, li) not in y:
                continue
            n[ci, li] = model.new_int_var(0, min(MIX[tier], len(classes[keys[ci]])),
                                          f"n_{ci}_{li}")
            if top:
                # … and only enterprises in it
                model.add(n[ci, li] <= MIX[tier] * y[park_id, li])
    by_leader: dict[int, list[int]] = defaultdict(list)
    by_class: dict[int, list[int]] = defaultdict(list)
    for ci, li in n:
        by_leader[li].append(ci)
        by_class[ci].append(li)
    for li in range(len(city)):
        for tier in TIERS:
            # notice 三(一)1: 10 good, 3 average, 2 difficult
            model.add(sum(n[ci, li] for ci in by_leader[li] if keys[ci][2] == tier) == MIX[tier])
    for ci, held in by_class.items():
        # no enterprise has two city leaders: a class gives out no more than it holds
        model.add(sum(n[ci, li] for li in held) <= len(classes[keys[ci]]))

    # Spread: the most linked enterprises in a county, in a park; top leaders apart.
    total = MINIMUM * len(city)
    county_load: dict[str, list] = defaultdict(list)
    park_load: dict[str, list] = defaultdict(list)
    for (ci, li), var in n.items():
        county_load[keys[ci][0]].append(var)
        if keys[ci][1]:
            park_load[keys[ci][1]].append(var)
    most_county = model.new_int_var(0, total, "most_in_a_county")
    most_park = model.new_int_var(0, total, "most_in_a_park")
    for load in county_load.values():
        model.add(sum(load) <= most_county)
    for load in park_load.values():
        model.add(sum(load) <= most_park)
    tops_in_park: dict[str, list] = defaultdict(list)
    for (park_id, li), var in y.items():
        tops_in_park[park_id].append(var)
    most_tops = model.new_int_var(0, len(city), "most_top_leaders_in_a_park")
    for held in tops_in_park.values():
        model.add(sum(held) <= most_tops)
    # Lower bounds every plan meets (an even spread over the counties that have enterprises to
    # give; a top leader's fifteen in one park): a plan reaching them is known optimal at once.
    model.add(most_county >= -(-total // max(1, len(county_load))))
    if y:
        model.add(most_park >= MINIMUM)
        model.add(most_tops >= 1)
    model.minimize(COUNTY_WEIGHT * most_county + PARK_WEIGHT * most_park
                   + SHARED_PARK_WEIGHT * most_tops)

    solver = cp_model.CpSolver()
    solver.parameters.random_seed = SEED
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = True
    solver.parameters.max_deterministic_time = deterministic_limit
    solver.parameters.max_time_in_seconds = wall_limit
    built = time.perf_counter()
    status = solver.solve(model)
    if status == cp_model.MODEL_INVALID:  # a bug of this module, never the registry's
        raise RuntimeError(model.validate())
    solved = time.perf_counter()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.INFEASIBLE:
            raise PlanInfeasible([
                "the counts allow a plan, yet the solver proved that no assignment meets all the "
                "rules together (each top leader's park, 10/3/2 per leader, no enterprise twice); "
                "this should not happen — report it with the registry as it is"])
        raise PlanInfeasible([
            f"the solver found no plan within its limit ({deterministic_limit:g} units of "
            f"deterministic time, {wall_limit:g} s) although the counts allow one; try again "
            "with fewer pinned parks or ask the office to raise the limit"])

    handed = {ci: iter(classes[key]) for ci, key in enumerate(keys)}
    linkages = []
    for li, leader in enumerate(city):
        listed = sorted(uscc for ci in by_leader[li]
                        for uscc in itertools.islice(handed[ci], solver.value(n[ci, li])))
        park = next((p for (p, lj), var in y.items() if lj == li and solver.value(var)), None)
        linkages.append({"leader_id": leader["id"], "rank": leader["rank"], "park": park,
                         "enterprises": listed})
    # What the planner proposes meets the rules it was given: checked again, by the rules.
    rules.check_plan(linkages, leaders_by_id, {e["uscc"]: e for e in enterprises}, parks_by_id)
    return Plan(linkages, {
        "status": solver.status_name(status).lower(),
        "objective": {"most_in_a_county": solver.value(most_county),
                      "most_in_a_park": solver.value(most_park),
                      "most_top_leaders_in_a_park": solver.value(most_tops)},
        "city_leaders": len(city),
        "top_city_leaders": sum(1 for l in city if l["rank"] == TOP_CITY),
        "enterprises": len(enterprises),
        "eligible_enterprises": len(usable),
        "parks": len(parks),
        "variables": len(n) + len(y),
        "classes": len(keys),
        "build_seconds": round(built - started, 3),
        "solve_seconds": round(solved - built, 3),
        "seconds": round(time.perf_counter() - started, 3),
    })

