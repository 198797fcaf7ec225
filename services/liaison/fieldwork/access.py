"""Who reads which field work (notice 二(三)): the office and the supervisors all of it; a unit
officer its own unit's surveys, help plans and activities, and the visits its unit took part in;
a leader what reports to him and his own visits; a liaison officer all of it (the cadres who
carry the work); an enterprise the visits to it. An enterprise's monthly operation report is
read by the office and the supervisors, the city leader it was filed for, and that leader's
liaison officers. What a caller may not read is not found. Plain Python, no I/O."""
from __future__ import annotations

from kernel.actor import Actor

READ_ALL = ("office", "supervisor", "liaison")


def may_read_report(who: Actor, row: dict) -> bool:
    """A survey or a help plan (`unit`, `leader_id`)."""
    if who.role in READ_ALL:
        return True
    if who.role == "unit_officer":
        return who.unit == row.get("unit")
    if who.role == "leader":
        return who.sub == row.get("leader_id")
    return False


def may_read_visit(who: Actor, row: dict) -> bool:
    if who.role in READ_ALL:
        return True
    if who.role == "unit_officer":
        return who.unit in (row.get("units") or [])
    if who.role == "leader":
        return who.sub == row.get("leader_id")
    if who.role == "enterprise":
        return who.uscc == row.get("uscc")
    return False


def may_read_activity(who: Actor, row: dict) -> bool:
    if who.role in READ_ALL or who.role == "leader":
        return True
    if who.role == "unit_officer":
        return who.unit == row.get("unit")
    if who.role == "enterprise":
        return who.uscc in (row.get("enterprises") or [])
    return False


def may_read_operation_report(who: Actor, row: dict, officer_leader: str | None = None) -> bool:
    """An operation report (`leader_id`); `officer_leader` is the leader a liaison officer
    serves (his appointment's; None: not appointed)."""
    if who.role in ("office", "supervisor"):
        return True
    if who.role == "leader":
        return who.sub == row.get("leader_id")
    if who.role == "liaison":
        return officer_leader is not None and officer_leader == row.get("leader_id")
    return False
