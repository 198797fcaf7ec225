"""The liaison service's facts the tickets service keeps its leaders' linkage from, each with the
whole payload its declared model takes (`services.liaison.events`): what the linkage's
reactions are given in a test, so that they are given nothing a producer would not record."""
from __future__ import annotations

import uuid

from kernel.envelope import Event, format_time, utc_now

CITY_STREAM = "city-linkage"
COVERAGE = {"enterprises": 0, "tiers": {}, "counties": [], "parks": []}


def liaison_event(stream_type: str, stream_id: str, type_: str, payload: dict,
                  version: int = 1) -> Event:
    return Event(event_id=str(uuid.uuid4()), stream_id=stream_id, stream_type=stream_type,
                 version=version, type=type_, occurred_at=format_time(utc_now()),
                 actor="office:clerk", correlation_id="test", causation_id="", payload=payload)


def leader_registered(leader_id: str, rank: str = "city", county: str | None = None) -> Event:
    return liaison_event("leader", leader_id, "LeaderRegistered", {
        "id": leader_id, "name": f"领导{leader_id}", "rank": rank, "title": "副市长",
        "county": county})


def enterprise_registered(uscc: str, park: str | None) -> Event:
    return liaison_event("enterprise", uscc, "EnterpriseRegistered", {
        "uscc": uscc, "name": f"企业{uscc[-4:]}", "county": "zhanggong", "park": park,
        "industry": "rare_earth", "size": "medium", "above_designated_size": True})


def enterprise_changed(uscc: str, version: int, **changes) -> Event:
    """An EnterpriseProfileChanged carrying only `changes`, as the registry records it."""
    return liaison_event("enterprise", uscc, "EnterpriseProfileChanged", changes, version)


def linkage(leader_id: str, rank: str, park: str | None, enterprises: list[str]) -> dict:
    """One leader's linkage as a plan holds it."""
    return {"leader_id": leader_id, "rank": rank, "park": park, "enterprises": enterprises,
            "coverage": COVERAGE}


def plan_accepted(*linkages: dict) -> Event:
    return liaison_event("linkage", CITY_STREAM, "PlanAccepted", {
        "plan_id": str(uuid.uuid4()), "proposed_at": format_time(utc_now()),
        "linkages": list(linkages), "coverage": COVERAGE})


def linkage_changed(leader_id: str, rank: str, park: str | None,
                    enterprises: list[str]) -> Event:
    return liaison_event("linkage", CITY_STREAM, "LinkageChanged", {
        "leader_id": leader_id, "rank": rank, "park": park, "enterprises": enterprises,
        "previous_park": None, "added": enterprises, "removed": [], "reason": "调整挂点",
        "coverage": COVERAGE})


def liaison_appointed(cadre_id: str, leader_id: str) -> Event:
    return liaison_event("linkage", CITY_STREAM, "LiaisonOfficerAppointed", {
        "cadre_id": cadre_id, "name": "陈联络", "unit": "office", "unit_name": None,
        "leader_id": leader_id, "leader_name": None, "phone": None})


def visit_recorded(visit_id: str, leader_id: str, uscc: str) -> Event:
    return liaison_event("visit", visit_id, "VisitRecorded", {
        "date": "2026-05-18", "leader_id": leader_id, "cadres": [], "units": [],
        "uscc": uscc, "enterprise_name": f"企业{uscc[-4:]}", "county": "zhanggong",
        "findings": "生产正常"})
