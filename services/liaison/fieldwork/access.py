"""Who reads which field work (notice 二(三)), and who records a visit.

The office and the supervisors read all of it. A unit officer its own unit's surveys, help
plans and activities, and the visits its unit took part in. A leader the field work of his list
(`linkage.reach`: his linkage's enterprises and his park's): the surveys and help plans for him,
his visits and those to his list's enterprises, the activities of his list's enterprises; an
appointed liaison officer (联络员) the same of the leader he serves; an unregistered leader or an
officer not appointed nothing. An enterprise the visits to it and the activities it took part
in. An enterprise's monthly operation report is read by the office and the supervisors, the
city leader it was filed for, and that leader's liaison officers. What a caller may not read is
not found.

A visit is of an enterprise of its leader's list (a county leader's: of his county too), and is recorded (its problems raised, each an
appeal in the enterprise's name) only by that leader, his appointed liaison officers, a city
department linked to his park (notice 三(一)2; for a city leader, who links no park, the park of
the enterprise of his list visited) that took part, or the office.

Plain Python, no I/O.
"""
from __future__ import annotations

from collections.abc import Collection

from kernel.actor import Actor
from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow
from services.liaison.fieldwork.exceptions import (
    NotLeadersEnterprise, NotLiaisonOfficer, NotOwnLeader, UnitNotOwner, NotOwnVisit,
    RoleNotAllowed,
)
from services.liaison.linkage.reach import NOWHERE, Reach

READ_ALL = ("office", "supervisor")
LIST_READERS = ("leader", "liaison")
VISIT_RECORDERS = ("leader", "liaison", "unit_officer", "office")


def may_read_report(who: Actor, row: dict, reach: Reach = NOWHERE) -> bool:
    """A survey or a help plan (`unit`, `leader_id`); `reach` the caller's list."""
    if who.role in READ_ALL:
        return True
    if who.role == "unit_officer":
        return who.unit == row.get("unit")
    if who.role in LIST_READERS:
        return reach.is_leader(row.get("leader_id"))
    return False


def may_read_visit(who: Actor, row: dict, reach: Reach = NOWHERE) -> bool:
    if who.role in READ_ALL:
        return True
    if who.role == "unit_officer":
        return who.unit in (row.get("units") or [])
    if who.role in LIST_READERS:
        return reach.is_leader(row.get("leader_id")) or reach.covers(row.get("uscc"))
    if who.role == "enterprise":
        return who.uscc is not None and who.uscc == row.get("uscc")
    return False


def may_read_activity(who: Actor, row: dict, reach: Reach = NOWHERE) -> bool:
    if who.role in READ_ALL:
        return True
    if who.role == "unit_officer":
        return who.unit == row.get("unit")
    if who.role in LIST_READERS:
        return reach.covers_any(row.get("enterprises"))
    if who.role == "enterprise":
        return who.uscc in (row.get("enterprises") or [])
    return False


def disclose_activity(who: Actor, row: dict, reach: Reach = NOWHERE) -> dict:
    """An activity as the caller is shown it: an enterprise sees itself among those served, a
    leader and his liaison officers the enterprises of his list, not the others'."""
    if who.role == "enterprise":
        mine = [uscc for uscc in row.get("enterprises") or [] if uscc == who.uscc]
    elif who.role in LIST_READERS:
        mine = [uscc for uscc in row.get("enterprises") or [] if reach.covers(uscc)]
    else:
        return row
    return {**row, "enterprises": mine}


def may_read_operation_report(who: Actor, row: dict, officer_leader: str | None = None) -> bool:
    """An operation report (`leader_id`); `officer_leader` is the leader a liaison officer
    serves (his appointment's; None: not appointed)."""
    if who.role in READ_ALL:
        return True
    if who.role == "leader":
        return who.sub == row.get("leader_id")
    if who.role == "liaison":
        return officer_leader is not None and officer_leader == row.get("leader_id")
    return False


def check_visit_recorder(who: Actor, *, leader_id: str, uscc: str, units: Collection[str],
                         leader_reach: Reach, officer_leader: str | None,
                         park_departments: Collection[str], doing: str,
                         home_county: str | None = None,
                         enterprise_county: str | None = None) -> None:
    """Refuse, naming the rule, a visit (or a problem of one) that is not of an enterprise of
    its leader's list, or a recorder who is not that leader, his appointed liaison officer, an
    officer of a department linked to his park that took part, or the office.
    `leader_reach` is the visit's leader's list, `officer_leader` the leader the caller serves
    if he is a liaison officer, `park_departments` the departments linked to the leader's park;
    `home_county` a county leader's county: he visits the enterprises of his own jurisdiction
    (notice 三(一)1: 县(市、区)…领导分别联系本辖区企业), `enterprise_county` the visited one's."""
    if who.role not in VISIT_RECORDERS:
        raise RoleNotAllowed(who.role, doing, VISIT_RECORDERS)
    if who.role == "leader" and who.sub != leader_id:
        raise NotOwnVisit(doing)
    if who.role == "liaison":
        if officer_leader is None:
            raise NotLiaisonOfficer(who.sub)
        if officer_leader != leader_id:
            raise NotOwnLeader(doing, leader_id)
    if who.role == "unit_officer":
        if who.unit not in park_departments:
            raise UnitNotOwner(who.unit, "the departments linked to the leader's park "
                             f"({', '.join(sorted(park_departments)) or 'none'})", doing)
        if who.unit not in units:
            raise UnitNotOwner(who.unit, ", ".join(units) or "the visiting units", doing)
    own_jurisdiction = home_county is not None and home_county == enterprise_county
    if not (leader_reach.covers(uscc) or own_jurisdiction):
        raise NotLeadersEnterprise(uscc, leader_id, "a visit is to an enterprise of its "
                                                    "leader's list (his linkage's or his park's)")


# -- the area's rows of the service's permission table (`services.liaison.permissions`) --

HELPING = Scope.HELPING_GROUP
LEADER = Scope.LEADER_LINKAGE
LIAISON = Scope.LIAISON_APPOINTMENT
OWN = Scope.OWN_ENTERPRISE

# Who reads the field work, and how far (notice 二(三)).
FIELDWORK_READERS = {**OVERSIGHT, "unit_officer": Scope.OWN_UNIT, "leader": LEADER,
                     "liaison": LIAISON}

ROWS = (
    allow("require_survey", OFFICE),
    allow("act_on_survey.submit", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the department the survey is required of"),
    allow("get_survey", FIELDWORK_READERS,
          note="a unit its own; a leader those reported to him, his liaison officers too"),
    allow("list_surveys", FIELDWORK_READERS, note="as get_survey, narrowed before it is answered"),
    allow("require_help_plan", OFFICE),
    allow("act_on_help_plan.submit", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the department the plan is required of"),
    allow("act_on_help_plan.review", OFFICE, unit_officer=HELPING,
          note="the helping-enterprises group reviews (入企帮扶组)"),
    allow("act_on_help_plan.file", OFFICE),
    allow("get_help_plan", {**FIELDWORK_READERS, "unit_officer": Scope.INVOLVED_UNIT},
          note="a department its own; the helping-enterprises group's units those submitted "
               "to it; a leader his, his liaison officers too"),
    allow("list_help_plans", {**FIELDWORK_READERS, "unit_officer": Scope.INVOLVED_UNIT},
          note="as get_help_plan, narrowed before it is answered"),
    allow("record_visit", OFFICE, leader=LEADER, liaison=LIAISON,
          unit_officer=Scope.LINKED_DEPARTMENT,
          note="of an enterprise of the visit's leader's list (his linkage's or his park's; a "
               "county leader's own county's too), by that leader, his appointed liaison officers, a department linked to his "
               "park that took part, or the office; each problem becomes an appeal"),
    allow("add_visit_problem", OFFICE, leader=LEADER, liaison=LIAISON,
          unit_officer=Scope.LINKED_DEPARTMENT, note="as record_visit"),
    allow("get_visit", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON,
          note="a unit the visits it took part in; a leader his visits and his list's, his "
               "liaison officers too; an enterprise the visits to it"),
    allow("visit_problems", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON, note="as get_visit"),
    allow("list_visits", OVERSIGHT, enterprise=OWN, unit_officer=Scope.INVOLVED_UNIT,
          leader=LEADER, liaison=LIAISON, note="as get_visit, narrowed before it is answered"),
    allow("file_operation_report", liaison=LIAISON,
          note="an enterprise of his leader's list (notice 三(一)2)"),
    allow("amend_op_report", liaison=LIAISON, note="a report of his leader's"),
    allow("get_op_report", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="the leader it was filed for and his liaison officers"),
    allow("list_op_reports", OVERSIGHT, leader=LEADER, liaison=LIAISON, note="as get_op_report"),
    allow("record_consultation", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("record_matchmaking", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("record_outcome", OFFICE, unit_officer=Scope.OWN_UNIT,
          note="the office or the organising unit"),
    allow("list_consultations", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON,
          note="a unit those it organised; a leader and his liaison officers those of his "
               "list's enterprises, an enterprise those it took part in; the enterprises "
               "listed narrowed to the caller's"),
    allow("list_matchmakings", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON, note="as list_consultations"),
    allow("get_activity", OVERSIGHT, enterprise=OWN, unit_officer=Scope.OWN_UNIT,
          leader=LEADER, liaison=LIAISON, note="as list_consultations"),
)
