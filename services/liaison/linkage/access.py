"""Who may call each operation of the linkage (notice 三(一)1-2), the area's rows of the service's
permission table: plans to the office, the supervision group and the helping-enterprises group;
a leader his own linkage, a liaison officer his leader's. How far a leader or a liaison officer
reaches through his list is `services.liaison.linkage.reach`.

Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow

HELPING = Scope.HELPING_GROUP
LEADER = Scope.LEADER_LINKAGE
LIAISON = Scope.LIAISON_APPOINTMENT

ROWS = (
    allow("propose_plan", OFFICE, unit_officer=HELPING,
          note="the helping-enterprises group proposes (notice 三(一)1: 市入企帮扶专项小组…确定"
               "联系企业名单)"),
    allow("list_plans", OVERSIGHT, unit_officer=HELPING,
          note="a plan is drawn from the tiers: the helping-enterprises group's units only, "
               "other unit officers refused"),
    allow("get_plan", OVERSIGHT, unit_officer=HELPING, note="as list_plans"),
    allow("accept_plan", OFFICE),
    allow("linkages", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="a leader his own, a liaison officer his leader's, none if unappointed"),
    allow("get_linkage", OVERSIGHT, leader=LEADER, liaison=LIAISON, note="as linkages"),
    allow("change_linkage", OFFICE),
    allow("link_department", OFFICE),
    allow("department_park", OVERSIGHT, unit_officer=Scope.OWN_UNIT, leader=LEADER,
          liaison=LIAISON,
          note="a department's own officers, the leader whose linkage is in that park and his "
               "liaison officers; others are not found"),
    allow("appoint_liaison", OFFICE),
    allow("liaison_officers", OVERSIGHT, leader=LEADER, liaison=LIAISON,
          note="a leader his own officers, an officer those of his leader"),
)
